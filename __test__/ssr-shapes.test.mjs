// The Remix glue of rootAuthLoader / getAuth: what the callback's result becomes, defer,
// redirects, header merging, clerkState key order, the resources of loadUser & co., the 2022 beta call shapes and
// env names, and getAuth's guard. Where @clerk/remix@4.13.49 behaves the same, ours is compared with it (same
// scenario world: issuer, env, frozen clock); where it deliberately differs, the docs/compat.md row is named.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, describe, test } from 'node:test';

import { closeIssuers, getIssuer, loadOurs, normalizeHeaders, withScenario } from './helpers/oracle.mjs';
import { withEnv } from './helpers/env.mjs';
import { APP_ORIGIN, BASE_NOW, defineScenario, scenario, SESSION_ID, USER_ID } from './helpers/scenarios.mjs';

const require = createRequire(import.meta.url);
const { defer } = require('@remix-run/server-runtime');
const errors = require('../dist/core/errors.js');
const compat = readFileSync(new URL('../docs/compat.md', import.meta.url), 'utf8');
const ours = loadOurs();

/** A variant of a named scenario (env / options / request overrides). */
const variant = (name, overrides) => defineScenario({ ...scenario(name), ...overrides });

/** Runs `fn(impl, args, built, issuer)` in the scenario's world with Clerk and with ours. */
async function both(s, fn) {
  const issuer = await getIssuer(s.instance);
  const clerk = await withScenario(s, { issuer }, settle(fn));
  const mine = await withScenario(s, { issuer, impl: ours }, settle(fn));
  return { clerk: clerk.value, ours: mine.value, clerkRun: clerk, oursRun: mine };
}

/** `fn`'s result, or what it threw as `{ thrown: {kind, name, message, status, headers} }`. */
const settle = (fn) => async (impl, args, built, issuer) => {
  try {
    return await fn(impl, args, built, issuer);
  } catch (err) {
    if (err instanceof Response) return { thrown: { kind: 'response', status: err.status, headers: normalizeHeaders(err.headers) } };
    return { thrown: { kind: 'error', name: err.name, message: err.message } };
  }
};

async function normalize(result) {
  if (!(result instanceof Response)) return result;
  const text = await result.text();
  return { status: result.status, statusText: result.statusText, headers: normalizeHeaders(result.headers), body: text ? JSON.parse(text) : null };
}

const SIGNED_IN = scenario('cookie-signed-in-document');
const SIGNED_OUT = scenario('client-uat-without-session-data-request');

const documented = (id) => assert.ok(compat.includes(`| ${id} |`), `docs/compat.md row ${id}`);

/**
 * Our normalized headers as Clerk's would be: the one deliberate addition, R9's `Cache-Control` (`expected`), checked
 * and taken out.
 */
function withoutR9(headers, expected = 'private, no-store') {
  documented('R9');
  const ours = headers.filter(([n]) => n === 'cache-control');
  assert.deepEqual(ours, [['cache-control', expected]], JSON.stringify(headers));
  return headers.filter(([n]) => n !== 'cache-control');
}

after(closeIssuers);

// ---------------------------------------------------------------------------------------------------------------
describe('rootAuthLoader callback results, same as Clerk', () => {
  const cases = [
    ['plain object (handler keys first, clerkState overwritten)', () => ({ a: 1, clerkState: 'mine', z: [1] })],
    ['null', () => null],
    ['empty object', () => ({})],
    ['JSON Response 201 with headers → 200, headers kept, content-type json, Clerk headers appended', () =>
      new Response(JSON.stringify({ b: 2 }), { status: 201, statusText: 'Created', headers: { 'x-app': '1', 'content-type': 'text/plain', 'set-cookie': 'app=1' } })],
    ['JSON Response with null body JSON', () => new Response('null', { headers: { 'x-app': 'null' } })],
    ['async callback', async () => ({ later: true })],
    ['an own "__proto__" key (parsed JSON) is kept as a key', () => JSON.parse('{"__proto__":{"x":1},"a":2}')],
    ['JSON Response of an array: its indexes become keys', () => new Response('[7,8]')],
    ['JSON Response with an own "__proto__" key', () => new Response('{"__proto__":{"y":1},"b":3}')],
    ['undefined → invalidRootLoaderCallbackReturn', () => undefined],
    ['string → invalidRootLoaderCallbackReturn', () => 'str'],
    ['number → invalidRootLoaderCallbackReturn', () => 42],
    ['boolean → invalidRootLoaderCallbackReturn', () => true],
    ['array → invalidRootLoaderCallbackReturn', () => [{ a: 1 }]],
  ];
  for (const s of [SIGNED_IN, SIGNED_OUT]) {
    for (const [label, callback] of cases) {
      test(`${s.name}: ${label}`, async () => {
        const { clerk, ours: mine } = await both(s, async (impl, args, built) =>
          normalize(await impl.rootAuthLoader(args, callback, built.options)),
        );
        assert.deepEqual(mine.thrown ? mine : { ...mine, headers: withoutR9(mine.headers) }, clerk);
        if (mine.thrown) assert.equal(mine.thrown.message, errors.invalidRootLoaderCallbackReturn);
        else {
          assert.equal(mine.status, 200);
          assert.ok(mine.body.clerkState.__internal_clerk_state, 'clerkState replaces any handler value of that name');
        }
      });
    }
  }

  test('a 3xx Response is returned unchanged (the same object, no Clerk headers)', async () => {
    for (const status of [301, 302, 303, 307, 308, 399]) {
      const { clerk, ours: mine } = await both(SIGNED_OUT, async (impl, args, built) => {
        const redirect = new Response(null, { status, headers: { location: '/elsewhere' } });
        const result = await impl.rootAuthLoader(args, () => redirect, built.options);
        return { same: result === redirect, ...(await normalize(result)) };
      });
      assert.equal(mine.same, true, String(status));
      assert.deepEqual(mine, clerk);
      assert.deepEqual(mine.headers, [['location', '/elsewhere']]);
    }
  });

  test('defer(): the same DeferredData, data.clerkState injected, Clerk headers appended to init', async () => {
    const run = (withInit) =>
      both(SIGNED_OUT, async (impl, args, built) => {
        const deferred = withInit ? defer({ slow: Promise.resolve(1), fast: 2 }, { headers: { 'x-d': '1' } }) : defer({ fast: 2 });
        const result = await impl.rootAuthLoader(args, () => deferred, built.options);
        return {
          same: result === deferred,
          keys: Object.keys(result.data),
          clerkState: JSON.parse(JSON.stringify(result.data.clerkState)),
          initHeaders: result.init ? normalizeHeaders(result.init.headers) : null,
        };
      });
    for (const withInit of [true, false]) {
      const { clerk, ours: mine } = await run(withInit);
      assert.equal(mine.same, true);
      assert.deepEqual(mine.initHeaders ? { ...mine, initHeaders: withoutR9(mine.initHeaders) } : mine, clerk);
      assert.ok(mine.clerkState.__internal_clerk_state, 'clerkState is {__internal_clerk_state}');
      if (withInit) assert.ok(mine.initHeaders.some(([n]) => n === 'x-clerk-auth-status'), JSON.stringify(mine.initHeaders));
    }
  });

  test('a non-JSON, non-3xx Response: Error(invalidRootLoaderCallbackReturn) (Clerk: the raw SyntaxError, R4)', async () => {
    documented('R4');
    const { clerk, ours: mine } = await both(SIGNED_IN, async (impl, args, built) =>
      normalize(await impl.rootAuthLoader(args, () => new Response('hello'), built.options)),
    );
    assert.equal(clerk.thrown.name, 'SyntaxError');
    assert.deepEqual(mine.thrown, { kind: 'error', name: 'Error', message: errors.invalidRootLoaderCallbackReturn });
  });

  test('handshake: the 307 is thrown before the callback runs, in both call styles', async () => {
    const s = scenario('expired-document-request');
    let called = 0;
    const { clerk, ours: mine } = await both(s, async (impl, args, built) => {
      const viaLoader = await settle(() => impl.rootAuthLoader(args, () => (called += 1) && {}, built.options))();
      const viaGetAuth = await settle(() => impl.getAuth(args, built.options))();
      return { viaLoader, viaGetAuth };
    });
    assert.equal(called, 0);
    assert.deepEqual(mine, clerk);
    assert.equal(mine.viaLoader.thrown.status, 307);
    assert.equal(mine.viaGetAuth.thrown.status, 307);
  });

  test('Netlify development cache bust: __clerk_netlify_cache_bust=<Date.now()> on the Location, as Clerk', async () => {
    const s = scenario('dev-expired-document-request');
    await withEnv({ NETLIFY: 'true' }, async () => {
      const { clerk, ours: mine } = await both(s, async (impl, args, built) => impl.rootAuthLoader(args, built.options));
      assert.deepEqual(mine, clerk);
      const location = new URL(mine.thrown.headers.find(([n]) => n === 'location')[1]);
      assert.equal(location.searchParams.get('__clerk_netlify_cache_bust'), String(BASE_NOW));
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('clerkState', () => {
  /** `__internal_clerk_state` of the scenario's rootAuthLoader response (no callback). */
  const internalClerkState = async (impl, args, built) =>
    JSON.parse(await (await impl.rootAuthLoader(args, built.options)).text()).clerkState.__internal_clerk_state;
  const SPEC_KEYS = [
    '__clerk_ssr_state', '__publishableKey', '__proxyUrl', '__domain', '__isSatellite', '__signInUrl', '__signUpUrl',
    '__afterSignInUrl', '__afterSignUpUrl', '__signInForceRedirectUrl', '__signUpForceRedirectUrl',
    '__signInFallbackRedirectUrl', '__signUpFallbackRedirectUrl', 'newSubscriptionRedirectUrl', '__clerk_debug',
    '__clerkJSUrl', '__clerkJSVersion', '__telemetryDisabled', '__telemetryDebug',
  ];

  test('keys in Clerk\'s order with every option and env value set; values equal', async () => {
    const s = variant('cookie-signed-in-document', {
      name: 'clerk-state-everything',
      env: {
        CLERK_JS: 'https://cdn.example.test/clerk.js',
        CLERK_JS_VERSION: '5.1.0',
        CLERK_TELEMETRY_DISABLED: '1',
        CLERK_TELEMETRY_DEBUG: 'true',
        CLERK_SIGN_UP_URL: '/sign-up',
        CLERK_CHECKOUT_CONTINUE_URL: '/continue',
      },
      options: {
        signInUrl: '/sign-in',
        afterSignInUrl: '/after-in',
        afterSignUpUrl: '/after-up',
        signInForceRedirectUrl: '/force-in',
        signUpForceRedirectUrl: '/force-up',
        signInFallbackRedirectUrl: '/fallback-in',
        signUpFallbackRedirectUrl: '/fallback-up',
        proxyUrl: '/__clerk',
      },
    });
    const { clerk, ours: mine } = await both(s, internalClerkState);
    assert.deepEqual(Object.keys(mine), SPEC_KEYS);
    assert.deepEqual(Object.keys(mine), Object.keys(clerk));
    assert.deepEqual(mine, clerk);
    assert.equal(mine.__proxyUrl, `${APP_ORIGIN}/__clerk`);
    assert.deepEqual(Object.keys(mine.__clerk_debug), ['isSignedIn', 'isAuthenticated', 'proxyUrl', 'reason', 'message', 'publishableKey', 'isSatellite', 'domain']);
  });

  test('unset CLERK_JS / CLERK_JS_VERSION are absent from the JSON, as in Clerk', async () => {
    const { clerk, ours: mine } = await both(SIGNED_OUT, internalClerkState);
    assert.deepEqual(Object.keys(mine), SPEC_KEYS.filter((k) => k !== '__clerkJSUrl' && k !== '__clerkJSVersion'));
    assert.deepEqual(mine, clerk);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('loadUser / loadSession / loadOrganization', () => {
  test('the resources have Clerk\'s fields and order, without private metadata; no _raw (R7)', async () => {
    documented('R7');
    const issuer = await getIssuer('production');
    issuer.defineUser({
      id: USER_ID,
      object: 'user',
      first_name: 'Ada',
      last_name: 'Lovelace',
      username: 'ada',
      primary_email_address_id: 'idn_1',
      email_addresses: [
        {
          id: 'idn_1',
          object: 'email_address',
          email_address: 'ada@example.test',
          verification: { status: 'verified', strategy: 'email_code', attempts: 1, expire_at: 1 },
          linked_to: [{ id: 'idn_g', type: 'oauth_google' }],
        },
      ],
      phone_numbers: [{ id: 'idn_p', phone_number: '+100', reserved_for_second_factor: false, default_second_factor: false, verification: null, linked_to: [] }],
      external_accounts: [{ id: 'eac_1', provider: 'oauth_google', provider_user_id: 'g1', identification_id: 'idn_g', approved_scopes: 'email', email_address: 'ada@example.test', image_url: null, public_metadata: { a: 1 }, label: null, verification: { status: 'verified', strategy: 'oauth_google', external_verification_redirect_url: 'https://accounts.example.test/x' } }],
      public_metadata: { plan: 'pro' },
      private_metadata: { secret: 'never-in-the-loader' },
      unsafe_metadata: { u: 1 },
      created_at: 1,
      updated_at: 2,
    });
    issuer.defineOrganization({ id: 'org_2oracleLoad', object: 'organization', name: 'Load', slug: 'load', private_metadata: { secret: 'org-secret' }, public_metadata: { p: 1 }, created_at: 1, updated_at: 2 });
    const s = scenario('load-resources-in-callback');
    const { clerk, ours: mine, clerkRun, oursRun } = await both(s, async (impl, args, built) => {
      const seen = {};
      await impl.rootAuthLoader(
        args,
        ({ request }) => {
          for (const k of ['user', 'session', 'organization']) seen[k] = JSON.parse(JSON.stringify(request[k]));
          return {};
        },
        built.options,
      );
      return seen;
    });
    // Clerk keeps the raw Backend API JSON, private metadata included
    assert.equal(clerk.user._raw.private_metadata.secret, 'never-in-the-loader');
    assert.equal(clerk.organization._raw.private_metadata.secret, 'org-secret');
    const withoutRaw = ({ _raw, ...rest }) => rest;
    assert.deepEqual(mine.user, withoutRaw(clerk.user));
    assert.deepEqual(Object.keys(mine.user), Object.keys(withoutRaw(clerk.user)));
    assert.deepEqual(mine.organization, withoutRaw(clerk.organization));
    assert.deepEqual(mine.session, clerk.session);
    assert.equal(mine.user.firstName, 'Ada');
    assert.equal(mine.session.id, SESSION_ID);
    assert.ok(!JSON.stringify(mine).includes('secret'), 'no private metadata anywhere');
    const paths = (run) => run.bapi.filter((r) => r !== 'GET /v1/jwks').sort();
    assert.deepEqual(paths(oursRun), paths(clerkRun));
  });

  test('nothing is fetched without the options, or for a signed-out request', async () => {
    for (const [s, options] of [[SIGNED_IN, {}], [SIGNED_OUT, { loadUser: true, loadSession: true, loadOrganization: true }]]) {
      const { clerk, ours: mine, oursRun } = await both(s, async (impl, args, built) => {
        let seen;
        await impl.rootAuthLoader(args, ({ request }) => ((seen = [request.user, request.session, request.organization].map(String)), {}), { ...built.options, ...options });
        return seen;
      });
      assert.deepEqual(mine, ['undefined', 'undefined', 'undefined']);
      assert.deepEqual(mine, clerk);
      assert.deepEqual(oursRun.bapi.filter((r) => r !== 'GET /v1/jwks'), []);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('2022 beta shapes', () => {
  test('({ request, params, context, auth }) destructuring works; Object.keys(args) stays 4.x\'s (R6)', async () => {
    documented('R6');
    const s = scenario('load-resources-in-callback');
    const { clerk, ours: mine } = await both(s, async (impl, args, built) => {
      let seen;
      const response = await impl.rootAuthLoader(
        args,
        ({ request, params, context, auth, user, session }) => {
          seen = {
            keys: Object.keys(args),
            userId: auth?.userId,
            sessionId: auth?.sessionId,
            sameAuth: auth === request.auth,
            tokenType: typeof auth?.getToken,
            user: user?.id,
            session: session?.id,
            params: typeof params,
            context: typeof context,
          };
          return { userId: auth?.userId ?? 'no auth' };
        },
        built.options,
      );
      return { seen, body: JSON.parse(await response.text()).userId };
    });
    assert.deepEqual(mine.seen, {
      keys: ['request', 'params', 'context'],
      userId: USER_ID,
      sessionId: SESSION_ID,
      sameAuth: true,
      tokenType: 'function',
      user: USER_ID,
      session: SESSION_ID,
      params: 'object',
      context: 'object',
    });
    assert.equal(mine.body, USER_ID);
    // 4.x: no top-level auth
    assert.equal(clerk.seen.userId, undefined);
    assert.deepEqual(clerk.seen.keys, mine.seen.keys);
  });

  test('getAuth(request) returns what getAuth(args) returns (Clerk throws, R5)', async () => {
    documented('R5');
    for (const s of [SIGNED_IN, SIGNED_OUT]) {
      const { clerk, ours: mine } = await both(s, async (impl, args, built) => {
        const fromRequest = await settle(() => impl.getAuth(args.request))();
        const fromArgs = await impl.getAuth(args, built.options);
        const view = (a) => (a.thrown ? a : { json: JSON.parse(JSON.stringify(a)), keys: Object.keys(a), token: typeof a.getToken === 'function' ? 'fn' : a.getToken });
        return { fromRequest: view(fromRequest), fromArgs: view(fromArgs) };
      });
      assert.deepEqual(clerk.fromRequest.thrown, { kind: 'error', name: 'Error', message: errors.noLoaderArgsPassedInGetAuth });
      assert.deepEqual(mine.fromRequest, mine.fromArgs);
      assert.deepEqual(mine.fromArgs, clerk.fromArgs);
    }
  });

  test('CLERK_API_KEY + CLERK_FRONTEND_API (the 2022 guide\'s env names) are enough (Clerk 4.x: noSecretKeyError)', async () => {
    const issuer = await getIssuer('production');
    const s = variant('cookie-signed-in-document', {
      name: 'beta-env-names',
      env: { CLERK_SECRET_KEY: null, CLERK_PUBLISHABLE_KEY: null, CLERK_API_KEY: issuer.secretKey, CLERK_FRONTEND_API: issuer.frontendApi },
    });
    const { clerk, ours: mine } = await both(s, async (impl, args) => {
      const state = JSON.parse(await (await impl.rootAuthLoader(args)).text()).clerkState.__internal_clerk_state;
      const auth = await impl.getAuth(args.request);
      return { userId: state.__clerk_ssr_state.userId, pk: state.__publishableKey, getAuthUserId: auth.userId };
    });
    assert.deepEqual(mine, { userId: USER_ID, pk: issuer.publishableKey, getAuthUserId: USER_ID });
    assert.equal(clerk.thrown.message, errors.noSecretKeyError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('getAuth guard', () => {
  test('missing args, request or context: noLoaderArgsPassedInGetAuth, same text as Clerk', async () => {
    const { clerk, ours: mine } = await both(SIGNED_IN, async (impl, args) => {
      const out = [];
      for (const bad of [undefined, null, {}, { request: args.request }, { request: args.request, context: null }, { context: {} }]) {
        out.push(await settle(() => impl.getAuth(bad))());
      }
      return out;
    });
    assert.equal(mine.length, 6);
    for (const r of mine) assert.deepEqual(r.thrown, { kind: 'error', name: 'Error', message: errors.noLoaderArgsPassedInGetAuth });
    assert.deepEqual(mine, clerk);
    assert.match(errors.noLoaderArgsPassedInGetAuth, /^🔒 Clerk: You're calling 'getAuth\(\)' from a loader, without providing the loader args object\./u);
  });

  test('getAuth returns the auth object plus user/organization: undefined; every option is honoured', async () => {
    const s = scenario('azp-not-authorized');
    const { clerk, ours: mine } = await both(s, async (impl, args, built) => {
      const auth = await impl.getAuth(args, built.options);
      return { keys: Object.keys(auth), userId: auth.userId, user: String(auth.user), org: String(auth.organization), debug: auth.debug().reason };
    });
    assert.deepEqual(mine, clerk);
    assert.equal(mine.debug, 'token-invalid-authorized-parties');
    assert.deepEqual(mine.keys.slice(-2), ['user', 'organization']);
  });

  test('a missing publishable key surfaces as Clerk\'s plain Error', async () => {
    const s = variant('cookie-signed-in-document', { name: 'no-publishable-key', env: { CLERK_PUBLISHABLE_KEY: null } });
    const { clerk, ours: mine } = await both(s, async (impl, args) => impl.getAuth(args));
    assert.match(mine.thrown.message, /^Publishable key is missing\./);
    assert.deepEqual(mine, clerk);
  });
});
