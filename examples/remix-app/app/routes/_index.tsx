import { Link } from '@remix-run/react';
import { useAuth } from 'clerk-remix-native';
import { useRootData } from '../user';

export default function Index() {
  const { isSignedIn, userId, sessionId, orgId } = useAuth();
  const user = useRootData()?.user;
  return (
    <>
      <h1>clerk-remix-native</h1>
      <p>
        A public page. The header and the table below come from <code>useAuth()</code>, rendered on the server from the
        session that <code>rootAuthLoader</code> verified; the name from the user it loaded (<code>loadUser</code>).
      </p>
      <dl data-testid="home-auth">
        <dt>signed in</dt>
        <dd>{isSignedIn ? 'yes' : 'no'}</dd>
        <dt>name</dt>
        <dd>{(isSignedIn && user?.name) || '—'}</dd>
        <dt>user id</dt>
        <dd>{userId ?? '—'}</dd>
        <dt>session id</dt>
        <dd>{sessionId ?? '—'}</dd>
        <dt>organization</dt>
        <dd>{orgId ?? '—'}</dd>
      </dl>
      <p>
        {isSignedIn ? <Link to="/dashboard">Open the dashboard</Link> : <Link to="/sign-in">Sign in</Link>}
      </p>
    </>
  );
}
