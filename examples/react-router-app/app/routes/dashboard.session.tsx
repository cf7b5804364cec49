import { getAuth } from 'clerk-remix-native/react-router/server';
import type { Route } from './+types/dashboard.session';

// The dashboard's index child. React Router runs its loader in parallel with the dashboard's: it calls getAuth too
// (the middleware checked the session once; both read the same result) and times that call.
export const loader = async (args: Route.LoaderArgs) => {
  const started = performance.now();
  const { userId, sessionId, orgId, orgSlug, orgRole } = await getAuth(args);
  const getAuthMicros = Math.round((performance.now() - started) * 10_000) / 10;
  // The parent redirects a signed-out request; this loader must not leak anything meanwhile.
  if (!userId) return null;
  return { userId, sessionId, orgId: orgId ?? null, orgSlug: orgSlug ?? null, orgRole: orgRole ?? null, getAuthMicros };
};

export default function DashboardSession({ loaderData }: Route.ComponentProps) {
  if (!loaderData) return null;
  const { userId, sessionId, orgId, orgSlug, orgRole, getAuthMicros } = loaderData;
  return (
    <>
      <h2>Session</h2>
      <dl>
        <dt>user id</dt>
        <dd data-testid="session-user-id">{userId}</dd>
        <dt>session id</dt>
        <dd data-testid="session-id">{sessionId}</dd>
        <dt>organization</dt>
        <dd data-testid="org">{orgId ? `${orgId}${orgSlug ? ` (${orgSlug}, ${orgRole ?? 'no role'})` : ''}` : 'none'}</dd>
      </dl>
      <p className="muted small" data-testid="get-auth-time">
        getAuth(args) in this nested loader: {getAuthMicros < 10 ? getAuthMicros.toFixed(1) : Math.round(getAuthMicros)} µs
      </p>
    </>
  );
}
