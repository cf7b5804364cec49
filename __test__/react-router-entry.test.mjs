// The React Router entry beyond the differential test: one native decision per request (with the middleware, and
// without it, also for the Remix entry), no answer carried from one request to another, machine tokens with a machine
// secret key, no keyless mode (RR5), and the deprecated /react-router/ssr.server alias.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';

import { setEnv } from './helpers/env.mjs';
import { importFromWorld, importOurs } from './helpers/reactRouterWorld.mjs';

const require = createRequire(import.meta.url);
const { createLocalIssuer } = require('../dist/testing.js');
const { decisionCount } = require('../dist/core/authenticateRequest.js');
const remix = require('../dist/ssr.server.js');
const ours = await importOurs();
const { RouterContextProvider } = await importFromWorld('react-router');

let issuer;
let restoreEnv;
before(async () => {
  issuer = await createLocalIssuer();
  restoreEnv = setEnv(issuer.env(), { only: 'CLERK_' });
});
after(async () => {
  restoreEnv?.();
  await issuer?.close();
});

const DOCUMENT = { 'sec-fetch-dest': 'document', accept: 'text/html' };
function signedInRequest(userId, url = 'http://localhost:3000/a/b/c') {
  const token = issuer.sessionToken({ userId, sessionId: `sess_${userId}` });
  return new Request(url, { headers: { ...DOCUMENT, cookie: issuer.cookieHeader({ session: token }) } });
}
/** What Remix hands each loader: a copy of the request (it strips `index` / `_routes`), and one context per request. */
const copyOf = (request) => new Request(request.url, { method: request.method, headers: request.headers, signal: request.signal });

test('React Router with the middleware: one decision for the middleware, rootAuthLoader and three getAuth loaders', async () => {
  const request = signedInRequest('user_one');
  const args = { request, params: {}, context: new RouterContextProvider() };
  const before = decisionCount();
  const response = await ours.clerkMiddleware()(args, async () => {
    const [root, ...auths] = await Promise.all([ours.rootAuthLoader(args), ours.getAuth(args), ours.getAuth(args), ours.getAuth(args)]);
    assert.equal(root.clerkState.__internal_clerk_state.__clerk_ssr_state.userId, 'user_one');
    for (const auth of auths) assert.equal(auth.userId, 'user_one');
    return new Response('ok');
  });
  assert.equal(response.status, 200);
  assert.equal(decisionCount() - before, 1);
});

test('React Router without the middleware: the loaders of one request share one decision', async () => {
  const request = signedInRequest('user_two');
  const context = {};
  const before = decisionCount();
  const [root, ...auths] = await Promise.all([
    ours.rootAuthLoader({ request, params: {}, context }),
    ...[1, 2, 3].map(() => ours.getAuth({ request, params: {}, context })),
  ]);
  assert.equal(root.clerkState.__internal_clerk_state.__clerk_ssr_state.userId, 'user_two');
  for (const auth of auths) assert.equal(auth.userId, 'user_two');
  assert.equal(decisionCount() - before, 1);
});

test('Remix: a document request through rootAuthLoader and three nested getAuth loaders makes one decision', async () => {
  const request = signedInRequest('user_three');
  const context = {};
  const before = decisionCount();
  const [root, ...auths] = await Promise.all([
    remix.rootAuthLoader({ request: copyOf(request), params: {}, context }),
    ...[1, 2, 3].map(() => remix.getAuth({ request: copyOf(request), params: {}, context })),
  ]);
  const body = await root.json();
  assert.equal(body.clerkState.__internal_clerk_state.__clerk_ssr_state.userId, 'user_three');
  for (const auth of auths) assert.equal(auth.userId, 'user_three');
  assert.equal(decisionCount() - before, 1);
  // A second request is decided again.
  await remix.getAuth({ request: signedInRequest('user_three'), params: {}, context: {} });
  assert.equal(decisionCount() - before, 2);
});

test('no answer crosses requests, even when an app shares one context object between them', async () => {
  const shared = {};
  const users = Array.from({ length: 20 }, (_, i) => `user_shared_${i}`);
  const answers = await Promise.all(
    users.flatMap((userId) => [
      remix.getAuth({ request: signedInRequest(userId), params: {}, context: shared }).then((a) => [userId, a.userId]),
      ours.getAuth({ request: signedInRequest(userId), params: {}, context: shared }).then((a) => [userId, a.userId]),
    ]),
  );
  for (const [asked, got] of answers) assert.equal(got, asked);
  // A signed-out request after signed-in ones, on the same context, is signed out.
  const anonymous = new Request('http://localhost:3000/a/b/c', { headers: DOCUMENT });
  assert.equal((await remix.getAuth({ request: anonymous, params: {}, context: shared })).userId, null);
});

test('machine tokens: an opaque M2M token is checked with CLERK_MACHINE_SECRET_KEY when set, once per request', async () => {
  const token = issuer.defineMachineToken({ kind: 'm2m_token', subject: 'mch_entry', scopes: ['mch_other'] });
  const restore = setEnv({ CLERK_MACHINE_SECRET_KEY: issuer.machineSecretKey }, { only: 'CLERK_MACHINE_' });
  issuer.resetRequests();
  try {
    const request = new Request('http://localhost:3000/api', { headers: { authorization: `Bearer ${token}` } });
    const args = { request, params: {}, context: new RouterContextProvider() };
    await ours.clerkMiddleware()(args, async () => {
      const m2m = await ours.getAuth(args, { acceptsToken: 'm2m_token' });
      assert.deepEqual(
        { tokenType: m2m.tokenType, isAuthenticated: m2m.isAuthenticated, machineId: m2m.machineId, scopes: m2m.scopes },
        { tokenType: 'm2m_token', isAuthenticated: true, machineId: 'mch_entry', scopes: ['mch_other'] },
      );
      assert.equal(await m2m.getToken(), token);
      // Asked for session tokens (the default), the same request is a signed-out session.
      const session = await ours.getAuth(args);
      assert.deepEqual({ tokenType: session.tokenType, userId: session.userId }, { tokenType: 'session_token', userId: null });
      return new Response(null, { status: 204 });
    });
    const checks = issuer.requests.filter((r) => r.path === '/m2m_tokens/verify');
    assert.equal(checks.length, 1);
    assert.equal(checks[0].headers.authorization, `Bearer ${issuer.machineSecretKey}`);
  } finally {
    restore();
  }
});

test('no keyless mode (RR5): without a secret key, Clerk\'s noSecretKeyError of @clerk/react-router', async () => {
  const restore = setEnv({ CLERK_SECRET_KEY: null }, { only: 'CLERK_' });
  try {
    const args = { request: signedInRequest('user_four'), params: {}, context: new RouterContextProvider() };
    await assert.rejects(ours.clerkMiddleware()(args, async () => new Response('never')), (err) => {
      assert.match(err.message, /^🔒 Clerk: A secretKey must be provided in order to use SSR and the exports from @clerk\/react-router\/api/);
      return true;
    });
  } finally {
    restore();
  }
});

test('the deprecated /react-router/ssr.server alias: getAuth and rootAuthLoader, with a deprecation warning', async () => {
  const warnings = [];
  const warn = console.warn;
  console.warn = (...a) => warnings.push(a.join(' '));
  let alias;
  try {
    alias = await importOurs('ssr.server');
  } finally {
    console.warn = warn;
  }
  assert.equal(alias.getAuth, ours.getAuth);
  assert.equal(alias.rootAuthLoader, ours.rootAuthLoader);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /deprecated/);
});
