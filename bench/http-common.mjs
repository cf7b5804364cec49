// What bench/http.mjs (the Remix example) and bench/http-react-router.mjs (the React Router example) share: running
// commands and npm while they build the two apps, listing files, and reading a server's CPU time.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

import { npmCommand, root } from '../scripts/example.mjs';
import { fmt, median } from './harness.mjs';

const require = createRequire(import.meta.url);

/** A progress line, dimmed. */
export const log = (line) => console.log(`\x1b[2m${line}\x1b[0m`);

/** Runs `command` in `cwd` (logged unless `quiet`) and returns its stdout; throws with its output when it fails. */
export function run(command, args, cwd, { shell = false, shown = `${command} ${args.join(' ')}`, env, quiet = false } = {}) {
  if (!quiet) log(`$ ${shown}   (in ${cwd.startsWith(root) ? cwd.slice(root.length) || '.' : cwd})`);
  const result = spawnSync(command, args, { cwd, shell, env, stdio: 'pipe', encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) {
    throw new Error(`${shown} failed (exit ${result.status ?? result.signal ?? result.error?.code})\n${result.error?.message ?? ''}${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
  return result.stdout;
}

/** `npm <args>` in `cwd`, spawned as scripts/example.mjs's npmCommand says (npm.cmd needs care on Windows). */
export function runNpm(args, cwd) {
  const { command, args: argv, shell } = npmCommand(args);
  return run(command, argv, cwd, { shell, shown: `npm ${args.join(' ')}` });
}

/** Every file under `dir` (which ends with a separator), recursively. */
export function listFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => `${dir}${f}`)
    .filter((f) => statSync(f).isFile());
}

/** utime + stime of a process in seconds (Linux /proc), or NaN elsewhere. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Whether `text` imports `pkg` (`'pkg'`, `"pkg/…"`): `clerk-remix-native-baseline` is not `clerk-remix-native`. */
export const importsPkg = (text, pkg) => new RegExp(`['"]${pkg.replace(/[/.]/g, '\\$&')}['"/]`).test(text);

/**
 * One timed load of a server (`load`: its autocannon run) and what the benches record of it: req/s, latency, the
 * server's CPU per request served (its utime + stime over the run) and the failed requests (errors, timeouts,
 * non-2xx answers, body mismatches).
 */
export async function measured(server, load) {
  const cpu0 = cpuSeconds(server.pid);
  const res = await load();
  const cpu1 = cpuSeconds(server.pid);
  const bad = res.errors + res.timeouts + res.non2xx + res.mismatches;
  const row = {
    rps: res.requests.average,
    total: res.requests.total,
    p50: res.latency.p50,
    p99: res.latency.p99,
    cpuUsPerReq: ((cpu1 - cpu0) * 1e6) / res.requests.total,
    bad,
    load1: os.loadavg()[0],
  };
  return { res, bad, row };
}

/**
 * A local issuer (`createLocalIssuer` of dist/testing.js) and a signed-in browser's Cookie header for it: a session
 * token valid for a day (a run never crosses `exp`), issued after `__client_uat`. With `freshTokens` N > 0, also N
 * Cookie headers with distinct tokens (only `iat`, and with it `nbf` and `exp`, differs, so the bodies stay the same).
 * `nowS` and `clientUat` are the clock and the `__client_uat` they were made with.
 */
export async function signedInBrowser(freshTokens) {
  const { createLocalIssuer } = require('../dist/testing.js');
  const issuer = await createLocalIssuer();
  const nowS = Math.floor(Date.now() / 1000);
  const token = issuer.sessionToken({ issuedAt: nowS - 10, expiresInSeconds: 86_400 });
  const clientUat = nowS - 100 - freshTokens;
  const cookie = issuer.cookieHeader({ session: token, clientUat });
  const t0 = performance.now();
  const freshCookies = Array.from({ length: freshTokens }, (_, k) =>
    issuer.cookieHeader({ session: issuer.sessionToken({ issuedAt: nowS - 10 - k, expiresInSeconds: 86_400 }), clientUat }),
  );
  if (freshTokens) log(`minted ${freshTokens} distinct tokens in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { issuer, nowS, token, clientUat, cookie, freshCookies };
}

/** One cell per route and server, each collecting its rounds' rows, and the cell of a server and route. */
export function grid(routes, servers) {
  const cells = [];
  for (const route of routes) for (const server of servers) cells.push({ server, route, rounds: [] });
  return { cells, cellOf: (server, route) => cells.find((c) => c.server === server && c.route === route) };
}

/**
 * The timed runs of `rounds` rounds, in order: every route on every server per round, alternating which server goes
 * first (A B, then B A, …) and reversing the route order every other round (a pair's routes stay adjacent and each
 * goes first in every other round).
 */
export function* alternatingRuns(rounds, servers, routes) {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    const routeOrder = round % 2 === 0 ? routes : [...routes].reverse();
    for (const route of routeOrder) for (const server of order) yield { round, server, route };
  }
}

/** What failed in a run, for its progress line ('' when nothing did). */
export const failedSuffix = (res, bad) =>
  bad ? `  FAILED: ${res.errors} errors, ${res.timeouts} timeouts, ${res.non2xx} non-2xx, ${res.mismatches} body mismatches` : '';

/** The arithmetic mean. */
export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * A cell's columns of the route table: app, route, req/s mean, median and min-max, then the medians over rounds of
 * p50 ms, p99 ms and server CPU µs per request.
 */
export function cellColumns(c) {
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
  ];
}

/** The requests a cell served over all its rounds. */
export const requestsOf = (c) => String(c.rounds.reduce((a, x) => a + x.total, 0));

/**
 * The bench workspace `work` (ending with a separator): its package.json (`pkg`), `lockfile` copied in when it has
 * none yet (installs stay as the example's), and this package packed as `.pack/clerk-remix-native.tgz` (anything else
 * in `.pack/` removed).
 */
export function prepareWorkspace(work, pkg, lockfile) {
  mkdirSync(`${work}.pack/`, { recursive: true });
  writeFileSync(`${work}package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
  if (!existsSync(`${work}package-lock.json`)) cpSync(lockfile, `${work}package-lock.json`);
  for (const f of readdirSync(`${work}.pack/`)) rmSync(`${work}.pack/${f}`, { recursive: true });
  runNpm(['pack', '--ignore-scripts', '--silent', '--pack-destination', `${work}.pack/`], root);
  const tarball = readdirSync(`${work}.pack/`).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack produced no tarball');
  renameSync(`${work}.pack/${tarball}`, `${work}.pack/clerk-remix-native.tgz`);
}

/** The warm-up: `seconds` of `load(server, route, seconds)` on every cell, untimed. */
export async function warmUp(cells, seconds, load) {
  if (!seconds) return;
  log(`warm-up: ${seconds} s per app and route`);
  for (const c of cells) await load(c.server, c.route, seconds);
}
