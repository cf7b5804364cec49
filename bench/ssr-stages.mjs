// `npm run bench:ssr-stages`: where a cached `getAuth` spends its time. Each contender runs a longer prefix of what
// `getAuth(args)` does (the same internal modules it calls, in the same order), so the difference between two rows is
// the cost of the step the longer one adds. Plus the addon call alone and `crypto.verify` (the floor of
// bench/ssr.mjs), for the ratios. Same token and `Request` for every call, interleaved rounds (bench/harness.mjs).
//
//   node bench/ssr-stages.mjs [--rounds N] [--ops N] [--warmup N]      BENCH_QUICK=1 for a short run

import { createRequire } from 'node:module';
import crypto from 'node:crypto';

import { describeMachine, fmt, median, parseArgs, printTable, ratioOf, runInterleaved } from './harness.mjs';
import { signedInRequest } from './signedInRequest.mjs';

const require = createRequire(import.meta.url);
const opts = parseArgs(process.argv.slice(2), {
  rounds: 21,
  ops: 2000,
  usage: 'node bench/ssr-stages.mjs [--rounds N] [--ops N] [--warmup N]   (BENCH_QUICK=1 for a short run)',
});

const native = require('../index.js');
const { requestInputOf } = require('../dist/requestInput.js');
const { resolveOptions } = require('../dist/loadOptions.js');
const { authenticateRequest } = require('../dist/authenticateRequest.js');
const { getAuth } = require('../dist/ssr.server.js');

const { issuer, request, userId, signingInput, signature, publicKey } = await signedInRequest();
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
    input.forwardedProto, input.origin, input.referer, input.secFetchDest, input.accept, Date.now());

const loop = (fn) => async (n) => {
  let ok = 0;
  for (let i = 0; i < n; i++) ok += (await fn()) ? 1 : 0;
  return ok;
};
const contenders = [
  { name: 'crypto.verify (floor)', run: (n) => { let ok = 0; for (let i = 0; i < n; i++) if (crypto.verify('sha256', signingInput, publicKey, signature)) ok++; return ok; } },
  { name: 'addon call alone (authenticateValues)', run: (n) => { let ok = 0; for (let i = 0; i < n; i++) if (Array.isArray(addonCall())) ok++; return ok; } },
  { name: '1. read the request (9 headers)', run: loop(async () => requestInputOf(request)) },
  { name: '2. + resolve the options', run: loop(async () => resolveOptions(args, undefined, requestInputOf(request)).options) },
  {
    name: '3. + decide (addon call, JSON.parse, state)',
    run: loop(async () => {
      const i = requestInputOf(request);
      return authenticateRequest(args, resolveOptions(args, undefined, i).options, i);
    }),
  },
  {
    name: '4. + toAuth()',
    run: loop(async () => {
      const i = requestInputOf(request);
      return (await authenticateRequest(args, resolveOptions(args, undefined, i).options, i)).toAuth().userId === userId;
    }),
  },
  { name: '5. getAuth(args)', run: loop(async () => (await getAuth(args)).userId === userId) },
];

for (const c of contenders) {
  if ((await c.run(1)) !== 1) {
    console.error(`bench/ssr-stages.mjs: ${c.name} did not answer`);
    process.exit(1);
  }
}
console.log('clerk-remix-native: the steps of a cached getAuth (each row adds one step to the row before)');
console.log(describeMachine());
console.log(`${opts.rounds} rounds x ${opts.ops} ops per contender, ${opts.warmup} warm-up round(s), interleaved${opts.quick ? ' (BENCH_QUICK)' : ''}`);
const { perOp } = await runInterleaved(contenders, opts);
await issuer.close();

console.log('');
printTable(
  ['step', 'median µs/op', 'x crypto.verify'],
  contenders.map((c, i) => [c.name, fmt(median(perOp[i])), fmt(ratioOf(perOp, i, 0).ratio, 3)]),
);
