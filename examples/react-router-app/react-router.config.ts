import type { Config } from '@react-router/dev/config';

export default {
  // Server rendering: the root loader (rootAuthLoader) hands Clerk's state to <ClerkProvider> on every page.
  ssr: true,
  // React Router 7's middleware (stable in 8): clerkMiddleware() in app/root.tsx authenticates each request once,
  // before any loader runs, and getAuth / rootAuthLoader read what it found.
  future: { v8_middleware: true },
} satisfies Config;
