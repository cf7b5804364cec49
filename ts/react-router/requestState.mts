import { authenticateRequest, type RequestState } from '../core/authenticateRequest.js';
import type { AuthObject } from '../core/authObject.js';
import type { EnvReader, LoadedOptions, LoaderArgsLike } from '../core/loadOptions.js';
import { requestInputOf } from '../core/requestInput.js';
import { resolveReactRouterOptions, type ReactRouterOptions } from './loadOptions.mjs';

/**
 * Where `clerkMiddleware` leaves the request's state for `rootAuthLoader` and `getAuth` (React Router's router context,
 * one per request), and how those two get a state when no middleware ran: they decide the request themselves, once
 * per request (the decision is memoised per request in the core).
 */

/** The redirect URLs that only the options know, kept for `clerkState`. */
export interface AdditionalState {
  signInForceRedirectUrl?: string;
  signUpForceRedirectUrl?: string;
  signInFallbackRedirectUrl?: string;
  signUpFallbackRedirectUrl?: string;
}

export interface StoredState {
  requestState: RequestState;
  additionalState: AdditionalState;
  env: EnvReader;
  /** Set by `rootAuthLoader`: this request's response carries `clerkState` (the middleware then keeps it private). */
  servesClerkState?: boolean;
}

/**
 * A React Router context key: what `createContext(defaultValue)` of `react-router` makes (`{ defaultValue }`), made
 * here so that this entry does not load `react-router` itself (the app's copy, whichever major, holds the values).
 */
const routerContext = <T,>(defaultValue: T): { defaultValue: T } => ({ defaultValue });

/** `toAuth` of the request, as the middleware stores it (`getAuth` reads only this). */
export const authFnContext = routerContext<((options?: { treatPendingAsSignedOut?: boolean }) => AuthObject) | null>(null);
/** The request state and the option values `clerkState` needs. */
export const requestStateContext = routerContext<StoredState | null>(null);

type Context = { get?: (key: unknown) => unknown; set?: (key: unknown, value: unknown) => void };

/** React Router's test for an enabled middleware: a router context provider has `get` and `set`. */
export const isRouterContextProvider = (context: unknown): context is Required<Context> =>
  typeof context === 'object' && context !== null && 'get' in context && 'set' in context;

/** The state the middleware stored for this request, if any. */
export function storedState(args: LoaderArgsLike): StoredState | null {
  const context = args.context;
  if (!isRouterContextProvider(context)) return null;
  return (context.get(requestStateContext) as StoredState | null) ?? null;
}

/** The redirect URLs of the resolved options that `clerkState` carries. */
export const additionalStateOf = (options: LoadedOptions): AdditionalState => ({
  signInForceRedirectUrl: options.signInForceRedirectUrl,
  signUpForceRedirectUrl: options.signUpForceRedirectUrl,
  signInFallbackRedirectUrl: options.signInFallbackRedirectUrl,
  signUpFallbackRedirectUrl: options.signUpFallbackRedirectUrl,
});

/**
 * Decides the request (options resolved as `@clerk/react-router` does). A request that needs a handshake makes this
 * throw the 307 `Response`; configuration errors throw Clerk's `Error`s.
 */
export function decideRequest(args: LoaderArgsLike, options: ReactRouterOptions | undefined): StoredState | Promise<StoredState> {
  const input = requestInputOf(args.request);
  const { options: loaded, env } = resolveReactRouterOptions(args, options ?? {}, input);
  const stored = (requestState: RequestState): StoredState => ({ requestState, additionalState: additionalStateOf(loaded), env });
  // A promise only when the decision waited for the network (see authenticateRequest).
  const requestState = authenticateRequest(args, loaded, input, 3);
  return requestState instanceof Promise ? requestState.then(stored) : stored(requestState);
}
