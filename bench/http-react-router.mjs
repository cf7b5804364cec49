// `npm run bench:http:react-router`: the React Router 7 example over HTTP, built twice — with this package's React
// Router entry and with `@clerk/react-router@3.6.24` — each served by `react-router-serve` (NODE_ENV=production) and
// loaded with autocannon in alternating rounds: the sibling of bench/http.mjs (the Remix example) for issue 17's
// "the same HTTP targets with the middleware".
//
// The two apps are generated, never committed: examples/react-router-app is copied into
// node_modules/.cache/clerk-remix-native-bench-http-rr/{native,clerk}/ (shared node_modules one level up: the packed
// package and the example's own dependencies, @clerk/react-router 3.6.24 among them, installed from the npm registry
// with the example's lockfile). The Clerk copy has every `clerk-remix-native/react-router…` import replaced by
// `@clerk/react-router…` (`/server` for clerkMiddleware, rootAuthLoader, getAuth; the client side — ClerkProvider,
// Show, useAuth — is Clerk's in both copies, as this package's client entry re-exports Clerk's), and vite.config.ts's
// ssr.external names it, so Clerk's middleware does the work there.
//
// Both copies get four generated routes and a generated change to the root (the example itself is not changed):
//   /bench-auth              layout route, its loader calls getAuth(args) (a signed-out request is redirected)
//   /bench-auth (index)      nested index route, its loader calls getAuth(args) too
//   /bench-noauth            the same two routes, same components and same data shape, loaders return constants
// and in app/root.tsx, the middleware list is `[(args, next) => noAuth(args.request) ? next() : clerkMiddleware()(…)]`
// (true for paths under /bench-noauth once the no-auth root data is kept), and the root loader answers there the root
// data rootAuthLoader gave the process's first /bench-noauth request (which the bench makes before any other), kept. So "no-auth" means:
// the same server, the same route tree, the same middleware slot and the same page — the example's root component,
// <ClerkProvider> and its "Signed in as …" rendered from the same clerkState — with no Clerk work on the timed
// request: no clerkMiddleware, no rootAuthLoader, no getAuth. Everything else the example does (the root's other
// routes, clerkMiddleware on them) is unchanged.
//
// Routes (every request carries a signed-in browser's cookies: a valid `__session` from a local issuer —
// createLocalIssuer of dist/testing.js, RS256-2048, valid for a day — and `__client_uat`; both apps get the same
// issuer.env(): CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY and CLERK_API_URL, so both fetch the issuer's
// `/v1/jwks` on 127.0.0.1 and nothing goes to Clerk):
//   data, protected   GET /bench-auth.data?_routes=routes/bench-auth      root middleware (clerkMiddleware) + one
//                                                                         loader calling getAuth; no rendering
//   data, no-auth     GET /bench-noauth.data?_routes=routes/bench-noauth  the middleware slot calls next(); one
//                                                                         loader returning constants
//   document, protected GET /bench-auth     clerkMiddleware + rootAuthLoader + two nested getAuth loaders + SSR
//   document, no-auth   GET /bench-noauth   three loaders answering kept or constant data + SSR of the same page
// Data requests are React Router 7 single fetch (turbo-stream), as the client makes them on a navigation: `_routes`
// names the loaders to run (without it every matched loader runs, the root's too); the middleware of every matched
// route runs regardless. With `--fresh-tokens N`, a fifth route is the protected data request with N distinct session
// tokens sent in turn (N must exceed this package's default 4,096-entry verified-token cache: every request's
// signature is checked).
//
// Each response body must equal the body fetched before the run (autocannon `verifyBody`; the protected and no-auth
// bodies carry the issuer's user id; the data bodies must also be the same in both apps), so a signed-out answer
// (single fetch's redirect, a 302 to /sign-in) or an error page counts as a mismatch, and the run fails on any error,
// non-2xx or mismatch. Not a test: nothing about speed is asserted (the targets are printed as PASS / MISS).
//
// Figures: req/s, p50/p99 latency (autocannon, in this process: it shares the machine's CPUs with the servers), and
// the server's CPU per request (utime + stime of the server process over the round ÷ requests served). Targets
// (issue 17), as per-round ratios in the same round, median over rounds, for this package's app:
//   data, repeated token:  no-auth CPU ÷ protected CPU ≥ 0.95  (protected ≤ 1/0.95 of no-auth)
//   data, fresh tokens:    no-auth CPU ÷ protected CPU ≥ 0.90
//   document:              no-auth CPU ÷ protected CPU ≥ 0.90
//
//   node bench/http-react-router.mjs [--quick] [--rounds N] [--duration S] [--connections N] [--warmup S]
//                                    [--fresh-tokens N] [--no-build]

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

import autocannon from 'autocannon';
import { describeMachine, fmt, loadavg, median, parseCli, printTable } from './harness.mjs';
import { exampleDirOf, examples, freePort, root, startExample } from '../scripts/example.mjs';
import { alternatingRuns, cellColumns, failedSuffix, grid, importsPkg, listFiles, log, mean, measured, prepareWorkspace, requestsOf, run, runNpm, signedInBrowser, warmUp } from './http-common.mjs';

const require = createRequire(import.meta.url);
const work = `${root}node_modules/.cache/clerk-remix-native-bench-http-rr/`;
const exampleDir = exampleDirOf('react-router-app');
const CLERK_VERSION = '3.6.24';

const usage = `node bench/http-react-router.mjs [--quick] [--rounds N] [--duration S] [--connections N] [--warmup S] [--fresh-tokens N] [--no-build]
  defaults: 5 rounds x 10 s per app and route, 10 connections, 3 s warm-up per app and route
  --quick: 2 rounds x 3 s, 1 s warm-up
  --fresh-tokens N: also the protected data route with N distinct tokens sent in turn (N > 4096, the token cache's size)
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
if (opts.freshTokens && opts.freshTokens <= 4096) throw new Error('--fresh-tokens must exceed 4096 (the default token cache size)');

// ---------------------------------------------------------------------------------------------------------------
// The two apps

// `pkg`: the package whose server helpers the app imports (the other variant's must not appear in it).
const variants = [
  { key: 'native', name: 'clerk-remix-native', pkg: 'clerk-remix-native', dir: `${work}native/` },
  { key: 'clerk', name: `@clerk/react-router ${CLERK_VERSION}`, pkg: '@clerk/react-router', dir: `${work}clerk/` },
];
const otherPkg = (v) => variants.find((o) => o !== v).pkg;

/**
 * A generated bench route (written as this package's; the Clerk copy's imports are renamed like the example's).
 * `auth`: its loader calls getAuth (else it returns constants of the same shape); `layout`: the parent (an <Outlet/>)
 * or the index child.
 */
function benchRoute({ auth, layout }) {
  const head = `// Generated by bench/http-react-router.mjs (not part of the example): the ${auth ? 'protected' : 'no-auth'} twin, ${layout ? 'layout route' : 'its index route'}.\n`;
  const constants = `// Constants of the protected twin's shape (the issuer's user and session, read once at start-up).
const USER_ID = process.env.BENCH_USER_ID ?? 'user_bench';
const SESSION_ID = process.env.BENCH_SESSION_ID ?? 'sess_bench';
`;
  if (layout) {
    const loader = auth
      ? `export const loader = async (args) => {
  const { userId, sessionId } = await getAuth(args);
  if (!userId) throw redirect('/sign-in?redirect_url=%2Fbench-auth');
  return { userId, sessionId };
};`
      : `export const loader = async () => ({ userId: USER_ID, sessionId: SESSION_ID });`;
    return `${head}import { Outlet${auth ? ', redirect' : ''} } from 'react-router';
${auth ? "import { getAuth } from 'clerk-remix-native/react-router/server';\n" : constants}
${loader}

export default function BenchLayout({ loaderData }) {
  return (
    <>
      <h1>Bench</h1>
      <p data-testid="bench-user-id">{loaderData.userId}</p>
      <p className="muted small" data-testid="bench-session-id">{loaderData.sessionId}</p>
      <Outlet />
    </>
  );
}
`;
  }
  const loader = auth
    ? `export const loader = async (args) => {
  const { userId, sessionId, orgId, orgSlug, orgRole } = await getAuth(args);
  if (!userId) return null;
  return { userId, sessionId, orgId: orgId ?? null, orgSlug: orgSlug ?? null, orgRole: orgRole ?? null };
};`
    : `export const loader = async () => ({ userId: USER_ID, sessionId: SESSION_ID, orgId: null, orgSlug: null, orgRole: null });`;
  return `${head}${auth ? "import { getAuth } from 'clerk-remix-native/react-router/server';\n" : constants}
${loader}

export default function BenchSession({ loaderData }) {
  if (!loaderData) return null;
  const { userId, sessionId, orgId, orgSlug, orgRole } = loaderData;
  return (
    <dl>
      <dt>user id</dt>
      <dd data-testid="bench-session-user-id">{userId}</dd>
      <dt>session id</dt>
      <dd>{sessionId}</dd>
      <dt>organization</dt>
      <dd>{orgId ? \`\${orgId}\${orgSlug ? \` (\${orgSlug}, \${orgRole ?? 'no role'})\` : ''}\` : 'none'}</dd>
    </dl>
  );
}
`;
}

const ROUTES_ADDED = `  // Added by bench/http-react-router.mjs: the protected page and its no-auth twin (a layout and its index each).
  route('bench-auth', 'routes/bench-auth.tsx', [index('routes/bench-auth.session.tsx')]),
  route('bench-noauth', 'routes/bench-noauth.tsx', [index('routes/bench-noauth.session.tsx')]),
`;

/** `[from, to]` replacements in app/root.tsx, each of which must match exactly once. */
const ROOT_EDITS = [
  [
    'export const middleware: Route.MiddlewareFunction[] = [clerkMiddleware()];',
    `// bench/http-react-router.mjs: requests under /bench-noauth skip Clerk's middleware (the no-auth twin does no Clerk
// work); every other request goes through clerkMiddleware() as in the example.
const benchNoAuth = (request: Request) => {
  const url = request.url;
  return url.startsWith('/bench-noauth', url.indexOf('/', url.indexOf('//') + 2));
};
const benchClerkMiddleware = clerkMiddleware();
// Until the no-auth root data is kept (the bench's first request, below), a /bench-noauth request goes through it too:
// Clerk's rootAuthLoader needs the middleware.
export const middleware: Route.MiddlewareFunction[] = [
  (args, next) => (benchNoAuth(args.request) && benchRootData !== undefined ? next() : benchClerkMiddleware(args, next)),
];`,
  ],
  [
    'export const loader = (args: Route.LoaderArgs) => rootAuthLoader(args, () => ({ localIssuer: localIssuerEnabled() }));',
    `// The no-auth twin's root data: what rootAuthLoader answered to the process's first /bench-noauth request (the
// bench's check request, before any timed one), kept, so that both pages render the same <ClerkProvider> tree from
// the same clerkState while the no-auth page never authenticates in a timed request.
let benchRootData: unknown;
async function benchCapturedRootData(args: Route.LoaderArgs): Promise<unknown> {
  const answer: unknown = await rootAuthLoader(args, () => ({ localIssuer: localIssuerEnabled() }));
  return answer instanceof Response ? answer.json() : answer;
}
export const loader = async (args: Route.LoaderArgs) =>
  benchNoAuth(args.request)
    ? (benchRootData ??= await benchCapturedRootData(args))
    : rootAuthLoader(args, () => ({ localIssuer: localIssuerEnabled() }));`,
  ],
];

function prepareApps() {
  const started = performance.now();
  if (!readdirSync(root).some((f) => f.endsWith('.node')) || !existsSync(`${root}dist/react-router/server.mjs`)) {
    throw new Error('the package is not built (or its React Router entry is missing): run `npm run build` first');
  }
  // The workspace: the example's dependencies (@clerk/react-router 3.6.24 among them) and the packed package.
  const example = JSON.parse(readFileSync(`${exampleDir}package.json`, 'utf8'));
  if (example.dependencies['@clerk/react-router'] !== CLERK_VERSION) {
    throw new Error(`examples/react-router-app depends on @clerk/react-router ${example.dependencies['@clerk/react-router']}, expected ${CLERK_VERSION}`);
  }
  const pkg = {
    name: 'clerk-remix-native-bench-http-rr',
    private: true,
    type: 'module',
    dependencies: { ...example.dependencies, 'clerk-remix-native': 'file:.pack/clerk-remix-native.tgz' },
    devDependencies: example.devDependencies,
  };
  prepareWorkspace(work, pkg, `${exampleDir}package-lock.json`);
  // Naming the tarball makes npm install it again although the lockfile has the same version.
  runNpm(['install', '--no-audit', '--no-fund', '--prefer-offline', './.pack/clerk-remix-native.tgz'], work);
  const clerkVersion = JSON.parse(readFileSync(`${work}node_modules/@clerk/react-router/package.json`, 'utf8')).version;
  if (clerkVersion !== CLERK_VERSION) throw new Error(`expected @clerk/react-router ${CLERK_VERSION} in ${work}, found ${clerkVersion}`);

  for (const v of variants) {
    rmSync(v.dir, { recursive: true, force: true });
    mkdirSync(v.dir, { recursive: true });
    for (const f of ['app', 'vite.config.ts', 'react-router.config.ts', 'tsconfig.json']) cpSync(`${exampleDir}${f}`, `${v.dir}${f}`, { recursive: true });
    writeFileSync(`${v.dir}package.json`, `${JSON.stringify({ ...example, name: `bench-http-rr-${v.key}` }, null, 2)}\n`);
    // The generated routes, written as this package's (renamed below for the Clerk copy).
    writeFileSync(`${v.dir}app/routes/bench-auth.tsx`, benchRoute({ auth: true, layout: true }));
    writeFileSync(`${v.dir}app/routes/bench-auth.session.tsx`, benchRoute({ auth: true, layout: false }));
    writeFileSync(`${v.dir}app/routes/bench-noauth.tsx`, benchRoute({ auth: false, layout: true }));
    writeFileSync(`${v.dir}app/routes/bench-noauth.session.tsx`, benchRoute({ auth: false, layout: false }));
    const routesTs = readFileSync(`${v.dir}app/routes.ts`, 'utf8');
    if (!routesTs.includes('] satisfies RouteConfig;')) throw new Error('app/routes.ts does not look as expected: examples/react-router-app changed?');
    writeFileSync(`${v.dir}app/routes.ts`, routesTs.replace('] satisfies RouteConfig;', `${ROUTES_ADDED}] satisfies RouteConfig;`));
    let rootTsx = readFileSync(`${v.dir}app/root.tsx`, 'utf8');
    for (const [from, to] of ROOT_EDITS) {
      if (rootTsx.split(from).length !== 2) throw new Error(`app/root.tsx does not contain exactly one \`${from}\`: examples/react-router-app changed?`);
      rootTsx = rootTsx.replace(from, () => to);
    }
    writeFileSync(`${v.dir}app/root.tsx`, rootTsx);
    if (v.key === 'clerk') {
      for (const file of [...listFiles(`${v.dir}app/`), `${v.dir}vite.config.ts`]) {
        const before = readFileSync(file, 'utf8');
        const after = before
          .replace(/(['"])clerk-remix-native\/react-router(\/server)?\1/g, '$1@clerk/react-router$2$1')
          .replace(/(['"])clerk-remix-native\1/g, '$1@clerk/react-router$1');
        if (after !== before) writeFileSync(file, after);
      }
      const root2 = readFileSync(`${v.dir}app/root.tsx`, 'utf8');
      if (!root2.includes("from '@clerk/react-router/server'") || !root2.includes("from '@clerk/react-router'")) {
        throw new Error('the @clerk/react-router variant of app/root.tsx does not look as expected');
      }
    }
    const leftovers = [...listFiles(`${v.dir}app/`), `${v.dir}vite.config.ts`].filter((f) => importsPkg(readFileSync(f, 'utf8'), otherPkg(v)));
    if (leftovers.length) throw new Error(`${v.name} app still names the other package: ${leftovers.join(', ')}`);
    const cli = JSON.parse(readFileSync(`${work}node_modules/@react-router/dev/package.json`, 'utf8')).bin['react-router'];
    run(process.execPath, [`${work}node_modules/@react-router/dev/${cli}`, 'build'], v.dir);
    const server = readFileSync(`${v.dir}build/server/index.js`, 'utf8');
    const wanted = `"${v.pkg === 'clerk-remix-native' ? 'clerk-remix-native/react-router' : v.pkg}/server"`;
    if (!server.includes(wanted)) throw new Error(`${v.name}: the server build does not import ${wanted}`);
    if (server.includes(`"${otherPkg(v) === 'clerk-remix-native' ? 'clerk-remix-native/react-router' : otherPkg(v)}/server"`)) {
      throw new Error(`${v.name}: the server build imports the other package's server entry`);
    }
  }
  return Math.round((performance.now() - started) / 100) / 10;
}

// ---------------------------------------------------------------------------------------------------------------
// Servers

async function startServer(v, port, env) {
  const server = await startExample({
    example: 'react-router-app',
    port,
    env: { ...env, NODE_ENV: 'production', HOST: '127.0.0.1' },
    host: '127.0.0.1',
    dir: v.dir,
    serve: `${work}${examples['react-router-app'].serve}`,
    readyPath: '/bench-noauth.data?_routes=routes%2Fbench-noauth',
    accessLog: false,
  }).catch((err) => {
    throw new Error(`${v.name}: ${err.message}`);
  });
  return { ...v, url: server.url, pid: server.child.pid, stop: server.stop, stderr: server.output };
}

// ---------------------------------------------------------------------------------------------------------------
// Main

console.log(`clerk-remix-native HTTP bench, React Router entry: examples/react-router-app with this package vs with @clerk/react-router ${CLERK_VERSION}`);
console.log(describeMachine());
console.log(`load average before (1/5/15 min): ${loadavg()}`);

if (opts.build) log(`apps prepared in ${prepareApps()} s`);
else if (!variants.every((v) => existsSync(`${v.dir}build/server/index.js`))) throw new Error('--no-build: no previous build in node_modules/.cache/');

const { issuer, nowS, cookie, freshCookies } = await signedInBrowser(opts.freshTokens);
const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
// As a browser sends them: a client-side navigation's fetch, and a page load.
const dataHeaders = { cookie, accept: '*/*', 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors', 'user-agent': userAgent };
const docHeaders = {
  cookie,
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'sec-fetch-dest': 'document',
  'sec-fetch-mode': 'navigate',
  'user-agent': userAgent,
};

// Expired an hour ago (the sanity checks: the middleware would answer a page load with a handshake redirect).
const expiredCookie = issuer.cookieHeader({ session: issuer.sessionToken({ issuedAt: nowS - 7200, expiresInSeconds: 3600 }), clientUat: nowS - 7300 });


const env = { ...issuer.env(), BENCH_USER_ID: issuer.userId, BENCH_SESSION_ID: issuer.sessionId };
const servers = [];
for (const v of variants) servers.push(await startServer(v, await freePort(), env));

// `pair`: the no-auth route a protected route is compared with (same round); `target`: issue 17's bound on
// no-auth CPU ÷ protected CPU for this package.
const routes = [
  { key: 'data', kind: 'data', path: '/bench-auth.data?_routes=routes%2Fbench-auth', headers: dataHeaders, label: 'data, protected (getAuth)', pair: 'data-noauth', target: 0.95 },
  { key: 'data-noauth', kind: 'data', path: '/bench-noauth.data?_routes=routes%2Fbench-noauth', headers: dataHeaders, label: 'data, no-auth', noauth: true },
  { key: 'doc', kind: 'doc', path: '/bench-auth', headers: docHeaders, label: 'document, protected (3 loaders)', pair: 'doc-noauth', target: 0.9 },
  { key: 'doc-noauth', kind: 'doc', path: '/bench-noauth', headers: docHeaders, label: 'document, no-auth', noauth: true },
];
if (opts.freshTokens) {
  routes.push({ ...routes[0], key: 'fresh', label: `data, protected, ${opts.freshTokens} tokens`, fresh: true, target: 0.9 });
}
const routeByKey = (key) => routes.find((r) => r.key === key);

// Sanity, and the expected bodies (per app and route; the data bodies must be the same in both apps).
const expected = new Map();
const markers = (r) =>
  r.kind === 'data'
    ? [`"${issuer.userId}"`, `"${issuer.sessionId}"`]
    : [`Signed in as ${issuer.userId}`, `data-testid="bench-user-id">${issuer.userId}<`, `data-testid="bench-session-user-id">${issuer.userId}<`];
for (const s of servers) {
  // The no-auth page's root data is kept from its first request (generated root.tsx): make that request first, so
  // that no check or timed request on /bench-noauth authenticates.
  const first = await fetch(s.url + '/bench-noauth', { headers: docHeaders, redirect: 'manual' });
  if (first.status !== 200) throw new Error(`${s.name} /bench-noauth: status ${first.status}\n${s.stderr()}`);
  await first.text();
  for (const r of routes) {
    const headers = r.fresh ? { ...r.headers, cookie: freshCookies[freshCookies.length - 1] } : r.headers;
    const fetchBody = async () => {
      const res = await fetch(s.url + r.path, { headers, redirect: 'manual' });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${s.name} ${r.path}: status ${res.status} ${res.headers.get('location') ?? ''} ${body.slice(0, 300)}\n${s.stderr()}`);
      return body;
    };
    const body = await fetchBody();
    const missing = markers(r).filter((m) => !body.includes(m));
    if (missing.length) throw new Error(`${s.name} ${r.path}: the body lacks ${missing.join(', ')}:\n${body.slice(0, 2000)}`);
    // A second request must answer the same bytes: verifyBody compares whole bodies.
    const again = await fetchBody();
    if (again !== body) throw new Error(`${s.name} ${r.path}: two requests answered different bodies:\n${body}\n---\n${again}`);
    const sameKey = `${s.key} ${r.fresh ? 'data' : r.key}`;
    if (expected.has(sameKey) && expected.get(sameKey) !== body) throw new Error(`${s.name} ${r.path}: a fresh token answers differently than the repeated one`);
    expected.set(`${s.key} ${r.key}`, body);
    if (r.kind === 'data' && s !== servers[0] && expected.get(`${servers[0].key} ${r.key}`) !== body) {
      throw new Error(`${r.path}: the two apps answer differently:\n${expected.get(`${servers[0].key} ${r.key}`)}\n${body}`);
    }
  }
  // Signed out, the protected routes do not answer the signed-in bodies; the no-auth ones answer the same bytes
  // (nothing on them depends on the request's auth).
  for (const r of routes.filter((x) => !x.fresh)) {
    const res = await fetch(s.url + r.path, { headers: { ...r.headers, cookie: '' }, redirect: 'manual' });
    const body = await res.text();
    if (r.noauth) {
      if (res.status !== 200 || body !== expected.get(`${s.key} ${r.key}`)) throw new Error(`${s.name} ${r.path}: signed out, the no-auth route answers differently (${res.status})`);
    } else {
      const where = `${res.headers.get('location') ?? ''} ${body}`;
      if ((res.status === 200 && body === expected.get(`${s.key} ${r.key}`)) || !where.includes('/sign-in')) {
        throw new Error(`${s.name} ${r.path}: a signed-out request was not sent to /sign-in (status ${res.status}): ${where.slice(0, 300)}`);
      }
    }
  }
  // With an expired session token, a page load through clerkMiddleware is a handshake redirect; the no-auth routes
  // still answer their bodies: Clerk's middleware does not run for them.
  for (const r of routes.filter((x) => x.kind === 'doc' || x.noauth)) {
    const res = await fetch(s.url + r.path, { headers: { ...r.headers, cookie: expiredCookie }, redirect: 'manual' });
    const body = await res.text();
    const ok = r.noauth ? res.status === 200 && body === expected.get(`${s.key} ${r.key}`) : res.status === 307 && /handshake/.test(res.headers.get('location') ?? '');
    if (!ok) throw new Error(`${s.name} ${r.path} with an expired token: status ${res.status} ${res.headers.get('location') ?? ''} (expected ${r.noauth ? 'the no-auth body' : 'a handshake redirect'})`);
  }
}
for (const r of routes.filter((x) => !x.fresh)) {
  log(`${r.path}: ${servers.map((s) => `${s.key} ${expected.get(`${s.key} ${r.key}`).length} B`).join(', ')}`);
}
log(`data body: ${expected.get(`native data`).trim()}`);

let freshIndex = 0;
function cannon(server, route, duration) {
  const request = { method: 'GET', path: route.path, headers: route.headers };
  if (route.fresh) {
    request.setupRequest = (req) => {
      req.headers = { ...route.headers, cookie: freshCookies[freshIndex++ % freshCookies.length] };
      return req;
    };
  }
  const want = expected.get(`${server.key} ${route.key}`);
  return new Promise((resolve, reject) => {
    autocannon(
      { url: server.url, connections: opts.connections, duration, requests: [request], verifyBody: (body) => body === want },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

const { cells, cellOf } = grid(routes, servers);

const started = performance.now();
await warmUp(cells, opts.warmup, cannon);
let failures = 0;
for (const { round, server: s, route: r } of alternatingRuns(opts.rounds, servers, routes)) {
  const { res, bad, row } = await measured(s, () => cannon(s, r, opts.duration));
  failures += bad;
  cellOf(s, r).rounds.push(row);
  console.log(
    `round ${round + 1}/${opts.rounds}  ${s.name.padEnd(26)} ${r.label.padEnd(34)} ${fmt(row.rps, 0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  server CPU ${fmt(row.cpuUsPerReq, 0)} µs/req  load1 ${row.load1.toFixed(2)}${failedSuffix(res, bad)}`,
  );
}
const elapsed = (performance.now() - started) / 1000;
for (const s of servers) await s.stop();
// What the servers asked the issuer (the JWKS, and nothing per request): both verified against its keys.
const issuerCalls = {};
for (const q of issuer.requests) {
  const key = `${q.method} ${q.path} (user-agent ${q.headers['user-agent'] ?? '-'})`;
  issuerCalls[key] = (issuerCalls[key] ?? 0) + 1;
}
await issuer.close();

const list = (xs, d = 2) => xs.map((x) => fmt(x, d)).join(', ');
console.log('');
console.log(`${opts.rounds} rounds x ${opts.duration} s per app and route, ${opts.connections} connections, ${opts.warmup} s warm-up each; ${fmt(elapsed, 0)} s of load${opts.quick ? ' (--quick)' : ''}`);
console.log(`load average after (1/5/15 min): ${loadavg()}`);
console.log(`requests the servers made to the local issuer: ${JSON.stringify(issuerCalls)}`);
console.log('');
printTable(
  ['app', 'route', 'req/s mean', 'req/s median', 'min-max', 'p50 ms', 'p99 ms (median)', 'server CPU µs/req (median)', 'requests'],
  cells.map((c) => [...cellColumns(c), requestsOf(c)]),
  2,
);
console.log('');

// Per app and protected route, in the same round: no-auth CPU ÷ protected CPU (1 = authentication is free; the
// targets' ratio), protected req/s ÷ no-auth req/s, and the CPU authentication adds (protected − no-auth).
const ratios = new Map();
for (const s of servers) {
  for (const r of routes.filter((x) => x.pair)) {
    const prot = cellOf(s, r).rounds;
    const base = cellOf(s, routeByKey(r.pair)).rounds;
    const cpu = prot.map((x, i) => base[i].cpuUsPerReq / x.cpuUsPerReq);
    const rps = prot.map((x, i) => x.rps / base[i].rps);
    const added = prot.map((x, i) => x.cpuUsPerReq - base[i].cpuUsPerReq);
    ratios.set(`${s.key} ${r.key}`, { cpu, rps, added });
    console.log(`${s.name}, ${r.label} vs ${routeByKey(r.pair).label}:`);
    console.log(`  server CPU no-auth ÷ protected: median ${fmt(median(cpu), 3)} (per round ${list(cpu, 3)})`);
    console.log(`  req/s protected ÷ no-auth:      median ${fmt(median(rps), 3)} (per round ${list(rps, 3)})`);
    console.log(`  server CPU added by auth:       median ${fmt(median(added), 0)} µs/req (per round ${list(added, 0)})`);
  }
}
console.log('');
// Issue 17's targets, for this package (Clerk's package's figure beside it, for reference).
for (const r of routes.filter((x) => x.target)) {
  const ours = median(ratios.get(`native ${r.key}`).cpu);
  const theirs = median(ratios.get(`clerk ${r.key}`).cpu);
  console.log(
    `${ours >= r.target ? 'PASS' : 'MISS'}  ${r.label}: protected ≤ 1/${fmt(r.target, 2)} of no-auth server CPU per request — no-auth ÷ protected median ${fmt(ours, 3)} (target ≥ ${fmt(r.target, 2)}); ${servers[1].name}: ${fmt(theirs, 3)}`,
  );
}
if (!opts.freshTokens) console.log('(not measured) data, protected with tokens the cache has not seen: no-auth ÷ protected ≥ 0.90 — run with --fresh-tokens N');
console.log('');
// Ours vs Clerk's, per route and round (both served in the same round).
for (const r of routes) {
  const [ours, theirs] = servers.map((s) => cellOf(s, r).rounds);
  const cpu = ours.map((x, i) => theirs[i].cpuUsPerReq / x.cpuUsPerReq);
  const rps = ours.map((x, i) => x.rps / theirs[i].rps);
  console.log(
    `${r.label}: server CPU per request ${servers[1].name} ÷ ${servers[0].name} median ${fmt(median(cpu), 2)} (${list(cpu)}); req/s ${servers[0].name} ÷ ${servers[1].name} median ${fmt(median(rps), 2)} (${list(rps)})`,
  );
}
if (failures) {
  console.error(`\n${failures} failed requests (errors, timeouts, non-2xx or body mismatches): see the rounds above`);
  process.exit(1);
}
