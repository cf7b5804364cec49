import type { AuthObject } from '../core/authObject';
import { authenticateRequest, type RequestState } from '../core/authenticateRequest';
import { noLoaderArgsPassedInGetAuth } from '../core/errors';
import { resolveOptions, type LoaderArgsLike } from '../core/loadOptions';
import { requestInputOf } from '../core/requestInput';
import type { LoaderFunctionArgs, RootAuthLoaderOptions } from './rootAuthLoader';

/**
 * `getAuth` of `@clerk/remix@4.13.49` (`dist/ssr/getAuth.js`) on the native request decision, also
 * accepting the 2022 beta's bare `Request`.
 */

/** What `getAuth` resolves: the auth object plus `user` and `organization`, always `undefined` (as in Clerk). */
export type GetAuthReturn = AuthObject & { user: undefined; organization: undefined };

/** Options of `getAuth`: those of `rootAuthLoader` (all are honoured, as in Clerk; the resource loaders are not). */
export type GetAuthOptions = RootAuthLoaderOptions;

const isBareRequest = (value: unknown): value is Request =>
  (typeof Request !== 'undefined' && value instanceof Request) ||
  (typeof value === 'object' &&
    value !== null &&
    !('request' in value) &&
    typeof (value as Request).url === 'string' &&
    typeof (value as Request).headers === 'object');

/**
 * The auth object of a loader's request:
 *
 * ```ts
 * export const loader = async (args) => {
 *   const { userId, getToken } = await getAuth(args);
 *   if (!userId) return redirect('/sign-in');
 *   …
 * };
 * ```
 *
 * `getAuth(args, options?)` as in 4.x: `args` must have `request` and `context`, otherwise
 * `Error(noLoaderArgsPassedInGetAuth)`. `getAuth(request)` (the 2022 beta form) works too, reading the
 * environment without a loader context. A request that needs a handshake makes it **throw** a 307 `Response`.
 */
export function getAuth(args: LoaderFunctionArgs, options?: GetAuthOptions): Promise<GetAuthReturn>;
export function getAuth(request: Request, options?: GetAuthOptions): Promise<GetAuthReturn>;
export async function getAuth(argsOrRequest: LoaderFunctionArgs | Request, options?: GetAuthOptions): Promise<GetAuthReturn> {
  let args: LoaderArgsLike;
  if (isBareRequest(argsOrRequest)) {
    args = { request: argsOrRequest, context: undefined };
  } else {
    const loaderArgs = argsOrRequest as LoaderFunctionArgs | undefined;
    if (!loaderArgs || !loaderArgs.request || !loaderArgs.context) throw new Error(noLoaderArgsPassedInGetAuth);
    args = loaderArgs;
  }
  // The request is read once, for option resolution and the decision.
  const input = requestInputOf(args.request);
  const { options: loadedOptions } = resolveOptions(args, options, input);
  const requestState = authenticateRequest(args, loadedOptions, input);
  // Awaited only when the decision waited for the network (no extra microtask for the common request).
  return getAuthReturn(requestState instanceof Promise ? await requestState : requestState);
}

/** Clerk's `{...auth, user: undefined, organization: undefined}`: the same keys in the same order, without a copy. */
const getAuthReturn = (requestState: RequestState): GetAuthReturn =>
  Object.assign(requestState.toAuth(), { user: undefined, organization: undefined }) as GetAuthReturn;
