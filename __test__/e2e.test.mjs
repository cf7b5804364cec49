// End to end, in a real browser: the example app (packed package installed into examples/remix-app, built with
// Vite, served by remix-serve) against a local Clerk issuer, driven through Chromium with playwright-core
// (helpers/browser.mjs: CHROME_PATH, a system Chromium/Chrome, else @sparticuz/chromium from the npm registry).
// Nothing may leave the machine: every request the browser makes goes to localhost / 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLocalIssuer } from '../dist/testing.js';
import { freePort, prepareExample, startExample } from '../scripts/example.mjs';
import { findChromium, launchChromium } from './helpers/browser.mjs';
import { decodePayload } from './helpers/tokens.mjs';

const outputDir = fileURLToPath(new URL('./output/', import.meta.url));

test('example app: sign-in redirect, sign in, reload, handshake after expiry, one-click sign out, phone layout', { timeout: 900_000 }, async (t) => {
  const found = findChromium();
  t.diagnostic(`browser: ${found.path} (${found.source})`);
  const started = performance.now();
  const timings = prepareExample({ compile: false });
  t.diagnostic(`example: ${JSON.stringify(timings)} s`);

  const issuer = await createLocalIssuer();
  issuer.defineUser({ id: issuer.userId, first_name: 'Demo', last_name: 'User' });
  const port = await freePort();
  const env = { ...issuer.env({ browser: true }), DEMO_LOCAL_ISSUER: '1', DEMO_USER_ID: issuer.userId };
  const app = await startExample({ port, env });
  const browser = await launchChromium({
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const offMachine = [];
  const watch = (context) => {
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return;
      if (url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') offMachine.push(request.url());
    });
    context.on('page', (page) => {
      page.on('pageerror', (error) => problems.push(`uncaught page error: ${error.stack || error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console.error on ${page.url()}: ${message.text()}`);
      });
    });
  };
  try {
    const authStatus = (page) => page.getByTestId('auth-status').textContent();
    // The root loader's `loadUser` fetched the user the issuer defined above.
    const signedInAs = 'Signed in as Demo User';

    await t.test('server rendering knows the user before any script runs', async () => {
      const { token } = issuer.createSession({ secure: false });
      const noScript = await browser.newContext({ javaScriptEnabled: false });
      watch(noScript);
      await noScript.addCookies([
        { name: '__session', value: token, url: app.url },
        { name: '__client_uat', value: String(decodePayload(token).iat), url: app.url },
      ]);
      const page = await noScript.newPage();
      await page.goto(`${app.url}/`);
      assert.equal(await authStatus(page), signedInAs);
      const home = await page.getByTestId('home-auth').textContent();
      assert.match(home, new RegExp(decodePayload(token).sid));
      assert.match(home, /Demo User/);
      await page.goto(`${app.url}/dashboard`);
      assert.equal(await page.getByTestId('user-name').textContent(), 'Demo User');
      assert.match(await page.getByTestId('verify-time').textContent(), /verified natively in \d+(\.\d+)? µs/);
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
      await page.getByTestId('demo-sign-in').click();
      await page.waitForURL(`${app.url}/dashboard`);
      assert.equal(await page.getByTestId('user-id').textContent(), issuer.userId);
      assert.equal(await page.getByTestId('user-name').textContent(), 'Demo User');
      assert.match(await page.getByTestId('verify-time').textContent(), /^✓ Session verified natively in \d+(\.\d+)? µs$/);
      sessionId = await page.getByTestId('session-id').textContent();
      assert.match(sessionId, /^sess_/);
      // The clerk-js stand-in loaded from the issuer, and the client-side auth state agrees with the server's.
      await page.waitForFunction(() => window.Clerk?.loaded === true && window.Clerk.__clerkRemixNativeLocal === true);
      await page.waitForFunction((id) => window.Clerk.user?.id === id, issuer.userId);
      assert.equal(await authStatus(page), signedInAs);
      mkdirSync(outputDir, { recursive: true });
      await page.screenshot({ path: `${outputDir}e2e-dashboard.png`, fullPage: true });
    });

    await t.test('a reload keeps the session', async () => {
      await page.reload();
      assert.equal(new URL(page.url()).pathname, '/dashboard');
      assert.equal(await page.getByTestId('user-id').textContent(), issuer.userId);
      assert.equal(await page.getByTestId('session-id').textContent(), sessionId);
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
      // The redirect chain: /dashboard (307) → the issuer's Frontend API handshake (307) → /dashboard?nonce (200).
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
      assert.equal(await authStatus(page), 'Signed out');
      assert.ok(issuer.isSessionEnded(sessionId), 'the session was ended at the issuer');
      await page.goto(`${app.url}/dashboard`);
      assert.equal(new URL(page.url()).pathname, '/sign-in');
    });

    await context.close();

    await t.test('on a phone (375×667) nothing is wider than the screen; /sign-out still signs out', async () => {
      const phone = await browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      watch(phone);
      const p = await phone.newPage();
      const overflow = () => p.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      const fits = async (where) => {
        const { scrollWidth, innerWidth } = await overflow();
        assert.ok(scrollWidth <= innerWidth, `${where}: the page is ${scrollWidth} px wide on a ${innerWidth} px screen`);
      };
      await p.goto(`${app.url}/`);
      await fits('/ signed out');
      await p.goto(`${app.url}/dashboard`);
      assert.equal(new URL(p.url()).pathname, '/sign-in');
      await fits('/sign-in');
      await p.getByTestId('demo-sign-in').tap();
      await p.waitForURL(`${app.url}/dashboard`);
      assert.equal(await p.getByTestId('user-name').textContent(), 'Demo User');
      await p.waitForFunction(() => window.Clerk?.loaded === true);
      await fits('/dashboard');
      await p.screenshot({ path: `${outputDir}e2e-dashboard-phone.png`, fullPage: true });
      await p.goto(`${app.url}/`);
      await fits('/ signed in');
      const phoneSession = (await phone.cookies(app.url)).find((c) => c.name === '__session')?.value;
      assert.ok(phoneSession, 'signed in on the phone');
      // The /sign-out page (README's route table) works as before.
      await p.goto(`${app.url}/sign-out`);
      await fits('/sign-out');
      await p.waitForFunction(() => window.Clerk?.loaded === true);
      await p.getByTestId('sign-out').tap();
      await p.waitForURL(`${app.url}/`);
      assert.equal(await authStatus(p), 'Signed out');
      assert.ok(issuer.isSessionEnded(decodePayload(phoneSession).sid), 'the phone session was ended at the issuer');
      await phone.close();
    });

    assert.deepEqual(offMachine, [], 'the browser only talked to localhost / 127.0.0.1');
    assert.deepEqual(problems, [], 'no uncaught page errors and no console errors');
  } finally {
    await browser.close();
    await app.stop();
    await issuer.close();
    t.diagnostic(`e2e total ${Math.round((performance.now() - started) / 100) / 10} s`);
  }
});
