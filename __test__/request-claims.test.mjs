// verifyRequest (where the token comes from) and time-dependent claims with a frozen clock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { createTokenVerifier, freshSecret, rejectsWith, throwsWith, verifyToken } from './helpers/api.mjs';
import { startJwksServer } from './helpers/jwksServer.mjs';
import { generateRsaKey, sessionClaims, signJwt } from './helpers/tokens.mjs';

let key;
let verifier; // PEM: no network
let server;
let remote; // JWKS through the test server

before(async () => {
  key = generateRsaKey();
  verifier = createTokenVerifier({ jwtKey: key.pem });
  server = await startJwksServer({ keys: [key.jwk] });
  remote = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
});
after(async () => {
  await server.close();
});

describe('verifyRequest', () => {
  for (const [name, which] of [['PEM', () => verifier], ['JWKS', () => remote]]) {
    test(`Authorization: Bearer → carrier "header" (${name})`, async () => {
      const claims = sessionClaims();
      const token = signJwt({ key, claims });
      const got = await which().verifyRequest({ authorization: `Bearer ${token}` });
      assert.deepEqual(got, { claims, token, carrier: 'header' });
    });

    test(`__session cookie → carrier "cookie" (${name})`, async () => {
      const claims = sessionClaims();
      const token = signJwt({ key, claims });
      const got = await which().verifyRequest({ cookie: `__session=${token}; other=1` });
      assert.deepEqual(got, { claims, token, carrier: 'cookie' });
    });
  }

  test('the header wins over the cookie', async () => {
    const headerClaims = sessionClaims();
    const headerToken = signJwt({ key, claims: headerClaims });
    const got = await verifier.verifyRequest({
      authorization: `Bearer ${headerToken}`,
      cookie: `__session=${signJwt({ key })}`,
    });
    assert.equal(got.carrier, 'header');
    assert.equal(got.token, headerToken);
    assert.deepEqual(got.claims, headerClaims);
  });

  test('a cookie among others, with spaces, and a __session_xyz decoy', async () => {
    const claims = sessionClaims();
    const token = signJwt({ key, claims });
    const got = await verifier.verifyRequest({ cookie: `a=1;  __session_abc=nope; __session=${token} ; b=2` });
    assert.deepEqual(got, { claims, token, carrier: 'cookie' });
  });

  test('no token → null', async () => {
    assert.equal(await verifier.verifyRequest({}), null);
    assert.equal(await verifier.verifyRequest({ authorization: null, cookie: null }), null);
    assert.equal(await verifier.verifyRequest({ cookie: 'other=1; __client_uat=0' }), null);
    assert.equal(await verifier.verifyRequest({ authorization: '', cookie: '' }), null);
    assert.equal(await remote.verifyRequest({ cookie: 'other=1' }), null);
  });

  test('a bad token in the cookie → TokenVerificationError with tokenCarrier "cookie"', async () => {
    const err = await rejectsWith(verifier.verifyRequest({ cookie: '__session=not-a-jwt; other=1' }), 'token-invalid');
    assert.equal(err.tokenCarrier, 'cookie');
    assert.ok(err.getFullMessage().endsWith('(reason=token-invalid, token-carrier=cookie)'), err.getFullMessage());

    const forged = signJwt({ key: generateRsaKey(), header: { kid: key.kid } });
    const sigErr = await rejectsWith(remote.verifyRequest({ cookie: `__session=${forged}` }), 'token-invalid-signature');
    assert.equal(sigErr.tokenCarrier, 'cookie');
  });

  test('a bad token in the header → tokenCarrier "header"', async () => {
    const err = await rejectsWith(verifier.verifyRequest({ authorization: 'Bearer a.b.c' }), 'token-invalid');
    assert.equal(err.tokenCarrier, 'header');
    assert.ok(err.getFullMessage().endsWith('token-carrier=header)'));
  });
});

describe('claims with a frozen clock (nowMs)', () => {
  const exp = 1_700_000_000; // Tue, 14 Nov 2023 22:13:20 GMT
  const claims = sessionClaims({ exp, iat: exp - 60, nbf: exp - 70 }, exp - 60);

  test('an expired token → token-expired with Clerk message (verify, verifySync, verifyRequest)', async () => {
    const token = signJwt({ key, claims });
    const nowMs = exp * 1000 + 60_000;
    const expected = `JWT is expired. Expiry date: ${new Date(exp * 1000).toUTCString()}, Current date: ${new Date(nowMs).toUTCString()}.`;
    assert.equal(new Date(exp * 1000).toUTCString(), 'Tue, 14 Nov 2023 22:13:20 GMT');

    const err = await rejectsWith(verifier.verify(token, { nowMs }), 'token-expired');
    assert.equal(err.message, expected);
    assert.match(err.message, /Expiry date: Tue, 14 Nov 2023 22:13:20 GMT,/);
    assert.equal(err.getFullMessage(), `${expected} (reason=token-expired, token-carrier=undefined)`);

    assert.equal(throwsWith(() => verifier.verifySync(token, { nowMs }), 'token-expired').message, expected);

    const viaCookie = await rejectsWith(verifier.verifyRequest({ cookie: `__session=${token}` }, { nowMs }), 'token-expired');
    assert.equal(viaCookie.message, expected);
    assert.equal(viaCookie.tokenCarrier, 'cookie');

    // Through the JWKS path (fetch first, then the frozen clock).
    assert.equal((await rejectsWith(remote.verify(token, { nowMs }), 'token-expired')).message, expected);
  });

  test('the same token verifies at a frozen time before its expiry, and within the 5 s clock skew', async () => {
    const token = signJwt({ key, claims });
    assert.deepEqual(await verifier.verify(token, { nowMs: exp * 1000 - 1_000 }), claims);
    assert.deepEqual(verifier.verifySync(token, { nowMs: exp * 1000 + 4_000 }), claims);
    assert.deepEqual(await remote.verify(token, { nowMs: exp * 1000 - 1_000 }), claims);
    await rejectsWith(verifier.verify(token, { nowMs: exp * 1000 + 5_000 }), 'token-expired');
    // Without nowMs the real clock applies: this 2023 token is long expired.
    await rejectsWith(verifier.verify(token), 'token-expired');
  });

  test('clockSkewInMs widens the window', async () => {
    const token = signJwt({ key, claims });
    const lenient = createTokenVerifier({ jwtKey: key.pem, clockSkewInMs: 120_000 });
    assert.deepEqual(lenient.verifySync(token, { nowMs: exp * 1000 + 60_000 }), claims);
  });

  test('nbf in the future → token-not-active-yet with Clerk message', async () => {
    const nbf = exp - 10;
    const token = signJwt({ key, claims: { ...claims, nbf } });
    const nowMs = (nbf - 60) * 1000;
    const err = await rejectsWith(verifier.verify(token, { nowMs }), 'token-not-active-yet');
    assert.equal(
      err.message,
      `JWT cannot be used prior to not before date claim (nbf). Not before date: ${new Date(nbf * 1000).toUTCString()}; Current date: ${new Date(nowMs).toUTCString()};`,
    );
  });
});

// @clerk/backend 3.x's checks, made by createTokenVerifier / verifyToken of the Remix entry too (docs/compat.md V8,
// V9, C2), against the real addon.
describe('3.x checks that protect a session', () => {
  test('authorizedParties: a token without azp (absent, null, empty) → token-invalid-authorized-parties', async () => {
    const parties = createTokenVerifier({ jwtKey: key.pem, authorizedParties: ['http://localhost:3000'] });
    const claims = sessionClaims();
    assert.deepEqual(await parties.verify(signJwt({ key, claims })), claims);
    for (const [azp, shown] of [[undefined, 'undefined'], [null, 'null'], ['', '""']]) {
      const token = signJwt({ key, claims: { ...sessionClaims(), azp } });
      const err = await rejectsWith(parties.verify(token), 'token-invalid-authorized-parties');
      assert.equal(err.message, `Invalid JWT Authorized party claim (azp) ${shown}. Expected "http://localhost:3000".`);
      await rejectsWith(verifyToken(token, { jwtKey: key.pem, authorizedParties: ['http://localhost:3000'] }), 'token-invalid-authorized-parties');
      // Without authorizedParties a token without azp verifies.
      assert.equal((await verifier.verify(token)).sub, JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).sub);
    }
  });

  test('a token of the M2M category → token-invalid "Invalid session token category." (JWKS: before any fetch)', async () => {
    const m2m = signJwt({ key, header: { cat: 'cl_B7d4PD333AAA' } });
    for (const v of [verifier, remote]) {
      const err = await rejectsWith(v.verify(m2m), 'token-invalid');
      assert.equal(err.message, 'Invalid session token category.');
      assert.equal(err.action, 'Make sure that this is a valid Clerk-generated JWT.');
    }
    // Even under a kid no JWKS has: the category answers, nothing is fetched.
    const cold = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const before = server.count;
    const unknownKid = signJwt({ key, header: { cat: 'cl_B7d4PD333AAA', kid: 'kid_nobody_has' } });
    assert.equal((await rejectsWith(cold.verify(unknownKid), 'token-invalid')).message, 'Invalid session token category.');
    assert.equal(server.count, before, 'no JWKS request');
    // A template's category is a session verifier's to pass (the request decision refuses it as token-type-mismatch).
    const template = sessionClaims();
    assert.deepEqual(await verifier.verify(signJwt({ key, claims: template, header: { cat: 'cl_B7d4PD222AAA' } })), template);
  });

  test('verifyRequest: a __session encoded inside another cookie\'s value is not the session cookie', async () => {
    const claims = sessionClaims();
    const token = signJwt({ key, claims });
    const planted = signJwt({ key, claims: sessionClaims({ sub: 'user_planted' }) });
    const got = await verifier.verifyRequest({ cookie: `pref=x%3B__session%3D${planted}; __session=${token}` });
    assert.deepEqual(got, { claims, token, carrier: 'cookie' });
    assert.equal(await verifier.verifyRequest({ cookie: `pref=x%3B__session%3D${planted}` }), null);
  });
});
