// Named request scenarios for the differential tests: each one is a description (instance type, env overrides,
// loader options, the request, how to mint its token, the frozen clock) plus `build(issuer)`, which turns the
// description into concrete loader inputs for ANY local issuer — so the oracle (real @clerk/remix) and our
// implementation run exactly the same request. `expect` is the outcome the spec documents (Part A of
// /work/shared/spec/clerk-remix-behaviour.md; section in `spec`), asserted against the oracle in oracle.test.mjs.
//
// A scenario:
//   name, spec            unique name; spec section(s) it exercises
//   instance              'production' | 'development' (which issuer)
//   now                   frozen clock, ms since the epoch (Date.now during the call, the issuer's clock while building)
//   env                   overrides of issuer.env() (null = unset); jwtKey: true adds CLERK_JWT_KEY
//   options               passed to rootAuthLoader / getAuth
//   tokenSpec             LocalSessionTokenSpec (or (issuer, ctx) => spec) minted with issuer.sessionToken;
//                         rawToken replaces the minted token with a literal string
//   carrier               where the token goes: 'cookie' (default when there is a token) | 'header' | 'none';
//                         authScheme: 'Bearer' (default), 'bearer', 'Basic', '' (raw token, no scheme)
//   cookieTokenSpec       with carrier 'header': a second token minted for the `__session` cookie
//   request               { method (GET), url (path + query, relative to APP_ORIGIN), headers (DOCUMENT),
//                           cookies: issuer.cookieHeader options besides `session` (object), a raw Cookie header
//                           (string), or (issuer, ctx) => a raw Cookie header (ctx has the minted `token`) }
//   setup(issuer, ctx)    registers issuer state (nonces, refresh tokens); may return { query } to append to the url
//   expect                the documented outcome: { state: 'signed-in' | 'signed-out' | 'handshake' |
//                         'handshake-resolved' | 'redirect' (a handshake state with a custom Location) | 'error',
//                         reason, userId, … } (checked in oracle.test.mjs)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { generateSigningKey } = require('../../dist/testing.js');

/** The frozen clock every scenario uses: 2026-01-15T12:00:00Z. */
export const BASE_NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const NOW_S = BASE_NOW / 1000;
/** Where the app under test lives. */
export const APP_ORIGIN = 'http://localhost:3000';
export const USER_ID = 'user_2oracleUserA00000000000000';
export const SESSION_ID = 'sess_2oracleSessionA000000000000';
/** A session id that is a relative path (H3). */
export const SID_PATH = '../../users/user_1';
/** Whose session a cookie planted inside another cookie's value carries (R14). */
export const ATTACKER_ID = 'user_2oracleAttacker0000000000';
/** The `cat` header of a JWT template, and of an M2M token (neither is a session's). */
export const TEMPLATE_CATEGORY = 'cl_B7d4PD222AAA';
export const M2M_CATEGORY = 'cl_B7d4PD333AAA';
const DEV_BROWSER = 'dvb_2oracleDevBrowser0000000000';
/** A key that is NOT the issuer's: signs forged tokens. */
export const FOREIGN_KEY = generateSigningKey('ins_foreign_oracle');

const DOCUMENT = {
  'sec-fetch-dest': 'document',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'user-agent': 'Mozilla/5.0 (oracle)',
};
const DATA = { 'sec-fetch-dest': 'empty', accept: '*/*', 'user-agent': 'Mozilla/5.0 (oracle)' };

/** A valid token: issued 5 s ago, expires in 55 s. */
const valid = (extra = {}) => ({ userId: USER_ID, sessionId: SESSION_ID, issuedAt: NOW_S - 5, expiresInSeconds: 60, ...extra });
/** Expired a minute ago. */
const expired = (extra = {}) => ({ userId: USER_ID, sessionId: SESSION_ID, issuedAt: NOW_S - 120, expiresInSeconds: 60, ...extra });

const EXPIRED_NO_REFRESH = 'session-token-expired-refresh-non-eligible-no-refresh-cookie';

/**
 * Concrete loader inputs of a scenario for `issuer`:
 * `{ request, options, env, jwtKey, context, params, token }`.
 */
function buildScenario(def, issuer) {
  const ctx = { now: def.now, nowS: Math.floor(def.now / 1000) };
  const spec = typeof def.tokenSpec === 'function' ? def.tokenSpec(issuer, ctx) : def.tokenSpec;
  const token = def.rawToken ?? (spec ? issuer.sessionToken(spec) : undefined);
  const extra = (def.setup && def.setup(issuer, { ...ctx, token })) || {};
  const request = def.request ?? {};
  const url = new URL(request.url ?? '/', APP_ORIGIN);
  for (const [k, v] of Object.entries(extra.query ?? {})) url.searchParams.set(k, v);
  const headers = new Headers(request.headers ?? DOCUMENT);
  const carrier = def.carrier ?? (token !== undefined ? 'cookie' : 'none');
  if (carrier === 'header' && token !== undefined) {
    const scheme = def.authScheme ?? 'Bearer';
    headers.set('authorization', scheme === 'Bearer' ? issuer.authorizationHeader(token) : scheme ? `${scheme} ${token}` : token);
  }
  let cookie;
  const cookieSpec = typeof def.cookieTokenSpec === 'function' ? def.cookieTokenSpec(issuer, ctx) : def.cookieTokenSpec;
  const cookieToken = carrier === 'cookie' ? token : cookieSpec ? issuer.sessionToken(cookieSpec) : undefined;
  if (typeof request.cookies === 'string') cookie = request.cookies;
  else if (typeof request.cookies === 'function') cookie = request.cookies(issuer, { ...ctx, token });
  else if (cookieToken !== undefined || request.cookies) {
    cookie = issuer.cookieHeader({ ...(cookieToken !== undefined ? { session: cookieToken } : {}), ...request.cookies });
  }
  if (cookie) headers.set('cookie', cookie);
  const options = typeof def.options === 'function' ? def.options(issuer, ctx) : { ...(def.options ?? {}) };
  return {
    request: new Request(url, { method: request.method ?? 'GET', headers }),
    options,
    env: { ...(def.env ?? {}) },
    jwtKey: Boolean(def.jwtKey),
    context: {},
    params: {},
    token,
  };
}

/** A frozen scenario from its description: the defaults (production, BASE_NOW) filled in and `build` attached. */
export const defineScenario = (def) => {
  const full = { instance: 'production', now: BASE_NOW, ...def };
  full.build = (issuer) => buildScenario(full, issuer);
  return Object.freeze(full);
};

const handshakeDirectives = (issuer) =>
  issuer.setCookieDirectives({ session: issuer.sessionToken(valid({ issuedAt: NOW_S - 1 })) });

export const scenarios = [
  // --- signed in -------------------------------------------------------------------------------------------------
  {
    name: 'cookie-signed-in-document',
    spec: 'A7.4 step 16',
    tokenSpec: valid(),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID, sessionId: SESSION_ID },
  },
  {
    name: 'cookie-signed-in-data-request',
    spec: 'A7.4 step 16',
    tokenSpec: valid(),
    request: { url: '/dashboard?_data=root', headers: DATA },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'rs512-token-against-rs256-jwk',
    spec: 'A8 step 3/10 (RS512 passes the alg check, but the JWKS key says alg RS256: WebCrypto import fails)',
    tokenSpec: valid({ alg: 'RS512' }),
    expect: { state: 'signed-out', reason: 'token-verification-failed', messageIncludes: 'JWK "alg" does not match the requested algorithm' },
  },
  {
    name: 'header-signed-in',
    spec: 'A7.3 step 2',
    tokenSpec: valid(),
    carrier: 'header',
    request: { headers: DATA },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'header-raw-token-without-scheme',
    spec: 'A7.1 step 4 (no space: whole value is the token)',
    tokenSpec: valid(),
    carrier: 'header',
    authScheme: '',
    request: { headers: DATA },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'header-lowercase-bearer',
    spec: 'A7.1 step 4 (scheme is case-sensitive) → cookie flow',
    tokenSpec: valid(),
    carrier: 'header',
    authScheme: 'bearer',
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'session-token-and-uat-missing' },
  },
  {
    name: 'header-other-scheme',
    spec: 'A7.1 step 4 (other scheme → no header token) → cookie flow',
    tokenSpec: valid(),
    carrier: 'header',
    authScheme: 'Basic',
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'session-token-and-uat-missing' },
  },
  {
    name: 'suffixed-cookies-only',
    spec: 'A7.1 step 8.8',
    tokenSpec: valid(),
    request: { cookies: { suffixed: true } },
    expect: { state: 'signed-in', userId: USER_ID, suffixedCookies: true },
  },
  {
    name: 'suffixed-and-plain-cookies',
    spec: 'A7.1 step 8',
    tokenSpec: valid(),
    request: { cookies: { suffixed: 'both' } },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'org-claims-v1',
    spec: 'A9 (v1 org_* claims)',
    tokenSpec: valid({ org: { id: 'org_2oracleV1', slug: 'acme', role: 'org:admin', permissions: ['org:sys_memberships:read'] } }),
    expect: {
      state: 'signed-in',
      userId: USER_ID,
      org: { orgId: 'org_2oracleV1', orgSlug: 'acme', orgRole: 'org:admin', orgPermissions: ['org:sys_memberships:read'] },
    },
  },
  {
    name: 'org-claims-v2',
    spec: 'A9 (v2 o claim + fea; worked example)',
    tokenSpec: valid({ orgV2: { id: 'org_2oracleV2', slg: 'acme', rol: 'admin', per: 'read,manage', fpm: '3,1', fea: 'o:dashboard,o:billing' } }),
    expect: {
      state: 'signed-in',
      userId: USER_ID,
      org: {
        orgId: 'org_2oracleV2',
        orgSlug: 'acme',
        orgRole: 'org:admin',
        orgPermissions: ['org:dashboard:read', 'org:dashboard:manage', 'org:billing:read'],
      },
    },
  },
  {
    name: 'pending-session',
    spec: 'A4 / A9 (sts pending → signed-out auth object, sessionStatus stays pending)',
    tokenSpec: valid({ status: 'pending' }),
    expect: { state: 'signed-in', userId: null, sessionStatus: 'pending' },
  },
  {
    name: 'azp-authorized',
    spec: 'A8 step 6',
    tokenSpec: valid(),
    options: { authorizedParties: ['https://app.example.test', 'http://localhost:3000'] },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'load-resources-in-callback',
    spec: 'A3 step 5.2 (loadUser/loadSession/loadOrganization fetch BAPI, strip private metadata)',
    tokenSpec: valid({ org: { id: 'org_2oracleLoad', slug: 'load', role: 'org:member', permissions: [] } }),
    options: { loadUser: true, loadSession: true, loadOrganization: true },
    expect: {
      state: 'signed-in',
      userId: USER_ID,
      loadsResources: true,
      org: { orgId: 'org_2oracleLoad', orgSlug: 'load', orgRole: 'org:member', orgPermissions: [] },
    },
  },
  {
    name: 'cross-origin-referer-after-redirect',
    spec: 'A7.4 step 14 (redirect counter ≠ 0 → no sync)',
    tokenSpec: valid(),
    request: { headers: { ...DOCUMENT, referer: 'https://www.google.com/' }, cookies: { extra: { __clerk_redirect_count: '1' } } },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'known-clerk-referer',
    spec: 'A7.4 step 14 (accounts.* referer is a Clerk origin)',
    tokenSpec: valid(),
    request: { headers: { ...DOCUMENT, referer: 'https://accounts.local-issuer.test/sign-in' } },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'foreign-iss-in-header',
    spec: 'A8 (iss never verified)',
    tokenSpec: valid({ extraClaims: { iss: 'https://clerk.other-instance.test' } }),
    carrier: 'header',
    request: { headers: DATA },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'proxy-signed-in',
    spec: 'A2 proxyUrl / A5 __proxyUrl',
    tokenSpec: valid(),
    options: { proxyUrl: 'https://app.example.test/__clerk' },
    expect: { state: 'signed-in', userId: USER_ID, proxyUrl: 'https://app.example.test/__clerk' },
  },

  // --- signed out ------------------------------------------------------------------------------------------------
  {
    name: 'signed-out-no-cookies',
    spec: 'A7.4 step 8',
    request: { headers: DOCUMENT },
    expect: { state: 'signed-out', reason: 'session-token-and-uat-missing' },
  },
  {
    name: 'client-uat-zero-no-session',
    spec: 'A7.4 step 8 (__client_uat=0 counts as missing)',
    request: { headers: DOCUMENT, cookies: { clientUat: 0 } },
    expect: { state: 'signed-out', reason: 'session-token-and-uat-missing' },
  },
  {
    name: 'foreign-iss-in-cookie',
    spec: 'A7.1 step 8.2 (foreign iss → suffixed cookies, which are absent)',
    tokenSpec: valid({ extraClaims: { iss: 'https://clerk.other-instance.test' } }),
    expect: { state: 'signed-out', reason: 'session-token-and-uat-missing' },
  },
  {
    name: 'expired-data-request',
    spec: 'A7.5 (not eligible for handshake → signed-out)',
    tokenSpec: expired(),
    request: { url: '/?_data=root', headers: DATA },
    expect: { state: 'signed-out', reason: EXPIRED_NO_REFRESH, messageIncludes: 'JWT is expired' },
  },
  {
    name: 'expired-post-data-request',
    spec: 'A7.5 (non-GET never refreshes)',
    tokenSpec: expired(),
    request: { method: 'POST', url: '/?_data=root', headers: DATA, cookies: { refresh: 'rt_oracle_unused' } },
    expect: { state: 'signed-out', reason: 'session-token-expired-refresh-non-eligible-non-get' },
  },
  {
    name: 'expired-refresh-token-unknown',
    spec: 'A7.5 (refresh fails with a BAPI error code)',
    tokenSpec: expired(),
    request: { url: '/?_data=root', headers: DATA, cookies: { refresh: 'rt_oracle_not_registered' } },
    expect: { state: 'signed-out', reason: 'session-token-expired-refresh-refresh_token_invalid', bapi: ['POST /v1/sessions/' + SESSION_ID + '/refresh'] },
  },
  {
    name: 'expired-redirect-count-exhausted',
    spec: 'A7.5 handleMaybeHandshakeStatus step 3',
    tokenSpec: expired(),
    request: { headers: DOCUMENT, cookies: { extra: { __clerk_redirect_count: '3' } } },
    expect: { state: 'signed-out', reason: EXPIRED_NO_REFRESH, logIncludes: 'infinite redirect loop' },
  },
  {
    name: 'nbf-in-future-data-request',
    spec: 'A7.5 (token-not-active-yet → session-token-nbf)',
    tokenSpec: valid({ issuedAt: NOW_S - 5, notBefore: NOW_S + 60 }),
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'session-token-nbf' },
  },
  {
    name: 'iat-in-future-data-request',
    spec: 'A7.5 (token-iat-in-the-future)',
    tokenSpec: valid({ issuedAt: NOW_S + 60, notBefore: NOW_S - 10 }),
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'session-token-iat-in-the-future' },
  },
  {
    name: 'client-uat-without-session-data-request',
    spec: 'A7.4 step 10 (not eligible → signed-out)',
    request: { headers: DATA, cookies: { clientUat: NOW_S - 100 } },
    expect: { state: 'signed-out', reason: 'client-uat-but-no-session-token' },
  },
  {
    name: 'forged-signature-same-kid',
    spec: 'A8 step 10',
    tokenSpec: valid({ signWith: FOREIGN_KEY.privateKey }),
    expect: { state: 'signed-out', reason: 'token-invalid-signature', messageIncludes: 'JWT signature is invalid.' },
  },
  {
    name: 'unknown-kid',
    spec: 'A8 key resolution 2 (kid miss refetches, then jwk-kid-mismatch)',
    tokenSpec: valid({ kid: 'ins_unknown_oracle_kid' }),
    expect: { state: 'signed-out', reason: 'jwk-kid-mismatch', bapiIncludes: 'GET /v1/jwks' },
  },
  {
    name: 'malformed-two-parts-cookie',
    spec: 'A7.4 step 11',
    rawToken: 'aaaa.bbbb',
    request: { cookies: { clientUat: NOW_S - 100 } },
    expect: { state: 'signed-out', reason: 'token-invalid' },
  },
  {
    name: 'malformed-two-parts-header',
    spec: 'A7.3 step 3',
    rawToken: 'aaaa.bbbb',
    carrier: 'header',
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'token-invalid' },
  },
  {
    name: 'malformed-three-parts-header',
    spec: 'A7.3 step 3 (decode throws inside try → unexpected-error)',
    rawToken: 'aaaa.bbbb.cccc',
    carrier: 'header',
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'unexpected-error' },
  },
  {
    name: 'azp-not-authorized',
    spec: 'A8 step 6',
    tokenSpec: valid(),
    options: { authorizedParties: ['https://app.example.test'] },
    expect: { state: 'signed-out', reason: 'token-invalid-authorized-parties' },
  },
  {
    name: 'machine-token-in-header',
    spec: 'A7.3 step 1',
    tokenSpec: valid({ userId: 'mch_2oracleMachine' }),
    carrier: 'header',
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'token-type-mismatch' },
  },
  {
    name: 'handshake-nonce-unknown',
    spec: 'A7.6 resolution 2/5 (nonce lookup fails → logged, no directives → session-token-missing)',
    request: { url: '/?__clerk_handshake_nonce=nonce_oracle_unknown', headers: DOCUMENT },
    expect: { state: 'signed-out', reason: 'session-token-missing', logIncludes: 'error getting handshake payload', bapiIncludes: 'GET /v1/clients/handshake_payload' },
  },
  {
    name: 'handshake-token-forged',
    spec: 'A7.4 step 1 (production: resolution error logged, falls through)',
    setup: (issuer) => ({ query: { __clerk_handshake: issuer.handshakeToken(handshakeDirectives(issuer), { signWith: FOREIGN_KEY.privateKey, issuedAt: NOW_S - 1 }) } }),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-out', reason: 'session-token-and-uat-missing', logIncludes: 'unable to resolve handshake' },
  },

  // --- handshake redirects ---------------------------------------------------------------------------------------
  {
    name: 'expired-document-request',
    spec: 'A7.5 + A7.6 redirect',
    tokenSpec: expired(),
    request: { url: '/dashboard?tab=1', headers: DOCUMENT },
    expect: { state: 'handshake', reason: EXPIRED_NO_REFRESH, redirectUrl: `${APP_ORIGIN}/dashboard?tab=1`, sessionParam: true },
  },
  {
    name: 'expired-post-document-request',
    spec: 'A7.5 (non-GET, but a document → handshake)',
    tokenSpec: expired(),
    request: { method: 'POST', headers: DOCUMENT },
    expect: { state: 'handshake', reason: 'session-token-expired-refresh-non-eligible-non-get' },
  },
  {
    name: 'expired-header-document-request',
    spec: 'A7.3 step 3 → A7.5 (header carrier, __session param = header token)',
    tokenSpec: expired(),
    carrier: 'header',
    request: { headers: DOCUMENT },
    expect: { state: 'handshake', reason: EXPIRED_NO_REFRESH, sessionParam: true },
  },
  {
    name: 'forged-expired-document-request',
    spec: 'A8 (claims before signature: a forged expired token still hands-shake)',
    tokenSpec: expired({ signWith: FOREIGN_KEY.privateKey }),
    request: { headers: DOCUMENT },
    expect: { state: 'handshake', reason: EXPIRED_NO_REFRESH },
  },
  {
    name: 'nbf-in-future-document-request',
    spec: 'A7.5 (session-token-nbf, eligible)',
    tokenSpec: valid({ issuedAt: NOW_S - 5, notBefore: NOW_S + 60 }),
    request: { headers: DOCUMENT },
    expect: { state: 'handshake', reason: 'session-token-nbf' },
  },
  {
    name: 'iat-before-client-uat',
    spec: 'A7.4 step 12',
    tokenSpec: valid(),
    request: { headers: DOCUMENT, cookies: { clientUat: NOW_S - 1 } },
    expect: { state: 'handshake', reason: 'session-token-iat-before-client-uat' },
  },
  {
    name: 'session-without-client-uat',
    spec: 'A7.4 step 9',
    tokenSpec: valid(),
    request: { headers: DOCUMENT, cookies: { clientUat: null } },
    expect: { state: 'handshake', reason: 'session-token-but-no-client-uat' },
  },
  {
    name: 'session-with-client-uat-zero',
    spec: 'A7.4 step 9 (__client_uat=0 is "no client uat")',
    tokenSpec: valid(),
    request: { headers: DOCUMENT, cookies: { clientUat: 0 } },
    expect: { state: 'handshake', reason: 'session-token-but-no-client-uat' },
  },
  {
    name: 'client-uat-without-session',
    spec: 'A7.4 step 10',
    request: { headers: DOCUMENT, cookies: { clientUat: NOW_S - 100 } },
    expect: { state: 'handshake', reason: 'client-uat-but-no-session-token' },
  },
  {
    name: 'client-uat-without-session-forwarded-host',
    spec: 'A7.1 step 1 (clerkUrl from x-forwarded-host / x-forwarded-proto: the handshake returns there)',
    request: { headers: { ...DOCUMENT, host: 'internal:8080', 'x-forwarded-host': 'app.example.test, proxy', 'x-forwarded-proto': 'https' }, cookies: { clientUat: NOW_S - 100 } },
    expect: { state: 'handshake', reason: 'client-uat-but-no-session-token' },
  },
  {
    name: 'client-uat-without-session-empty-forwarded-host',
    spec: 'A7.1 step 1 (an empty x-forwarded-host is kept: `\'\' ?? host` is \'\', so clerkUrl is the request URL)',
    request: { headers: { ...DOCUMENT, host: 'internal:8080', 'x-forwarded-host': '' }, cookies: { clientUat: NOW_S - 100 } },
    expect: { state: 'handshake', reason: 'client-uat-but-no-session-token' },
  },
  {
    name: 'client-uat-without-session-empty-forwarded-proto',
    spec: 'A7.1 step 1 (an empty x-forwarded-proto is kept: no protocol, so clerkUrl is the request URL)',
    request: { headers: { ...DOCUMENT, host: 'internal:8080', 'x-forwarded-proto': '' }, cookies: { clientUat: NOW_S - 100 } },
    expect: { state: 'handshake', reason: 'client-uat-but-no-session-token' },
  },
  {
    name: 'cross-origin-referer-document',
    spec: 'A7.4 step 14 / C16',
    tokenSpec: valid(),
    request: { headers: { ...DOCUMENT, referer: 'https://www.google.com/search?q=x' } },
    expect: { state: 'handshake', reason: 'primary-domain-cross-origin-sync', messageIncludes: 'Cross-origin request from satellite domain requires handshake' },
  },
  {
    name: 'satellite-document-request',
    spec: 'A7.4 step 3 (production satellite → FAPI clerk.<domain>)',
    tokenSpec: valid(),
    options: { isSatellite: true, domain: 'satellite.example.test' },
    request: { headers: DOCUMENT },
    // suffixed_cookies=true: the token's iss is the primary FAPI, not clerk.<domain> (see the plain-cookies case below)
    expect: { state: 'handshake', reason: 'satellite-needs-syncing', fapi: 'https://clerk.satellite.example.test', suffixedCookies: true },
  },
  {
    name: 'satellite-data-request-plain-cookies',
    spec: 'A7.1 steps 3 + 8.2 (satellite FAPI clerk.<domain> ≠ token iss → suffixed cookies are read)',
    tokenSpec: valid(),
    options: { isSatellite: true, domain: 'satellite.example.test' },
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'session-token-and-uat-missing' },
  },
  {
    name: 'satellite-data-request-suffixed-cookies',
    spec: 'A7.1 steps 3 + 8.2',
    tokenSpec: valid(),
    options: { isSatellite: true, domain: 'satellite.example.test' },
    request: { headers: DATA, cookies: { suffixed: 'both' } },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'proxy-expired-document-request',
    spec: 'A7.6 redirect (frontendApi = proxyUrl)',
    tokenSpec: expired(),
    options: { proxyUrl: 'https://app.example.test/__clerk' },
    request: { headers: DOCUMENT },
    expect: { state: 'handshake', reason: EXPIRED_NO_REFRESH, fapi: 'https://app.example.test/__clerk' },
  },

  // --- handshake / refresh resolution -----------------------------------------------------------------------------
  {
    name: 'expired-refresh-cookie-refreshes',
    spec: 'A7.5 step 2 (eligible → POST /v1/sessions/{sid}/refresh → signed-in with Set-Cookie)',
    tokenSpec: expired(),
    setup: (issuer) => {
      issuer.createRefreshToken({ token: 'rt_oracle_registered', sessionId: SESSION_ID });
    },
    request: { url: '/?_data=root', headers: DATA, cookies: { refresh: 'rt_oracle_registered' } },
    expect: { state: 'signed-in', userId: USER_ID, setCookies: ['__session=', '__client_uat='], bapi: ['POST /v1/sessions/' + SESSION_ID + '/refresh'] },
  },
  {
    name: 'handshake-nonce-resolves',
    spec: 'A7.6 resolution (nonce → GET /v1/clients/handshake_payload; production → 200 signed-in)',
    setup: (issuer) => {
      issuer.registerHandshakeNonce('nonce_oracle_ok', handshakeDirectives(issuer));
    },
    request: { url: '/?__clerk_handshake_nonce=nonce_oracle_ok', headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID, setCookies: ['__session=', '__client_uat='], corsHeaders: true, bapiIncludes: 'GET /v1/clients/handshake_payload' },
  },
  {
    name: 'handshake-token-resolves',
    spec: 'A7.6 resolution (__clerk_handshake JWT; production → 200 signed-in)',
    setup: (issuer) => ({ query: { __clerk_handshake: issuer.handshakeToken(handshakeDirectives(issuer), { issuedAt: NOW_S - 1 }) } }),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID, setCookies: ['__session=', '__client_uat='], corsHeaders: true },
  },

  // --- crafted handshakes and refreshes Clerk takes and ours refuses (docs/compat.md H1–H3) -----------------------
  {
    name: 'handshake-nonce-foreign-cookie',
    spec: 'A7.6 resolution (every directive of the nonce payload is set as written, a cookie of any name too)',
    setup: (issuer) => {
      issuer.registerHandshakeNonce('nonce_oracle_foreign', [...handshakeDirectives(issuer), 'oracle_planted=1; Path=/; Max-Age=315360000']);
    },
    request: { url: '/?__clerk_handshake_nonce=nonce_oracle_foreign', headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID, setCookies: ['__session=', '__client_uat=', 'oracle_planted='], corsHeaders: true, bapiIncludes: 'GET /v1/clients/handshake_payload' },
  },
  {
    name: 'handshake-token-foreign-domain',
    spec: 'A7.6 resolution (every directive of the token is set as written, with any Domain)',
    setup: (issuer) => {
      const [session, clientUat] = handshakeDirectives(issuer);
      return { query: { __clerk_handshake: issuer.handshakeToken([session, `${clientUat}; Domain=evil.example`], { issuedAt: NOW_S - 1 }) } };
    },
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID, setCookies: ['__session=', '__client_uat='], corsHeaders: true },
  },
  {
    name: 'handshake-token-stale',
    spec: 'A7.6 resolution (no claim of a handshake token is read: one issued 10 minutes ago resolves)',
    setup: (issuer) => ({ query: { __clerk_handshake: issuer.handshakeToken(handshakeDirectives(issuer), { issuedAt: NOW_S - 600 }) } }),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID, setCookies: ['__session=', '__client_uat='], corsHeaders: true },
  },
  {
    name: 'handshake-token-without-iat-in-query',
    spec: 'A7.6 resolution (a handshake token without iat in a production query string resolves)',
    setup: (issuer) => ({ query: { __clerk_handshake: issuer.handshakeToken(handshakeDirectives(issuer), { issuedAt: null }) } }),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID, setCookies: ['__session=', '__client_uat='], corsHeaders: true },
  },
  {
    name: 'expired-refresh-sid-path',
    spec: 'A7.5 step 2 (the sid goes into the refresh URL unencoded: ../../users/user_1 posts to /users/user_1/refresh)',
    tokenSpec: expired({ sessionId: SID_PATH }),
    setup: (issuer) => {
      issuer.createRefreshToken({ token: 'rt_oracle_sid_path', sessionId: SID_PATH });
    },
    request: { url: '/?_data=root', headers: DATA, cookies: { refresh: 'rt_oracle_sid_path' } },
    expect: { state: 'signed-out', reason: 'session-token-expired-refresh-resource_not_found', bapi: ['POST /users/user_1/refresh'] },
  },

  // --- errors -----------------------------------------------------------------------------------------------------
  {
    name: 'malformed-three-parts-cookie',
    spec: 'A7.1 step 8 / A7.4 step 11 (non-JSON parts throw uncaught)',
    rawToken: 'aaaa.bbbb.cccc',
    request: { cookies: { clientUat: NOW_S - 100 } },
    expect: { state: 'error', errorName: 'SyntaxError' },
  },
  {
    name: 'cookie-header-percent-ZZ',
    spec: 'A10 (decodeURIComponent of %ZZ throws)',
    request: { cookies: '__session=abc%ZZdef; __client_uat=1' },
    expect: { state: 'error', errorName: 'URIError', errorMessage: 'URI malformed' },
  },
  {
    name: 'no-secret-key',
    spec: 'A2 validation 1 / A6 noSecretKeyError',
    env: { CLERK_SECRET_KEY: null },
    tokenSpec: valid(),
    expect: { state: 'error', errorMessage: 'A secretKey must be provided in order to use SSR' },
  },

  // --- development instance -------------------------------------------------------------------------------------
  {
    name: 'dev-browser-missing-document',
    spec: 'A7.4 step 7',
    instance: 'development',
    tokenSpec: valid(),
    request: { headers: DOCUMENT },
    expect: { state: 'handshake', reason: 'dev-browser-missing' },
  },
  {
    name: 'dev-browser-missing-data-request',
    spec: 'A7.4 step 7 (not eligible → signed-out)',
    instance: 'development',
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'dev-browser-missing' },
  },
  {
    name: 'dev-signed-in-with-dev-browser-cookie',
    spec: 'A7.1 step 6 / A7.4 step 16',
    instance: 'development',
    tokenSpec: valid(),
    request: { cookies: { devBrowser: DEV_BROWSER } },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'dev-browser-sync-query',
    spec: 'A7.4 step 6 (__clerk_db_jwt in the query)',
    instance: 'development',
    tokenSpec: valid(),
    request: { url: `/?__clerk_db_jwt=${DEV_BROWSER}`, headers: DOCUMENT },
    expect: { state: 'handshake', reason: 'dev-browser-sync', devBrowserParam: DEV_BROWSER, redirectUrl: `${APP_ORIGIN}/` },
  },
  {
    name: 'dev-expired-document-request',
    spec: 'A7.6 redirect (development adds __clerk_db_jwt)',
    instance: 'development',
    tokenSpec: expired(),
    request: { headers: DOCUMENT, cookies: { devBrowser: DEV_BROWSER } },
    expect: { state: 'handshake', reason: EXPIRED_NO_REFRESH, devBrowserParam: DEV_BROWSER },
  },
  {
    name: 'dev-handshake-token-resolves',
    spec: 'A7.6 resolution step 4 (development → 307 to the clean URL with Set-Cookies)',
    instance: 'development',
    setup: (issuer) => ({ query: { __clerk_handshake: issuer.handshakeToken(handshakeDirectives(issuer), { issuedAt: NOW_S - 1 }), keep: 'me' } }),
    request: { url: '/welcome', headers: DOCUMENT, cookies: { devBrowser: DEV_BROWSER } },
    expect: { state: 'handshake-resolved', location: `${APP_ORIGIN}/welcome?keep=me`, setCookies: ['__session=', '__client_uat='] },
  },

  // --- issue 3 additions: multi-domain sync, redirect counter, header and cookie together, more crashes ---------
  {
    name: 'dev-satellite-needs-syncing',
    spec: 'A7.4 step 4 (development satellite document without __clerk_synced → Location = signInUrl)',
    instance: 'development',
    tokenSpec: valid(),
    options: { isSatellite: true, domain: 'satellite.example.test', signInUrl: 'https://primary.example.test/sign-in' },
    request: { url: '/page?x=1', headers: DOCUMENT, cookies: { devBrowser: DEV_BROWSER } },
    expect: {
      state: 'redirect',
      reason: 'satellite-needs-syncing',
      location: `https://primary.example.test/sign-in?__clerk_redirect_url=${encodeURIComponent(`${APP_ORIGIN}/page?x=1`)}`,
    },
  },
  {
    name: 'dev-satellite-synced',
    spec: 'A7.4 step 4 (__clerk_synced present → the normal cookie flow)',
    instance: 'development',
    tokenSpec: valid(),
    options: { isSatellite: true, domain: 'satellite.example.test', signInUrl: 'https://primary.example.test/sign-in' },
    request: { url: '/page?__clerk_synced=true', headers: DOCUMENT, cookies: { devBrowser: DEV_BROWSER } },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'dev-satellite-data-request-not-synced',
    spec: 'A7.4 step 4 (only documents sync)',
    instance: 'development',
    tokenSpec: valid(),
    options: { isSatellite: true, domain: 'satellite.example.test', signInUrl: 'https://primary.example.test/sign-in' },
    request: { url: '/page?_data=root', headers: DATA, cookies: { devBrowser: DEV_BROWSER } },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'dev-primary-responds-to-syncing',
    spec: 'A7.4 step 5 (primary gets __clerk_redirect_url → back to the satellite with __clerk_db_jwt and __clerk_synced)',
    instance: 'development',
    tokenSpec: valid(),
    // Ours sends the dev browser token only to the app's own origin and these (R10); Clerk ignores the option.
    options: { allowedRedirectOrigins: ['https://satellite.example.test'] },
    request: {
      url: `/sign-in?__clerk_redirect_url=${encodeURIComponent('https://satellite.example.test/page?y=2')}`,
      headers: DOCUMENT,
      cookies: { devBrowser: DEV_BROWSER },
    },
    expect: {
      state: 'redirect',
      reason: 'primary-responds-to-syncing',
      location: `https://satellite.example.test/page?y=2&__clerk_db_jwt=${DEV_BROWSER}&__clerk_synced=true`,
    },
  },
  {
    name: 'dev-primary-responds-to-syncing-data-request',
    spec: 'A7.4 step 5 + A7.5 (not eligible → signed-out with the handshake reason)',
    instance: 'development',
    tokenSpec: valid(),
    options: { allowedRedirectOrigins: 'https://satellite.example.test' },
    request: {
      url: `/sign-in?__clerk_redirect_url=${encodeURIComponent('https://satellite.example.test/page')}`,
      headers: DATA,
      cookies: { devBrowser: DEV_BROWSER },
    },
    expect: { state: 'signed-out', reason: 'primary-responds-to-syncing' },
  },
  {
    name: 'dev-primary-responds-to-syncing-bad-url',
    spec: 'A7.4 step 5 (new URL(<not a URL>) throws TypeError: Invalid URL)',
    instance: 'development',
    tokenSpec: valid(),
    request: { url: '/sign-in?__clerk_redirect_url=not-a-url', headers: DOCUMENT, cookies: { devBrowser: DEV_BROWSER } },
    expect: { state: 'error', errorName: 'TypeError' },
  },
  {
    name: 'expired-redirect-count-two',
    spec: 'A7.5 handleMaybeHandshakeStatus step 3 (count 2 → one more handshake, count 3)',
    tokenSpec: expired(),
    request: { headers: DOCUMENT, cookies: { extra: { __clerk_redirect_count: '2' } } },
    expect: { state: 'handshake', reason: EXPIRED_NO_REFRESH, redirectCount: 3, sessionParam: true },
  },
  {
    name: 'expired-redirect-count-exhausted-data-request',
    spec: 'A7.5 (not eligible: signed-out before the counter is looked at, nothing logged)',
    tokenSpec: expired(),
    request: { url: '/?_data=root', headers: DATA, cookies: { extra: { __clerk_redirect_count: '3' } } },
    expect: { state: 'signed-out', reason: EXPIRED_NO_REFRESH },
  },
  {
    name: 'header-valid-cookie-expired',
    spec: 'A7.2 (a header token decides; the cookie is not looked at)',
    tokenSpec: valid(),
    carrier: 'header',
    cookieTokenSpec: expired({ userId: 'user_2oracleCookieUser000000000' }),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'header-forged-cookie-valid',
    spec: 'A7.2 / A7.3 (no fallback to the cookie when the header token fails)',
    tokenSpec: valid({ signWith: FOREIGN_KEY.privateKey }),
    carrier: 'header',
    cookieTokenSpec: valid(),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-out', reason: 'token-invalid-signature' },
  },
  {
    name: 'forged-expired-data-request',
    spec: 'A8 (claims before signature: a forged expired token reads as expired)',
    tokenSpec: expired({ signWith: FOREIGN_KEY.privateKey }),
    request: { url: '/?_data=root', headers: DATA },
    expect: { state: 'signed-out', reason: EXPIRED_NO_REFRESH },
  },
  {
    name: 'cookie-header-non-utf8-escape',
    spec: 'A10 (decodeURIComponent of a run that is not UTF-8 throws)',
    request: { cookies: '__session=abc%C3%28def; __client_uat=1' },
    expect: { state: 'error', errorName: 'URIError', errorMessage: 'URI malformed' },
  },

  // --- issue 16: whose origin a request is on; where a development primary sends the dev browser token -----------
  {
    name: 'dev-primary-responds-to-syncing-foreign-target',
    spec: 'A7.4 step 5 (Clerk sends the dev browser token to any __clerk_redirect_url; ours: not to an origin it does not know, R10)',
    instance: 'development',
    tokenSpec: valid(),
    request: {
      url: `/sign-in?__clerk_redirect_url=${encodeURIComponent('https://evil.example.test/steal')}`,
      headers: DOCUMENT,
      cookies: { devBrowser: DEV_BROWSER },
    },
    expect: {
      state: 'redirect',
      reason: 'primary-responds-to-syncing',
      location: `https://evil.example.test/steal?__clerk_db_jwt=${DEV_BROWSER}&__clerk_synced=true`,
    },
  },
  {
    name: 'dev-primary-responds-to-syncing-own-origin',
    spec: 'A7.4 step 5 (a target on the app\'s own origin: ours needs no configuration for it either)',
    instance: 'development',
    tokenSpec: valid(),
    request: {
      url: `/sign-in?__clerk_redirect_url=${encodeURIComponent(`${APP_ORIGIN}/after?z=1`)}`,
      headers: DOCUMENT,
      cookies: { devBrowser: DEV_BROWSER },
    },
    expect: {
      state: 'redirect',
      reason: 'primary-responds-to-syncing',
      location: `${APP_ORIGIN}/after?z=1&__clerk_db_jwt=${DEV_BROWSER}&__clerk_synced=true`,
    },
  },
  {
    name: 'forwarded-host-relative-proxy-handshake',
    spec: 'A2 proxyUrl + A7.1 step 1 (a relative proxy URL and the handshake follow x-forwarded-host: Clerk and ours without a pin)',
    options: { proxyUrl: '/__clerk' },
    request: { headers: { ...DOCUMENT, host: 'internal:8080', 'x-forwarded-host': 'evil.example.test', 'x-forwarded-proto': 'https' }, cookies: { clientUat: NOW_S - 100 } },
    expect: { state: 'handshake', reason: 'client-uat-but-no-session-token', fapi: 'https://evil.example.test/__clerk', redirectUrl: 'https://evil.example.test/' },
  },
  {
    name: 'forwarded-host-relative-proxy-handshake-pinned',
    spec: 'A2 proxyUrl + A7.1 step 1 (ours with appOrigin: the forged host moves neither the proxy nor the return URL, U5)',
    options: { proxyUrl: '/__clerk', appOrigin: APP_ORIGIN },
    request: { headers: { ...DOCUMENT, host: 'internal:8080', 'x-forwarded-host': 'evil.example.test', 'x-forwarded-proto': 'https' }, cookies: { clientUat: NOW_S - 100 } },
    expect: { state: 'handshake', reason: 'client-uat-but-no-session-token', fapi: 'https://evil.example.test/__clerk', redirectUrl: 'https://evil.example.test/' },
  },
  {
    name: 'forwarded-host-relative-proxy-signed-in-pinned-by-env',
    spec: 'A2 proxyUrl / A5 __proxyUrl (ours with CLERK_APP_ORIGIN: clerkState.__proxyUrl stays on the app, U5)',
    env: { CLERK_APP_ORIGIN: APP_ORIGIN, CLERK_PROXY_URL: '/__clerk' },
    tokenSpec: valid(),
    request: { headers: { ...DOCUMENT, 'x-forwarded-host': 'evil.example.test', 'x-forwarded-proto': 'https' } },
    expect: { state: 'signed-in', userId: USER_ID, proxyUrl: 'https://evil.example.test/__clerk' },
  },
  {
    name: 'forwarded-host-not-a-host',
    spec: 'A7.1 step 1 (Clerk follows an x-forwarded-host with credentials in it; ours: not a host[:port], U4)',
    request: { headers: { ...DOCUMENT, 'x-forwarded-host': 'user@evil.example.test' }, cookies: { clientUat: NOW_S - 100 } },
    expect: { state: 'handshake', reason: 'client-uat-but-no-session-token', redirectUrl: 'http://user@evil.example.test/' },
  },

  // --- issue 16: the checks @clerk/backend 3.x added that protect a session (both entries; docs/compat.md R11-R14) --
  {
    name: 'template-category-header',
    spec: 'A7.3 step 1 (2.x: a JWT template in the header verifies as a session token; 3.x and ours: token-type-mismatch, R11)',
    tokenSpec: valid({ header: { cat: TEMPLATE_CATEGORY } }),
    carrier: 'header',
    request: { headers: DATA },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'template-category-cookie',
    spec: 'A7.4 step 11 (2.x: a JWT template in the cookie verifies as a session token; 3.x and ours: token-type-mismatch, R11)',
    tokenSpec: valid({ header: { cat: TEMPLATE_CATEGORY } }),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'm2m-jwt-in-cookie',
    spec: 'A7.4 step 11 (2.x: an M2M JWT in the cookie signs its machine in; 3.x and ours: token-type-mismatch, R11)',
    tokenSpec: valid({ userId: 'mch_2oracleMachine' }),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: 'mch_2oracleMachine' },
  },
  {
    name: 'oauth-jwt-in-cookie',
    spec: 'A7.4 step 11 + A8 (2.x: an OAuth JWT in the cookie fails its typ, token-invalid; 3.x and ours: token-type-mismatch, R11)',
    tokenSpec: valid({ header: { typ: 'at+jwt' } }),
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'token-invalid' },
  },
  {
    name: 'handshake-token-template-category',
    spec: 'A7.6 resolution (2.x reads no cat of a handshake token; 3.x and ours: "Invalid handshake token category.", R12)',
    setup: (issuer) => ({ query: { __clerk_handshake: issuer.handshakeToken(handshakeDirectives(issuer), { issuedAt: NOW_S - 1, header: { cat: TEMPLATE_CATEGORY } }) } }),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID, setCookies: ['__session=', '__client_uat='], corsHeaders: true },
  },
  {
    name: 'handshake-session-m2m-category',
    spec: 'A7.6 resolution (2.x verifies the session token of any cat; 3.x and ours: "Invalid session token category.", R12)',
    setup: (issuer) => {
      const session = issuer.sessionToken(valid({ issuedAt: NOW_S - 1, header: { cat: M2M_CATEGORY } }));
      return { query: { __clerk_handshake: issuer.handshakeToken(issuer.setCookieDirectives({ session }), { issuedAt: NOW_S - 1 }) } };
    },
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID, setCookies: ['__session=', '__client_uat='], corsHeaders: true },
  },
  {
    name: 'authorized-parties-without-azp',
    spec: 'A8 step 6 (2.x: a token without azp passes authorizedParties; 3.x and ours: token-invalid-authorized-parties, R13)',
    tokenSpec: valid({ azp: null }),
    options: { authorizedParties: [APP_ORIGIN] },
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'cookie-without-azp',
    spec: 'A7.4 step 15 (no authorizedParties: a cookie token without azp signs in; 3.x warns once that it has none, 2.x does not)',
    tokenSpec: valid({ azp: null }),
    request: { headers: DOCUMENT },
    expect: { state: 'signed-in', userId: USER_ID },
  },
  {
    name: 'cookie-header-encoded-session-injection',
    spec: 'A10 (2.x pre-decodes the Cookie header: %3B__session%3D inside another value plants a session first; 3.x and ours: not, R14)',
    tokenSpec: valid(),
    request: {
      headers: DATA,
      cookies: (issuer, { token }) => {
        const planted = issuer.sessionToken(valid({ userId: ATTACKER_ID, sessionId: 'sess_2oracleAttacker00000000000' }));
        return `pref=x%3B__session%3D${planted}; __session=${token}; __client_uat=${NOW_S - 100}`;
      },
    },
    expect: { state: 'signed-in', userId: ATTACKER_ID },
  },
  {
    name: 'audience-string-mismatch',
    spec: 'A8 step 5 (a string aud not in audience: 2.x names it as an array, 3.x as a string; both entries as their Clerk)',
    tokenSpec: valid({ extraClaims: { aud: 'https://other.example.test' } }),
    options: { audience: 'https://api.example.test' },
    request: { headers: DATA },
    expect: { state: 'signed-out', reason: 'token-verification-failed', messageIncludes: 'Invalid JWT audience claim array (aud) ["https://other.example.test"]' },
  },
  {
    name: 'audience-malformed',
    spec: 'A8 step 5 (an aud that is not a string or an array of strings passes in 2.x and 3.x; ours refuses it, V7 / RR9)',
    tokenSpec: valid({ extraClaims: { aud: 7 } }),
    options: { audience: 'https://api.example.test' },
    request: { headers: DATA },
    expect: { state: 'signed-in', userId: USER_ID },
  },

  // --- last: CLERK_JWT_KEY makes @clerk/backend's JWKS cache never expire for the rest of the process ---------------
  {
    name: 'jwt-key-pem-networkless',
    spec: 'A8 key resolution 1 (CLERK_JWT_KEY: no JWKS fetch)',
    jwtKey: true,
    tokenSpec: valid(),
    expect: { state: 'signed-in', userId: USER_ID, bapi: [] },
  },
].map(defineScenario);

/** The scenario named `name` (throws when unknown). */
export function scenario(name) {
  const found = scenarios.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario named ${name}`);
  return found;
}
