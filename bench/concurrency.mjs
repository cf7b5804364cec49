// `npm run bench:concurrency`: where should a verification run — inline on the JS thread, or on a thread pool? One
// RS256-2048 verification costs ≈ 13–18 µs; a hop to another thread and back costs about as much at low concurrency.
// This bench answers with numbers, for fresh tokens (every call checks the signature):
//
//   inline   addon verifySync (the package's choice: the request path never waits for a thread)
//   pool     addon verify() (a Promise; decode, RSA and claims run on the addon's tokio threads)
//   floor    node:crypto verify, synchronous (the floor the issue compares with)
//   uvpool   node:crypto verify with a callback (libuv thread pool)
//
// For each, at 1 and at 32 verifications in flight, for a fixed time: throughput, per-call latency (p50/p99), and
// the event-loop delay while it runs (perf_hooks.monitorEventLoopDelay, 1 ms resolution — the delay a timer or an
// incoming connection would see). Modes alternate in rounds; medians over rounds are printed.
//
//   node bench/concurrency.mjs [--rounds N] [--seconds S]      BENCH_QUICK=1 for a short run

import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { describeMachine, fmt, median, printTable, quantile } from './harness.mjs';

const require = createRequire(import.meta.url);
const { NativeVerifier } = require('../index.js');

const quick = process.env.BENCH_QUICK === '1';
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const rounds = arg('--rounds', quick ? 2 : 5);
const seconds = arg('--seconds', quick ? 0.5 : 2);

const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = publicKey.export({ type: 'spki', format: 'pem' });
const b64url = (x) => Buffer.from(x).toString('base64url');
const nowS = Math.floor(Date.now() / 1000);
const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k' }))}.${b64url(
  JSON.stringify({ sub: 'user_concurrency', sid: 'sess_concurrency', iat: nowS - 10, exp: nowS + 86_400 }),
)}`;
const signature = crypto.sign('sha256', Buffer.from(input), privateKey);
const token = `${input}.${b64url(signature)}`;
const inputBytes = Buffer.from(input);

// tokenCacheSize 0: the same token again must cost a full verification, as a fresh token does.
const verifier = new NativeVerifier({ jwtKey: pem, tokenCacheSize: 0 });
if (typeof verifier.verifySync(token) !== 'string') throw new Error('the addon does not verify the bench token');

const modes = {
  inline: () => (typeof verifier.verifySync(token) === 'string' ? 1 : 0),
  pool: async () => (typeof (await verifier.verify(token)) === 'string' ? 1 : 0),
  floor: () => (crypto.verify('sha256', inputBytes, publicKey, signature) ? 1 : 0),
  uvpool: () =>
    new Promise((resolve, reject) =>
      crypto.verify('sha256', inputBytes, publicKey, signature, (err, ok) => (err ? reject(err) : resolve(ok ? 1 : 0))),
    ),
};

/**
 * Keeps `inFlight` calls going for `seconds`: each finished call starts the next one in a new macrotask
 * (setImmediate), so synchronous modes yield to the event loop between calls as a server's requests would.
 */
async function drive(call, inFlight) {
  const latencies = [];
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const end = performance.now() + seconds * 1000;
  let done = 0;
  histogram.enable();
  await new Promise((resolve, reject) => {
    let active = inFlight;
    const next = () => {
      if (performance.now() >= end) {
        if (--active === 0) resolve();
        return;
      }
      const t0 = performance.now();
      Promise.resolve(call()).then((ok) => {
        latencies.push(performance.now() - t0);
        done += ok;
        setImmediate(next);
      }, reject);
    };
    for (let i = 0; i < inFlight; i++) setImmediate(next);
  });
  histogram.disable();
  return {
    perSecond: done / seconds,
    p50: quantile(latencies, 0.5) * 1000,
    p99: quantile(latencies, 0.99) * 1000,
    loopP99: histogram.percentile(99) / 1e6,
    loopMax: histogram.max / 1e6,
  };
}

console.log(`clerk-remix-native concurrency bench: fresh RS256-2048 verifications, ${rounds} rounds x ${seconds} s per mode and concurrency`);
console.log(describeMachine());
const results = {};
for (let r = 0; r < rounds; r++) {
  for (const inFlight of [1, 32]) {
    const names = Object.keys(modes);
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length];
      const key = `${name} @${inFlight}`;
      (results[key] ??= []).push(await drive(modes[name], inFlight));
    }
  }
}

const row = (key) => {
  const runs = results[key];
  const m = (f) => median(runs.map(f));
  return [key, String(Math.round(m((x) => x.perSecond))), fmt(m((x) => x.p50)), fmt(m((x) => x.p99)), fmt(m((x) => x.loopP99), 1), fmt(m((x) => x.loopMax), 1)];
};
console.log('');
printTable(
  ['mode @ in flight', 'verifications/s', 'p50 µs', 'p99 µs', 'loop delay p99 ms', 'loop delay max ms'],
  Object.keys(results).sort().map(row),
);
console.log('');
console.log('inline = addon verifySync; pool = addon verify() on its tokio threads; floor = crypto.verify (sync); uvpool = crypto.verify with a callback');
