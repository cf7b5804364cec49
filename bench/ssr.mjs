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
//   node bench/ssr.mjs --baseline <dir>
//
// `--baseline <dir>`: a second copy of this package, built in <dir> (its `dist/` and its own `*.node`, e.g. an older
// commit checked out there), is loaded beside this one (`createRequire`; napi-rs allows two copies of an addon from
// two paths in one process). Each of this package's contenders gets a "baseline …" twin that makes the same call on
// `<dir>/dist/ssr.server.js`, timed in the same interleaved rounds with the same request, issuer and environment;
// a second table gives now ÷ baseline per contender (median over rounds of the per-round ratio, p10-p90).

import { createRequire } from 'node:module';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

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
const usage = 'node bench/ssr.mjs [--rounds N] [--ops N] [--warmup N] [--baseline <dir>]   (BENCH_QUICK=1 for a short run)';
/** `--baseline <dir>` taken out of argv (parseArgs knows numbers and flags only); null when absent. */
const takeBaseline = (argv) => {
  const at = argv.indexOf('--baseline');
  if (at < 0) return { argv, baselineDir: null };
  const dir = argv[at + 1];
  if (!dir || dir.startsWith('--')) throw new Error(`--baseline needs a directory\n${usage}`);
  return { argv: [...argv.slice(0, at), ...argv.slice(at + 2)], baselineDir: path.resolve(dir) };
};
const { argv, baselineDir } = takeBaseline(process.argv.slice(2));
const opts = parseArgs(argv, { rounds: 21, ops: 500, usage });

const ours = require('../dist/ssr.server.js');
// The baseline copy resolves its own `dist/` and its own `index.js` → `*.node` (a different path: a second addon).
const baseline = baselineDir ? createRequire(pathToFileURL(`${baselineDir}${path.sep}`))('./dist/ssr.server.js') : null;
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

/** This package's contenders, on `pkg` (a loaded `ssr.server.js`), named with `who` ('ours' or 'baseline'). */
const packageContenders = (pkg, who) => [
  { name: `${who} getAuth, fresh token`, note: 'getAuth(args, { tokenCacheSize: 0 }): signature checked every call', run: loopAsync(async () => signedIn(await pkg.getAuth(args, fresh))) },
  { name: `${who} getAuth, cached token`, note: 'getAuth(args): the verified-token cache answers', run: loopAsync(async () => signedIn(await pkg.getAuth(args))) },
  { name: `${who} rootAuthLoader, fresh`, note: 'rootAuthLoader(args, { tokenCacheSize: 0 })', run: loopAsync(async () => signedInResponse(await pkg.rootAuthLoader(args, fresh))) },
  { name: `${who} rootAuthLoader, cached`, note: 'rootAuthLoader(args)', run: loopAsync(async () => signedInResponse(await pkg.rootAuthLoader(args))) },
];
const oursContenders = packageContenders(ours, 'ours');
const baselineContenders = baseline
  ? packageContenders(baseline, 'baseline').map((c) => ({ ...c, note: `${c.note}, on ${baselineDir}/dist/ssr.server.js` }))
  : [];
const contenders = [
  floorContender(bench),
  ...oursContenders,
  ...baselineContenders,
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

if (baseline) {
  // Now ÷ baseline per contender: below 1 is faster now, above 1 slower.
  console.log('');
  console.log(`now ÷ baseline (${baselineDir}): median over rounds of the per-round ratio (p10-p90)`);
  console.log('');
  printTable(
    ['contender', 'now µs/op', 'baseline µs/op', 'now ÷ baseline (p10-p90)'],
    oursContenders.map((c, k) => {
      const now = index(c.name);
      const base = index(baselineContenders[k].name);
      return [c.name.replace(/^ours /, ''), fmt(rows[now].median), fmt(rows[base].median), fmtRatio(ratioOf(perOp, now, base))];
    }),
  );
}
