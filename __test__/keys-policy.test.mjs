// The RSA key policy as seen through a JWKS and through a PEM `jwtKey` (networkless).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { CONTACT_SUPPORT, createTokenVerifier, freshSecret, rejectsWith, verifyToken } from './helpers/api.mjs';
import { serverPool } from './helpers/jwksServer.mjs';
import { generateRsaKey, sessionClaims, signJwt } from './helpers/tokens.mjs';

let good; // 2048-bit, JWK without alg
let weak; // 1024-bit
let big; // 3072-bit
const pool = serverPool();
const { serve } = pool;

before(() => {
  good = generateRsaKey({ alg: null });
  weak = generateRsaKey({ bits: 1024 });
  big = generateRsaKey({ bits: 3072, alg: null });
});
after(async () => {
  await pool.closeAll();
});

describe('key policy through the JWKS', () => {
  test('a 1024-bit key in the set → its tokens fail with jwk-remote-invalid; the other keys still work', async () => {
    const server = await serve([good.jwk, weak.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const err = await rejectsWith(verifier.verify(signJwt({ key: weak })), 'jwk-remote-invalid');
    assert.match(err.message, new RegExp(`kid='${weak.kid}'`));
    assert.match(err.message, /1024 bits/);
    assert.equal(err.action, CONTACT_SUPPORT);
    const claims = sessionClaims();
    assert.deepEqual(await verifier.verify(signJwt({ key: good, claims })), claims);
    assert.equal(server.count, 1);
  });

  test('a key with use "enc" → refused (jwk-remote-invalid)', async () => {
    const enc = generateRsaKey({ jwkExtra: { use: 'enc' } });
    const server = await serve([enc.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const err = await rejectsWith(verifier.verify(signJwt({ key: enc })), 'jwk-remote-invalid');
    assert.match(err.message, /"use"/);
  });

  test('key_ops without "verify", a non-RSA kty and a duplicated kid are refused', async () => {
    const ops = generateRsaKey({ jwkExtra: { key_ops: ['encrypt'] } });
    const ec = generateRsaKey({ jwkExtra: { kty: 'EC' } });
    const dup = generateRsaKey();
    const dupOther = generateRsaKey({ kid: dup.kid });
    const server = await serve([ops.jwk, ec.jwk, dup.jwk, dupOther.jwk, good.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    for (const key of [ops, ec, dup, dupOther]) {
      await rejectsWith(verifier.verify(signJwt({ key })), 'jwk-remote-invalid');
    }
    assert.ok((await verifier.verify(signJwt({ key: good }))).sub);
  });

  test('RS256, RS384 and RS512 tokens verify with a JWK that pins no alg; a pinned alg is enforced', async () => {
    const pinned = generateRsaKey({ alg: 'RS256' });
    const server = await serve([good.jwk, big.jwk, pinned.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    for (const alg of ['RS256', 'RS384', 'RS512']) {
      for (const key of [good, big]) {
        const claims = sessionClaims({ alg_used: alg });
        assert.deepEqual(await verifier.verify(signJwt({ key, alg, claims })), claims, `${alg} with ${key.bits} bits`);
      }
    }
    assert.ok((await verifier.verify(signJwt({ key: pinned, alg: 'RS256' }))).sub);
    // As Clerk (WebCrypto refuses to import the key for another algorithm): same reason, same text.
    const err = await rejectsWith(verifier.verify(signJwt({ key: pinned, alg: 'RS512' })), 'token-verification-failed');
    assert.equal(err.message, 'Error verifying JWT signature. Error: JWK "alg" does not match the requested algorithm');
  });

  test('a token signed by another key under a listed kid → token-invalid-signature', async () => {
    const server = await serve([good.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const forger = generateRsaKey({ kid: good.kid });
    const err = await rejectsWith(verifier.verify(signJwt({ key: forger })), 'token-invalid-signature');
    assert.equal(err.message, 'JWT signature is invalid.');
  });
});

describe('PEM jwtKey (networkless)', () => {
  test('2048- and 3072-bit PEM keys verify, synchronously, without any request', async () => {
    const server = await serve([]);
    for (const key of [good, big]) {
      // A secretKey and apiUrl next to the PEM must not cause a fetch.
      const verifier = createTokenVerifier({ jwtKey: key.pem, secretKey: freshSecret(), apiUrl: server.url });
      const claims = sessionClaims();
      const token = signJwt({ key, claims });
      assert.deepEqual(verifier.verifySync(token), claims);
      assert.deepEqual(await verifier.verify(token), claims);
      for (const alg of ['RS384', 'RS512']) assert.ok(verifier.verifySync(signJwt({ key, alg })).sub);
    }
    assert.equal(server.count, 0);
  });

  test('any kid, or none, verifies with the single PEM key', async () => {
    const verifier = createTokenVerifier({ jwtKey: good.pem });
    for (const kid of ['ins_other', 'x', '', undefined]) {
      const claims = sessionClaims();
      assert.deepEqual(await verifier.verify(signJwt({ key: good, claims, header: { kid } })), claims, `kid=${kid}`);
    }
  });

  test('a PEM with literal "\\n" escapes (as in env files) is accepted', async () => {
    const verifier = createTokenVerifier({ jwtKey: good.pem.trim().replace(/\n/g, '\\n') });
    assert.ok(verifier.verifySync(signJwt({ key: good })).sub);
  });

  test('a token from another key → token-invalid-signature', async () => {
    const verifier = createTokenVerifier({ jwtKey: good.pem });
    await rejectsWith(verifier.verify(signJwt({ key: big, header: { kid: good.kid } })), 'token-invalid-signature');
  });

  test('a 1024-bit PEM → createTokenVerifier throws', () => {
    assert.throws(() => createTokenVerifier({ jwtKey: weak.pem }), (err) => {
      assert.match(err.message, /jwtKey/);
      assert.match(err.message, /1024 bits/);
      return true;
    });
  });

  test('garbage PEM → createTokenVerifier throws', () => {
    assert.throws(() => createTokenVerifier({ jwtKey: '-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----' }));
  });

  test('verifyToken(token, { jwtKey }) resolves the claims and rejects bad tokens', async () => {
    const claims = sessionClaims();
    assert.deepEqual(await verifyToken(signJwt({ key: good, claims }), { jwtKey: good.pem }), claims);
    await rejectsWith(verifyToken('a.b', { jwtKey: good.pem }), 'token-invalid');
  });

  test('neither jwtKey nor secretKey → jwk-failed-to-resolve', async () => {
    await rejectsWith(createTokenVerifier({}).verify(signJwt({ key: good })), 'jwk-failed-to-resolve');
  });
});
