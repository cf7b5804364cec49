// Sign-in for the local issuer (`npm run demo`, the end-to-end test): no Clerk UI, so the app starts a session
// itself through the issuer's Backend API (`POST /v1/sessions`, `POST /v1/sessions/{sid}/tokens`) and sets the two
// cookies Clerk's browser script would set after a sign-in. Never used with real Clerk keys.

export const localIssuerEnabled = (): boolean => process.env.DEMO_LOCAL_ISSUER === '1';

async function backendApi(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${process.env.CLERK_API_URL}/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${process.env.CLERK_SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`local issuer: POST ${path} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** The `Set-Cookie` values of a browser signed in as the demo user (`DEMO_USER_ID`). */
export async function signInAsDemoUser(request: Request): Promise<string[]> {
  const session = await backendApi('/sessions', { user_id: process.env.DEMO_USER_ID || 'user_demo' });
  const { jwt } = (await backendApi(`/sessions/${encodeURIComponent(String(session.id))}/tokens`, {})) as { jwt: string };
  const { iat } = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { iat: number };
  const secure = new URL(request.url).protocol === 'https:' ? '; Secure' : '';
  return [`__session=${jwt}; Path=/; SameSite=Lax${secure}`, `__client_uat=${iat}; Path=/; Max-Age=315360000; SameSite=Lax${secure}`];
}
