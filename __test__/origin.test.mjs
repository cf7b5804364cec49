// Whose origin a request is on, and what may be cached, over real HTTP: a loopback server runs both entries
// (the Remix `rootAuthLoader`; React Router's `clerkMiddleware` with `rootAuthLoader` or `getAuth`) against local
// issuers, and each test sends real requests with forged proxy headers. docs/compat.md U4, U5, R9, R10, RR8.
//   - a forged X-Forwarded-Host moves the handshake (with the session token) and clerkState.__proxyUrl, as in Clerk,
//     unless the app pins its origin (appOrigin / CLERK_APP_ORIGIN);
//   - a forwarded host that is not host[:port] is not followed;
//   - responses carrying clerkState or Clerk's cookies are never kept by shared caches;
//   - a development primary sends the dev browser token only to its own and its allowed origins.
import assert from 'node:assert/strict';
import { request as httpRequest, createServer } from 'node:http';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';

import { setEnv } from './helpers/env.mjs';
import { importFromWorld, importOurs } from './helpers/reactRouterWorld.mjs';

const require = createRequire(import.meta.url);
const { createLocalIssuer } = require('../dist/testing.js');
const remix = require('../dist/ssr.server.js');
const rr = await importOurs();
const { RouterContextProvider } = await importFromWorld('react-router');

const PINNED = 'https://app.example.test';
const FORGED = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
const DOCUMENT = { 'sec-fetch-dest': 'document', accept: 'text/html' };
const DATA = { 'sec-fetch-dest': 'empty', accept: '*/*' };
const OWN_CACHE = 'public, max-age=60, s-maxage=600';

let prod;
let dev;
let server;
let origin;
let restoreEnv;

/** A Fetch `Response` as the app server's answer. */
async function send(res, response) {
  const headers = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * The app: `/remix/root` (rootAuthLoader, `?own=1`: a callback Response with its own Cache-Control), `/rr/root`
 * (middleware + rootAuthLoader; `?own=1`: the route sets its own Cache-Control) and `/rr/api` (middleware + getAuth
 * only). The loaders' options come as JSON in the test's `x-test-options` header.
 */
async function app(req, res) {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  const request = new Request(url, { method: req.method, headers });
  const options = JSON.parse(req.headers['x-test-options'] ?? '{}');
  const own = url.searchParams.has('own');
  try {
    if (url.pathname === '/remix/root') {
      const args = { request, context: {}, params: {} };
      const callback = own
        ? () => new Response(JSON.stringify({ own: true }), { headers: { 'content-type': 'application/json', 'cache-control': OWN_CACHE } })
        : undefined;
      return await send(res, callback ? await remix.rootAuthLoader(args, callback, options) : await remix.rootAuthLoader(args, options));
    }
    const args = { request, context: new RouterContextProvider(), params: {} };
    const init = own ? { headers: { 'cache-control': OWN_CACHE } } : undefined;
    const next =
      url.pathname === '/rr/root'
        ? async () => Response.json(await rr.rootAuthLoader(args), init)
        : async () => Response.json({ userId: (await rr.getAuth(args)).userId }, init);
    return await send(res, await rr.clerkMiddleware(options)(args, next));
  } catch (thrown) {
    if (thrown instanceof Response) return send(res, thrown);
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`${thrown?.name}: ${thrown?.message}`);
  }
}

/** A real request to the app: `{ status, headers, body, json }`. */
function get(path, { headers = {}, options } = {}) {
  return new Promise((resolve, reject) => {
    const all = { ...headers, ...(options ? { 'x-test-options': JSON.stringify(options) } : {}) };
    const req = httpRequest(`${origin}${path}`, { headers: all }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const proxyUrlOf = (r) => r.json?.clerkState?.__internal_clerk_state?.__proxyUrl;

before(async () => {
  prod = await createLocalIssuer();
  dev = await createLocalIssuer({ instance: 'development' });
  server = createServer((req, res) => void app(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  restoreEnv?.();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all([prod.close(), dev.close()]);
});

/** Runs the test body with `vars` as the only `CLERK_*` variables. */
function withClerkEnv(vars) {
  restoreEnv?.();
  restoreEnv = setEnv(vars, { only: 'CLERK_' });
}

describe('a relative proxy URL and a forged X-Forwarded-Host (U5)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const expired = () => prod.sessionToken({ issuedAt: now() - 120, expiresInSeconds: 60 });

  for (const entry of ['remix', 'rr']) {
    test(`${entry}: without a pin the handshake and its session token go to the forged host, as with Clerk; pinned they stay on the app`, async () => {
      withClerkEnv({ ...prod.env(), CLERK_PROXY_URL: '/__clerk' });
      const token = expired();
      const cookie = prod.cookieHeader({ session: token, clientUat: now() - 200 });
      const handshake = (options) => get(`/${entry}/root?page=1`, { headers: { ...DOCUMENT, ...FORGED, cookie }, options });

      // Clerk's behaviour (and ours without a pin): the forged host receives the browser and its session token.
      const open = await handshake();
      assert.equal(open.status, 307);
      const to = new URL(open.headers.location);
      assert.equal(to.origin, 'https://evil.example');
      assert.equal(to.pathname, '/__clerk/v1/client/handshake');
      assert.equal(to.searchParams.get('__session'), token);
      assert.equal(new URL(to.searchParams.get('redirect_url')).origin, 'https://evil.example');

      // Pinned by the option: the proxy and the return URL stay on the app's origin.
      for (const pinned of [await handshake({ appOrigin: PINNED }), (withClerkEnv({ ...prod.env(), CLERK_PROXY_URL: '/__clerk', CLERK_APP_ORIGIN: PINNED }), await handshake())]) {
        assert.equal(pinned.status, 307);
        const there = new URL(pinned.headers.location);
        assert.equal(there.origin, PINNED);
        assert.equal(there.pathname, '/__clerk/v1/client/handshake');
        assert.equal(there.searchParams.get('redirect_url'), `${PINNED}/${entry}/root?page=1`);
        assert.equal(pinned.headers['cache-control'], 'no-store');
      }
    });

    test(`${entry}: clerkState.__proxyUrl follows the forged host unless the origin is pinned`, async () => {
      withClerkEnv({ ...prod.env(), CLERK_PROXY_URL: '/__clerk' });
      const cookie = prod.cookieHeader({ session: prod.sessionToken() });
      const open = await get(`/${entry}/root`, { headers: { ...DOCUMENT, ...FORGED, cookie } });
      assert.equal(open.status, 200, open.body);
      assert.equal(proxyUrlOf(open), 'https://evil.example/__clerk');
      const pinned = await get(`/${entry}/root`, { headers: { ...DOCUMENT, ...FORGED, cookie }, options: { appOrigin: PINNED } });
      assert.equal(pinned.status, 200, pinned.body);
      assert.equal(proxyUrlOf(pinned), `${PINNED}/__clerk`);
      // Without forwarding headers the pin still names the app (the server's own host is never used).
      const direct = await get(`/${entry}/root`, { headers: { ...DOCUMENT, cookie }, options: { appOrigin: PINNED } });
      assert.equal(proxyUrlOf(direct), `${PINNED}/__clerk`);
    });

    test(`${entry}: an appOrigin that is not an origin is a configuration error, not a silent fallback`, async () => {
      withClerkEnv({ ...prod.env(), CLERK_APP_ORIGIN: 'app.example.test/path' });
      const r = await get(`/${entry}/root`, { headers: DATA });
      assert.equal(r.status, 500);
      assert.match(r.body, /^Error: Clerk: appOrigin \/ CLERK_APP_ORIGIN must be an origin/);
      assert.ok(!r.body.includes('app.example.test/path'));
    });
  }
});

describe('a forwarded host that is not host[:port] (U4)', () => {
  test('Remix: the TypeError Clerk throws for a URL it cannot build; React Router: the request URL, as 3.x keeps it', async () => {
    withClerkEnv(prod.env());
    const cookie = prod.cookieHeader({ clientUat: Math.floor(Date.now() / 1000) });
    for (const forged of [{ 'x-forwarded-host': 'user@evil.example' }, { 'x-forwarded-host': 'evil.example/x' }, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'javascript' }]) {
      const headers = { ...DOCUMENT, ...forged, cookie };
      const remixAnswer = await get('/remix/root', { headers });
      assert.equal(remixAnswer.status, 500, JSON.stringify(forged));
      assert.match(remixAnswer.body, /^TypeError: Invalid URL/);
      const rrAnswer = await get('/rr/root', { headers });
      assert.equal(rrAnswer.status, 307, JSON.stringify(forged));
      const back = new URL(new URL(rrAnswer.headers.location).searchParams.get('redirect_url'));
      assert.equal(back.origin, origin, JSON.stringify(forged));
    }
    // A real proxy's value is followed (control).
    const followed = await get('/rr/root', { headers: { ...DOCUMENT, 'x-forwarded-host': 'app.example.test:8443', 'x-forwarded-proto': 'https', cookie } });
    assert.equal(new URL(new URL(followed.headers.location).searchParams.get('redirect_url')).origin, 'https://app.example.test:8443');
  });
});

describe('Cache-Control of responses carrying clerkState or Clerk cookies (R9, RR8)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const signedIn = () => prod.cookieHeader({ session: prod.sessionToken() });
  const refreshing = () => {
    const token = prod.sessionToken({ issuedAt: now() - 120, expiresInSeconds: 60 });
    return prod.cookieHeader({ session: token, clientUat: now() - 200, refresh: prod.createRefreshToken() });
  };
  const resolvedHandshake = () => `?__clerk_handshake=${prod.handshakeToken(prod.setCookieDirectives({ session: prod.sessionToken() }))}`;

  test('Remix rootAuthLoader: private, no-store on every response; an own policy made private; Clerk\'s no-store on handshakes', async () => {
    withClerkEnv(prod.env());
    const cases = [
      ['signed in', '/remix/root', { ...DOCUMENT, cookie: signedIn() }, 200, 'private, no-store'],
      ['signed out', '/remix/root', DATA, 200, 'private, no-store'],
      ['callback Response with its own policy', '/remix/root?own=1', { ...DATA, cookie: signedIn() }, 200, 'private, max-age=60'],
      ['refreshed session (Set-Cookie), own policy', '/remix/root?own=1', { ...DATA, cookie: refreshing() }, 200, 'private, no-store'],
      ['resolved handshake (Set-Cookie)', `/remix/root${resolvedHandshake()}`, DOCUMENT, 200, 'private, no-store'],
      ['handshake redirect', '/remix/root', { ...DOCUMENT, cookie: `__client_uat=${now()}` }, 307, 'no-store'],
    ];
    for (const [label, path, headers, status, cacheControl] of cases) {
      const r = await get(path, { headers });
      assert.equal(r.status, status, `${label}: ${r.body}`);
      assert.equal(r.headers['cache-control'], cacheControl, label);
      if (label.includes('Set-Cookie')) assert.ok(r.headers['set-cookie']?.some((c) => c.startsWith('__session=')), label);
    }
  });

  test('React Router middleware: private, no-store where rootAuthLoader ran or Clerk set cookies; nothing added elsewhere', async () => {
    withClerkEnv(prod.env());
    const cases = [
      ['root, signed in', '/rr/root', { ...DOCUMENT, cookie: signedIn() }, 200, 'private, no-store'],
      ['root, signed out', '/rr/root', DATA, 200, 'private, no-store'],
      ['root, the route\'s own policy', '/rr/root?own=1', { ...DATA, cookie: signedIn() }, 200, 'private, max-age=60'],
      ['root, resolved handshake (Set-Cookie)', `/rr/root${resolvedHandshake()}`, DOCUMENT, 200, 'private, no-store'],
      ['getAuth only, signed in: nothing of Clerk\'s to protect', '/rr/api', { ...DATA, cookie: signedIn() }, 200, undefined],
      ['getAuth only, its own public policy kept', '/rr/api?own=1', { ...DATA, cookie: signedIn() }, 200, OWN_CACHE],
      ['getAuth only, refreshed session (Set-Cookie)', '/rr/api?own=1', { ...DATA, cookie: refreshing() }, 200, 'private, no-store'],
      ['handshake redirect', '/rr/api', { ...DOCUMENT, cookie: `__client_uat=${now()}` }, 307, 'no-store'],
    ];
    for (const [label, path, headers, status, cacheControl] of cases) {
      const r = await get(path, { headers });
      assert.equal(r.status, status, `${label}: ${r.body}`);
      assert.equal(r.headers['cache-control'], cacheControl, label);
      if (label.includes('Set-Cookie')) assert.ok(r.headers['set-cookie']?.some((c) => c.startsWith('__session=')), label);
    }
  });
});

describe('a development primary and __clerk_redirect_url (R10)', () => {
  /** Runs `fn` with console.warn captured; resolves `[result, warnings]`. */
  async function capturingWarnings(fn) {
    const warned = [];
    const saved = console.warn;
    console.warn = (...args) => warned.push(args.join(' '));
    try {
      return [await fn(), warned];
    } finally {
      console.warn = saved;
    }
  }

  for (const entry of ['remix', 'rr']) {
    test(`${entry}: the dev browser token goes to the app's own origin and allowed origins only`, async () => {
      withClerkEnv(dev.env());
      const cookie = dev.cookieHeader({ session: dev.sessionToken(), devBrowser: true });
      const asking = (target, options) =>
        get(`/${entry}/root?__clerk_redirect_url=${encodeURIComponent(target)}`, { headers: { ...DOCUMENT, cookie }, options });

      const [refused, warnings] = await capturingWarnings(() => asking('https://evil.example/steal'));
      assert.equal(refused.status, 200, refused.body);
      assert.equal(refused.headers.location, undefined);
      assert.ok(!JSON.stringify(refused).includes(dev.devBrowserToken), 'the dev browser token is nowhere in the answer');
      assert.equal(refused.json.clerkState.__internal_clerk_state.__clerk_ssr_state.userId, dev.userId);
      assert.ok(warnings.some((w) => w.startsWith('Clerk: __clerk_redirect_url ignored: https://evil.example')), warnings.join('\n'));

      // Allowed by the option, or by CLERK_ALLOWED_REDIRECT_ORIGINS.
      const viaOption = await asking('https://sat.example.test/p?x=1', { allowedRedirectOrigins: ['https://sat.example.test'] });
      withClerkEnv({ ...dev.env(), CLERK_ALLOWED_REDIRECT_ORIGINS: 'https://other.example.test, https://sat.example.test' });
      const viaEnv = await asking('https://sat.example.test/p?x=1');
      for (const allowed of [viaOption, viaEnv]) {
        assert.equal(allowed.status, 307, allowed.body);
        const back = new URL(allowed.headers.location);
        assert.equal(back.origin, 'https://sat.example.test');
        assert.equal(back.searchParams.get('__clerk_db_jwt'), dev.devBrowserToken);
        assert.equal(back.searchParams.get('__clerk_synced'), 'true');
      }
      // The request's own origin needs no configuration.
      const own = await asking(`${origin}/after`);
      assert.equal(own.status, 307);
      assert.equal(new URL(own.headers.location).origin, origin);
      // A forged X-Forwarded-Host makes that host "own" only for the forger's request; with a pin, not even then.
      const forged = await get(`/${entry}/root?__clerk_redirect_url=${encodeURIComponent('https://evil.example/x')}`, {
        headers: { ...DOCUMENT, ...FORGED, cookie },
        options: { appOrigin: PINNED },
      });
      assert.equal(forged.headers.location, undefined);
    });
  }
});
