// End to end, in a real browser: the React Router 7 example (packed package installed into
// examples/react-router-app, built with `react-router build`, served by react-router-serve) against a local Clerk
// issuer, driven through Chromium with playwright-core (helpers/browser.mjs). Nothing may leave the machine: every
// request the browser makes is recorded, and all go to localhost / 127.0.0.1.
//
// Then over HTTP, through the same served app: 1,000 concurrent requests to the /api/whoami resource route from 10
// signed-in users (10 users at the issuer, each with a session cookie of its own), every answer naming its own user
// and session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLocalIssuer } from '../dist/testing.js';
import { exampleDirOf, freePort, localIssuerEnv, prepareExample, startExample, typecheckReactRouterApp, withExampleLock } from '../scripts/example.mjs';
import { findChromium, launchChromium } from './helpers/browser.mjs';
import { decodePayload } from './helpers/tokens.mjs';

const example = 'react-router-app';
const outputDir = fileURLToPath(new URL('./output/', import.meta.url));
const isLocal = (url) => url.hostname === 'localhost' || url.hostname === '127.0.0.1';


test('React Router example: sign-in redirect, sign in, reload, navigation, handshake after expiry, sign out; 1,000 concurrent requests from 10 users', { timeout: 600_000 }, async (t) => {
  const found = findChromium();
  t.diagnostic(`browser: ${found.path} (${found.source})`);
  const started = performance.now();
  const timings = prepareExample({ example, compile: false });
  t.diagnostic(`example: ${JSON.stringify(timings)} s`);
  // The server build imports the package from node_modules (the native addon cannot be bundled).
  const serverBuild = readFileSync(`${exampleDirOf(example)}build/server/index.js`, 'utf8');
  assert.match(serverBuild, /from "clerk-remix-native\/react-router\/server"/, 'the server build imports clerk-remix-native/react-router/server');
  assert.doesNotMatch(serverBuild, /@clerk\/react-router/, 'nothing of @clerk/react-router in the server build');

  await t.test("the app typechecks against the entry's types (react-router typegen && tsc)", () => {
    withExampleLock(example, () => typecheckReactRouterApp(exampleDirOf(example)));
  });

  const issuer = await createLocalIssuer();
  issuer.defineUser({ id: issuer.userId, first_name: 'Demo', last_name: 'User' });
  const port = await freePort();
  const app = await startExample({ example, port, env: localIssuerEnv(issuer) });
  const browser = await launchChromium({
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const requested = [];
  const watch = (context) => {
    context.on('request', (request) => requested.push(request.url()));
    context.on('page', (page) => {
      page.on('pageerror', (error) => problems.push(`uncaught page error: ${error.stack || error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console.error on ${page.url()}: ${message.text()}`);
      });
    });
  };
  try {
    const authStatus = (page) => page.getByTestId('auth-status').textContent();
    const signedInAs = `Signed in as ${issuer.userId}`;

    await t.test('server rendering knows the user before any script runs', async () => {
      const { token, sessionId } = issuer.createSession({ secure: false });
      const noScript = await browser.newContext({ javaScriptEnabled: false });
      watch(noScript);
      await noScript.addCookies([
        { name: '__session', value: token, url: app.url },
        { name: '__client_uat', value: String(decodePayload(token).iat), url: app.url },
      ]);
      const page = await noScript.newPage();
      await page.goto(`${app.url}/`);
      assert.equal(await authStatus(page), signedInAs);
      assert.match(await page.getByTestId('home-auth').textContent(), new RegExp(sessionId));
      await page.goto(`${app.url}/dashboard`);
      assert.equal(await page.getByTestId('user-name').textContent(), 'Demo User');
      // The nested loader's getAuth, run beside the dashboard's.
      assert.equal(await page.getByTestId('session-user-id').textContent(), issuer.userId);
      assert.equal(await page.getByTestId('session-id').textContent(), sessionId);
      await noScript.close();
    });

    const context = await browser.newContext();
    watch(context);
    const page = await context.newPage();
    let sessionId;

    await t.test('signed out, /dashboard lands on /sign-in', async () => {
      await page.goto(`${app.url}/dashboard`);
      const url = new URL(page.url());
      assert.equal(url.pathname, '/sign-in');
      assert.equal(url.searchParams.get('redirect_url'), '/dashboard');
      assert.equal(await authStatus(page), 'Signed out');
    });

    await t.test('signing in as the demo user shows the user on the dashboard', async () => {
      await page.waitForFunction(() => window.Clerk?.loaded === true);
      await page.getByTestId('demo-sign-in').click();
      await page.waitForURL(`${app.url}/dashboard`);
      assert.equal(await page.getByTestId('user-id').textContent(), issuer.userId);
      assert.equal(await page.getByTestId('user-name').textContent(), 'Demo User');
      assert.equal(await page.getByTestId('session-user-id').textContent(), issuer.userId);
      sessionId = await page.getByTestId('session-id').textContent();
      assert.match(sessionId, /^sess_/);
      assert.match(await page.getByTestId('get-auth-time').textContent(), /getAuth\(args\) in this nested loader: \d+(\.\d+)? µs/);
      // The clerk-js stand-in loaded from the issuer, and the client-side auth state agrees with the server's.
      await page.waitForFunction(() => window.Clerk?.loaded === true && window.Clerk.__clerkRemixNativeLocal === true);
      await page.waitForFunction((id) => window.Clerk.user?.id === id, issuer.userId);
      assert.equal(await authStatus(page), signedInAs);
      mkdirSync(outputDir, { recursive: true });
      await page.screenshot({ path: `${outputDir}e2e-react-router-dashboard.png`, fullPage: true });
    });

    await t.test('a reload keeps the session', async () => {
      await page.reload();
      assert.equal(new URL(page.url()).pathname, '/dashboard');
      assert.equal(await page.getByTestId('user-id').textContent(), issuer.userId);
      assert.equal(await page.getByTestId('session-id').textContent(), sessionId);
    });

    await t.test('client-side navigation: the data requests go through the middleware too', async () => {
      await page.waitForFunction(() => window.Clerk?.loaded === true);
      await page.getByRole('link', { name: 'Home' }).click();
      await page.waitForURL(`${app.url}/`);
      assert.match(await page.getByTestId('home-auth').textContent(), new RegExp(sessionId));
      const [data] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/dashboard.data'),
        page.getByRole('link', { name: 'Dashboard', exact: true }).click(),
      ]);
      assert.equal(data.status(), 200);
      await page.waitForURL(`${app.url}/dashboard`);
      assert.equal(await page.getByTestId('session-id').textContent(), sessionId);
      assert.equal(await page.getByTestId('user-name').textContent(), 'Demo User');
    });

    await t.test('an expired session token goes through the handshake and comes back signed in', async () => {
      // Leave the app first, so that no page of it refreshes the token while the expired one is put in place.
      await page.goto('about:blank');
      const iat = Math.floor(Date.now() / 1000) - 300;
      const expired = issuer.sessionToken({ userId: issuer.userId, sessionId, issuedAt: iat });
      await context.addCookies([
        { name: '__session', value: expired, url: app.url },
        { name: '__client_uat', value: String(iat), url: app.url },
      ]);
      const handshakes = issuer.count('/v1/client/handshake');
      const payloads = issuer.count('/v1/clients/handshake_payload');
      const response = await page.goto(`${app.url}/dashboard`);
      assert.equal(response.status(), 200);
      // The redirect chain: /dashboard (307, from clerkMiddleware) → the issuer's Frontend API handshake (307) →
      // /dashboard?nonce (200).
      const back = new URL(response.url());
      assert.equal(back.pathname, '/dashboard');
      assert.ok(back.searchParams.get('__clerk_handshake_nonce'), `came back with a handshake nonce: ${response.url()}`);
      const viaIssuer = response.request().redirectedFrom();
      assert.ok(viaIssuer, 'the document request was redirected');
      assert.equal(new URL(viaIssuer.url()).origin, issuer.frontendApiUrl);
      assert.equal(new URL(viaIssuer.url()).pathname, '/v1/client/handshake');
      assert.equal(new URL(viaIssuer.url()).searchParams.get('__clerk_hs_reason'), 'session-token-expired-refresh-non-eligible-no-refresh-cookie');
      const first = viaIssuer.redirectedFrom();
      assert.equal(first?.url(), `${app.url}/dashboard`);
      assert.equal((await first.response()).status(), 307);
      assert.equal(issuer.count('/v1/client/handshake'), handshakes + 1, 'the browser went to the issuer once');
      assert.ok(issuer.count('/v1/clients/handshake_payload') > payloads, 'the server resolved the nonce');
      assert.equal(await page.getByTestId('user-id').textContent(), issuer.userId);
      assert.equal(await page.getByTestId('session-id').textContent(), sessionId);
      const fresh = (await context.cookies(app.url)).find((c) => c.name === '__session')?.value;
      assert.ok(fresh && fresh !== expired, 'the handshake set a new session cookie');
      assert.ok(decodePayload(fresh).exp > Date.now() / 1000, 'the new session token is not expired');
      await page.waitForFunction(() => window.Clerk?.loaded === true && !location.search.includes('__clerk_handshake'));
    });

    await t.test("one click on the header's Sign out ends the session", async () => {
      await page.waitForFunction(() => window.Clerk?.loaded === true);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${app.url}/`);
      await page.waitForFunction(() => document.querySelector('[data-testid=auth-status]')?.textContent === 'Signed out');
      assert.ok(issuer.isSessionEnded(sessionId), 'the session was ended at the issuer');
      await page.goto(`${app.url}/dashboard`);
      assert.equal(new URL(page.url()).pathname, '/sign-in');
    });

    await t.test('the /sign-out page signs out too', async () => {
      await page.waitForFunction(() => window.Clerk?.loaded === true);
      await page.getByTestId('demo-sign-in').click();
      await page.waitForURL(`${app.url}/dashboard`);
      const second = await page.getByTestId('session-id').textContent();
      assert.notEqual(second, sessionId);
      await page.goto(`${app.url}/sign-out`);
      await page.waitForFunction(() => window.Clerk?.loaded === true);
      await page.getByTestId('sign-out').click();
      await page.waitForURL(`${app.url}/`);
      await page.waitForFunction(() => document.querySelector('[data-testid=auth-status]')?.textContent === 'Signed out');
      assert.ok(issuer.isSessionEnded(second), 'the second session was ended at the issuer');
    });

    await context.close();

    await t.test('the browser only talked to this machine; no page errors, no console errors', () => {
      assert.ok(requested.length > 20, `requests were recorded (${requested.length})`);
      assert.ok(requested.some((u) => u.startsWith(issuer.clerkJsUrl)), "the issuer's clerk-js stand-in was loaded");
      const offMachine = requested.filter((u) => {
        const url = new URL(u);
        if (url.protocol === 'about:' || url.protocol === 'data:' || url.protocol === 'blob:') return false;
        return !isLocal(url);
      });
      assert.deepEqual(offMachine, [], 'every request went to localhost / 127.0.0.1');
      assert.deepEqual(problems, [], 'no uncaught page errors and no console errors');
    });

    await t.test('1,000 concurrent requests from 10 signed-in users: every answer names its own user', async () => {
      const users = Array.from({ length: 10 }, (_, i) => {
        const userId = `user_isolation_${String(i).padStart(2, '0')}_${issuer.userId.slice(5, 13)}`;
        issuer.defineUser({ id: userId, first_name: `User${i}`, last_name: 'Isolation' });
        const { sessionId: sid, token } = issuer.createSession({ userId, secure: false });
        return { userId, sessionId: sid, cookie: `__session=${token}; __client_uat=${decodePayload(token).iat}` };
      });
      assert.equal(new Set(users.map((u) => u.sessionId)).size, 10);
      // Interleaved: request i comes from user i mod 10, all sent at once.
      const begin = performance.now();
      const answers = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const user = users[i % users.length];
          const response = await fetch(`${app.url}/api/whoami`, { headers: { cookie: user.cookie } });
          return { user, status: response.status, body: await response.text() };
        }),
      );
      const ms = Math.round(performance.now() - begin);
      let mismatches = 0;
      for (const { user, status, body } of answers) {
        assert.equal(status, 200, body);
        const json = JSON.parse(body);
        if (json.userId !== user.userId || json.sessionId !== user.sessionId) mismatches++;
        assert.deepEqual(json, { userId: user.userId, sessionId: user.sessionId });
      }
      assert.equal(mismatches, 0);
      t.diagnostic(`1,000 concurrent /api/whoami requests (10 users) in ${ms} ms; the issuer served /v1/jwks ${issuer.count('/v1/jwks')} times`);
    });
  } finally {
    await browser.close();
    await app.stop();
    await issuer.close();
    t.diagnostic(`e2e (React Router) total ${Math.round((performance.now() - started) / 100) / 10} s`);
  }
});
