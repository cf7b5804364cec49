// What bench/http.mjs (the Remix example) and bench/http-react-router.mjs (the React Router example) share: running
// commands and npm while they build the two apps, listing files, and reading a server's CPU time.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

import { npmCommand, root } from '../scripts/example.mjs';

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
