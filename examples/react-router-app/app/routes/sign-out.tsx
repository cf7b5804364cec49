import { useAuth, useClerk } from 'clerk-remix-native/react-router';

// Signing out is Clerk's browser script's job (it ends the session at Clerk's Frontend API and clears the cookies);
// with the local issuer, its stand-in does the same against the issuer.
export default function SignOutPage() {
  const { signOut } = useClerk();
  const { isSignedIn } = useAuth();
  return (
    <>
      <h1>Sign out</h1>
      {isSignedIn ? (
        <button type="button" data-testid="sign-out" onClick={() => signOut({ redirectUrl: '/' })}>
          Sign out
        </button>
      ) : (
        <p>You are signed out.</p>
      )}
    </>
  );
}
