import type { LoaderArgsLike } from '../core/loadOptions.js';
import { authFnContext, decideRequest, isRouterContextProvider, requestStateContext } from './requestState.mjs';
import type { ReactRouterOptions } from './loadOptions.mjs';

type MiddlewareArgs = LoaderArgsLike & { request: Request; context: unknown };
type Next = () => Promise<Response>;

/**
 * `clerkMiddleware(options?)` of `@clerk/react-router/server`: decides the request once (natively), then
 * - a request that needs a handshake is answered with Clerk's 307 `Response` (the routes do not run);
 * - otherwise the state is stored in the router context for `rootAuthLoader` and `getAuth`, the routes run, and the
 *   state's headers (`Set-Cookie`s of a refresh, `x-clerk-auth-*`) are appended to their response.
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
      stored = await decideRequest(args, options);
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
    const headers: [string, string][] = [];
    requestState.headers.forEach((value, name) => headers.push([name, value]));
    if (headers.length === 0) return response;
    try {
      for (const [name, value] of headers) response.headers.append(name, value);
      return response;
    } catch {
      // Immutable headers (the first append throws, before anything was added): the same response, copied.
      const copy = new Response(response.body, response);
      for (const [name, value] of headers) copy.headers.append(name, value);
      return copy;
    }
  };
}
