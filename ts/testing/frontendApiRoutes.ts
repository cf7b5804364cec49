// The Frontend API that browsers and the clerk-js stand-in talk to (no secret key, CORS open): the clerk-js
// stand-in script, `GET /v1/client/handshake` (sends the browser back to the app, on an allowed redirect origin only,
// with a short-lived handshake nonce or a token),
// and `POST /v1/client/sessions/{sid}/tokens|end` (a fresh session token, or sign-out).
import { clerkError } from './answers';
import type { Answer } from './answers';
import { randomId } from './keys';
import { localClerkJsSource } from './localClerkJs';
import { putHandshakeNonce, redirectAllowed } from './state';
import type { IssuerState } from './state';
import { handshakeToken, liveSessionClaims, reissue, setCookieDirectives, withoutSecure } from './tokens';
import type { LocalRecordedRequest } from './types';

/** Where the issuer serves its clerk-js stand-in (the path `@clerk/clerk-react` loads clerk-js v5 from). */
export const CLERK_JS_PATH = '/npm/@clerk/clerk-js@5/dist/clerk.browser.js';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-max-age': '600',
};

/** The Frontend API answer to a request, or `undefined` when it is not a Frontend API request. */
export function frontendRoute(state: IssuerState, r: LocalRecordedRequest): Answer | undefined {
  const { method, path } = r;
  if (method === 'OPTIONS' && path.startsWith('/v1/client/')) return { status: 204, body: '', headers: CORS };
  if (method === 'GET' && /^\/npm\/@clerk\/clerk-js@[^/]+\/dist\/clerk(\.[a-z]+)?\.browser\.js$/.test(path)) {
    return {
      status: 200,
      body: localClerkJsSource(state.frontendApiUrl),
      headers: { ...CORS, 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store' },
    };
  }
  if (method === 'GET' && path === '/v1/client/handshake') {
    // Clerk's handshake: the browser arrives from the app with `redirect_url`; the issuer decides the session
    // (from the `__session` query parameter the SDK adds, as FAPI would from its client cookie) and sends the
    // browser back with a nonce (`format=nonce`) or a signed `__clerk_handshake` token carrying the cookies.
    let target: URL;
    try {
      target = new URL(r.query.redirect_url ?? '');
    } catch {
      return { status: 400, body: clerkError('form_param_invalid', 'redirect_url is not a URL') };
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return { status: 400, body: clerkError('form_param_invalid', 'redirect_url must be http(s)') };
    }
    // The browser goes back with a nonce or a token that carries session cookies: only to the app, never to
    // whatever origin a link names (an open redirect would hand them to it).
    if (!redirectAllowed(state, target)) {
      return {
        status: 400,
        body: clerkError(
          'form_param_invalid',
          'redirect_url is not an allowed redirect origin',
          `The origin ${target.origin} of redirect_url is not allowed: add it to createLocalIssuer({ allowedRedirectOrigins }) (default: loopback origins and the origin of authorizedParty).`,
        ),
      };
    }
    const claims = liveSessionClaims(state, r.query.__session);
    const suffixed = r.query.suffixed_cookies === 'true';
    let directives = setCookieDirectives(state, claims ? { session: reissue(state, claims), suffixed } : { suffixed });
    if (target.protocol === 'http:') directives = withoutSecure(directives);
    if (r.query.format === 'nonce') {
      const nonce = `hsn_${randomId(24)}`;
      putHandshakeNonce(state, nonce, directives);
      target.searchParams.set('__clerk_handshake_nonce', nonce);
    } else {
      target.searchParams.set('__clerk_handshake', handshakeToken(state, directives));
    }
    return { status: 307, body: '', headers: { location: target.toString(), 'cache-control': 'no-store' } };
  }
  const m = /^\/v1\/client\/sessions\/([^/]+)\/(tokens|end)$/.exec(path);
  if (m && method === 'POST') {
    const sid = decodeURIComponent(m[1]);
    const auth = r.headers.authorization;
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const claims = liveSessionClaims(state, token);
    if (!claims || claims.sid !== sid) {
      return { status: 401, body: clerkError('authentication_invalid', 'Session token is not valid for this session'), headers: CORS };
    }
    if (m[2] === 'end') {
      state.endedSessions.add(sid);
      return { status: 200, body: { response: { object: 'session', id: sid, status: 'ended' } }, headers: CORS };
    }
    return { status: 200, body: { object: 'token', jwt: reissue(state, claims) }, headers: CORS };
  }
  return undefined;
}
