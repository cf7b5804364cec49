import {
  apiUrlFromPublishableKey,
  envReader,
  isDevelopmentSecretKey,
  isTruthy,
  originSettings,
  requestUrls,
  valueOrFn,
  type EnvReader,
  type LoadedOptions,
  type LoaderArgsLike,
  type LoadOptionsOverrides,
} from '../core/loadOptions.js';
import { requestInputOf } from '../core/requestInput.js';
import { noSecretKeyError, satelliteAndMissingProxyUrlAndDomain, satelliteAndMissingSignInUrl } from './errors.mjs';

type RequestInput = import('../../index.js').RequestInput;

/**
 * Option and environment resolution of `@clerk/react-router@3.6` (`dist/server/loadOptions.js` and
 * `getPublicEnvVariables`): where `@clerk/remix` reads `CLERK_X`, this reads `VITE_CLERK_X` first for the public
 * values, adds `machineSecretKey` (`CLERK_MACHINE_SECRET_KEY`), and knows none of the 2022 beta names.
 *
 * Difference: without a secret key `@clerk/react-router` may switch to "keyless" mode in development, which creates
 * a temporary Clerk application over the network. This entry needs a secret key (or the local issuer of
 * `clerk-remix-native/testing`) and throws Clerk's `noSecretKeyError` otherwise.
 */

/** The options of `clerkMiddleware`, `rootAuthLoader` and `getAuth` (Clerk's `ClerkMiddlewareOptions`). */
export interface ReactRouterOptions extends LoadOptionsOverrides {
  machineSecretKey?: string;
  audience?: string | string[];
  authorizedParties?: string[];
  signInUrl?: string;
  signUpUrl?: string;
}

/** `getPublicEnvVariables(context)`: each public setting from `VITE_CLERK_X`, else `CLERK_X`. */
export function publicEnv(env: EnvReader): (name: string) => string | undefined {
  return (name) => env(`VITE_${name}`) || env(name);
}

/**
 * Resolves the options as `@clerk/react-router`'s `loadOptions` does, and returns the environment reader it used
 * (for the `clerkState` values read later). Throws Clerk's errors for a missing secret key, a satellite without
 * `domain`/`proxyUrl`, and a development satellite without an absolute `signInUrl`.
 */
export function resolveReactRouterOptions(
  args: LoaderArgsLike,
  overrides: ReactRouterOptions = {},
  input: RequestInput = requestInputOf(args.request),
): { options: LoadedOptions; env: EnvReader } {
  const env = envReader(args.context);
  const { appOrigin, allowedRedirectOrigins } = originSettings(overrides, env);
  const { clerkUrlNow, url } = requestUrls(args.request, input, appOrigin, 3);
  const pub = publicEnv(env);

  const secretKey = overrides.secretKey || env('CLERK_SECRET_KEY');
  const machineSecretKey = overrides.machineSecretKey || env('CLERK_MACHINE_SECRET_KEY');
  const publishableKey = overrides.publishableKey || pub('CLERK_PUBLISHABLE_KEY');
  const jwtKey = overrides.jwtKey || env('CLERK_JWT_KEY');
  const apiUrl = env('CLERK_API_URL') || apiUrlFromPublishableKey(publishableKey);
  const domain = valueOrFn(overrides.domain, url) || pub('CLERK_DOMAIN');
  const isSatellite = valueOrFn(overrides.isSatellite, url) || isTruthy(pub('CLERK_IS_SATELLITE'));
  const relativeOrAbsoluteProxyUrl =
    overrides.proxyUrl === undefined ? pub('CLERK_PROXY_URL') : valueOrFn(overrides.proxyUrl, clerkUrlNow);
  const signInUrl = overrides.signInUrl || pub('CLERK_SIGN_IN_URL');
  const signUpUrl = overrides.signUpUrl || pub('CLERK_SIGN_UP_URL');
  const signInForceRedirectUrl = overrides.signInForceRedirectUrl || pub('CLERK_SIGN_IN_FORCE_REDIRECT_URL');
  const signUpForceRedirectUrl = overrides.signUpForceRedirectUrl || pub('CLERK_SIGN_UP_FORCE_REDIRECT_URL');
  const signInFallbackRedirectUrl = overrides.signInFallbackRedirectUrl || pub('CLERK_SIGN_IN_FALLBACK_REDIRECT_URL');
  const signUpFallbackRedirectUrl = overrides.signUpFallbackRedirectUrl || pub('CLERK_SIGN_UP_FALLBACK_REDIRECT_URL');

  const proxyUrl =
    typeof relativeOrAbsoluteProxyUrl === 'string' && relativeOrAbsoluteProxyUrl.startsWith('/')
      ? new URL(relativeOrAbsoluteProxyUrl, clerkUrlNow()).toString()
      : relativeOrAbsoluteProxyUrl;

  if (!secretKey) throw new Error(noSecretKeyError);
  if (isSatellite && !proxyUrl && !domain) throw new Error(satelliteAndMissingProxyUrlAndDomain);
  if (isSatellite && !/^https?:\/\//.test(signInUrl ?? '') && isDevelopmentSecretKey(secretKey)) {
    throw new Error(satelliteAndMissingSignInUrl);
  }

  // Clerk's `{...overrides, secretKey, machineSecretKey, …}`, by assignment (same keys, same order).
  const loaded = Object.assign({}, overrides) as LoadedOptions;
  loaded.secretKey = secretKey;
  loaded.machineSecretKey = machineSecretKey;
  loaded.publishableKey = publishableKey as string;
  loaded.jwtKey = jwtKey;
  loaded.apiUrl = apiUrl;
  loaded.domain = domain as string;
  loaded.isSatellite = isSatellite;
  loaded.proxyUrl = proxyUrl;
  loaded.signInUrl = signInUrl as string;
  loaded.signUpUrl = signUpUrl as string;
  loaded.signInForceRedirectUrl = signInForceRedirectUrl as string;
  loaded.signUpForceRedirectUrl = signUpForceRedirectUrl as string;
  loaded.signInFallbackRedirectUrl = signInFallbackRedirectUrl as string;
  loaded.signUpFallbackRedirectUrl = signUpFallbackRedirectUrl as string;
  // This package's own settings (read from CLERK_* only: they are server settings): present only when set.
  if (appOrigin !== undefined) loaded.appOrigin = appOrigin;
  if (allowedRedirectOrigins !== undefined) loaded.allowedRedirectOrigins = allowedRedirectOrigins;
  return { options: loaded, env };
}
