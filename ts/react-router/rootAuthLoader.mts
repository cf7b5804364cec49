import type { LoaderArgsLike } from '../core/loadOptions.js';
import { clerkStateOf } from './clerkState.mjs';
import { addClerkHeaders } from '../core/responseHeaders.js';
import { invalidRootLoaderCallbackReturn } from './errors.mjs';
import type { ReactRouterOptions } from './loadOptions.mjs';
import { decideRequest, storedState, type StoredState } from './requestState.mjs';

type LoaderArgs = LoaderArgsLike & { request: Request; context: unknown; params?: unknown };

/** React Router's `data(value, init)` result. */
interface DataWithResponseInit {
  type: 'DataWithResponseInit';
  data: unknown;
  init: ResponseInit | null;
}

const isResponse = (value: unknown): value is Response => {
  const v = value as Response | null | undefined;
  return (
    v != null &&
    typeof v.status === 'number' &&
    typeof v.statusText === 'string' &&
    typeof v.headers === 'object' &&
    typeof v.body !== 'undefined'
  );
};

const isDataWithResponseInit = (value: unknown): value is DataWithResponseInit =>
  typeof value === 'object' &&
  value !== null &&
  'type' in value &&
  'data' in value &&
  'init' in value &&
  (value as DataWithResponseInit).type === 'DataWithResponseInit';

/**
 * Clerk's `injectRequestStateIntoResponse`: the response's JSON body with `clerkState` added, `content-type` JSON,
 * the state's headers appended when no middleware will append them, status and other headers kept; and the
 * `Cache-Control` of a response carrying `clerkState` (docs/compat.md RR8).
 */
async function injectRequestState(response: Response, stored: StoredState, includeClerkHeaders: boolean): Promise<Response> {
  const clone = new Response(response.body, response);
  const data = await clone.json();
  const { clerkState } = clerkStateOf(stored);
  clone.headers.set('content-type', 'application/json');
  addClerkHeaders(clone.headers, includeClerkHeaders ? stored.requestState.headers : undefined, true);
  return Response.json({ ...(data || {}), clerkState }, clone);
}

/**
 * `rootAuthLoader(args, callback?)` of `@clerk/react-router/server`:
 * - without a callback: `{ clerkState }`, a plain object;
 * - with one, the callback gets the args with `request.auth`; a plain object (or `null`/`undefined`) result becomes
 *   `{ ...result, clerkState }`; a 3xx `Response` is returned unchanged; another `Response` or `data(…)` becomes a
 *   JSON `Response` with `clerkState` added (anything that is not JSON: Clerk's "invalid return" error).
 *
 * With `clerkMiddleware` the state is the middleware's; without it (React Router 7.0–7.8, middleware not enabled)
 * the request is decided here, once per request, where Clerk throws "clerkMiddleware() not detected". Then a
 * handshake is thrown as Clerk's 307 `Response`, and a session refresh's cookies reach the browser only through a
 * `Response`/`data()` result (a plain object has no headers): the middleware is what attaches them to every response.
 * Likewise `Cache-Control: private, no-store` (the root data carries the user's `clerkState`): the middleware sets it on
 * the response of every request whose root loader ran; a loader alone can set it only on a `Response`/`data()`.
 */
export async function rootAuthLoader(
  args: LoaderArgs,
  handlerOrOptions?: ((args: LoaderArgs) => unknown) | ReactRouterOptions,
  callbackOptions?: ReactRouterOptions,
): Promise<unknown> {
  const handler = typeof handlerOrOptions === 'function' ? handlerOrOptions : undefined;
  // The options only matter without the middleware (Clerk's types allow them as the third argument after a callback).
  const options = typeof handlerOrOptions === 'function' ? callbackOptions : handlerOrOptions;
  const fromMiddleware = storedState(args);
  const stored = fromMiddleware ?? (await decideRequest(args, options));
  const includeClerkHeaders = !fromMiddleware;
  // The middleware marks the response of a request whose root data carries clerkState private (docs/compat.md RR8).
  if (fromMiddleware) fromMiddleware.servesClerkState = true;

  if (!handler) return { ...clerkStateOf(stored) };

  const result = await handler({ ...args, request: Object.assign(args.request, { auth: stored.requestState.toAuth() }) });
  if (isResponse(result)) {
    try {
      if (result.status >= 300 && result.status < 400) return result;
      return await injectRequestState(result, stored, includeClerkHeaders);
    } catch {
      throw new Error(invalidRootLoaderCallbackReturn);
    }
  }
  if (isDataWithResponseInit(result)) {
    try {
      return await injectRequestState(
        new Response(JSON.stringify(result.data), result.init ?? undefined),
        stored,
        includeClerkHeaders,
      );
    } catch {
      throw new Error(invalidRootLoaderCallbackReturn);
    }
  }
  return { ...((result as object | null | undefined) ?? {}), ...clerkStateOf(stored) };
}
