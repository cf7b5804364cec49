// `clerk-remix-native`: the client entry, as `@clerk/remix`'s: `ClerkApp` / `ConnectClerk`, the Remix
// `ClerkProvider`, and everything of `@clerk/clerk-react` (hooks and components), so an app imports from one place.
// Nothing here touches the native addon: this entry is bundled for browsers.

// clerk-react refers to `global` (a Node name) in browsers; @clerk/remix sets it the same way.
if (typeof window !== 'undefined' && typeof (window as unknown as { global?: unknown }).global === 'undefined') {
  (window as unknown as { global: unknown }).global = window;
}

export * from '@clerk/clerk-react';
export { ClerkProvider } from './remix/ClerkProvider';
export type { ClerkAppOptions, ClerkState, ConnectClerkOptions, RemixClerkProviderProps, WithClerkState } from './remix/clientTypes';
export { ClerkApp, ConnectClerk } from './remix/ClerkApp';
export { OrganizationProfile, SignIn, SignUp, UserProfile } from './remix/uiComponents';
