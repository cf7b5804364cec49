import type { LoaderArgsLike } from '../core/loadOptions.js';
import { addClerkHeaders, needsClerkHeaders } from '../core/responseHeaders.js';
import { authFnContext, decideRequest, isRouterContextProvider, requestStateContext } from './requestState.mjs';
import type { ReactRouterOptions } from './loadOptions.mjs';

type MiddlewareArgs = LoaderArgsLike & { request: Request; context: unknown };
type Next = () => Promise<Response>;

/**
 * `clerkMiddleware(options?)` of `@clerk/react-router/server`: decides the request once (natively), then
 * - a request that needs a handshake is answered with Clerk's 307 `Response` (the routes do not run);
 * - otherwise the state is stored in the router context for `rootAuthLoader` and `getAuth`, the routes run, and the
 *   state's headers (`Set-Cookie`s of a refresh, `x-clerk-auth-*`) are appended to their response; a response that
 *   carries `clerkState` (the root loader ran) or Clerk's cookies gets the `Cache-Control` that keeps it out of shared
 *   caches (`private, no-store`; docs/compat.md RR8).
 *
 * On React Router 7 it needs `future.v8_middleware: true` in `react-router.config.ts`; on 8 it is always on.
 *
 * Differences: Clerk appends to the response's headers as they are and throws when they are immutable (a `fetch`
 * response passed through, say); here such a response is copied first. Clerk's "keyless" development mode is not
 * offered (it needs Clerk's network).
 */
export function clerkMiddleware(options?: ReactRouterOptions) {
  return async (args: MiddlewareArgs, next: Next): Promise<Response> => {
    let stored;
    try {
      const decided = decideRequest(args, options);
      stored = decided instanceof Promise ? await decided : decided;
    } catch (thrown) {
      // The handshake: Clerk answers it from the middleware.
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
    const { requestState } = stored;
    const context = args.context;
    if (isRouterContextProvider(context)) {
      context.set(authFnContext, (opts?: { treatPendingAsSignedOut?: boolean }) => requestState.toAuth(opts));
      context.set(requestStateContext, stored);
    }
    const response = await next();
    // Whether the root loader put clerkState into this response (it ran for this request).
    const carriesClerkState = stored.servesClerkState === true;
    if (!needsClerkHeaders(requestState.headers, carriesClerkState)) return response;
    try {
      addClerkHeaders(response.headers, requestState.headers, carriesClerkState);
      return response;
    } catch {
      // Immutable headers (the first change throws, before anything was changed): the same response, copied.
      const copy = new Response(response.body, response);
      addClerkHeaders(copy.headers, requestState.headers, carriesClerkState);
      return copy;
    }
  };
}
