// The public types of `clerk-remix-native/ssr.server`: those `@clerk/remix@4.13.49` declares for its server entry
// (`dist/ssr/types.d.ts`, `rootAuthLoader.d.ts`, `getAuth.d.ts`), built on the same Clerk type packages, so that
// after the import swap `tsc` reports on an app exactly what it reports with Clerk's package: `request.user` is a
// `User` only when `loadUser: true`, the root loader's data type is the callback's, `sessionClaims` and `has()`
// follow the app's global `CustomJwtSessionClaims` / `ClerkAuthorization`. Additions (the 2022 beta shapes and the
// options of our own) only widen what compiles; `__test__/types.test.mjs` compiles the same app against both.
import type { Organization, Session, User, VerifyTokenOptions } from '@clerk/backend';
import type { SignedInAuthObject, SignedOutAuthObject } from '@clerk/backend/internal';
import type {
  LegacyRedirectProps,
  MultiDomainAndOrProxy,
  NewSubscriptionRedirectUrl,
  SignInFallbackRedirectUrl,
  SignInForceRedirectUrl,
  SignUpFallbackRedirectUrl,
  SignUpForceRedirectUrl,
} from '@clerk/shared/types';
import type { DataFunctionArgs, LoaderFunction } from '@remix-run/server-runtime';

export type GetAuthReturn = Promise<SignedInAuthObject | SignedOutAuthObject>;

export type RootAuthLoaderOptions = {
  publishableKey?: string;
  jwtKey?: string;
  secretKey?: string;
  /** Fetch the user into `request.user` (private metadata removed). Clerk deprecates it for custom session claims. */
  loadUser?: boolean;
  /** Fetch the session into `request.session`. Clerk deprecates it for custom session claims. */
  loadSession?: boolean;
  /** Fetch the active organization into `request.organization`. Clerk deprecates it for custom session claims. */
  loadOrganization?: boolean;
  signInUrl?: string;
  signUpUrl?: string;
  /** clerk-remix-native: verified tokens kept, so that a repeat costs no RSA operation. Default 4096; 0: off. */
  tokenCacheSize?: number;
  /** 2022 beta: the Frontend API host, used when no publishable key is configured. */
  frontendApi?: string;
  /** 2022 beta: the Backend API version (`CLERK_API_VERSION`). Default `v1`. */
  apiVersion?: string;
  /**
   * clerk-remix-native: the app's own origin (`https://app.example.com`), pinned whatever `X-Forwarded-Host` /
   * `X-Forwarded-Proto` / `Host` say. Default `CLERK_APP_ORIGIN`.
   */
  appOrigin?: string;
  /**
   * clerk-remix-native, development instances: origins besides the app's own a primary may send a satellite's browser
   * back to (`__clerk_redirect_url`). Default `CLERK_ALLOWED_REDIRECT_ORIGINS` (comma-separated).
   */
  allowedRedirectOrigins?: string | string[];
} & Pick<VerifyTokenOptions, 'audience' | 'authorizedParties'> &
  MultiDomainAndOrProxy &
  SignInForceRedirectUrl &
  SignInFallbackRedirectUrl &
  SignUpForceRedirectUrl &
  SignUpFallbackRedirectUrl &
  NewSubscriptionRedirectUrl &
  LegacyRedirectProps;

/** Options of `getAuth`: as in Clerk's types, the secret key only. */
export type GetAuthOptions = Pick<RootAuthLoaderOptions, 'secretKey'>;

export type RootAuthLoaderCallback<Options extends RootAuthLoaderOptions> = (
  args: LoaderFunctionArgsWithAuth<Options>,
) => RootAuthLoaderCallbackReturn;

type ObjectLike = Record<string, unknown> | null;

/** What a root loader callback may return: something `clerkState` can be added to, or a redirect. */
export type RootAuthLoaderCallbackReturn = Promise<Response> | Response | Promise<ObjectLike> | ObjectLike;

export type LoaderFunctionArgs = DataFunctionArgs;
export type LoaderFunctionReturn = ReturnType<LoaderFunction>;

/** The 2022 beta's callback argument: `auth` (= `request.auth`), `user` and `session` beside the loader args. */
type BetaCallbackArgs<Options extends RootAuthLoaderOptions> = {
  auth: RequestWithAuth<Options>['auth'];
  user?: User | null;
  session?: Session | null;
};

export type LoaderFunctionArgsWithAuth<Options extends RootAuthLoaderOptions = any> = LoaderFunctionArgs & {
  request: RequestWithAuth<Options>;
} & BetaCallbackArgs<Options>;

export type RequestWithAuth<Options extends RootAuthLoaderOptions = any> = LoaderFunctionArgs['request'] & {
  auth: Omit<SignedInAuthObject | SignedOutAuthObject, 'session' | 'user' | 'organization'>;
} & (Options extends { loadSession: true } ? { session: Session | null } : object) &
  (Options extends { loadUser: true } ? { user: User | null } : object) &
  (Options extends { loadOrganization: true } ? { organization: Organization | null } : object);

export interface RootAuthLoader {
  <Options extends RootAuthLoaderOptions, Callback extends RootAuthLoaderCallback<Options>>(
    /** The loader's arguments. */
    args: LoaderFunctionArgs,
    /** Your root loader, run with the request's auth state (and the resources `options` load) on `request`. */
    callback: Callback,
    options?: Options,
  ): Promise<ReturnType<Callback>>;
  (args: LoaderFunctionArgs, options?: RootAuthLoaderOptions): Promise<LoaderFunctionReturn>;
}

/** `getAuth(args, options?)`; `getAuth(request)` is the 2022 beta form. */
export type GetAuth = (args: LoaderFunctionArgs | Request, opts?: GetAuthOptions) => GetAuthReturn;

export type {
  AllowlistIdentifier,
  Client,
  EmailAddress,
  ExternalAccount,
  Invitation,
  OauthAccessToken,
  Organization,
  OrganizationDomain,
  OrganizationInvitation,
  OrganizationMembership,
  OrganizationMembershipPublicUserData,
  OrganizationMembershipRole,
  PhoneNumber,
  Session,
  SignInToken,
  SMSMessage,
  Token,
  User,
  WebhookEvent,
  WebhookEventType,
} from '@clerk/backend';
export type { SignedInAuthObject, SignedOutAuthObject };
