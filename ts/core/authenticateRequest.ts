import native = require('./native');
import { remember } from './boundedCache';
import { stringListOption } from './createTokenVerifier';
import { headersOf, requestInputOf } from './requestInput';
import {
  authObjectFromClaims,
  authObjectFromSignedOutState,
  type AuthContext,
  type AuthObject,
  type SessionJwtPayload,
} from './authObject';
import {
  authenticatedMachineObject,
  unauthenticatedMachineObject,
  type MachineFields,
  type MachineTokenType,
} from './machineAuthObject';
import type { LoadedOptions, LoaderArgsLike, RequestLike } from './loadOptions';

/**
 * The glue of `@clerk/remix`'s `authenticateRequest` wrapper: the request decision itself
 * (`@clerk/backend`'s `authenticateRequest`) runs in the addon; this file feeds it the request, replays its
 * console output, and turns its outcome into what Clerk gives back: a thrown 307 `Response` for a handshake, a thrown
 * `Error` where Clerk throws, or the request state of a signed-in / signed-out request.
 */

type NativeBinding = typeof import('../../index');
type NativeAuthenticator = InstanceType<NativeBinding['NativeAuthenticator']>;
type AuthenticatorOptions = import('../../index').AuthenticatorOptions;
type RequestOutcome = import('../../index').RequestOutcome;
type RequestInput = import('../../index').RequestInput;

/** User-Agent of the Backend API calls this package makes (handshake payload, refresh, tokens, resources): the addon's. */
export const USER_AGENT = native.userAgent();

/** `status` of a request state (a handshake never reaches the caller: it is thrown as a 307 `Response`). */
export type AuthStatus = 'signed-in' | 'signed-out';

/**
 * `@clerk/backend`'s `RequestState`. `toAuth()` builds a new auth object on each call; pending sessions
 * (`sts: 'pending'`) are signed out unless `treatPendingAsSignedOut: false`. A machine token (checked by the React
 * Router entry only) gives a machine auth object.
 */
export interface RequestState {
  status: AuthStatus;
  /** `null` when signed in. */
  reason: string | null;
  /** `null` when signed in; `''` when a signed-out state has no message. */
  message: string | null;
  proxyUrl: string;
  publishableKey: string;
  isSatellite: boolean;
  domain: string;
  signInUrl: string;
  signUpUrl: string;
  afterSignInUrl: string;
  afterSignUpUrl: string;
  /** @deprecated Clerk's old name of `isAuthenticated`. */
  isSignedIn: boolean;
  isAuthenticated: boolean;
  tokenType: 'session_token' | MachineTokenType;
  toAuth(options?: { treatPendingAsSignedOut?: boolean }): AuthObject;
  /** Headers to send with the response (`Set-Cookie`s of a refresh or a resolved handshake, `x-clerk-auth-*`). */
  headers: Headers;
  /** The verified session token when signed in, otherwise `null`. */
  token: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// One authenticator per option set

const MAX_AUTHENTICATORS = 64;
const authenticators = new Map<string, NativeAuthenticator>();

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * The constructor options of an authenticator (what `createClerkClient` gets in Clerk), each read from the resolved
 * options and normalised. The same table gives the authenticator's identity, so the two cannot drift apart. Only
 * settings of the instance belong here: `domain`, `isSatellite` and `proxyUrl` may depend on the request (function
 * options, a relative proxy URL resolved against its host) and go with each request instead, so that requests cannot
 * multiply authenticators.
 */
const AUTHENTICATOR_FIELDS: { [K in keyof Omit<AuthenticatorOptions, 'userAgent' | 'clerkBackend'>]-?: (o: LoadedOptions) => AuthenticatorOptions[K] } = {
  secretKey: (o) => o.secretKey,
  publishableKey: (o) => o.publishableKey,
  jwtKey: (o) => nonEmpty(o.jwtKey),
  apiUrl: (o) => o.apiUrl,
  apiVersion: (o) => nonEmpty(o.apiVersion),
  signInUrl: (o) => nonEmpty(o.signInUrl),
  audience: (o) => stringListOption(o.audience),
  authorizedParties: (o) => stringListOption(o.authorizedParties),
  tokenCacheSize: (o) => (typeof o.tokenCacheSize === 'number' ? o.tokenCacheSize : undefined),
  machineSecretKey: (o) => nonEmpty((o as { machineSecretKey?: unknown }).machineSecretKey),
  appOrigin: (o) => nonEmpty(o.appOrigin),
  allowedRedirectOrigins: (o) => stringListOption(o.allowedRedirectOrigins),
};
const READERS = Object.values(AUTHENTICATOR_FIELDS) as ((o: LoadedOptions) => unknown)[];

/**
 * Which `@clerk/backend` a decision follows: 2 for the Remix entry (`@clerk/remix` 4.x runs on 2.x), 3 for the React
 * Router entry (`@clerk/react-router` 3.6 runs on 3.x). The rules that differ are listed in
 * `crates/clerk-remix-core/src/generation.rs`.
 */
export type ClerkBackend = 2 | 3;

/** The constructor options of the authenticator for `options`. */
function authenticatorOptionsOf(options: LoadedOptions, clerkBackend: ClerkBackend): AuthenticatorOptions {
  const fields = Object.entries(AUTHENTICATOR_FIELDS).map(([name, read]) => [name, read(options)]);
  return { ...Object.fromEntries(fields), userAgent: USER_AGENT, clerkBackend } as AuthenticatorOptions;
}

/** One identity value: lists as text (a fresh array is never `===` another). */
const identityPart = (value: unknown) => (Array.isArray(value) ? value.join('\u0001') : value);

let last: { identity: unknown[]; clerkBackend: ClerkBackend; authenticator: NativeAuthenticator } | undefined;

/**
 * The authenticator for `options`, built once per distinct option set and kept (the most recently used 64). A
 * constructor failure (missing or invalid publishable key, unusable `jwtKey`) is thrown as a plain `Error` with
 * Clerk's message, and nothing is cached.
 */
function authenticatorFor(options: LoadedOptions, clerkBackend: ClerkBackend): NativeAuthenticator {
  // The set used last is compared value by value, without building anything (the common case: every request).
  const previous = last;
  if (
    previous &&
    previous.clerkBackend === clerkBackend &&
    READERS.every((read, i) => previous.identity[i] === identityPart(read(options)))
  ) {
    return previous.authenticator;
  }
  const identity = READERS.map((read) => identityPart(read(options)));
  // The separators cannot occur in a header-safe option value; normalised values make the text unambiguous.
  const key = `${clerkBackend}\u0000${identity.join('\u0000')}`;
  const authenticator = remember(authenticators, key, MAX_AUTHENTICATORS, () => {
    try {
      return new native.NativeAuthenticator(authenticatorOptionsOf(options, clerkBackend));
    } catch (err) {
      // Clerk's errors are plain `Error`s without a `code` (napi adds one).
      throw new Error(err instanceof Error ? err.message : String(err));
    }
  });
  last = { identity, clerkBackend, authenticator };
  return authenticator;
}

// ---------------------------------------------------------------------------------------------------------------
// Request → addon input

/** Every request header as `{name: [value]}` JSON text (what Clerk sends along with a session refresh). */
function headersJsonOf(request: RequestLike): string {
  const all: Record<string, string[]> = {};
  headersOf(request).forEach((value, name) => {
    all[name] = [value];
  });
  return JSON.stringify(all);
}

// ---------------------------------------------------------------------------------------------------------------
// Outcome → request state

/** `console[level](message, detail)`, as Clerk logs while deciding (the detail is an error's `Name: message`). */
function replayLogs(outcome: RequestOutcome): void {
  for (const entry of outcome.logs) {
    const level = entry.level === 'error' ? 'error' : entry.level === 'warn' ? 'warn' : 'log';
    if (entry.detail !== undefined && entry.detail !== null) console[level](entry.message, entry.detail);
    else console[level](entry.message);
  }
}

/** The flat `[name, value, …]` list as `Headers`, appended in order (values a `Headers` refuses are skipped, as Clerk's `withDebugHeaders` does). */
function headersFromList(list: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < list.length; i += 2) {
    try {
      headers.append(list[i], list[i + 1]);
    } catch {
      // Not a valid header value (Clerk swallows the same error).
    }
  }
  return headers;
}

const isNetlifyRuntime = (): boolean =>
  typeof process !== 'undefined' &&
  !!process.env &&
  (Boolean(process.env.NETLIFY) ||
    Boolean(process.env.NETLIFY_FUNCTIONS_TOKEN) ||
    (typeof process.env.URL === 'string' && process.env.URL.endsWith('netlify.app')));

/**
 * `@clerk/shared`'s `handleNetlifyCacheInDevInstance`: on Netlify, for a development publishable key, a redirect
 * that is not a handshake resolution gets `__clerk_netlify_cache_bust=<Date.now()>` so Netlify does not serve it
 * from its cache.
 */
function bustNetlifyCacheInDevelopment(headers: Headers, location: string, publishableKey: string): void {
  const development = publishableKey.startsWith('test_') || publishableKey.startsWith('pk_test_');
  if (!isNetlifyRuntime() || !development || location.includes('__clerk_handshake')) return;
  const url = new URL(location);
  url.searchParams.append('__clerk_netlify_cache_bust', Date.now().toString());
  headers.set('Location', url.toString());
}

/**
 * The error Clerk throws: a plain `Error`, except where Clerk's throw comes from `new URL(…)` (a
 * `__clerk_redirect_url` that is not a URL), which is Node's `TypeError` with code `ERR_INVALID_URL`.
 */
function clerkError(outcome: RequestOutcome): Error {
  const message = outcome.error ?? '';
  if (outcome.errorName === 'TypeError') return Object.assign(new TypeError(message), { code: 'ERR_INVALID_URL' });
  return new Error(message);
}

/**
 * What `toAuth()` / `getToken()` / `debug()` work with: the resolved options (made for this request, so this
 * package's User-Agent is added to them in place rather than by copying ~20 keys per request).
 */
function authContextOf(options: LoadedOptions): AuthContext {
  const context = options as AuthContext;
  context.userAgent = USER_AGENT;
  return context;
}

/** What the addon answered for one request: `[token, claimsJson]` (signed in, nothing else) or the full outcome. */
type Decision = [string, string] | RequestOutcome;

/**
 * One decision per request. A document request runs the root loader and every matched route loader in parallel, and
 * each may call `rootAuthLoader` / `getAuth`: the first call decides, the others reuse its answer (a test counts the
 * native decisions). The entry is found through the loader context (Remix gives each loader a copy of the request,
 * but one context object per request; React Router hands every loader the same request and context), or the request
 * when there is no context object (the 2022 beta's `getAuth(request)`), and it is used only when everything the
 * decision reads is the same: the request as read (URL, method, the headers the decision looks at), the
 * authenticator and the per-request routing values, and at most {@link REUSE_MS} old. So a context object that an
 * app shares between requests can never carry one request's answer to another: two requests with equal inputs would
 * get the same decision anyway, and the age bound stays far inside Clerk's 5 s clock skew.
 */
interface Memo {
  input: RequestInput;
  authenticator: NativeAuthenticator;
  proxyUrl: string | undefined;
  domain: string | undefined;
  isSatellite: boolean;
  at: number;
  /** The decision, or the promise of it while it waits for the network. */
  decision: Decision | Promise<Decision>;
}
const REUSE_MS = 1000;
const memos = new WeakMap<object, Memo>();

const INPUT_FIELDS = ['url', 'method', 'cookie', 'authorization', 'host', 'forwardedHost', 'forwardedProto', 'origin', 'referer', 'secFetchDest', 'accept'] as const;

function sameInput(a: RequestInput, b: RequestInput): boolean {
  for (const field of INPUT_FIELDS) if (a[field] !== b[field]) return false;
  return true;
}

let decisions = 0;
/** How many decisions this process asked the addon for (for tests that check one decision per request). */
export const decisionCount = (): number => decisions;

/**
 * The addon's decision for the request, made once per request (see {@link Memo}). The decision first runs without
 * waiting and is answered as a value; only when it needs the network (JWKS, handshake payload, session refresh) is
 * the asynchronous variant called, and a promise answered.
 */
function decide(args: LoaderArgsLike, options: LoadedOptions, input: RequestInput, clerkBackend: ClerkBackend): Decision | Promise<Decision> {
  const authenticator = authenticatorFor(options, clerkBackend);
  const proxyUrl = nonEmpty(options.proxyUrl);
  const domain = nonEmpty(options.domain);
  const isSatellite = Boolean(options.isSatellite);
  const now = Date.now();
  const context = args.context;
  const key: object = typeof context === 'object' && context !== null ? context : args.request;
  const memo = memos.get(key);
  if (
    memo !== undefined &&
    memo.authenticator === authenticator &&
    memo.proxyUrl === proxyUrl &&
    memo.domain === domain &&
    memo.isSatellite === isSatellite &&
    now - memo.at >= 0 &&
    now - memo.at <= REUSE_MS &&
    sameInput(memo.input, input)
  ) {
    return memo.decision;
  }
  decisions++;
  const answer = authenticator.authenticateValues(
    input.url,
    input.method,
    input.cookie,
    input.authorization,
    input.host,
    input.forwardedHost,
    input.forwardedProto,
    input.origin,
    input.referer,
    input.secFetchDest,
    input.accept,
    proxyUrl,
    domain,
    isSatellite,
    now,
  );
  let decision: Decision | Promise<Decision>;
  if (Array.isArray(answer)) decision = answer;
  else if (!answer.needsNetwork) {
    replayLogs(answer);
    decision = answer;
  } else {
    decision = authenticator
      .authenticate({ ...input, headersJson: headersJsonOf(args.request), proxyUrl, domain, isSatellite }, Date.now())
      .then((outcome) => {
        replayLogs(outcome);
        return outcome;
      });
  }
  memos.set(key, { input, authenticator, proxyUrl, domain, isSatellite, at: now, decision });
  return decision;
}

/**
 * Authenticates the request of `args` with the resolved `options` (from `loadOptions`), as `@clerk/remix`'s
 * `authenticateRequest` wrapper does:
 * - a handshake (the response carries a `Location`) is **thrown** as `new Response(null, {status: 307, headers})`;
 * - a handshake without a `Location` throws `Error('Clerk: unexpected handshake without redirect')`;
 * - where `@clerk/backend` throws (a bad publishable key, an invalid satellite `signInUrl`, …) a plain `Error` with
 *   Clerk's message is thrown;
 * - otherwise the signed-in or signed-out {@link RequestState} is returned.
 *
 * The decision itself is made once per request (see {@link decide}); each call builds its own state from it. When
 * the decision needed no network, the state is returned (and the throws above happen) without a promise, so that
 * the common request goes through no extra microtask: callers `await` the answer either way.
 */
export function authenticateRequest(
  args: LoaderArgsLike,
  options: LoadedOptions,
  input = requestInputOf(args.request),
  clerkBackend: ClerkBackend = 2,
): RequestState | Promise<RequestState> {
  const decision = decide(args, options, input, clerkBackend);
  if (decision instanceof Promise) return decision.then((outcome) => requestStateOf(options, outcome));
  return requestStateOf(options, decision);
}

/** The request state of a decision (or Clerk's throw). */
function requestStateOf(options: LoadedOptions, outcome: Decision): RequestState {
  // The common answer (signed in, nothing to set or log) comes as `[token, claims]`.
  if (Array.isArray(outcome)) return signedInState(options, outcome[0], outcome[1], undefined);
  if (outcome.error !== undefined && outcome.error !== null) throw clerkError(outcome);

  const headers = headersFromList(outcome.headers);
  const publishableKey = options.publishableKey || '';
  const location = headers.get('location');
  if (location) {
    bustNetlifyCacheInDevelopment(headers, location, publishableKey);
    throw new Response(null, { status: 307, headers });
  }
  if (outcome.status !== 'signed-in' && outcome.status !== 'signed-out') {
    throw new Error('Clerk: unexpected handshake without redirect');
  }

  const machine = (outcome.tokenType ?? undefined) as MachineTokenType | undefined;
  if (outcome.status === 'signed-in') {
    if (machine) return new State(options, 'signed-in', null, null, headers, outcome.token ?? '', JSON.parse(outcome.claims ?? '{}'), machine);
    return signedInState(options, outcome.token ?? '', outcome.claims ?? '{}', headers);
  }
  return new State(options, 'signed-out', outcome.reason ?? '', outcome.message ?? '', headers, null, null, machine);
}

function signedInState(options: LoadedOptions, token: string, claimsJson: string, headers: Headers | undefined): RequestState {
  return new State(options, 'signed-in', null, null, headers, token, JSON.parse(claimsJson) as SessionJwtPayload);
}

// The public fields are RequestState's (declaration merging), defined by the constructor in Clerk's order.
interface State extends Omit<RequestState, 'headers' | 'toAuth'> {}
/**
 * `@clerk/backend`'s `signedIn(…)` / `signedOut(…)` state, fields in Clerk's order. A class rather than
 * an object literal: V8 builds a literal that has a getter (`headers`, made only if someone reads it) on a slow path.
 */
class State implements RequestState {
  #headers: Headers | undefined;
  #context: AuthContext;
  /** A session token's payload, or a machine token's verified fields. */
  #claims: SessionJwtPayload | MachineFields | null;

  constructor(
    options: LoadedOptions,
    status: AuthStatus,
    reason: string | null,
    message: string | null,
    /** `undefined`: none (a `Headers` is made only if someone reads them). */
    headers: Headers | undefined,
    token: string | null,
    claims: SessionJwtPayload | MachineFields | null,
    machine?: MachineTokenType,
  ) {
    const signedIn = status === 'signed-in';
    this.status = status;
    this.reason = reason;
    this.message = message;
    this.proxyUrl = options.proxyUrl || '';
    this.publishableKey = options.publishableKey || '';
    this.isSatellite = options.isSatellite || false;
    this.domain = options.domain || '';
    this.signInUrl = options.signInUrl || '';
    this.signUpUrl = options.signUpUrl || '';
    this.afterSignInUrl = options.afterSignInUrl || '';
    this.afterSignUpUrl = options.afterSignUpUrl || '';
    this.isSignedIn = signedIn;
    this.isAuthenticated = signedIn;
    this.tokenType = machine ?? 'session_token';
    this.token = token;
    this.#headers = headers;
    this.#context = authContextOf(options);
    this.#claims = claims;
  }

  get headers(): Headers {
    return (this.#headers ??= new Headers());
  }

  toAuth({ treatPendingAsSignedOut = true }: { treatPendingAsSignedOut?: boolean } = {}): AuthObject {
    if (this.tokenType !== 'session_token') {
      // Clerk's machine objects are not typed as session auth objects; the React Router entry's types name them.
      const machine = this.isSignedIn
        ? authenticatedMachineObject(this.tokenType, this.token as string, this.#claims as MachineFields, this.#context as Record<string, unknown>)
        : unauthenticatedMachineObject(this.tokenType, { reason: this.reason, message: this.message, headers: this.headers });
      return machine as unknown as AuthObject;
    }
    return this.isSignedIn
      ? authObjectFromClaims(this.#claims as SessionJwtPayload, this.token as string, this.#context, { treatPendingAsSignedOut })
      : authObjectFromSignedOutState(this.#context, this.reason as string, this.message as string);
  }
}
