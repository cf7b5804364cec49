import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, Links, Meta, Outlet, Scripts, ScrollRestoration } from '@remix-run/react';
import { ConnectClerk, SignedIn, SignedOut, useAuth } from 'clerk-remix-native';
import { rootAuthLoader } from 'clerk-remix-native/ssr.server';
import { localIssuerEnabled } from './local-issuer.server';

export const meta: MetaFunction = () => [{ title: 'clerk-remix-native example' }];

// Clerk's state for the whole app: the session is checked here (natively) on every document and data request, and
// `clerkState` goes into the root loader data for ConnectClerk below.
export const loader = (args: LoaderFunctionArgs) =>
  rootAuthLoader(args, () => ({ localIssuer: localIssuerEnabled() }), { signInUrl: '/sign-in' });

/** Rendered on the server too: `useAuth()` knows the user before any client script runs. */
function AuthStatus() {
  const { isLoaded, isSignedIn, userId } = useAuth();
  if (!isLoaded) return <p data-testid="auth-status">Loading…</p>;
  return <p data-testid="auth-status">{isSignedIn ? `Signed in as ${userId}` : 'Signed out'}</p>;
}

function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <Meta />
        <Links />
        <style>{`
          body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
          nav { display: flex; gap: 1rem; align-items: baseline; border-bottom: 1px solid #ddd; padding-bottom: .5rem; }
          nav [data-testid=auth-status] { margin-left: auto; color: #555; }
          dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
          dt { font-weight: 600; } code, dd { font-family: ui-monospace, monospace; }
          button { font: inherit; padding: .4rem .9rem; }
        `}</style>
      </head>
      <body>
        <nav>
          <Link to="/">Home</Link>
          <Link to="/dashboard">Dashboard</Link>
          <SignedOut>
            <Link to="/sign-in">Sign in</Link>
          </SignedOut>
          <SignedIn>
            <Link to="/sign-out">Sign out</Link>
          </SignedIn>
          <AuthStatus />
        </nav>
        <main>
          <Outlet />
        </main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

// The 2022 beta shape. With no `frontendApi`, the publishable key the server sent in clerkState is used; pass
// `{ frontendApi: 'clerk.example.com' }` to pin it in the client bundle instead.
export default ConnectClerk(App);
