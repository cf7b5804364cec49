// The guide's loader that reads the session on the server: `getAuth(request)`, a bare Request.
import type { LoaderFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getAuth } from "clerk-remix-native/ssr.server";

export const loader: LoaderFunction = async ({ request }) => {
  const { userId, sessionId } = await getAuth(request);
  return { userId, sessionId };
};

export default function Private() {
  const { userId, sessionId } = useLoaderData();
  return (
    <p data-testid="loader">
      getAuth: user {userId} in session {sessionId}
    </p>
  );
}
