import { isTruthy } from '../core/loadOptions.js';
import type { RequestState } from '../core/authenticateRequest.js';
import { publicEnv } from './loadOptions.mjs';
import type { StoredState } from './requestState.mjs';

/**
 * `clerkState` of `@clerk/react-router@3.6` (`getResponseClerkState`): `{ clerkState: { __internal_clerk_state } }`
 * with its keys in its order. They differ from `@clerk/remix`'s: no `__afterSignInUrl`/`__afterSignUpUrl` or
 * `newSubscriptionRedirectUrl`, and the clerk-js / clerk-ui settings read from `VITE_CLERK_*` or `CLERK_*`.
 */
export function clerkStateOf({ requestState, additionalState, env }: StoredState) {
  const pub = publicEnv(env);
  return {
    clerkState: {
      __internal_clerk_state: {
        __clerk_ssr_state: requestState.toAuth(),
        __publishableKey: requestState.publishableKey,
        __proxyUrl: requestState.proxyUrl,
        __domain: requestState.domain,
        __isSatellite: requestState.isSatellite,
        __signInUrl: requestState.signInUrl,
        __signUpUrl: requestState.signUpUrl,
        __signInForceRedirectUrl: additionalState.signInForceRedirectUrl,
        __signUpForceRedirectUrl: additionalState.signUpForceRedirectUrl,
        __signInFallbackRedirectUrl: additionalState.signInFallbackRedirectUrl,
        __signUpFallbackRedirectUrl: additionalState.signUpFallbackRedirectUrl,
        __clerk_debug: debugRequestState(requestState),
        __clerkJSUrl: pub('CLERK_JS_URL'),
        __clerkJSVersion: pub('CLERK_JS_VERSION'),
        __clerkUIUrl: pub('CLERK_UI_URL'),
        __clerkUIVersion: pub('CLERK_UI_VERSION'),
        __prefetchUI: pub('CLERK_PREFETCH_UI') === 'false' ? false : undefined,
        __telemetryDisabled: isTruthy(pub('CLERK_TELEMETRY_DISABLED')),
        __telemetryDebug: isTruthy(pub('CLERK_TELEMETRY_DEBUG')),
        __unsafeDisableDevelopmentModeConsoleWarning: isTruthy(pub('CLERK_UNSAFE_DISABLE_DEVELOPMENT_MODE_CONSOLE_WARNING')),
      },
    },
  };
}

/** `@clerk/backend`'s `debugRequestState`. */
const debugRequestState = (state: RequestState) => ({
  isSignedIn: state.isSignedIn,
  isAuthenticated: state.isAuthenticated,
  proxyUrl: state.proxyUrl,
  reason: state.reason,
  message: state.message,
  publishableKey: state.publishableKey,
  isSatellite: state.isSatellite,
  domain: state.domain,
});
