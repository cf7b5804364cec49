import { Link } from 'react-router';
import { useAuth } from 'clerk-remix-native/react-router';

export default function Home() {
  const { isSignedIn, userId, sessionId, orgId } = useAuth();
  return (
    <>
      <h1>clerk-remix-native · React Router</h1>
      <p>
        A public page. The header and the table below come from <code>useAuth()</code>, rendered on the server from the
        session that <code>clerkMiddleware()</code> verified and <code>rootAuthLoader</code> handed to the provider.
      </p>
      <dl data-testid="home-auth">
        <dt>signed in</dt>
        <dd>{isSignedIn ? 'yes' : 'no'}</dd>
        <dt>user id</dt>
        <dd>{userId ?? '—'}</dd>
        <dt>session id</dt>
        <dd>{sessionId ?? '—'}</dd>
        <dt>organization</dt>
        <dd>{orgId ?? '—'}</dd>
      </dl>
      <p>{isSignedIn ? <Link to="/dashboard">Open the dashboard</Link> : <Link to="/sign-in">Sign in</Link>}</p>
    </>
  );
}
