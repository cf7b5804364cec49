// The public types of the client entry, as `@clerk/remix@4.13.49` declares them (`dist/client/types.d.ts`,
// `ClerkApp.d.ts`), on the same Clerk type packages, so that `tsc` reports the same on an app after the import swap.
import type { ClerkProviderProps } from '@clerk/clerk-react';
import type { InitialState, Without } from '@clerk/shared/types';
import type React from 'react';

/** What `rootAuthLoader` adds to the root loader data, as Clerk types it. */
export type ClerkState = {
  __type: 'clerkState';
  __internal_clerk_state: {
    __clerk_ssr_state: InitialState;
    __publishableKey: string | undefined;
    __proxyUrl: string | undefined;
    __domain: string | undefined;
    __isSatellite: boolean;
    __signInUrl: string | undefined;
    __signUpUrl: string | undefined;
    __afterSignInUrl: string | undefined;
    __afterSignUpUrl: string | undefined;
    __signInForceRedirectUrl: string | undefined;
    __signUpForceRedirectUrl: string | undefined;
    __signInFallbackRedirectUrl: string | undefined;
    __signUpFallbackRedirectUrl: string | undefined;
    __clerk_debug: any;
    __clerkJSUrl: string | undefined;
    __clerkJSVersion: string | undefined;
    __telemetryDisabled: boolean | undefined;
    __telemetryDebug: boolean | undefined;
  };
};

/** The 2022 beta's loader data type, kept as Clerk keeps it. */
export type WithClerkState<U = any> = {
  data: U;
  clerkState: {
    __type: 'clerkState';
  };
};

/** Props of the Remix `ClerkProvider`: `@clerk/clerk-react`'s, with the publishable key optional (the server sends it). */
export type RemixClerkProviderProps = Without<ClerkProviderProps, 'publishableKey' | 'initialState'> & {
  /** Overrides the publishable key the server sent in `clerkState`. */
  publishableKey?: string;
  children: React.ReactNode;
};

/** Options of `ClerkApp`: provider props, which win over what the server sent. */
export type ClerkAppOptions = Partial<Omit<RemixClerkProviderProps, 'routerPush' | 'routerReplace' | 'children' | 'clerkState'>>;

/** Options of `ConnectClerk` (the 2022 beta): `frontendApi` plus any {@link ClerkAppOptions}. */
export type ConnectClerkOptions = ClerkAppOptions & {
  /**
   * The instance's Frontend API host (`clerk.example.com`, `foo-bar-13.clerk.accounts.dev`), as the beta took it.
   * It becomes the publishable key (`pk_live_…` / `pk_test_…`), here and, when the server is given no publishable
   * key or Frontend API of its own, in `rootAuthLoader` / `getAuth` of the same process. Leave it out to use the
   * publishable key the server put into `clerkState`.
   */
  frontendApi?: string;
};

declare global {
  interface Window {
    __remixContext: {
      isSpaMode?: boolean;
    };
  }
}
