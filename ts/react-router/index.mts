// `clerk-remix-native/react-router`: the client side of `@clerk/react-router` (its `ClerkProvider` taking
// `loaderData`, the router-aware `SignIn` / `SignUp` / `UserProfile` / `OrganizationProfile`, and every hook and
// component of Clerk's React package it re-exports), unchanged: only the server side is this package's own.
export * from '@clerk/react-router';
