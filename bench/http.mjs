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
//   node bench/http.mjs [--quick] [--rounds N] [--duration S] [--connections N] [--warmup S] [--fresh-tokens N]
//                       [--no-build]

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

import autocannon from 'autocannon';
import { describeMachine, fmt, loadavg, median, parseCli, printTable } from './harness.mjs';
import { exampleDir, freePort, npmCommand, root, startExample } from '../scripts/example.mjs';

const require = createRequire(import.meta.url);
const work = `${root}node_modules/.cache/clerk-remix-native-bench-http/`;

const usage = `node bench/http.mjs [--quick] [--rounds N] [--duration S] [--connections N] [--warmup S] [--fresh-tokens N] [--no-build]
  defaults: 5 rounds x 10 s per app and route, 10 connections, 3 s warm-up per app and route
  --quick: 2 rounds x 3 s, 1 s warm-up
  --fresh-tokens N: also a protected route with N distinct tokens sent in turn (N > 4096, the token cache's size)
  --no-build: reuse the apps built by the previous run`;

const opts = parseCli(process.argv.slice(2), {
  numbers: { rounds: 5, duration: 10, connections: 10, warmup: 3, freshTokens: 0 },
  flags: ['quick', 'no-build'],
  usage,
  min: 0,
});
if (opts.quick) Object.assign(opts, { rounds: 2, duration: 3, warmup: 1 });
opts.build = !opts['no-build'];
if (opts.rounds < 1 || opts.duration < 1 || opts.connections < 1) throw new Error('--rounds, --duration and --connections must be >= 1');
// Fewer distinct tokens than the verified-token cache holds would be cache hits after the first pass.
if (opts.freshTokens && opts.freshTokens <= 4096) throw new Error('--fresh-tokens must exceed 4096 (the default token cache size)');

const log = (line) => console.log(`\x1b[2m${line}\x1b[0m`);

function run(command, args, cwd, { shell = false, shown = `${command} ${args.join(' ')}` } = {}) {
  log(`$ ${shown}   (in ${cwd.startsWith(root) ? cwd.slice(root.length) || '.' : cwd})`);
  const result = spawnSync(command, args, { cwd, shell, stdio: 'pipe', encoding: 'utf8' });
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
  { key: 'clerk', name: '@clerk/remix 4.13.49', pkg: '@clerk/remix', dir: `${work}clerk/` },
];
const otherPkg = (v) => variants.find((o) => o !== v).pkg;

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
    dependencies: { ...example.dependencies, '@clerk/remix': '4.13.49', 'clerk-remix-native': 'file:.pack/clerk-remix-native.tgz' },
    devDependencies: example.devDependencies,
  };
  writeFileSync(`${work}package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
  if (!existsSync(`${work}package-lock.json`)) cpSync(`${exampleDir}package-lock.json`, `${work}package-lock.json`);
  for (const f of readdirSync(`${work}.pack/`)) rmSync(`${work}.pack/${f}`);
  runNpm(['pack', '--ignore-scripts', '--silent', '--pack-destination', `${work}.pack/`], root);
  const tarball = readdirSync(`${work}.pack/`).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack produced no tarball');
  renameSync(`${work}.pack/${tarball}`, `${work}.pack/clerk-remix-native.tgz`);
  // Naming the tarball makes npm install it again although the lockfile has the same version.
  runNpm(['install', '--no-audit', '--no-fund', '--prefer-offline', './.pack/clerk-remix-native.tgz'], work);
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
    const leftovers = listFiles(`${v.dir}app/`).filter((f) => readFileSync(f, 'utf8').includes(otherPkg(v)));
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

async function startServer(v, port, env) {
  const server = await startExample({
    port,
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

console.log(`clerk-remix-native HTTP bench: examples/remix-app with this package vs with @clerk/remix 4.13.49`);
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
for (const v of variants) servers.push(await startServer(v, await freePort(), env));

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
function cannon(server, route, duration) {
  const request = { method: 'GET', path: route.path, headers };
  if (route.fresh) {
    request.setupRequest = (req) => {
      req.headers = { ...headers, cookie: freshCookies[freshIndex++ % freshCookies.length] };
      return req;
    };
  }
  return new Promise((resolve, reject) => {
    autocannon(
      { url: server.url, connections: opts.connections, duration, requests: [request], verifyBody: (body) => stableBody(body) === expected[route.key] },
      (err, result) => (err ? reject(err) : resolve(result)),
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
        bad,
        load1: os.loadavg()[0],
      };
      cellOf(s, r).rounds.push(row);
      console.log(
        `round ${round + 1}/${opts.rounds}  ${s.name.padEnd(20)} ${r.label.padEnd(28)} ${fmt(row.rps, 0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  server CPU ${fmt(row.cpuUsPerReq, 0)} µs/req  load1 ${row.load1.toFixed(2)}${bad ? `  FAILED: ${res.errors} errors, ${res.timeouts} timeouts, ${res.non2xx} non-2xx, ${res.mismatches} body mismatches` : ''}`,
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
    String(c.rounds.reduce((a, x) => a + x.total, 0)),
  ];
});
printTable(['app', 'route', 'req/s mean', 'req/s median', 'min-max', 'p50 ms', 'p99 ms (median)', 'server CPU µs/req', 'requests'], rows, 2);
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
if (failures) {
  console.error(`\n${failures} failed requests (errors, timeouts, non-2xx or body mismatches): see the rounds above`);
  process.exit(1);
}
