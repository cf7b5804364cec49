// `clerk-remix-native/api.server`: what `@clerk/remix/api.server` is, Clerk's Backend SDK (`createClerkClient`,
// its resource types and helpers), re-exported as it is.
export * from '@clerk/backend';
