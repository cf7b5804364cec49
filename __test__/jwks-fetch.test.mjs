// The JWKS request itself, single flight under 1,000 concurrent cold verifications, and the synchronous path.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { createTokenVerifier, freshSecret, native } from './helpers/api.mjs';
import { serverPool } from './helpers/jwksServer.mjs';
import { generateRsaKey, sessionClaims, signJwt } from './helpers/tokens.mjs';

const pkg = JSON.parse(await (await import('node:fs/promises')).readFile(new URL('../package.json', import.meta.url), 'utf8'));

let key;
const pool = serverPool(() => ({ keys: [key.jwk] }));
const { serve } = pool;

before(() => {
  key = generateRsaKey();
});
after(async () => {
  await pool.closeAll();
});

describe('JWKS request shape', () => {
  test('GET /v1/jwks with the bearer secret key, Clerk API version and user agent', async () => {
    const server = await serve();
    const secretKey = freshSecret();
    const claims = sessionClaims();
    const verifier = createTokenVerifier({ secretKey, apiUrl: server.url });
    const got = await verifier.verify(signJwt({ key, claims }));
    assert.deepEqual(got, claims);

    assert.equal(server.count, 1);
    const [req] = server.requests;
    assert.equal(req.method, 'GET');
    assert.equal(req.url, '/v1/jwks');
    assert.equal(req.headers.authorization, `Bearer ${secretKey}`);
    assert.equal(req.headers['clerk-api-version'], '2025-11-10');
    assert.match(req.headers['user-agent'], /^clerk-remix-native\//);
    assert.equal(req.headers['user-agent'], `clerk-remix-native/${pkg.version}`);
    assert.equal(req.headers.host, `127.0.0.1:${server.port}`);
  });

  test('a path prefix in apiUrl is kept: /prefix/v1/jwks', async () => {
    const server = await serve({ path: '/prefix/v1/jwks' });
    const claims = sessionClaims();
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: `${server.url}/prefix` });
    assert.deepEqual(await verifier.verify(signJwt({ key, claims })), claims);
    assert.deepEqual(server.requests.map((r) => r.url), ['/prefix/v1/jwks']);
  });

  test('a trailing slash after the prefix does not double the slash', async () => {
    const server = await serve({ path: '/prefix/v1/jwks' });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: `${server.url}/prefix/` });
    await verifier.verify(signJwt({ key }));
    assert.deepEqual(server.requests.map((r) => r.url), ['/prefix/v1/jwks']);
  });

  test('apiVersion replaces the v1 segment', async () => {
    const server = await serve({ path: '/v2/jwks' });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, apiVersion: 'v2' });
    await verifier.verify(signJwt({ key }));
    assert.deepEqual(server.requests.map((r) => r.url), ['/v2/jwks']);
  });
});

describe('single flight', () => {
  test('1,000 concurrent cold verifications on one verifier → exactly 1 JWKS request', async () => {
    const server = await serve({ options: { delayMs: 100 } });
    const claims = sessionClaims();
    const token = signJwt({ key, claims });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const results = await Promise.all(Array.from({ length: 1000 }, () => verifier.verify(token)));
    assert.equal(results.length, 1000);
    for (const r of results) assert.deepEqual(r, claims);
    assert.equal(server.count, 1);
  });

  test('1,000 concurrent cold verifications on 1,000 verifiers with the same options → exactly 1 request', async () => {
    const server = await serve({ options: { delayMs: 100 } });
    const options = { secretKey: freshSecret(), apiUrl: server.url };
    const tokens = Array.from({ length: 4 }, () => signJwt({ key }));
    const verifiers = Array.from({ length: 1000 }, () => createTokenVerifier({ ...options }));
    const results = await Promise.all(verifiers.map((v, i) => v.verify(tokens[i % tokens.length])));
    assert.equal(results.filter((r) => typeof r.sub === 'string').length, 1000);
    assert.equal(server.count, 1);
    // A later verifier with the same options still uses that cache.
    await createTokenVerifier({ ...options }).verify(tokens[0]);
    assert.equal(server.count, 1);
  });

  test('different secret keys or settings do not share a cache', async () => {
    const server = await serve();
    const secretKey = freshSecret();
    const token = signJwt({ key });
    await createTokenVerifier({ secretKey, apiUrl: server.url }).verify(token);
    await createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url }).verify(token);
    await createTokenVerifier({ secretKey, apiUrl: server.url, jwksCacheTtlInMs: 123_456 }).verify(token);
    assert.equal(server.count, 3);
    assert.deepEqual(new Set(server.requests.map((r) => r.headers.authorization)).size, 2);
  });
});

describe('synchronous path', () => {
  test('verifySync is undefined before the fetch, synchronous claims after, without new requests', async () => {
    const server = await serve();
    const claims = sessionClaims();
    const token = signJwt({ key, claims });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });

    assert.equal(verifier.verifySync(token), undefined);
    assert.equal(verifier.verifySync(token), undefined);
    assert.equal(server.count, 0, 'verifySync must not fetch');

    assert.deepEqual(await verifier.verify(token), claims);
    assert.equal(server.count, 1);

    for (let i = 0; i < 100; i += 1) {
      const got = verifier.verifySync(token);
      assert.ok(got && typeof got.then !== 'function', 'verifySync returned a thenable');
      assert.deepEqual(got, claims);
    }
    const other = sessionClaims();
    assert.deepEqual(verifier.verifySync(signJwt({ key, claims: other })), other);
    assert.equal(server.count, 1);
  });

  test('raw NativeVerifier.verifySync says needsFetch before, and answers from cache after', async () => {
    const server = await serve();
    const claims = sessionClaims({ org_id: 'org_1', zz: 1, aa: 2 });
    const token = signJwt({ key, claims });
    const verifier = new native.NativeVerifier({ secretKey: freshSecret(), apiUrl: server.url });

    const before = verifier.verifySync(token);
    assert.equal(before.needsFetch, true);
    assert.equal(before.ok, false);
    assert.equal(server.count, 0);

    // Success is the payload's JSON text itself (claim order kept); only a non-success is an object.
    const fetched = await verifier.verify(token);
    assert.equal(fetched, JSON.stringify(claims));
    assert.equal(server.count, 1);

    const cached = verifier.verifySync(token);
    assert.equal(cached, JSON.stringify(claims));
    assert.equal(server.count, 1);
  });
});
