import type { ActionFunctionArgs, LoaderFunction, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Outlet, useLoaderData } from '@remix-run/react';
import { ClerkProvider, type WithClerkState } from '@clerk/remix';
import { getAuth, rootAuthLoader } from '@clerk/remix/ssr.server';

export const typedLoader: LoaderFunction = (args) => rootAuthLoader(args, ({ request }) => ({ id: request.auth.userId }));
export const jsonLoader = (args: LoaderFunctionArgs) => rootAuthLoader(args, () => json({ count: 1 }));
export const noCallback = (args: LoaderFunctionArgs) => rootAuthLoader(args);

export async function action(args: ActionFunctionArgs) {
  const { userId, orgId } = await getAuth(args);
  return json({ userId, orgId });
}

export function HandWrittenRoot() {
  const { clerkState, count } = useLoaderData<typeof jsonLoader>();
  const data = useLoaderData<typeof noCallback>();
  const n: string = count;
  return (
    <ClerkProvider clerkState={clerkState}>
      <p>{n} {String(data)}</p>
      <Outlet />
    </ClerkProvider>
  );
}

export function MissingState() {
  return (
    <ClerkProvider>
      <Outlet />
    </ClerkProvider>
  );
}

export const beta: WithClerkState<{ posts: string[] }> = { data: { posts: [] }, clerkState: { __type: 'clerkState' } };
