// Auth objects: differential against @clerk/backend@2.33.8's own signedInAuthObject / signedOutAuthObject /
// getAuthObjectFromJwt and authenticateRequest(...).toAuth(), over v1/v2 org claims, fea/per/fpm, actor, pending,
// fva and a table of has() queries; getToken() against a local Backend API stand-in (both implementations call it).
// Build first: npx tsc -p ts
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

import {
  authObjectFromClaims,
  authObjectFromSignedOutState,
  betaAuth,
  ClerkAPIResponseError,
  signedInAuthObject,
  signedOutAuthObject,
  splitByScope,
} from '../dist/core/authObject.js';
import { typeTag } from './helpers/oracle.mjs';
import { generateRsaKey, sessionClaims, signJwt } from './helpers/tokens.mjs';

const require = createRequire(import.meta.url);
const clerk = require('@clerk/backend/internal');
const { createClerkClient } = require('@clerk/backend');
const { splitByScope: clerkSplitByScope } = require('@clerk/shared/authorization');
// `debug()` follows @clerk/backend 3.x in both entries (it cuts the session token and the other request secrets that
// 2.x showed whole; docs/compat.md D1): compared with 3.x's objects, from the React Router workspace.
const clerk3 = createRequire(new URL('../ts/react-router/package.json', import.meta.url))('@clerk/backend/internal');

const json = (v) => JSON.parse(JSON.stringify(v));

/** Asserts ours and theirs serialise the same, list keys in the same order, and have the same value types. */
function assertSameShape(ours, theirs, label) {
  assert.deepStrictEqual(json(ours), json(theirs), `${label}: JSON`);
  assert.deepStrictEqual(Object.keys(ours), Object.keys(theirs), `${label}: key order`);
  // Value types, with null, undefined and arrays told apart.
  for (const k of Object.keys(theirs)) assert.equal(typeTag(ours[k]), typeTag(theirs[k]), `${label}: type of ${k}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Claim variants

const ORGS = {
  none: {},
  v1Org: { org_id: 'org_1', org_role: 'org:admin', org_slug: 'acme', org_permissions: ['org:sys_memberships:read', 'org:dashboard:read'] },
  v1OrgBareRole: { org_id: 'org_1', org_role: 'admin', org_slug: 'acme', org_permissions: ['dashboard:read'] },
  v1OrgNoPerms: { org_id: 'org_1', org_role: 'org:member' },
  v1WithV2Claims: { o: { id: 'org_ignored', rol: 'admin' } },
  v2NoOrg: { v: 2, fea: 'u:profile', pla: 'u:pro' },
  v2Worked: { v: 2, fea: 'o:dashboard,o:billing', o: { id: 'org_2', slg: 'acme', rol: 'admin', per: 'read,manage', fpm: '3,1' } },
  v2Mixed: { v: 2, fea: 'o:dashboard,u:profile,uo:shared, o:billing', pla: 'u:pro,o:team', o: { id: 'org_3', slg: 's', rol: 'member', per: 'read, manage,delete', fpm: '5,7,2' } },
  v2NoRol: { v: 2, fea: 'o:dashboard', o: { id: 'org_4', per: 'read', fpm: '1' } },
  v2NoPer: { v: 2, fea: 'o:dashboard', o: { id: 'org_5', rol: 'admin', fpm: '1' } },
  v2NoFpm: { v: 2, fea: 'o:dashboard', o: { id: 'org_6', rol: 'admin', per: 'read' } },
  v2ShortFpm: { v: 2, fea: 'o:a,o:b,o:c', o: { id: 'org_7', rol: 'admin', per: 'read,write', fpm: '2' } },
  v2WeirdFpm: { v: 2, fea: 'o:a,o:b,o:c,o:d', o: { id: 'org_8', rol: 'admin', per: 'read,write', fpm: '-3,x,8,1' } },
  v2NoColon: { v: 2, fea: 'dashboard,o:billing', o: { id: 'org_9', rol: 'admin', per: 'read', fpm: '1,1' } },
  v2EmptyFea: { v: 2, fea: '', o: { id: 'org_10', rol: 'org:admin', per: 'read', fpm: '1' } },
  v2StringV: { v: '2', o: { id: 'org_11' }, org_id: 'org_v1' },
};
const FVAS = { none: undefined, fresh: [0, 0], mid: [30, 2], stale2: [2, 30], old: [100, 100], only1: [5, -1], only2: [-1, 5],
  neither: [-1, -1], edge10: [10, 10], edge60: [9, 60], edge1440: [1440, -1], short: [1], strings: ['1', 2], triple: [1, 2, 3], negative: [-2, 1], inf: [Infinity, 1], nullish: null };
const EXTRAS = { plain: {}, actor: { act: { sub: 'user_admin', iss: 'https://dashboard.clerk.com' } }, active: { sts: 'active' },
  plansOnly: { pla: 'u:pro,o:team' }, userFea: { fea: 'u:profile,o:dashboard' } };

function* claimVariants() {
  for (const [orgName, org] of Object.entries(ORGS)) {
    for (const [fvaName, fva] of Object.entries(FVAS)) {
      for (const [extraName, extra] of Object.entries(EXTRAS)) {
        const claims = { azp: 'http://localhost:3000', exp: 2e9, iat: 1.9e9, iss: 'https://clerk.example.com', nbf: 1.9e9,
          sid: 'sess_1', sub: 'user_1', ...extra, ...org };
        if (fva !== undefined) claims.fva = fva;
        yield [`${orgName}/${fvaName}/${extraName}`, claims];
      }
    }
  }
}

const QUERIES = [
  {}, { foo: 1 }, { role: undefined },
  ...['admin', 'org:admin', 'org:org:admin', 'member', 'org:member', 'ADMIN', '', 'org:'].map((role) => ({ role })),
  ...['org:dashboard:read', 'dashboard:read', 'org:dashboard:manage', 'org:billing:read', 'org:billing:manage', 'billing:read',
    'org:sys_memberships:read', 'org:shared:manage', 'org:a:read', 'org:b:write', 'org:c:read', 'org:d:read', 'org:d:write',
    'org:undefined:read', 'org:billing:delete', ''].map((permission) => ({ permission })),
  ...['dashboard', 'org:dashboard', 'user:dashboard', 'profile', 'user:profile', 'org:profile', 'billing', 'shared', 'org:shared',
    'user:shared', '', 'org:', 'user:', 'u:profile', 'x:profile', 'o:dashboard', 'undefined'].map((feature) => ({ feature })),
  ...['pro', 'user:pro', 'org:pro', 'team', 'org:team', 'user:team', ''].map((plan) => ({ plan })),
  ...['strict_mfa', 'strict', 'moderate', 'lax', 'bogus', '', null,
    { level: 'first_factor', afterMinutes: 10 }, { level: 'first_factor', afterMinutes: 1 }, { level: 'second_factor', afterMinutes: 10 },
    { level: 'second_factor', afterMinutes: 3 }, { level: 'multi_factor', afterMinutes: 100 }, { level: 'multi_factor', afterMinutes: 31 },
    { level: 'first_factor', afterMinutes: 0 }, { level: 'x', afterMinutes: 10 }, { afterMinutes: 10 }, { level: 'first_factor' },
    { level: 'first_factor', afterMinutes: '10' }, { level: 'second_factor', afterMinutes: 1e9 }].map((reverification) => ({ reverification })),
  { role: 'admin', permission: 'org:dashboard:read' }, { role: 'member', permission: 'org:dashboard:read' },
  { role: 'admin', feature: 'dashboard' }, { permission: 'org:dashboard:read', plan: 'pro' }, { feature: 'profile', plan: 'pro' },
  { feature: 'profile', plan: 'team' }, { role: 'admin', reverification: 'strict' }, { plan: 'pro', reverification: 'lax' },
  { role: null }, { permission: 1 }, { feature: 1 }, { plan: {} }, { role: 'admin', permission: null }, { feature: 'profile', plan: null },
];

const CONTEXT = { secretKey: 'sk_test_abcdefghijklmnop', apiUrl: 'https://api.clerk.com', jwtKey: '-----BEGIN PUBLIC KEY-----xyz',
  publishableKey: 'pk_test_Zm9v', domain: '', isSatellite: false, proxyUrl: '' };

test('splitByScope matches @clerk/shared', () => {
  for (const fea of ['', undefined, null, 'o:a', 'u:a,o:b', 'uo:a, ou:b ,x:c', 'a,b:c', 'o:a:b', ':a', 'o:', ' o:a ']) {
    assert.deepStrictEqual(splitByScope(fea), clerkSplitByScope(fea), String(fea));
  }
});

test('signedInAuthObject equals @clerk/backend for every claim variant (JSON, key order, debug, has table, getToken)', async () => {
  let objects = 0;
  let hasCalls = 0;
  const results = new Set();
  for (const [label, claims] of claimVariants()) {
    const theirs = clerk.signedInAuthObject(CONTEXT, 'raw.session.token', claims);
    const ours = signedInAuthObject(claims, 'raw.session.token', CONTEXT);
    assertSameShape(ours, theirs, label);
    // 3.x throws while building the object for a malformed `fea` (a feature without its scope colon): 2.x, and both
    // entries here, read it (docs/compat.md R-fea); its debug() is compared where 3.x builds one.
    let theirs3;
    try {
      theirs3 = clerk3.signedInAuthObject(CONTEXT, 'raw.session.token', claims);
    } catch {
      theirs3 = undefined;
    }
    if (theirs3) {
      assert.deepStrictEqual(ours.debug(), theirs3.debug(), `${label}: debug`);
      assert.deepStrictEqual(Object.keys(ours.debug()), Object.keys(theirs3.debug()), `${label}: debug keys`);
    }
    assert.equal(ours.debug().sessionToken, 'raw.ses', `${label}: the session token is cut to 7 characters`);
    assert.equal(ours.sessionClaims, claims, `${label}: sessionClaims is the payload itself`);
    assert.equal(await ours.getToken(), await theirs.getToken(), `${label}: getToken()`);
    assert.equal(await ours.getToken({}), 'raw.session.token');
    for (const q of QUERIES) {
      const expected = theirs.has(q);
      assert.equal(ours.has(q), expected, `${label}: has(${JSON.stringify(q)})`);
      results.add(expected);
      hasCalls++;
    }
    objects++;
  }
  assert.ok(objects > 1000, `${objects} objects`);
  assert.ok(hasCalls > 90000, `${hasCalls} has() calls`);
  assert.deepEqual([...results].sort(), [false, true]);
});

test('v2 worked example and undefined-vs-null rules', () => {
  const ours = signedInAuthObject({ sid: 's', sub: 'u', v: 2, fea: 'o:dashboard,o:billing', o: { id: 'org_2', slg: 'acme', rol: 'admin', per: 'read,manage', fpm: '3,1' } }, 't');
  assert.deepEqual(ours.orgPermissions, ['org:dashboard:read', 'org:dashboard:manage', 'org:billing:read']);
  assert.equal(ours.orgRole, 'org:admin');
  assert.equal(ours.has({ role: 'admin' }), true);
  assert.equal(ours.has({ permission: 'dashboard:manage' }), true);
  assert.equal(ours.has({ permission: 'billing:manage' }), false);
  const bare = signedInAuthObject({ sid: 's', sub: 'u' }, 't');
  for (const k of ['actor', 'orgId', 'orgRole', 'orgSlug', 'orgPermissions']) {
    assert.ok(k in bare);
    assert.equal(bare[k], undefined, k);
  }
  assert.equal(bare.sessionStatus, null);
  assert.equal(bare.factorVerificationAge, null);
  assert.deepEqual(Object.keys(bare), ['tokenType', 'actor', 'sessionClaims', 'sessionId', 'sessionStatus', 'userId', 'orgId', 'orgRole',
    'orgSlug', 'orgPermissions', 'factorVerificationAge', 'getToken', 'has', 'debug', 'isAuthenticated']);
  assert.equal(bare.has({}), false);
  assert.deepEqual(bare.debug(), clerk3.signedInAuthObject({}, 't', { sid: 's', sub: 'u' }).debug());
  assert.equal(bare.debug().sessionToken, 't');
});

test('signedOutAuthObject equals @clerk/backend (with and without debug data and status)', async () => {
  const inputs = [[], [undefined, 'pending'], [{ ...CONTEXT, status: 'signed-out', reason: 'session-token-and-uat-missing', message: '' }],
    [{ secretKey: 'short' }, 'active'], [{}, null]];
  for (const args of inputs) {
    const theirs = clerk.signedOutAuthObject(...args);
    const ours = signedOutAuthObject(...args);
    const theirs3 = clerk3.signedOutAuthObject(...args);
    const label = JSON.stringify(args);
    assertSameShape(ours, theirs, label);
    assert.deepStrictEqual(ours.debug(), theirs3.debug(), `${label}: debug`);
    assert.deepStrictEqual(Object.keys(ours.debug()), Object.keys(theirs3.debug()), `${label}: debug keys`);
    assert.equal(await ours.getToken(), null);
    assert.equal(await ours.getToken({ template: 'x' }), null);
    for (const q of QUERIES) assert.equal(ours.has(q), theirs.has(q));
  }
  assert.deepEqual(Object.keys(signedOutAuthObject()), ['tokenType', 'sessionClaims', 'sessionId', 'sessionStatus', 'userId', 'actor',
    'orgId', 'orgRole', 'orgSlug', 'orgPermissions', 'factorVerificationAge', 'getToken', 'has', 'debug', 'isAuthenticated']);
});

test('authObjectFromSignedOutState: debug carries context + status/reason/message, as signedOut().toAuth()', () => {
  const ours = authObjectFromSignedOutState(CONTEXT, 'token-expired', 'JWT is expired.');
  const theirs = clerk.signedOutAuthObject({ ...CONTEXT, status: 'signed-out', reason: 'token-expired', message: 'JWT is expired.' });
  assertSameShape(ours, theirs, 'signed-out state');
  assert.deepStrictEqual(ours.debug(), clerk3.signedOutAuthObject({ ...CONTEXT, status: 'signed-out', reason: 'token-expired', message: 'JWT is expired.' }).debug());
  const keys = Object.keys(ours.debug());
  assert.deepEqual(keys.slice(keys.indexOf('status'), keys.indexOf('status') + 3), ['status', 'reason', 'message']);
  assert.equal(ours.debug().secretKey, 'sk_test');
  assert.equal(authObjectFromSignedOutState({}, 'r').debug().message, '');
});

test('pending sessions: signed-out with sessionStatus pending; same as getAuthObjectFromJwt except debug data', () => {
  for (const [label, claims] of claimVariants()) {
    if (!label.endsWith('/plain')) continue;
    const pending = { ...claims, sts: 'pending' };
    const theirs = clerk.getAuthObjectFromJwt({ raw: { text: 'tok' }, payload: pending }, { ...CONTEXT });
    const ours = authObjectFromClaims(pending, 'tok', CONTEXT);
    assertSameShape(ours, theirs, label);
    assert.equal(ours.sessionStatus, 'pending');
    assert.equal(ours.isAuthenticated, false);
    // requestState.toAuth() (what Remix calls) passes no debug data for a pending session.
    assert.deepStrictEqual(ours.debug(), clerk3.signedOutAuthObject(undefined, 'pending').debug());
    for (const q of QUERIES) assert.equal(ours.has(q), false);
    const kept = authObjectFromClaims(pending, 'tok', CONTEXT, { treatPendingAsSignedOut: false });
    const keptTheirs = clerk.getAuthObjectFromJwt({ raw: { text: 'tok' }, payload: pending }, { ...CONTEXT, treatPendingAsSignedOut: false });
    assertSameShape(kept, keptTheirs, `${label} kept`);
    assert.equal(kept.isAuthenticated, true);
    assert.equal(kept.sessionStatus, 'pending');
  }
  const active = authObjectFromClaims({ sid: 's', sub: 'u', sts: 'active' }, 't', CONTEXT);
  assert.equal(active.isAuthenticated, true);
});

test('end to end: authenticateRequest(...).toAuth() of real tokens equals authObjectFromClaims', async () => {
  const key = generateRsaKey();
  const publishableKey = `pk_live_${Buffer.from('clerk.example.com$').toString('base64')}`;
  const client = createClerkClient({ secretKey: 'sk_live_abcdefghij', publishableKey, jwtKey: key.pem });
  const variants = [{}, ORGS.v1Org, ORGS.v2Worked, ORGS.v2Mixed, { ...ORGS.v2Worked, act: { sub: 'user_a' }, fva: [3, 20] }, { sts: 'pending', ...ORGS.v2Worked },
    { sts: 'active', fva: [-1, -1] }];
  for (const extra of variants) {
    const claims = sessionClaims(extra);
    const token = signJwt({ key, claims });
    const state = await client.authenticateRequest(new Request('http://localhost:3000/', { headers: { authorization: `Bearer ${token}` } }));
    assert.equal(state.status, 'signed-in', JSON.stringify(extra));
    const theirs = state.toAuth();
    const ours = authObjectFromClaims(claims, token, { secretKey: 'sk_live_abcdefghij', jwtKey: key.pem });
    assertSameShape(ours, theirs, JSON.stringify(extra));
    assert.equal(await ours.getToken(), await theirs.getToken());
    for (const q of QUERIES) assert.equal(ours.has(q), theirs.has(q), `${JSON.stringify(extra)} has(${JSON.stringify(q)})`);
    if (extra.sts === 'pending') assert.deepStrictEqual(ours.debug(), clerk3.signedOutAuthObject(undefined, 'pending').debug());
    else assert.equal(ours.debug().sessionToken, theirs.debug().sessionToken.slice(0, 7));
  }
});

// ---------------------------------------------------------------------------------------------------------------
// getToken(): both implementations against one local Backend API stand-in

let server;
let baseUrl;
const seen = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url.includes('/tokens/missing')) {
        res.writeHead(404, { 'content-type': 'application/json', 'retry-after': '7' });
        res.end(JSON.stringify({ errors: [{ code: 'resource_not_found', message: 'not found', long_message: 'Template not found' }], clerk_trace_id: 'trace_1' }));
        return;
      }
      if (req.url.includes('/tokens/text')) {
        res.writeHead(500, { 'content-type': 'text/plain', 'cf-ray': 'ray_1' });
        res.end('boom');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'token', jwt: `minted:${req.url}:${body}` }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

async function settle(promise) {
  try {
    return { value: await promise };
  } catch (err) {
    return { err };
  }
}

/** One getToken call through each implementation; returns the two outcomes and the two recorded requests. */
async function bothGetToken(options, context = { secretKey: 'sk_test_bapi', apiUrl: baseUrl }, claims = { sid: 'sess_42', sub: 'user_1' }) {
  seen.length = 0;
  const theirs = await settle(clerk.signedInAuthObject(context, 'raw', claims).getToken(options));
  const theirReq = seen.shift();
  const ours = await settle(signedInAuthObject(claims, 'raw', context).getToken(options));
  const ourReq = seen.shift();
  return { theirs, ours, theirReq, ourReq };
}

const comparable = (r) => r && {
  method: r.method,
  url: r.url,
  body: r.body,
  authorization: r.headers.authorization,
  apiVersion: r.headers['clerk-api-version'],
  contentType: r.headers['content-type'],
};

test('getToken({template}) / ({expiresInSeconds}): same request and result as @clerk/backend', async () => {
  const cases = [{ template: 'supabase' }, { template: 'supabase', expiresInSeconds: 60 }, { expiresInSeconds: 120 }, { expiresInSeconds: 0 },
    { template: 'a b' }, { template: '' }, { template: undefined, expiresInSeconds: undefined }];
  for (const options of cases) {
    const { theirs, ours, theirReq, ourReq } = await bothGetToken(options);
    assert.deepStrictEqual(ours, theirs, JSON.stringify(options));
    assert.deepStrictEqual(comparable(ourReq), comparable(theirReq), JSON.stringify(options));
  }
  const { ourReq } = await bothGetToken({ template: 'supabase', expiresInSeconds: 60 });
  assert.equal(ourReq.method, 'POST');
  assert.equal(ourReq.url, '/v1/sessions/sess_42/tokens/supabase');
  assert.equal(ourReq.body, '{"expires_in_seconds":60}');
  assert.equal(ourReq.headers.authorization, 'Bearer sk_test_bapi');
  assert.equal(ourReq.headers['clerk-api-version'], '2025-11-10');
  assert.equal(ourReq.headers['content-type'], 'application/json');
  assert.match(ourReq.headers['user-agent'], /^clerk-remix-native\/\d+\.\d+\.\d+/);
  // apiVersion and userAgent from the context.
  seen.length = 0;
  await signedInAuthObject({ sid: 's1', sub: 'u' }, 'raw', { secretKey: 'sk', apiUrl: `${baseUrl}/`, apiVersion: 'v2', userAgent: 'ua/1' }).getToken({ template: 't' });
  assert.equal(seen[0].url, '/v2/sessions/s1/tokens/t');
  assert.equal(seen[0].headers['user-agent'], 'ua/1');
});

test('getToken: API errors, network errors and a missing secret key reject like @clerk/backend', async () => {
  {
    const { theirs, ours } = await bothGetToken({ template: 'missing' });
    assert.ok(ours.err instanceof ClerkAPIResponseError);
    for (const k of ['message', 'status', 'clerkTraceId', 'retryAfter', 'code', 'clerkError']) assert.deepStrictEqual(ours.err[k], theirs.err[k], k);
    assert.deepStrictEqual(ours.err.errors.map((e) => [e.code, e.message, e.longMessage]), theirs.err.errors.map((e) => [e.code, e.message, e.longMessage]));
    assert.equal(ours.err.status, 404);
    assert.equal(ours.err.clerkTraceId, 'trace_1');
  }
  {
    const { theirs, ours } = await bothGetToken({ template: 'text' });
    for (const k of ['message', 'status', 'clerkTraceId', 'retryAfter']) assert.deepStrictEqual(ours.err[k], theirs.err[k], k);
    assert.deepStrictEqual(ours.err.errors, []);
    assert.equal(theirs.err.errors.length, 0);
  }
  {
    const { theirs, ours } = await bothGetToken({ template: 't' }, { secretKey: 'sk', apiUrl: 'http://127.0.0.1:1' });
    assert.equal(ours.err.errors[0].code, theirs.err.errors[0].code);
    assert.equal(ours.err.errors[0].message, theirs.err.errors[0].message);
    assert.equal(ours.err.status, theirs.err.status);
  }
  {
    const { theirs, ours } = await bothGetToken({ template: 't' }, { apiUrl: baseUrl });
    assert.equal(ours.err.message, theirs.err.message);
    assert.match(ours.err.message, /^Missing Clerk Secret Key\./);
  }
  {
    // No sid: null without a request, as Clerk.
    const { theirs, ours, ourReq } = await bothGetToken({ template: 't' }, undefined, { sub: 'user_1' });
    assert.deepStrictEqual(ours, theirs);
    assert.equal(ours.value, null);
    assert.equal(ourReq, undefined);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Deliberate differences

test('differences: has() without an argument is false (Clerk throws a TypeError)', () => {
  const theirs = clerk.signedInAuthObject(CONTEXT, 't', { sid: 's', sub: 'u' });
  assert.throws(() => theirs.has(), TypeError);
  const ours = signedInAuthObject({ sid: 's', sub: 'u' }, 't', CONTEXT);
  assert.equal(ours.has(), false);
  assert.equal(ours.has(null), false);
});

test('differences: malformed v2 fea/per/fpm (non-strings) give no permissions instead of a TypeError', () => {
  const claims = { sid: 's', sub: 'u', v: 2, fea: 42, o: { id: 'org', rol: 'admin', per: ['read'], fpm: 1 } };
  assert.throws(() => clerk.signedInAuthObject(CONTEXT, 't', claims), TypeError);
  const ours = signedInAuthObject(claims, 't', CONTEXT);
  assert.deepEqual(ours.orgPermissions, []);
  assert.equal(ours.orgRole, 'org:admin');
  assert.equal(ours.has({ feature: 'x' }), false);
});

test('differences: the template name is URL-encoded in the Backend API path (Clerk inserts it raw)', async () => {
  const { theirReq, ourReq } = await bothGetToken({ template: 'a/b?c' });
  assert.equal(theirReq.url, '/v1/sessions/sess_42/tokens/a/b?c');
  assert.equal(ourReq.url, '/v1/sessions/sess_42/tokens/a%2Fb%3Fc');
});

// ---------------------------------------------------------------------------------------------------------------
// 2022 beta shape

test('betaAuth: { userId, sessionId, getToken } when signed in, nulls otherwise (pending included)', async () => {
  const signedIn = betaAuth(signedInAuthObject({ sid: 'sess_1', sub: 'user_1' }, 'raw'));
  assert.deepEqual(Object.keys(signedIn), ['userId', 'sessionId', 'getToken']);
  assert.deepEqual(json(signedIn), { userId: 'user_1', sessionId: 'sess_1' });
  assert.equal(await signedIn.getToken(), 'raw');

  const signedOut = betaAuth(signedOutAuthObject());
  assert.deepEqual(Object.keys(signedOut), ['sessionId', 'userId', 'getToken']);
  assert.deepEqual(json(signedOut), { sessionId: null, userId: null });
  assert.equal(await signedOut.getToken(), null);

  const pending = betaAuth(authObjectFromClaims({ sid: 'sess_1', sub: 'user_1', sts: 'pending' }, 'raw'));
  assert.deepEqual(json(pending), { sessionId: null, userId: null });
  assert.equal(await pending.getToken(), null);
});
