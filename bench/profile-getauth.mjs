// `getAuth` in process, with the request built the way a server builds it, for comparison with the served app's
// profile (`node bench/http.mjs --profile DIR`): what does the served path pay that an in-process call does not?
//
// Each call: a new `Request` and new loader args `{ request, params: {}, context: {} }`, then `await getAuth(args)`
// (this package's dist/ssr.server.js, default options: the verified-token cache answers after the first call).
// Two request classes:
//   undici   Node's own Request/Headers (what bench/ssr.mjs times, and what a Remix app with single fetch, or React
//            Router 7, hands its loaders)
//   remix    @remix-run/web-fetch's Request/Headers, which remix-serve installs as the globals when the app does not
//            use single fetch (examples/remix-app, so bench/http.mjs; they are the globals here too while a remix
//            variant runs, as getAuth checks `instanceof Request`): built as @remix-run/express's
//            createRemixRequest builds it (a Headers filled by append, an AbortSignal), then copied as Remix's
//            data-request path does (`?_data` stripped: `new Request(url, { headers: request.headers, signal })`)
// and two header sets:
//   bench    what autocannon sends in bench/http.mjs (host, connection, cookie, accept, sec-fetch-dest, user-agent)
//   browser  a browser's navigation data request: 13 headers, cookies ≈ 1.4 KB (the session token, __client_uat and
//            a few unrelated cookies)
// Every variant also has a "frame" twin that builds the same request and args without calling getAuth, so the
// difference is what getAuth adds. Variants run in interleaved rounds; each reports wall and process-CPU µs per call
// (median over rounds).
//
// Besides the window totals, each getAuth call is timed alone (hrtime around `await getAuth(args)`, frame excluded):
// the median per call is robust to the preemptions a shared machine adds.
//
// `--thrash KB`: between two calls, read and write a KB-sized buffer (one byte per 64-byte line) and run a little
// unrelated JS (JSON, a regex, a Map), as a server's other work between two getAuth calls evicts the CPU caches:
// in a tight loop the addon's code and data and the JS code stay hot, in a server they do not.
//
// `--baseline DIR`: a second build of this package (a package directory with its dist/ and *.node, e.g. an unpacked
// `npm pack` tarball of an older commit, placed where its dependencies resolve, such as under node_modules/.cache/)
// runs every variant too, in the same interleaved rounds: before/after on the same machine load.
//
//   node bench/profile-getauth.mjs [--rounds N] [--calls N] [--fetch undici|remix|both] [--headers bench|browser|both]
//                                  [--thrash KB] [--baseline DIR] [--profile DIR [--profile-interval US]]
//
// `--profile DIR`: each getAuth window (not the frame twins) is profiled with V8's CPU profiler (the sampler of
// `node --cpu-prof`) and written as DIR/inproc-<fetch>-<headers>-r<round>.cpuprofile with a sidecar .json, for
// bench/profile-summary.mjs (e.g. `--under '^getAuth '`).

import { mkdirSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { createRequire } from 'node:module';
import path from 'node:path';

import { describeMachine, fmt, median, printTable } from './harness.mjs';

const require = createRequire(import.meta.url);
const usage =
  'node bench/profile-getauth.mjs [--rounds N] [--calls N] [--fetch undici|remix|both] [--headers bench|browser|both] [--thrash KB] [--baseline DIR] [--profile DIR [--profile-interval US]]';

const opts = { rounds: 5, calls: 20000, fetch: 'both', headers: 'both', profile: null, profileInterval: 100, thrash: 0, baseline: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => {
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value\n${usage}`);
    return v;
  };
  if (a === '--rounds' || a === '--calls' || a === '--profile-interval' || a === '--thrash') {
    const v = Number(value());
    if (!Number.isInteger(v) || v < (a === '--thrash' ? 0 : 1)) throw new Error(`${a} needs an integer >= ${a === '--thrash' ? 0 : 1}\n${usage}`);
    opts[a === '--profile-interval' ? 'profileInterval' : a.slice(2)] = v;
  } else if (a === '--fetch' || a === '--headers') opts[a.slice(2)] = value();
  else if (a === '--profile') opts.profile = path.resolve(value());
  else if (a === '--baseline') opts.baseline = path.resolve(value());
  else if (a === '--help' || a === '-h') {
    console.log(usage);
    process.exit(0);
  } else throw new Error(`unknown argument ${a}\n${usage}`);
}
const pick = (v, all) => (v === 'both' ? all : all.includes(v) ? [v] : (() => { throw new Error(`${v}: one of ${all.join(', ')}, both\n${usage}`); })());
const fetches = pick(opts.fetch, ['undici', 'remix']);
const headerSets = pick(opts.headers, ['bench', 'browser']);

// The @remix-run/web-fetch classes, as remix-serve's installGlobals({ nativeFetch: false }) installs them (the same
// version as the served app's: both come from @remix-run/node 2.17).
// (@remix-run/web-fetch comes with the dev dependency @remix-run/node.)
const webFetch = (() => {
  try {
    return require('@remix-run/web-fetch');
  } catch {
    return null;
  }
})();
const classes = {
  undici: { Request: globalThis.Request, Headers: globalThis.Headers },
  remix: webFetch ? { Request: webFetch.Request, Headers: webFetch.Headers } : null,
};
if (fetches.includes('remix') && !classes.remix) throw new Error('@remix-run/web-fetch is not installed (npm install): use --fetch undici');

const { createLocalIssuer } = require('../dist/testing.js');
const issuer = await createLocalIssuer();
// As the served app gets it: the issuer's environment in the process environment.
Object.assign(process.env, issuer.env());
const packages = [{ who: 'now', ssr: require('../dist/ssr.server.js') }];
if (opts.baseline) packages.push({ who: 'baseline', ssr: createRequire(`${opts.baseline}${path.sep}`)('./dist/ssr.server.js') });

const nowS = Math.floor(Date.now() / 1000);
const token = issuer.sessionToken({ issuedAt: nowS - 10, expiresInSeconds: 86_400 });
const benchCookie = issuer.cookieHeader({ session: token, clientUat: nowS - 100 });
const browserCookie = issuer.cookieHeader({
  session: token,
  clientUat: nowS - 100,
  extra: {
    _ga: 'GA1.1.1234567890.1700000000',
    _ga_ABCDEF1234: 'GS1.1.1700000000.12.1.1700000600.0.0.0',
    theme: 'dark',
    consent: 'analytics%3Dtrue%2Cmarketing%3Dfalse%2Cfunctional%3Dtrue',
    _hjSessionUser_1234567: 'eyJpZCI6IjEyMzQ1Njc4LTkwYWItY2RlZi0xMjM0LTU2Nzg5MGFiY2RlZiIsImNyZWF0ZWQiOjE3MDAwMDAwMDAwMDAsImV4aXN0aW5nIjp0cnVlfQ==',
    ajs_anonymous_id: '%2212345678-90ab-cdef-1234-567890abcdef%22',
    intercom_id: 'abcdef12-3456-7890-abcd-ef1234567890',
  },
});
const host = '127.0.0.1:3000';
const url = `http://${host}/dashboard?_data=routes%2Fdashboard`;
const headerLists = {
  bench: [
    ['host', host],
    ['connection', 'keep-alive'],
    ['cookie', benchCookie],
    ['accept', '*/*'],
    ['sec-fetch-dest', 'empty'],
    ['user-agent', 'Mozilla/5.0 (bench/http.mjs)'],
  ],
  browser: [
    ['host', host],
    ['connection', 'keep-alive'],
    ['sec-ch-ua', '"Chromium";v="131", "Not_A Brand";v="24"'],
    ['sec-ch-ua-mobile', '?0'],
    ['sec-ch-ua-platform', '"Linux"'],
    ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'],
    ['accept', '*/*'],
    ['sec-fetch-site', 'same-origin'],
    ['sec-fetch-mode', 'cors'],
    ['sec-fetch-dest', 'empty'],
    ['referer', `http://${host}/`],
    ['accept-encoding', 'gzip, deflate, br, zstd'],
    ['accept-language', 'en-GB,en;q=0.9'],
    ['cookie', browserCookie],
  ],
};

/** The loader's request, built as the server builds it (see the header). */
function requestMaker(kind, list) {
  const { Request: R, Headers: H } = classes[kind];
  const dataUrl = url;
  const loaderUrl = url.replace(/[?&]_data=[^&]*/, '').replace(/\?$/, '');
  return () => {
    const headers = new H();
    for (const [name, value] of list) headers.append(name, value);
    const controller = new AbortController();
    const first = new R(dataUrl, { method: 'GET', headers, signal: controller.signal });
    // Remix's data request: `?_data` stripped, the headers and signal passed on.
    return new R(loaderUrl, { method: first.method, headers: first.headers, signal: first.signal });
  };
}

const variants = [];
for (const { who, ssr } of packages) {
  for (const f of fetches) {
    for (const h of headerSets) {
      const make = requestMaker(f, headerLists[h]);
      const cookieBytes = headerLists[h].find(([n]) => n === 'cookie')[1].length;
      variants.push({
        key: `${opts.baseline ? `${who}-` : ''}${f}-${h}`,
        classes: classes[f],
        note: `${f} Request, ${headerLists[h].length} headers, ${cookieBytes} B cookie`,
        ssr,
        make,
        rounds: [],
        frameRounds: [],
      });
    }
  }
}

/** Makes `v`'s Request/Headers the globals, as the server that builds them does (remix-serve's installGlobals). */
function useGlobals(v) {
  globalThis.Request = v.classes.Request;
  globalThis.Headers = v.classes.Headers;
}

// Sanity: every variant authenticates.
for (const v of variants) {
  useGlobals(v);
  const auth = await v.ssr.getAuth({ request: v.make(), params: {}, context: {} });
  if (auth.userId !== issuer.userId) throw new Error(`${v.key}: not signed in`);
}

const session = new inspector.Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, r) => (err ? reject(err) : resolve(r))));
if (opts.profile) mkdirSync(opts.profile, { recursive: true });

// --thrash: other work between calls (see the header).
const thrashBuffer = new Uint8Array(opts.thrash * 1024);
const thrashDoc = JSON.stringify({ items: Array.from({ length: 40 }, (_, i) => ({ id: `item_${i}`, n: i, tags: ['a', 'b', String(i)] })) });
let thrashSink = 0;
function thrash() {
  for (let i = 0; i < thrashBuffer.length; i += 64) thrashBuffer[i] = (thrashBuffer[i] + i) & 0xff;
  const doc = JSON.parse(thrashDoc);
  const m = new Map(doc.items.map((x) => [x.id, x]));
  thrashSink += m.size + (/item_(\d+)/.exec(JSON.stringify(doc.items[7]))?.[1]?.length ?? 0);
}

async function window(v, withAuth, n) {
  useGlobals(v);
  let ok = 0;
  const perCall = withAuth ? new Float64Array(n) : null;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (withAuth) {
    for (let i = 0; i < n; i++) {
      if (opts.thrash) thrash();
      const args = { request: v.make(), params: {}, context: {} };
      const c0 = process.hrtime.bigint();
      const auth = await v.ssr.getAuth(args);
      perCall[i] = Number(process.hrtime.bigint() - c0) / 1000;
      if (auth.userId === issuer.userId) ok++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      if (opts.thrash) thrash();
      const args = await Promise.resolve({ request: v.make(), params: {}, context: {} });
      if (args.request.url) ok++;
    }
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1000 / n;
  const cpu = process.cpuUsage(cpu0);
  if (ok !== n) throw new Error(`${v.key}: ${n - ok} calls failed`);
  return {
    wall,
    cpu: (cpu.user + cpu.system) / n,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds: (wall * n) / 1e6,
    callMedian: perCall ? median([...perCall]) : NaN,
  };
}

console.log(`getAuth in process, request built as a server builds it; ${describeMachine()}`);
console.log(
  `${opts.rounds} rounds x ${opts.calls} calls per variant${opts.thrash ? `, ${opts.thrash} KB thrashed between calls` : ''}${opts.profile ? `, profiled (every ${opts.profileInterval} µs) into ${opts.profile}` : ''}`,
);
// Warm-up (JIT, the token cache).
for (const v of variants) {
  await window(v, true, 2000);
  await window(v, false, 2000);
}
for (let round = 0; round < opts.rounds; round++) {
  const order = round % 2 === 0 ? variants : [...variants].reverse();
  for (const v of order) {
    v.frameRounds.push(await window(v, false, opts.calls));
    if (opts.profile) {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: opts.profileInterval });
      await post('Profiler.start');
    }
    const r = await window(v, true, opts.calls);
    v.rounds.push(r);
    if (opts.profile) {
      const { profile } = await post('Profiler.stop');
      await post('Profiler.disable');
      const name = `inproc-${v.key}-r${round + 1}`;
      writeFileSync(`${opts.profile}/${name}.cpuprofile`, JSON.stringify(profile));
      writeFileSync(`${opts.profile}/${name}.json`, `${JSON.stringify({ label: `inproc-${v.key}`, requests: opts.calls, cpuSeconds: r.cpuSeconds, wallSeconds: r.wallSeconds }, null, 2)}\n`);
    }
  }
}
useGlobals({ classes: classes.undici });
await issuer.close();

const rows = variants.map((v) => {
  const w = median(v.rounds.map((r) => r.wall));
  const c = median(v.rounds.map((r) => r.cpu));
  const fw = median(v.frameRounds.map((r) => r.wall));
  const fc = median(v.frameRounds.map((r) => r.cpu));
  const net = median(v.rounds.map((r, i) => r.wall - v.frameRounds[i].wall));
  const call = median(v.rounds.map((r) => r.callMedian));
  return [v.key, v.note, fmt(w, 1), fmt(c, 1), fmt(fw, 1), fmt(fc, 1), fmt(net, 1), fmt(call, 1)];
});
console.log('');
printTable(
  ['variant', 'request', 'getAuth+frame µs wall', 'µs CPU', 'frame only µs wall', 'µs CPU', 'getAuth net µs (per-round wall diff.)', 'getAuth call µs (median per call)'],
  rows,
  2,
);
if (thrashSink < 0) console.log(thrashSink);
if (opts.baseline) {
  // now ÷ baseline per variant: the median per call, per round, then the median over rounds.
  console.log('');
  for (const v of variants.filter((x) => x.key.startsWith('now-'))) {
    const b = variants.find((x) => x.key === v.key.replace(/^now-/, 'baseline-'));
    const ratios = v.rounds.map((r, i) => r.callMedian / b.rounds[i].callMedian);
    console.log(`${v.key.slice(4)}: getAuth per call, now ÷ baseline: median ${fmt(median(ratios), 3)} (rounds ${ratios.map((x) => fmt(x, 2)).join(', ')}); ${fmt(median(v.rounds.map((r) => r.callMedian)), 1)} vs ${fmt(median(b.rounds.map((r) => r.callMedian)), 1)} µs`);
  }
}
if (opts.profile) console.log(`\nnode bench/profile-summary.mjs ${path.relative(process.cwd(), opts.profile)} --under '^getAuth '`);
