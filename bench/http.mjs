// `npm run bench:http`: the example Remix app over HTTP, built twice — with this package and with
// `@clerk/remix@4.13.49` — each served by `remix-serve` (NODE_ENV=production) and loaded with autocannon in
// alternating rounds, on pairs of requests of the same app that differ only in authenticating: a protected data
// request and a no-auth one, and a document request (a page load, full SSR render) whose three loaders authenticate
// and the same page without authentication.
//
// The two apps are generated, never committed: examples/remix-app is copied into
// node_modules/.cache/clerk-remix-native-bench-http/{native,clerk}/ (shared node_modules one level up: the packed
// package, @clerk/remix 4.13.49 and the example's own dependencies, installed from the npm registry). The Clerk copy
// has `clerk-remix-native` replaced by `@clerk/remix` in every import (and in vite.config.ts's ssr.external) and
// `ConnectClerk` by `ClerkApp`. Both copies get the same extra files (only the package they import differs):
// `app/routes/public.tsx`, whose loader does not authenticate (the example has no loader that does not; `/` has no
// loader at all), and the document pair's routes (`app/bench.server.ts`, `app/bench-page.tsx`,
// `app/routes/bench.a.tsx`, `bench.a.b.tsx`, `bench-noauth.a.tsx`, `bench-noauth.a.b.tsx`), with app/root.tsx's
// loader wrapped to choose the root loader by path (below). examples/remix-app itself is never changed.
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
// Document requests (a browser's page load: `accept: text/html…`, `sec-fetch-dest: document`, the same cookies; on by
// default, `--no-document` leaves them out):
//   document, auth     GET /bench/a/b          root loader: rootAuthLoader; layout routes/bench.a and its child
//                                              routes/bench.a.b: getAuth(args) each, then a little JSON
//   document, no auth  GET /bench-noauth/a/b   the same route tree and page; no loader authenticates
// Both run three loaders and render the whole page (the example's root layout, nav and ClerkApp, then two nested
// sections) through Remix's default entry.server (renderToPipeableStream). The root loader is shared by all pages,
// so the generated root.tsx picks it by path: /bench/… gets `rootAuthLoader(args, cb, { signInUrl })`,
// /bench-noauth/… the same JSON without authenticating, every other page the example's own. Neither bench root loader passes the
// example's `loadUser: true`: that is a Backend API request per page (`GET /v1/users/{id}`, to the local issuer),
// not authentication, and it would dominate both pages' cost. ClerkApp needs `clerkState` in the root data to
// render; the no-auth root reuses the `clerkState` that rootAuthLoader answered to the process's first /bench-noauth
// request (the bench's check request, before the warm-up), so both pages render the same signed-in header
// (`useAuth()` from that state) and the no-auth page never authenticates in a timed request. Its nested loaders
// return the same JSON as the authenticated ones, with the user and session ids the bench passes in the server's
// environment (BENCH_USER_ID, BENCH_SESSION_ID, read once): the two pages differ only in their route ids.
//
// Each request's body must equal the body fetched before the run (autocannon `verifyBody`; the dashboard's
// `verifyMicros`, the time its getAuth call took, is set to 0 on both sides first), so a signed-out answer
// (a 204 redirect to /sign-in) or an error page counts as a mismatch; the run fails on any error, non-2xx or
// mismatch. The document pages have no per-request part and are compared whole, per app; before the run each is
// checked (200 HTML, the innermost section rendered, the signed-in user id in both nested sections and in the
// header) and fetched twice (the same bytes), and a signed-out /bench/a/b must be redirected to /sign-in.
//
// The summary gives, per app and route, req/s, p50/p99 and server CPU per request, then per app and pair the
// per-round ratio no-auth ÷ auth of server CPU per request (median, p10-p90, each round) and auth ÷ no-auth of req/s,
// against issue 17's targets for this package: the data request with a token seen before ≤ 1/0.95 of the no-auth
// one, with fresh tokens ≤ 1/0.90, the document request ≤ 1/0.90. A pair's two routes are adjacent in each round's
// route order (reversed every other round) and each route runs on both apps in turn, so one app's auth and no-auth
// runs are one run apart. PASS/MISS is printed, never enforced: not a test, nothing about speed is asserted.
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
// authentication adds (auth − no-auth, per pair and round) and baseline ÷ this package per route.
//
//   node bench/http.mjs [--quick] [--rounds N] [--duration S] [--connections N] [--warmup S] [--fresh-tokens N]
//                       [--no-document] [--no-build] [--baseline TGZ|DIR] [--profile DIR | --perf DIR]
//                       [--profile-requests N] [--profile-interval US] [--perf-freq HZ] [--keep-perf-data]

import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';
import { describeMachine, fmt, loadavg, median, parseCli, printTable, quantile } from './harness.mjs';
import { exampleDir, freePort, root, startExample } from '../scripts/example.mjs';
import { foldPerf, report as profileReport, summarise as profileSummarise, writeFolded } from './profile-summary.mjs';
import { alternatingRuns, cellColumns, cpuSeconds, failedSuffix, grid, importsPkg, listFiles, log, mean, measured, prepareWorkspace, requestsOf, run, runNpm, signedInBrowser, warmUp } from './http-common.mjs';

const require = createRequire(import.meta.url);
const work = `${root}node_modules/.cache/clerk-remix-native-bench-http/`;

const usage = `node bench/http.mjs [--quick] [--rounds N] [--duration S] [--connections N] [--warmup S] [--fresh-tokens N]
                    [--no-document] [--no-build] [--baseline TGZ|DIR]
                    [--profile DIR [--profile-requests N] [--profile-interval US] | --perf DIR [--perf-freq HZ] [--keep-perf-data]]
  routes: data protected / no-auth, and document /bench/a/b (3 loaders authenticate) / /bench-noauth/a/b (none)
  defaults: 5 rounds x 10 s per app and route, 10 connections, 3 s warm-up per app and route
  --quick: 2 rounds x 3 s, 1 s warm-up
  --fresh-tokens N: also a protected route with N distinct tokens sent in turn (N > 4096, the token cache's size)
  --no-document: leave out the document-request pair
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
  flags: ['quick', 'no-build', 'no-document', 'keep-perf-data'],
  usage,
  min: 0,
});
if (opts.quick) Object.assign(opts, { rounds: 2, duration: 3, warmup: 1 });
opts.build = !opts['no-build'];
opts.document = !opts['no-document'];
if (opts.rounds < 1 || opts.duration < 1 || opts.connections < 1) throw new Error('--rounds, --duration and --connections must be >= 1');
// Fewer distinct tokens than the verified-token cache holds would be cache hits after the first pass.
if (opts.freshTokens && opts.freshTokens <= 4096) throw new Error('--fresh-tokens must exceed 4096 (the default token cache size)');

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

// The document-request pair (added to both app copies; app/bench.server.ts holds every loader, so the route files
// differ only in which loader they take and the pages render the same components with the same data).
//   /bench/a/b         root: rootAuthLoader (no loadUser); routes/bench.a (layout) and routes/bench.a.b: getAuth each
//   /bench-noauth/a/b  root: the same data without authenticating; routes/bench-noauth.a and .a.b: constant data
// A signed-out /bench/a/b request is redirected to /sign-in by the nested loaders (so it fails the run).
const BENCH_SERVER = `import { json, redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { getAuth, rootAuthLoader } from 'clerk-remix-native/ssr.server';
import { localIssuerEnabled } from './local-issuer.server';
import type { RootData } from './user';

// Added by bench/http.mjs (not part of the example): the loaders of the document-request pair, /bench/a/b (every
// loader authenticates) and /bench-noauth/a/b (none does), which render the same page from the same data.

/** The root's own data on both pages: the example's shape without the user (\`loadUser\` is a Backend API call, not
 *  authentication, and would dominate both pages' cost). */
const rootData = (): RootData => ({ localIssuer: localIssuerEnabled(), user: null });

/** /bench/…: the example's root loader minus loadUser. */
export const authRootLoader = (args: LoaderFunctionArgs) => rootAuthLoader(args, rootData, { signInUrl: '/sign-in' });

// ClerkApp needs \`clerkState\` in the root data to render. The no-auth root reuses the one rootAuthLoader answered to
// the first /bench-noauth request of this process (the bench's check request, before any timed request), so both
// pages render the same signed-in header without the no-auth page authenticating again.
let capturedClerkState: unknown;

async function captureClerkState(args: LoaderFunctionArgs): Promise<unknown> {
  const answer = (await rootAuthLoader(args, rootData, { signInUrl: '/sign-in' })) as { json?: () => Promise<unknown> };
  const data = (typeof answer.json === 'function' ? await answer.json() : answer) as { clerkState?: unknown };
  if (!data?.clerkState) throw new Error('bench: rootAuthLoader answered no clerkState');
  return data.clerkState;
}

/** /bench-noauth/…: the same JSON as authRootLoader's answer, without authenticating (after the first request). */
export const noAuthRootLoader = async (args: LoaderFunctionArgs) => {
  capturedClerkState ??= await captureClerkState(args);
  return json({ ...rootData(), clerkState: capturedClerkState });
};

/** A nested loader of /bench/…: getAuth, then a little JSON (a signed-out request goes to /sign-in). */
export const authLoader = (route: string) => async (args: LoaderFunctionArgs) => {
  const { userId, sessionId, orgId } = await getAuth(args);
  if (!userId) return redirect('/sign-in');
  return json({ route, userId, sessionId, orgId: orgId ?? null });
};

// The same ids as the signed-in user's (the bench passes them), read once: the no-auth page renders the same bytes.
const benchUserId = process.env.BENCH_USER_ID ?? null;
const benchSessionId = process.env.BENCH_SESSION_ID ?? null;

/** A nested loader of /bench-noauth/…: the same JSON, constant. */
export const noAuthLoader = (route: string) => async () => json({ route, userId: benchUserId, sessionId: benchSessionId, orgId: null });
`;

const BENCH_PAGE = `import { Outlet, useLoaderData } from '@remix-run/react';

// Added by bench/http.mjs (not part of the example): what every nested route of the document-request pair renders.
type BenchData = { route: string; userId: string | null; sessionId: string | null; orgId: string | null };

export function BenchSection() {
  const { route, userId, sessionId, orgId } = useLoaderData<BenchData>();
  return (
    <section data-bench-route={route}>
      <h2>Section {route}</h2>
      <dl>
        <dt>user id</dt>
        <dd data-testid="bench-user-id">{userId}</dd>
        <dt>session id</dt>
        <dd>{sessionId}</dd>
        <dt>organization</dt>
        <dd>{orgId ?? 'none'}</dd>
      </dl>
      <Outlet />
    </section>
  );
}
`;

/** A nested route of the pair: `loader` is `authLoader` or `noAuthLoader` of app/bench.server.ts. */
const benchRoute = (loader, section) => `import { ${loader} } from '../bench.server';
import { BenchSection } from '../bench-page';

// Added by bench/http.mjs (not part of the example).
export const loader = ${loader}('${section}');

export default function Page() {
  return <BenchSection />;
}
`;

/** The files the bench adds to each app copy (path under app/ → source). */
const benchFiles = () => ({
  'routes/public.tsx': PUBLIC_ROUTE,
  'bench.server.ts': BENCH_SERVER,
  'bench-page.tsx': BENCH_PAGE,
  'routes/bench.a.tsx': benchRoute('authLoader', 'a'),
  'routes/bench.a.b.tsx': benchRoute('authLoader', 'b'),
  'routes/bench-noauth.a.tsx': benchRoute('noAuthLoader', 'a'),
  'routes/bench-noauth.a.b.tsx': benchRoute('noAuthLoader', 'b'),
});

/**
 * The example's root.tsx with its loader kept for every other page and the pair's two root loaders in front: the
 * root loader runs on every document request, so the choice is made by path.
 */
function patchRootForBench(rootTsx) {
  const exampleLoader = 'export const loader = (args: LoaderFunctionArgs) =>\n  rootAuthLoader(';
  if (!rootTsx.includes(exampleLoader)) throw new Error('examples/remix-app/app/root.tsx: its loader does not look as expected');
  return `import { authRootLoader, noAuthRootLoader } from './bench.server';
${rootTsx.replace(exampleLoader, 'const exampleLoader = (args: LoaderFunctionArgs) =>\n  rootAuthLoader(')}
// Added by bench/http.mjs: the document-request pair's own root loaders (app/bench.server.ts).
export const loader = (args: LoaderFunctionArgs) => {
  const { pathname } = new URL(args.request.url);
  if (pathname.startsWith('/bench/')) return authRootLoader(args);
  if (pathname.startsWith('/bench-noauth/')) return noAuthRootLoader(args);
  return exampleLoader(args);
};
`;
}

function prepareApps() {
  const started = performance.now();
  if (!readdirSync(root).some((f) => f.endsWith('.node')) || !existsSync(`${root}dist/ssr.server.js`)) {
    throw new Error('the package is not built: run `npm run build` first');
  }
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
  prepareWorkspace(work, pkg, `${exampleDir}package-lock.json`);
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
    for (const [file, source] of Object.entries(benchFiles())) writeFileSync(`${v.dir}app/${file}`, source);
    writeFileSync(`${v.dir}app/root.tsx`, patchRootForBench(readFileSync(`${v.dir}app/root.tsx`, 'utf8')));
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

// ---------------------------------------------------------------------------------------------------------------
// Main

console.log(`clerk-remix-native HTTP bench: examples/remix-app with this package vs with ${variants[1].name}${profileDir ? ` (profiled: ${cpuProfileDir ? '--profile' : '--perf'}, this package's app only)` : ''}`);
console.log(describeMachine());
console.log(`load average before (1/5/15 min): ${loadavg()}`);

if (opts.build) log(`apps prepared in ${prepareApps()} s`);
else if (!variants.every((v) => existsSync(`${v.dir}build/server/index.js`))) throw new Error('--no-build: no previous build in node_modules/.cache/');

const { issuer, token, cookie, freshCookies } = await signedInBrowser(opts.freshTokens);
// A Remix data request, as the Remix client sends it on navigation.
const headers = { cookie, accept: '*/*', 'sec-fetch-dest': 'empty', 'user-agent': 'Mozilla/5.0 (bench/http.mjs)' };
// A document request (a page load), as a browser sends it, with the same cookies.
const documentHeaders = {
  cookie,
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'sec-fetch-dest': 'document',
  'sec-fetch-mode': 'navigate',
  'user-agent': 'Mozilla/5.0 (bench/http.mjs)',
};
// The token's session id: the no-auth document page is given it (and the user id) to render what the other shows.
const sessionId = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sid;


const env = { ...issuer.env(), BENCH_USER_ID: issuer.userId, BENCH_SESSION_ID: sessionId };
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

// A route with a `twin` is an authenticated route measured against that no-auth route (same app, same round);
// `minShare` is issue 17's target for it: no-auth CPU/req ÷ this route's ≥ minShare (this route costs at most
// 1/minShare of the twin). `timesGetAuth`: the dashboard loader, whose JSON carries its getAuth call's wall time.
const routes = [
  { key: 'protected', path: '/dashboard?_data=routes%2Fdashboard', label: 'protected (getAuth)', headers, timesGetAuth: true, twin: 'noauth', minShare: 0.95 },
  { key: 'noauth', path: '/public?_data=routes%2Fpublic', label: 'no-auth', headers },
];
if (opts.freshTokens) {
  const label = `protected, ${opts.freshTokens} distinct tokens`;
  routes.push({ key: 'fresh', path: '/dashboard?_data=routes%2Fdashboard', label, headers, timesGetAuth: true, fresh: true, twin: 'noauth', minShare: 0.9 });
}
if (opts.document) {
  routes.push(
    { key: 'document', path: '/bench/a/b', label: 'document, auth (3 loaders)', headers: documentHeaders, document: true, twin: 'document-noauth', minShare: 0.9 },
    { key: 'document-noauth', path: '/bench-noauth/a/b', label: 'document, no auth', headers: documentHeaders, document: true },
  );
}
const routeByKey = (key) => routes.find((r) => r.key === key);
/** The authenticated routes with the no-auth route each is measured against. */
const pairs = routes.filter((r) => r.twin).map((r) => ({ auth: r, noauth: routeByKey(r.twin) }));

// The dashboard's JSON has the time its getAuth call took (`"verifyMicros":5.8`): the one part that differs between
// requests. One regex replace per response on the client side, the same for every data route and app. The document
// pages have no per-request part (no nonce, no timing): they are compared as they are.
const stableBody = (body) => body.replace(/"verifyMicros":[-+.\deE]+/, '"verifyMicros":0');
const normalise = (route) => (route.document ? (body) => body : stableBody);

/** A data route's body: 200, and signed in unless it is the no-auth route. */
function checkDataBody(s, r, res, body) {
  if (res.status !== 200) throw new Error(`${s.name} ${r.path}: status ${res.status} ${body.slice(0, 300)}\n${s.stderr()}`);
  if (r.twin && JSON.parse(body).userId !== issuer.userId) throw new Error(`${s.name} ${r.path}: not signed in: ${body}`);
}

/**
 * A document page of the pair: a 200 HTML page on which the innermost route rendered, both nested loaders' data
 * show the signed-in user, and the header (useAuth, from the root's clerkState) says signed in as that user. An
 * error page, a signed-out page or a redirect fails.
 */
function checkDocumentBody(s, r, res, body) {
  const fail = (why) => {
    throw new Error(`${s.name} ${r.path}: ${why} (status ${res.status})\n${body.slice(0, 2000)}\n${s.stderr()}`);
  };
  if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('text/html')) fail('not a 200 HTML page');
  if (!body.includes('data-bench-route="b"')) fail('the nested route bench…a.b did not render');
  if (body.split(`data-testid="bench-user-id">${issuer.userId}<`).length !== 3) fail('the two nested sections do not show the user id');
  if (!body.includes(`Signed in as ${issuer.userId}`)) fail('the header does not show the signed-in user');
}

/**
 * Before the run: every route's body from every app, checked, becomes what each of its responses must equal
 * (autocannon's verifyBody). The data routes must answer the same bodies in both apps; a signed-out request to a
 * protected route must be sent to /sign-in. Keyed `${server.key} ${route.key}`.
 */
async function expectedBodies() {
  const expected = new Map();
  for (const s of servers) {
    for (const r of routes) {
      const res = await fetch(s.url + r.path, { headers: r.fresh ? { ...headers, cookie: freshCookies[freshCookies.length - 1] } : r.headers, redirect: 'manual' });
      const body = normalise(r)(await res.text());
      (r.document ? checkDocumentBody : checkDataBody)(s, r, res, body);
      // Asked again: a page with a per-request part would fail every verifyBody.
      if (r.document && (await fetch(s.url + r.path, { headers: r.headers }).then((x) => x.text())) !== body) {
        throw new Error(`${s.name} ${r.path}: two requests answered different pages (a per-request part to normalise?)`);
      }
      const other = expected.get(`${servers[0].key} ${r.key}`);
      if (!r.document && other !== undefined && other !== body) throw new Error(`${r.path}: the two apps answer differently:\n${other}\n${body}`);
      expected.set(`${s.key} ${r.key}`, body);
    }
    await checkSignedOut(s);
  }
  return expected;
}

/** A signed-out request is sent to /sign-in: the data request (Remix's 204 redirect) and the authenticated page. */
async function checkSignedOut(s) {
  const out = await fetch(`${s.url}/dashboard?_data=routes%2Fdashboard`, { headers: { ...headers, cookie: '' }, redirect: 'manual' });
  if (out.status !== 204 || !out.headers.get('x-remix-redirect')?.startsWith('/sign-in')) {
    throw new Error(`${s.name}: a signed-out data request was not redirected to /sign-in (status ${out.status})`);
  }
  if (!opts.document) return;
  const page = await fetch(`${s.url}/bench/a/b`, { headers: { ...documentHeaders, cookie: '' }, redirect: 'manual' });
  if (page.status !== 302 || !page.headers.get('location')?.startsWith('/sign-in')) {
    throw new Error(`${s.name}: a signed-out document request to /bench/a/b was not redirected to /sign-in (status ${page.status})`);
  }
}

const expected = await expectedBodies();
log(`protected body: ${expected.get(`${servers[0].key} protected`)}`);
if (opts.document) log(`document page: ${expected.get(`${servers[0].key} document`).length} bytes (${servers[0].name})`);

let freshIndex = 0;
function cannon(server, route, duration, amount) {
  const request = { method: 'GET', path: route.path, headers: route.headers };
  if (route.fresh) {
    request.setupRequest = (req) => {
      req.headers = { ...headers, cookie: freshCookies[freshIndex++ % freshCookies.length] };
      return req;
    };
  }
  const want = expected.get(`${server.key} ${route.key}`);
  const stable = normalise(route);
  // The dashboard's verifyMicros: the wall time of its getAuth call, as the server measured it.
  const micros = [];
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: server.url,
        connections: opts.connections,
        ...(amount ? { amount } : { duration }),
        requests: [request],
        verifyBody: (body) => {
          if (route.timesGetAuth) {
            const m = /"verifyMicros":([-+.\deE]+)/.exec(body);
            if (m) micros.push(Number(m[1]));
          }
          return stable(body) === want;
        },
      },
      (err, result) => (err ? reject(err) : resolve({ ...result, getAuthMicros: micros.length ? median(micros) : NaN })),
    );
  });
}

const { cells, cellOf } = grid(routes, servers);

const started = performance.now();
await warmUp(cells, opts.warmup, cannon);
let failures = 0;
if (profileDir) {
  await profileRounds();
  process.exit(failures ? 1 : 0);
}
for (const { round, server: s, route: r } of alternatingRuns(opts.rounds, servers, routes)) {
  const { res, bad, row } = await measured(s, () => cannon(s, r, opts.duration));
  failures += bad;
  row.getAuthUs = res.getAuthMicros;
  cellOf(s, r).rounds.push(row);
  console.log(
    `round ${round + 1}/${opts.rounds}  ${s.name.padEnd(20)} ${r.label.padEnd(28)} ${fmt(row.rps, 0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  server CPU ${fmt(row.cpuUsPerReq, 0)} µs/req${Number.isNaN(row.getAuthUs) ? '' : `  getAuth ${fmt(row.getAuthUs, 1)} µs`}  load1 ${row.load1.toFixed(2)}${failedSuffix(res, bad)}`,
  );
}
const elapsed = (performance.now() - started) / 1000;
for (const s of servers) await s.stop();
await issuer.close();

/** Per round, f(row of route a, row of route b) for server s: the two ran in the same round, one run apart. */
const perRound = (s, a, b, f) => cellOf(s, a).rounds.map((x, i) => f(x, cellOf(s, b).rounds[i]));
const list = (xs, d) => xs.map((x) => fmt(x, d)).join(', ');

console.log('');
console.log(`${opts.rounds} rounds x ${opts.duration} s per app and route, ${opts.connections} connections, ${opts.warmup} s warm-up each; ${fmt(elapsed, 0)} s of load${opts.quick ? ' (--quick)' : ''}`);
console.log(`load average after (1/5/15 min): ${loadavg()}`);
console.log('');
printRouteTable();
console.log('');
printThroughputRatios();
console.log('');
printAddedCpu();
if (baselinePath) printBaselineRatios();
console.log('');
printCpuShares();
if (failures) {
  console.error(`\n${failures} failed requests (errors, timeouts, non-2xx or body mismatches): see the rounds above`);
  process.exit(1);
}

/** Per app and route: req/s, latency, server CPU per request (medians over rounds). */
function printRouteTable() {
  const rows = cells.map((c) => [
    ...cellColumns(c),
    c.route.timesGetAuth ? fmt(median(c.rounds.map((x) => x.getAuthUs)), 1) : '',
    requestsOf(c),
  ]);
  printTable(['app', 'route', 'req/s mean', 'req/s median', 'min-max', 'p50 ms', 'p99 ms (median)', 'server CPU µs/req', 'getAuth µs in server', 'requests'], rows, 2);
  console.log('getAuth µs in server: the wall time of the dashboard loader\'s getAuth call (its verifyMicros), median per round, then over rounds');
}

/** Per app and pair: auth ÷ no-auth of req/s (of the means, and per round); between the apps, per auth route. */
function printThroughputRatios() {
  for (const s of servers) {
    for (const { auth, noauth } of pairs) {
      const share = perRound(s, auth, noauth, (a, n) => a.rps / n.rps);
      const ofMeans = mean(cellOf(s, auth).rounds.map((x) => x.rps)) / mean(cellOf(s, noauth).rounds.map((x) => x.rps));
      const target = s.key === 'native' && auth.key === 'protected' ? `  (target >= 85 %: ${ofMeans >= 0.85 ? 'met' : 'MISSED'})` : '';
      console.log(
        `${s.name}: ${auth.label} ÷ ${noauth.label} = ${fmt(ofMeans * 100, 1)} % of mean req/s; median per-round ${fmt(median(share) * 100, 1)} % (${list(share.map((x) => x * 100), 0)})${target}`,
      );
    }
  }
  for (const { auth } of pairs) {
    const [a, b] = servers.map((s) => mean(cellOf(s, auth).rounds.map((x) => x.rps)));
    console.log(`${auth.label}: ${servers[0].name} serves ${fmt(a / b, 2)}x the req/s of ${servers[1].name}`);
  }
}

/** The server CPU that authentication adds, per app and pair: auth − no-auth in the same round. */
function printAddedCpu() {
  for (const s of servers) {
    for (const { auth, noauth } of pairs) {
      const added = perRound(s, auth, noauth, (a, n) => a.cpuUsPerReq - n.cpuUsPerReq);
      console.log(`${s.name}: server CPU added by ${auth.label} (vs ${noauth.label}): median ${fmt(median(added), 0)} µs/req (per round ${list(added, 0)})`);
    }
  }
}

/** --baseline: the other build ÷ this one, per route and round (both served in the same round). */
function printBaselineRatios() {
  for (const r of routes) {
    const [now, base] = servers.map((s) => cellOf(s, r).rounds);
    const cpu = now.map((x, i) => base[i].cpuUsPerReq / x.cpuUsPerReq);
    const rps = now.map((x, i) => x.rps / base[i].rps);
    console.log(
      `${r.label}: server CPU per request, ${servers[1].name} ÷ ${servers[0].name}: median ${fmt(median(cpu), 3)} (${list(cpu, 2)}); req/s ${servers[0].name} ÷ ${servers[1].name}: median ${fmt(median(rps), 3)}`,
    );
  }
}

/**
 * Issue 17's served-app targets: per app and pair, the per-round ratio no-auth ÷ auth of server CPU per request
 * (median over rounds, p10-p90, each round) against `minShare` (auth costs ≤ 1/minShare of no-auth), with auth ÷
 * no-auth of req/s beside it and the p99s. PASS/MISS is reported, never enforced (a benchmark, not a test).
 */
function printCpuShares() {
  const verdict = (share, minShare) => (share >= minShare ? 'PASS' : 'MISS');
  const rows = [];
  for (const { auth, noauth } of pairs) {
    for (const s of servers) {
      const share = perRound(s, auth, noauth, (a, n) => n.cpuUsPerReq / a.cpuUsPerReq);
      const rps = perRound(s, auth, noauth, (a, n) => a.rps / n.rps);
      const cpuMedian = (r) => fmt(median(cellOf(s, r).rounds.map((x) => x.cpuUsPerReq)), 0);
      const p99Median = (r) => fmt(median(cellOf(s, r).rounds.map((x) => x.p99)), 0);
      rows.push([
        `${auth.label} vs ${noauth.label}`,
        s.name,
        `${cpuMedian(auth)} / ${cpuMedian(noauth)}`,
        fmt(median(share), 3),
        `${fmt(quantile(share, 0.1), 3)}-${fmt(quantile(share, 0.9), 3)}`,
        list(share, 3),
        fmt(1 / median(share), 3),
        fmt(median(rps), 3),
        `${p99Median(auth)} / ${p99Median(noauth)}`,
        `≥ ${fmt(auth.minShare, 2)} (≤ ${fmt(1 / auth.minShare, 3)}): ${verdict(median(share), auth.minShare)}`,
      ]);
    }
  }
  console.log('Server CPU per request, no-auth ÷ auth in the same round (issue 17: the authenticated request costs at most 1/target of the no-auth one):');
  printTable(
    ['pair', 'app', 'CPU µs/req auth / no-auth', 'no-auth ÷ auth median', 'p10-p90', 'per round', 'auth ÷ no-auth', 'req/s auth ÷ no-auth', 'p99 ms auth / no-auth', 'target no-auth ÷ auth'],
    rows,
    2,
  );
  // The targets are this package's; @clerk/remix's rows above are the reference beside them.
  for (const { auth, noauth } of pairs) {
    for (const s of servers.filter((x) => x.key !== 'clerk')) {
      const share = median(perRound(s, auth, noauth, (a, n) => n.cpuUsPerReq / a.cpuUsPerReq));
      console.log(
        `issue 17 target, ${s.name}, ${auth.label}: server CPU/req ≤ 1/${fmt(auth.minShare, 2)} of ${noauth.label} (auth ÷ no-auth ≤ ${fmt(1 / auth.minShare, 3)}): ${fmt(1 / share, 3)} → ${verdict(share, auth.minShare)}`,
      );
    }
  }
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
  // The data pair (exact labels: `native-document-noauth` ends with `-noauth` too).
  const prot = labels.find((l) => l.label === `${s.key}-protected`);
  const noauth = labels.find((l) => l.label === `${s.key}-noauth`);
  profileReport(labels, { top: 20, compare: prot && noauth ? [prot.label, noauth.label] : undefined });
  console.log(`\nprofiles in ${profileDir}: node bench/profile-summary.mjs ${path.relative(process.cwd(), profileDir) || '.'} [--top N]`);
}
