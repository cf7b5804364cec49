// `npm run bench:environment`: what reading the CLERK_* variables costs per request. Option resolution reads about
// twenty names for every getAuth / rootAuthLoader call; `envReader` (the path the package takes on the main thread)
// looks them up in one native call (src/napi_environment.rs, std::env) and reuses its answer while the variables
// do not change, against Clerk's way, one `process.env` access per name (`getEnvVariable`). Interleaved rounds.
//
//   node bench/environment.mjs [--rounds N] [--ops N] [--warmup N]      BENCH_QUICK=1 for a short run

import { createRequire } from 'node:module';

import { describeMachine, describeRounds, fmt, parseArgs, printTable, runInterleaved, summarize } from './harness.mjs';

const require = createRequire(import.meta.url);
const opts = parseArgs(process.argv.slice(2), {
  rounds: 21,
  ops: 20000,
  usage: 'node bench/environment.mjs [--rounds N] [--ops N] [--warmup N]   (BENCH_QUICK=1 for a short run)',
});
const { envReader, getEnvVariable } = require('../dist/core/loadOptions.js');

// What a configured app has: the two keys set, every other CLERK_* name unset.
process.env.CLERK_SECRET_KEY = `sk_live_${'x'.repeat(40)}`;
process.env.CLERK_PUBLISHABLE_KEY = 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k';
const NAMES = [
  'CLERK_SECRET_KEY', 'CLERK_API_KEY', 'CLERK_PUBLISHABLE_KEY', 'CLERK_FRONTEND_API', 'CLERK_JWT_KEY', 'CLERK_API_URL',
  'CLERK_API_VERSION', 'CLERK_DOMAIN', 'CLERK_IS_SATELLITE', 'CLERK_PROXY_URL', 'CLERK_SIGN_IN_URL', 'CLERK_SIGN_UP_URL',
  'CLERK_SIGN_IN_FORCE_REDIRECT_URL', 'CLERK_SIGN_UP_FORCE_REDIRECT_URL', 'CLERK_SIGN_IN_FALLBACK_REDIRECT_URL',
  'CLERK_SIGN_UP_FALLBACK_REDIRECT_URL', 'CLERK_AFTER_SIGN_IN_URL', 'CLERK_AFTER_SIGN_UP_URL', 'CLERK_CHECKOUT_CONTINUE_URL',
  'CLERK_JS', 'CLERK_JS_VERSION', 'CLERK_TELEMETRY_DISABLED', 'CLERK_TELEMETRY_DEBUG',
];
const context = {};
const readAll = (read) => {
  let set = 0;
  for (const name of NAMES) if (read(name)) set++;
  return set;
};
const loop = (once) => (n) => {
  let ok = 0;
  for (let i = 0; i < n; i++) if (once() === 2) ok++;
  return ok;
};
const contenders = [
  { name: 'process.env per name (getEnvVariable)', run: loop(() => readAll((name) => getEnvVariable(name, context))) },
  { name: 'one native lookup (envReader)', run: loop(() => readAll(envReader(context))) },
];
for (const c of contenders) if (c.run(1) !== 1) throw new Error(`${c.name} did not find the two variables`);

console.log(`clerk-remix-native: reading ${NAMES.length} CLERK_* variables (2 set) once per request`);
console.log(describeMachine());
console.log(describeRounds(opts));
const { perOp } = await runInterleaved(contenders, opts);
console.log('');
printTable(
  ['reader', 'median µs/request', 'p10-p90', 'x process.env'],
  summarize(perOp).map((r, i) => [contenders[i].name, fmt(r.median, 3), `${fmt(r.p10, 3)}-${fmt(r.p90, 3)}`, fmt(r.floor.ratio, 3)]),
);
