// `npm run bench:ssr`: what one authenticated Remix request costs, in process: this package's `getAuth` and
// `rootAuthLoader` (fresh token: the signature is checked; cached token: the verified-token cache answers), against
// `@clerk/remix@4.13.49`'s own, `@clerk/backend`'s `authenticateRequest`, `jose`'s `jwtVerify`, `fast-jwt`, and
// Node's `crypto.verify` (the floor: one RSA verification, nothing else).
//
// Same token, same `Request`, one process, interleaved rounds (bench/harness.mjs). Keys come from a local issuer on
// 127.0.0.1 (JWKS fetched once per contender, before timing). Not a test: nothing about speed is asserted; the run
// fails when a contender stops authenticating the request.
//
//   node bench/ssr.mjs [--rounds N] [--ops N] [--warmup N]      BENCH_QUICK=1 for a short run

import { createRequire } from 'node:module';
import { setMaxListeners } from 'node:events';

import {
  checkEachOnce,
  describeMachine,
  describeRounds,
  floorContender,
  fmt,
  fmtRatio,
  loopAsync,
  parseArgs,
  printTable,
  ratioOf,
  runInterleaved,
  summarize,
} from './harness.mjs';
import { signedInRequest } from './signedInRequest.mjs';

const require = createRequire(import.meta.url);
const opts = parseArgs(process.argv.slice(2), {
  rounds: 21,
  ops: 500,
  usage: 'node bench/ssr.mjs [--rounds N] [--ops N] [--warmup N]   (BENCH_QUICK=1 for a short run)',
});

const ours = require('../dist/ssr.server.js');
const optional = (name) => {
  try {
    return require(name);
  } catch {
    console.log(`(${name} is not installed: its row is left out)`);
    return null;
  }
};

// Clerk's ssr.server prints nothing on load; its client entry would (not loaded here).
const clerk = require('@clerk/remix/ssr.server');
const { createClerkClient } = require('@clerk/backend');
const jose = optional('jose');
const fastJwt = optional('fast-jwt');

const bench = await signedInRequest();
const { issuer, token, request, userId, publicKey } = bench;
// @clerk/remix copies the request per call and adds an abort listener to its signal each time.
setMaxListeners(0, request.signal);
const args = { request, params: {}, context: {} };
const fresh = { tokenCacheSize: 0 };

const backend = createClerkClient({
  secretKey: issuer.secretKey,
  publishableKey: issuer.publishableKey,
  apiUrl: issuer.apiUrl,
});

const signedIn = (auth) => auth?.userId === userId;
const signedInResponse = (res) => res.status === 200 && !res.headers.has('x-clerk-auth-status');

const contenders = [
  floorContender(bench),
  { name: 'ours getAuth, fresh token', note: 'getAuth(args, { tokenCacheSize: 0 }): signature checked every call', run: loopAsync(async () => signedIn(await ours.getAuth(args, fresh))) },
  { name: 'ours getAuth, cached token', note: 'getAuth(args): the verified-token cache answers', run: loopAsync(async () => signedIn(await ours.getAuth(args))) },
  { name: 'ours rootAuthLoader, fresh', note: 'rootAuthLoader(args, { tokenCacheSize: 0 })', run: loopAsync(async () => signedInResponse(await ours.rootAuthLoader(args, fresh))) },
  { name: 'ours rootAuthLoader, cached', note: 'rootAuthLoader(args)', run: loopAsync(async () => signedInResponse(await ours.rootAuthLoader(args))) },
  { name: '@clerk/remix getAuth', note: 'getAuth(args) of @clerk/remix@4.13.49', run: loopAsync(async () => signedIn(await clerk.getAuth(args))) },
  { name: '@clerk/remix rootAuthLoader', note: 'rootAuthLoader(args) of @clerk/remix@4.13.49', run: loopAsync(async () => signedInResponse(await clerk.rootAuthLoader(args))) },
  {
    name: '@clerk/backend authenticateRequest',
    note: 'createClerkClient(…) once, then authenticateRequest(request) + toAuth()',
    run: loopAsync(async () => signedIn((await backend.authenticateRequest(request)).toAuth())),
  },
];
if (jose) {
  contenders.push({
    name: 'jose jwtVerify',
    note: 'jwtVerify(token, KeyObject) (signature + exp/nbf)',
    run: loopAsync(async () => (await jose.jwtVerify(token, publicKey)).payload.sub === userId),
  });
}
if (fastJwt) {
  const verify = fastJwt.createVerifier({ key: issuer.jwtKey, algorithms: ['RS256'] });
  contenders.push({
    name: 'fast-jwt verifier',
    note: 'createVerifier({ key: pem }) once, then verify(token) (sync, its own cache off)',
    run: (n) => {
      let ok = 0;
      for (let i = 0; i < n; i++) if (verify(token).sub === userId) ok++;
      return ok;
    },
  });
}

// Sanity: every contender authenticates before anything is timed (this also fetches each one's JWKS).
await checkEachOnce(contenders, 'bench/ssr.mjs');

console.log(`clerk-remix-native ssr bench: one signed-in data request, ${token.length}-byte RS256-2048 token`);
console.log(describeMachine());
console.log(describeRounds(opts));
const { perOp } = await runInterleaved(contenders, opts);
await issuer.close();

const index = (name) => contenders.findIndex((c) => c.name === name);
const rows = summarize(perOp);
console.log('');
printTable(
  ['contender', 'median µs/op', 'p10 µs', 'p90 µs', 'x crypto.verify (p10-p90)'],
  rows.map((r, i) => [contenders[i].name, fmt(r.median), fmt(r.p10), fmt(r.p90), fmtRatio(r.floor)]),
);
console.log('');
for (const c of contenders) console.log(`  ${c.name}: ${c.note}`);
console.log('');

/** How many times faster ours is than Clerk's (median over rounds of Clerk ÷ ours). */
const speedup = (oursName, clerkName) => 1 / ratioOf(perOp, index(oursName), index(clerkName)).ratio;
const checks = [
  ['getAuth, fresh token', rows[index('ours getAuth, fresh token')].floor.ratio, (x) => x <= 1.0, (x) => `${fmt(x, 3)}x crypto.verify (target <= 1.0x)`],
  ['getAuth, cached token', rows[index('ours getAuth, cached token')].floor.ratio, (x) => x <= 0.15, (x) => `${fmt(x, 3)}x crypto.verify (target <= 0.15x)`],
  ['getAuth vs @clerk/remix (fresh)', speedup('ours getAuth, fresh token', '@clerk/remix getAuth'), (x) => x >= 50, (x) => `${fmt(x, 1)}x faster (target >= 50x)`],
  ['rootAuthLoader vs @clerk/remix (fresh)', speedup('ours rootAuthLoader, fresh', '@clerk/remix rootAuthLoader'), (x) => x >= 40, (x) => `${fmt(x, 1)}x faster (target >= 40x)`],
  ['getAuth vs @clerk/remix (cached)', speedup('ours getAuth, cached token', '@clerk/remix getAuth'), (x) => x >= 50, (x) => `${fmt(x, 1)}x faster (target >= 50x)`],
  ['rootAuthLoader vs @clerk/remix (cached)', speedup('ours rootAuthLoader, cached', '@clerk/remix rootAuthLoader'), (x) => x >= 40, (x) => `${fmt(x, 1)}x faster (target >= 40x)`],
  ['@clerk/remix getAuth', rows[index('@clerk/remix getAuth')].floor.ratio, () => true, (x) => `${fmt(x, 1)}x crypto.verify`],
  ['@clerk/remix rootAuthLoader', rows[index('@clerk/remix rootAuthLoader')].floor.ratio, () => true, (x) => `${fmt(x, 1)}x crypto.verify`],
];
for (const [what, value, ok, text] of checks) console.log(`${ok(value) ? 'PASS' : 'MISS'}: ${what} = ${text(value)}`);
