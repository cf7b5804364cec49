// `npm run bench:ssr-stages`: where a cached `getAuth` spends its time. Each contender runs a longer prefix of what
// `getAuth(args)` does (the same internal modules it calls, in the same order), so the difference between two rows is
// the cost of the step the longer one adds. Plus the addon call alone and `crypto.verify` (the floor of
// bench/ssr.mjs), for the ratios. Same token and `Request` for every call, interleaved rounds (bench/harness.mjs).
//
//   node bench/ssr-stages.mjs [--rounds N] [--ops N] [--warmup N]      BENCH_QUICK=1 for a short run

import { createRequire } from 'node:module';

import {
  checkEachOnce,
  describeMachine,
  describeRounds,
  floorContender,
  fmt,
  loopAsync,
  parseArgs,
  printTable,
  runInterleaved,
  summarize,
} from './harness.mjs';
import { signedInRequest } from './signedInRequest.mjs';

const require = createRequire(import.meta.url);
const opts = parseArgs(process.argv.slice(2), {
  rounds: 21,
  ops: 2000,
  usage: 'node bench/ssr-stages.mjs [--rounds N] [--ops N] [--warmup N]   (BENCH_QUICK=1 for a short run)',
});

const native = require('../index.js');
const { requestInputOf } = require('../dist/core/requestInput.js');
const { resolveOptions } = require('../dist/core/loadOptions.js');
const { authenticateRequest } = require('../dist/core/authenticateRequest.js');
const { getAuth } = require('../dist/ssr.server.js');

const bench = await signedInRequest();
const { issuer, request, userId } = bench;
const args = { request, params: {}, context: {} };
const input = requestInputOf(request);
const authenticator = new native.NativeAuthenticator({
  secretKey: issuer.secretKey,
  publishableKey: issuer.publishableKey,
  apiUrl: issuer.apiUrl,
  isSatellite: false,
});
// Fetches the JWKS and puts the token into the authenticator's cache.
await authenticator.authenticate({ ...input, headersJson: '{}' }, Date.now());
const addonCall = () =>
  authenticator.authenticateValues(input.url, input.method, input.cookie, input.authorization, input.host, input.forwardedHost,
    input.forwardedProto, input.origin, input.referer, input.secFetchDest, input.accept, undefined, undefined, false, Date.now());

const contenders = [
  floorContender(bench),
  { name: 'addon call alone (authenticateValues)', run: (n) => { let ok = 0; for (let i = 0; i < n; i++) if (Array.isArray(addonCall())) ok++; return ok; } },
  { name: '1. read the request (9 headers)', run: loopAsync(async () => requestInputOf(request)) },
  { name: '2. + resolve the options', run: loopAsync(async () => resolveOptions(args, undefined, requestInputOf(request)).options) },
  {
    name: '3. + decide (addon call, JSON.parse, state)',
    run: loopAsync(async () => {
      const i = requestInputOf(request);
      return authenticateRequest(args, resolveOptions(args, undefined, i).options, i);
    }),
  },
  {
    name: '4. + toAuth()',
    run: loopAsync(async () => {
      const i = requestInputOf(request);
      return (await authenticateRequest(args, resolveOptions(args, undefined, i).options, i)).toAuth().userId === userId;
    }),
  },
  { name: '5. getAuth(args)', run: loopAsync(async () => (await getAuth(args)).userId === userId) },
];

await checkEachOnce(contenders, 'bench/ssr-stages.mjs');
console.log('clerk-remix-native: the steps of a cached getAuth (each row adds one step to the row before)');
console.log(describeMachine());
console.log(describeRounds(opts));
const { perOp } = await runInterleaved(contenders, opts);
await issuer.close();

console.log('');
printTable(
  ['step', 'median µs/op', 'x crypto.verify'],
  summarize(perOp).map((r, i) => [contenders[i].name, fmt(r.median), fmt(r.floor.ratio, 3)]),
);
