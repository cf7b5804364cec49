import { useLoaderData } from '@remix-run/react';
import React from 'react';
import { ClerkProvider, inSpaMode, type ClerkState, type RemixClerkProviderProps } from './ClerkProvider';
import { publishableKeyMissingErrorInSpaMode } from './errors';
import { connectFrontendApi } from './connectedFrontendApi';

/** Options of {@link ClerkApp}: `@clerk/clerk-react` provider props; they override what the server sent. */
export type ClerkAppOptions = Omit<RemixClerkProviderProps, 'clerkState' | 'children'>;

/** Options of {@link ConnectClerk} (the 2022 beta API): `frontendApi` plus any {@link ClerkAppOptions}. */
export type ConnectClerkOptions = ClerkAppOptions & {
  /**
   * The instance's Frontend API host (`clerk.example.com`, `foo-bar-13.clerk.accounts.dev`), as the beta took it.
   * It becomes the publishable key (`pk_live_…` / `pk_test_…`), here and, when the server is given no publishable
   * key or Frontend API of its own, in `rootAuthLoader` / `getAuth` of the same process. Leave it out to use the
   * publishable key the server put into `clerkState`.
   */
  frontendApi?: string;
};

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
export function ClerkApp<P extends object>(App: React.ComponentType<P>, options: ClerkAppOptions = {}): React.ComponentType<P> {
  function ClerkAppRoot(props: P): React.JSX.Element {
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
      <ClerkProvider {...options} clerkState={clerkState}>
        <App {...props} />
      </ClerkProvider>
    );
  }
  ClerkAppRoot.displayName = `ClerkApp(${App.displayName || App.name || 'App'})`;
  return ClerkAppRoot;
}

/**
 * The early-2022 beta name of {@link ClerkApp}: `export default ConnectClerk(App, { frontendApi: 'clerk.example.com' })`.
 * `frontendApi` is turned into the matching publishable key; everything else is {@link ClerkApp}. Called while
 * app/root.tsx is evaluated on the server, it also tells the server's option resolution which instance this is
 * (`ts/connectedFrontendApi.ts`), as the guide's apps set no publishable key on the server.
 */
export function ConnectClerk<P extends object>(App: React.ComponentType<P>, options: ConnectClerkOptions = {}): React.ComponentType<P> {
  const { frontendApi, ...rest } = options;
  const connected = frontendApi ? connectFrontendApi(frontendApi) : '';
  const publishableKey = rest.publishableKey || connected;
  return ClerkApp(App, publishableKey ? { ...rest, publishableKey } : rest);
}
