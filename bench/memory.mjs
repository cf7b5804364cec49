// `npm run bench:memory`: resident memory of a process that sends 1,000,000 distinct valid session tokens through
// this package's `getAuth` with default settings (its verified-token cache holds 4,096 entries, so nearly every
// token is verified and then evicted again).
//
// Two processes, so that the measured one does nothing but authenticate:
//   - this process runs a local issuer (createLocalIssuer: RS256-2048 keys, JWKS on 127.0.0.1) and mints the tokens
//     in worker_threads (one per CPU; RSA signing costs ≈ 0.3 ms per token, verification ≈ 20 µs), in batches;
//   - a child (`node --expose-gc bench/memory.mjs --child`) reads the tokens from its stdin, one per line, and for
//     each builds a Remix data request (`GET /dashboard?_data=routes/dashboard`, cookies `__session` and
//     `__client_uat`) and awaits `getAuth({ request, params, context })`; every answer must be the signed-in user.
//     It reports RSS before the first token (after loading the package, fetching the JWKS with one warm-up request,
//     and two forced GCs), every 10 % of the way, after the last token, and after two forced GCs.
// Tokens differ in `sid` (same length as a real one), everything else as the issuer mints them, valid for a day.
// Minting time (this process) and verification time (the child, time inside getAuth) are reported separately;
// the two overlap in wall time.
//
// `--control` runs the same harness (minting, one new Request per token) without calling getAuth: what the harness
// itself adds to RSS (V8's heap grows under 1,000,000 short-lived Request objects), to subtract from the main run.
//
//   node bench/memory.mjs [--tokens N] [--workers N] [--batch N] [--control]

import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import crypto from 'node:crypto';
import { describeMachine, loadavg, parseCli, printTable } from './harness.mjs';

const require = createRequire(import.meta.url);
const MiB = 1024 * 1024;
const fmtMiB = (bytes) => (bytes / MiB).toFixed(1);
const URL_ = 'http://localhost:3000/dashboard?_data=routes%2Fdashboard';

if (!isMainThread) {
  // ---- minting worker: signs `count` tokens from index `start`, posting them in batches of `batch` lines.
  const { privateKeyPem, kid, claims, sidPrefix, sidDigits, start, count, batch } = workerData;
  const key = crypto.createPrivateKey(privateKeyPem);
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' })).toString('base64url');
  let cpuMs = 0;
  for (let done = 0; done < count; ) {
    const n = Math.min(batch, count - done);
    const t0 = performance.now();
    let out = '';
    for (let k = 0; k < n; k++) {
      const sid = sidPrefix + String(start + done + k).padStart(sidDigits, '0');
      const input = `${header}.${Buffer.from(JSON.stringify({ ...claims, sid })).toString('base64url')}`;
      out += `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}\n`;
    }
    cpuMs += performance.now() - t0;
    done += n;
    parentPort.postMessage({ lines: out, n });
  }
  parentPort.postMessage({ done: true, cpuMs });
} else if (process.argv.includes('--child')) {
  // ---- measured process: getAuth on every token read from stdin.
  const { getAuth } = require('../dist/ssr.server.js');
  const total = Number(process.env.BENCH_TOKENS);
  const userId = process.env.BENCH_USER_ID;
  const clientUat = process.env.BENCH_CLIENT_UAT;
  const control = process.env.BENCH_CONTROL === '1';
  const sample = (label, processed) => {
    const m = process.memoryUsage();
    return { label, processed, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
  };
  const gc = async () => {
    for (let i = 0; i < 2; i++) {
      globalThis.gc();
      await new Promise((r) => setImmediate(r));
    }
  };
  const auth = async (token) => {
    const request = new Request(URL_, {
      headers: { cookie: `__session=${token}; __client_uat=${clientUat}`, accept: '*/*', 'sec-fetch-dest': 'empty' },
    });
    const t0 = process.hrtime.bigint();
    const a = control ? { userId: request.headers.get('cookie').includes(token) ? userId : null } : await getAuth({ request, params: {}, context: {} });
    const t1 = process.hrtime.bigint();
    if (a.userId !== userId) throw new Error(`token not accepted: ${JSON.stringify({ userId: a.userId, reason: a.debug?.() })}`);
    return Number(t1 - t0);
  };
  await auth(process.env.BENCH_WARMUP_TOKEN); // loads everything, fetches the JWKS
  await gc();
  const samples = [sample('before', 0)];
  let processed = 0;
  let getAuthNs = 0;
  const step = Math.max(1, Math.floor(total / 10));
  const started = performance.now();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const token of lines) {
    if (!token) continue;
    getAuthNs += await auth(token);
    processed++;
    if (processed % step === 0 && processed < total) samples.push(sample(`after ${processed}`, processed));
  }
  const wallMs = performance.now() - started;
  samples.push(sample('after', processed));
  await gc();
  samples.push(sample('after 2 forced GCs', processed));
  process.send({ processed, getAuthNs, wallMs, samples, maxRssKiB: process.resourceUsage().maxRSS }, () => process.exit(0));
} else {
  // ---- orchestrator
  const usage = 'node bench/memory.mjs [--tokens N (default 1000000)] [--workers N (default: CPUs)] [--batch N (default 1000)] [--control]';
  const opts = parseCli(process.argv.slice(2), {
    numbers: { tokens: 1_000_000, workers: os.availableParallelism?.() ?? os.cpus().length, batch: 1000 },
    flags: ['control'],
    usage,
  });

  const { createLocalIssuer } = require('../dist/testing.js');
  const issuer = await createLocalIssuer();
  const nowS = Math.floor(Date.now() / 1000);
  const spec = { issuedAt: nowS - 10, expiresInSeconds: 86_400 };
  const claims = issuer.sessionClaims(spec);
  const sid = String(claims.sid);
  const sidPrefix = 'sess_bench';
  const sidDigits = sid.length - sidPrefix.length;
  if (String(opts.tokens - 1).length > sidDigits) throw new Error('too many tokens for the sid format');

  console.log(
    opts.control
      ? `clerk-remix-native memory bench, CONTROL: ${opts.tokens.toLocaleString('en')} distinct tokens, each in a new Request, getAuth NOT called (the harness's own growth)`
      : `clerk-remix-native memory bench: ${opts.tokens.toLocaleString('en')} distinct tokens through getAuth (default options)`,
  );
  console.log(describeMachine());
  console.log(`load average before (1/5/15 min): ${loadavg()}`);

  const child = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--expose-gc'],
    stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      ...issuer.env(),
      NODE_ENV: 'production',
      BENCH_TOKENS: String(opts.tokens),
      BENCH_CONTROL: opts.control ? '1' : '0',
      BENCH_USER_ID: String(claims.sub),
      BENCH_CLIENT_UAT: String(nowS - 100),
      BENCH_WARMUP_TOKEN: issuer.sessionToken(spec),
    },
  });
  const result = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code, signal) => reject(new Error(`the child exited (${code ?? signal}) without a result`)));
  });

  const mintStarted = performance.now();
  let minted = 0;
  let mintCpuMs = 0;
  let nextReport = 0;
  const per = Math.ceil(opts.tokens / opts.workers);
  const privateKeyPem = issuer.currentKey.privateKey.export({ type: 'pkcs8', format: 'pem' });
  const workers = [];
  for (let w = 0; w < opts.workers; w++) {
    const start = w * per;
    const count = Math.max(0, Math.min(per, opts.tokens - start));
    if (!count) continue;
    const worker = new Worker(fileURLToPath(import.meta.url), {
      workerData: { privateKeyPem, kid: issuer.kid, claims, sidPrefix, sidDigits, start, count, batch: opts.batch },
    });
    workers.push(
      new Promise((resolve, reject) => {
        worker.on('message', (m) => {
          if (m.done) {
            mintCpuMs += m.cpuMs;
            resolve();
            return;
          }
          minted += m.n;
          // Verification is far faster than minting: the pipe rarely fills, and the writes queue here if it does.
          child.stdin.write(m.lines);
          if (minted >= nextReport) {
            const s = ((performance.now() - mintStarted) / 1000).toFixed(0);
            console.log(`  ${s} s: minted ${minted.toLocaleString('en')} of ${opts.tokens.toLocaleString('en')}, load average ${os.loadavg()[0].toFixed(2)}`);
            nextReport += Math.max(opts.batch, Math.floor(opts.tokens / 10));
          }
        });
        worker.once('error', reject);
      }),
    );
  }
  await Promise.all(workers);
  const mintWallMs = performance.now() - mintStarted;
  child.stdin.end();
  const r = await result;
  await issuer.close();

  if (r.processed !== opts.tokens) throw new Error(`the child authenticated ${r.processed} of ${opts.tokens} tokens`);
  const before = r.samples[0];
  const after = r.samples.find((s) => s.label === 'after');
  const afterGc = r.samples.find((s) => s.label === 'after 2 forced GCs');
  console.log(`load average after (1/5/15 min): ${loadavg()}`);
  console.log('');
  console.log(`minting:      ${(mintWallMs / 1000).toFixed(1)} s wall with ${workers.length} worker thread(s), ${(mintCpuMs / 1000).toFixed(1)} s inside the signing loops (${((mintCpuMs * 1000) / opts.tokens).toFixed(0)} µs/token per worker)`);
  console.log(`verification: ${(r.getAuthNs / 1e9).toFixed(1)} s inside getAuth (${(r.getAuthNs / 1000 / opts.tokens).toFixed(1)} µs/token), ${(r.wallMs / 1000).toFixed(1)} s wall in the child (waiting for tokens included)`);
  console.log('');
  printTable(
    ['point', 'tokens', 'RSS MiB', 'heap total MiB', 'heap used MiB', 'external MiB', 'arrayBuffers MiB'],
    r.samples.map((s) => [s.label, s.processed.toLocaleString('en'), ...[s.rss, s.heapTotal, s.heapUsed, s.external, s.arrayBuffers].map(fmtMiB)]),
  );
  console.log('');
  const growth = after.rss - before.rss;
  const growthGc = afterGc.rss - before.rss;
  console.log(`peak RSS (getrusage maxrss): ${(r.maxRssKiB / 1024).toFixed(1)} MiB`);
  console.log(`RSS growth: ${fmtMiB(growth)} MiB after the last token, ${fmtMiB(growthGc)} MiB after forced GC${opts.control ? ' (control run: no target)' : ` (target <= 64 MiB: ${Math.max(growth, growthGc) <= 64 * MiB ? 'met' : 'MISSED'})`}`);
}
