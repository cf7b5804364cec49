// The request the in-process benches time (bench/ssr.mjs, bench/ssr-stages.mjs): a signed-in Remix data request of
// a protected route as a browser sends it (13 headers, 11 cookies of ≈ 1.4 KB), from a local production issuer
// (`pk_live_`) on 127.0.0.1 whose environment is put into process.env, plus the pieces of its token that
// `crypto.verify` (the floor) needs.

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
  // As Chrome sends a Remix data request (13 headers), with the cookies a real app's visitor carries (11, ≈ 1.4 KB:
  // analytics and chat-widget cookies beside Clerk's), so that reading the request costs what it costs in production.
  const clerkCookies = issuer.cookieHeader({ session: token, clientUat: nowS - 100 });
  const otherCookies = [
    `_ga=GA1.1.1839204711.${nowS - 86_400 * 30}`,
    `_ga_7Q2LS4YDDW=GS1.1.${nowS - 3_600}.12.1.${nowS - 60}.0.0.0`,
    `_gid=GA1.2.948223716.${nowS - 86_400}`,
    `_fbp=fb.1.${(nowS - 86_400 * 30) * 1000}.1528316207`,
    'ajs_anonymous_id=%22b8a3c0f2-6e8f-4c6e-9d7f-2a41f0c9e1d3%22',
    'intercom-id-x7b2k9qp=5c1f3e8a-9b7d-4f2e-8a6c-1d0e3b5f7a9c',
    'intercom-session-x7b2k9qp=dGhpcyBpcyBhIGNoYXQgd2lkZ2V0IHNlc3Npb24gdG9rZW4gb2YgdGhlIGtpbmQgaW50ZXJjb20gc2V0cyB3aXRoIGl0cyBvd24gcmFuZG9tIHBhZGRpbmcgdG8gbWFrZSBpdCBhcyBsb25nIGFzIHRoZSByZWFsIG9uZXMgdGhhdCBhIGJyb3dzZXIgY2Fycmllcw%3D%3D--4f1b2c9e8d7a0c3b5e6f',
    '__stripe_mid=0b7c1e62-3f6a-4a4e-9c1d-6f2b8e9a0d47c1a2b3',
    'theme=dark',
  ].join('; ');
  const request = new Request('http://localhost:3000/dashboard?_data=routes%2Fdashboard', {
    headers: {
      host: 'localhost:3000',
      'sec-ch-ua': '"Chromium";v="131", "Not_A Brand";v="24"',
      'sec-ch-ua-mobile': '?0',
      'sec-ch-ua-platform': '"macOS"',
      'user-agent':
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      accept: '*/*',
      'sec-fetch-site': 'same-origin',
      'sec-fetch-mode': 'cors',
      'sec-fetch-dest': 'empty',
      referer: 'http://localhost:3000/',
      'accept-encoding': 'gzip, deflate, br, zstd',
      'accept-language': 'en-GB,en;q=0.9,de;q=0.8',
      cookie: `${otherCookies}; ${clerkCookies}`,
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
