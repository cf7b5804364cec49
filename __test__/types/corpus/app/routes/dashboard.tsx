import type { LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { getAuth } from '@clerk/remix/ssr.server';

export const loader = async (args: LoaderFunctionArgs) => {
  const { userId, sessionId, orgId, orgRole, orgSlug, orgPermissions, sessionClaims, has, getToken, actor } = await getAuth(args);
  if (!userId) return redirect('/sign-in');
  const plan: 'free' | 'pro' | undefined = sessionClaims.metadata.plan;
  const wrongPlan: 'gold' = sessionClaims.metadata.plan;
  const admin: boolean = has({ role: 'org:admin' });
  const editor = has({ permission: 'org:posts:edit' });
  const unknownRole = has({ role: 'org:owner' });
  const unknownPermission = has({ permission: 'org:posts:delete' });
  const template: string | null = await getToken({ template: 'supabase' });
  const wrongToken: number = await getToken();
  return json({ userId, sessionId, orgId, orgRole, orgSlug, orgPermissions, plan, wrongPlan, admin, editor, unknownRole, unknownPermission, template, wrongToken, actor: actor?.sub });
};

export const withSecret = async (args: LoaderFunctionArgs) => (await getAuth(args, { secretKey: 'sk_test_x' })).userId;
export const withRootOption = async (args: LoaderFunctionArgs) => (await getAuth(args, { loadUser: true })).userId;
export const noArgs = () => getAuth();
export const requestOnly = async (args: LoaderFunctionArgs) => (await getAuth({ request: args.request })).userId;
export const signedOutBranch = async (args: LoaderFunctionArgs) => {
  const auth = await getAuth(args);
  if (auth.sessionId === null) {
    const u: null = auth.userId;
    return u;
  }
  const s: string = auth.sessionId;
  return s;
};

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  return <p>{'userId' in data ? data.userId : null}</p>;
}
