import { isRouteErrorResponse, Link, Links, Meta, Outlet, Scripts, ScrollRestoration } from 'react-router';
import { ClerkProvider, Show, useAuth, useClerk } from 'clerk-remix-native/react-router';
import { clerkMiddleware, rootAuthLoader } from 'clerk-remix-native/react-router/server';
import type { Route } from './+types/root';
import { localIssuerEnabled } from './local-issuer.server';

export const meta: Route.MetaFunction = () => [{ title: 'clerk-remix-native · React Router example' }];

// Every request to the app (documents, data requests, the /api/whoami resource route) goes through Clerk's
// middleware first: the session is checked once (natively), and getAuth / rootAuthLoader below read the result.
// A token that needs refreshing answers with Clerk's handshake redirect before any loader runs.
export const middleware: Route.MiddlewareFunction[] = [clerkMiddleware()];

// Clerk's state for <ClerkProvider> (`clerkState`) next to the root's own small data.
export const loader = (args: Route.LoaderArgs) => rootAuthLoader(args, () => ({ localIssuer: localIssuerEnabled() }));

/** Rendered on the server too: `useAuth()` knows the user before any client script runs. */
function AuthStatus() {
  const { isLoaded, isSignedIn, userId } = useAuth();
  if (!isLoaded) return <p data-testid="auth-status">Loading…</p>;
  return <p data-testid="auth-status">{isSignedIn ? `Signed in as ${userId}` : 'Signed out'}</p>;
}

/** One click: Clerk's browser script ends the session, clears the cookies and goes to `/`. */
function SignOutButton() {
  const { signOut } = useClerk();
  return (
    <button type="button" className="link" data-testid="nav-sign-out" onClick={() => signOut({ redirectUrl: '/' })}>
      Sign out
    </button>
  );
}

// Small and phone-first: the nav wraps, the id list stacks below 30rem, long ids break anywhere. (Set as HTML: as a
// text child, React would escape `>` on the server and the browser would see `&gt;`.)
const css = `
  *, *::before, *::after { box-sizing: border-box; }
  html { -webkit-text-size-adjust: 100%; }
  body { font-family: system-ui, sans-serif; font-size: 1rem; line-height: 1.5; color: #1f2328; max-width: 44rem; margin: 0 auto; padding: 1rem; }
  h1 { font-size: 1.75rem; line-height: 1.2; margin: 1.25rem 0 .75rem; }
  a { color: #0b57d0; }
  nav { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem 1rem; border-bottom: 1px solid #ddd; padding-bottom: .5rem; }
  nav [data-testid=auth-status] { margin: 0 0 0 auto; color: #555; overflow-wrap: anywhere; }
  button { font: inherit; padding: .5rem 1rem; border-radius: .375rem; border: 1px solid #888; background: #f6f8fa; cursor: pointer; }
  button.link { padding: 0; border: 0; background: none; color: #0b57d0; text-decoration: underline; }
  code { font-family: ui-monospace, monospace; font-size: .9em; overflow-wrap: anywhere; }
  dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .25rem 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; font-family: ui-monospace, monospace; font-size: .9rem; overflow-wrap: anywhere; }
  .muted { color: #555; }
  .small { font-size: .875rem; }
  .nowrap { white-space: nowrap; }
  .profile { display: flex; align-items: center; gap: 1rem; padding: 1rem; border: 1px solid #ddd; border-radius: .5rem; }
  .profile > div { min-width: 0; }
  .profile p { margin: 0; overflow-wrap: anywhere; }
  .profile .name { font-size: 1.25rem; font-weight: 600; }
  .avatar { flex: none; width: 3.5rem; height: 3.5rem; border-radius: 50%; object-fit: cover; display: grid; place-items: center; background: #6b4fbb; color: #fff; font-weight: 600; font-size: 1.25rem; }
  .verified { margin: 1rem 0 .25rem; padding: .5rem .75rem; border-radius: .5rem; background: #e6f4ea; color: #0d652d; font-weight: 600; }
  @media (max-width: 30rem) {
    h1 { font-size: 1.5rem; }
    dl { grid-template-columns: minmax(0, 1fr); gap: 0; }
    dd { margin-bottom: .5rem; }
  }
`;

export function Layout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <Meta />
        <Links />
        <style dangerouslySetInnerHTML={{ __html: css }} />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

// With no options, the publishable key (and the rest of Clerk's settings) come from the root loader's clerkState.
export default function App({ loaderData }: Route.ComponentProps) {
  return (
    <ClerkProvider loaderData={loaderData}>
      <nav>
        <Link to="/">Home</Link>
        <Link to="/dashboard">Dashboard</Link>
        <Show when="signed-out">
          <Link to="/sign-in">Sign in</Link>
        </Show>
        <Show when="signed-in">
          <SignOutButton />
        </Show>
        <AuthStatus />
      </nav>
      <main>
        <Outlet />
      </main>
    </ClerkProvider>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : 'Something went wrong';
  return (
    <main>
      <h1>{message}</h1>
      <p>
        <Link to="/">Home</Link>
      </p>
    </main>
  );
}
