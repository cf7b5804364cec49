// `clerk-remix-native/react-router/server`: `@clerk/react-router/server` with the request decision made natively.
// `clerkClient` and the `@clerk/backend` exports are Clerk's own (they come through `@clerk/react-router`, so they are
// the `@clerk/backend` 3.x that package uses); `clerkMiddleware`, `rootAuthLoader` and `getAuth` are this package's.
export * from '@clerk/react-router/server';
export { clerkMiddleware } from './clerkMiddleware.mjs';
export { getAuth } from './getAuth.mjs';
export { rootAuthLoader } from './rootAuthLoader.mjs';
