// The guide's component that reads the session with Clerk's hook.
import { useAuth } from "clerk-remix-native";

export default function Index() {
  const { isLoaded, userId, sessionId } = useAuth();
  if (!isLoaded) return <p data-testid="hook">Loading…</p>;
  return (
    <p data-testid="hook">
      useAuth: user {userId} in session {sessionId}
    </p>
  );
}
