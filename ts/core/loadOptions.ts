import {
  noSecretKeyError,
  satelliteAndMissingProxyUrlAndDomain,
  satelliteAndMissingSignInUrl,
} from './errors';
import { connectedPublishableKey } from './connectedFrontendApi';
import { buildPublishableKey } from './publishableKeyFor';

export { buildPublishableKey };

import native = require('./native');
import { requestInputOf } from './requestInput';
import { isMainThread } from 'node:worker_threads';

type RequestInput = import('../../index').RequestInput;

/**
 * Option and environment resolution of `@clerk/remix@4.13.49` (`dist/ssr/loadOptions.js`), plus the
 * early-2022 beta names `CLERK_API_KEY`, `CLERK_FRONTEND_API` and `CLERK_API_VERSION`.
 *
 * Nothing is cached: every call reads the environment, the context and the request again (the whole resolution is
 * a few property reads and two URL parses, and memoising it would have to key on `process.env`, the context, the
 * globals and any option functions to stay correct).
 */

/** A value, or a function of the request URL returning it (Clerk's `domain`, `isSatellite`, `proxyUrl` options). */
export type ValueOrFn<T> = T | ((url: URL) => T);

/** Anything with `get(name)`, as `Headers`. */
export interface HeadersGetter {
  get(name: string): string | null;
}

/** A `Request`, or the part of one that option resolution reads. */
export interface RequestLike {
  url: string;
  headers?: HeadersGetter | HeadersInit;
}

/** The Remix loader args that option resolution reads (`{ request, context }`; `params` is ignored). */
export interface LoaderArgsLike {
  request: RequestLike;
  context?: unknown;
  params?: unknown;
}

/**
 * The options of `rootAuthLoader` / `getAuth`. Every key is optional; unknown keys (`audience`,
 * `authorizedParties`, `loadUser`, …) are passed through to the result unchanged.
 */
export interface LoadOptionsOverrides {
  secretKey?: string;
  publishableKey?: string;
  jwtKey?: string;
  domain?: ValueOrFn<string>;
  isSatellite?: ValueOrFn<boolean>;
  proxyUrl?: ValueOrFn<string>;
  signInUrl?: string;
  signUpUrl?: string;
  afterSignInUrl?: string;
  afterSignUpUrl?: string;
  signInForceRedirectUrl?: string;
  signUpForceRedirectUrl?: string;
  signInFallbackRedirectUrl?: string;
  signUpFallbackRedirectUrl?: string;
  newSubscriptionRedirectUrl?: string;
  /** Backend API version. Not an option in 4.x (which always uses `v1`); defaults to `CLERK_API_VERSION`, then `v1`. */
  apiVersion?: string;
  /** 2022 beta (0.3.x): frontend API host, used only when no publishable key is configured. */
  frontendApi?: string;
  /** Ignored, as in 4.x: the API URL always comes from `CLERK_API_URL` or the publishable key. */
  apiUrl?: string;
  /** Verified tokens kept so that a repeat costs no RSA operation (claims re-checked on each use). Default 4096; 0: off. */
  tokenCacheSize?: number;
  /**
   * The app's own origin (`https://app.example.com`), pinned: the request URL's origin whatever `X-Forwarded-Host`,
   * `X-Forwarded-Proto` or `Host` say (handshake return URL, a relative `proxyUrl`, `clerkState.__proxyUrl`).
   * Default `CLERK_APP_ORIGIN`; unset: the origin comes from those headers, as in Clerk (docs/configuration.md).
   */
  appOrigin?: string;
  /**
   * Development instances: the origins (besides the app's own) a primary may send a satellite's browser back to,
   * with its dev browser token, when asked with `__clerk_redirect_url`. Default `CLERK_ALLOWED_REDIRECT_ORIGINS`
   * (comma-separated).
   */
  allowedRedirectOrigins?: string | string[];
  [key: string]: unknown;
}

/** The resolved option set: the overrides, then the resolved keys (in Clerk's order), then `apiVersion`. */
export interface LoadedOptions {
  /** Other option keys (`audience`, `authorizedParties`, `loadUser`, …), passed through from the overrides. */
  [key: string]: unknown;
  secretKey: string;
  publishableKey: string;
  /** `undefined` when neither the option nor `CLERK_JWT_KEY` is set (`''` when a `context.env` binding object exists). */
  jwtKey: string | undefined;
  apiUrl: string;
  domain: string;
  isSatellite: boolean;
  /** Absolute (a relative option or env value is resolved against {@link clerkUrlOf}); `undefined` or `''` when unset. */
  proxyUrl: string | undefined;
  signInUrl: string;
  signUpUrl: string;
  afterSignInUrl: string;
  afterSignUpUrl: string;
  signInForceRedirectUrl: string;
  signUpForceRedirectUrl: string;
  signInFallbackRedirectUrl: string;
  signUpFallbackRedirectUrl: string;
  newSubscriptionRedirectUrl: string;
  apiVersion: string;
}

type Bag = Record<string, unknown>;
const isBag = (value: unknown): value is Bag => typeof value === 'object' && value !== null;

/**
 * The value of environment variable `name`, looked up as `@clerk/remix`'s `getEnvVariable` does:
 * 1. `process.env[name]` when it is a string;
 * 2. else, when `context.cloudflare.env` exists: `context.cloudflare.env[name] || ''` (returns even when empty);
 * 3. else, when `context.env` exists: `context.env[name] || ''`;
 * 4. else `context[name]` when it is a string;
 * 5. else `globalThis[name]` (so usually `undefined`);
 * 6. `''` only if reading the global throws.
 *
 * Difference: Clerk returns a non-string binding (a Cloudflare JSON var, say) unchanged. Here a number, boolean or
 * bigint is returned as `String(value)` (which `isTruthy` reads the same way) and any other non-string as
 * `undefined`, so the result is always a string or `undefined`.
 */
export function getEnvVariable(name: string, context?: unknown): string | undefined {
  return fromProcessEnv(name) ?? envFromContext(name, context);
}

/** Step 1 of {@link getEnvVariable}: `process.env[name]` when it is a string. */
function fromProcessEnv(name: string): string | undefined {
  const value = typeof process !== 'undefined' && process.env ? process.env[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Steps 2–6 of {@link getEnvVariable}: the lookups after `process.env`. */
function envFromContext(name: string, context: unknown): string | undefined {
  return contextLookup(context)(name);
}

/** {@link envFromContext} for one context, with the shape of the context examined once rather than per name. */
function contextLookup(context: unknown): (name: string) => string | undefined {
  const ctx = isBag(context) ? context : undefined;
  const cloudflare = ctx && isBag(ctx.cloudflare) ? ctx.cloudflare : undefined;
  if (cloudflare && cloudflare.env) {
    const bindings = isBag(cloudflare.env) ? cloudflare.env : undefined;
    return (name) => asEnvString(bindings ? bindings[name] : undefined) || '';
  }
  if (ctx && ctx.env) {
    const bindings = isBag(ctx.env) ? ctx.env : undefined;
    return (name) => asEnvString(bindings ? bindings[name] : undefined) || '';
  }
  return (name) => {
    if (ctx && typeof ctx[name] === 'string') return ctx[name] as string;
    try {
      const read = GLOBAL_READERS.get(name);
      return asEnvString(read ? read(globalThis) : (globalThis as unknown as Bag)[name]);
    } catch {
      // A throwing getter on the global object.
    }
    return '';
  };
}

/**
 * `globalThis[name]` for the names this package reads, each written out: V8 answers a property read whose name is in
 * the source from an inline cache (≈ 3 ns, even for an absent property), but a read by a computed name from the global
 * object's dictionary (≈ 40 ns), and most of these names are absent on every request.
 */
const GLOBAL_READERS = new Map<string, (g: Bag) => unknown>([
  ['CLERK_SECRET_KEY', (g) => g.CLERK_SECRET_KEY],
  ['CLERK_API_KEY', (g) => g.CLERK_API_KEY],
  ['CLERK_PUBLISHABLE_KEY', (g) => g.CLERK_PUBLISHABLE_KEY],
  ['CLERK_FRONTEND_API', (g) => g.CLERK_FRONTEND_API],
  ['CLERK_JWT_KEY', (g) => g.CLERK_JWT_KEY],
  ['CLERK_API_URL', (g) => g.CLERK_API_URL],
  ['CLERK_API_VERSION', (g) => g.CLERK_API_VERSION],
  ['CLERK_DOMAIN', (g) => g.CLERK_DOMAIN],
  ['CLERK_IS_SATELLITE', (g) => g.CLERK_IS_SATELLITE],
  ['CLERK_PROXY_URL', (g) => g.CLERK_PROXY_URL],
  ['CLERK_SIGN_IN_URL', (g) => g.CLERK_SIGN_IN_URL],
  ['CLERK_SIGN_UP_URL', (g) => g.CLERK_SIGN_UP_URL],
  ['CLERK_SIGN_IN_FORCE_REDIRECT_URL', (g) => g.CLERK_SIGN_IN_FORCE_REDIRECT_URL],
  ['CLERK_SIGN_UP_FORCE_REDIRECT_URL', (g) => g.CLERK_SIGN_UP_FORCE_REDIRECT_URL],
  ['CLERK_SIGN_IN_FALLBACK_REDIRECT_URL', (g) => g.CLERK_SIGN_IN_FALLBACK_REDIRECT_URL],
  ['CLERK_SIGN_UP_FALLBACK_REDIRECT_URL', (g) => g.CLERK_SIGN_UP_FALLBACK_REDIRECT_URL],
  ['CLERK_AFTER_SIGN_IN_URL', (g) => g.CLERK_AFTER_SIGN_IN_URL],
  ['CLERK_AFTER_SIGN_UP_URL', (g) => g.CLERK_AFTER_SIGN_UP_URL],
  ['CLERK_CHECKOUT_CONTINUE_URL', (g) => g.CLERK_CHECKOUT_CONTINUE_URL],
  ['CLERK_JS', (g) => g.CLERK_JS],
  ['CLERK_JS_VERSION', (g) => g.CLERK_JS_VERSION],
  ['CLERK_TELEMETRY_DISABLED', (g) => g.CLERK_TELEMETRY_DISABLED],
  ['CLERK_TELEMETRY_DEBUG', (g) => g.CLERK_TELEMETRY_DEBUG],
  // This package's own (both entries).
  ['CLERK_APP_ORIGIN', (g) => g.CLERK_APP_ORIGIN],
  ['CLERK_ALLOWED_REDIRECT_ORIGINS', (g) => g.CLERK_ALLOWED_REDIRECT_ORIGINS],
  // Read by the React Router entry only (`@clerk/react-router` reads each public name with a `VITE_` prefix first).
  ['CLERK_MACHINE_SECRET_KEY', (g) => g.CLERK_MACHINE_SECRET_KEY],
  ['CLERK_JS_URL', (g) => g.CLERK_JS_URL],
  ['CLERK_UI_URL', (g) => g.CLERK_UI_URL],
  ['CLERK_UI_VERSION', (g) => g.CLERK_UI_VERSION],
  ['CLERK_PREFETCH_UI', (g) => g.CLERK_PREFETCH_UI],
  ['CLERK_UNSAFE_DISABLE_DEVELOPMENT_MODE_CONSOLE_WARNING', (g) => g.CLERK_UNSAFE_DISABLE_DEVELOPMENT_MODE_CONSOLE_WARNING],
  ['VITE_CLERK_PUBLISHABLE_KEY', (g) => g.VITE_CLERK_PUBLISHABLE_KEY],
  ['VITE_CLERK_DOMAIN', (g) => g.VITE_CLERK_DOMAIN],
  ['VITE_CLERK_IS_SATELLITE', (g) => g.VITE_CLERK_IS_SATELLITE],
  ['VITE_CLERK_PROXY_URL', (g) => g.VITE_CLERK_PROXY_URL],
  ['VITE_CLERK_SIGN_IN_URL', (g) => g.VITE_CLERK_SIGN_IN_URL],
  ['VITE_CLERK_SIGN_UP_URL', (g) => g.VITE_CLERK_SIGN_UP_URL],
  ['VITE_CLERK_JS_URL', (g) => g.VITE_CLERK_JS_URL],
  ['VITE_CLERK_JS_VERSION', (g) => g.VITE_CLERK_JS_VERSION],
  ['VITE_CLERK_UI_URL', (g) => g.VITE_CLERK_UI_URL],
  ['VITE_CLERK_UI_VERSION', (g) => g.VITE_CLERK_UI_VERSION],
  ['VITE_CLERK_PREFETCH_UI', (g) => g.VITE_CLERK_PREFETCH_UI],
  ['VITE_CLERK_TELEMETRY_DISABLED', (g) => g.VITE_CLERK_TELEMETRY_DISABLED],
  ['VITE_CLERK_TELEMETRY_DEBUG', (g) => g.VITE_CLERK_TELEMETRY_DEBUG],
  [
    'VITE_CLERK_UNSAFE_DISABLE_DEVELOPMENT_MODE_CONSOLE_WARNING',
    (g) => g.VITE_CLERK_UNSAFE_DISABLE_DEVELOPMENT_MODE_CONSOLE_WARNING,
  ],
  ['VITE_CLERK_SIGN_IN_FORCE_REDIRECT_URL', (g) => g.VITE_CLERK_SIGN_IN_FORCE_REDIRECT_URL],
  ['VITE_CLERK_SIGN_UP_FORCE_REDIRECT_URL', (g) => g.VITE_CLERK_SIGN_UP_FORCE_REDIRECT_URL],
  ['VITE_CLERK_SIGN_IN_FALLBACK_REDIRECT_URL', (g) => g.VITE_CLERK_SIGN_IN_FALLBACK_REDIRECT_URL],
  ['VITE_CLERK_SIGN_UP_FALLBACK_REDIRECT_URL', (g) => g.VITE_CLERK_SIGN_UP_FALLBACK_REDIRECT_URL],
  ['VITE_CLERK_AFTER_SIGN_IN_URL', (g) => g.VITE_CLERK_AFTER_SIGN_IN_URL],
  ['VITE_CLERK_AFTER_SIGN_UP_URL', (g) => g.VITE_CLERK_AFTER_SIGN_UP_URL],
  ['VITE_CLERK_CHECKOUT_CONTINUE_URL', (g) => g.VITE_CLERK_CHECKOUT_CONTINUE_URL],
]);

/** The `process.env` object Node started with: backed by the process environment (unless a worker or a replacement). */
const processEnv = typeof process !== 'undefined' ? process.env : undefined;

/**
 * A reader with exactly {@link getEnvVariable}'s answers, for one request. On the main thread, while `process.env` is
 * still Node's own (which reads and writes the process environment), the `CLERK_*` variables this package reads are
 * looked up in one native call (`src/napi_environment.rs`) instead of one `process.env` access per name (about
 * twenty per request, ≈ 0.2 µs each, nearly all unset). That call looks up only the names this process has read so
 * far (a name joins the first time a request reads it): an app that uses one entry with its variables set pays for
 * the twenty-odd names it reads, not for every name either entry could read.
 */
export function envReader(context: unknown): EnvReader {
  const fromContext = contextLookup(context);
  const snapshot = clerkEnvironment();
  if (!snapshot) {
    return (name) => fromProcessEnv(name) ?? fromContext(name);
  }
  return (name) => {
    let value = snapshot.get(name);
    if (value === undefined && !watched.has(name)) value = GLOBAL_READERS.has(name) ? watch(name, snapshot) : fromProcessEnv(name);
    return value !== undefined ? value : fromContext(name);
  };
}

/** A variable's value as {@link getEnvVariable} gives it, for one request's context. */
export type EnvReader = (name: string) => string | undefined;

/** The names the native lookup covers: those read so far (every one is a {@link GLOBAL_READERS} name). */
const watched = new Set<string>();
let lastGeneration: number | undefined;
let lastSnapshot: Map<string, string> | undefined;

/** Adds `name` to the native lookup and answers its value now (the next request's snapshot includes it). */
function watch(name: string, snapshot: Map<string, string>): string | undefined {
  watched.add(name);
  native.watchEnvironment([...watched]);
  const value = fromProcessEnv(name);
  if (value !== undefined) snapshot.set(name, value);
  return value;
}

function clerkEnvironment(): Map<string, string> | null {
  if (!isMainThread || processEnv === undefined || process.env !== processEnv) return null;
  // A number that changes with the watched variables: their values are fetched only after a change.
  const generation = native.clerkEnvironmentGeneration();
  if (generation === lastGeneration && lastSnapshot) return lastSnapshot;
  const snapshot = new Map<string, string>();
  for (const entry of native.clerkEnvironment().split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) snapshot.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  lastGeneration = generation;
  lastSnapshot = snapshot;
  return snapshot;
}

function asEnvString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/**
 * `@clerk/shared`'s `isTruthy`: booleans as is; `null`/`undefined` false; `"true"`/`"false"` in any case;
 * otherwise true when `parseInt(value, 10) > 0`.
 */
export function isTruthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') {
    if (value.toLowerCase() === 'true') return true;
    if (value.toLowerCase() === 'false') return false;
  }
  const number = parseInt(value as string, 10);
  if (isNaN(number)) return false;
  return number > 0;
}

/**
 * `@clerk/shared`'s `handleValueOrFn`: calls `value(url)` when it is a function, else returns `value` when it is
 * not `undefined`, else `defaultValue`.
 */
export function handleValueOrFn<T>(value: ValueOrFn<T> | undefined, url: URL, defaultValue?: T): T | undefined {
  if (typeof value === 'function') return (value as (url: URL) => T)(url);
  if (typeof value !== 'undefined') return value;
  return defaultValue;
}

/** {@link handleValueOrFn} with the URL built only when `value` is a function. */
export function valueOrFn<T>(value: ValueOrFn<T> | undefined, url: () => URL): T | undefined {
  return typeof value === 'function' ? (value as (url: URL) => T)(url()) : value;
}

/**
 * The Backend API URL for a publishable key (`@clerk/shared`'s `apiUrlFromPublishableKey`), as the addon decides it
 * (`crates/clerk-remix-core/src/clerk_api.rs`): legacy dev hosts (`clerk.*.lcl.dev` and friends) →
 * `https://api.clerk.com`; local hosts → `https://api.lclclerk.com`; `*.accountsstage.dev` →
 * `https://api.clerkstage.dev`; anything else, including an invalid or empty key, → `https://api.clerk.com`.
 */
export function apiUrlFromPublishableKey(publishableKey: string | undefined): string {
  // Apps use one or two keys: the addon is asked again only when the key changes.
  if (publishableKey === lastApiUrl.key && lastApiUrl.url) return lastApiUrl.url;
  const url = native.apiUrlFromPublishableKey(publishableKey || '');
  lastApiUrl = { key: publishableKey, url };
  return url;
}

let lastApiUrl: { key: string | undefined; url: string } = { key: undefined, url: '' };

/**
 * The request URL as the app's visitors see it (`@clerk/backend`'s `clerkRequest.clerkUrl`), as the addon computes
 * it for the decision (`crates/clerk-remix-core/src/clerk_request.rs` `clerk_url`): host = first comma-separated
 * value of `x-forwarded-host`, else `host`; protocol = first value of `x-forwarded-proto`, else the URL's. When that
 * origin differs from the URL's, the result is that origin with the URL's path and query; otherwise it is the URL
 * itself. An unusable URL throws a `TypeError`, as Clerk's `new URL(…)` does.
 *
 * Differences (docs/compat.md U1, U4, U5):
 * - Clerk builds the moved URL with `new URL(pathname + search, origin)`, so a path starting with `//`
 *   (`https://app.example//evil.example/x`) would move the URL to the host `evil.example`. Here the path and query
 *   are set on the origin, so the host is always the resolved one.
 * - With `appOrigin` (the app's pinned origin, already checked) the URL is moved onto it and no header is read.
 * - The headers are believed only when the host is `host[:port]` and the protocol `http`/`https`; other values are
 *   what Clerk does with a URL it cannot build: a `TypeError` for the Remix entry (`clerkBackend` 2), the request's
 *   own URL for the React Router entry (3).
 *
 * `input` is the request as already read (the headers are not read again).
 */
export function clerkUrlOf(
  request: RequestLike,
  input: RequestInput = requestInputOf(request),
  appOrigin?: string,
  clerkBackend: 2 | 3 = 2,
): URL {
  const href = native.clerkUrlOf(input.url, input.host, input.forwardedHost, input.forwardedProto, appOrigin, clerkBackend);
  if (href === null || href === undefined) throw Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' });
  return new URL(href);
}

/**
 * `appOrigin` and `allowedRedirectOrigins` of this package, from the options or `CLERK_APP_ORIGIN` /
 * `CLERK_ALLOWED_REDIRECT_ORIGINS` (comma-separated), checked by the addon: an `Error` whose `code` is
 * `app-origin-invalid` / `allowed-redirect-origins-invalid` when one does not name origins (the message does not
 * repeat the value).
 */
export function originSettings(
  overrides: LoadOptionsOverrides,
  env: EnvReader,
): { appOrigin: string | undefined; allowedRedirectOrigins: string[] | undefined } {
  const appOrigin = (typeof overrides.appOrigin === 'string' && overrides.appOrigin) || env('CLERK_APP_ORIGIN') || undefined;
  const fromEnv = env('CLERK_ALLOWED_REDIRECT_ORIGINS');
  const allowedRedirectOrigins =
    overrides.allowedRedirectOrigins !== undefined
      ? stringList(overrides.allowedRedirectOrigins)
      : fromEnv
        ? fromEnv.split(',')
        : undefined;
  if (appOrigin !== undefined || allowedRedirectOrigins !== undefined) {
    // An app has one setting: the addon is asked again only when it changes (a refused one is asked every time).
    const key = `${appOrigin ?? ''}\u0000${allowedRedirectOrigins?.join('\u0000') ?? ''}`;
    if (key !== lastAcceptedOrigins) {
      const refused = native.checkOriginSettings(appOrigin, allowedRedirectOrigins);
      if (refused) throw Object.assign(new Error(refused[1]), { code: refused[0] });
      lastAcceptedOrigins = key;
    }
  }
  return { appOrigin, allowedRedirectOrigins };
}

let lastAcceptedOrigins: string | undefined;

/** A string or a list of strings as a list (anything else: an empty list, which allows nothing more). */
function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(',');
  return Array.isArray(value) ? value.map(String) : [];
}

/**
 * Whether {@link clerkUrlOf} is the request's own URL and cannot throw, decided from the values already read: a
 * `Request` (its URL is valid and serialized canonically) on http(s), no `x-forwarded-host` / `x-forwarded-proto`,
 * and a `Host` header that is absent or exactly the URL's host. Then no URL object is needed unless an option asks
 * for one.
 */
function namesItsOwnOrigin(request: RequestLike, input: RequestInput, appOrigin: string | undefined): boolean {
  if (appOrigin !== undefined) return false;
  if (typeof Request === 'undefined' || !(request instanceof Request)) return false;
  if (input.forwardedHost !== undefined || input.forwardedProto !== undefined) return false;
  if (input.host === undefined) return true;
  const url = input.url;
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1;
  if (start < 0) return false;
  let end = start;
  while (end < url.length && url[end] !== '/' && url[end] !== '?' && url[end] !== '#') end++;
  const urlHost = url.slice(start, end);
  return !urlHost.includes('@') && input.host === urlHost;
}

/**
 * Resolves the options of `rootAuthLoader` / `getAuth` as `@clerk/remix@4.13.49` does:
 * `overrides.X || env(NAME) || default` for each option, then validation:
 * 1. no secret key → `Error(noSecretKeyError)`;
 * 2. satellite without `proxyUrl` and `domain` → `Error(satelliteAndMissingProxyUrlAndDomain)`;
 * 3. satellite on a development secret key (`sk_test_`/`test_`) whose `signInUrl` is not `http(s)://…` →
 *    `Error(satelliteAndMissingSignInUrl)`.
 *
 * `domain` and `isSatellite` may be functions of `new URL(request.url)`; `proxyUrl` may be a function of
 * {@link clerkUrlOf}`(request)`, and a relative `proxyUrl` (starting with `/`) is made absolute against that URL
 * (on the pinned `appOrigin` when one is set).
 * `apiUrl` is `CLERK_API_URL` or derived from the publishable key; an `apiUrl` option is overwritten, as in Clerk.
 *
 * Beyond 4.x (2022 beta names):
 * - `CLERK_API_KEY` is the secret key when neither the option nor `CLERK_SECRET_KEY` gives one;
 * - with no publishable key, `overrides.frontendApi` or `CLERK_FRONTEND_API` (a frontend API host) is turned into
 *   one with {@link buildPublishableKey}, so everything downstream works from a publishable key; failing those, the
 *   host that `ConnectClerk(App, { frontendApi })` was given in this process (several hosts: an `Error`);
 * - `apiVersion` = `overrides.apiVersion || CLERK_API_VERSION || 'v1'` is added as the last key.
 *
 * @returns `{...overrides, secretKey, publishableKey, jwtKey, apiUrl, domain, isSatellite, proxyUrl, signInUrl,
 *   signUpUrl, afterSignInUrl, afterSignUpUrl, signInForceRedirectUrl, signUpForceRedirectUrl,
 *   signInFallbackRedirectUrl, signUpFallbackRedirectUrl, newSubscriptionRedirectUrl, apiVersion}`.
 * @throws `Error` with one of the messages above; `TypeError` for a request whose URL (or forwarded host) does not
 *   parse.
 */
export function loadOptions(args: LoaderArgsLike, overrides: LoadOptionsOverrides = {}): LoadedOptions {
  return resolveOptions(args, overrides).options;
}

/**
 * The two URLs option resolution may need, each made on first use: Clerk's `clerkUrl` (computed at once when it
 * differs from the request URL, as Clerk builds its ClerkRequest before anything else, so a bad URL throws first),
 * and the plain request URL (parsed only when a function option needs it).
 */
export function requestUrls(
  request: RequestLike,
  input: RequestInput,
  appOrigin?: string,
  clerkBackend: 2 | 3 = 2,
): { clerkUrlNow: () => URL; url: () => URL } {
  let clerkUrl: URL | undefined;
  const clerkUrlNow = (): URL => (clerkUrl ??= clerkUrlOf(request, input, appOrigin, clerkBackend));
  if (!namesItsOwnOrigin(request, input, appOrigin)) clerkUrlNow();
  let requestUrl: URL | undefined;
  const url = (): URL => (requestUrl ??= new URL(request.url));
  return { clerkUrlNow, url };
}

/** {@link loadOptions}, and the environment reader it used (for the variables `clerkState` reads later). */
export function resolveOptions(
  args: LoaderArgsLike,
  overrides: LoadOptionsOverrides = {},
  input: RequestInput = requestInputOf(args.request),
): { options: LoadedOptions; env: EnvReader } {
  const env = envReader(args.context);
  const { appOrigin, allowedRedirectOrigins } = originSettings(overrides, env);
  const { clerkUrlNow, url } = requestUrls(args.request, input, appOrigin);

  const secretKey = overrides.secretKey || env('CLERK_SECRET_KEY') || env('CLERK_API_KEY') || '';
  const publishableKey =
    overrides.publishableKey ||
    env('CLERK_PUBLISHABLE_KEY') ||
    buildPublishableKey(overrides.frontendApi || env('CLERK_FRONTEND_API') || '') ||
    connectedPublishableKey();
  const jwtKey = overrides.jwtKey || env('CLERK_JWT_KEY');
  const apiUrl = env('CLERK_API_URL') || apiUrlFromPublishableKey(publishableKey);
  const apiVersion = overrides.apiVersion || env('CLERK_API_VERSION') || 'v1';
  const domain = valueOrFn(overrides.domain, url) || env('CLERK_DOMAIN') || '';
  const isSatellite = valueOrFn(overrides.isSatellite, url) || isTruthy(env('CLERK_IS_SATELLITE'));
  const relativeOrAbsoluteProxyUrl =
    overrides.proxyUrl === undefined ? env('CLERK_PROXY_URL') : valueOrFn(overrides.proxyUrl, clerkUrlNow);
  const signInUrl = overrides.signInUrl || env('CLERK_SIGN_IN_URL') || '';
  const signUpUrl = overrides.signUpUrl || env('CLERK_SIGN_UP_URL') || '';
  const signInForceRedirectUrl = overrides.signInForceRedirectUrl || env('CLERK_SIGN_IN_FORCE_REDIRECT_URL') || '';
  const signUpForceRedirectUrl = overrides.signUpForceRedirectUrl || env('CLERK_SIGN_UP_FORCE_REDIRECT_URL') || '';
  const signInFallbackRedirectUrl =
    overrides.signInFallbackRedirectUrl || env('CLERK_SIGN_IN_FALLBACK_REDIRECT_URL') || '';
  const signUpFallbackRedirectUrl =
    overrides.signUpFallbackRedirectUrl || env('CLERK_SIGN_UP_FALLBACK_REDIRECT_URL') || '';
  const afterSignInUrl = overrides.afterSignInUrl || env('CLERK_AFTER_SIGN_IN_URL') || '';
  const afterSignUpUrl = overrides.afterSignUpUrl || env('CLERK_AFTER_SIGN_UP_URL') || '';
  const newSubscriptionRedirectUrl = overrides.newSubscriptionRedirectUrl || env('CLERK_CHECKOUT_CONTINUE_URL') || '';

  const proxyUrl =
    typeof relativeOrAbsoluteProxyUrl === 'string' && relativeOrAbsoluteProxyUrl.startsWith('/')
      ? new URL(relativeOrAbsoluteProxyUrl, clerkUrlNow()).toString()
      : relativeOrAbsoluteProxyUrl;

  if (!secretKey) {
    throw new Error(noSecretKeyError);
  }
  if (isSatellite && !proxyUrl && !domain) {
    throw new Error(satelliteAndMissingProxyUrlAndDomain);
  }
  if (isSatellite && !/^http(s)?:\/\//.test(signInUrl) && isDevelopmentSecretKey(secretKey)) {
    throw new Error(satelliteAndMissingSignInUrl);
  }

  // Clerk's `{...overrides, secretKey, …}`, built by assignment: the same keys in the same order, but V8 makes an
  // object literal that spreads a non-empty object and then lists 17 more keys about 100 times slower (≈ 20 µs).
  const loaded = Object.assign({}, overrides) as LoadedOptions;
  loaded.secretKey = secretKey;
  loaded.publishableKey = publishableKey;
  loaded.jwtKey = jwtKey;
  loaded.apiUrl = apiUrl;
  loaded.domain = domain;
  loaded.isSatellite = isSatellite;
  loaded.proxyUrl = proxyUrl;
  loaded.signInUrl = signInUrl;
  loaded.signUpUrl = signUpUrl;
  loaded.afterSignInUrl = afterSignInUrl;
  loaded.afterSignUpUrl = afterSignUpUrl;
  loaded.signInForceRedirectUrl = signInForceRedirectUrl;
  loaded.signUpForceRedirectUrl = signUpForceRedirectUrl;
  loaded.signInFallbackRedirectUrl = signInFallbackRedirectUrl;
  loaded.signUpFallbackRedirectUrl = signUpFallbackRedirectUrl;
  loaded.newSubscriptionRedirectUrl = newSubscriptionRedirectUrl;
  loaded.apiVersion = apiVersion;
  // This package's own settings (no Clerk key order to keep): present only when set.
  if (appOrigin !== undefined) loaded.appOrigin = appOrigin;
  if (allowedRedirectOrigins !== undefined) loaded.allowedRedirectOrigins = allowedRedirectOrigins;
  return { options: loaded, env };
}

/** `sk_test_…` or the legacy `test_…` (`@clerk/shared`'s `isDevelopmentFromSecretKey`). */
export function isDevelopmentSecretKey(secretKey: string): boolean {
  return typeof secretKey === 'string' && (secretKey.startsWith('test_') || secretKey.startsWith('sk_test_'));
}
