// loadOptions / errors / helpers: differential against @clerk/remix@4.13.49's own loadOptions and error strings,
// on env / context / override / request combinations (process.env is cleared of CLERK_* and restored per case).
// Build first: npx tsc -p ts
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  apiUrlFromPublishableKey,
  buildPublishableKey,
  clerkUrlOf,
  envReader,
  getEnvVariable,
  handleValueOrFn,
  isTruthy,
  loadOptions,
} from '../dist/core/loadOptions.js';
import * as errors from '../dist/core/errors.js';
import { withEnv as withProcessEnv } from './helpers/env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const clerkRemix = (p) => require(path.join(root, 'node_modules/@clerk/remix/dist', p));
const { loadOptions: clerkLoadOptions } = clerkRemix('ssr/loadOptions.js');
const { getEnvVariable: clerkGetEnvVariable } = clerkRemix('utils/utils.js');
const clerkErrors = clerkRemix('utils/errors.js');
const { isTruthy: clerkIsTruthy } = require('@clerk/shared/underscore');
const { handleValueOrFn: clerkHandleValueOrFn } = require('@clerk/shared/utils');
const { apiUrlFromPublishableKey: clerkApiUrlFromPublishableKey } = require('@clerk/shared/apiUrlFromPublishableKey');
const { buildPublishableKey: clerkBuildPublishableKey, parsePublishableKey } = require('@clerk/shared/keys');
const { createClerkRequest } = require('@clerk/backend/internal');

// ---------------------------------------------------------------------------------------------------------------
// Environment isolation

const BETA_NAMES = ['CLERK_API_KEY', 'CLERK_FRONTEND_API', 'CLERK_API_VERSION'];

/** Runs fn with process.env holding no CLERK_* variable except `vars`, and `globals` set on globalThis; restores both. */
function withEnv(vars, fn, globals = {}) {
  const savedGlobals = {};
  for (const [k, v] of Object.entries(globals)) {
    savedGlobals[k] = Object.getOwnPropertyDescriptor(globalThis, k);
    globalThis[k] = v;
  }
  try {
    return withProcessEnv(vars, fn, { only: 'CLERK_' });
  } finally {
    for (const [k, d] of Object.entries(savedGlobals)) {
      if (d) Object.defineProperty(globalThis, k, d);
      else delete globalThis[k];
    }
  }
}

const outcome = (fn) => {
  try {
    return { value: fn() };
  } catch (err) {
    return { error: { name: err?.constructor?.name, message: err?.message } };
  }
};

/** Runs both loadOptions on the same inputs; returns [clerk, ours] outcomes (ours without apiVersion) and our apiVersion. */
function runBoth({ env = {}, globals = {}, context = {}, overrides, url = 'http://localhost:3000/page?x=1', headers = {} }) {
  const args = () => ({ request: new Request(url, { headers }), context, params: {} });
  return withEnv(
    env,
    () => {
      const theirs = outcome(() => (overrides === undefined ? clerkLoadOptions(args()) : clerkLoadOptions(args(), overrides)));
      const ours = outcome(() => (overrides === undefined ? loadOptions(args()) : loadOptions(args(), overrides)));
      let apiVersion;
      if (ours.value) {
        apiVersion = ours.value.apiVersion;
        ours.value = { ...ours.value };
        delete ours.value.apiVersion;
      }
      return { theirs, ours, apiVersion };
    },
    globals,
  );
}

function assertSame(input, label) {
  const { theirs, ours, apiVersion } = runBoth(input);
  assert.deepStrictEqual(ours, theirs, label);
  if (theirs.value) {
    assert.deepStrictEqual(Object.keys(ours.value), Object.keys(theirs.value), `${label}: key order`);
    assert.equal(typeof apiVersion, 'string', `${label}: apiVersion`);
  }
  return { theirs, ours, apiVersion };
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

const pk = (prefix, host) => `${prefix}${Buffer.from(`${host}$`).toString('base64')}`;
const PKS = {
  live: pk('pk_live_', 'clerk.example.com'),
  test: pk('pk_test_', 'fine-hawk-12.clerk.accounts.dev'),
  legacyDev: pk('pk_test_', 'clerk.happy.hippo-1.lcl.dev'),
  local: pk('pk_test_', 'foo-bar-1.accounts.lclclerk.com'),
  lclstage: pk('pk_test_', 'foo.xlclstage.dev'),
  staging: pk('pk_test_', 'foo-bar-1.clerk.accountsstage.dev'),
  badBase64: 'pk_live_%%%',
  noDollar: `pk_live_${Buffer.from('clerk.example.com').toString('base64')}`,
  twoDollars: pk('pk_live_', 'clerk.exa$mple.com'),
  noDot: pk('pk_live_', 'localhost'),
  fourParts: `pk_live_${Buffer.from('clerk.example.com$').toString('base64')}_x`,
  wrongPrefix: pk('pk_prod_', 'clerk.example.com'),
  empty: '',
};

// ---------------------------------------------------------------------------------------------------------------
// Errors

test('errors: every @clerk/remix error string is identical', () => {
  const names = Object.keys(clerkErrors).sort();
  assert.deepEqual(names, [
    'invalidClerkStatePropError',
    'invalidRootLoaderCallbackReturn',
    'noClerkStateError',
    'noLoaderArgsPassedInGetAuth',
    'noSecretKeyError',
    'publishableKeyMissingErrorInSpaMode',
    'satelliteAndMissingProxyUrlAndDomain',
    'satelliteAndMissingSignInUrl',
  ]);
  for (const name of names) assert.equal(errors[name], clerkErrors[name], name);
  assert.ok(errors.noSecretKeyError.includes("@clerk/remix/api.');\n"));
  assert.ok(errors.noSecretKeyError.startsWith('\u{1F512} Clerk: A secretKey'));
  assert.ok(errors.noSecretKeyError.endsWith('https://clerk.com/discord\n\n'));
});

test('errors: 2022 beta messages use the old template', () => {
  const tail = '\n\nFor more info, check out the docs: https://docs.clerk.dev,\nor come say hi in our discord server: https://rebrand.ly/clerk-discord\n\n';
  assert.equal(
    errors.betaNoRequestPassedInGetAuth,
    "\u{1F512} Clerk: You're calling 'getAuth()' from a loader, without providing the 'request' object.\nExample:\n\nexport const loader: LoaderFunction = async ({request}) => {\n  const { sessionId } = await getAuth(request);\n  ...\n};" + tail,
  );
  assert.equal(
    errors.betaInvalidRootLoaderCallbackResponseReturn,
    "\u{1F512} Clerk: You're returning an invalid 'Response' object from the 'rootAuthLoader' in root.tsx.\nYou can return numbers, strings, objects, booleans, and redirect 'Response' objects (status codes in the range of 300 to 400)" + tail,
  );
  assert.ok(errors.betaInvalidRootLoaderCallbackReturn.endsWith('    return { data: posts };\n})' + tail));
  assert.ok(errors.betaNoFrontendApiError.startsWith('\u{1F512} Clerk: The CLERK_FRONTEND_API environment variable must be set before using Clerk.\n'));
  assert.equal(errors.createErrorMessage('  x \n'), clerkErrors.noSecretKeyError.replace(/^🔒 Clerk: [\s\S]*?\n\nFor more/, '🔒 Clerk: x\n\nFor more'));
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers

test('isTruthy matches @clerk/shared', () => {
  const values = [true, false, null, undefined, 'true', 'TRUE', 'True', 'false', 'FALSE', '1', '0', '-1', '2', ' 3', '3x',
    'x3', 'yes', 'no', '', ' ', 'on', '0.5', '1.5', '01', 0, 1, -1, 2.5, 0.9, NaN, Infinity, {}, [], [1], ['0']];
  for (const v of values) assert.equal(isTruthy(v), clerkIsTruthy(v), `isTruthy(${JSON.stringify(v)})`);
});

test('handleValueOrFn matches @clerk/shared', () => {
  const url = new URL('https://example.com/a');
  const cases = [[undefined], [undefined, 'dflt'], ['v'], ['', 'dflt'], [false, true], [null, 'dflt'], [0, 1],
    [(u) => u.hostname], [(u) => u.pathname, 'dflt'], [() => undefined, 'dflt']];
  for (const [value, dflt] of cases) {
    const a = dflt === undefined ? handleValueOrFn(value, url) : handleValueOrFn(value, url, dflt);
    const b = dflt === undefined ? clerkHandleValueOrFn(value, url) : clerkHandleValueOrFn(value, url, dflt);
    assert.deepEqual(a, b, String(value));
  }
});

test('apiUrlFromPublishableKey matches @clerk/shared on valid, dev, local, staging and invalid keys', () => {
  const extra = [pk('pk_test_', 'x.lcl.dev'), pk('pk_test_', 'clerk.x.lclstage.dev'), pk('pk_test_', 'clerk.x.lclclerk.com'),
    pk('pk_test_', 'a.accounts.lclclerk.com'), pk('pk_live_', 'clerk.lcl.dev.example.com'), pk('pk_test_', 'x.accountsstage.dev'),
    'pk_test_', 'pk_live_=', 'sk_live_x', undefined, null];
  for (const key of [...Object.values(PKS), ...extra]) {
    assert.equal(apiUrlFromPublishableKey(key), clerkApiUrlFromPublishableKey(key), String(key));
  }
  assert.equal(apiUrlFromPublishableKey(PKS.local), 'https://api.lclclerk.com');
  assert.equal(apiUrlFromPublishableKey(PKS.staging), 'https://api.clerkstage.dev');
});

test('buildPublishableKey matches @clerk/shared on hosts, and the result parses back to the host', () => {
  const hosts = ['clerk.example.com', 'fine-hawk-12.clerk.accounts.dev', 'FINE-HAWK-1.clerk.accountsstage.dev',
    'foo-bar-123.clerk.accounts.dev', 'clerk.happy.hippo-1.lcl.dev', 'clerk.x.lclstage.dev', 'clerk.x.lclclerk.com',
    'x.lcl.dev', 'foo-bar-1.clerk.accounts.lclclerk.com', 'clerk.accounts.dev', 'a-b-1.clerk.accountsxdev'];
  for (const host of hosts) {
    assert.equal(buildPublishableKey(host), clerkBuildPublishableKey(host), host);
    assert.equal(parsePublishableKey(buildPublishableKey(host)).frontendApi, host);
  }
  // Tolerated spellings of the beta value.
  assert.equal(buildPublishableKey(' https://clerk.example.com/ '), clerkBuildPublishableKey('clerk.example.com'));
  assert.equal(buildPublishableKey(''), '');
});

test('getEnvVariable matches @clerk/remix on every lookup step', () => {
  const contexts = [
    undefined, null, {}, { cloudflare: {} }, { cloudflare: { env: {} } }, { cloudflare: { env: { CLERK_X: 'cf' } } },
    { cloudflare: { env: { CLERK_X: '' } }, env: { CLERK_X: 'env' } }, { cloudflare: { env: {} }, CLERK_X: 'ctx' },
    { env: {} }, { env: { CLERK_X: 'env' } }, { env: { CLERK_X: '' }, CLERK_X: 'ctx' }, { CLERK_X: 'ctx' },
    { CLERK_X: 42 }, { env: null, CLERK_X: 'ctx' }, { cloudflare: null, CLERK_X: 'ctx' },
  ];
  for (const procValue of [undefined, 'proc', '']) {
    for (const globalValue of [undefined, 'glob', '']) {
      for (const context of contexts) {
        const env = procValue === undefined ? {} : { CLERK_X: procValue };
        const globals = globalValue === undefined ? {} : { CLERK_X: globalValue };
        withEnv(env, () => {
          const label = JSON.stringify({ procValue, globalValue, context });
          assert.equal(getEnvVariable('CLERK_X', context), clerkGetEnvVariable('CLERK_X', context), label);
        }, globals);
      }
    }
  }
  // Non-string globals (e.g. a Cloudflare JSON var): Clerk returns them raw, we return String(v) for scalars.
  withEnv({}, () => {
    assert.equal(clerkGetEnvVariable('CLERK_X', {}), true);
    assert.equal(getEnvVariable('CLERK_X', {}), 'true');
    assert.equal(isTruthy(getEnvVariable('CLERK_X', {})), clerkIsTruthy(clerkGetEnvVariable('CLERK_X', {})));
  }, { CLERK_X: true });
});

test('clerkUrlOf matches @clerk/backend clerkRequest.clerkUrl', () => {
  const cases = [
    ['http://localhost:3000/a?b=1', {}],
    ['http://localhost:3000/a?b=1', { host: 'localhost:3000' }],
    ['http://localhost:3000/a?b=1', { host: 'example.com' }],
    ['http://localhost:3000/a?b=1', { 'x-forwarded-host': 'example.com' }],
    ['http://localhost:3000/a?b=1', { 'x-forwarded-host': 'example.com, proxy.internal', 'x-forwarded-proto': 'https, http' }],
    ['http://localhost:3000/a?b=1', { 'x-forwarded-proto': 'https' }],
    ['http://localhost:3000/a?b=1', { 'x-forwarded-proto': 'https', host: 'localhost:3000' }],
    ['https://example.com/a', { host: 'example.com' }],
    ['https://example.com:443/a', { 'x-forwarded-host': 'example.com:443', 'x-forwarded-proto': 'https' }],
    ['http://localhost:3000/a', { 'x-forwarded-host': '', host: 'example.com' }],
    ['http://localhost:3000/a', { 'x-forwarded-host': 'Example.COM', 'x-forwarded-proto': 'HTTPS' }],
    ['http://localhost:3000/a/b/../c?x=%20y#frag', { 'x-forwarded-host': 'example.com' }],
    ['http://localhost:3000/', { 'x-forwarded-host': 'example.com:8443', 'x-forwarded-proto': 'https' }],
    ['http://[::1]:3000/p', { host: '[::1]:3000' }],
  ];
  for (const [url, headers] of cases) {
    const request = new Request(url, { headers });
    assert.equal(clerkUrlOf(request).href, createClerkRequest(request).clerkUrl.href, `${url} ${JSON.stringify(headers)}`);
  }
  // A plain { url, headers } object works too.
  assert.equal(clerkUrlOf({ url: 'http://localhost/a', headers: { 'X-Forwarded-Host': 'example.com' } }).href, 'http://example.com/a');
  // An unusable forwarded host throws a TypeError, as Clerk's does.
  const bad = new Request('http://localhost:3000/a', { headers: { 'x-forwarded-host': 'a b' } });
  assert.throws(() => createClerkRequest(bad), TypeError);
  assert.throws(() => clerkUrlOf(bad), TypeError);
});

test('clerkUrlOf (deliberate difference U4): a proxy header that is not host[:port] / http(s) is not followed', () => {
  // Clerk's `new URL` accepts these and follows them (credentials dropped, a path or query ignored, any scheme).
  const cases = [
    [{ 'x-forwarded-host': 'user@evil.example' }, 'evil.example'],
    [{ 'x-forwarded-host': 'evil.example/prefix?q#h' }, 'evil.example'],
    [{ 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'ftp' }, 'evil.example'],
    [{ host: 'evil.example/x' }, 'evil.example'],
  ];
  for (const [headers, clerkHost] of cases) {
    const request = new Request('http://localhost:3000/a?b=1', { headers });
    assert.equal(createClerkRequest(request).clerkUrl.host, clerkHost, JSON.stringify(headers));
    // The Remix entry (2.x) answers with the TypeError Clerk throws for a URL it cannot build; the React Router entry
    // (3.x) keeps the request's URL, as 3.x does then.
    assert.throws(() => clerkUrlOf(request), TypeError, JSON.stringify(headers));
    assert.equal(clerkUrlOf(request, undefined, undefined, 3).href, 'http://localhost:3000/a?b=1');
  }
});

test('clerkUrlOf (deliberate difference U5): a pinned appOrigin wins over every proxy header', () => {
  const request = new Request('http://10.0.0.7:3000/a?b=1', { headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' } });
  assert.equal(createClerkRequest(request).clerkUrl.href, 'https://evil.example/a?b=1');
  assert.equal(clerkUrlOf(request).href, 'https://evil.example/a?b=1');
  for (const backend of [2, 3]) assert.equal(clerkUrlOf(request, undefined, 'https://app.example', backend).href, 'https://app.example/a?b=1');
  // Through loadOptions: a relative proxy URL resolves against the pinned origin (option or CLERK_APP_ORIGIN).
  assert.equal(loadOptions({ request, context: {} }, { secretKey: 'sk_live_1', proxyUrl: '/__clerk', appOrigin: 'https://app.example' }).proxyUrl,
    'https://app.example/__clerk');
  const fromEnv = loadOptions({ request, context: { env: { CLERK_APP_ORIGIN: 'https://app.example/', CLERK_PROXY_URL: '/__clerk' } } }, { secretKey: 'sk_live_1' });
  assert.equal(fromEnv.proxyUrl, 'https://app.example/__clerk');
  assert.equal(fromEnv.appOrigin, 'https://app.example/');
  // Unset: Clerk's result, key for key (the two settings add no key).
  assert.ok(!('appOrigin' in loadOptions({ request, context: {} }, { secretKey: 'sk_live_1' })));
  // A value that is not an origin is a configuration error with a code, whose message does not repeat the value.
  for (const appOrigin of ['myapp.test', 'https://myapp.test/base', 'sk_live_notanorigin']) {
    assert.throws(() => loadOptions({ request, context: {} }, { secretKey: 'sk_live_1', appOrigin }), (err) => {
      assert.equal(err.code, 'app-origin-invalid');
      assert.match(err.message, /^Clerk: appOrigin \/ CLERK_APP_ORIGIN must be an origin/);
      assert.ok(!err.message.includes(appOrigin));
      return true;
    });
  }
  assert.throws(() => loadOptions({ request, context: { CLERK_ALLOWED_REDIRECT_ORIGINS: 'https://ok.example,nope' } }, { secretKey: 'sk_live_1' }),
    (err) => err.code === 'allowed-redirect-origins-invalid');
});

test('clerkUrlOf (deliberate difference): a path starting with // cannot move the URL to another host', () => {
  const request = new Request('http://localhost:3000//evil.example/x?y=1', { headers: { 'x-forwarded-host': 'app.example', 'x-forwarded-proto': 'https' } });
  assert.equal(createClerkRequest(request).clerkUrl.host, 'evil.example'); // Clerk's behaviour
  const ours = clerkUrlOf(request);
  assert.equal(ours.host, 'app.example');
  assert.equal(ours.href, 'https://app.example//evil.example/x?y=1');
});

// ---------------------------------------------------------------------------------------------------------------
// loadOptions: hand-picked cases

test('loadOptions: hand-picked cases equal @clerk/remix (values, key order, errors)', () => {
  const fnDomain = (u) => `d.${u.hostname}`;
  const fnSat = (u) => u.pathname.startsWith('/sat');
  const fnProxy = (u) => `${u.origin}/fn-proxy`;
  const cases = [
    { label: 'nothing → noSecretKeyError' },
    { label: 'no overrides argument', env: { CLERK_SECRET_KEY: 'sk_test_1' } },
    { label: 'override secret', overrides: { secretKey: 'sk_live_o' } },
    { label: 'env everything', env: {
      CLERK_SECRET_KEY: 'sk_live_e', CLERK_PUBLISHABLE_KEY: PKS.live, CLERK_JWT_KEY: 'PEM', CLERK_API_URL: 'https://api.example',
      CLERK_DOMAIN: 'sat.example', CLERK_IS_SATELLITE: 'true', CLERK_PROXY_URL: 'https://proxy.example/__clerk',
      CLERK_SIGN_IN_URL: '/sign-in', CLERK_SIGN_UP_URL: '/sign-up', CLERK_SIGN_IN_FORCE_REDIRECT_URL: '/a',
      CLERK_SIGN_UP_FORCE_REDIRECT_URL: '/b', CLERK_SIGN_IN_FALLBACK_REDIRECT_URL: '/c', CLERK_SIGN_UP_FALLBACK_REDIRECT_URL: '/d',
      CLERK_AFTER_SIGN_IN_URL: '/e', CLERK_AFTER_SIGN_UP_URL: '/f', CLERK_CHECKOUT_CONTINUE_URL: '/g' } },
    { label: 'overrides beat env, apiUrl override ignored, extras kept', env: { CLERK_SECRET_KEY: 'sk_live_e', CLERK_SIGN_IN_URL: '/env' },
      overrides: { audience: ['a'], authorizedParties: ['https://x'], loadUser: true, apiUrl: 'https://ignored', signInUrl: '/o',
        publishableKey: PKS.test, jwtKey: 'J', secretKey: 'sk_test_o', newSubscriptionRedirectUrl: '/n' } },
    { label: 'override order is kept', overrides: { zeta: 1, secretKey: 'sk_live_1', alpha: 2, proxyUrl: 'https://p.example' } },
    { label: 'function options', overrides: { secretKey: 'sk_live_1', domain: fnDomain, isSatellite: fnSat, proxyUrl: fnProxy }, url: 'http://localhost/sat/x',
      headers: { 'x-forwarded-host': 'app.example', 'x-forwarded-proto': 'https' } },
    { label: 'relative proxy override against forwarded host', overrides: { secretKey: 'sk_live_1', proxyUrl: '/__clerk' },
      headers: { 'x-forwarded-host': 'app.example, lb', 'x-forwarded-proto': 'https' } },
    { label: 'relative proxy env', env: { CLERK_SECRET_KEY: 'sk_live_1', CLERK_PROXY_URL: '/__clerk/' }, url: 'http://localhost:3000/deep/path?q=1' },
    { label: 'empty proxy override beats env', env: { CLERK_SECRET_KEY: 'sk_live_1', CLERK_PROXY_URL: 'https://env' }, overrides: { proxyUrl: '' } },
    { label: 'proxy fn returning undefined (env not used)', env: { CLERK_SECRET_KEY: 'sk_live_1', CLERK_PROXY_URL: 'https://env' }, overrides: { proxyUrl: () => undefined } },
    { label: 'protocol-relative proxy', env: { CLERK_SECRET_KEY: 'sk_live_1', CLERK_PROXY_URL: '//cdn.example/p' } },
    { label: 'satellite, no proxy/domain', env: { CLERK_SECRET_KEY: 'sk_live_1', CLERK_IS_SATELLITE: 'TRUE' } },
    { label: 'satellite override true, domain set, dev key, no signInUrl', overrides: { secretKey: 'sk_test_1', isSatellite: true, domain: 'x.example' } },
    { label: 'satellite dev key, relative signInUrl', overrides: { secretKey: 'sk_test_1', isSatellite: true, domain: 'x', signInUrl: '/sign-in' } },
    { label: 'satellite dev key, absolute signInUrl', overrides: { secretKey: 'sk_test_1', isSatellite: true, domain: 'x', signInUrl: 'https://primary.example/sign-in' } },
    { label: 'satellite legacy test_ key', overrides: { secretKey: 'test_1', isSatellite: true, proxyUrl: '/p' } },
    { label: 'satellite prod key, no signInUrl', overrides: { secretKey: 'sk_live_1', isSatellite: true, proxyUrl: 'https://p' } },
    { label: 'satellite precedence: missing everything with dev key → proxy/domain error first', overrides: { secretKey: 'sk_test_1', isSatellite: true } },
    { label: 'isSatellite false override, env true', env: { CLERK_SECRET_KEY: 'sk_live_1', CLERK_IS_SATELLITE: '1', CLERK_DOMAIN: 'd' }, overrides: { isSatellite: false } },
    { label: 'CLERK_IS_SATELLITE=0', env: { CLERK_SECRET_KEY: 'sk_live_1', CLERK_IS_SATELLITE: '0' } },
    { label: 'cloudflare context', context: { cloudflare: { env: { CLERK_SECRET_KEY: 'sk_live_cf', CLERK_PUBLISHABLE_KEY: PKS.staging, CLERK_IS_SATELLITE: 'true', CLERK_DOMAIN: 'cf.example' } } } },
    { label: 'cloudflare context with empty secret', context: { cloudflare: { env: { CLERK_SECRET_KEY: '' } }, CLERK_SECRET_KEY: 'sk_live_ctx' } },
    { label: 'context.env', context: { env: { CLERK_SECRET_KEY: 'sk_live_env', CLERK_JWT_KEY: '' } } },
    { label: 'context[name]', context: { CLERK_SECRET_KEY: 'sk_live_ctx', CLERK_PUBLISHABLE_KEY: PKS.local } },
    { label: 'globalThis', globals: { CLERK_SECRET_KEY: 'sk_live_glob', CLERK_PUBLISHABLE_KEY: PKS.legacyDev } },
    { label: 'process.env beats context', env: { CLERK_SECRET_KEY: 'sk_live_proc' }, context: { env: { CLERK_SECRET_KEY: 'sk_live_env' } } },
    { label: 'empty process.env string still wins', env: { CLERK_SECRET_KEY: '' }, context: { CLERK_SECRET_KEY: 'sk_live_ctx' } },
    { label: 'invalid pk is passed through, apiUrl default', overrides: { secretKey: 'sk_live_1', publishableKey: 'pk_live_garbage' } },
    { label: 'request url with credentials and hash', overrides: { secretKey: 'sk_live_1', proxyUrl: '/x' }, url: 'http://u:p@localhost:3000/a#h' },
    { label: 'bad forwarded host with no secret (TypeError first)', headers: { 'x-forwarded-host': 'a b' } },
  ];
  for (const c of cases) assertSame(c, c.label);
});

test('loadOptions: result for a relative proxy is absolute against the forwarded origin', () => {
  const { ours } = runBoth({ overrides: { secretKey: 'sk_live_1', proxyUrl: '/__clerk' },
    headers: { 'x-forwarded-host': 'app.example, lb', 'x-forwarded-proto': 'https' } });
  assert.equal(ours.value.proxyUrl, 'https://app.example/__clerk');
});

// ---------------------------------------------------------------------------------------------------------------
// loadOptions: generated combinations

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('loadOptions: 1500 generated env/context/override/request combinations equal @clerk/remix', () => {
  const rnd = mulberry32(0xc1e4);
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  const SOURCES = ['none', 'override', 'proc', 'cf', 'ctxenv', 'ctx', 'global'];
  const names = {
    secretKey: ['CLERK_SECRET_KEY', ['sk_test_abc', 'sk_live_abc', 'test_legacy', 'live_legacy', '']],
    publishableKey: ['CLERK_PUBLISHABLE_KEY', Object.values(PKS)],
    jwtKey: ['CLERK_JWT_KEY', ['-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----', '']],
    domain: ['CLERK_DOMAIN', ['sat.example', '', 'FN']],
    isSatellite: ['CLERK_IS_SATELLITE', ['true', 'false', '1', '0', 'TRUE', 'yes', '', true, false, 'FN']],
    proxyUrl: ['CLERK_PROXY_URL', ['https://proxy.example/__clerk', '/__clerk', '/', '', 'FN', '//cdn.example/x']],
    signInUrl: ['CLERK_SIGN_IN_URL', ['https://accounts.example/sign-in', '/sign-in', 'http://x', 'ftp://x', '']],
    signUpUrl: ['CLERK_SIGN_UP_URL', ['/sign-up', '']],
    afterSignInUrl: ['CLERK_AFTER_SIGN_IN_URL', ['/after', '']],
    signInFallbackRedirectUrl: ['CLERK_SIGN_IN_FALLBACK_REDIRECT_URL', ['/fb', '']],
    newSubscriptionRedirectUrl: ['CLERK_CHECKOUT_CONTINUE_URL', ['/checkout', '']],
  };
  const apiUrls = [undefined, 'https://api.example.test', ''];
  const fns = {
    domain: (u) => `fn.${u.hostname}`,
    isSatellite: (u) => u.searchParams.has('sat'),
    proxyUrl: (u) => (u.searchParams.has('rel') ? '/fn-proxy' : `${u.protocol}//${u.host}/fn-proxy`),
  };
  const urls = ['http://localhost:3000/', 'http://localhost:3000/p?sat=1', 'https://app.example/x?rel=1&sat', 'http://127.0.0.1:8080/a/b?rel'];
  const headerSets = [{}, { 'x-forwarded-host': 'public.example', 'x-forwarded-proto': 'https' }, { host: 'h.example:81' },
    { 'x-forwarded-host': 'a.example, b.example' }, { 'x-forwarded-proto': 'https' }];
  let compared = 0;
  let errorsSeen = 0;
  for (let i = 0; i < 1500; i++) {
    const env = {};
    const globals = {};
    const overrides = {};
    const ctxKind = pick(['plain', 'cf', 'ctxenv', 'none']);
    const context = ctxKind === 'cf' ? { cloudflare: { env: {} } } : ctxKind === 'ctxenv' ? { env: {} } : ctxKind === 'none' ? undefined : {};
    for (const [key, [envName, values]] of Object.entries(names)) {
      let source = pick(SOURCES);
      let value = pick(values);
      if (value === 'FN') {
        if (key in fns) source = 'override';
        value = fns[key] ?? '';
      }
      if (typeof value === 'boolean' && source !== 'override') value = String(value);
      switch (source) {
        case 'override': overrides[key] = value; break;
        case 'proc': env[envName] = value; break;
        case 'cf': if (context?.cloudflare) context.cloudflare.env[envName] = value; break;
        case 'ctxenv': if (context?.env) context.env[envName] = value; break;
        case 'ctx': if (context && !context.cloudflare && !context.env) context[envName] = value; break;
        case 'global': globals[envName] = value; break;
      }
    }
    const apiUrl = pick(apiUrls);
    if (apiUrl !== undefined) env.CLERK_API_URL = apiUrl;
    if (rnd() < 0.2) overrides.audience = 'aud';
    if (rnd() < 0.1) overrides.apiUrl = 'https://ignored';
    const input = { env, globals, context, overrides: rnd() < 0.05 ? undefined : overrides, url: pick(urls), headers: pick(headerSets) };
    const { theirs } = assertSame(input, `case ${i}: ${JSON.stringify({ ...input, overrides: input.overrides && Object.keys(input.overrides) })}`);
    compared++;
    if (theirs.error) errorsSeen++;
  }
  assert.equal(compared, 1500);
  // Both outcomes occur often enough for the comparison to mean something.
  assert.ok(errorsSeen > 100 && errorsSeen < 1400, `errors in ${errorsSeen} cases`);
});

// ---------------------------------------------------------------------------------------------------------------
// loadOptions: 2022 beta names (where we deliberately differ from 4.x, which ignores them)

/** Loader args with a request to http://l/ (no headers) and `context`. */
const bareArgs = (context = {}) => ({ request: new Request('http://l/'), context });

test('beta: CLERK_API_KEY is the secret key only when CLERK_SECRET_KEY and the option are absent', () => {
  withEnv({ CLERK_API_KEY: 'test_beta' }, () => {
    assert.throws(() => clerkLoadOptions(bareArgs()), { message: errors.noSecretKeyError });
    assert.equal(loadOptions(bareArgs()).secretKey, 'test_beta');
  });
  withEnv({ CLERK_API_KEY: 'test_beta', CLERK_SECRET_KEY: 'sk_live_new' }, () => {
    assert.equal(loadOptions(bareArgs()).secretKey, 'sk_live_new');
    assert.equal(loadOptions(bareArgs(), { secretKey: 'sk_o' }).secretKey, 'sk_o');
  });
  withEnv({}, () => {
    const opts = loadOptions(bareArgs({ cloudflare: { env: { CLERK_API_KEY: 'live_cf' } } }));
    assert.equal(opts.secretKey, 'live_cf');
  });
  // A legacy test_ key counts as development for the satellite check.
  withEnv({ CLERK_API_KEY: 'test_beta', CLERK_IS_SATELLITE: 'true', CLERK_DOMAIN: 'd' }, () => {
    assert.throws(() => loadOptions(bareArgs()), { message: errors.satelliteAndMissingSignInUrl });
  });
});

test('beta: CLERK_FRONTEND_API becomes a publishable key when none is configured', () => {
  withEnv({ CLERK_SECRET_KEY: 'sk_live_1', CLERK_FRONTEND_API: 'clerk.example.com' }, () => {
    const args = bareArgs();
    assert.equal(clerkLoadOptions(args).publishableKey, '');
    const opts = loadOptions(args);
    assert.equal(opts.publishableKey, clerkBuildPublishableKey('clerk.example.com'));
    assert.ok(opts.publishableKey.startsWith('pk_live_'));
    assert.deepEqual(parsePublishableKey(opts.publishableKey), { instanceType: 'production', frontendApi: 'clerk.example.com' });
    assert.equal(opts.apiUrl, 'https://api.clerk.com');
    assert.equal(loadOptions(args, { publishableKey: PKS.test }).publishableKey, PKS.test);
  });
  withEnv({ CLERK_SECRET_KEY: 'test_1', CLERK_FRONTEND_API: 'clerk.happy.hippo-1.lcl.dev' }, () => {
    const opts = loadOptions(bareArgs());
    assert.ok(opts.publishableKey.startsWith('pk_test_'));
    assert.equal(opts.apiUrl, clerkApiUrlFromPublishableKey(opts.publishableKey));
  });
  withEnv({ CLERK_SECRET_KEY: 'sk_test_1', CLERK_FRONTEND_API: 'foo-bar-1.clerk.accounts.lclclerk.com' }, () => {
    const opts = loadOptions(bareArgs());
    assert.ok(opts.publishableKey.startsWith('pk_test_'));
    assert.equal(opts.apiUrl, 'https://api.lclclerk.com');
  });
  withEnv({ CLERK_SECRET_KEY: 'sk_live_1', CLERK_FRONTEND_API: 'clerk.env.example', CLERK_PUBLISHABLE_KEY: PKS.test }, () => {
    assert.equal(loadOptions(bareArgs()).publishableKey, PKS.test);
  });
  withEnv({ CLERK_SECRET_KEY: 'sk_live_1' }, () => {
    const opts = loadOptions(bareArgs(), { frontendApi: 'clerk.opt.example' });
    assert.equal(parsePublishableKey(opts.publishableKey).frontendApi, 'clerk.opt.example');
    assert.equal(opts.frontendApi, 'clerk.opt.example');
  });
});

test('beta: apiVersion = option || CLERK_API_VERSION || v1, added as the last key', () => {
  withEnv({ CLERK_SECRET_KEY: 'sk_live_1' }, () => {
    const opts = loadOptions(bareArgs());
    assert.equal(opts.apiVersion, 'v1');
    assert.equal(Object.keys(opts).at(-1), 'apiVersion');
  });
  withEnv({ CLERK_SECRET_KEY: 'sk_live_1', CLERK_API_VERSION: 'v2' }, () => {
    assert.equal(loadOptions(bareArgs()).apiVersion, 'v2');
    assert.equal(loadOptions(bareArgs(), { apiVersion: 'v3' }).apiVersion, 'v3');
  });
  withEnv({ CLERK_SECRET_KEY: 'sk_live_1' }, () => {
    assert.equal(loadOptions(bareArgs({ env: { CLERK_API_VERSION: 'v9' } })).apiVersion, 'v9');
  });
});

test('beta names do not change anything when the 4.x names are set (differential with them present)', () => {
  for (const name of BETA_NAMES) {
    assertSame({ env: { CLERK_SECRET_KEY: 'sk_live_1', CLERK_PUBLISHABLE_KEY: PKS.live, [name]: name === 'CLERK_FRONTEND_API' ? 'clerk.other.example' : 'x' } }, name);
  }
});

test('the harness\'s withEnv restores process.env (no CLERK_* leaks between cases)', () => {
  const before = Object.keys(process.env).filter((k) => k.startsWith('CLERK_')).sort();
  withEnv({ CLERK_SECRET_KEY: 'x', CLERK_NEW: 'y' }, () => assert.equal(process.env.CLERK_NEW, 'y'));
  assert.deepEqual(Object.keys(process.env).filter((k) => k.startsWith('CLERK_')).sort(), before);
});

test('envReader answers exactly as getEnvVariable, through every change of process.env, in every context shape', async () => {
  const names = ['CLERK_SECRET_KEY', 'CLERK_JS', 'CLERK_DOMAIN', 'CLERK_SIGN_IN_URL', 'CLERK_UNSET_FOR_TEST', 'CLERK_EMPTY', 'CLERK_UNICODE', 'PATH'];
  const contexts = [undefined, {}, { CLERK_DOMAIN: 'ctx.example' }, { env: { CLERK_JS: 'from-env' } }, { cloudflare: { env: { CLERK_UNSET_FOR_TEST: 'cf' } } }];
  const compare = (label) => {
    for (const context of contexts) {
      const read = envReader(context);
      for (const name of names) assert.equal(read(name), getEnvVariable(name, context), `${label}: ${name} in ${JSON.stringify(context)}`);
    }
  };
  withEnv({ CLERK_SECRET_KEY: 'sk_live_1', CLERK_EMPTY: '', CLERK_UNICODE: 'é€✓' }, () => {
    compare('set');
    process.env.CLERK_DOMAIN = 'changed.example';
    compare('after a write');
    delete process.env.CLERK_SECRET_KEY;
    compare('after a delete');
    // The same length, one byte different: the environment is compared, not measured.
    process.env.CLERK_DOMAIN = 'changed.examplf';
    compare('after a same-length write');
    process.env.NOT_CLERK_FOR_TEST = 'x';
    compare('after a write to another variable');
    delete process.env.NOT_CLERK_FOR_TEST;
  });
  compare('restored');
  // Globals (one name this package reads, one it does not): read when neither process.env nor the context has them.
  try {
    globalThis.CLERK_SIGN_IN_URL = '/global-sign-in';
    globalThis.CLERK_UNSET_FOR_TEST = 'global';
    compare('globals');
  } finally {
    delete globalThis.CLERK_SIGN_IN_URL;
    delete globalThis.CLERK_UNSET_FOR_TEST;
  }
  compare('globals removed');
  // Every name option resolution and clerkState read, each with its own global value (the package reads most of them
  // by a property name written out per name: a wrong entry would answer another variable's value).
  const readNames = ['CLERK_SECRET_KEY', 'CLERK_API_KEY', 'CLERK_PUBLISHABLE_KEY', 'CLERK_FRONTEND_API', 'CLERK_JWT_KEY',
    'CLERK_API_URL', 'CLERK_API_VERSION', 'CLERK_DOMAIN', 'CLERK_IS_SATELLITE', 'CLERK_PROXY_URL', 'CLERK_SIGN_IN_URL',
    'CLERK_SIGN_UP_URL', 'CLERK_SIGN_IN_FORCE_REDIRECT_URL', 'CLERK_SIGN_UP_FORCE_REDIRECT_URL',
    'CLERK_SIGN_IN_FALLBACK_REDIRECT_URL', 'CLERK_SIGN_UP_FALLBACK_REDIRECT_URL', 'CLERK_AFTER_SIGN_IN_URL',
    'CLERK_AFTER_SIGN_UP_URL', 'CLERK_CHECKOUT_CONTINUE_URL', 'CLERK_JS', 'CLERK_JS_VERSION',
    'CLERK_TELEMETRY_DISABLED', 'CLERK_TELEMETRY_DEBUG'];
  const globals = Object.fromEntries(readNames.map((name) => [name, `global value of ${name}`]));
  withEnv({}, () => {
    for (const name of readNames) assert.equal(envReader({})(name), globals[name], name);
  }, globals);
  withEnv({}, () => {
    for (const name of readNames) assert.equal(envReader({})(name), undefined, `${name} once the global is gone`);
  });
  // A worker thread has its own copy of process.env: the reader must follow that copy, not the process environment.
  const { Worker } = await import('node:worker_threads');
  const code = `
    const { parentPort } = require('node:worker_threads');
    const { envReader, getEnvVariable } = require(${JSON.stringify(path.join(root, 'dist/core/loadOptions.js'))});
    process.env.CLERK_DOMAIN = 'worker-only.example';
    parentPort.postMessage([envReader({})('CLERK_DOMAIN'), getEnvVariable('CLERK_DOMAIN', {})]);`;
  const answer = await new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  assert.deepEqual(answer, ['worker-only.example', 'worker-only.example']);
  assert.equal(process.env.CLERK_DOMAIN, undefined, 'the worker wrote its own copy');
});

test('envReader: a name first read late (behind a set one) is answered, and its later changes followed', () => {
  // A fresh process: the native lookup covers only the names read so far, so the first reads decide what it watches.
  const code = `
    const { envReader, getEnvVariable } = require(${JSON.stringify(path.join(root, 'dist/core/loadOptions.js'))});
    for (const k of Object.keys(process.env)) if (k.startsWith('CLERK_')) delete process.env[k];
    const seen = [];
    const secret = () => { const env = envReader({}); return env('CLERK_SECRET_KEY') || env('CLERK_API_KEY') || ''; };
    process.env.CLERK_SECRET_KEY = 'sk_a';
    seen.push(secret(), secret());
    delete process.env.CLERK_SECRET_KEY;
    process.env.CLERK_API_KEY = 'beta_1';
    seen.push(secret());
    process.env.CLERK_API_KEY = 'beta_2';
    seen.push(secret());
    delete process.env.CLERK_API_KEY;
    seen.push(secret());
    process.env.CLERK_SECRET_KEY = 'sk_b';
    process.env.CLERK_API_KEY = 'beta_3';
    seen.push(secret(), getEnvVariable('CLERK_API_KEY', {}), envReader({})('CLERK_API_KEY'));
    process.stdout.write(JSON.stringify(seen));`;
  const out = execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), ['sk_a', 'sk_a', 'beta_1', 'beta_2', '', 'sk_b', 'beta_3', 'beta_3']);
});
