import type { AuthObject } from '../core/authObject.js';
import type { LoaderArgsLike } from '../core/loadOptions.js';
import { authObjectForAcceptedToken, type AcceptsToken } from './acceptedToken.mjs';
import { noLoaderArgsPassedInGetAuth } from './errors.mjs';
import type { ReactRouterOptions } from './loadOptions.mjs';
import { authFnContext, decideRequest, isRouterContextProvider } from './requestState.mjs';

export interface GetAuthOptions extends ReactRouterOptions {
  acceptsToken?: AcceptsToken;
  treatPendingAsSignedOut?: boolean;
}

/**
 * `getAuth(args, options?)` of `@clerk/react-router/server`: the auth object of the loader's or action's request,
 * filtered by `acceptsToken` (default `'session_token'`). With `clerkMiddleware` it reads the state the middleware
 * stored and costs nothing more; without it (React Router 7.0–7.8, or middleware not enabled) it decides the request
 * itself, once per request, where Clerk throws "clerkMiddleware() not detected" — then a request that needs a
 * handshake makes it throw Clerk's 307 `Response`, which React Router sends as the redirect.
 */
export async function getAuth(args: LoaderArgsLike, options?: GetAuthOptions) {
  if (!args || !args.request || !args.context) throw new Error(noLoaderArgsPassedInGetAuth);
  const { acceptsToken, treatPendingAsSignedOut } = options || {};
  const context = args.context;
  const fromMiddleware = isRouterContextProvider(context)
    ? (context.get(authFnContext) as ((o?: { treatPendingAsSignedOut?: boolean }) => AuthObject) | null)
    : null;
  let authObject: AuthObject;
  if (fromMiddleware) authObject = fromMiddleware({ treatPendingAsSignedOut });
  else {
    const decided = decideRequest(args, options);
    const stored = decided instanceof Promise ? await decided : decided;
    authObject = stored.requestState.toAuth({ treatPendingAsSignedOut });
  }
  return authObjectForAcceptedToken(authObject, acceptsToken);
}
