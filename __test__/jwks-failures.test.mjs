// A JWKS server that is down, silent, slow, or answers wrongly: every call settles in time with Clerk's reasons,
// nothing is hammered, cached keys keep working, and the cache recovers by itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { CONTACT_SUPPORT, createTokenVerifier, freshSecret, rejectsWith, sleep, throwsWith } from './helpers/api.mjs';
import { refusedUrl, serverPool } from './helpers/jwksServer.mjs';
import { instance } from './helpers/requests.mjs';
import { generateRsaKey, sessionClaims, signJwt } from './helpers/tokens.mjs';

let key;
let token;
const pool = serverPool(() => ({ keys: [key.jwk] }));
const { serve } = pool;

before(() => {
  key = generateRsaKey();
  token = signJwt({ key });
});
after(async () => {
  await pool.closeAll();
});

/** Runs `verify` and returns the rejection and how long it took to settle. */
async function timedFailure(verifier, reason, t = token) {
  const start = performance.now();
  const err = await rejectsWith(verifier.verify(t), reason);
  return { err, elapsed: performance.now() - start };
}

const assertNoSecret = (err, secretKey) => {
  assert.ok(!err.message.includes(secretKey), 'the message leaks the secret key');
  assert.ok(!err.getFullMessage().includes(secretKey), 'the full message leaks the secret key');
  assert.ok(!String(err.stack).includes(secretKey), 'the stack leaks the secret key');
  assert.ok(!err.message.includes(token), 'the message leaks the token');
};

describe('server down or silent', () => {
  test('connection refused → jwk-remote-failed-to-load well within the timeout', async () => {
    const apiUrl = await refusedUrl();
    const secretKey = freshSecret();
    const verifier = createTokenVerifier({ secretKey, apiUrl, timeoutInMs: 2_000 });
    const { err, elapsed } = await timedFailure(verifier, 'jwk-remote-failed-to-load');
    assert.ok(elapsed < 2_000, `settled after ${elapsed} ms`);
    assert.equal(err.action, CONTACT_SUPPORT);
    assert.equal(err.tokenCarrier, undefined);
    assert.ok(err.getFullMessage().endsWith('(reason=jwk-remote-failed-to-load, token-carrier=undefined)'), err.getFullMessage());
    assert.ok(err.getFullMessage().startsWith(`${err.message} ${CONTACT_SUPPORT} `));
    assert.ok(err.message.includes(`${apiUrl}/v1/jwks`), err.message);
    assertNoSecret(err, secretKey);
  });

  test('a server that was stopped refuses; 200 concurrent calls all settle and nothing hangs', async () => {
    const server = await serve();
    await server.stop();
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, timeoutInMs: 1_000 });
    const start = performance.now();
    const errors = await Promise.all(
      Array.from({ length: 200 }, () => rejectsWith(verifier.verify(token), 'jwk-remote-failed-to-load')),
    );
    assert.equal(errors.length, 200);
    assert.ok(performance.now() - start < 1_000);
    assert.equal(server.count, 0);
  });

  test('silent server (accepts, never answers), timeoutInMs 500 → settles in < 1.5 s', async () => {
    const server = await serve({ mode: 'silent' });
    const secretKey = freshSecret();
    const verifier = createTokenVerifier({ secretKey, apiUrl: server.url, timeoutInMs: 500 });
    const start = performance.now();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => timedFailure(verifier, 'jwk-remote-failed-to-load')),
    );
    const elapsed = performance.now() - start;
    assert.ok(elapsed < 1_500, `settled after ${elapsed} ms`);
    assert.ok(elapsed >= 450, `settled after only ${elapsed} ms: not the timeout`);
    assert.equal(server.count, 1, 'one request for all waiting callers');
    const [{ err }] = results;
    assert.ok(err.getFullMessage().endsWith('(reason=jwk-remote-failed-to-load, token-carrier=undefined)'));
    assertNoSecret(err, secretKey);
  });

  test('answer headers later than the timeout → jwk-remote-failed-to-load in time', async () => {
    const server = await serve({ mode: 'slow-headers', options: { delayMs: 3_000 } });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, timeoutInMs: 500 });
    const { elapsed } = await timedFailure(verifier, 'jwk-remote-failed-to-load');
    assert.ok(elapsed < 1_500 && elapsed >= 450, `settled after ${elapsed} ms`);
  });

  test('a body dripping one byte at a time past the timeout → jwk-remote-failed-to-load in time', async () => {
    const server = await serve({ mode: 'slow-body', options: { intervalMs: 20 } });
    const secretKey = freshSecret();
    const verifier = createTokenVerifier({ secretKey, apiUrl: server.url, timeoutInMs: 500 });
    const { err, elapsed } = await timedFailure(verifier, 'jwk-remote-failed-to-load');
    assert.ok(elapsed < 1_500 && elapsed >= 450, `settled after ${elapsed} ms`);
    assert.equal(server.count, 1);
    assertNoSecret(err, secretKey);
  });

  test('a slow answer within the timeout still verifies', async () => {
    const server = await serve({ options: { delayMs: 200 } });
    const claims = sessionClaims();
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, timeoutInMs: 2_000 });
    assert.deepEqual(await verifier.verify(signJwt({ key, claims })), claims);
  });
});

describe('error answers', () => {
  for (const status of [500, 404, 429, 503]) {
    test(`HTTP ${status} → jwk-remote-failed-to-load "with code=${status}"`, async () => {
      const server = await serve({ mode: 'status', options: { status } });
      const secretKey = freshSecret();
      const verifier = createTokenVerifier({ secretKey, apiUrl: server.url });
      const { err } = await timedFailure(verifier, 'jwk-remote-failed-to-load');
      assert.equal(err.message, `Error loading Clerk JWKS from ${server.url}/v1/jwks with code=${status}`);
      assert.equal(err.action, CONTACT_SUPPORT);
      assert.equal(
        err.getFullMessage(),
        `Error loading Clerk JWKS from ${server.url}/v1/jwks with code=${status} ${CONTACT_SUPPORT} (reason=jwk-remote-failed-to-load, token-carrier=undefined)`,
      );
      assertNoSecret(err, secretKey);
      assert.equal(server.count, 1);
    });
  }

  test('a wrong path is a 404 as well (the server sees the request)', async () => {
    const server = await serve({ path: '/elsewhere/v1/jwks' });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const { err } = await timedFailure(verifier, 'jwk-remote-failed-to-load');
    assert.match(err.message, /with code=404$/);
  });

  test('401 clerk_key_invalid → secret-key-invalid with the body message', async () => {
    const message = 'The provided Secret Key is invalid. Make sure that your Secret Key is correct.';
    const server = await serve({ mode: 'key-invalid', options: { message } });
    const secretKey = freshSecret();
    const verifier = createTokenVerifier({ secretKey, apiUrl: server.url });
    const { err } = await timedFailure(verifier, 'secret-key-invalid');
    assert.equal(err.message, message);
    assert.ok(err.getFullMessage().endsWith('(reason=secret-key-invalid, token-carrier=undefined)'));
    assertNoSecret(err, secretKey);
  });

  test('401 without clerk_key_invalid → jwk-remote-failed-to-load with code=401', async () => {
    const body = JSON.stringify({ errors: [{ code: 'authentication_invalid', message: 'nope' }] });
    const server = await serve({ mode: 'status', options: { status: 401, body } });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const { err } = await timedFailure(verifier, 'jwk-remote-failed-to-load');
    assert.equal(err.message, `Error loading Clerk JWKS from ${server.url}/v1/jwks with code=401`);
  });

  test('invalid JSON → jwk-remote-invalid', async () => {
    const server = await serve({ mode: 'body', options: { body: '{"keys": [ {"kid": ' } });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const { err } = await timedFailure(verifier, 'jwk-remote-invalid');
    assert.equal(err.action, CONTACT_SUPPORT);
  });

  test('JSON without a keys array → jwk-remote-invalid', async () => {
    const server = await serve({ mode: 'body', options: { body: '{"data":[]}' } });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    await timedFailure(verifier, 'jwk-remote-invalid');
  });

  test('{"keys":[]} → jwk-remote-failed-to-load "did not contain any signing keys"', async () => {
    const server = await serve({ mode: 'body', options: { body: '{"keys":[]}' } });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const { err } = await timedFailure(verifier, 'jwk-remote-failed-to-load');
    assert.equal(err.message, 'The JWKS endpoint did not contain any signing keys. Contact support@clerk.com.');
  });

  test('a redirect is not followed, even to a server with valid keys', async () => {
    const target = await serve();
    const server = await serve({ mode: 'redirect', options: { location: `${target.url}/v1/jwks` } });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    const { err } = await timedFailure(verifier, 'jwk-remote-failed-to-load');
    assert.equal(server.count, 1);
    assert.equal(target.count, 0, 'the redirect was followed');
    assert.match(err.message, /code=302|redirect/);
  });

  for (const chunked of [false, true]) {
    test(`a body over 1 MiB (${chunked ? 'chunked' : 'with Content-Length'}) → jwk-remote-failed-to-load`, async () => {
      const server = await serve({ mode: 'huge', options: { bytes: 1024 * 1024 + 1024, chunked } });
      const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
      const { err } = await timedFailure(verifier, 'jwk-remote-failed-to-load');
      assert.match(err.message, /over the 1048576 byte limit/);
      assert.equal(server.count, 1);
    });
  }

  test('the same padded JWKS under 1 MiB verifies (control for the size cap)', async () => {
    const server = await serve({ mode: 'huge', options: { bytes: 1000 * 1024, chunked: true } });
    const claims = sessionClaims();
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    assert.deepEqual(await verifier.verify(signJwt({ key, claims })), claims);
  });
});

describe('outage and recovery', () => {
  test('keys inside their cache lifetime keep verifying while the server is down', async () => {
    const server = await serve();
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, timeoutInMs: 500 });
    const claims = sessionClaims();
    const t = signJwt({ key, claims });
    assert.deepEqual(await verifier.verify(t), claims);
    await server.stop();
    assert.deepEqual(await verifier.verify(t), claims);
    assert.deepEqual(verifier.verifySync(t), claims);
    const other = sessionClaims();
    assert.deepEqual(await verifier.verify(signJwt({ key, claims: other })), other);
    assert.equal(server.count, 1);
  });

  test('after a refused fetch: same error without a new request during the 1 s back-off, then recovery', async () => {
    const server = await serve();
    await server.stop();
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, timeoutInMs: 1_000 });
    const first = await rejectsWith(verifier.verify(token), 'jwk-remote-failed-to-load');

    await server.restart();
    // Within the back-off the failure is repeated, synchronously too, and the server is not asked.
    const again = await rejectsWith(verifier.verify(token), 'jwk-remote-failed-to-load');
    assert.equal(again.message, first.message);
    throwsWith(() => verifier.verifySync(token), 'jwk-remote-failed-to-load');
    assert.equal(server.count, 0);

    await sleep(1_100);
    const claims = sessionClaims();
    assert.deepEqual(await verifier.verify(signJwt({ key, claims })), claims);
    assert.equal(server.count, 1);
  });

  test('after a 500: no hammering during the back-off, then recovery once the server is fine', async () => {
    const server = await serve({ mode: 'status', options: { status: 500 } });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url });
    await rejectsWith(verifier.verify(token), 'jwk-remote-failed-to-load');
    await Promise.all(Array.from({ length: 100 }, () => rejectsWith(verifier.verify(token), 'jwk-remote-failed-to-load')));
    assert.equal(server.count, 1);

    server.behave('ok');
    await sleep(1_100);
    assert.ok((await verifier.verify(token)).sub);
    assert.equal(server.count, 2);
    assert.ok(verifier.verifySync(token).sub);
    assert.equal(server.count, 2);
  });

  test('silent server that comes back: the failed timeout is followed by a successful fetch', async () => {
    const server = await serve({ mode: 'silent' });
    const verifier = createTokenVerifier({ secretKey: freshSecret(), apiUrl: server.url, timeoutInMs: 300 });
    await rejectsWith(verifier.verify(token), 'jwk-remote-failed-to-load');
    server.behave('ok');
    await sleep(1_100);
    assert.ok((await verifier.verify(token)).sub);
    assert.equal(server.jwksCount, 2);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The same hostile Backend API through the request decision (getAuth / rootAuthLoader), with its built-in settings:
// JWKS timeout 5 s, TTL 5 min, kid cooldown 30 s, 1 MiB body cap. Whatever the server does, the request settles
// within the timeout (plus a generous margin) and is signed out with the JWKS reason — never signed in, never a
// handshake, never a throw.
describe('through the request decision (getAuth, rootAuthLoader)', () => {
  const TIMEOUT_MS = 5_000;
  const MARGIN_MS = 3_000;

  const assertSignedOut = (result, reason, what) => {
    assert.equal(result.kind, 'signed-out', `${what}: ${result.kind} ${result.error?.stack ?? ''}`);
    assert.equal(result.reason, reason, `${what}: ${result.message}`);
    assert.ok(result.ms < TIMEOUT_MS + MARGIN_MS, `${what}: settled after ${result.ms} ms`);
  };

  test('refused, silent, slow headers, a body dripping byte by byte: all settle within the timeout, signed out', async () => {
    const refused = await refusedUrl();
    const silent = await serve({ mode: 'silent' });
    const slowHeaders = await serve({ mode: 'slow-headers', options: { delayMs: 20_000 } });
    const slowBody = await serve({ mode: 'slow-body', options: { intervalMs: 50 } }); // ~700 bytes: 35 s
    const cases = [['refused', refused], ['silent', silent.url], ['slow headers', slowHeaders.url], ['slow body', slowBody.url]];
    // Documents and data requests alike; 20 concurrent requests per instance share one fetch.
    const results = await Promise.all(cases.map(async ([what, url]) => {
      const i = instance(url, { token });
      const all = await Promise.all(Array.from({ length: 20 }, (_, n) => i.decide(token, { document: n % 2 === 0 })));
      return [what, i, all];
    }));
    for (const [what, i, all] of results) {
      for (const r of all) {
        assertSignedOut(r, 'jwk-remote-failed-to-load', what);
        assert.ok(!r.message.includes(i.secretKey), 'the message leaks the secret key');
        assert.ok(!r.message.includes(token), 'the message leaks the token');
      }
    }
    for (const [what, s] of [['silent', silent], ['slow headers', slowHeaders], ['slow body', slowBody]]) {
      assert.equal(s.count, 1, `${what}: one JWKS request for 20 waiting requests`);
    }
    // The timeout (not an early give-up) is what ended the silent ones.
    const silentMs = results[1][2].map((r) => r.ms);
    assert.ok(Math.min(...silentMs) >= TIMEOUT_MS - 500, `silent settled after ${Math.min(...silentMs)} ms`);
  });

  for (const status of [500, 429, 404]) {
    test(`HTTP ${status} → signed out, jwk-remote-failed-to-load (getAuth and rootAuthLoader)`, async () => {
      const server = await serve({ mode: 'status', options: { status } });
      const i = instance(server.url, { token });
      assertSignedOut(await i.decide(), 'jwk-remote-failed-to-load', `${status}`);
      const root = await i.decideRoot(token, { document: true });
      assertSignedOut(root, 'jwk-remote-failed-to-load', `${status} root`);
      assert.match(root.message, new RegExp(`with code=${status} `));
      assert.equal(server.count, 1, 'the back-off spares the server the second request');
    });
  }

  test('invalid JSON, no keys array → jwk-remote-invalid; {"keys":[]} → jwk-remote-failed-to-load', async () => {
    for (const [body, reason] of [
      ['{"keys": [ {"kid": ', 'jwk-remote-invalid'],
      ['<html>502 Bad Gateway</html>', 'jwk-remote-invalid'],
      ['{"data":[]}', 'jwk-remote-invalid'],
      ['{"keys":[]}', 'jwk-remote-failed-to-load'],
      [`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'jwk-remote-invalid'],
    ]) {
      const server = await serve({ mode: 'body', options: { body } });
      assertSignedOut(await instance(server.url, { token }).decide(), reason, body.slice(0, 30));
    }
  });

  for (const chunked of [false, true]) {
    test(`a 50 MB JSON body (${chunked ? 'chunked' : 'Content-Length'}) → signed out, read no further than 1 MiB`, async () => {
      const server = await serve({ mode: 'huge', options: { bytes: 50 * 1024 * 1024, chunked } });
      const r = await instance(server.url, { token }).decide();
      assertSignedOut(r, 'jwk-remote-failed-to-load', '50 MB');
      assert.match(r.message, /over the 1048576 byte limit/);
    });
  }

  test('a redirect to another host is not followed: signed out, the other host sees nothing', async () => {
    const target = await serve();
    const server = await serve({ mode: 'redirect', options: { location: `http://localhost:${target.port}/v1/jwks` } });
    assertSignedOut(await instance(server.url, { token }).decide(), 'jwk-remote-failed-to-load', 'redirect');
    assert.equal(target.count, 0, 'the redirect was followed');
  });

  test('cached keys keep signing requests in while the server is down; recovery needs no restart', async () => {
    const server = await serve();
    const i = instance(server.url, { token });
    assert.equal((await i.decide()).kind, 'signed-in');
    await server.stop();
    // Inside the cache lifetime (5 min): new tokens of the same key still sign in, without a request.
    for (let n = 0; n < 20; n += 1) assert.equal((await i.decide(signJwt({ key }))).kind, 'signed-in');
    // A token of an unknown kid makes the one refetch its cooldown allows, which fails; the answer then comes from
    // the cached set, which lacks the kid: signed out, jwk-kid-mismatch (docs/compat.md J9). The known key still
    // works right after: the failed refetch did not drop the cached set.
    const rotated = generateRsaKey();
    const unknown = await i.decide(signJwt({ key: rotated }));
    assertSignedOut(unknown, 'jwk-kid-mismatch', 'unknown kid while down');
    assert.equal((await i.decide(signJwt({ key }))).kind, 'signed-in');
    assert.equal(server.count, 1);

    // A cold instance while the server is down: signed out; when the server is back it recovers by itself (after
    // the 1 s back-off), and the rotated key is picked up.
    const cold = instance(server.url, { token });
    assertSignedOut(await cold.decide(), 'jwk-remote-failed-to-load', 'cold while down');
    server.setKeys([key.jwk, rotated.jwk]);
    await server.restart();
    await sleep(1_100);
    assert.equal((await cold.decide()).kind, 'signed-in');
    assert.equal((await cold.decide(signJwt({ key: rotated }))).kind, 'signed-in');
  });
});
