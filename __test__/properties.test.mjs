// Property tests (fast-check): for random Cookie headers, Authorization headers and tokens — genuine ones, genuine
// ones mutated, forged ones, random JSON signed by an attacker, and noise — getAuth and rootAuthLoader
//   1. never throw anything but the documented handshake: a 307 Response with a Location (and, in development only,
//      Clerk's documented Error for a `__clerk_handshake` token that fails verification);
//   2. sign in only with a token that verifies independently (node:crypto over the issuer's public keys, with
//      sub = userId and a current exp/nbf), and that token is in the request.
// Against a local issuer in production and development mode, JWKS and PEM. Seeded and bounded: a failure prints
// the seed and the shrunk counterexample; FC_SEED / FC_RUNS override them.
import assert from 'node:assert/strict';
import { randomUUID, sign as nodeSign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';

import { createLocalIssuer, getAuth, rootAuthLoader } from './helpers/requests.mjs';
import { withCapturedConsole } from './helpers/oracle.mjs';
import { b64url, decodePayload, generateRsaKey, verifyJws } from './helpers/tokens.mjs';

const RUNS = Number(process.env.FC_RUNS ?? 1_000);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

const issuers = {};
let attacker;

before(async () => {
  attacker = generateRsaKey();
  issuers.production = await createLocalIssuer();
  issuers.development = await createLocalIssuer({ instance: 'development' });
});
after(async () => {
  await Promise.all(Object.values(issuers).map((i) => i.close()));
});

/** Tokens signed once per issuer (RSA signing is slow): genuine, expired, not yet valid, other algs, foreign, forged. */
function tokenPool(issuer) {
  const now = Math.floor(Date.now() / 1000);
  const genuine = [
    issuer.sessionToken(),
    issuer.sessionToken({ alg: 'RS384' }),
    issuer.sessionToken({ alg: 'RS512' }),
    issuer.sessionToken({ extraClaims: { extra: { nested: [1, { a: 'b' }] } } }),
  ];
  const refused = [
    issuer.sessionToken({ issuedAt: now - 3_600 }), // expired
    issuer.sessionToken({ issuedAt: now + 600 }), // iat and nbf in the future
    issuer.sessionToken({ kid: `ins_${randomUUID()}` }), // unknown kid
    issuer.sessionToken({ signWith: attacker.privateKey }), // forged under the issuer's kid
    issuer.sessionToken({ signWith: attacker.privateKey, header: { jwk: attacker.jwk, jku: 'http://127.0.0.1:9/jwks' } }),
    issuer.sessionToken({ extraClaims: { sub: undefined } }),
    issuer.sessionToken({ extraClaims: { sub: 42 } }),
    issuer.sessionToken({ header: { typ: 'at+jwt' } }),
    issuer.signJwt({ ...issuer.sessionClaims(), exp: 1e308 }),
    `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(issuer.sessionClaims())}.`,
  ];
  return { genuine, refused, all: [...genuine, ...refused] };
}

// Header values a Request accepts: Latin-1 without controls (Headers refuses NUL/CR/LF; it trims outer spaces).
const latin1Char = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c));
const latin1 = (maxLength = 40) => fc.string({ unit: latin1Char, maxLength });
const b64part = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 60 });

/** A token: from the pool, a pool token mutated, random JSON signed by the attacker, three random parts, or noise. */
const tokenArb = (pool) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...pool.all) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...pool.genuine), fc.nat(), fc.constantFrom('flip', 'delete', 'insert', 'pad', 'percent'), latin1Char)
        .map(([t, at, how, c]) => {
          const i = at % t.length;
          if (how === 'flip') return t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
          if (how === 'delete') return t.slice(0, i) + t.slice(i + 1);
          if (how === 'insert') return t.slice(0, i) + c + t.slice(i);
          if (how === 'pad') return `${t}=`;
          return t.replace('.', '%2E'); // decodes back to the genuine token: may sign in (the cookie parser decodes values)
        }),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), fc.constantFrom('RS256', 'RS384', 'none', 'HS256'))
        .map(([claims, alg]) => {
          // Random claims, sometimes with the issuer's kid and realistic times, signed by the attacker.
          const now = Math.floor(Date.now() / 1000);
          const body = { sub: 'user_forged', iat: now, exp: now + 60, ...claims };
          const input = `${b64url({ alg, typ: 'JWT', kid: issuers.production.kid })}.${b64url(body)}`;
          return `${input}.${nodeSign('sha256', Buffer.from(input), attacker.privateKey).toString('base64url')}`;
        }),
    },
    { weight: 1, arbitrary: fc.tuple(b64part, b64part, b64part).map((p) => p.join('.')) },
    { weight: 1, arbitrary: latin1(80) },
  );

const cookieName = (issuer) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('__session', '__client_uat', `__session_${issuer.cookieSuffix}`, `__client_uat_${issuer.cookieSuffix}`) },
    { weight: 2, arbitrary: fc.constantFrom('__clerk_db_jwt', `__clerk_db_jwt_${issuer.cookieSuffix}`, '__clerk_redirect_count', `__refresh_${issuer.cookieSuffix}`, '__clerk_handshake') },
    { weight: 1, arbitrary: latin1(8).filter((n) => !/[=;]/.test(n)) },
  );

const cookieValue = (pool) =>
  fc.oneof(
    { weight: 4, arbitrary: tokenArb(pool) },
    { weight: 3, arbitrary: fc.oneof(fc.integer({ min: -5, max: 2_000_000_000 }), fc.constantFrom(0, 3, Math.floor(Date.now() / 1000))).map(String) },
    { weight: 1, arbitrary: latin1(20) },
  );

/** A request: a Cookie header of random pairs, maybe an Authorization header, random fetch metadata and method. */
const requestArb = (issuer, pool) =>
  fc.record({
    // A signed-in browser's cookies first (the generator would rarely build them by chance), then random pairs.
    browser: fc.option(fc.constantFrom(...pool.genuine), { freq: 3 }),
    devBrowser: fc.boolean(),
    pairs: fc.array(fc.tuple(cookieName(issuer), cookieValue(pool)), { maxLength: 6 }),
    separator: fc.constantFrom('; ', ';', ' ; ', ';;'),
    authorization: fc.option(fc.tuple(fc.constantFrom('Bearer ', '', 'bearer ', 'Basic '), tokenArb(pool)).map(([s, t]) => s + t), { freq: 4 }),
    dest: fc.option(fc.constantFrom('document', 'empty', 'iframe'), { freq: 4 }),
    accept: fc.option(fc.constantFrom('text/html', '*/*', 'application/json'), { freq: 3 }),
    method: fc.constantFrom('GET', 'GET', 'POST'),
    query: fc.constantFrom('', '?tab=1', '?__clerk_db_jwt=dvb_x', '?__clerk_handshake=a.b.c'),
  });

function toRequest(r) {
  const headers = {};
  const pairs = r.pairs.map(([n, v]) => `${n}=${v}`);
  if (r.browser !== null) pairs.unshift(`__session=${r.browser}`, `__client_uat=${decodePayload(r.browser).iat}`);
  if (r.devBrowser) pairs.unshift(`__clerk_db_jwt=${r.devBrowserToken}`);
  const cookie = pairs.join(r.separator);
  if (cookie) headers.cookie = cookie;
  if (r.authorization !== null) headers.authorization = r.authorization;
  if (r.dest !== null) headers['sec-fetch-dest'] = r.dest;
  if (r.accept !== null) headers.accept = r.accept;
  return new Request(`http://localhost:3000/dashboard${r.query}`, { method: r.method, headers });
}

/** The oracle: a compact JWS that verifies with one of the issuer's public keys, names `userId` and is current. */
function independentlyVerifies(issuer, token, userId) {
  const payload = verifyJws(token, issuer.keys.map((k) => k.publicKey));
  const now = Date.now() / 1000;
  return payload !== null && typeof payload.sub === 'string' && payload.sub === userId && payload.exp > now - 6 && !(payload.nbf > now + 6);
}

/** Every token-shaped substring of the request's Cookie and Authorization headers, raw and percent-decoded. */
function tokensIn(request) {
  const text = `${request.headers.get('cookie') ?? ''} ${request.headers.get('authorization') ?? ''}`;
  const found = new Set();
  for (const variant of [text, safeDecode(text)]) {
    for (const m of variant.matchAll(/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g)) found.add(m[0]);
  }
  return [...found];
}
const safeDecode = (s) => s.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => { try { return decodeURIComponent(run); } catch { return run; } });

/** getAuth or rootAuthLoader on `request`: `{ userId }` (null when signed out) or `{ handshake: Response }`; any other throw fails. */
async function run(which, request, env, devHandshake) {
  try {
    if (which === 'getAuth') {
      const auth = await getAuth({ request, context: { env } });
      return { userId: auth.userId, token: auth.userId ? await auth.getToken() : null };
    }
    const response = await rootAuthLoader({ request, context: { env }, params: {} });
    assert.ok(response instanceof Response);
    const state = (await response.json()).clerkState.__internal_clerk_state.__clerk_ssr_state;
    return { userId: state.userId ?? null, token: null };
  } catch (err) {
    if (err instanceof Response) return { handshake: err };
    // The one other throw Clerk documents for a request: in development, a `__clerk_handshake`
    // token that fails verification throws this Error (it tells the developer their keys do not match).
    if (devHandshake && err instanceof Error && err.message.startsWith('Clerk: Handshake token verification failed')) {
      return { devHandshakeError: err };
    }
    throw new Error(`${which} threw something other than the handshake Response: ${err?.stack ?? err}`);
  }
}

for (const instance of ['production', 'development']) {
  for (const jwtKey of [false, true]) {
    describe(`${instance}, ${jwtKey ? 'PEM (CLERK_JWT_KEY)' : 'JWKS'}`, () => {
      test('getAuth and rootAuthLoader: only the handshake is thrown; signed in only with a token that verifies independently', async () => {
        const issuer = issuers[instance];
        const env = issuer.env({ jwtKey });
        const pool = tokenPool(issuer);
        let signedIn = 0;
        let handshakes = 0;
        // Clerk logs a handshake it cannot resolve ("Clerk: unable to resolve handshake:"): collected, not printed.
        const { logs } = await withCapturedConsole(() =>
          fc.assert(
            fc.asyncProperty(requestArb(issuer, pool).map((r) => ({ ...r, devBrowserToken: issuer.devBrowserToken })), async (r) => {
              for (const which of ['getAuth', 'rootAuthLoader']) {
                const request = toRequest(r);
                const carriesHandshake = new URL(request.url).searchParams.has('__clerk_handshake') ||
                  /(^|;)\s*__clerk_handshake=/.test(request.headers.get('cookie') ?? '');
                const out = await run(which, request, env, instance === 'development' && carriesHandshake);
                if (out.devHandshakeError) continue;
                if (out.handshake) {
                  handshakes += 1;
                  assert.equal(out.handshake.status, 307);
                  assert.ok(out.handshake.headers.get('location'), 'a handshake Response carries a Location');
                  continue;
                }
                if (!out.userId) continue;
                signedIn += 1;
                const candidates = out.token ? [out.token] : tokensIn(toRequest(r));
                if (out.token) assert.ok(tokensIn(toRequest(r)).includes(out.token), 'the session token came from the request');
                assert.ok(candidates.some((t) => independentlyVerifies(issuer, t, out.userId)),
                  `${which} signed in ${out.userId} without a token that verifies: ${JSON.stringify(r)}`);
              }
            }),
            { numRuns: RUNS, seed: SEED, endOnFailure: true },
          ),
        );
        // Every console.error line is that one (other levels, e.g. Clerk's redirect-loop notice on console.log, are just kept quiet).
        for (const line of logs.filter((l) => l.level === 'error')) assert.match(line.text, /^Clerk: unable to resolve handshake:/);
        // The generator must reach both outcomes, or the property says little.
        assert.ok(signedIn > 0, 'no run signed in');
        assert.ok(handshakes > 0 || jwtKey || instance === 'production', 'no run needed a handshake');
      });
    });
  }
}
