// The request decision as a loader sees it, for the hardening tests: one call of getAuth (or rootAuthLoader) with a
// request carrying a token, and what came out — signed in, signed out with Clerk's reason, a thrown handshake, or
// anything else that was thrown (which the hardening tests treat as a failure unless they say otherwise).
import { createRequire } from 'node:module';

import { freshSecret } from './api.mjs';
import { decodePayload } from './tokens.mjs';

const require = createRequire(import.meta.url);
export const { getAuth, rootAuthLoader } = require('../../dist/ssr.server.js');
export const { createLocalIssuer } = require('../../dist/testing.js');

/** A production publishable key for `clerk.example.test` (the `iss` host of `tokens.mjs`'s `sessionClaims`). */
const PUBLISHABLE_KEY = `pk_live_${Buffer.from('clerk.example.test$').toString('base64')}`;

/** `__session=<token>; __client_uat=<iat>` (a signed-in browser), or `__client_uat=1` when the token has no iat. */
function sessionCookie(token) {
  let iat = 1;
  try {
    iat = decodePayload(token).iat ?? 1;
  } catch {
    // Not a decodable token: any positive __client_uat.
  }
  return `__session=${token}; __client_uat=${Number.isFinite(iat) && iat > 0 ? Math.floor(iat) : 1}`;
}

/** A data request (`sec-fetch-dest: empty`: never a handshake) or a document request (`document: true`). */
export function requestWith({ token, cookie, headers = {}, document = false, url = 'http://localhost:3000/dashboard' } = {}) {
  const fetchMeta = document ? { 'sec-fetch-dest': 'document', accept: 'text/html' } : { 'sec-fetch-dest': 'empty', accept: '*/*' };
  return new Request(url, {
    headers: { ...fetchMeta, ...(cookie ?? token ? { cookie: cookie ?? sessionCookie(token) } : {}), ...headers },
  });
}

/**
 * `getAuth` for `request` with the settings `env` (`CLERK_*`, given through the loader context as Remix on Workers
 * would) and `options`. Resolves `{ kind: 'signed-in', userId, sessionId, auth, ms }`, `{ kind: 'signed-out', reason,
 * message, auth, ms }`, `{ kind: 'handshake', response, ms }` (a thrown 307) or `{ kind: 'threw', error, ms }`.
 */
export async function decide(request, { env = {}, options } = {}) {
  const start = performance.now();
  try {
    const auth = await getAuth({ request, context: { env } }, options);
    const ms = performance.now() - start;
    if (auth.userId) return { kind: 'signed-in', userId: auth.userId, sessionId: auth.sessionId, auth, ms };
    const { reason, message } = auth.debug();
    return { kind: 'signed-out', reason, message, auth, ms };
  } catch (error) {
    const ms = performance.now() - start;
    if (error instanceof Response) return { kind: 'handshake', response: error, ms };
    return { kind: 'threw', error, ms };
  }
}

/** The same through `rootAuthLoader` without a callback: the reason comes from the `x-clerk-auth-*` headers. */
export async function decideRoot(request, { env = {}, options } = {}) {
  const start = performance.now();
  try {
    const response = await rootAuthLoader({ request, context: { env }, params: {} }, options);
    const ms = performance.now() - start;
    const body = await response.json();
    const state = body.clerkState?.__internal_clerk_state ?? {};
    if (state.__clerk_ssr_state?.userId) return { kind: 'signed-in', userId: state.__clerk_ssr_state.userId, response, ms };
    return { kind: 'signed-out', reason: response.headers.get('x-clerk-auth-reason'), message: response.headers.get('x-clerk-auth-message'), response, ms };
  } catch (error) {
    const ms = performance.now() - start;
    if (error instanceof Response) return { kind: 'handshake', response: error, ms };
    return { kind: 'threw', error, ms };
  }
}

/**
 * A fresh authenticator instance (its own secret key, so its own JWKS cache) pointed at the Backend API `apiUrl`:
 * `{ secretKey, decide(token, extra), decideRoot(token, extra) }`, where `extra` goes to `requestWith` (e.g.
 * `{ document: true }`) and `token` defaults to `options.token`.
 */
export function instance(apiUrl, { token: defaultToken } = {}) {
  const secretKey = freshSecret();
  const settings = { env: { CLERK_API_URL: apiUrl }, options: { secretKey, publishableKey: PUBLISHABLE_KEY } };
  return {
    secretKey,
    decide: (token = defaultToken, extra = {}) => decide(requestWith({ token, ...extra }), settings),
    decideRoot: (token = defaultToken, extra = {}) => decideRoot(requestWith({ token, ...extra }), settings),
  };
}
