// Key rotation through the TTL and unknown kids, and the unknown-kid flood bounded by the cooldown.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import {
  createTokenVerifier,
  freshSecret,
  KID_MISMATCH_ACTION,
  kidMismatchMessage,
  rejectsWith,
  sleep,
  throwsWith,
} from './helpers/api.mjs';
import { serverPool } from './helpers/jwksServer.mjs';
import { instance } from './helpers/requests.mjs';
import { generateRsaKey, sessionClaims, signJwt } from './helpers/tokens.mjs';

let A;
let B;
const pool = serverPool();
const { serve } = pool;

before(() => {
  A = generateRsaKey();
  B = generateRsaKey();
});
after(async () => {
  await pool.closeAll();
});

describe('key rotation', () => {
  test('after the TTL the new key set is used: B verifies, A (dropped) fails with jwk-kid-mismatch', async () => {
    const server = await serve([A.jwk]);
    const verifier = createTokenVerifier({
      secretKey: freshSecret(),
      apiUrl: server.url,
      jwksCacheTtlInMs: 300,
      kidCooldownInMs: 60_000,
    });
    const claimsA = sessionClaims();
    const tokenA = signJwt({ key: A, claims: claimsA });
    const claimsB = sessionClaims();
    const tokenB = signJwt({ key: B, claims: claimsB });

    assert.deepEqual(await verifier.verify(tokenA), claimsA);
    assert.equal(server.count, 1);

    server.setKeys([B.jwk]); // Clerk rotated: A is gone, B is the signing key.
    assert.deepEqual(await verifier.verify(tokenA), claimsA, 'the cached set is used within its TTL');
    assert.deepEqual(verifier.verifySync(tokenA), claimsA);
    assert.equal(server.count, 1);

    await sleep(350);
    assert.equal(verifier.verifySync(tokenB), undefined, 'an expired cache must be fetched again');
    assert.deepEqual(await verifier.verify(tokenB), claimsB);
    assert.equal(server.count, 2);
    assert.deepEqual(verifier.verifySync(tokenB), claimsB);

    const err = await rejectsWith(verifier.verify(tokenA), 'jwk-kid-mismatch');
    assert.equal(err.message, kidMismatchMessage(A.kid, [B.kid]));
    assert.equal(err.action, KID_MISMATCH_ACTION);
    // At most one unknown-kid refetch; after that the cooldown holds.
    const afterFirst = server.count;
    assert.ok(afterFirst <= 3, `requests: ${afterFirst}`);
    await rejectsWith(verifier.verify(tokenA), 'jwk-kid-mismatch');
    throwsWith(() => verifier.verifySync(tokenA), 'jwk-kid-mismatch');
    assert.equal(server.count, afterFirst);
    assert.deepEqual(await verifier.verify(tokenB), claimsB);
  });

  test('overlapping rotation: while the set lists A and B both verify; then A is dropped', async () => {
    const server = await serve([A.jwk, B.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, jwksCacheTtlInMs: 300 });
    const tokenA = signJwt({ key: A });
    const tokenB = signJwt({ key: B });
    await verifier.verify(tokenA);
    await verifier.verify(tokenB);
    assert.equal(server.count, 1);
    server.setKeys([B.jwk]);
    await sleep(350);
    await verifier.verify(tokenB);
    assert.equal(server.count, 2);
    await rejectsWith(verifier.verify(tokenA), 'jwk-kid-mismatch');
  });

  test(
    'a token with a new kid while the cache holds only A refetches at once (cooldown not yet used) and verifies',
    async () => {
      const server = await serve([A.jwk]);
      const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url }); // default 30 s cooldown
      await verifier.verify(signJwt({ key: A }));
      assert.equal(server.count, 1);

      server.setKeys([A.jwk, B.jwk]); // Clerk added a new signing key.
      const claimsB = sessionClaims();
      assert.deepEqual(await verifier.verify(signJwt({ key: B, claims: claimsB })), claimsB);
      assert.equal(server.count, 2);
      // The cooldown is now used: a further unknown kid does not refetch.
      await rejectsWith(verifier.verify(signJwt({ key: A, header: { kid: 'kid_unknown' } })), 'jwk-kid-mismatch');
      assert.equal(server.count, 2);
    },
  );

  test('a token with a new kid once the cooldown has elapsed refetches and verifies', async () => {
    const server = await serve([A.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, kidCooldownInMs: 300 });
    await verifier.verify(signJwt({ key: A }));
    server.setKeys([A.jwk, B.jwk]);
    await sleep(350);
    const claimsB = sessionClaims();
    const tokenB = signJwt({ key: B, claims: claimsB });
    assert.equal(verifier.verifySync(tokenB), undefined, 'an unknown kid after the cooldown needs a fetch');
    assert.deepEqual(await verifier.verify(tokenB), claimsB);
    assert.equal(server.count, 2);
    assert.deepEqual(verifier.verifySync(tokenB), claimsB);
  });
  test('when the TTL has run out, 1,000 concurrent verifications cause exactly 1 refetch', async () => {
    const server = await serve([A.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, jwksCacheTtlInMs: 400 });
    const token = signJwt({ key: A });
    await verifier.verify(token);
    await sleep(450);
    const results = await Promise.all(Array.from({ length: 1000 }, () => verifier.verify(token)));
    assert.equal(results.filter((r) => r.sub).length, 1000);
    assert.equal(server.count, 2);
  });
});

describe('unknown-kid flood', () => {
  const randomKidTokens = (n) =>
    Array.from({ length: n }, () => {
      const kid = `ins_${randomUUID()}`;
      return { kid, token: signJwt({ key: A, header: { kid } }) };
    });

  const assertMismatch = (err, kid) => {
    assert.equal(err.message, kidMismatchMessage(kid, [A.kid, B.kid]));
    assert.equal(err.action, KID_MISMATCH_ACTION);
    assert.equal(err.getFullMessage(), `${err.message} ${KID_MISMATCH_ACTION} (reason=jwk-kid-mismatch, token-carrier=undefined)`);
  };

  test('500 sequential random kids within one cooldown → at most 1 refetch', async () => {
    const server = await serve([A.jwk, B.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, kidCooldownInMs: 20_000 });
    await verifier.verify(signJwt({ key: A }));
    assert.equal(server.count, 1);
    for (const { kid, token } of randomKidTokens(500)) {
      assertMismatch(await rejectsWith(verifier.verify(token), 'jwk-kid-mismatch'), kid);
    }
    assert.ok(server.count - 1 <= 1, `refetches: ${server.count - 1}`);
    // The synchronous path does not ask for a fetch either.
    for (const { kid, token } of randomKidTokens(20)) assertMismatch(throwsWith(() => verifier.verifySync(token), 'jwk-kid-mismatch'), kid);
    assert.ok(server.count - 1 <= 1, `refetches: ${server.count - 1}`);
    assert.ok(verifier.verifySync(signJwt({ key: A })), 'known kids keep verifying');
  });

  test('500 concurrent random kids within one cooldown → at most 1 refetch', async () => {
    const server = await serve([A.jwk, B.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, kidCooldownInMs: 20_000 });
    await verifier.verify(signJwt({ key: B }));
    const flood = randomKidTokens(500);
    const errors = await Promise.all(flood.map(({ token }) => rejectsWith(verifier.verify(token), 'jwk-kid-mismatch')));
    errors.forEach((err, i) => assertMismatch(err, flood[i].kid));
    assert.ok(server.count - 1 <= 1, `refetches: ${server.count - 1}`);
  });

  test('a token without kid → jwk-kid-mismatch naming kid=\'undefined\'', async () => {
    const server = await serve([A.jwk, B.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const err = await rejectsWith(verifier.verify(signJwt({ key: A, header: { kid: undefined } })), 'jwk-kid-mismatch');
    assert.equal(err.message, kidMismatchMessage('undefined', [A.kid, B.kid]));
    assert.equal(server.count, 1);
  });

  test('cold cache + 500 concurrent random kids → exactly 1 request', async () => {
    const server = await serve([A.jwk, B.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, kidCooldownInMs: 20_000 });
    const flood = randomKidTokens(500);
    const errors = await Promise.all(flood.map(({ token }) => rejectsWith(verifier.verify(token), 'jwk-kid-mismatch')));
    errors.forEach((err, i) => assertMismatch(err, flood[i].kid));
    assert.equal(server.count, 1);
  });

  test('each elapsed cooldown allows exactly one more refetch, however many unknown kids arrive', async () => {
    const server = await serve([A.jwk, B.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, kidCooldownInMs: 1_000 }); // long enough for 200 sequential calls on a loaded CI machine
    await verifier.verify(signJwt({ key: A }));
    assert.equal(server.count, 1);

    await sleep(1_050);
    await Promise.all(randomKidTokens(500).map(({ token }) => rejectsWith(verifier.verify(token), 'jwk-kid-mismatch')));
    assert.equal(server.count, 2, 'one refetch for the concurrent flood');
    for (const { token } of randomKidTokens(200)) await rejectsWith(verifier.verify(token), 'jwk-kid-mismatch');
    assert.equal(server.count, 2, 'no refetch within the cooldown');

    await sleep(1_050);
    for (const { token } of randomKidTokens(300)) await rejectsWith(verifier.verify(token), 'jwk-kid-mismatch');
    assert.equal(server.count, 3, 'one refetch for the sequential flood after the cooldown');
    assert.deepEqual(Object.keys(await verifier.verify(signJwt({ key: B }))).includes('sub'), true);
    assert.equal(server.count, 3);
  });
});

describe('through the request decision (getAuth, built-in 30 s kid cooldown)', () => {
  test('a rotated-in kid is fetched once and signs in; then 1,000 unknown kids (500 concurrent, 500 sequential) cause no fetch', async () => {
    const server = await serve([A.jwk]);
    const { decide: run } = instance(server.url);
    assert.equal((await run(signJwt({ key: A }))).kind, 'signed-in');
    assert.equal(server.count, 1);
    // Rotation: B appears in the JWKS; its first token refetches (no cooldown window open yet) and signs in.
    server.setKeys([A.jwk, B.jwk]);
    assert.equal((await run(signJwt({ key: B }))).kind, 'signed-in');
    assert.equal(server.count, 2);
    // That refetch opened the cooldown window: a flood of random kids, documents and data requests, is answered
    // from the cache — signed out, jwk-kid-mismatch — without another request.
    const flood = Array.from({ length: 1_000 }, (_, n) => signJwt({ key: n % 2 ? A : B, header: { kid: `ins_${randomUUID()}` } }));
    const concurrent = await Promise.all(flood.slice(0, 500).map((t, n) => run(t, { document: n % 3 === 0 })));
    const sequential = [];
    for (const t of flood.slice(500)) sequential.push(await run(t));
    for (const r of [...concurrent, ...sequential]) {
      assert.equal(r.kind, 'signed-out', r.error?.stack);
      assert.equal(r.reason, 'jwk-kid-mismatch');
    }
    assert.equal(server.count, 2, `requests: ${server.count}`);
    // Known kids are unaffected by the flood.
    assert.equal((await run(signJwt({ key: A }))).kind, 'signed-in');
    assert.equal((await run(signJwt({ key: B }))).kind, 'signed-in');
    assert.equal(server.count, 2);
  });
});
