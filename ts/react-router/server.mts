// `clerk-remix-native/react-router/server`: `@clerk/react-router/server` with the request decision made natively.
// `clerkClient` and the `@clerk/backend` exports are Clerk's own (they come through `@clerk/react-router`, so they are
// the `@clerk/backend` 3.x that package uses); `clerkMiddleware`, `rootAuthLoader` and `getAuth` are this package's,
// declared with Clerk's own types so that `tsc` reports on an app exactly what it reports with Clerk's package.
import type * as Clerk from '@clerk/react-router/server';
import { clerkMiddleware as middleware } from './clerkMiddleware.mjs';
import { getAuth as auth } from './getAuth.mjs';
import { rootAuthLoader as loader } from './rootAuthLoader.mjs';

export * from '@clerk/react-router/server';
export const clerkMiddleware = middleware as unknown as typeof Clerk.clerkMiddleware;
export const getAuth = auth as unknown as typeof Clerk.getAuth;
export const rootAuthLoader = loader as unknown as typeof Clerk.rootAuthLoader;
