import type { AuthObject } from '../core/authObject';
import { authenticateRequest, type RequestState } from '../core/authenticateRequest';
import type { ClerkState } from '../core/clerkState';
import { loadResources, type LoadedResources, type ResourceOptions } from '../core/backendResources';
import { invalidRootLoaderCallbackReturn } from '../core/errors';
import { requestInputOf } from '../core/requestInput';
import { addClerkHeaders } from '../core/responseHeaders';
import {
  resolveOptions,
  type EnvReader,
  isTruthy,
  type LoadedOptions,
  type LoadOptionsOverrides,
} from '../core/loadOptions';

/**
 * `rootAuthLoader` of `@clerk/remix@4.13.49` (`dist/ssr/rootAuthLoader.js`) on the native request
 * decision, with the 2022 beta's callback argument shape (`({ request, params, context, auth }) => …`) kept working.
 */

/** Remix loader args (`LoaderFunctionArgs`). */
export interface LoaderFunctionArgs {
  request: Request;
  params: Record<string, string | undefined>;
  context: unknown;
}

/** The request of a `rootAuthLoader` callback: Clerk's auth object and the resources asked for are attached to it. */
export type RequestWithAuth = Request & {
  auth: AuthObject;
  user: Record<string, unknown> | undefined;
  session: Record<string, unknown> | undefined;
  organization: Record<string, unknown> | undefined;
};

/**
 * The argument of a `rootAuthLoader` callback: the loader args themselves (`{ request, params, context }`, with
 * `request.auth` set), plus, as non-enumerable properties for code written for the 2022 beta, `auth` (the same
 * object as `request.auth`), `user` and `session`.
 */
export interface LoaderFunctionArgsWithAuth extends LoaderFunctionArgs {
  request: RequestWithAuth;
  auth: AuthObject;
  user: Record<string, unknown> | undefined;
  session: Record<string, unknown> | undefined;
}

/** Remix's `DeferredData` (what `defer()` returns), as far as `rootAuthLoader` touches it. */
export interface DeferredDataLike {
  data: Record<string, unknown>;
  init?: ResponseInit & { headers?: HeadersInit };
  subscribe: (...args: unknown[]) => unknown;
  cancel: (...args: unknown[]) => unknown;
  resolveData: (...args: unknown[]) => unknown;
}

export type RootAuthLoaderCallbackReturn = Response | DeferredDataLike | Record<string, unknown> | null;
export type RootAuthLoaderCallback<R extends RootAuthLoaderCallbackReturn = RootAuthLoaderCallbackReturn> = (
  args: LoaderFunctionArgsWithAuth,
) => R | Promise<R>;

/**
 * Options of `rootAuthLoader`: every `loadOptions` option (`secretKey`, `publishableKey`, `jwtKey`, `domain`,
 * `isSatellite`, `proxyUrl`, the sign-in/up URLs, …) plus `audience`, `authorizedParties` and the resource loaders.
 */
export interface RootAuthLoaderOptions extends LoadOptionsOverrides {
  audience?: string | string[];
  authorizedParties?: string[];
  /** Fetch the user (`GET /v1/users/{id}`) into `request.user` (private metadata removed). */
  loadUser?: boolean;
  /** Fetch the session (`GET /v1/sessions/{id}`) into `request.session`. */
  loadSession?: boolean;
  /** Fetch the active organization (`GET /v1/organizations/{id}`) into `request.organization` (private metadata removed). */
  loadOrganization?: boolean;
}

/** The `clerkState` a root loader response carries; read by `ClerkApp` / `ClerkProvider`. */
export type { ClerkState };

// ---------------------------------------------------------------------------------------------------------------
// clerkState and responses

/**
 * What Clerk's `{...loadedOptions, ...requestState}` contributes to `clerkState` and the response: the request state,
 * plus the redirect URLs only the options have.
 */
type MergedState = RequestState &
  Pick<
    LoadedOptions,
    | 'signInForceRedirectUrl'
    | 'signUpForceRedirectUrl'
    | 'signInFallbackRedirectUrl'
    | 'signUpFallbackRedirectUrl'
    | 'newSubscriptionRedirectUrl'
  >;

/** Clerk's merge, without copying the ~20 option keys nothing reads (the request state is ours to extend). */
function mergeState(options: LoadedOptions, requestState: RequestState): MergedState {
  return Object.assign(requestState, {
    signInForceRedirectUrl: options.signInForceRedirectUrl,
    signUpForceRedirectUrl: options.signUpForceRedirectUrl,
    signInFallbackRedirectUrl: options.signInFallbackRedirectUrl,
    signUpFallbackRedirectUrl: options.signUpFallbackRedirectUrl,
    newSubscriptionRedirectUrl: options.newSubscriptionRedirectUrl,
  });
}

/** `{ clerkState: { __internal_clerk_state: {…} } }` with Clerk's keys in Clerk's order. */
function clerkStateOf(state: MergedState, env: EnvReader): { clerkState: ClerkState } {
  return {
    clerkState: {
      __internal_clerk_state: {
        __clerk_ssr_state: state.toAuth(),
        __publishableKey: state.publishableKey,
        __proxyUrl: state.proxyUrl,
        __domain: state.domain,
        __isSatellite: state.isSatellite,
        __signInUrl: state.signInUrl,
        __signUpUrl: state.signUpUrl,
        __afterSignInUrl: state.afterSignInUrl,
        __afterSignUpUrl: state.afterSignUpUrl,
        __signInForceRedirectUrl: state.signInForceRedirectUrl,
        __signUpForceRedirectUrl: state.signUpForceRedirectUrl,
        __signInFallbackRedirectUrl: state.signInFallbackRedirectUrl,
        __signUpFallbackRedirectUrl: state.signUpFallbackRedirectUrl,
        newSubscriptionRedirectUrl: state.newSubscriptionRedirectUrl,
        __clerk_debug: {
          isSignedIn: state.isSignedIn,
          isAuthenticated: state.isAuthenticated,
          proxyUrl: state.proxyUrl,
          reason: state.reason,
          message: state.message,
          publishableKey: state.publishableKey,
          isSatellite: state.isSatellite,
          domain: state.domain,
        },
        __clerkJSUrl: env('CLERK_JS'),
        __clerkJSVersion: env('CLERK_JS_VERSION'),
        __telemetryDisabled: isTruthy(env('CLERK_TELEMETRY_DISABLED')),
        __telemetryDebug: isTruthy(env('CLERK_TELEMETRY_DEBUG')),
      },
    },
  };
}

/** Remix's duck-typed `isResponse`. */
function isResponse(value: unknown): value is Response {
  const v = value as Response | null | undefined;
  return (
    v != null &&
    typeof v.status === 'number' &&
    typeof v.statusText === 'string' &&
    typeof v.headers === 'object' &&
    typeof v.body !== 'undefined'
  );
}

/** Remix's `isDeferredData`. */
function isDeferredData(value: unknown): value is DeferredDataLike {
  const v = value as DeferredDataLike | null | undefined;
  return (
    !!v &&
    typeof v === 'object' &&
    typeof v.data === 'object' &&
    typeof v.subscribe === 'function' &&
    typeof v.cancel === 'function' &&
    typeof v.resolveData === 'function'
  );
}

/**
 * Clerk's `injectRequestStateIntoResponse`: the JSON body of `response` with `clerkState` added last, the headers
 * of `response`, `content-type: application/json`, then every request-state header appended. As in Clerk (Remix's
 * `json(data, response)`), the status is always 200.
 */
async function injectRequestState(response: Response, state: MergedState, env: EnvReader): Promise<Response> {
  return jsonWithRequestState(await response.json(), new Headers(response.headers), state, env);
}

/**
 * The response of {@link injectRequestState} for `data` (parsed JSON, this request's own): `{...data, clerkState}`
 * with `headers`, `content-type: application/json` set, then the request-state headers appended and the
 * `Cache-Control` that keeps it out of shared caches (docs/compat.md R9).
 */
function jsonWithRequestState(data: unknown, headers: Headers, state: MergedState, env: EnvReader): Response {
  const { clerkState } = clerkStateOf(state, env);
  headers.set('content-type', 'application/json');
  addClerkHeaders(headers, state.headers, true);
  // `{...data, clerkState}`: a plain object parsed for this response gets the key itself (same keys, same order, and
  // a spread literal of a large object is slow in V8); an array or a primitive spreads as Clerk's does.
  const isPlainObject = typeof data === 'object' && data !== null && !Array.isArray(data);
  const body = (isPlainObject ? data : { ...(data as object) }) as Record<string, unknown>;
  body.clerkState = clerkState;
  return new Response(JSON.stringify(body), { headers });
}

/**
 * Clerk's `injectRequestStateIntoDeferredData`: `data.clerkState` set, request-state headers appended to `init` (with
 * the `Cache-Control` of a response carrying `clerkState`).
 */
function injectRequestStateIntoDeferred(deferred: DeferredDataLike, state: MergedState, env: EnvReader): DeferredDataLike {
  deferred.data.clerkState = clerkStateOf(state, env).clerkState;
  if (typeof deferred.init !== 'undefined') {
    const headers = new Headers(deferred.init.headers);
    deferred.init.headers = headers;
    addClerkHeaders(headers, state.headers, true);
  }
  return deferred;
}

/** Defines `name` on `target` as a non-enumerable, writable property (left alone when `target` already has it). */
function defineHidden(target: object, name: string, value: unknown): void {
  if (Object.prototype.hasOwnProperty.call(target, name)) return;
  try {
    Object.defineProperty(target, name, { value, enumerable: false, writable: true, configurable: true });
  } catch {
    // A frozen args object: the 2022 shape is simply not available then.
  }
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * The root loader of a Remix app using Clerk (`@clerk/remix/ssr.server`'s `rootAuthLoader`):
 *
 * ```ts
 * export const loader = (args) => rootAuthLoader(args);
 * export const loader = (args) => rootAuthLoader(args, ({ request }) => ({ userId: request.auth.userId }), { loadUser: true });
 * ```
 *
 * Without a callback it resolves a 200 JSON `Response` `{ clerkState }` with the request-state headers and
 * `Cache-Control: private, no-store` (an app's own `Cache-Control` on a callback's `Response` is made private). With one, the
 * callback gets the loader args with `request.auth` (and `request.user` / `session` / `organization` when asked
 * for); its result decides the response:
 * - a plain object or `null` → 200 JSON `{ ...result, clerkState }`;
 * - a JSON `Response` (not 3xx) → 200 with its headers, Clerk's headers and `{ ...json, clerkState }`;
 * - a 3xx `Response` → returned unchanged;
 * - `defer(…)` → the same `DeferredData` with `data.clerkState` set;
 * - anything else (`undefined`, a primitive, an array, a non-JSON `Response`) → `Error(invalidRootLoaderCallbackReturn)`.
 *
 * A request that needs a handshake makes it **throw** a 307 `Response` (Remix sends it as is); configuration errors
 * are thrown as plain `Error`s with Clerk's messages.
 */
export function rootAuthLoader(
  args: LoaderFunctionArgs,
  callback: RootAuthLoaderCallback,
  options?: RootAuthLoaderOptions,
): Promise<Response | DeferredDataLike>;
export function rootAuthLoader(args: LoaderFunctionArgs, options?: RootAuthLoaderOptions): Promise<Response>;
export async function rootAuthLoader(
  args: LoaderFunctionArgs,
  callbackOrOptions?: RootAuthLoaderCallback | RootAuthLoaderOptions,
  options?: RootAuthLoaderOptions,
): Promise<Response | DeferredDataLike> {
  const callback = typeof callbackOrOptions === 'function' ? callbackOrOptions : undefined;
  const opts: RootAuthLoaderOptions = options
    ? options
    : !!callbackOrOptions && typeof callbackOrOptions !== 'function'
      ? callbackOrOptions
      : {};

  // The request is read once, for option resolution and the decision.
  const input = requestInputOf(args.request);
  const { options: loadedOptions, env } = resolveOptions(args, opts, input);
  const requestState = await authenticateRequest(args, loadedOptions, input);
  const state = mergeState(loadedOptions, requestState);

  if (!callback) return jsonWithRequestState({}, new Headers(), state, env);

  const auth = state.toAuth();
  Object.assign(args.request, { auth });
  // The resolved options carry this package's User-Agent (set by authenticateRequest).
  const resources: LoadedResources = await loadResources(auth, loadedOptions as ResourceOptions & LoadedOptions);
  Object.assign(args.request, resources);
  // 2022 beta: `({ auth, user, session }) => …`; hidden so that `Object.keys(args)` stays 4.x's.
  defineHidden(args, 'auth', auth);
  defineHidden(args, 'user', resources.user);
  defineHidden(args, 'session', resources.session);

  const result: unknown = await callback(args as LoaderFunctionArgsWithAuth);
  if ((result !== null && typeof result !== 'object') || Array.isArray(result)) {
    throw new Error(invalidRootLoaderCallbackReturn);
  }
  if (isDeferredData(result)) return injectRequestStateIntoDeferred(result, state, env);
  if (isResponse(result)) {
    if (result.status >= 300 && result.status < 400) return result;
    try {
      return await injectRequestState(result, state, env);
    } catch {
      // Clerk means to throw this for a body that is not JSON (its missing `await` lets the SyntaxError through).
      throw new Error(invalidRootLoaderCallbackReturn);
    }
  }
  // Clerk round-trips `result ?? {}` through JSON before adding clerkState: so does this (toJSON, dropped keys).
  return jsonWithRequestState(JSON.parse(JSON.stringify(result ?? {})), new Headers(), state, env);
}
