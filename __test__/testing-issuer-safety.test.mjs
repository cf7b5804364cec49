// The local issuer of `clerk-remix-native/testing` on a shared machine: its Frontend API handshake redirects only to
// allowed origins (`allowedRedirectOrigins`, default loopback + the origin of `authorizedParty`), and the handshake
// nonces the Backend API redeems are single-use and expire after 5 minutes on the issuer's clock. Real loopback
// servers (the issuer itself), plain fetch, and the Remix entry of this package for the one-read-per-request check.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, describe, test } from 'node:test';

import { setEnv } from './helpers/env.mjs';

const require = createRequire(import.meta.url);
const { createLocalIssuer } = require('../dist/testing.js');

const NONCE_LIFETIME_MS = 5 * 60 * 1000;
const REPEAT_MS = 5 * 1000;
const BASE_NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

const issuers = [];
async function issuerWith(options) {
  const issuer = await createLocalIssuer(options);
  issuers.push(issuer);
  return issuer;
}
after(() => Promise.all(issuers.map((i) => i.close())));

/** The browser's step to the issuer's Frontend API handshake (no redirect followed); `format: null`: a token. */
async function handshake(issuer, redirectUrl, { format = 'nonce', session } = {}) {
  const url = new URL('/v1/client/handshake', issuer.frontendApiUrl);
  url.searchParams.set('redirect_url', redirectUrl);
  if (format) url.searchParams.set('format', format);
  if (session) url.searchParams.set('__session', session);
  const response = await fetch(url, { redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, location: response.headers.get('location'), json: text ? JSON.parse(text) : null };
}

/** The server's `GET /v1/clients/handshake_payload?nonce=…` (behind the secret key). */
async function payload(issuer, nonce) {
  const response = await fetch(`${issuer.apiUrl}/v1/clients/handshake_payload?nonce=${encodeURIComponent(nonce)}`, {
    headers: { authorization: `Bearer ${issuer.secretKey}` },
  });
  return { status: response.status, json: await response.json() };
}

/** Clerk's error body, `{ errors: [{ code, message, long_message, meta }], clerk_trace_id }`, with this code. */
function assertClerkError(json, code) {
  assert.deepEqual(Object.keys(json).sort(), ['clerk_trace_id', 'errors']);
  assert.equal(json.errors.length, 1);
  assert.deepEqual(Object.keys(json.errors[0]).sort(), ['code', 'long_message', 'message', 'meta']);
  assert.equal(json.errors[0].code, code);
  assert.equal(typeof json.errors[0].message, 'string');
  assert.equal(typeof json.errors[0].long_message, 'string');
  assert.equal(typeof json.clerk_trace_id, 'string');
}

describe('handshake redirect_url', () => {
  test('by default a foreign origin is refused with a 400 in Clerk\'s shape, and no nonce or token leaves', async () => {
    const issuer = await issuerWith();
    const session = issuer.createSession().token;
    for (const foreign of [
      'https://evil.example/collect',
      'http://evil.example:3000/dashboard',
      'http://localhost.evil.example/',
      'http://127.0.0.1.nip.io:3000/',
      'http://localhost@evil.example/',
      'http://10.0.0.5:3000/',
      'http://0.0.0.0:3000/',
    ]) {
      for (const format of ['nonce', null]) {
        const answer = await handshake(issuer, foreign, { format, session });
        assert.equal(answer.status, 400, `${foreign} (${format ?? 'token'})`);
        assert.equal(answer.location, null, `${foreign}: no redirect`);
        assertClerkError(answer.json, 'form_param_invalid');
        assert.match(answer.json.errors[0].long_message, /allowedRedirectOrigins/);
        assert.ok(!JSON.stringify(answer.json).includes(session), 'the body does not echo the session');
      }
    }
    // The existing refusals keep their answers.
    for (const bad of ['', 'not a url', 'javascript:alert(1)', 'ftp://localhost/']) {
      const answer = await handshake(issuer, bad);
      assert.equal(answer.status, 400, JSON.stringify(bad));
      assertClerkError(answer.json, 'form_param_invalid');
    }
  });

  test('by default loopback origins (any port) and the origin of authorizedParty are allowed', async () => {
    const issuer = await issuerWith({ authorizedParty: 'https://app.example.test' });
    const session = issuer.createSession().token;
    for (const allowed of [
      'http://localhost:3000/dashboard?x=1',
      'http://localhost/',
      'https://localhost:8443/a',
      'http://127.0.0.1:51234/',
      'http://[::1]:8080/p',
      'https://app.example.test/dashboard',
    ]) {
      const answer = await handshake(issuer, allowed, { session });
      assert.equal(answer.status, 307, allowed);
      const location = new URL(answer.location);
      assert.equal(location.origin, new URL(allowed).origin);
      assert.equal(location.pathname, new URL(allowed).pathname);
      assert.ok(location.searchParams.get('__clerk_handshake_nonce'), allowed);
    }
    const token = await handshake(issuer, 'http://localhost:3000/', { format: null, session });
    assert.equal(token.status, 307);
    assert.ok(new URL(token.location).searchParams.get('__clerk_handshake'));
    // authorizedParty's origin only: another https host is still refused.
    assert.equal((await handshake(issuer, 'https://other.example.test/', { session })).status, 400);
  });

  test('allowedRedirectOrigins replaces the default: listed origins and RegExps only', async () => {
    const issuer = await issuerWith({ allowedRedirectOrigins: ['http://localhost:5173/ignored/path', /^https:\/\/[a-z]+\.preview\.example\.test$/] });
    const session = issuer.createSession().token;
    const ok = await handshake(issuer, 'http://localhost:5173/dashboard', { session });
    assert.equal(ok.status, 307);
    assert.match(ok.location, /^http:\/\/localhost:5173\/dashboard\?__clerk_handshake_nonce=/);
    assert.equal((await handshake(issuer, 'https://pr.preview.example.test/x', { session })).status, 307);
    for (const refused of [
      'http://localhost:3000/',
      'http://127.0.0.1:5173/',
      'https://localhost:5173/',
      'https://a.b.preview.example.test/',
      'https://evil.example/?https://pr.preview.example.test',
    ]) {
      const answer = await handshake(issuer, refused, { session });
      assert.equal(answer.status, 400, refused);
      assertClerkError(answer.json, 'form_param_invalid');
    }
    // A global RegExp is tested afresh each time (no lastIndex carried over).
    const global = await issuerWith({ allowedRedirectOrigins: [/^http:\/\/localhost:4000$/g] });
    for (let i = 0; i < 3; i++) assert.equal((await handshake(global, 'http://localhost:4000/')).status, 307);
  });

  test('an entry that is not an http(s) origin fails at createLocalIssuer()', async () => {
    await assert.rejects(createLocalIssuer({ allowedRedirectOrigins: ['localhost:3000'] }), /allowedRedirectOrigins entry "localhost:3000"/);
    await assert.rejects(createLocalIssuer({ allowedRedirectOrigins: ['ftp://files.example.test'] }), TypeError);
    await assert.rejects(createLocalIssuer({ allowedRedirectOrigins: 'http://localhost:3000' }), /must be an array/);
  });
});

describe('handshake nonces', () => {
  test('a nonce from the handshake serves the reads of one request (5 s from the first), then 404 in Clerk\'s shape', async () => {
    const issuer = await issuerWith({ now: BASE_NOW });
    const { token, userId } = issuer.createSession();
    const answer = await handshake(issuer, 'http://localhost:3000/dashboard', { session: token });
    const nonce = new URL(answer.location).searchParams.get('__clerk_handshake_nonce');
    issuer.now = () => BASE_NOW + 1000;
    const first = await payload(issuer, nonce);
    assert.equal(first.status, 200);
    const sessionCookie = first.json.directives.find((d) => d.startsWith('__session='));
    assert.ok(sessionCookie && !sessionCookie.includes('Secure'), 'http app: cookies without Secure');
    assert.equal(JSON.parse(Buffer.from(sessionCookie.split(';')[0].slice('__session='.length).split('.')[1], 'base64url')).sub, userId);
    // Another loader of the same request, a moment later: the same answer.
    issuer.now = () => BASE_NOW + 1000 + REPEAT_MS - 1;
    assert.deepEqual(await payload(issuer, nonce), first);
    // Past the window: used up, for good.
    for (const at of [BASE_NOW + 1000 + REPEAT_MS, BASE_NOW + 1000 + REPEAT_MS + 60_000]) {
      issuer.now = () => at;
      const again = await payload(issuer, nonce);
      assert.equal(again.status, 404);
      assertClerkError(again.json, 'resource_not_found');
      assert.match(again.json.errors[0].long_message, /already used/i);
    }
    const unknown = await payload(issuer, 'hsn_never_issued');
    assert.equal(unknown.status, 404);
    assertClerkError(unknown.json, 'resource_not_found');
  });

  test('registerHandshakeNonce follows the same rules; registering the nonce again makes it new again', async () => {
    const issuer = await issuerWith({ now: BASE_NOW });
    const directives = issuer.setCookieDirectives({ session: issuer.sessionToken() });
    issuer.registerHandshakeNonce('nonce_once', directives);
    assert.deepEqual((await payload(issuer, 'nonce_once')).json, { directives });
    issuer.now = () => BASE_NOW + REPEAT_MS;
    assert.equal((await payload(issuer, 'nonce_once')).status, 404);
    issuer.registerHandshakeNonce('nonce_once', directives);
    assert.equal((await payload(issuer, 'nonce_once')).status, 200);
    issuer.now = () => BASE_NOW + 2 * REPEAT_MS;
    assert.equal((await payload(issuer, 'nonce_once')).status, 404);
  });

  test('a nonce not redeemed within 5 minutes of being issued expires, on the issuer\'s clock', async () => {
    const issuer = await issuerWith({ now: BASE_NOW });
    const directives = issuer.setCookieDirectives({ session: issuer.sessionToken() });
    issuer.registerHandshakeNonce('nonce_in_time', directives);
    issuer.registerHandshakeNonce('nonce_late', directives);
    issuer.now = () => BASE_NOW + NONCE_LIFETIME_MS - 1;
    assert.equal((await payload(issuer, 'nonce_in_time')).status, 200, 'a millisecond before the end it still answers');
    issuer.now = () => BASE_NOW + NONCE_LIFETIME_MS;
    const late = await payload(issuer, 'nonce_late');
    assert.equal(late.status, 404);
    assertClerkError(late.json, 'resource_not_found');
    assert.match(late.json.errors[0].long_message, /expired/i);
    assert.equal((await payload(issuer, 'nonce_late')).status, 404, 'and stays refused');

    // The same for a nonce the handshake hands out.
    issuer.now = () => BASE_NOW;
    const session = issuer.sessionToken({ issuedAt: BASE_NOW / 1000 - 120 });
    const nonce = new URL((await handshake(issuer, 'http://localhost:3000/', { session })).location).searchParams.get('__clerk_handshake_nonce');
    issuer.now = () => BASE_NOW + NONCE_LIFETIME_MS + 1000;
    assert.equal((await payload(issuer, nonce)).status, 404);
  });

  test('the Remix entry: every loader of the request returning from the handshake is signed in; a replay is not', async (t) => {
    const remix = require('../dist/ssr.server.js');
    const issuer = await issuerWith();
    const restoreEnv = setEnv(issuer.env(), { only: 'CLERK_' });
    const headers = { 'sec-fetch-dest': 'document', accept: 'text/html' };
    const payloadReads = () => issuer.requests.filter((r) => r.path === '/v1/clients/handshake_payload');
    /** A browser back from the handshake with a fresh nonce: the URL it lands on. */
    const backFromHandshake = async () => {
      const { token } = issuer.createSession();
      const answer = await handshake(issuer, 'http://localhost:3000/dashboard', { session: token });
      assert.equal(answer.status, 307);
      return answer.location;
    };
    try {
      // What Remix does for one document request: every matched loader in parallel, each with a copy of the request,
      // one context. First with the same options everywhere, then as the example app is written (the root loader
      // with `signInUrl` and `loadUser`, the route's getAuth without): the entry may then decide more than once, and
      // the issuer must answer each of those reads.
      for (const rootOptions of [undefined, { signInUrl: '/sign-in', loadUser: true }]) {
        const back = await backFromHandshake();
        const before = payloadReads().length;
        const context = {};
        const copy = () => new Request(back, { headers });
        const [root, ...auths] = await Promise.all([
          rootOptions ? remix.rootAuthLoader({ request: copy(), params: {}, context }, rootOptions) : remix.rootAuthLoader({ request: copy(), params: {}, context }),
          ...[1, 2].map(() => remix.getAuth({ request: copy(), params: {}, context })),
        ]);
        const body = await root.json();
        const userId = body.clerkState.__internal_clerk_state.__clerk_ssr_state.userId;
        assert.match(userId ?? '', /^user_/, JSON.stringify(rootOptions));
        for (const auth of auths) assert.equal(auth.userId, userId, JSON.stringify(rootOptions));
        assert.ok(root.headers.getSetCookie().some((c) => c.startsWith('__session=')), 'the handshake cookies are set');
        const reads = payloadReads().slice(before);
        assert.ok(reads.length >= 1);
        assert.deepEqual(reads.map((r) => r.status), reads.map(() => 200), `every read of the request answered (${reads.length})`);
        if (!rootOptions) assert.equal(reads.length, 1, 'same options: one decision, one read');
        t.diagnostic(`root options ${JSON.stringify(rootOptions ?? null)}: ${reads.length} read(s) of the nonce`);

        // The same URL again after the window (a replayed link): the issuer refuses the nonce.
        const realNow = issuer.now;
        issuer.now = () => realNow() + REPEAT_MS;
        const logs = [];
        const levels = ['log', 'info', 'warn', 'error', 'debug'];
        const saved = levels.map((level) => console[level]);
        for (const level of levels) console[level] = (...args) => logs.push(args.join(' '));
        let replay;
        try {
          replay = await remix.getAuth({ request: new Request(back, { headers }), params: {}, context: {} }).catch((thrown) => thrown);
        } finally {
          levels.forEach((level, i) => (console[level] = saved[i]));
          issuer.now = realNow;
        }
        assert.equal(payloadReads().at(-1).status, 404);
        assert.ok(logs.some((line) => line.includes('error getting handshake payload')), logs.join('\n'));
        assert.equal(replay?.userId ?? null, null, 'the replay is not signed in');
      }
    } finally {
      restoreEnv();
    }
  });
});
