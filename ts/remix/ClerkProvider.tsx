import { ClerkProvider as ReactClerkProvider } from '@clerk/clerk-react';
import type { ClerkProviderProps as ReactClerkProviderProps } from '@clerk/clerk-react';
import { useLocation, useNavigate } from '@remix-run/react';
import React from 'react';
import type { ClerkState } from '../core/clerkState';
import type { ClerkState as PublicClerkState, RemixClerkProviderProps } from './clientTypes';
import { invalidClerkStatePropError, noClerkStateError } from '../core/errors';

/**
 * The Remix `ClerkProvider` of `@clerk/remix@4.13.49` (`dist/client/RemixClerkProvider.js`): it takes the
 * `clerkState` that `rootAuthLoader` put into the root loader data, turns its `__internal_clerk_state` keys into
 * `@clerk/clerk-react` provider props (explicit props win), and hands the server's auth object to the provider as
 * `initialState`, so `useAuth()` knows the user during server rendering, before any client script runs.
 */

/** What the provider takes inside this package: every prop optional, and no `clerkState` in SPA mode. */
export type ProviderProps = Partial<Omit<ReactClerkProviderProps, 'children'>> & {
  clerkState?: ClerkState;
  children?: React.ReactNode;
};

/** The public props of {@link ClerkProvider}, as Clerk types them: `clerkState` is required. */
type ClerkProviderPropsWithState = RemixClerkProviderProps & { clerkState: PublicClerkState };

const SDK_METADATA = { name: 'clerk-remix-native', version: PACKAGE_VERSION() };

function PACKAGE_VERSION(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** SPA mode (`remix vite:build` with `ssr: false`): there is no loader data, so no clerkState either. */
export function inSpaMode(): boolean {
  const w = typeof window !== 'undefined' ? (window as unknown as { __remixContext?: { isSpaMode?: boolean } }) : undefined;
  return Boolean(w?.__remixContext?.isSpaMode);
}

function assertValidClerkState(value: unknown): asserts value is ClerkState {
  if (!value) throw new Error(noClerkStateError);
  if (!(value as ClerkState).__internal_clerk_state) throw new Error(invalidClerkStatePropError);
}

/** `navigate(to)` as a promise that settles once the location changed (what Clerk's router hooks wait for). */
function useAwaitableNavigate(): (to: string, options?: { replace?: boolean }) => Promise<void> {
  const navigate = useNavigate();
  const location = useLocation();
  const pending = React.useRef<Array<() => void>>([]);
  React.useEffect(() => {
    const resolvers = pending.current.splice(0);
    resolvers.forEach((resolve) => resolve());
  }, [location]);
  return (to, options) =>
    new Promise<void>((resolve) => {
      pending.current.push(resolve);
      navigate(to, options);
    });
}

const navigateRef: { current?: (to: string, options?: { replace?: boolean }) => Promise<void> } = {};

/** `<ClerkProvider clerkState={…}>`: `@clerk/clerk-react`'s provider configured from the root loader's clerkState. */
export function RemixClerkProvider({ children, clerkState, ...rest }: ProviderProps): React.JSX.Element {
  const awaitableNavigate = useAwaitableNavigate();
  const isSpaMode = inSpaMode();
  React.useEffect(() => {
    navigateRef.current = awaitableNavigate;
  }, [awaitableNavigate]);
  if (!isSpaMode) assertValidClerkState(clerkState);

  const state = (clerkState?.__internal_clerk_state ?? {}) as Record<string, any>;
  // Clerk also warns here when clerkState is missing outside SPA mode; the assertion above has already thrown then.
  React.useEffect(() => {
    (window as unknown as { __clerk_debug?: unknown }).__clerk_debug = state.__clerk_debug;
  }, []);

  const fromServer = {
    publishableKey: state.__publishableKey,
    proxyUrl: state.__proxyUrl,
    domain: state.__domain,
    isSatellite: state.__isSatellite,
    signInUrl: state.__signInUrl,
    signUpUrl: state.__signUpUrl,
    afterSignInUrl: state.__afterSignInUrl,
    afterSignUpUrl: state.__afterSignUpUrl,
    signInForceRedirectUrl: state.__signInForceRedirectUrl,
    signUpForceRedirectUrl: state.__signUpForceRedirectUrl,
    signInFallbackRedirectUrl: state.__signInFallbackRedirectUrl,
    signUpFallbackRedirectUrl: state.__signUpFallbackRedirectUrl,
    clerkJSUrl: state.__clerkJSUrl,
    clerkJSVersion: state.__clerkJSVersion,
    telemetry: { disabled: state.__telemetryDisabled, debug: state.__telemetryDebug },
  };
  const props = {
    routerPush: (to: string) => navigateRef.current?.(to),
    routerReplace: (to: string) => navigateRef.current?.(to, { replace: true }),
    initialState: state.__clerk_ssr_state,
    sdkMetadata: SDK_METADATA,
    ...fromServer,
    ...rest,
  } as ReactClerkProviderProps;
  return <ReactClerkProvider {...props}>{children}</ReactClerkProvider>;
}

/** `<ClerkProvider clerkState={…}>` for a hand-written root (`ClerkApp` does this for you). */
export const ClerkProvider = RemixClerkProvider as unknown as (props: ClerkProviderPropsWithState) => JSX.Element;
