import { json, redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { getAuth } from 'clerk-remix-native/ssr.server';
import { useRootData, type Profile } from '../user';

// Protected: a signed-out request goes to /sign-in (and comes back here after signing in).
export const loader = async (args: LoaderFunctionArgs) => {
  // The wall time of this request's getAuth call, shown on the page: cookies read, the session token's signature and
  // claims checked in Rust (a token seen before comes from the verified-token cache; its claims are checked again).
  const started = performance.now();
  const { userId, sessionId, orgId, orgSlug, orgRole } = await getAuth(args);
  const verifyMicros = Math.round((performance.now() - started) * 10_000) / 10;
  if (!userId) {
    const back = new URL(args.request.url).pathname;
    return redirect(`/sign-in?redirect_url=${encodeURIComponent(back)}`);
  }
  return json({ userId, sessionId, orgId: orgId ?? null, orgSlug: orgSlug ?? null, orgRole: orgRole ?? null, verifyMicros });
};

/** 5.8 µs, 23 µs, 1204 µs: one decimal below 10 µs, whole microseconds above. */
const formatMicros = (us: number) => (us < 10 ? us.toFixed(1) : String(Math.round(us)));

function Avatar({ user }: { user: Profile | null }) {
  if (user?.imageUrl) return <img className="avatar" src={user.imageUrl} alt="" />;
  const initials = (user?.name ?? user?.email ?? '?')
    .split(/\s+/)
    .map((word) => word[0])
    .slice(0, 2)
    .join('')
    .toUpperCase();
  return (
    <span className="avatar" aria-hidden="true">
      {initials}
    </span>
  );
}

export default function Dashboard() {
  const { userId, sessionId, orgId, orgSlug, orgRole, verifyMicros } = useLoaderData<typeof loader>();
  const user = useRootData()?.user ?? null;
  return (
    <>
      <h1>Welcome{user?.name ? `, ${user.name.split(' ')[0]}` : ''}!</h1>
      <section className="profile" aria-label="Your profile">
        <Avatar user={user} />
        <div>
          <p className="name" data-testid="user-name">
            {user?.name ?? 'No name'}
          </p>
          <p className="muted" data-testid="user-email">
            {user?.email ?? 'no email address'}
          </p>
        </div>
      </section>
      <p className="verified" data-testid="verify-time">
        ✓ Session verified natively in <span className="nowrap">{formatMicros(verifyMicros)} µs</span>
      </p>
      <p className="muted small">
        The wall time of this request's <code>getAuth(args)</code> call: cookies in, auth object out, the session token
        checked in Rust. On a page load the root loader fetches your name alongside (<code>rootAuthLoader</code> with{' '}
        <code>{'{ loadUser: true }'}</code>); come here from another page of the app to time <code>getAuth</code> alone.
      </p>
      <dl>
        <dt>user id</dt>
        <dd data-testid="user-id">{userId}</dd>
        <dt>session id</dt>
        <dd data-testid="session-id">{sessionId}</dd>
        <dt>organization</dt>
        <dd data-testid="org">{orgId ? `${orgId}${orgSlug ? ` (${orgSlug}, ${orgRole ?? 'no role'})` : ''}` : 'none'}</dd>
      </dl>
    </>
  );
}
