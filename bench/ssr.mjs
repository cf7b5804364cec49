// `npm run bench:ssr`: what one authenticated Remix request costs, in process: this package's `getAuth` and
// `rootAuthLoader` (fresh token: the signature is checked; cached token: the verified-token cache answers), against
// `@clerk/remix@4.13.49`'s own, `@clerk/backend`'s `authenticateRequest`, `jose`'s `jwtVerify`, `fast-jwt`, and
// Node's `crypto.verify` (the floor: one RSA verification, nothing else). With the React Router 7 world installed
// (the npm workspace ts/react-router) and dist/react-router built, the same request also goes through this package's
// React Router entry and `@clerk/react-router@3.6.24/server`, the way React Router 7 runs it: a fresh
// `RouterContextProvider` per request, `clerkMiddleware()` (made once, as an app's `middleware` export), whose
// `next()` runs the loader (`getAuth`, or `rootAuthLoader` without callback) and returns a 204 `Response`. A
// "React Router plumbing" row times that frame with a middleware that does nothing, so it can be told apart.
//
// Same token, same request, one process, interleaved rounds (bench/harness.mjs). Keys come from a local issuer on
// 127.0.0.1 (JWKS fetched once per contender, before timing). Not a test: nothing about speed is asserted; the run
// fails when a contender stops authenticating the request.
//
// Every call gets a new `Request` (same URL and headers) and a new loader context, as a server makes them for every
// HTTP request: this package decides once per request (a memo keyed on the `Request` and the context, reused for up
// to 1 s), so calls on one reused `Request` would time that memo, not a decision. Building the `Request` costs Node
// 20's undici ≈ 8 µs, so two frame rows time it alone: "request frame" (new `Request` + args) for the Remix rows and
// `authenticateRequest`, "React Router plumbing" for the React Router rows. Besides the gross figures, the tables
// give net ones: per round, a row minus its frame row (the floor and the token-only rows have no frame).
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
import { reactRouterWorld } from './reactRouterWorld.mjs';

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
// The React Router 7 world: this package's dist/react-router/server.mjs, @clerk/react-router/server, react-router.
const rr = await reactRouterWorld();

const bench = await signedInRequest();
const { issuer, token, request, userId, publicKey } = bench;
// A new `Request` and new loader args per call (see the top of this file).
const requestUrl = request.url;
const requestHeaders = [...request.headers];
const newRequest = () => new Request(requestUrl, { headers: requestHeaders });
const newArgs = () => ({ request: newRequest(), params: {}, context: {} });
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
  { frame: 'request', name: `${who} getAuth, fresh token`, note: 'getAuth(args, { tokenCacheSize: 0 }): signature checked every call', run: loopAsync(async () => signedIn(await pkg.getAuth(newArgs(), fresh))) },
  { frame: 'request', name: `${who} getAuth, cached token`, note: 'getAuth(args): the verified-token cache answers', run: loopAsync(async () => signedIn(await pkg.getAuth(newArgs()))) },
  { frame: 'request', name: `${who} rootAuthLoader, fresh`, note: 'rootAuthLoader(args, { tokenCacheSize: 0 })', run: loopAsync(async () => signedInResponse(await pkg.rootAuthLoader(newArgs(), fresh))) },
  { frame: 'request', name: `${who} rootAuthLoader, cached`, note: 'rootAuthLoader(args)', run: loopAsync(async () => signedInResponse(await pkg.rootAuthLoader(newArgs()))) },
];
const oursContenders = packageContenders(ours, 'ours');
const baselineContenders = baseline
  ? packageContenders(baseline, 'baseline').map((c) => ({ ...c, note: `${c.note}, on ${baselineDir}/dist/ssr.server.js` }))
  : [];
const contenders = [
  floorContender(bench),
  {
    name: 'request frame (no auth)',
    note: 'new Request(url, { headers }) and new loader args, what every Remix row and authenticateRequest also build per call',
    run: loopAsync(async () => newArgs().request.headers !== null),
  },
  ...oursContenders,
  ...baselineContenders,
  { frame: 'request', name: '@clerk/remix getAuth', note: 'getAuth(args) of @clerk/remix@4.13.49', run: loopAsync(async () => signedIn(await clerk.getAuth(newArgs()))) },
  { frame: 'request', name: '@clerk/remix rootAuthLoader', note: 'rootAuthLoader(args) of @clerk/remix@4.13.49', run: loopAsync(async () => signedInResponse(await clerk.rootAuthLoader(newArgs()))) },
  {
    frame: 'request',
    name: '@clerk/backend authenticateRequest',
    note: 'createClerkClient(…) once, then authenticateRequest(request) + toAuth()',
    run: loopAsync(async () => signedIn((await backend.authenticateRequest(newRequest())).toAuth())),
  },
];
/**
 * One React Router request through `middleware` (made once): a fresh `RouterContextProvider`, the middleware, and a
 * `next()` that runs `loader(args)` and returns a 204 `Response`. True when `loader` answered for the signed-in user
 * and the middleware returned that response.
 */
const throughMiddleware = (middleware, loader) => async () => {
  const loaderArgs = { request: newRequest(), params: {}, context: new rr.RouterContextProvider() };
  let ok = false;
  const response = await middleware(loaderArgs, async () => {
    ok = await loader(loaderArgs);
    return new Response(null, { status: 204 });
  });
  return ok && response.status === 204;
};
const clerkStateFor = (data) => data?.clerkState?.__internal_clerk_state?.__clerk_ssr_state?.userId === userId;
/**
 * The rows of one React Router `/server` module `pkg`: middleware + `getAuth`, middleware + `rootAuthLoader`; with
 * `tokenCache`, each with a new token (`{ tokenCacheSize: 0 }`) and a token seen before (Clerk's has no token cache).
 */
const reactRouterContenders = (pkg, who, label, { tokenCache }) => {
  const variants = tokenCache
    ? [
        { suffix: ', fresh token', options: fresh, how: '; { tokenCacheSize: 0 }: signature checked every request' },
        { suffix: ', cached token', options: undefined, how: '; the verified-token cache answers' },
      ]
    : [{ suffix: '', options: undefined, how: '' }];
  const middlewares = variants.map((v) => ({ ...v, middleware: pkg.clerkMiddleware(v.options), made: `clerkMiddleware(${v.options ? '{ tokenCacheSize: 0 }' : ''})` }));
  return [
    ...middlewares.map(({ suffix, how, middleware, made }) => ({
      frame: 'rr',
      name: `${who} RR middleware+getAuth${suffix}`,
      note: `${made} of ${label}, next() runs getAuth(args)${how}`,
      run: loopAsync(throughMiddleware(middleware, async (a) => signedIn(await pkg.getAuth(a)))),
    })),
    ...middlewares.map(({ suffix, how, middleware, made }) => ({
      frame: 'rr',
      name: `${who} RR middleware+rootAuthLoader${suffix}`,
      note: `${made} of ${label}, next() runs rootAuthLoader(args) (no callback)${how}`,
      run: loopAsync(throughMiddleware(middleware, async (a) => clerkStateFor(await pkg.rootAuthLoader(a)))),
    })),
  ];
};
const oursRR = rr ? reactRouterContenders(rr.ours, 'ours', 'dist/react-router/server.mjs', { tokenCache: true }) : [];
const clerkRR = rr ? reactRouterContenders(rr.clerk, '@clerk/react-router', '@clerk/react-router@3.6.24/server', { tokenCache: false }) : [];
if (rr) {
  const nothing = async (_args, next) => next();
  contenders.push(
    {
      name: 'React Router plumbing (no auth)',
      note: 'new Request, RouterContextProvider, a middleware that only calls next(), a loader that returns true, the 204 Response',
      run: loopAsync(throughMiddleware(nothing, async () => true)),
    },
    ...oursRR,
    ...clerkRR,
  );
}
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

console.log(`clerk-remix-native ssr bench: one signed-in data request as a browser sends it (${[...request.headers].length} headers, ${request.headers.get('cookie').length}-byte Cookie), ${token.length}-byte RS256-2048 token`);
console.log(describeMachine());
console.log(describeRounds(opts));
const { perOp } = await runInterleaved(contenders, opts);
await issuer.close();

const index = (name) => contenders.findIndex((c) => c.name === name);
const frameRow = { request: index('request frame (no auth)'), rr: index('React Router plumbing (no auth)') };
// Net µs/op per round: the row minus its frame row in the same round (rows without a frame: as measured).
const netPerOp = perOp.map((us, i) => {
  const frame = contenders[i].frame ? frameRow[contenders[i].frame] : -1;
  return frame < 0 ? us : us.map((x, r) => x - perOp[frame][r]);
});
const rows = summarize(perOp);
const netRows = summarize(netPerOp);
console.log('');
printTable(
  ['contender', 'median µs/op', 'p10 µs', 'p90 µs', 'x crypto.verify (p10-p90)', 'net µs/op', 'net x crypto.verify (p10-p90)'],
  rows.map((r, i) => {
    const net = contenders[i].frame ? [fmt(netRows[i].median), fmtRatio(netRows[i].floor)] : ['', ''];
    return [contenders[i].name, fmt(r.median), fmt(r.p10), fmt(r.p90), fmtRatio(r.floor), ...net];
  }),
);
console.log('');
console.log('  net: minus the frame row of the same round (request frame, or React Router plumbing for the RR rows)');
for (const c of contenders) console.log(`  ${c.name}: ${c.note}`);
console.log('');

// Issue 17's targets, on a request as a browser sends it (bench/signedInRequest.mjs), net of the request frame.
/** How many times faster ours is than Clerk's, net of the frame (median over rounds of Clerk ÷ ours). */
const speedup = (oursName, clerkName) => 1 / ratioOf(netPerOp, index(oursName), index(clerkName)).ratio;
const netFloor = (name) => netRows[index(name)].floor.ratio;
const checks = [
  ['getAuth, fresh token (net)', netFloor('ours getAuth, fresh token'), (x) => x <= 1.15, (x) => `${fmt(x, 3)}x crypto.verify (target <= 1.15x)`],
  ['getAuth, cached token (net)', netFloor('ours getAuth, cached token'), (x) => x <= 0.25, (x) => `${fmt(x, 3)}x crypto.verify (target <= 0.25x)`],
  ['rootAuthLoader vs @clerk/remix (fresh, net)', speedup('ours rootAuthLoader, fresh', '@clerk/remix rootAuthLoader'), (x) => x >= 40, (x) => `${fmt(x, 1)}x faster (target >= 40x)`],
  ['rootAuthLoader vs @clerk/remix (cached, net)', speedup('ours rootAuthLoader, cached', '@clerk/remix rootAuthLoader'), (x) => x >= 40, (x) => `${fmt(x, 1)}x faster (target >= 40x)`],
  ['getAuth vs @clerk/remix (fresh, net)', speedup('ours getAuth, fresh token', '@clerk/remix getAuth'), () => true, (x) => `${fmt(x, 1)}x faster`],
  ['getAuth vs @clerk/remix (cached, net)', speedup('ours getAuth, cached token', '@clerk/remix getAuth'), () => true, (x) => `${fmt(x, 1)}x faster`],
  ['@clerk/remix getAuth (net)', netFloor('@clerk/remix getAuth'), () => true, (x) => `${fmt(x, 1)}x crypto.verify`],
  ['@clerk/remix rootAuthLoader (net)', netFloor('@clerk/remix rootAuthLoader'), () => true, (x) => `${fmt(x, 1)}x crypto.verify`],
];
for (const [what, value, ok, text] of checks) console.log(`${ok(value) ? 'PASS' : 'MISS'}: ${what} = ${text(value)}`);

if (rr) {
  // Ours ÷ Clerk's per React Router row, median over rounds of the per-round ratio: below 1 is ours faster.
  // Gross: both rows as timed (each with its plumbing); net: both minus the plumbing row of the same round.
  console.log('');
  console.log("React Router entry: ours ÷ @clerk/react-router@3.6.24, median over rounds of the per-round ratio (p10-p90)");
  console.log('');
  const clerkOf = (name) => name.replace(/^ours /, '@clerk/react-router ').replace(/, (fresh|cached) token$/, '');
  printTable(
    ['contender', 'ours µs/op', "Clerk's µs/op", "ours ÷ Clerk's (p10-p90)", 'ours net µs', "Clerk's net µs", "net ours ÷ Clerk's (p10-p90)", 'net x faster'],
    oursRR.map((c) => {
      const o = index(c.name);
      const k = index(clerkOf(c.name));
      const net = ratioOf(netPerOp, o, k);
      return [
        c.name.replace(/^ours RR /, ''),
        fmt(rows[o].median),
        fmt(rows[k].median),
        fmtRatio(ratioOf(perOp, o, k)),
        fmt(netRows[o].median),
        fmt(netRows[k].median),
        fmtRatio(net),
        fmt(1 / net.ratio, 1),
      ];
    }),
  );
}

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
