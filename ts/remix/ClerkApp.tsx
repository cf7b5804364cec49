import { useLoaderData } from '@remix-run/react';
import React from 'react';
import type { ClerkState } from '../core/clerkState';
import type { ClerkAppOptions, ConnectClerkOptions } from './clientTypes';
import { inSpaMode, RemixClerkProvider } from './ClerkProvider';
import { publishableKeyMissingErrorInSpaMode } from '../core/errors';
import { connectFrontendApi } from '../core/connectedFrontendApi';

/**
 * Wraps the root route component in Clerk's provider (`@clerk/remix` 4.x):
 *
 * ```tsx
 * export const loader: LoaderFunction = (args) => rootAuthLoader(args);
 * export default ClerkApp(App);
 * ```
 *
 * The returned component reads `clerkState` from the root loader data (`useLoaderData()`), so the root route's
 * loader must be `rootAuthLoader`. In SPA mode there is no loader data and `options.publishableKey` is required.
 */
export function ClerkApp(App: () => JSX.Element, options: ClerkAppOptions = {}): () => React.JSX.Element {
  function ClerkAppRoot(): React.JSX.Element {
    let clerkState: ClerkState | undefined;
    const isSpaMode = inSpaMode();
    if (!isSpaMode) {
      // Remix guarantees the hook order: SPA mode is fixed for the life of the page.
      const loaderData = useLoaderData() as { clerkState?: ClerkState } | null | undefined;
      clerkState = loaderData?.clerkState;
    } else if (!options.publishableKey) {
      throw new Error(publishableKeyMissingErrorInSpaMode);
    }
    return (
      <RemixClerkProvider {...(options as object)} clerkState={clerkState}>
        <App />
      </RemixClerkProvider>
    );
  }
  ClerkAppRoot.displayName = `ClerkApp(${(App as React.FunctionComponent).displayName || App.name || 'App'})`;
  return ClerkAppRoot;
}

/**
 * The early-2022 beta name of {@link ClerkApp}: `export default ConnectClerk(App, { frontendApi: 'clerk.example.com' })`.
 * `frontendApi` is turned into the matching publishable key; everything else is {@link ClerkApp}. Called while
 * app/root.tsx is evaluated on the server, it also tells the server's option resolution which instance this is, as
 * the 2022 guide's apps set no publishable key on the server.
 */
export function ConnectClerk(App: () => JSX.Element, options: ConnectClerkOptions = {}): () => React.JSX.Element {
  const { frontendApi, ...rest } = options;
  const connected = frontendApi ? connectFrontendApi(frontendApi) : '';
  const publishableKey = rest.publishableKey || connected;
  return ClerkApp(App, publishableKey ? { ...rest, publishableKey } : rest);
}
