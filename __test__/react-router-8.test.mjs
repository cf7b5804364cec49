// The React Router example (examples/react-router-app, written for React Router 7.18) built with React Router 8
// and run in this process: its app/ files unchanged, its dependencies those of examples/react-router-app/react-router-8/
// (package.json + package-lock.json: the example's, with react-router and @react-router/* at 8.5.x; the test checks
// that nothing else differs), and react-router.config.ts without `future.v8_middleware` (React Router 8 refuses the
// flag: middleware is always on). The packed package is the one prepareExample installed into the example.
//
// The built server is called in process through react-router's own createRequestHandler, against a local issuer:
// signed out /dashboard (document and data request) → /sign-in, signed in /dashboard and /api/whoami name the user,
// 200 interleaved requests from 10 users each get their own answer, and an expired token gets Clerk's handshake.
//
// React Router 8 declares `engines: { node: '>=22.22.0' }`, and its CLI warns on older Nodes; on this project's
// Node 20 (CI: 20.20.2) it builds and runs, and this test runs it there. The Node it ran on is in the diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createLocalIssuer } from '../dist/testing.js';
import { exampleDirOf, npmCommand, prepareExample, typecheckReactRouterApp, withExampleLock } from '../scripts/example.mjs';
import { decodePayload } from './helpers/tokens.mjs';

const example = 'react-router-app';
const exampleDir = exampleDirOf(example);
// Committed: the React Router 8 dependencies of the example. Generated (ignored by git): the app built with them.
const manifestDir = `${exampleDir}react-router-8/`;
const appDir = `${exampleDir}.react-router-8/`;
const FLAG = /\n\s*\/\/ React Router 7's middleware[^\n]*\n(?:\s*\/\/[^\n]*\n)*\s*future: \{ v8_middleware: true \},\n/;

const isReactRouter = (name) => name === 'react-router' || name.startsWith('@react-router/');

function sh(command, args, cwd, shown = `${command} ${args.join(' ')}`) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${shown} failed (exit ${result.status ?? result.signal}):\n${result.error?.message ?? ''}${result.stdout}${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

function npm(args, cwd) {
  const { command, args: argv, shell } = npmCommand(args);
  const result = spawnSync(command, argv, { cwd, shell, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
}

/** The example's app with React Router 8: copied, installed (skipped when nothing changed) and built. */
function buildWithReactRouter8(t) {
  const timings = {};
  const timed = (name, fn) => {
    const start = performance.now();
    const out = fn();
    timings[name] = Math.round((performance.now() - start) / 100) / 10;
    return out;
  };
  // Holds the example's lock: the tarball and the sources are the example's, and prepareExample may be rebuilding it
  // for another test file meanwhile.
  withExampleLock(example, () => {
    const tarball = `${exampleDir}.pack/clerk-remix-native.tgz`;
    assert.ok(existsSync(tarball), 'prepareExample packed the package');
    const stamp = `${appDir}.installed.sha256`;
    const digest = createHash('sha256')
      .update(readFileSync(tarball))
      .update(readFileSync(`${manifestDir}package.json`))
      .update(readFileSync(`${manifestDir}package-lock.json`))
      .digest('hex');
    const installed = existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && existsSync(`${appDir}node_modules/clerk-remix-native/package.json`);
    for (const f of ['app', 'build', '.react-router']) rmSync(`${appDir}${f}`, { recursive: true, force: true });
    mkdirSync(`${appDir}.pack`, { recursive: true });
    for (const f of ['app', 'vite.config.ts', 'tsconfig.json']) cpSync(`${exampleDir}${f}`, `${appDir}${f}`, { recursive: true });
    const config = readFileSync(`${exampleDir}react-router.config.ts`, 'utf8');
    assert.match(config, FLAG, "the example's react-router.config.ts turns on future.v8_middleware as this test expects");
    writeFileSync(`${appDir}react-router.config.ts`, config.replace(FLAG, '\n'));
    if (!installed) {
      timed('install', () => {
        rmSync(stamp, { force: true });
        cpSync(`${manifestDir}package.json`, `${appDir}package.json`);
        cpSync(`${manifestDir}package-lock.json`, `${appDir}package-lock.json`);
        cpSync(tarball, `${appDir}.pack/clerk-remix-native.tgz`);
        npm(['install', '--no-save', '--no-audit', '--no-fund', './.pack/clerk-remix-native.tgz'], appDir);
        writeFileSync(stamp, digest);
      });
    }
  });
  const output = timed('build', () => sh(process.execPath, ['node_modules/@react-router/dev/bin.cjs', 'build'], appDir, 'react-router build'));
  const warning = output.split('\n').find((line) => /requires a Node version/.test(line));
  if (warning) t.diagnostic(`react-router build said: ${warning.trim()}`);
  return timings;
}

test('the React Router example built with React Router 8, its server called in process', { timeout: 300_000 }, async (t) => {
  const started = performance.now();
  // The manifest is the example's, with React Router 8 in place of 7.
  const base = JSON.parse(readFileSync(`${exampleDir}package.json`, 'utf8'));
  const v8 = JSON.parse(readFileSync(`${manifestDir}package.json`, 'utf8'));
  for (const field of ['dependencies', 'devDependencies']) {
    assert.deepEqual(Object.keys(v8[field]).sort(), Object.keys(base[field]).sort(), `react-router-8/package.json ${field}: the example's names`);
    for (const [name, range] of Object.entries(base[field])) {
      if (isReactRouter(name)) assert.match(v8[field][name], /^8\.5\.\d+$/, `${name} is React Router 8.5`);
      else assert.equal(v8[field][name], range, `${name}: the example's version`);
    }
  }

  const prepared = prepareExample({ example, compile: false, build: false });
  const timings = { ...prepared, ...buildWithReactRouter8(t) };
  const resolveFromApp = createRequire(`${appDir}package.json`);
  const version = (name) => JSON.parse(readFileSync(`${appDir}node_modules/${name}/package.json`, 'utf8'));
  const rr = version('react-router');
  assert.match(rr.version, /^8\.5\./);
  t.diagnostic(`Node ${process.version}; react-router ${rr.version} (engines: node ${rr.engines?.node}), @react-router/dev ${version('@react-router/dev').version}; steps ${JSON.stringify(timings)} s`);
  const serverBuild = readFileSync(`${appDir}build/server/index.js`, 'utf8');
  assert.match(serverBuild, /from "clerk-remix-native\/react-router\/server"/, 'the server build imports clerk-remix-native/react-router/server');
  await t.test("the app typechecks with React Router 8's route types and the entry's types", () => typecheckReactRouterApp(appDir));

  const issuer = await createLocalIssuer();
  Object.assign(process.env, issuer.env(), { DEMO_LOCAL_ISSUER: '1', DEMO_USER_ID: issuer.userId, NODE_ENV: 'production' });
  issuer.defineUser({ id: issuer.userId, first_name: 'Demo', last_name: 'User' });
  try {
    // The same react-router module the build imports (one copy: its contexts are shared with the handler).
    const { createRequestHandler } = await import(pathToFileURL(resolveFromApp.resolve('react-router')).href);
    const build = await import(pathToFileURL(`${appDir}build/server/index.js`).href);
    const handler = createRequestHandler(build, 'production');
    const get = (path, cookie, headers = {}) => handler(new Request(`http://localhost:3000${path}`, { headers: { ...headers, ...(cookie ? { cookie } : {}) } }));
    const { sessionId, token } = issuer.createSession({ secure: false });
    const cookie = `__session=${token}; __client_uat=${decodePayload(token).iat}`;

    await t.test('signed out, /dashboard redirects to /sign-in (document and data request)', async () => {
      const page = await get('/dashboard');
      assert.equal(page.status, 302);
      assert.equal(page.headers.get('location'), '/sign-in?redirect_url=%2Fdashboard');
      // A client-side navigation's data request: React Router 8 passes `/dashboard.data` through as request.url,
      // and the redirect still names the page (the app reads args.url).
      const data = await get('/dashboard.data');
      assert.equal(data.status, 202);
      const body = await data.text();
      assert.match(body, /SingleFetchRedirect/);
      assert.match(body, /"\/sign-in\?redirect_url=%2Fdashboard"/);
      const whoami = await get('/api/whoami');
      assert.deepEqual(await whoami.json(), { userId: null, sessionId: null });
    });

    await t.test('signed in, /dashboard shows the user (both loaders) and /api/whoami names the user', async () => {
      const page = await get('/dashboard', cookie);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, new RegExp(`data-testid="user-id">${issuer.userId}<`));
      assert.match(html, /data-testid="user-name">Demo User</);
      assert.match(html, new RegExp(`data-testid="session-id">${sessionId}<`));
      assert.match(html, new RegExp(`data-testid="auth-status">Signed in as ${issuer.userId}<`));
      const whoami = await get('/api/whoami', cookie);
      assert.equal(whoami.status, 200);
      assert.deepEqual(await whoami.json(), { userId: issuer.userId, sessionId });
    });

    await t.test('200 interleaved concurrent requests from 10 users: each answer names its own user', async () => {
      const users = Array.from({ length: 10 }, (_, i) => {
        const userId = `user_rr8_${i}`;
        const session = issuer.createSession({ userId, secure: false });
        return { userId, sessionId: session.sessionId, cookie: `__session=${session.token}; __client_uat=${decodePayload(session.token).iat}` };
      });
      const answers = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const user = users[i % users.length];
          const response = await get('/api/whoami', user.cookie);
          return { user, status: response.status, json: await response.json() };
        }),
      );
      for (const { user, status, json } of answers) {
        assert.equal(status, 200);
        assert.deepEqual(json, { userId: user.userId, sessionId: user.sessionId });
      }
    });

    await t.test("an expired session token on a document request gets Clerk's handshake redirect", async () => {
      const iat = Math.floor(Date.now() / 1000) - 300;
      const expired = issuer.sessionToken({ userId: issuer.userId, sessionId, issuedAt: iat });
      // A browser's page load (Clerk's handshake is for documents only).
      const page = await get('/dashboard', `__session=${expired}; __client_uat=${iat}`, { accept: 'text/html', 'sec-fetch-dest': 'document' });
      assert.equal(page.status, 307);
      const location = new URL(page.headers.get('location'));
      assert.equal(location.pathname, '/v1/client/handshake');
      assert.equal(location.searchParams.get('redirect_url'), 'http://localhost:3000/dashboard');
    });
  } finally {
    await issuer.close();
    t.diagnostic(`React Router 8 total ${Math.round((performance.now() - started) / 100) / 10} s`);
  }
});
