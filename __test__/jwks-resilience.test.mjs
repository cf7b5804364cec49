// The JWKS cache as Node uses it (issue 16): refreshed in the background from synchronous verifications (napi's
// runtime runs the fetch), the last good set kept through an outage for `jwksMaxStaleInMs`, one log line per
// outage, and a set withdrawn at once when the server answers without a key. Real loopback servers; the Rust tests
// (crates/clerk-remix-core/src/tests/jwks_resilience.rs) cover single flight under 500 requests and the jitter.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createTokenVerifier, freshSecret, rejectsWith, sleep } from './helpers/api.mjs';
import { serverPool } from './helpers/jwksServer.mjs';
import { generateRsaKey, sessionClaims, signJwt } from './helpers/tokens.mjs';

const pool = serverPool();
after(() => pool.closeAll());
const A = generateRsaKey();
const B = generateRsaKey();

/** Calls `verifySync` every 10 ms until `done()` or `ms` pass; every call must verify from the cache. */
async function verifyFromCacheUntil(verifier, token, claims, done, ms) {
  const start = Date.now();
  let calls = 0;
  while (!done() && Date.now() - start < ms) {
    assert.deepEqual(verifier.verifySync(token), claims, `verifySync needed the network after ${Date.now() - start} ms`);
    calls += 1;
    await sleep(10);
  }
  return calls;
}

describe('JWKS refresh ahead and stale-if-error', () => {
  test('synchronous verifications alone refresh the set in the background before its TTL', async () => {
    const server = await pool.serve([A.jwk]);
    // A TTL of 1 s: the refresh point falls between 700 and 900 ms, leaving at least 100 ms for a 10 ms call to start it.
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, jwksCacheTtlInMs: 1_000 });
    const claims = sessionClaims();
    const token = signJwt({ key: A, claims });
    assert.deepEqual(await verifier.verify(token), claims);
    // No asynchronous call from here on: only napi's runtime can have fetched.
    await verifyFromCacheUntil(verifier, token, claims, () => server.count === 2, 3_000);
    assert.equal(server.count, 2, 'one background refresh');
    await verifyFromCacheUntil(verifier, token, claims, () => server.count === 3, 3_000);
    assert.equal(server.count, 3, 'and the next one, a TTL later');
  });

  test('an outage longer than the TTL: signed-in requests keep verifying until jwksMaxStaleInMs, then fail', async () => {
    const server = await pool.serve([A.jwk]);
    const verifier = createTokenVerifier({
      secretKey: freshSecret(),
      apiUrl: server.url,
      jwksCacheTtlInMs: 1_000,
      jwksMaxStaleInMs: 1_200,
      timeoutInMs: 200,
    });
    const claims = sessionClaims();
    const token = signJwt({ key: A, claims });
    assert.deepEqual(await verifier.verify(token), claims);
    const fetchedAt = Date.now();
    server.behave('status', { status: 503 });
    const calls = await verifyFromCacheUntil(verifier, token, claims, () => false, 2_100);
    assert.ok(calls > 50, `${calls} verifications from the cache through the outage`);
    assert.ok(server.count >= 3, `the background retried (${server.count} requests)`);

    while (Date.now() - fetchedAt < 2_350) await sleep(20);
    // Past the bound the set is not used: a fetch is needed, or (within the retry back-off) the last failure is given.
    let past;
    try {
      past = verifier.verifySync(token);
    } catch (e) {
      past = e.code;
    }
    assert.ok(past === undefined || past === 'jwk-remote-failed-to-load', `past the bound: ${JSON.stringify(past)}`);
    await rejectsWith(verifier.verify(token), 'jwk-remote-failed-to-load');

    server.setKeys([B.jwk]);
    server.behave('ok');
    const claimsB = sessionClaims();
    const tokenB = signJwt({ key: B, claims: claimsB });
    let result;
    for (let i = 0; i < 40 && result === undefined; i++) {
      result = await verifier.verify(tokenB).catch(() => undefined);
      if (result === undefined) await sleep(100);
    }
    assert.deepEqual(result, claimsB, 'the next refresh after the outage picks up the new set');
    await rejectsWith(verifier.verify(token), 'jwk-kid-mismatch');
  });

  test('a key the server withdraws stops verifying within one refresh, however long the stale bound', async () => {
    const server = await pool.serve([A.jwk, B.jwk]);
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, jwksCacheTtlInMs: 600 });
    const claims = sessionClaims();
    const token = signJwt({ key: A, claims });
    assert.deepEqual(await verifier.verify(token), claims);
    server.setKeys([B.jwk]);
    const start = Date.now();
    while (verifier.verifySync(token) !== undefined && Date.now() - start < 2_000) await sleep(10);
    assert.ok(server.count <= 2, 'withdrawn by the first refresh');
    await rejectsWith(verifier.verify(token), 'jwk-kid-mismatch');
  });

  test('one log line per outage, not per request or retry', async () => {
    const server = await pool.serve([A.jwk]);
    const script = `
      const { createTokenVerifier } = require(${JSON.stringify(fileURLToPath(new URL('../dist/ssr.server.js', import.meta.url)))});
      const v = createTokenVerifier({ secretKey: ${JSON.stringify(freshSecret())}, apiUrl: ${JSON.stringify(server.url)},
        jwksCacheTtlInMs: 1000, jwksMaxStaleInMs: 60000, timeoutInMs: 200 });
      const token = ${JSON.stringify(signJwt({ key: A, claims: sessionClaims() }))};
      (async () => {
        await v.verify(token);
        process.send('fetched');
        const until = Date.now() + 3500;
        let n = 0;
        while (Date.now() < until) { if (v.verifySync(token)) n++; await new Promise((r) => setTimeout(r, 5)); }
        process.send('verified ' + n);
      })();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const messages = [];
    child.on('message', (m) => {
      messages.push(m);
      if (m === 'fetched') server.behave('status', { status: 502 });
    });
    await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(messages[0], 'fetched');
    assert.match(messages[1], /^verified \d+$/);
    assert.ok(Number(messages[1].split(' ')[1]) > 100, messages[1]);
    assert.ok(server.count >= 4, `retried in the background (${server.count} requests)`);
    const lines = stderr.split('\n').filter((l) => l.includes('clerk-remix-native'));
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0], /code=502.*keeps verifying/);
    assert.ok(!stderr.includes('sk_test_'), 'no secret key in the log');
  });
});
