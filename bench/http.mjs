// `npm run bench:http`: the example Remix app over HTTP, built twice — with this package and with
// `@clerk/remix@4.13.49` — each served by `remix-serve` (NODE_ENV=production) and loaded with autocannon in
// alternating rounds, on a protected loader route and on a no-auth loader route of the same app.
//
// The two apps are generated, never committed: examples/remix-app is copied into
// node_modules/.cache/clerk-remix-native-bench-http/{native,clerk}/ (shared node_modules one level up: the packed
// package, @clerk/remix 4.13.49 and the example's own dependencies, installed from the npm registry). The Clerk copy
// has `clerk-remix-native` replaced by `@clerk/remix` in every import (and in vite.config.ts's ssr.external) and
// `ConnectClerk` by `ClerkApp`. Both copies get one extra route, `app/routes/public.tsx`, whose loader does not
// authenticate (the example has no loader that does not; `/` has no loader at all).
//
// Routes (Remix data requests, `?_data=<route id>`, as the Remix client makes them on navigation):
//   protected  GET /dashboard?_data=routes/dashboard   the loader calls getAuth(args) and needs a signed-in user
//   no-auth    GET /public?_data=routes/public         the loader returns a constant JSON object
// A data request runs only that route's loader (not the root's rootAuthLoader) and no React rendering, so the two
// routes differ by exactly one getAuth call. Every request carries the same cookies (a signed-in browser): a valid
// `__session` from a local issuer (createLocalIssuer, RS256-2048, valid for a day) and `__client_uat`.
// With `--fresh-tokens N`, a third route pair sends N distinct session tokens in turn (N must exceed this package's
// default 4,096-entry verified-token cache, so each request's token is not in the cache: the signature is checked).
//
// Each request's body must equal the body fetched before the run (autocannon `verifyBody`; the dashboard's
// `verifyMicros`, the time its getAuth call took, is set to 0 on both sides first), so a signed-out answer
// (a 204 redirect to /sign-in) or an error page counts as a mismatch; the run fails on any error, non-2xx or
// mismatch. Not a test: nothing about speed is asserted.
//
// `--profile DIR`: instead of the timed rounds, CPU profiles of this package's app (the @clerk/remix app is not
// started). The server runs with bench/profile-hook.cjs preloaded, which starts and stops V8's CPU profiler (the
// sampler of `node --cpu-prof`, every `--profile-interval` µs) on request, so each profile covers exactly one window:
// `--profile-requests N` requests (autocannon `amount`) of one route, after the usual warm-up. Per round, each route
// gets one window (the order alternates as in the timed rounds); each window writes
// DIR/native-<route>-r<round>.cpuprofile and a sidecar .json (label, requests, the server's CPU seconds and wall
// seconds over the window). bench/profile-summary.mjs then summarises them (it is run on DIR at the end).
// `--perf DIR`: the same windows, recorded by Linux perf instead (`perf record -k 1 -e cpu-clock -g` on the
// server's pid, `--perf-freq` Hz): CPU time of every thread, native frames included (V8, libuv, the addon, libc, the
// kernel). The server runs with --perf-prof --interpreted-frames-native-stack, so V8 writes a jitdump
// (jit-<pid>.dump, in the app's folder) and `perf inject --jit` names the JS frames exactly (--perf-basic-prof's map
// keeps stale names for reused code addresses). Each window is folded at once into
// DIR/native-<route>-r<round>.perf-folded; the perf.data files, the jitdump, V8's log and the jitted-*.so files
// that perf inject writes next to the jitdump are removed (perf's build-id cache goes to DIR/.perf-home, also removed).
// `--keep-perf-data` keeps each window's injected perf.data (then the jitted-*.so files stay too).
//
// `--baseline <package.tgz | package dir>`: instead of the @clerk/remix app, a third copy of the example built with
// another build of this package (a tarball from `npm pack`, or a built package directory, which is packed), installed
// as `clerk-remix-native-baseline` (its imports renamed accordingly): before/after comparisons of a change in the
// same alternating rounds, on the same machine load. The summary then also gives, per app, the server CPU that
// authentication adds (protected − no-auth, per round) and baseline ÷ this package per route.
//
//   node bench/http.mjs [--quick] [--rounds N] [--duration S] [--connections N] [--warmup S] [--fresh-tokens N]
//                       [--no-build] [--baseline TGZ|DIR] [--profile DIR | --perf DIR] [--profile-requests N]
//                       [--profile-interval US] [--perf-freq HZ] [--keep-perf-data]

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';
import { describeMachine, fmt, loadavg, median, parseCli, printTable } from './harness.mjs';
import { exampleDir, freePort, npmCommand, root, startExample } from '../scripts/example.mjs';
import { foldPerf, report as profileReport, summarise as profileSummarise, writeFolded } from './profile-summary.mjs';

const require = createRequire(import.meta.url);
const work = `${root}node_modules/.cache/clerk-remix-native-bench-http/`;

const usage = `node bench/http.mjs [--quick] [--rounds N] [--duration S] [--connections N] [--warmup S] [--fresh-tokens N] [--no-build]
                    [--profile DIR [--profile-requests N] [--profile-interval US]]
  defaults: 5 rounds x 10 s per app and route, 10 connections, 3 s warm-up per app and route
  --quick: 2 rounds x 3 s, 1 s warm-up
  --fresh-tokens N: also a protected route with N distinct tokens sent in turn (N > 4096, the token cache's size)
  --no-build: reuse the apps built by the previous run
  --baseline TGZ|DIR: compare with another build of this package (npm pack tarball or package dir) instead of @clerk/remix
  --profile DIR: CPU profiles (V8's sampler) of this package's app instead of timed rounds, one per round and route,
    each of --profile-requests N requests (default 5000), sampled every --profile-interval US µs (default 100)
  --perf DIR: the same windows recorded with Linux perf (cpu-clock, --perf-freq HZ, default 1999), folded per window`;

/** `--profile DIR` / `--perf DIR` taken out of argv (parseCli knows numbers and flags only). */
const takeDir = (argv, flag) => {
  const at = argv.indexOf(flag);
  if (at < 0) return { argv, dir: null };
  const dir = argv[at + 1];
  if (!dir || dir.startsWith('--')) throw new Error(`${flag} needs a directory\n${usage}`);
  return { argv: [...argv.slice(0, at), ...argv.slice(at + 2)], dir: path.resolve(dir) };
};
const { argv: argv1, dir: cpuProfileDir } = takeDir(process.argv.slice(2), '--profile');
const { argv: argv2, dir: perfDir } = takeDir(argv1, '--perf');
const { argv, dir: baselinePath } = takeDir(argv2, '--baseline');
if (cpuProfileDir && perfDir) throw new Error(`--profile or --perf, not both\n${usage}`);
/** Where the profiles of --profile / --perf go (null: the timed rounds). */
const profileDir = cpuProfileDir ?? perfDir;
const opts = parseCli(argv, {
  numbers: { rounds: 5, duration: 10, connections: 10, warmup: 3, freshTokens: 0, profileRequests: 5000, profileInterval: 100, perfFreq: 1999 },
  flags: ['quick', 'no-build', 'keep-perf-data'],
  usage,
  min: 0,
});
if (opts.quick) Object.assign(opts, { rounds: 2, duration: 3, warmup: 1 });
opts.build = !opts['no-build'];
if (opts.rounds < 1 || opts.duration < 1 || opts.connections < 1) throw new Error('--rounds, --duration and --connections must be >= 1');
// Fewer distinct tokens than the verified-token cache holds would be cache hits after the first pass.
if (opts.freshTokens && opts.freshTokens <= 4096) throw new Error('--fresh-tokens must exceed 4096 (the default token cache size)');

const log = (line) => console.log(`\x1b[2m${line}\x1b[0m`);

function run(command, args, cwd, { shell = false, shown = `${command} ${args.join(' ')}`, env, quiet = false } = {}) {
  if (!quiet) log(`$ ${shown}   (in ${cwd.startsWith(root) ? cwd.slice(root.length) || '.' : cwd})`);
  const result = spawnSync(command, args, { cwd, shell, env, stdio: 'pipe', encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) {
    throw new Error(`${shown} failed (exit ${result.status ?? result.signal ?? result.error?.code})\n${result.error?.message ?? ''}${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
  return result.stdout;
}

/** `npm <args>` in `cwd`, spawned as scripts/example.mjs's npmCommand says (npm.cmd needs care on Windows). */
function runNpm(args, cwd) {
  const { command, args: argv, shell } = npmCommand(args);
  return run(command, argv, cwd, { shell, shown: `npm ${args.join(' ')}` });
}

// ---------------------------------------------------------------------------------------------------------------
// The two apps

// `pkg`: the package the app imports (the other variant's must not appear in it).
const variants = [
  { key: 'native', name: 'clerk-remix-native', pkg: 'clerk-remix-native', dir: `${work}native/` },
  baselinePath
    ? { key: 'baseline', name: `baseline ${path.basename(baselinePath).replace(/\.tgz$/, '')}`, pkg: 'clerk-remix-native-baseline', dir: `${work}baseline/` }
    : { key: 'clerk', name: '@clerk/remix 4.13.49', pkg: '@clerk/remix', dir: `${work}clerk/` },
];
const otherPkg = (v) => variants.find((o) => o !== v).pkg;
/** Whether `text` imports `pkg` (`'pkg'`, `"pkg/…"`): `clerk-remix-native-baseline` is not `clerk-remix-native`. */
const importsPkg = (text, pkg) => new RegExp(`['"]${pkg.replace(/[/.]/g, '\\$&')}['"/]`).test(text);

const PUBLIC_ROUTE = `import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';

// Added by bench/http.mjs (not part of the example): a loader that does not authenticate, the no-auth baseline.
// Same JSON shape as the dashboard's loader (whose verifyMicros is the time its getAuth call took).
export const loader = async () =>
  json({ userId: 'user_public_0000000000000000000', sessionId: 'sess_public_0000000000000000000', orgId: null, orgSlug: null, orgRole: null, verifyMicros: 0 });

export default function Public() {
  const data = useLoaderData<typeof loader>();
  return <pre>{JSON.stringify(data)}</pre>;
}
`;

function listFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => `${dir}${f}`)
    .filter((f) => statSync(f).isFile());
}

function prepareApps() {
  const started = performance.now();
  if (!readdirSync(root).some((f) => f.endsWith('.node')) || !existsSync(`${root}dist/ssr.server.js`)) {
    throw new Error('the package is not built: run `npm run build` first');
  }
  mkdirSync(`${work}.pack/`, { recursive: true });
  // The workspace: the example's dependencies, plus @clerk/remix (exact version) and the packed package.
  const example = JSON.parse(readFileSync(`${exampleDir}package.json`, 'utf8'));
  const pkg = {
    name: 'clerk-remix-native-bench-http',
    private: true,
    type: 'module',
    dependencies: {
      ...example.dependencies,
      '@clerk/remix': '4.13.49',
      'clerk-remix-native': 'file:.pack/clerk-remix-native.tgz',
      ...(baselinePath ? { 'clerk-remix-native-baseline': 'file:.pack/clerk-remix-native-baseline.tgz' } : {}),
    },
    devDependencies: example.devDependencies,
  };
  writeFileSync(`${work}package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
  if (!existsSync(`${work}package-lock.json`)) cpSync(`${exampleDir}package-lock.json`, `${work}package-lock.json`);
  for (const f of readdirSync(`${work}.pack/`)) rmSync(`${work}.pack/${f}`, { recursive: true });
  runNpm(['pack', '--ignore-scripts', '--silent', '--pack-destination', `${work}.pack/`], root);
  const tarball = readdirSync(`${work}.pack/`).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack produced no tarball');
  renameSync(`${work}.pack/${tarball}`, `${work}.pack/clerk-remix-native.tgz`);
  const installs = ['./.pack/clerk-remix-native.tgz'];
  if (baselinePath) {
    // The other build, installed under another name (a tarball as given; a package directory packed first).
    if (baselinePath.endsWith('.tgz')) cpSync(baselinePath, `${work}.pack/clerk-remix-native-baseline.tgz`);
    else {
      const fresh = `${work}.pack/baseline-pack/`;
      mkdirSync(fresh, { recursive: true });
      runNpm(['pack', '--ignore-scripts', '--silent', '--pack-destination', fresh], baselinePath);
      const packed = readdirSync(fresh).find((f) => f.endsWith('.tgz'));
      if (!packed) throw new Error(`npm pack produced no tarball in ${baselinePath}`);
      renameSync(`${fresh}${packed}`, `${work}.pack/clerk-remix-native-baseline.tgz`);
      rmSync(fresh, { recursive: true, force: true });
    }
    installs.push('clerk-remix-native-baseline@file:./.pack/clerk-remix-native-baseline.tgz');
  }
  // Naming the tarball makes npm install it again although the lockfile has the same version.
  runNpm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...installs], work);
  const clerkVersion = JSON.parse(readFileSync(`${work}node_modules/@clerk/remix/package.json`, 'utf8')).version;
  if (clerkVersion !== '4.13.49') throw new Error(`expected @clerk/remix 4.13.49 in ${work}, found ${clerkVersion}`);

  for (const v of variants) {
    rmSync(v.dir, { recursive: true, force: true });
    mkdirSync(v.dir, { recursive: true });
    for (const f of ['app', 'vite.config.ts', 'tsconfig.json']) cpSync(`${exampleDir}${f}`, `${v.dir}${f}`, { recursive: true });
    // No node_modules of its own (resolution goes up to the workspace's); the dependency list is for Remix, which
    // picks the server runtime from it.
    const { [otherPkg(v)]: _, ...deps } = { ...example.dependencies, [v.pkg]: pkg.dependencies[v.pkg] };
    const variantPkg = { name: `bench-http-${v.key}`, private: true, sideEffects: false, type: 'module', dependencies: deps, devDependencies: example.devDependencies };
    writeFileSync(`${v.dir}package.json`, `${JSON.stringify(variantPkg, null, 2)}\n`);
    writeFileSync(`${v.dir}app/routes/public.tsx`, PUBLIC_ROUTE);
    if (v.key === 'clerk') {
      for (const file of [...listFiles(`${v.dir}app/`), `${v.dir}vite.config.ts`]) {
        const before = readFileSync(file, 'utf8');
        const after = before.replaceAll('clerk-remix-native', '@clerk/remix').replace(/\bConnectClerk\b/g, 'ClerkApp');
        if (after !== before) writeFileSync(file, after);
      }
      const rootTsx = readFileSync(`${v.dir}app/root.tsx`, 'utf8');
      if (!rootTsx.includes("from '@clerk/remix/ssr.server'") || !rootTsx.includes('export default ClerkApp(App')) {
        throw new Error('the @clerk/remix variant of app/root.tsx does not look as expected: examples/remix-app changed?');
      }
    }
    if (v.key === 'baseline') {
      for (const file of [...listFiles(`${v.dir}app/`), `${v.dir}vite.config.ts`]) {
        const before = readFileSync(file, 'utf8');
        const after = before.replace(/(['"])clerk-remix-native(['"/])/g, '$1clerk-remix-native-baseline$2');
        if (after !== before) writeFileSync(file, after);
      }
    }
    const leftovers = listFiles(`${v.dir}app/`).filter((f) => importsPkg(readFileSync(f, 'utf8'), otherPkg(v)));
    if (leftovers.length) throw new Error(`${v.name} app still imports the other package: ${leftovers.join(', ')}`);
    run(process.execPath, [`${work}node_modules/@remix-run/dev/dist/cli.js`, 'vite:build'], v.dir);
    const server = readFileSync(`${v.dir}build/server/index.js`, 'utf8');
    const wanted = `"${v.pkg}/ssr.server"`;
    if (!server.includes(wanted)) throw new Error(`${v.name}: the server build does not import ${wanted}`);
  }
  return Math.round((performance.now() - started) / 100) / 10;
}

// ---------------------------------------------------------------------------------------------------------------
// Servers

async function startServer(v, port, env, { nodeArgs = [] } = {}) {
  const server = await startExample({
    port,
    nodeArgs,
    env: { ...env, NODE_ENV: 'production', HOST: '127.0.0.1' },
    host: '127.0.0.1',
    dir: v.dir,
    serve: `${work}node_modules/@remix-run/serve/dist/cli.js`,
    readyPath: '/public?_data=routes%2Fpublic',
    accessLog: false,
  }).catch((err) => {
    throw new Error(`${v.name}: ${err.message}`);
  });
  return { ...v, url: server.url, pid: server.child.pid, stop: server.stop, stderr: server.output };
}

/** utime + stime of a process in seconds (Linux /proc), or NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Main

console.log(`clerk-remix-native HTTP bench: examples/remix-app with this package vs with ${variants[1].name}${profileDir ? ` (profiled: ${cpuProfileDir ? '--profile' : '--perf'}, this package's app only)` : ''}`);
console.log(describeMachine());
console.log(`load average before (1/5/15 min): ${loadavg()}`);

if (opts.build) log(`apps prepared in ${prepareApps()} s`);
else if (!variants.every((v) => existsSync(`${v.dir}build/server/index.js`))) throw new Error('--no-build: no previous build in node_modules/.cache/');

const { createLocalIssuer } = require('../dist/testing.js');
const issuer = await createLocalIssuer();
const nowS = Math.floor(Date.now() / 1000);
// Valid for a day: a run never crosses `exp`. Issued after __client_uat, as a signed-in browser holds it.
const token = issuer.sessionToken({ issuedAt: nowS - 10, expiresInSeconds: 86_400 });
const clientUat = nowS - 100 - opts.freshTokens;
const cookie = issuer.cookieHeader({ session: token, clientUat });
const headers = { cookie, accept: '*/*', 'sec-fetch-dest': 'empty', 'user-agent': 'Mozilla/5.0 (bench/http.mjs)' };

// Distinct tokens: only `iat` (and with it `nbf`, `exp`) differs, so the dashboard's JSON stays the same.
let freshCookies = [];
if (opts.freshTokens) {
  const t0 = performance.now();
  freshCookies = Array.from({ length: opts.freshTokens }, (_, k) =>
    issuer.cookieHeader({ session: issuer.sessionToken({ issuedAt: nowS - 10 - k, expiresInSeconds: 86_400 }), clientUat }),
  );
  log(`minted ${opts.freshTokens} distinct tokens in ${fmt((performance.now() - t0) / 1000, 1)} s`);
}

const env = issuer.env();
const servers = [];
// --profile: this package's app only, with the profiler hook preloaded (its control port beside the app's).
// --perf: with V8's jitdump, so that perf can name the JS frames.
const profilePort = cpuProfileDir ? await freePort() : undefined;
for (const v of profileDir ? variants.filter((x) => x.key === 'native') : variants) {
  const profiling = cpuProfileDir
    ? { nodeArgs: ['--require', `${root}bench/profile-hook.cjs`], env: { CLERK_BENCH_PROFILE_PORT: String(profilePort) } }
    : perfDir
      ? { nodeArgs: ['--perf-prof', '--interpreted-frames-native-stack'], env: {} }
      : { nodeArgs: [], env: {} };
  servers.push(await startServer(v, await freePort(), { ...env, ...profiling.env }, { nodeArgs: profiling.nodeArgs }));
}

const routes = [
  { key: 'protected', path: '/dashboard?_data=routes%2Fdashboard', label: 'protected (getAuth)' },
  { key: 'noauth', path: '/public?_data=routes%2Fpublic', label: 'no-auth' },
];
if (opts.freshTokens) routes.push({ key: 'fresh', path: '/dashboard?_data=routes%2Fdashboard', label: `protected, ${opts.freshTokens} distinct tokens`, fresh: true });

// Sanity: the protected route answers the signed-in user (and sends a signed-out request to /sign-in); both apps
// answer the same bodies. Every response body is compared with these (autocannon's verifyBody).
const expected = {};
// The dashboard's JSON has the time its getAuth call took (`"verifyMicros":5.8`): the one part that differs between
// requests. One regex replace per response on the client side, the same for every route and app.
const stableBody = (body) => body.replace(/"verifyMicros":[-+.\deE]+/, '"verifyMicros":0');
for (const s of servers) {
  for (const r of routes) {
    const res = await fetch(s.url + r.path, { headers: r.fresh ? { ...headers, cookie: freshCookies[freshCookies.length - 1] } : headers, redirect: 'manual' });
    const body = stableBody(await res.text());
    if (res.status !== 200) throw new Error(`${s.name} ${r.path}: status ${res.status} ${body.slice(0, 300)}\n${s.stderr()}`);
    if (r.key !== 'noauth' && JSON.parse(body).userId !== issuer.userId) throw new Error(`${s.name} ${r.path}: not signed in: ${body}`);
    if (expected[r.key] !== undefined && expected[r.key] !== body) throw new Error(`${r.path}: the two apps answer differently:\n${expected[r.key]}\n${body}`);
    expected[r.key] = body;
  }
  const out = await fetch(`${s.url}/dashboard?_data=routes%2Fdashboard`, { headers: { ...headers, cookie: '' }, redirect: 'manual' });
  if (out.status !== 204 || !out.headers.get('x-remix-redirect')?.startsWith('/sign-in')) {
    throw new Error(`${s.name}: a signed-out data request was not redirected to /sign-in (status ${out.status})`);
  }
}
log(`protected body: ${expected.protected}`);

let freshIndex = 0;
function cannon(server, route, duration, amount) {
  const request = { method: 'GET', path: route.path, headers };
  if (route.fresh) {
    request.setupRequest = (req) => {
      req.headers = { ...headers, cookie: freshCookies[freshIndex++ % freshCookies.length] };
      return req;
    };
  }
  // The dashboard's verifyMicros: the wall time of its getAuth call, as the server measured it (not on no-auth).
  const micros = [];
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: server.url,
        connections: opts.connections,
        ...(amount ? { amount } : { duration }),
        requests: [request],
        verifyBody: (body) => {
          if (route.key !== 'noauth') {
            const m = /"verifyMicros":([-+.\deE]+)/.exec(body);
            if (m) micros.push(Number(m[1]));
          }
          return stableBody(body) === expected[route.key];
        },
      },
      (err, result) => (err ? reject(err) : resolve({ ...result, getAuthMicros: micros.length ? median(micros) : NaN })),
    );
  });
}

const cells = [];
for (const r of routes) for (const s of servers) cells.push({ server: s, route: r, rounds: [] });
const cellOf = (s, r) => cells.find((c) => c.server === s && c.route === r);

const started = performance.now();
if (opts.warmup) {
  log(`warm-up: ${opts.warmup} s per app and route`);
  for (const c of cells) await cannon(c.server, c.route, opts.warmup);
}
let failures = 0;
if (profileDir) {
  await profileRounds();
  process.exit(failures ? 1 : 0);
}
for (let round = 0; round < opts.rounds; round++) {
  // Alternate which app goes first (A B, then B A, ...), and which route.
  const order = round % 2 === 0 ? servers : [...servers].reverse();
  const routeOrder = round % 2 === 0 ? routes : [...routes].reverse();
  for (const r of routeOrder) {
    for (const s of order) {
      const cpu0 = cpuSeconds(s.pid);
      const res = await cannon(s, r, opts.duration);
      const cpu1 = cpuSeconds(s.pid);
      const bad = res.errors + res.timeouts + res.non2xx + res.mismatches;
      failures += bad;
      const row = {
        rps: res.requests.average,
        total: res.requests.total,
        p50: res.latency.p50,
        p99: res.latency.p99,
        cpuUsPerReq: ((cpu1 - cpu0) * 1e6) / res.requests.total,
        getAuthUs: res.getAuthMicros,
        bad,
        load1: os.loadavg()[0],
      };
      cellOf(s, r).rounds.push(row);
      console.log(
        `round ${round + 1}/${opts.rounds}  ${s.name.padEnd(20)} ${r.label.padEnd(28)} ${fmt(row.rps, 0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  server CPU ${fmt(row.cpuUsPerReq, 0)} µs/req${Number.isNaN(row.getAuthUs) ? '' : `  getAuth ${fmt(row.getAuthUs, 1)} µs`}  load1 ${row.load1.toFixed(2)}${bad ? `  FAILED: ${res.errors} errors, ${res.timeouts} timeouts, ${res.non2xx} non-2xx, ${res.mismatches} body mismatches` : ''}`,
      );
    }
  }
}
const elapsed = (performance.now() - started) / 1000;
for (const s of servers) await s.stop();
await issuer.close();

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log('');
console.log(`${opts.rounds} rounds x ${opts.duration} s per app and route, ${opts.connections} connections, ${opts.warmup} s warm-up each; ${fmt(elapsed, 0)} s of load${opts.quick ? ' (--quick)' : ''}`);
console.log(`load average after (1/5/15 min): ${loadavg()}`);
console.log('');
const rows = cells.map((c) => {
  const rps = c.rounds.map((x) => x.rps);
  return [
    c.server.name,
    c.route.label,
    fmt(mean(rps), 0),
    fmt(median(rps), 0),
    `${fmt(Math.min(...rps), 0)}-${fmt(Math.max(...rps), 0)}`,
    fmt(median(c.rounds.map((x) => x.p50)), 0),
    fmt(median(c.rounds.map((x) => x.p99)), 0),
    fmt(median(c.rounds.map((x) => x.cpuUsPerReq)), 0),
    c.route.key === 'noauth' ? '' : fmt(median(c.rounds.map((x) => x.getAuthUs)), 1),
    String(c.rounds.reduce((a, x) => a + x.total, 0)),
  ];
});
printTable(['app', 'route', 'req/s mean', 'req/s median', 'min-max', 'p50 ms', 'p99 ms (median)', 'server CPU µs/req', 'getAuth µs in server', 'requests'], rows, 2);
console.log('getAuth µs in server: the wall time of the dashboard loader\'s getAuth call (its verifyMicros), median per round, then over rounds');
console.log('');

// protected ÷ no-auth, per app: of the mean req/s, and the median of the per-round ratios (same round, minutes apart
// at most).
for (const s of servers) {
  const noauth = cellOf(s, routes[1]).rounds;
  for (const r of routes.filter((x) => x.key !== 'noauth')) {
    const prot = cellOf(s, r).rounds;
    const perRound = prot.map((x, i) => x.rps / noauth[i].rps);
    const ofMeans = mean(prot.map((x) => x.rps)) / mean(noauth.map((x) => x.rps));
    const target = s.key === 'native' && r.key === 'protected' ? `  (target >= 85 %: ${ofMeans >= 0.85 ? 'met' : 'MISSED'})` : '';
    console.log(
      `${s.name}: ${r.label} ÷ no-auth = ${fmt(ofMeans * 100, 1)} % of mean req/s; median per-round ${fmt(median(perRound) * 100, 1)} % (${perRound.map((x) => fmt(x * 100, 0)).join(', ')})${target}`,
    );
  }
}
for (const r of routes.filter((x) => x.key !== 'noauth')) {
  const [a, b] = servers.map((s) => mean(cellOf(s, r).rounds.map((x) => x.rps)));
  console.log(`${r.label}: ${servers[0].name} serves ${fmt(a / b, 2)}x the req/s of ${servers[1].name}`);
}
// The server CPU that authentication adds, per app: protected − no-auth in the same round (median, and each round).
console.log('');
for (const s of servers) {
  const noauth = cellOf(s, routes[1]).rounds;
  for (const r of routes.filter((x) => x.key !== 'noauth')) {
    const added = cellOf(s, r).rounds.map((x, i) => x.cpuUsPerReq - noauth[i].cpuUsPerReq);
    console.log(`${s.name}: server CPU added by ${r.label}: median ${fmt(median(added), 0)} µs/req (per round ${added.map((x) => fmt(x, 0)).join(', ')})`);
  }
}
if (baselinePath) {
  // Before/after: the other build ÷ this one, per route and round (both served in the same round).
  for (const r of routes) {
    const [now, base] = servers.map((s) => cellOf(s, r).rounds);
    const cpu = now.map((x, i) => base[i].cpuUsPerReq / x.cpuUsPerReq);
    const rps = now.map((x, i) => x.rps / base[i].rps);
    console.log(
      `${r.label}: server CPU per request, ${servers[1].name} ÷ ${servers[0].name}: median ${fmt(median(cpu), 3)} (${cpu.map((x) => fmt(x, 2)).join(', ')}); req/s ${servers[0].name} ÷ ${servers[1].name}: median ${fmt(median(rps), 3)}`,
    );
  }
}
if (failures) {
  console.error(`\n${failures} failed requests (errors, timeouts, non-2xx or body mismatches): see the rounds above`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------------------------
// --profile

/** The V8 profiler in the server (bench/profile-hook.cjs): `start()`, then `stop(base)` writes `base.cpuprofile`. */
function v8Profiler() {
  const control = async (what) => {
    const res = await fetch(`http://127.0.0.1:${profilePort}${what}`, { method: 'POST' });
    const text = await res.text();
    if (!res.ok) throw new Error(`profiler ${what}: ${res.status} ${text}`);
    return text;
  };
  return {
    start: () => control(`/start?interval=${opts.profileInterval}`),
    stop: (base) => control(`/stop?file=${encodeURIComponent(`${base}.cpuprofile`)}`),
  };
}

/**
 * `perf record` on the server (`pid`, serving from `cwd`): `start()`, then `stop(base)` names the JS frames from the
 * server's jitdump (`perf inject --jit`) and folds the recording into `base.perf-folded`; `close()` removes the
 * jitdump and perf's caches.
 */
function perfRecorder(pid, cwd) {
  // perf's build-id cache (~/.debug) goes here, not into the user's home.
  const home = `${profileDir}/.perf-home`;
  mkdirSync(home, { recursive: true });
  const env = { ...process.env, HOME: home };
  const data = `${profileDir}/current.perf.data`;
  const injected = `${profileDir}/current.jit.perf.data`;
  const jitted = () => readdirSync(cwd).filter((f) => f.startsWith(`jitted-${pid}-`) && f.endsWith('.so'));
  let perf;
  let exited;
  return {
    async start() {
      perf = spawn('perf', ['record', '-q', '-k', '1', '-e', 'cpu-clock', '-F', String(opts.perfFreq), '-g', '-p', String(pid), '-o', data], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      perf.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
      exited = new Promise((resolve, reject) => {
        perf.once('error', reject);
        perf.once('exit', (code, signal) => (code === 0 || signal === 'SIGINT' ? resolve() : reject(new Error(`perf record: exit ${code ?? signal}\n${stderr}`))));
      });
      // perf prints nothing once it is attached: give it a moment before the load starts.
      await Promise.race([exited, new Promise((r) => setTimeout(r, 500))]);
      if (perf.exitCode !== null) await exited;
    },
    async stop(base) {
      perf.kill('SIGINT');
      await exited;
      run('perf', ['inject', '--jit', '-i', data, '-o', injected], profileDir, { env, quiet: true });
      writeFileSync(`${base}.perf-folded`, writeFolded(foldPerf(injected, { env })));
      rmSync(data);
      if (opts['keep-perf-data']) renameSync(injected, `${base}.perf.data`);
      else {
        rmSync(injected);
        for (const f of jitted()) rmSync(`${cwd}${f}`);
      }
      return `${base}.perf-folded`;
    },
    close() {
      rmSync(`${cwd}jit-${pid}.dump`, { force: true });
      // V8's log, which --perf-prof turns on.
      for (const f of readdirSync(cwd).filter((x) => x.startsWith('isolate-') && x.endsWith(`-${pid}-v8.log`))) rmSync(`${cwd}${f}`);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function profileRounds() {
  mkdirSync(profileDir, { recursive: true });
  const [s] = servers;
  const profiler = cpuProfileDir ? v8Profiler() : perfRecorder(s.pid, s.dir);
  const written = [];
  for (let round = 0; round < opts.rounds; round++) {
    const routeOrder = round % 2 === 0 ? routes : [...routes].reverse();
    for (const r of routeOrder) {
      const name = `${s.key}-${r.key}-r${round + 1}`;
      await profiler.start();
      const cpu0 = cpuSeconds(s.pid);
      const t0 = performance.now();
      const res = await cannon(s, r, opts.duration, opts.profileRequests);
      const wallSeconds = (performance.now() - t0) / 1000;
      const cpuSeconds1 = cpuSeconds(s.pid);
      const file = await profiler.stop(`${profileDir}/${name}`);
      const bad = res.errors + res.timeouts + res.non2xx + res.mismatches;
      failures += bad;
      const meta = {
        label: `${s.key}-${r.key}`,
        route: r.path,
        requests: res.requests.total,
        cpuSeconds: cpuSeconds1 - cpu0,
        wallSeconds,
        getAuthMicrosMedian: Number.isNaN(res.getAuthMicros) ? null : res.getAuthMicros,
        bad,
        load1: os.loadavg()[0],
      };
      writeFileSync(`${profileDir}/${name}.json`, `${JSON.stringify(meta, null, 2)}\n`);
      written.push(file);
      console.log(
        `round ${round + 1}/${opts.rounds}  ${r.label.padEnd(28)} ${meta.requests} requests  server CPU ${fmt((meta.cpuSeconds * 1e6) / meta.requests, 0)} µs/req${meta.getAuthMicrosMedian === null ? '' : `  getAuth ${fmt(meta.getAuthMicrosMedian, 1)} µs`}  load1 ${meta.load1.toFixed(2)}  → ${path.relative(root, file)}${bad ? `  FAILED: ${bad}` : ''}`,
      );
    }
  }
  for (const x of servers) await x.stop();
  await issuer.close();
  profiler.close?.();
  const labels = profileSummarise(written);
  labels.sort((x, y) => x.label.localeCompare(y.label));
  const prot = labels.find((l) => l.label.endsWith('-protected'));
  const noauth = labels.find((l) => l.label.endsWith('-noauth'));
  profileReport(labels, { top: 20, compare: prot && noauth ? [prot.label, noauth.label] : undefined });
  console.log(`\nprofiles in ${profileDir}: node bench/profile-summary.mjs ${path.relative(process.cwd(), profileDir) || '.'} [--top N]`);
}
