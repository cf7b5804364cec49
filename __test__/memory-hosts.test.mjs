// Values that come from the request never pick or build per-configuration objects: with a relative CLERK_PROXY_URL
// (resolved against each request's Host / X-Forwarded-Host), 100,000 requests from distinct hosts use one native
// authenticator, and memory stays flat. Before, each host built an authenticator of its own (with a token cache
// and key state), and RSS grew by gigabytes: anyone able to send requests could exhaust the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEnv } from './helpers/env.mjs';
import { createLocalIssuer, getAuth } from './helpers/requests.mjs';
import { decodePayload } from './helpers/tokens.mjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const rssMiB = () => process.memoryUsage().rss / 1048576;

test('100,000 distinct hosts with a relative proxy URL: one authenticator, flat memory, each host its own handshake URL', { timeout: 300_000 }, async () => {
  const issuer = await createLocalIssuer();
  try {
    await withEnv({ ...issuer.env(), CLERK_PROXY_URL: '/__clerk' }, async () => {
      const { token } = issuer.createSession();
      const cookie = `__session=${token}; __client_uat=${decodePayload(token).iat}`;
      const request = (i) =>
        new Request('http://app.example/dashboard', {
          headers: { cookie, 'sec-fetch-dest': 'empty', ...(i % 2 ? { 'x-forwarded-host': `f${i}.example` } : { host: `h${i}.example` }) },
        });
      const run = async (from, to) => {
        let signedIn = 0;
        for (let i = from; i < to; i++) if ((await getAuth(request(i))).userId === issuer.userId) signedIn++;
        assert.equal(signedIn, to - from, 'every request is signed in');
      };

      await run(0, 20_000);
      gc();
      const warm = rssMiB();
      await run(20_000, 120_000);
      gc();
      const grown = rssMiB() - warm;
      assert.ok(grown < 64, `RSS grew by ${grown.toFixed(1)} MiB over 100,000 distinct hosts after warm-up (from ${warm.toFixed(1)} MiB)`);

      // The proxy URL still follows each request: an expired session's handshake goes to that host's proxy.
      const iat = Math.floor(Date.now() / 1000) - 300;
      const expired = issuer.sessionToken({ issuedAt: iat });
      for (const host of ['one.example', 'two.example']) {
        const document = new Request('http://app.example/dashboard', {
          headers: { host, cookie: `__session=${expired}; __client_uat=${iat}`, 'sec-fetch-dest': 'document', accept: 'text/html' },
        });
        const thrown = await getAuth(document).then(() => null, (e) => e);
        assert.ok(thrown instanceof Response && thrown.status === 307, 'a handshake');
        assert.ok(thrown.headers.get('location').startsWith(`http://${host}/__clerk/v1/client/handshake?`), thrown.headers.get('location'));
      }
    }, { only: 'CLERK_' });
  } finally {
    await issuer.close();
  }
});
