// The client entry (`clerk-remix-native`): its exports against @clerk/remix's, and server rendering of
// ConnectClerk / ClerkApp in a data router with the clerkState of a real rootAuthLoader run against a local issuer:
// `useAuth()` must know the user in the server-rendered HTML, before any client script runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import { setEnv } from './helpers/env.mjs';

const require = createRequire(import.meta.url);
const React = require('react');
const { renderToString } = require('react-dom/server');
const { createStaticHandler, createStaticRouter, StaticRouterProvider } = require('react-router-dom/server');
const client = require('../dist/index.js');
const { rootAuthLoader } = require('../dist/ssr.server.js');
const { createLocalIssuer } = require('../dist/testing.js');

const h = React.createElement;
let issuer;
let restoreEnv = () => {};

before(async () => {
  issuer = await createLocalIssuer();
  restoreEnv = setEnv(issuer.env());
});
after(() => {
  restoreEnv();
  return issuer?.close();
});

/** A component rendering the auth state as the app sees it (through `useAuth` and `useClerk`), as text. */
const probeWith = (useAuth, useClerk) =>
  function Probe() {
    const { isLoaded, isSignedIn, userId, sessionId, orgId, orgRole } = useAuth();
    const { publishableKey } = useClerk();
    return h('p', { id: 'probe' }, JSON.stringify({ isLoaded, isSignedIn, userId, sessionId, orgId, orgRole, publishableKey }));
  };
const AuthProbe = probeWith(client.useAuth, client.useClerk);

/** Server-renders `Root` as the root route of a data router whose loader returns `loaderData`. */
async function render(Root, loaderData) {
  const handler = createStaticHandler([{ id: 'root', path: '/', loader: () => loaderData, Component: Root }]);
  const context = await handler.query(new Request('http://localhost:3000/'));
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`);
  const router = createStaticRouter(handler.dataRoutes, context);
  const html = renderToString(h(StaticRouterProvider, { router, context, hydrate: false }));
  if (context.errors) throw Object.values(context.errors)[0];
  const m = /<p id="probe">(.*?)<\/p>/.exec(html);
  if (!m) throw new Error(`no probe in ${html}`);
  return JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
}

async function rootLoaderData(cookie) {
  const request = new Request('http://localhost:3000/', { headers: cookie ? { cookie } : {} });
  const response = await rootAuthLoader({ request, params: {}, context: {} });
  return response.json();
}

test('the client entry exports what @clerk/remix exports, plus ConnectClerk', () => {
  const theirs = Object.keys(require('@clerk/remix')).filter((k) => k !== 'WithClerkState'); // a type (undefined at run time)
  const ours = Object.keys(client);
  assert.deepEqual(theirs.filter((k) => !ours.includes(k)), []);
  assert.deepEqual(ours.filter((k) => !theirs.includes(k)), ['ConnectClerk']);
  for (const name of ['useAuth', 'useUser', 'SignIn', 'SignUp', 'UserButton', 'SignedIn', 'SignedOut', 'ClerkApp', 'ConnectClerk']) {
    assert.ok(client[name], name);
  }
});

test('ClerkApp: a signed-in request renders the user through useAuth()', async () => {
  const token = issuer.sessionToken({ userId: 'user_ssr', sessionId: 'sess_ssr', orgV2: { id: 'org_ssr', rol: 'admin', slg: 'acme' } });
  const data = await rootLoaderData(issuer.cookieHeader({ session: token }));
  const probe = await render(client.ClerkApp(AuthProbe), data);
  assert.deepEqual(probe, {
    isLoaded: true,
    isSignedIn: true,
    userId: 'user_ssr',
    sessionId: 'sess_ssr',
    orgId: 'org_ssr',
    orgRole: 'org:admin',
    publishableKey: issuer.publishableKey,
  });
});

test('ClerkApp renders the same auth state as @clerk/remix ClerkApp', async () => {
  const { ClerkApp: TheirClerkApp, useAuth: theirUseAuth, useClerk: theirUseClerk } = require('@clerk/remix');
  const TheirProbe = probeWith(theirUseAuth, theirUseClerk);
  for (const cookie of [issuer.cookieHeader({ session: issuer.sessionToken({ org: { id: 'org_v1', role: 'org:member', slug: 's' } }) }), '']) {
    const data = await rootLoaderData(cookie);
    assert.deepEqual(await render(client.ClerkApp(AuthProbe), data), await render(TheirClerkApp(TheirProbe), data));
  }
});

test('signed out: useAuth() says so on the server', async () => {
  const probe = await render(client.ConnectClerk(AuthProbe), await rootLoaderData(''));
  assert.equal(probe.isLoaded, true);
  assert.equal(probe.isSignedIn, false);
  assert.equal(probe.userId, null);
});

test('ConnectClerk(App, { frontendApi }) builds the publishable key from the frontend API host', async () => {
  const data = await rootLoaderData('');
  const live = await render(client.ConnectClerk(AuthProbe, { frontendApi: 'clerk.example.com' }), data);
  assert.equal(live.publishableKey, `pk_live_${Buffer.from('clerk.example.com$').toString('base64')}`);
  const dev = await render(client.ConnectClerk(AuthProbe, { frontendApi: 'happy-otter-42.clerk.accounts.dev' }), data);
  assert.equal(dev.publishableKey, `pk_test_${Buffer.from('happy-otter-42.clerk.accounts.dev$').toString('base64')}`);
  // An explicit publishableKey wins; no frontendApi keeps the server's.
  const explicit = await render(client.ConnectClerk(AuthProbe, { frontendApi: 'clerk.example.com', publishableKey: issuer.publishableKey }), data);
  assert.equal(explicit.publishableKey, issuer.publishableKey);
  assert.equal((await render(client.ConnectClerk(AuthProbe), data)).publishableKey, issuer.publishableKey);
});

test('ClerkApp without clerkState in the root loader data fails with Clerk\'s message', async () => {
  const { noClerkStateError, invalidClerkStatePropError } = require('../dist/core/errors.js');
  await assert.rejects(render(client.ClerkApp(AuthProbe), { other: 1 }), (err) => err.message === noClerkStateError);
  await assert.rejects(render(client.ClerkApp(AuthProbe), { clerkState: {} }), (err) => err.message === invalidClerkStatePropError);
});

test('importing the client entry prints nothing (docs/compat.md E1: @clerk/remix prints a deprecation banner)', () => {
  const { spawnSync } = require('node:child_process');
  const printed = (entry) => {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(entry)})`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout + r.stderr;
  };
  assert.equal(printed(require.resolve('../dist/index.js')), '');
  assert.match(printed(require.resolve('@clerk/remix')), /DEPRECATION WARNING/, 'the difference is real');
});

test('sdkMetadata names this package (docs/compat.md E2)', async () => {
  const SdkProbe = () => h('p', { id: 'probe' }, JSON.stringify(client.useClerk().sdkMetadata ?? null));
  const data = await rootLoaderData(issuer.cookieHeader({ session: issuer.sessionToken() }));
  const { version } = require('../package.json');
  assert.deepEqual(await render(client.ClerkApp(SdkProbe), data), { name: 'clerk-remix-native', version });
});
