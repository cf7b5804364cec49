// The runner of the differential tests: runs the REAL `@clerk/remix@4.13.49` server helpers (`rootAuthLoader`
// without and with a callback, `getAuth`) — or, with `impl: loadOurs()`, ours from `dist/ssr.server.js` — on one
// scenario (see scenarios.mjs), against a local issuer, with the scenario's env and a frozen clock, and returns a
// normalized, JSON-serializable result; both implementations go through exactly the same steps.
//
// Global state touched for the duration of ONE call (and restored afterwards): every `CLERK_*` variable of
// `process.env`, `Date.now`, `console.{log,info,warn,error,debug,trace}` and the issuer's `now`. Calls are
// serialized, so concurrent `runClerk` calls never see each other's env or clock.
import { createRequire } from 'node:module';
import { format } from 'node:util';

import { setEnv } from './env.mjs';

const require = createRequire(import.meta.url);

/** `createLocalIssuer` & co. from the compiled testing entry (`npx tsc -p ts` first). */
export const testing = require('../../dist/testing.js');

let clerk;
/** The real `@clerk/remix/ssr.server` (CommonJS), loaded once with its load-time console noise captured. */
function loadClerk() {
  if (!clerk) {
    const { logs } = withCapturedConsoleSync(() => {
      clerk = require('@clerk/remix/ssr.server');
    });
    clerk.loadLogs = logs;
  }
  return clerk;
}

/** Our `clerk-remix-native/ssr.server` (`dist/ssr.server.js`, built by `npx tsc -p ts`). */
export function loadOurs() {
  return require('../../dist/ssr.server.js');
}

/** The three ways the oracle calls Clerk. */
export const MODES = Object.freeze(['rootAuthLoader', 'rootAuthLoaderCallback', 'getAuth']);

const issuers = new Map();
/** A shared local issuer per instance type (`'production'` / `'development'`), started on first use. */
export async function getIssuer(instance = 'production') {
  if (!issuers.has(instance)) issuers.set(instance, testing.createLocalIssuer({ instance }));
  return issuers.get(instance);
}
/** Closes the shared issuers started by `getIssuer`. */
export async function closeIssuers() {
  const all = await Promise.all(issuers.values());
  issuers.clear();
  await Promise.all(all.map((i) => i.close()));
}

// ---------------------------------------------------------------------------------------------------------------
// Capturing and restoring global state

const CONSOLE_LEVELS = ['log', 'info', 'warn', 'error', 'debug', 'trace'];

/** One console argument as stable text: errors as `Name: message` (no stack), the rest as util.format does. */
const stableArg = (arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : arg);

function captureConsole() {
  const logs = [];
  const saved = {};
  for (const level of CONSOLE_LEVELS) {
    saved[level] = console[level];
    console[level] = (...args) => {
      logs.push({ level, text: format(...args.map(stableArg)) });
    };
  }
  const restore = () => {
    for (const level of CONSOLE_LEVELS) console[level] = saved[level];
  };
  return { logs, restore };
}

function withCapturedConsoleSync(fn) {
  const { logs, restore } = captureConsole();
  try {
    fn();
  } finally {
    restore();
  }
  return { logs };
}

/**
 * Runs `fn` (sync or async) with `console.{log,info,warn,error,debug,trace}` captured and restored afterwards.
 * Resolves `{ value, logs }`, `logs` being `{ level, text }` entries (errors as `Name: message`); `fn`'s rejection
 * is passed through (after restoring).
 */
export async function withCapturedConsole(fn) {
  const { logs, restore } = captureConsole();
  try {
    return { value: await fn(), logs };
  } finally {
    restore();
  }
}

let queue = Promise.resolve();
/** Runs `fn` after every earlier serialized call has settled. */
function serialized(fn) {
  const run = queue.then(fn, fn);
  queue = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

// ---------------------------------------------------------------------------------------------------------------
// Normalization

/** `[name, value]` pairs, lower-case names, sorted by name (stable: Set-Cookies keep their order), one per Set-Cookie. */
export function normalizeHeaders(headers) {
  const pairs = [];
  for (const [name, value] of headers) if (name.toLowerCase() !== 'set-cookie') pairs.push([name.toLowerCase(), value]);
  for (const value of headers.getSetCookie()) pairs.push(['set-cookie', value]);
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

async function normalizeBody(response) {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function normalizeResponse(kind, response) {
  return { kind, status: response.status, headers: normalizeHeaders(response.headers), body: await normalizeBody(response) };
}

/** `typeof`, with `'null'` and `'array'` told apart. */
export const typeTag = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** The auth object as JSON plus what JSON loses: key order, value types, and what `getToken()` resolves to. */
export async function normalizeAuth(auth) {
  if (auth === null || typeof auth !== 'object') return { auth, authKeys: null, authTypes: null, token: null };
  const authKeys = Object.keys(auth);
  return {
    auth: JSON.parse(JSON.stringify(auth)),
    authKeys,
    authTypes: Object.fromEntries(authKeys.map((k) => [k, typeTag(auth[k])])),
    token: typeof auth.getToken === 'function' ? await auth.getToken() : undefined,
  };
}

export function normalizeError(err) {
  return { name: err?.name ?? typeof err, message: err?.message ?? String(err), code: err?.code };
}

// ---------------------------------------------------------------------------------------------------------------
// Running

/**
 * The loader callback the oracle passes to `rootAuthLoader`: it records what it saw (the args keys, the auth the
 * loader attached to `request`, the loaded resources) and returns a plain object.
 */
function makeCallback(seen) {
  return (args) => {
    const { request } = args;
    seen.argKeys = Object.keys(args);
    seen.requestAuthUserId = request.auth ? request.auth.userId ?? null : undefined;
    seen.requestAuthKeys = request.auth ? Object.keys(request.auth) : null;
    const resource = (r) =>
      r === undefined ? undefined : r === null ? null : { id: r.id, privateMetadata: 'privateMetadata' in r ? r.privateMetadata : 'absent' };
    seen.user = resource(request.user);
    seen.session = resource(request.session);
    seen.organization = resource(request.organization);
    return { fromCallback: true };
  };
}

/**
 * Runs one mode of one scenario against the real Clerk (or `impl`, any module with `rootAuthLoader` and `getAuth`:
 * `loadOurs()`). Returns:
 * `{ mode, kind, status?, headers?, body?, error?, auth?, authKeys?, authTypes?, token?, callback?, logs, bapi }`
 * where `kind` is `'response'` (returned Response), `'auth'` (getAuth's return value), `'thrown-response'` or
 * `'thrown-error'`; `logs` is the captured console output, `bapi` the `METHOD /path` list of Backend API
 * requests the issuer received during the call and `bapiUserAgents` the same list with each request's User-Agent.
 */
function runClerkMode(scenario, mode, { issuer, impl } = {}) {
  return withScenario(scenario, { issuer, impl }, async ({ rootAuthLoader, getAuth }, args, built) => {
    const result = { mode };
    try {
      if (mode === 'rootAuthLoader') {
        Object.assign(result, await normalizeResponse('response', await rootAuthLoader(args, built.options)));
      } else if (mode === 'rootAuthLoaderCallback') {
        const seen = {};
        const response = await rootAuthLoader(args, makeCallback(seen), built.options);
        Object.assign(result, await normalizeResponse('response', response), { callback: seen });
      } else if (mode === 'getAuth') {
        Object.assign(result, { kind: 'auth' }, await normalizeAuth(await getAuth(args, built.options)));
      } else {
        throw new Error(`unknown mode ${mode}`);
      }
    } catch (thrown) {
      if (thrown instanceof Response) Object.assign(result, await normalizeResponse('thrown-response', thrown));
      else Object.assign(result, { kind: 'thrown-error', error: normalizeError(thrown) });
    }
    return result;
  }).then(({ value: result, logs, bapi, bapiUserAgents }) =>
    // Plain JSON from here on (members that are `undefined` disappear), so results can be stored and diffed.
    JSON.parse(JSON.stringify({ ...result, logs, bapi, bapiUserAgents })),
  );
}

/**
 * Runs `fn(impl, args, built, issuer)` inside a scenario's world: the scenario's request built for the issuer,
 * its env (and nothing else of `CLERK_*`), its frozen clock, the console captured; all restored afterwards and
 * calls serialized. `impl` is the real Clerk unless `options.impl` is given (`loadOurs()`). Resolves
 * `{ value, logs, bapi, bapiUserAgents }`; `fn`'s rejection is passed through (after restoring).
 */
export function withScenario(scenario, { issuer, impl } = {}, fn) {
  return serialized(async () => {
    const api = impl ?? loadClerk();
    const iss = issuer ?? (await getIssuer(scenario.instance ?? 'production'));
    const previousIssuerNow = iss.now;
    const now = scenario.now;
    iss.now = () => now;
    const built = await scenario.build(iss);
    // Every CLERK_* variable replaced by the scenario's (a null/undefined value leaves that variable unset).
    const restoreEnv = setEnv({ ...iss.env({ jwtKey: Boolean(built.jwtKey) }), ...built.env }, { only: 'CLERK_' });
    const realDateNow = Date.now;
    Date.now = () => now;
    const { logs, restore: restoreConsole } = captureConsole();
    const requestsBefore = iss.requests.length;
    const args = { request: built.request, params: built.params ?? {}, context: built.context ?? {} };
    let value;
    try {
      value = await fn(api, args, built, iss);
    } finally {
      restoreConsole();
      Date.now = realDateNow;
      restoreEnv();
      iss.now = previousIssuerNow;
    }
    const made = iss.requests.slice(requestsBefore);
    return {
      value,
      logs,
      bapi: made.map((r) => `${r.method} ${r.path}`),
      bapiUserAgents: made.map((r) => `${r.method} ${r.path} ${r.headers['user-agent']}`),
    };
  });
}

/**
 * Runs a scenario in every mode (or `options.modes`). Returns `{ name, instance, now, results: { [mode]: result } }`.
 * `options.issuer` replaces the shared issuer of the scenario's instance type; `options.impl` replaces Clerk.
 */
export async function runClerk(scenario, { issuer, modes = MODES, impl } = {}) {
  const results = {};
  for (const mode of modes) results[mode] = await runClerkMode(scenario, mode, { issuer, impl });
  return { name: scenario.name, instance: scenario.instance ?? 'production', now: scenario.now, results };
}

/** Header value(s) of a normalized result: the first value, or with `all` every value. */
export function header(result, name, all = false) {
  const values = (result.headers ?? []).filter(([n]) => n === name).map(([, v]) => v);
  return all ? values : values[0];
}

/** `__internal_clerk_state` of a normalized loader response body, if any. */
export const internalState = (result) => result.body?.clerkState?.__internal_clerk_state;
