import { type RouteConfig, index, route } from '@react-router/dev/routes';

export default [
  index('routes/home.tsx'),
  // A layout route and its index child: both loaders run in parallel for /dashboard, and both call getAuth.
  route('dashboard', 'routes/dashboard.tsx', [index('routes/dashboard.session.tsx')]),
  // `/*`: Clerk's <SignIn/> (with real keys) routes its own steps below /sign-in.
  route('sign-in/*', 'routes/sign-in.tsx'),
  route('sign-out', 'routes/sign-out.tsx'),
  // A resource route (no component): JSON for scripts and the isolation test.
  route('api/whoami', 'routes/api.whoami.ts'),
] satisfies RouteConfig;
