import { Outlet, redirect } from 'react-router';
import { clerkClient, getAuth } from 'clerk-remix-native/react-router/server';
import type { Route } from './+types/dashboard';

// Protected: a signed-out request goes to /sign-in (and comes back here after signing in). The user's name comes
// from Clerk's Backend API (`GET /v1/users/{id}`; the local issuer answers it too).
export const loader = async (args: Route.LoaderArgs) => {
  const { userId } = await getAuth(args);
  if (!userId) {
    // `args.url`, not `request.url`: on a client-side navigation the request is `/dashboard.data` (React Router 8,
    // and 7 with v8_passThroughRequests), `args.url` the page's own URL.
    throw redirect(`/sign-in?redirect_url=${encodeURIComponent(args.url.pathname)}`);
  }
  const user = await clerkClient(args).users.getUser(userId);
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || null;
  const email = user.primaryEmailAddress?.emailAddress ?? user.emailAddresses[0]?.emailAddress ?? null;
  return { userId, name, email, imageUrl: user.imageUrl || null };
};

function Avatar({ name, email, imageUrl }: { name: string | null; email: string | null; imageUrl: string | null }) {
  if (imageUrl) return <img className="avatar" src={imageUrl} alt="" />;
  const initials = (name ?? email ?? '?')
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

export default function Dashboard({ loaderData }: Route.ComponentProps) {
  const { userId, name, email, imageUrl } = loaderData;
  return (
    <>
      <h1>Welcome{name ? `, ${name.split(' ')[0]}` : ''}!</h1>
      <section className="profile" aria-label="Your profile">
        <Avatar name={name} email={email} imageUrl={imageUrl} />
        <div>
          <p className="name" data-testid="user-name">
            {name ?? 'No name'}
          </p>
          <p className="muted" data-testid="user-email">
            {email ?? 'no email address'}
          </p>
        </div>
      </section>
      <dl>
        <dt>user id</dt>
        <dd data-testid="user-id">{userId}</dd>
      </dl>
      <Outlet />
    </>
  );
}
