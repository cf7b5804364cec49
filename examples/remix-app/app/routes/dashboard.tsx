import { json, redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { getAuth } from 'clerk-remix-native/ssr.server';

// Protected: a signed-out request goes to /sign-in (and comes back here after signing in).
export const loader = async (args: LoaderFunctionArgs) => {
  const { userId, sessionId, orgId, orgSlug, orgRole } = await getAuth(args);
  if (!userId) {
    const back = new URL(args.request.url).pathname;
    return redirect(`/sign-in?redirect_url=${encodeURIComponent(back)}`);
  }
  return json({ userId, sessionId, orgId: orgId ?? null, orgSlug: orgSlug ?? null, orgRole: orgRole ?? null });
};

export default function Dashboard() {
  const { userId, sessionId, orgId, orgSlug, orgRole } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Dashboard</h1>
      <p>Only signed-in users get here; the loader read the session with <code>getAuth(args)</code>.</p>
      <dl>
        <dt>user id</dt>
        <dd data-testid="user-id">{userId}</dd>
        <dt>session id</dt>
        <dd data-testid="session-id">{sessionId}</dd>
        <dt>organization</dt>
        <dd data-testid="org">{orgId ? `${orgId}${orgSlug ? ` (${orgSlug}, ${orgRole ?? 'no role'})` : ''}` : 'none'}</dd>
      </dl>
    </>
  );
}
