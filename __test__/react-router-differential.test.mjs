// Differential test of the React Router entry: every scenario of helpers/scenarios.mjs, plus the scenarios below
// that reach the rules where @clerk/backend 3.x decides differently from 2.x, runs through the REAL
// @clerk/react-router@3.6 (clerkMiddleware + rootAuthLoader, with a callback, + getAuth) and through ours
// (dist/react-router) with the same issuer, env and frozen clock. Compared as in ssr-differential.test.mjs: status,
// headers, body (key order included), the auth object, thrown errors, console output, Backend API requests.
//
// Then ours without the middleware (what React Router 7.0–7.8 apps, or apps without it, run), where Clerk throws:
// the loaders must give the same request state as with the middleware, and a handshake is thrown as the 307.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';

import { allowedFor, differences, JWKS, pick } from './helpers/differential.mjs';
import { HARDENING_ALLOWED, PINNED_ORIGIN_ALLOWED, userIdOf } from './helpers/hardening.mjs';
import { closeIssuers, getIssuer, header } from './helpers/oracle.mjs';
import { RR_MODES, RR_NO_MIDDLEWARE_MODES, runReactRouterMode } from './helpers/reactRouterOracle.mjs';
import { importClerk, importFromWorld, importOurs } from './helpers/reactRouterWorld.mjs';
import { APP_ORIGIN, BASE_NOW, defineScenario, FOREIGN_KEY, NOW_S, scenarios, SESSION_ID, USER_ID } from './helpers/scenarios.mjs';

// Clerk prints its telemetry notice (RR3) only where none of its CI variables is set: compare as on a developer's
// machine, so that CI runs exercise RR3 too.
for (const name of (await importFromWorld('@clerk/shared/utils')).automatedEnvironmentVariables) delete process.env[name];

const compat = readFileSync(new URL('../docs/compat.md', import.meta.url), 'utf8');
const clerk = await importClerk();
const ours = await importOurs();

const DOCUMENT = { 'sec-fetch-dest': 'document', accept: 'text/html', 'user-agent': 'Mozilla/5.0 (oracle)' };
const valid = (extra = {}) => ({ userId: USER_ID, sessionId: SESSION_ID, issuedAt: NOW_S - 5, expiresInSeconds: 60, ...extra });

const DATA = { 'sec-fetch-dest': 'empty', accept: '*/*', 'user-agent': 'Mozilla/5.0 (oracle)' };

/**
 * Machine tokens in the Authorization header (the middleware accepts any token type): opaque API keys, M2M and OAuth
 * tokens checked by the issuer's Backend API, and machine JWTs checked with its keys; each read by `getAuth` with
 * several `acceptsToken` values.
 */
function machineTokenScenarios() {
  const opaque = (kind, token, extra = {}) => ({
    rawToken: token,
    carrier: 'header',
    request: { headers: DATA },
    setup: (issuer) => {
      issuer.defineMachineToken({ kind, token, ...extra });
    },
  });
  const apiKey = opaque('api_key', 'ak_2oracleApiKey000000000000000', { subject: USER_ID, scopes: ['read', 'write'], claims: { plan: 'pro' }, name: 'oracle key' });
  const orgKey = opaque('api_key', 'ak_2oracleOrgKey000000000000000', { subject: 'org_2oracleOrg', scopes: [] });
  const m2m = opaque('m2m_token', 'mt_2oracleM2M000000000000000000', { subject: 'mch_2oracleMachine', scopes: ['mch_2oracleOther'] });
  const oauth = opaque('oauth_token', 'oat_2oracleOAuth0000000000000000', { subject: USER_ID, scopes: ['email', 'profile'], clientId: 'client_2oracle' });
  const oauthJwt = (extra = {}) => ({
    tokenSpec: valid({ header: { typ: 'at+jwt' }, extraClaims: { client_id: 'client_2oracle', scp: ['email'], jti: 'oat_2oracleJti' }, ...extra }),
    carrier: 'header',
    request: { headers: DATA },
  });
  const m2mJwt = (extra = {}) => ({
    tokenSpec: valid({ userId: 'mch_2oracleMachine', extraClaims: { jti: 'mt_2oracleJti', scopes: 'mch_a mch_b' }, ...extra }),
    carrier: 'header',
    request: { headers: DATA },
  });
  return [
    { name: 'v3-api-key', ...apiKey },
    { name: 'v3-api-key-accepts-api-key', ...apiKey, options: { acceptsToken: 'api_key' } },
    { name: 'v3-api-key-accepts-list', ...apiKey, options: { acceptsToken: ['session_token', 'api_key'] } },
    { name: 'v3-api-key-accepts-any', ...apiKey, options: { acceptsToken: 'any' } },
    { name: 'v3-api-key-accepts-m2m', ...apiKey, options: { acceptsToken: 'm2m_token' } },
    { name: 'v3-org-api-key-accepts-api-key', ...orgKey, options: { acceptsToken: 'api_key' } },
    { name: 'v3-api-key-unknown', rawToken: 'ak_2oracleNobodyDefinedThis0000', carrier: 'header', request: { headers: DATA }, options: { acceptsToken: 'api_key' } },
    { name: 'v3-m2m-opaque', ...m2m, options: { acceptsToken: 'm2m_token' } },
    { name: 'v3-m2m-opaque-unknown', rawToken: 'mt_2oracleNobodyDefinedThis0000', carrier: 'header', request: { headers: DATA }, options: { acceptsToken: 'any' } },
    { name: 'v3-oauth-opaque', ...oauth, options: { acceptsToken: 'oauth_token' } },
    { name: 'v3-oauth-opaque-accepts-session', ...oauth },
    { name: 'v3-oauth-jwt', ...oauthJwt(), options: { acceptsToken: 'oauth_token' } },
    { name: 'v3-oauth-jwt-expired', ...oauthJwt({ issuedAt: NOW_S - 120 }), options: { acceptsToken: 'any' } },
    { name: 'v3-m2m-jwt', ...m2mJwt(), options: { acceptsToken: 'm2m_token' } },
    { name: 'v3-m2m-jwt-session-category', ...m2mJwt({ header: { cat: 'cl_B7d4PD111AAA' } }), options: { acceptsToken: 'm2m_token' } },
    { name: 'v3-m2m-jwt-foreign-key', ...m2mJwt({ signWith: FOREIGN_KEY.privateKey }), options: { acceptsToken: 'any' } },
  ];
}

/**
 * Where 3.x decides differently from 2.x: each of these gives another answer through the Remix oracle. (3.x's
 * checks that protect a session — token categories, machine JWTs in the cookie, azp with authorizedParties, the
 * handshake token's category, the Cookie header read without pre-decoding — are shared scenarios now: both entries
 * make them, and ssr-differential.test.mjs allows them against @clerk/remix as R11, R12, V8 and C2.)
 */
const backend3 = [
  { name: 'v3-satellite-synced-false', tokenSpec: valid(), options: { isSatellite: true, domain: 'satellite.example.test' }, request: { url: '/?__clerk_synced=false', headers: DOCUMENT } },
  { name: 'v3-satellite-synced-true-no-cookies', options: { isSatellite: true, domain: 'satellite.example.test' }, request: { url: '/?__clerk_synced=true', headers: DOCUMENT } },
  { name: 'v3-satellite-no-cookies', options: { isSatellite: true, domain: 'satellite.example.test' }, request: { headers: DOCUMENT } },
  { name: 'v3-dev-satellite-synced-false', instance: 'development', options: { isSatellite: true, domain: 'satellite.example.test', signInUrl: 'https://primary.example.test/sign-in' }, request: { url: '/?__clerk_synced=false', headers: DOCUMENT, cookies: { devBrowser: true } } },
  { name: 'v3-post-client-uat-without-session', request: { method: 'POST', headers: DOCUMENT, cookies: { clientUat: NOW_S - 60 } } },
  { name: 'v3-accounts-referer', tokenSpec: valid(), request: { headers: { ...DOCUMENT, referer: 'https://accounts.evil.example/' } } },
  // Ours sends the dev browser token only to the app's own origin and allowedRedirectOrigins (R10); Clerk ignores it.
  { name: 'v3-primary-responds-to-syncing', instance: 'development', tokenSpec: valid(), options: { allowedRedirectOrigins: ['http://sat.localhost'] }, request: { url: `/?__clerk_redirect_url=${encodeURIComponent('http://sat.localhost/p?__clerk_synced=false')}`, headers: DOCUMENT, cookies: { devBrowser: true } } },
  ...machineTokenScenarios(),
].map((def) => defineScenario({ ...def, now: BASE_NOW }));

/** The deliberate differences of this entry (docs/compat.md, React Router rows). */
const ALLOWED = [
  {
    id: 'RR1',
    why: 'a token whose header or payload is not base64url JSON: the same token-invalid, with a message that says which part',
    scenarios: ['malformed-three-parts-header', 'malformed-three-parts-cookie'],
    paths: [/^headers\.x-clerk-auth-message$/, /__clerk_debug\.message$/],
  },
  {
    id: 'RR3',
    why: "Clerk's telemetry notice of development instances is not printed (this package collects no telemetry)",
    scenarios: '*',
    paths: [/^logs$/],
    check: (o) => assert.deepEqual(o.logs.filter((l) => !/telemetry|roadmap|^$/i.test(l.text)), o.logs),
  },
  {
    id: 'J7',
    why: 'Backend API requests carry our User-Agent',
    scenarios: '*',
    paths: [/^bapiUserAgents$/],
  },
  ...HARDENING_ALLOWED,
  ...PINNED_ORIGIN_ALLOWED,
  {
    id: 'RR8',
    why: "the response of a request whose root loader served clerkState, or whose decision set Clerk's cookies: Cache-Control private, no-store (Clerk sets none)",
    scenarios: '*',
    paths: [/^headers\.cache-control$/],
    check: (ours, clerk) => {
      // Where another allowance makes one side a 307 (R10, U4, U5), that side has Clerk's own no-store. getAuth alone
      // serves no clerkState: only a decision that sets cookies marks its response.
      const servesNothing = ours.mode === 'middleware+getAuth' && header(ours, 'set-cookie', true).length === 0;
      const want = ours.status === 307 ? 'no-store' : servesNothing ? undefined : 'private, no-store';
      assert.equal(header(ours, 'cache-control'), want);
      assert.equal(header(clerk, 'cache-control'), clerk.status === 307 ? 'no-store' : undefined);
    },
  },
  {
    id: 'R10',
    why: 'a development primary does not send the dev browser token to an origin that is neither its own nor allowed: decided as without __clerk_redirect_url',
    scenarios: ['dev-primary-responds-to-syncing-foreign-target'],
    paths: [/.*/],
    check: (ours, clerk) => {
      assert.match(header(clerk, 'location'), /^https:\/\/evil\.example\.test\/steal\?__clerk_db_jwt=/);
      assert.notEqual(ours.status, 307);
      assert.equal(header(ours, 'location'), undefined);
      assert.ok(ours.logs.some((l) => l.level === 'warn' && l.text.startsWith('Clerk: __clerk_redirect_url ignored: https://evil.example.test')), JSON.stringify(ours.logs));
    },
  },
  {
    id: 'RR9',
    why: 'an aud that is neither a string nor an array of strings is refused when an audience is configured (3.x lets it through)',
    scenarios: ['audience-malformed'],
    paths: [/.*/],
    check: (ours, clerk) => {
      assert.equal(userIdOf(clerk), USER_ID, 'Clerk signs it in');
      assert.equal(userIdOf(ours), null);
      if (header(ours, 'x-clerk-auth-reason') !== undefined) assert.equal(header(ours, 'x-clerk-auth-reason'), 'token-verification-failed');
    },
  },
  {
    id: 'U4',
    why: 'an X-Forwarded-Host that is not host[:port] (credentials in it) is not followed: the request URL, as 3.x keeps it for a URL it cannot build',
    scenarios: ['forwarded-host-not-a-host'],
    paths: [/^headers\.location$/],
    check: (ours, clerk) => {
      assert.equal(new URL(header(clerk, 'location')).searchParams.get('redirect_url'), 'http://user@evil.example.test/');
      assert.equal(new URL(header(ours, 'location')).searchParams.get('redirect_url'), `${APP_ORIGIN}/`);
    },
  },
];

describe('react-router differential: ours vs @clerk/react-router@3.6 through the middleware', () => {
  const used = new Set();
  let compared = 0;
  after(closeIssuers);

  for (const s of [...scenarios, ...backend3]) {
    test(s.name, async () => {
      const issuer = await getIssuer(s.instance);
      const unexplained = [];
      for (const mode of RR_MODES) {
        const c = await runReactRouterMode(s, mode, { issuer, impl: clerk });
        const o = await runReactRouterMode(s, mode, { issuer, impl: ours });
        compared += 1;
        const entries = new Set();
        for (const path of differences(c, o)) {
          const allowed = allowedFor(ALLOWED, s.name, path);
          if (allowed.length === 0) unexplained.push({ mode, path, clerk: pick(c, path), ours: pick(o, path) });
          for (const a of allowed) entries.add(a);
        }
        for (const a of entries) {
          used.add(a.id);
          a.check?.(o, c);
        }
        // No call of ours reaches the network for a networkless key, and ours never fetches the JWKS more than Clerk.
        if (s.jwtKey) assert.deepEqual(o.bapi, [], `${s.name} [${mode}]: CLERK_JWT_KEY must not fetch`);
        assert.ok(o.bapi.filter((x) => x === JWKS).length <= Math.max(1, c.bapi.filter((x) => x === JWKS).length));
      }
      assert.deepEqual(unexplained, [], `${s.name}: differences not in the allowlist`);
    });
  }

  test('every scenario was compared in every mode; every allowance was needed and is documented', () => {
    assert.equal(compared, (scenarios.length + backend3.length) * RR_MODES.length);
    assert.ok(scenarios.length >= 30 && backend3.length >= 20);
    for (const a of ALLOWED) {
      assert.ok(used.has(a.id), `allowance ${a.id} matched no difference: remove it (${a.why})`);
      assert.ok(compat.includes(`| ${a.id} |`), `docs/compat.md has no row ${a.id}`);
    }
  });
});

describe('react-router without the middleware: the loaders decide the request themselves', () => {
  after(closeIssuers);
  for (const s of [...scenarios, ...backend3]) {
    test(s.name, async () => {
      const issuer = await getIssuer(s.instance);
      for (const [i, mode] of RR_NO_MIDDLEWARE_MODES.entries()) {
        const withMiddleware = await runReactRouterMode(s, RR_MODES[i], { issuer, impl: ours });
        const alone = await runReactRouterMode(s, mode, { issuer, impl: ours });
        if (withMiddleware.kind === 'response' && withMiddleware.status === 307) {
          // The middleware answers the handshake; a loader alone throws the same 307.
          assert.equal(alone.kind, 'thrown-response', `${s.name} [${mode}]`);
          assert.deepEqual(alone.headers, withMiddleware.headers);
          continue;
        }
        assert.equal(alone.kind, withMiddleware.kind, `${s.name} [${mode}]: ${JSON.stringify(alone.error ?? '')}`);
        if (alone.kind === 'thrown-error') {
          assert.deepEqual(alone.error, withMiddleware.error);
          continue;
        }
        // The same request state: auth object, clerkState, callback view. (Headers: the middleware appends Clerk's to
        // the response; a loader alone can return them only in a Response.)
        assert.deepEqual(alone.auth, withMiddleware.auth, `${s.name} [${mode}] auth`);
        assert.deepEqual(alone.body, withMiddleware.body, `${s.name} [${mode}] body`);
        assert.deepEqual(alone.callback, withMiddleware.callback, `${s.name} [${mode}] callback`);
      }
    });
  }
});
