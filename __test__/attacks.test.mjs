// The attack catalogue through the loaders (getAuth / rootAuthLoader) against a local issuer (its JWKS on
// 127.0.0.1, or its PEM as CLERK_JWT_KEY), with a real attacker server listening beside it. The Rust side
// (crates/clerk-remix-core/src/tests/attacks.rs) pins every case's reason at the verifier; here the question is what a Remix app sees:
// never signed in, never a crash, and no request to any URL a token names. docs/security.md has the full table.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { startJwksServer } from './helpers/jwksServer.mjs';
import { createLocalIssuer, decide, decideRoot, requestWith } from './helpers/requests.mjs';
import { b64url, generateRsaKey, signJwt } from './helpers/tokens.mjs';

let issuer;
let attacker; // the attacker's key pair
let evil; // the attacker's server: serves the attacker's JWKS at /jwks.json and records every request

before(async () => {
  issuer = await createLocalIssuer();
  attacker = generateRsaKey({ kid: 'ins_attacker' });
  evil = await startJwksServer({ keys: [attacker.jwk], path: '/jwks.json' });
});
after(async () => {
  await evil.close();
  await issuer.close();
});

/** The issuer's settings: JWKS over the network (default) or its PEM (`jwtKey: true`, no network at all). */
const env = (jwtKey = false) => issuer.env({ jwtKey });
const cookieFor = (token) => issuer.cookieHeader({ session: token, clientUat: issuer.sessionClaims().iat - 10 });
const asCookie = (token, jwtKey, extra = {}) => decide(requestWith({ cookie: cookieFor(token), ...extra }), { env: env(jwtKey) });
const asHeader = (token, jwtKey) => decide(requestWith({ headers: { authorization: `Bearer ${token}` } }), { env: env(jwtKey) });

/** Signed out with `reason` through cookie and header, getAuth and rootAuthLoader, JWKS and PEM. */
async function assertRefused(token, reason, { pemReason = reason } = {}) {
  for (const jwtKey of [false, true]) {
    const want = jwtKey ? pemReason : reason;
    for (const [carrier, r] of [['cookie', await asCookie(token, jwtKey)], ['header', await asHeader(token, jwtKey)],
      ['document cookie', await asCookie(token, jwtKey, { document: true })]]) {
      assert.equal(r.kind, 'signed-out', `${carrier} (${jwtKey ? 'PEM' : 'JWKS'}): ${r.kind} ${r.error?.stack ?? ''}`);
      assert.equal(r.reason, want, `${carrier} (${jwtKey ? 'PEM' : 'JWKS'}): ${r.message}`);
    }
    const root = await decideRoot(requestWith({ cookie: cookieFor(token) }), { env: env(jwtKey) });
    assert.equal(root.kind, 'signed-out', `rootAuthLoader: ${root.error?.stack ?? ''}`);
    assert.equal(root.reason, want);
  }
}

const sign = (header, claims, signature) => `${b64url(header)}.${b64url(claims)}.${signature}`;

describe('tokens that must never sign anyone in', () => {
  test('control: the issuer\'s genuine token signs in (JWKS and PEM, cookie and header)', async () => {
    const t = issuer.sessionToken();
    for (const jwtKey of [false, true]) {
      assert.equal((await asCookie(t, jwtKey)).kind, 'signed-in');
      assert.equal((await asHeader(t, jwtKey)).kind, 'signed-in');
    }
  });

  test('alg none in any casing, with or without a signature → token-invalid-algorithm', async () => {
    const claims = issuer.sessionClaims();
    const genuineSig = issuer.sessionToken().split('.')[2];
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      for (const sig of ['', genuineSig]) {
        await assertRefused(sign({ alg, typ: 'JWT', kid: issuer.kid }, claims, sig), 'token-invalid-algorithm');
      }
    }
  });

  test('HS256 keyed with the issuer\'s public key (PEM text, JWK JSON) → token-invalid-algorithm', async () => {
    const claims = issuer.sessionClaims();
    const jwk = issuer.jwks().keys.find((k) => k.kid === issuer.kid);
    for (const secret of [issuer.jwtKey, issuer.jwtKey.trim(), JSON.stringify(jwk)]) {
      for (const alg of ['HS256', 'HS512']) {
        const input = `${b64url({ alg, typ: 'JWT', kid: issuer.kid })}.${b64url(claims)}`;
        const mac = createHmac(alg === 'HS256' ? 'sha256' : 'sha512', secret).update(input).digest('base64url');
        await assertRefused(`${input}.${mac}`, 'token-invalid-algorithm');
      }
    }
  });

  test('a genuine RS256 signature under a header claiming PS256 / RS384 → refused', async () => {
    const t = issuer.sessionToken();
    const [, p, s] = t.split('.');
    await assertRefused(`${b64url({ alg: 'PS256', typ: 'JWT', kid: issuer.kid })}.${p}.${s}`, 'token-invalid-algorithm');
    // RS384 is an algorithm we take, so the RS256 signature is checked with SHA-384 and fails; the issuer's JWK pins
    // RS256, which refuses RS384 before that with Clerk's own reason and message.
    await assertRefused(`${b64url({ alg: 'RS384', typ: 'JWT', kid: issuer.kid })}.${p}.${s}`, 'token-verification-failed',
      { pemReason: 'token-invalid-signature' });
  });

  test('signatures all zeros, truncated, doubled; a genuine signature over a changed payload → token-invalid-signature', async () => {
    const [h, p, s] = issuer.sessionToken().split('.');
    const sig = Buffer.from(s, 'base64url');
    const forgedPayload = b64url({ ...issuer.sessionClaims(), sub: 'user_admin' });
    for (const t of [
      `${h}.${p}.${Buffer.alloc(256).toString('base64url')}`,
      `${h}.${p}.${sig.subarray(0, 255).toString('base64url')}`,
      `${h}.${p}.${Buffer.concat([sig, sig]).toString('base64url')}`,
      `${h}.${forgedPayload}.${s}`,
    ]) {
      await assertRefused(t, 'token-invalid-signature');
    }
  });
});

describe('jku / x5u / jwk / x5c name the attacker\'s key: ignored, never fetched', () => {
  const url = () => `${evil.url}/jwks.json`;
  const x5c = () => [attacker.pem.replace(/-----[A-Z ]+-----|\s/g, '')];
  const embedded = () => [
    { jku: url() },
    { x5u: url() },
    { jwk: attacker.jwk },
    { x5c: x5c() },
    { jku: url(), x5u: url(), jwk: attacker.jwk, x5c: x5c() },
  ];

  test('the attacker\'s token under the issuer\'s kid → token-invalid-signature; the attacker\'s server sees no request', async () => {
    const before = issuer.requests.length;
    for (const header of embedded()) {
      const forged = issuer.sessionToken({ header, signWith: attacker.privateKey, kid: issuer.kid });
      await assertRefused(forged, 'token-invalid-signature');
    }
    assert.equal(evil.count, 0, `the attacker's server was asked: ${JSON.stringify(evil.requests)}`);
    // The issuer was asked for nothing but its own JWKS.
    assert.ok(issuer.requests.slice(before).every((r) => r.method === 'GET' && r.path === '/v1/jwks'));
  });

  test('the attacker\'s token under the attacker\'s kid → jwk-kid-mismatch (JWKS) / token-invalid-signature (PEM); no request to the attacker', async () => {
    for (const header of embedded()) {
      const forged = issuer.sessionToken({ header, signWith: attacker.privateKey, kid: attacker.kid });
      await assertRefused(forged, 'jwk-kid-mismatch', { pemReason: 'token-invalid-signature' });
    }
    assert.equal(evil.count, 0);
  });

  test('the issuer\'s genuine token carrying the same headers still signs in (they are ignored, not trusted)', async () => {
    for (const header of embedded()) {
      const t = issuer.sessionToken({ header });
      assert.equal((await asCookie(t, false)).kind, 'signed-in');
      assert.equal((await asCookie(t, true)).kind, 'signed-in');
    }
    assert.equal(evil.count, 0);
  });
});

describe('injected kids', () => {
  test('path traversal, URL, NUL, CR/LF and 10 KB kids: jwk-kid-mismatch (JWKS), a label only (PEM); the issuer only ever sees GET /v1/jwks', async () => {
    const before = issuer.requests.length;
    const kids = ['../../v1/users/user_1', '..%2F..%2Fv1%2Fusers', `${evil.url}/jwks.json`, 'ins\u0000x', '\u0000',
      'x\r\nx-injected: 1', 'k'.repeat(10 * 1024)];
    for (const kid of kids) {
      const t = issuer.sessionToken({ kid });
      // Signed by the issuer, so only the kid is wrong: the JWKS has no key under that name.
      for (const r of [await asCookie(t, false), await asHeader(t, false), await asCookie(t, false, { document: true })]) {
        assert.equal(r.kind, 'signed-out', r.error?.stack);
        assert.equal(r.reason, 'jwk-kid-mismatch');
      }
      const root = await decideRoot(requestWith({ cookie: cookieFor(t) }), { env: env(false) });
      assert.equal(root.reason, 'jwk-kid-mismatch', root.error?.stack);
      // With the PEM (one key, any kid, as CLERK_JWT_KEY in Clerk) the kid is a label: the genuine token signs in.
      assert.equal((await asCookie(t, true)).kind, 'signed-in');
      // Forged under that kid: refused either way.
      const forged = issuer.sessionToken({ kid, signWith: attacker.privateKey });
      assert.equal((await asCookie(forged, true)).reason, 'token-invalid-signature');
      assert.equal((await asCookie(forged, false)).reason, 'jwk-kid-mismatch');
    }
    assert.ok(issuer.requests.length - before <= 1, 'at most one refetch for all of them (kid cooldown)');
    for (const r of issuer.requests.slice(before)) assert.equal(`${r.method} ${r.path}`, 'GET /v1/jwks');
    assert.equal(evil.count, 0);
  });
});

describe('hostile JSON in genuine tokens', () => {
  test('a claim nested 5,000 deep: in sub → token-invalid; in another claim of a forged token → token-invalid-signature', async () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const claims = JSON.stringify(issuer.sessionClaims());
    // The payload as raw JSON text (signJwt base64url-encodes a string as it is).
    const rawToken = (payload, privateKey) => signJwt({ key: { kid: issuer.kid, privateKey }, claims: payload });
    const inSub = rawToken(claims.replace(/"sub":"[^"]*"/, `"sub":${deep}`), issuer.currentKey.privateKey);
    await assertRefused(inSub, 'token-invalid');
    const inOther = claims.replace('{', `{"deep":${deep},`);
    await assertRefused(rawToken(inOther, attacker.privateKey), 'token-invalid-signature');
    // Signed by the issuer, the same payload is trusted data: getAuth signs in and hands the claims over (V8's
    // JSON.parse is iterative). rootAuthLoader then fails to serialize them into clerkState: V8's JSON.stringify
    // recurses, so it rejects with a RangeError — an error for the app, as @clerk/remix would give, not a crash.
    const genuine = rawToken(inOther, issuer.currentKey.privateKey);
    const r = await asCookie(genuine, false);
    assert.equal(r.kind, 'signed-in', r.error?.stack);
    assert.equal(r.auth.sessionClaims.deep.length, 1);
    const root = await decideRoot(requestWith({ cookie: cookieFor(genuine) }), { env: env(false) });
    assert.equal(root.kind, 'threw');
    assert.ok(root.error instanceof RangeError, root.error?.stack);
  });

  test('duplicate sub in the payload, a header that is not an object → token-invalid', async () => {
    const claims = JSON.stringify(issuer.sessionClaims());
    const dup = claims.replace('{', '{"sub":"user_admin",');
    const genuine = issuer.sessionToken().split('.');
    await assertRefused(`${genuine[0]}.${Buffer.from(dup).toString('base64url')}.${genuine[2]}`, 'token-invalid');
    await assertRefused(`${b64url('"RS256"')}.${genuine[1]}.${genuine[2]}`, 'token-invalid');
  });
});

describe('crafted handshakes and refreshes signed by the instance (docs/compat.md H1–H3)', () => {
  const nowS = () => Math.floor(Date.now() / 1000);
  const withHandshake = (hs) => requestWith({ url: `http://localhost:3000/?__clerk_handshake=${hs}`, document: true });

  test('a handshake payload planting a cookie, another site\'s Domain or a 30-year lifetime: nothing of it is set', async () => {
    const good = issuer.setCookieDirectives({ session: issuer.sessionToken() });
    // Control: Clerk's own directives resolve the handshake and are set as written.
    const control = await decideRoot(withHandshake(issuer.handshakeToken(good)), { env: env() });
    assert.equal(control.kind, 'signed-in', control.error?.stack);
    assert.deepEqual(control.response.headers.getSetCookie(), good);
    for (const planted of ['admin=1; Path=/; Max-Age=315360000', `${good[1]}; Domain=evil.example`, `${good[0]}; Max-Age=946080000`]) {
      const hs = issuer.handshakeToken([...good, planted]);
      const root = await decideRoot(withHandshake(hs), { env: env() });
      assert.equal(root.kind, 'signed-out', `${planted}: ${root.error?.stack ?? ''}`);
      assert.equal(root.reason, 'session-token-and-uat-missing');
      assert.deepEqual(root.response.headers.getSetCookie(), [], planted);
      assert.equal((await decide(withHandshake(hs), { env: env() })).kind, 'signed-out');
    }
  });

  test('a handshake token replayed from a link more than 5 minutes after it was issued never signs in', async () => {
    const good = issuer.setCookieDirectives({ session: issuer.sessionToken() });
    assert.equal((await decide(withHandshake(issuer.handshakeToken(good, { issuedAt: nowS() - 240 })), { env: env() })).kind, 'signed-in');
    for (const options of [{ issuedAt: nowS() - 3600 }, { issuedAt: nowS() - 86_400 * 365 }, { issuedAt: null }]) {
      const r = await decideRoot(withHandshake(issuer.handshakeToken(good, options)), { env: env(true) });
      assert.equal(r.kind, 'signed-out', JSON.stringify(options));
      assert.deepEqual(r.response.headers.getSetCookie(), []);
    }
  });

  test('the sid of an expired genuine token never leaves its one segment of the refresh URL', async () => {
    for (const sid of ['../../users/user_1', '../../users/user_1/ban?', 'a/b?c#d']) {
      const expired = issuer.sessionToken({ sessionId: sid, issuedAt: nowS() - 120, expiresInSeconds: 60 });
      const refresh = issuer.createRefreshToken({ sessionId: sid });
      const before = issuer.requests.length;
      const r = await decide(requestWith({ cookie: issuer.cookieHeader({ session: expired, refresh }) }), { env: env() });
      const made = issuer.requests.slice(before).map((q) => `${q.method} ${q.path}`).filter((l) => l !== 'GET /v1/jwks');
      assert.deepEqual(made, [`POST /v1/sessions/${encodeURIComponent(sid)}/refresh`], sid);
      assert.equal(r.kind, 'signed-in', `${sid}: refreshed at its own URL`);
      assert.equal(r.sessionId, sid);
    }
  });
});
