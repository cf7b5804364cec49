import { getAuth } from 'clerk-remix-native/react-router/server';
import type { Route } from './+types/api.whoami';

// A resource route: `GET /api/whoami` answers JSON with the caller's user and session ids (null when signed out).
export const loader = async (args: Route.LoaderArgs) => {
  const { userId, sessionId } = await getAuth(args);
  return Response.json({ userId: userId ?? null, sessionId: sessionId ?? null }, { headers: { 'cache-control': 'no-store' } });
};
