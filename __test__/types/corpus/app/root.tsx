import type { LoaderFunctionArgs } from '@remix-run/node';
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData } from '@remix-run/react';
import { ClerkApp, SignedIn, SignedOut, SignInButton, UserButton, useAuth, useUser } from '@clerk/remix';
import { rootAuthLoader } from '@clerk/remix/ssr.server';

export const loader = (args: LoaderFunctionArgs) =>
  rootAuthLoader(
    args,
    ({ request }) => {
      const { userId, sessionId, orgId } = request.auth;
      const name: string | undefined = request.user?.firstName ?? undefined;
      return { userId, sessionId, orgId, name, plan: 'pro' as const };
    },
    { loadUser: true, signInUrl: '/sign-in' },
  );

function App() {
  const data = useLoaderData<typeof loader>();
  const plan: 'pro' = data.plan;
  const missing = data.plann;
  const count: number = data.userId;
  const { isSignedIn, userId, orgRole } = useAuth();
  const { user } = useUser();
  return (
    <html lang="en">
      <head>
        <Meta />
        <Links />
      </head>
      <body>
        <p>{plan} {String(missing)} {count} {String(isSignedIn)} {userId} {orgRole} {user?.fullName}</p>
        <SignedIn>
          <UserButton afterSignOutUrl="/" />
        </SignedIn>
        <SignedOut>
          <SignInButton mode="modal" />
        </SignedOut>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default ClerkApp(App, {
  appearance: { variables: { colorPrimary: '#6c47ff' } },
  signInUrl: '/sign-in',
  signInFallbackRedirectUrl: '/dashboard',
});

export const Misspelt = ClerkApp(App, { signInUrll: '/sign-in' });
export const WithProps = ClerkApp((props: { title: string }) => <p>{props.title}</p>);
