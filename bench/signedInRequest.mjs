// The request the in-process benches time (bench/ssr.mjs, bench/ssr-stages.mjs): a signed-in Remix data request of
// a protected route, from a local issuer on 127.0.0.1 whose environment is put into process.env, plus the pieces
// of its token that `crypto.verify` (the floor) needs.

import crypto from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * `{ issuer, token, request, userId, signingInput, signature, publicKey }`. The token is RS256-2048, valid for a day
 * (a long run never crosses `exp`) and issued after the request's `__client_uat` (as it must be). The request is a
 * data request (`?_data=`): no handshake eligibility, no cross-origin checks. Close the issuer when done.
 */
export async function signedInRequest() {
  const { createLocalIssuer } = require('../dist/testing.js');
  const issuer = await createLocalIssuer({ instance: 'production' });
  Object.assign(process.env, issuer.env());
  const nowS = Math.floor(Date.now() / 1000);
  const token = issuer.sessionToken({ issuedAt: nowS - 10, expiresInSeconds: 86_400 });
  const [h64, p64, s64] = token.split('.');
  const request = new Request('http://localhost:3000/dashboard?_data=routes%2Fdashboard', {
    headers: {
      cookie: issuer.cookieHeader({ session: token, clientUat: nowS - 100 }),
      'sec-fetch-dest': 'empty',
      accept: '*/*',
      'user-agent': 'Mozilla/5.0 (bench)',
    },
  });
  return {
    issuer,
    token,
    request,
    userId: JSON.parse(Buffer.from(p64, 'base64url')).sub,
    signingInput: Buffer.from(`${h64}.${p64}`),
    signature: Buffer.from(s64, 'base64url'),
    publicKey: crypto.createPublicKey(issuer.jwtKey),
  };
}
