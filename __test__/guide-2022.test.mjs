// Clerk's early-2022 "Get started with Remix" guide, followed word for word (examples/remix-2022-guide: the guide's
// files with only the import lines moved), built with Vite and served by remix-serve with a `.env` that holds only
// CLERK_API_KEY. The server learns the instance from `ConnectClerk(App, { frontendApi })` in app/root.tsx.
//
// For the test alone: the local issuer plays the Clerk instance, so its Frontend API host (the `iss` of its tokens)
// replaces the guide's `frontendApi` value, CLERK_API_URL points the server at it, and CLERK_JS makes the browser
// load the issuer's clerk-js stand-in (clerk-react would fetch clerk-js from https://<frontendApi>, and the issuer
// serves plain HTTP on 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLocalIssuer } from '../dist/testing.js';
import { exampleDir, freePort, prepareExample, startExample } from '../scripts/example.mjs';
import { findChromium, launchChromium } from './helpers/browser.mjs';
import { decodePayload } from './helpers/tokens.mjs';

const guideDir = fileURLToPath(new URL('../examples/remix-2022-guide/', import.meta.url));
// Inside the example app, so that its node_modules (with the packed package) are found by resolution.
const appDir = `${exampleDir}.guide-2022/`;
const GUIDE_FRONTEND_API = '"clerk.foo.bar.lcl.dev"';
const GUIDE_SIGN_IN = 'https://accounts.foo.bar.lcl.dev/sign-in';

/** The guide's app with the issuer's host in place of the guide's `frontendApi`, built with Vite. */
function buildGuideApp(frontendApiHost, secretKey) {
  rmSync(appDir, { recursive: true, force: true });
  for (const f of ['app', 'vite.config.ts', 'package.json', 'tsconfig.json']) cpSync(`${guideDir}${f}`, `${appDir}${f}`, { recursive: true });
  const rootFile = `${appDir}app/root.tsx`;
  const rootTsx = readFileSync(rootFile, 'utf8');
  assert.equal(rootTsx.split(GUIDE_FRONTEND_API).length, 2, 'app/root.tsx names the guide\'s frontendApi once');
  writeFileSync(rootFile, rootTsx.replace(GUIDE_FRONTEND_API, JSON.stringify(frontendApiHost)));
  // The guide's only server setting.
  writeFileSync(`${appDir}.env`, `CLERK_API_KEY=${secretKey}\n`);
  const build = spawnSync(process.execPath, [`${exampleDir}node_modules/@remix-run/dev/dist/cli.js`, 'vite:build'], { cwd: appDir, encoding: 'utf8' });
  assert.equal(build.status, 0, `vite:build failed:\n${build.stdout}${build.stderr}`);
  const server = readFileSync(`${appDir}build/server/index.js`, 'utf8');
  assert.match(server, /from "clerk-remix-native\/ssr\.server"/, 'the server build imports the package (not bundled)');
}

/** This process's environment without any CLERK_* variable: the server gets only what the test names. */
function environmentWithoutClerk() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CLERK_')));
}

test('the 2022 guide app, word for word: .env with only CLERK_API_KEY, frontendApi in ConnectClerk', { timeout: 600_000 }, async (t) => {
  const found = findChromium();
  t.diagnostic(`browser: ${found.path} (${found.source})`);
  t.diagnostic(`example install: ${JSON.stringify(prepareExample({ compile: false, build: false }))} s`);
  const issuer = await createLocalIssuer();
  const frontendApiHost = issuer.frontendApi;
  let app;
  let browser;
  try {
    buildGuideApp(frontendApiHost, issuer.secretKey);
    const port = await freePort();
    app = await startExample({
      port,
      dir: appDir,
      serve: `${exampleDir}node_modules/@remix-run/serve/dist/cli.js`,
      nodeArgs: ['--env-file=.env'],
      baseEnv: environmentWithoutClerk(),
      env: { CLERK_API_URL: issuer.apiUrl, CLERK_JS: issuer.clerkJsUrl },
      // Every page of the guide's app runs the root loader: a server that cannot authenticate never answers < 500.
      timeoutMs: 20_000,
    });
    const { sessionId, token } = issuer.createSession({ secure: false });
    const cookie = `__session=${token}; __client_uat=${decodePayload(token).iat}`;

    await t.test('signed out: every page follows the callback\'s redirect', async () => {
      for (const path of ['/', '/private']) {
        const response = await fetch(`${app.url}${path}`, { redirect: 'manual' });
        assert.equal(response.status, 302, path);
        assert.equal(response.headers.get('location'), GUIDE_SIGN_IN, path);
      }
      // The same redirect in a client-side navigation's data request, as Remix sends it there.
      const navigation = await fetch(`${app.url}/?_data=root`, { redirect: 'manual' });
      assert.equal(navigation.status, 204);
      assert.equal(navigation.headers.get('x-remix-redirect'), GUIDE_SIGN_IN);
      // getAuth(request) in a route's own data request: signed out, no error.
      const data = await fetch(`${app.url}/private?_data=routes%2Fprivate`);
      assert.equal(data.status, 200);
      assert.deepEqual(await data.json(), { userId: null, sessionId: null });
    });

    await t.test('signed in: the loader data plus clerkState', async () => {
      const response = await fetch(`${app.url}/?_data=root`, { headers: { cookie } });
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.deepEqual(Object.keys(body), ['yourData', 'clerkState']);
      assert.equal(body.yourData, 'here');
      const state = body.clerkState.__internal_clerk_state;
      assert.equal(state.__clerk_ssr_state.userId, issuer.userId);
      assert.equal(state.__clerk_ssr_state.sessionId, sessionId);
      // The instance the server took from ConnectClerk's frontendApi.
      assert.equal(Buffer.from(state.__publishableKey.slice('pk_live_'.length), 'base64').toString(), `${frontendApiHost}$`);
    });

    await t.test('signed in: getAuth(request) in a route loader, useAuth() in the server render', async () => {
      const data = await fetch(`${app.url}/private?_data=routes%2Fprivate`, { headers: { cookie } });
      assert.deepEqual(await data.json(), { userId: issuer.userId, sessionId });
      const home = await fetch(`${app.url}/`, { headers: { cookie } });
      assert.equal(home.status, 200);
      assert.match(await home.text(), new RegExp(`useAuth: user (<!-- -->)?${issuer.userId}(<!-- -->)? in session (<!-- -->)?${sessionId}`));
    });

    await t.test('signed in, in Chromium: the page before and after hydration', async () => {
      browser = await launchChromium({
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
      });
      const problems = [];
      const offMachine = [];
      const context = await browser.newContext();
      context.on('request', (request) => {
        const url = new URL(request.url());
        if (['http:', 'https:'].includes(url.protocol) && url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') offMachine.push(request.url());
      });
      await context.addCookies([
        { name: '__session', value: token, url: app.url },
        { name: '__client_uat', value: String(decodePayload(token).iat), url: app.url },
      ]);
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`uncaught page error: ${error.stack || error.message}`));
      page.on('console', (message) => {
        // The guide's app has no favicon: the browser's own request for one is not the app's doing.
        if (message.type() === 'error' && !message.location().url?.endsWith('/favicon.ico')) problems.push(`console.error: ${message.text()} (${message.location().url})`);
      });
      const expected = `useAuth: user ${issuer.userId} in session ${sessionId}`;
      const response = await page.goto(`${app.url}/`);
      assert.equal(response.status(), 200);
      assert.equal(await page.getByTestId('hook').textContent(), expected);
      // Hydrated, with clerk-js (the issuer's stand-in) loaded for the guide's frontendApi instance.
      await page.waitForFunction(() => window.Clerk?.loaded === true);
      await page.waitForFunction((id) => window.Clerk.user?.id === id, issuer.userId);
      assert.equal(await page.getByTestId('hook').textContent(), expected);
      await page.goto(`${app.url}/private`);
      assert.equal(await page.getByTestId('loader').textContent(), `getAuth: user ${issuer.userId} in session ${sessionId}`);
      await context.close();
      assert.deepEqual(offMachine, [], 'the browser only talked to localhost / 127.0.0.1');
      assert.deepEqual(problems, [], 'no uncaught page errors and no console errors');
    });

    assert.doesNotMatch(app.output(), /Publishable key is missing/);
  } finally {
    await browser?.close();
    await app?.stop();
    await issuer.close();
  }
});
