// Proves the offline test infrastructure: (1) createLocalIssuer's server, tokens and request material, checked
// with node:crypto and with @clerk/backend's own API client, cookie parser, key parser and cookie suffix;
// (2) every named scenario, run through the REAL @clerk/remix@4.13.49 by the oracle, yields the outcome the
// spec documents (status, headers, clerkState, auth object) in all three call styles.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';

import { closeIssuers, getIssuer, header, internalState, MODES, runClerk, testing } from './helpers/oracle.mjs';
import { withEnv } from './helpers/env.mjs';
import { APP_ORIGIN, BASE_NOW, FOREIGN_KEY, scenario, scenarios, SESSION_ID, USER_ID } from './helpers/scenarios.mjs';
import { decodeHeader, decodePayload, verifyJws } from './helpers/tokens.mjs';

const require = createRequire(import.meta.url);
const { createLocalIssuer } = testing;
const { getCookieSuffix, parsePublishableKey } = require('@clerk/shared/keys');
const { createClerkClient } = require('@clerk/backend');
const { createClerkRequest } = require('@clerk/backend/internal');

/** Verifies a compact RS256/384/512 JWS with node:crypto against a JWK; the payload or `null`. */
const verifyWithJwk = (token, jwk) => verifyJws(token, [jwk]);

async function bapi(issuer, method, path, { body, secretKey = issuer.secretKey } = {}) {
  const res = await fetch(issuer.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), json: await res.json() };
}

// ---------------------------------------------------------------------------------------------------------------
describe('createLocalIssuer', () => {
  let prod;
  let dev;
  const extra = [];
  before(async () => {
    prod = await createLocalIssuer({ now: BASE_NOW });
    dev = await createLocalIssuer({ instance: 'development', now: BASE_NOW });
  });
  after(async () => {
    await Promise.all([prod, dev, ...extra].map((i) => i?.close()));
  });

  test('keys and env match the instance type and parse as Clerk parses them', () => {
    assert.match(prod.publishableKey, /^pk_live_/);
    assert.match(prod.secretKey, /^sk_live_[0-9A-Za-z]{40}$/);
    assert.match(dev.publishableKey, /^pk_test_/);
    assert.match(dev.secretKey, /^sk_test_/);
    assert.match(dev.frontendApi, /^[a-z]+-[a-z]+-\d{2}\.clerk\.accounts\.dev$/);
    assert.equal(prod.frontendApi, 'clerk.local-issuer.test');
    assert.equal(prod.issuer, 'https://clerk.local-issuer.test');
    for (const issuer of [prod, dev]) {
      const parsed = parsePublishableKey(issuer.publishableKey, { fatal: true });
      assert.equal(parsed.frontendApi, issuer.frontendApi);
      assert.equal(parsed.instanceType, issuer.instanceType);
      assert.match(issuer.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(issuer.env(), {
        CLERK_SECRET_KEY: issuer.secretKey,
        CLERK_PUBLISHABLE_KEY: issuer.publishableKey,
        CLERK_API_URL: issuer.apiUrl,
      });
      assert.equal(issuer.env({ jwtKey: true }).CLERK_JWT_KEY, issuer.jwtKey);
      assert.match(issuer.jwtKey, /^-----BEGIN PUBLIC KEY-----\n/);
      assert.match(issuer.kid, /^ins_local_/);
    }
  });

  test('cookie suffix is what @clerk/shared getCookieSuffix computes', async () => {
    for (const issuer of [prod, dev]) assert.equal(issuer.cookieSuffix, await getCookieSuffix(issuer.publishableKey));
    // Keys whose digest has '+' or '/' in the first 8 base64 characters exercise the base64url mapping.
    let mapped = 0;
    for (let i = 0; i < 200; i += 1) {
      const pk = testing.publishableKeyFor(`clerk.suffix-${i}.test`, 'production');
      const ours = testing.cookieSuffixOf(pk);
      assert.equal(ours, await getCookieSuffix(pk), pk);
      if (/[-_]/.test(ours)) mapped += 1;
    }
    assert.ok(mapped > 0, 'no suffix contained a mapped character; the comparison proved less than intended');
  });

  test('JWKS answers with the current key; session tokens verify against it with node:crypto', async () => {
    const jwks = await bapi(prod, 'GET', '/v1/jwks');
    assert.equal(jwks.status, 200);
    assert.equal(jwks.contentType, 'application/json');
    assert.deepEqual(jwks.json, prod.jwks());
    assert.equal(jwks.json.keys.length, 1);
    const [jwk] = jwks.json.keys;
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.equal(jwk.kid, prod.kid);
    assert.equal(jwk.e, 'AQAB');
    assert.equal(Buffer.from(jwk.n, 'base64url').length, 256, 'RSA-2048 modulus');

    const token = prod.sessionToken({ userId: 'user_a', sessionId: 'sess_a' });
    assert.deepEqual(decodeHeader(token), { alg: 'RS256', kid: prod.kid, typ: 'JWT' });
    const claims = verifyWithJwk(token, jwk);
    assert.deepEqual(claims, {
      azp: 'http://localhost:3000',
      exp: BASE_NOW / 1000 + 60,
      fva: [0, -1],
      iat: BASE_NOW / 1000,
      iss: 'https://clerk.local-issuer.test',
      nbf: BASE_NOW / 1000 - 10,
      sid: 'sess_a',
      sts: 'active',
      sub: 'user_a',
      v: 2,
    });
    // the PEM is the same key
    const fromPem = createPublicKey(prod.jwtKey).export({ format: 'jwk' });
    assert.equal(fromPem.n, jwk.n);

    const forged = prod.sessionToken({ signWith: FOREIGN_KEY.privateKey });
    assert.equal(decodeHeader(forged).kid, prod.kid, 'a bare KeyObject keeps the issuer kid');
    assert.equal(verifyWithJwk(forged, jwk), null, 'a token signed with another key must not verify');
    assert.equal(decodeHeader(prod.sessionToken({ signWith: FOREIGN_KEY })).kid, FOREIGN_KEY.kid);
    assert.equal(decodeHeader(prod.sessionToken({ kid: 'ins_other' })).kid, 'ins_other');
    const rs384 = prod.sessionToken({ alg: 'RS384', header: { typ: undefined, cat: 'cl_x' } });
    assert.deepEqual(decodeHeader(rs384), { alg: 'RS384', kid: prod.kid, cat: 'cl_x' });
    assert.ok(verifyWithJwk(rs384, jwk));
  });

  test('claim options: v1 and v2 organizations, actor, pending, times, removal', () => {
    const v1 = prod.sessionClaims({ org: { id: 'org_1', slug: 's', role: 'org:admin', permissions: ['org:p:read'] } });
    assert.equal(v1.v, undefined);
    assert.equal(v1.sts, undefined);
    assert.deepEqual([v1.org_id, v1.org_slug, v1.org_role, v1.org_permissions], ['org_1', 's', 'org:admin', ['org:p:read']]);
    const v2 = prod.sessionClaims({ orgV2: { id: 'org_2', slg: 's2', rol: 'admin', per: 'read', fpm: '1', fea: 'o:f' }, plans: 'u:free' });
    assert.equal(v2.v, 2);
    assert.deepEqual(v2.o, { id: 'org_2', rol: 'admin', slg: 's2', per: 'read', fpm: '1' });
    assert.equal(v2.fea, 'o:f');
    assert.equal(v2.pla, 'u:free');
    assert.equal(v2.org_id, undefined);
    const other = prod.sessionClaims({
      actor: { sub: 'user_admin' },
      status: 'pending',
      issuedAt: new Date(BASE_NOW - 30_000),
      expiresInSeconds: 10,
      notBefore: null,
      azp: null,
      fva: [5, 7],
      extraClaims: { sub: undefined, custom: 1 },
    });
    assert.deepEqual(other, {
      act: { sub: 'user_admin' },
      exp: BASE_NOW / 1000 - 20,
      fva: [5, 7],
      iat: BASE_NOW / 1000 - 30,
      iss: prod.issuer,
      sid: prod.sessionId,
      sts: 'pending',
      v: 2,
      custom: 1,
    });
  });

  test('now is injectable and movable', () => {
    const saved = prod.now;
    try {
      prod.now = () => BASE_NOW + 3_600_000;
      assert.equal(prod.sessionClaims().iat, BASE_NOW / 1000 + 3600);
    } finally {
      prod.now = saved;
    }
    assert.equal(prod.sessionClaims().iat, BASE_NOW / 1000);
  });

  test('cookie header and authorization header parse as Clerk parses them', () => {
    const token = prod.sessionToken();
    const sfx = prod.cookieSuffix;
    const header1 = prod.cookieHeader({ session: token, suffixed: 'both', devBrowser: true, refresh: 'rt_1', extra: { a: 'b' } });
    const cookies = createClerkRequest(new Request(APP_ORIGIN, { headers: { cookie: header1 } })).cookies;
    assert.equal(cookies.get(`__session_${sfx}`), token);
    assert.equal(cookies.get('__session'), token);
    assert.equal(cookies.get(`__client_uat_${sfx}`), String(BASE_NOW / 1000));
    assert.equal(cookies.get('__client_uat'), String(BASE_NOW / 1000));
    assert.equal(cookies.get(`__clerk_db_jwt_${sfx}`), prod.devBrowserToken);
    assert.equal(cookies.get(`__refresh_${sfx}`), 'rt_1');
    assert.equal(cookies.get('a'), 'b');
    assert.equal(prod.cookieHeader({ session: token, clientUat: null }), `__session=${token}`);
    assert.equal(prod.cookieHeader({ clientUat: 0 }), '__client_uat=0');
    assert.equal(prod.cookieHeader({ clientUat: 5, suffixed: true, extra: 'x=1; y=2' }), `__client_uat_${sfx}=5; x=1; y=2`);
    assert.equal(prod.cookieHeader(), '');
    assert.equal(prod.authorizationHeader(token), `Bearer ${token}`);
  });

  test('wrong or missing secret key: 401 clerk_key_invalid; requests are recorded and counted', async () => {
    prod.resetRequests();
    const wrong = await bapi(prod, 'GET', '/v1/jwks', { secretKey: 'sk_live_wrong' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.errors[0].code, 'clerk_key_invalid');
    assert.equal(typeof wrong.json.errors[0].message, 'string');
    const none = await fetch(`${prod.apiUrl}/v1/users/user_x`);
    assert.equal(none.status, 401);
    await bapi(prod, 'GET', '/v1/jwks');
    const missing = await bapi(prod, 'GET', '/v1/nothing-here');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.errors[0].code, 'resource_not_found');
    assert.equal(prod.count('/v1/jwks'), 2);
    assert.equal(prod.count('/v1/jwks', 'get'), 2);
    assert.equal(prod.count(), 4);
    assert.deepEqual(prod.counts(), { 'GET /v1/jwks': 2, 'GET /v1/users/user_x': 1, 'GET /v1/nothing-here': 1 });
    assert.deepEqual(prod.requests.map((r) => r.status), [401, 401, 200, 404]);
    assert.equal(prod.requests[2].headers.authorization, `Bearer ${prod.secretKey}`);
  });

  test("@clerk/backend's own API client accepts every answer (handshake payload, refresh, tokens, resources)", async () => {
    const client = createClerkClient({ secretKey: dev.secretKey, apiUrl: dev.apiUrl });
    const directives = dev.setCookieDirectives({ session: dev.sessionToken() });
    dev.registerHandshakeNonce('nonce_1', directives);
    const payload = await client.clients.getHandshakePayload({ nonce: 'nonce_1' });
    assert.deepEqual(payload.directives, directives);
    await assert.rejects(client.clients.getHandshakePayload({ nonce: 'nonce_unknown' }), (err) => {
      assert.equal(err.status, 404);
      assert.equal(err.errors[0].code, 'resource_not_found');
      return true;
    });

    // refresh: the expired token's claims come back re-dated, as Set-Cookie directives of a `cookies` object
    const expired = dev.sessionToken({ userId: 'user_r', sessionId: 'sess_r', issuedAt: BASE_NOW / 1000 - 600 });
    const refreshToken = dev.createRefreshToken({ sessionId: 'sess_r' });
    const params = { format: 'cookie', expired_token: expired, refresh_token: refreshToken, request_origin: APP_ORIGIN };
    const cookies = await client.sessions.refreshSession('sess_r', { ...params, suffixed_cookies: true });
    assert.ok(Array.isArray(cookies.cookies));
    const sessionCookie = cookies.cookies.find((c) => c.startsWith(`__session_${dev.cookieSuffix}=`));
    assert.ok(sessionCookie, JSON.stringify(cookies.cookies));
    assert.ok(cookies.cookies.some((c) => c.startsWith('__session=')));
    assert.ok(cookies.cookies.some((c) => c.startsWith(`__client_uat_${dev.cookieSuffix}=${BASE_NOW / 1000};`)));
    const fresh = verifyWithJwk(sessionCookie.split(';')[0].split('=')[1], dev.jwks().keys[0]);
    assert.equal(fresh.sub, 'user_r');
    assert.equal(fresh.sid, 'sess_r');
    assert.equal(fresh.exp, BASE_NOW / 1000 + 60);
    const plain = await client.sessions.refreshSession('sess_r', params);
    assert.ok(plain.cookies.every((c) => !c.includes(dev.cookieSuffix)), 'no suffixed cookies unless asked');
    assert.equal(dev.requests.at(-1).body.refresh_token, refreshToken);
    await assert.rejects(client.sessions.refreshSession('sess_r', { ...params, refresh_token: 'rt_unknown' }), (err) => {
      assert.equal(err.errors[0].code, 'refresh_token_invalid');
      return true;
    });
    await assert.rejects(client.sessions.refreshSession('sess_other', params), (err) => {
      assert.equal(err.errors[0].code, 'refresh_token_invalid', 'a refresh token bound to sess_r is refused for another session');
      return true;
    });
    const forgedExpired = dev.sessionToken({ userId: 'user_r', sessionId: 'sess_r', signWith: FOREIGN_KEY.privateKey });
    await assert.rejects(client.sessions.refreshSession('sess_r', { ...params, expired_token: forgedExpired }), (err) => {
      assert.equal(err.errors[0].code, 'expired_token_invalid');
      return true;
    });

    // tokens
    const token = await client.sessions.getToken('sess_r');
    assert.equal(verifyWithJwk(token.jwt, dev.jwks().keys[0]).sub, 'user_r');
    const templated = await client.sessions.getToken('sess_r', 'supabase', 120);
    const templatedClaims = verifyWithJwk(templated.jwt, dev.jwks().keys[0]);
    assert.equal(templatedClaims.tpl, 'supabase');
    assert.equal(templatedClaims.exp - templatedClaims.iat, 120);
    assert.deepEqual(dev.requests.at(-1).body, { expires_in_seconds: 120 });
    assert.equal(dev.requests.at(-1).path, '/v1/sessions/sess_r/tokens/supabase');

    // resources deserialize into Clerk's classes
    dev.defineUser({ id: 'user_r', first_name: 'Ada', private_metadata: { secret: 1 } });
    const user = await client.users.getUser('user_r');
    assert.match(user.constructor.name, /^_?User$/, 'deserialized into Clerk\'s User class');
    assert.equal(user.id, 'user_r');
    assert.equal(user.firstName, 'Ada');
    assert.deepEqual(user.privateMetadata, { secret: 1 });
    const session = await client.sessions.getSession('sess_r');
    assert.match(session.constructor.name, /^_?Session$/);
    assert.equal(session.userId, 'user_r', 'the session endpoint knows the user of a minted token');
    const org = await client.organizations.getOrganization({ organizationId: 'org_r' });
    assert.match(org.constructor.name, /^_?Organization$/);
    assert.equal(org.id, 'org_r');
    for (const p of ['/v1/clients/handshake_payload', '/v1/sessions/sess_r/refresh', '/v1/users/user_r']) {
      assert.ok(dev.count(p) >= 1, p);
    }
    assert.equal(dev.requests.find((r) => r.path === '/v1/users/user_r').headers['user-agent'], '@clerk/backend@2.33.8');
  });

  test('strictResources answers 404 for unknown ids; override() replaces an endpoint until removed', async () => {
    const strict = await createLocalIssuer({ strictResources: true });
    extra.push(strict);
    assert.equal((await bapi(strict, 'GET', '/v1/users/user_nobody')).status, 404);
    strict.defineUser({ id: 'user_known' });
    assert.equal((await bapi(strict, 'GET', '/v1/users/user_known')).json.object, 'user');
    const remove = strict.override('GET', '/v1/jwks', () => ({ status: 503, body: { errors: [{ code: 'down' }] } }));
    assert.equal((await bapi(strict, 'GET', '/v1/jwks')).status, 503);
    remove();
    assert.equal((await bapi(strict, 'GET', '/v1/jwks')).status, 200);
  });

  test('rotateKey keeps or drops the old key; removeKey; handshake tokens', async () => {
    const issuer = await createLocalIssuer({ kid: 'ins_local_first' });
    extra.push(issuer);
    const oldToken = issuer.sessionToken();
    const first = issuer.currentKey;
    const second = issuer.rotateKey();
    assert.notEqual(second.kid, first.kid);
    assert.equal(issuer.kid, second.kid);
    assert.deepEqual((await bapi(issuer, 'GET', '/v1/jwks')).json.keys.map((k) => k.kid), [second.kid, 'ins_local_first']);
    assert.ok(verifyWithJwk(oldToken, first.jwk));
    assert.equal(decodeHeader(issuer.sessionToken()).kid, second.kid);
    assert.throws(() => issuer.removeKey(second.kid), /cannot be removed/);
    issuer.removeKey('ins_local_first');
    assert.deepEqual(issuer.jwks().keys.map((k) => k.kid), [second.kid]);
    const third = issuer.rotateKey({ keepPrevious: false, kid: 'ins_local_third' });
    assert.equal(third.kid, 'ins_local_third');
    assert.deepEqual((await bapi(issuer, 'GET', '/v1/jwks')).json.keys.map((k) => k.kid), ['ins_local_third']);

    const hs = issuer.handshakeToken(['__session=x; Path=/']);
    const nowS = Math.floor(Date.now() / 1000);
    const payload = verifyWithJwk(hs, third.jwk);
    assert.deepEqual(Object.keys(payload), ['handshake', 'iat']);
    assert.deepEqual(payload.handshake, ['__session=x; Path=/']);
    assert.ok(Math.abs(payload.iat - nowS) <= 1, 'issued now');
    assert.deepEqual(verifyWithJwk(issuer.handshakeToken([], { issuedAt: null }), third.jwk), { handshake: [] });
    assert.deepEqual(verifyWithJwk(issuer.handshakeToken([], { issuedAt: 1000, expiresInSeconds: 60 }), third.jwk), { handshake: [], iat: 1000, exp: 1060 });
    assert.equal(decodeHeader(hs).kid, 'ins_local_third');
  });

  test('close() stops the server and is idempotent', async () => {
    const issuer = await createLocalIssuer();
    assert.equal((await bapi(issuer, 'GET', '/v1/jwks')).status, 200);
    await Promise.all([issuer.close(), issuer.close()]);
    await issuer.close();
    await assert.rejects(fetch(`${issuer.apiUrl}/v1/jwks`), TypeError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('oracle: real @clerk/remix@4.13.49 on every scenario', () => {
  after(closeIssuers);

  test('the scenario list covers the required cases with unique names and deterministic builds', async () => {
    assert.ok(scenarios.length >= 30, `only ${scenarios.length} scenarios`);
    assert.equal(new Set(scenarios.map((s) => s.name)).size, scenarios.length);
    const issuer = await getIssuer('production');
    for (const s of scenarios.filter((x) => x.instance === 'production')) {
      const a = s.build(issuer);
      const b = s.build(issuer);
      assert.ok(a.request instanceof Request, s.name);
      assert.equal(a.request.url, b.request.url, s.name);
      assert.equal(a.request.headers.get('cookie'), b.request.headers.get('cookie'), `${s.name}: cookies differ between builds`);
      assert.equal(a.request.headers.get('authorization'), b.request.headers.get('authorization'), s.name);
    }
  });

  test('the oracle restores env, Date.now and console after a call, and results are plain JSON', async () => {
    const realNow = Date.now;
    const realError = console.error;
    await withEnv({ CLERK_SIGN_IN_URL: 'kept-by-oracle' }, async () => {
      const run = await runClerk(scenario('handshake-nonce-unknown'));
      assert.equal(process.env.CLERK_SIGN_IN_URL, 'kept-by-oracle');
      assert.equal(process.env.CLERK_SECRET_KEY, undefined);
      assert.equal(Date.now, realNow);
      assert.equal(console.error, realError);
      assert.deepEqual(JSON.parse(JSON.stringify(run)), run);
      // the call saw the scenario's env, not ours: no sign-in URL leaked into clerkState
      assert.equal(internalState(run.results.rootAuthLoader).__signInUrl, '');
    }, { only: 'CLERK_' });
  });

  for (const s of scenarios) {
    test(`${s.name} → ${s.expect.state}${s.expect.reason ? ` (${s.expect.reason})` : ''}`, async () => {
      const issuer = await getIssuer(s.instance);
      const run = await runClerk(s, { issuer });
      assert.deepEqual(Object.keys(run.results), [...MODES]);
      for (const mode of MODES) checkExpectation(s, issuer, run.results[mode]);
    });
  }
});

/** Asserts one mode's normalized result against the scenario's documented outcome. */
function checkExpectation(s, issuer, r) {
  const e = s.expect;
  const where = `${s.name} [${r.mode}]: ${JSON.stringify({ kind: r.kind, status: r.status, error: r.error, reason: header(r, 'x-clerk-auth-reason') })}`;
  const setCookies = header(r, 'set-cookie', true);
  const nonJwks = r.bapi.filter((c) => c !== 'GET /v1/jwks');

  if (e.logIncludes) assert.ok(r.logs.some((l) => l.text.includes(e.logIncludes)), `${where}: logs ${JSON.stringify(r.logs)}`);
  if (e.bapiIncludes) assert.ok(r.bapi.includes(e.bapiIncludes), `${where}: bapi ${JSON.stringify(r.bapi)}`);
  if (e.bapi && !(e.loadsResources && r.mode === 'rootAuthLoaderCallback')) assert.deepEqual(nonJwks, e.bapi, where);
  if (s.jwtKey) assert.deepEqual(r.bapi, [], `${where}: CLERK_JWT_KEY must not fetch the JWKS`);
  // getAuth returns only the auth object: the Set-Cookies of a refresh or a resolved handshake are lost there.
  const carriesHeaders = r.mode !== 'getAuth';
  if (carriesHeaders) {
    for (const prefix of e.setCookies ?? []) assert.ok(setCookies.some((c) => c.startsWith(prefix)), `${where}: set-cookie ${prefix} in ${setCookies}`);
  }
  if (e.corsHeaders && carriesHeaders) {
    assert.equal(header(r, 'access-control-allow-origin'), 'null', where);
    assert.equal(header(r, 'access-control-allow-credentials'), 'true', where);
  }

  switch (e.state) {
    case 'signed-in':
    case 'signed-out': {
      const signedOut = e.state === 'signed-out';
      const userId = signedOut ? null : e.userId;
      if (r.mode === 'getAuth') {
        assert.equal(r.kind, 'auth', where);
        assert.equal(r.auth.userId ?? null, userId, where);
        assert.equal(r.auth.isAuthenticated, !signedOut && userId !== null, where);
        assert.equal(r.auth.tokenType, 'session_token', where);
        // getAuth adds user/organization: undefined after the auth keys (A4)
        assert.deepEqual(r.authKeys.slice(-2), ['user', 'organization'], where);
        assert.equal(r.authTypes.user, 'undefined', where);
        assert.equal(r.authTypes.getToken, 'function', where);
        if (userId) {
          assert.equal(typeof r.token, 'string', `${where}: getToken() resolves the raw session token`);
          assert.equal(decodePayload(r.token).sub, userId, where);
          if (e.sessionId) assert.equal(r.auth.sessionId, e.sessionId, where);
        } else assert.equal(r.token, null, where);
        if (e.sessionStatus) assert.equal(r.auth.sessionStatus, e.sessionStatus, where);
        for (const [k, v] of Object.entries(e.org ?? {})) assert.deepEqual(r.auth[k], v, `${where}: ${k}`);
        return;
      }
      assert.equal(r.kind, 'response', where);
      assert.equal(r.status, 200, where);
      assert.equal(header(r, 'content-type'), 'application/json', where);
      const state = internalState(r);
      assert.ok(state, `${where}: no clerkState`);
      assert.equal(state.__publishableKey, issuer.publishableKey, where);
      const ssr = state.__clerk_ssr_state;
      assert.equal(ssr.userId ?? null, userId, where);
      assert.equal(state.__clerk_debug.reason ?? null, signedOut ? e.reason : null, where);
      if (signedOut) {
        assert.equal(header(r, 'x-clerk-auth-status'), 'signed-out', where);
        assert.equal(header(r, 'x-clerk-auth-reason'), e.reason, where);
        assert.equal(header(r, 'location'), undefined, where);
        if (e.messageIncludes) assert.ok((header(r, 'x-clerk-auth-message') ?? '').includes(e.messageIncludes), where);
      } else {
        assert.equal(header(r, 'x-clerk-auth-status'), undefined, `${where}: signed-in responses carry no x-clerk-auth-*`);
        if (e.sessionId) assert.equal(ssr.sessionId, e.sessionId, where);
        if (e.sessionStatus) assert.equal(ssr.sessionStatus, e.sessionStatus, where);
        for (const [k, v] of Object.entries(e.org ?? {})) assert.deepEqual(ssr[k], v, `${where}: ${k}`);
        if (!e.org && userId) assert.equal('orgId' in ssr, false, `${where}: orgId is undefined (absent in JSON) without an org`);
        if (e.proxyUrl) assert.equal(state.__proxyUrl, e.proxyUrl, where);
      }
      if (r.mode === 'rootAuthLoaderCallback') {
        assert.equal(r.body.fromCallback, true, where);
        assert.deepEqual(r.callback.argKeys, ['request', 'params', 'context'], where);
        assert.equal(r.callback.requestAuthUserId, userId, where);
        if (e.loadsResources) {
          assert.deepEqual(r.callback.user, { id: USER_ID, privateMetadata: 'absent' }, where);
          assert.equal(r.callback.session.id, SESSION_ID, where);
          assert.equal(r.callback.organization.id, 'org_2oracleLoad', where);
          for (const path of [`GET /v1/users/${USER_ID}`, `GET /v1/sessions/${SESSION_ID}`, 'GET /v1/organizations/org_2oracleLoad']) {
            assert.ok(r.bapi.includes(path), `${where}: ${path} in ${r.bapi}`);
          }
        } else {
          assert.equal(r.callback.user, undefined, where);
        }
      } else {
        assert.equal(r.body.fromCallback, undefined, where);
        assert.deepEqual(Object.keys(r.body), ['clerkState'], where);
      }
      return;
    }
    case 'handshake': {
      assert.equal(r.kind, 'thrown-response', where);
      assert.equal(r.status, 307, where);
      assert.equal(r.body, null, where);
      const fapi = e.fapi ?? `https://${issuer.frontendApi}`;
      const location = header(r, 'location');
      assert.ok(location?.startsWith(`${fapi}/v1/client/handshake?redirect_url=`), `${where}: location ${location}`);
      const params = new URL(location).searchParams;
      // A7.6: parameters in this order; __session whenever the request carried a token, __clerk_db_jwt in development
      const base = ['redirect_url', '__clerk_api_version', 'suffixed_cookies', '__clerk_hs_reason', 'format'];
      const optional = [...(params.has('__session') ? ['__session'] : []), ...(e.devBrowserParam ? ['__clerk_db_jwt'] : [])];
      assert.deepEqual([...params.keys()], [...base, ...optional], where);
      if (e.sessionParam) assert.ok(params.has('__session'), `${where}: __session parameter expected`);
      assert.equal(params.get('__clerk_hs_reason'), e.reason, where);
      assert.equal(params.get('__clerk_api_version'), '2025-11-10', where);
      assert.equal(params.get('format'), 'nonce', where);
      assert.equal(params.get('suffixed_cookies'), String(Boolean(e.suffixedCookies)), where);
      if (e.redirectUrl) assert.equal(params.get('redirect_url'), e.redirectUrl, where);
      if (e.sessionParam) assert.equal(decodePayload(params.get('__session')).sub, USER_ID, where);
      if (e.devBrowserParam) assert.equal(params.get('__clerk_db_jwt'), e.devBrowserParam, where);
      else assert.equal(params.get('__clerk_db_jwt'), null, where);
      assert.equal(header(r, 'x-clerk-auth-status'), 'handshake', where);
      assert.equal(header(r, 'x-clerk-auth-reason'), e.reason, where);
      if (e.messageIncludes) assert.ok((header(r, 'x-clerk-auth-message') ?? '').includes(e.messageIncludes), where);
      assert.equal(header(r, 'cache-control'), 'no-store', where);
      const count = e.redirectCount ?? 1;
      assert.ok(setCookies.includes(`__clerk_redirect_count=${count}; SameSite=Lax; HttpOnly; Max-Age=2`), `${where}: ${setCookies}`);
      if (r.mode === 'rootAuthLoaderCallback') assert.equal(r.callback, undefined, `${where}: the callback must not run`);
      return;
    }
    case 'redirect': {
      // A handshake state whose Location is not the FAPI handshake endpoint (multi-domain sync).
      assert.equal(r.kind, 'thrown-response', where);
      assert.equal(r.status, 307, where);
      assert.equal(r.body, null, where);
      assert.equal(header(r, 'location'), e.location, where);
      assert.equal(header(r, 'x-clerk-auth-status'), 'handshake', where);
      assert.equal(header(r, 'x-clerk-auth-reason'), e.reason, where);
      assert.equal(header(r, 'cache-control'), 'no-store', where);
      assert.ok(setCookies.includes('__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2'), `${where}: ${setCookies}`);
      if (r.mode === 'rootAuthLoaderCallback') assert.equal(r.callback, undefined, `${where}: the callback must not run`);
      return;
    }
    case 'handshake-resolved': {
      assert.equal(r.kind, 'thrown-response', where);
      assert.equal(r.status, 307, where);
      assert.equal(header(r, 'location'), e.location, where);
      assert.equal(header(r, 'cache-control'), 'no-store', where);
      assert.equal(header(r, 'x-clerk-auth-status'), undefined, where);
      return;
    }
    case 'error': {
      assert.equal(r.kind, 'thrown-error', where);
      if (e.errorName) assert.equal(r.error.name, e.errorName, where);
      if (e.errorMessage) assert.ok(r.error.message.includes(e.errorMessage), `${where}: ${r.error.message}`);
      return;
    }
    default:
      assert.fail(`${s.name}: unknown expected state ${e.state}`);
  }
}
