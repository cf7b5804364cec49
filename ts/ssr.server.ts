// `clerk-remix-native/ssr.server`: `@clerk/remix/ssr.server`'s exports with Clerk's types (ts/remix/ssrTypes.ts), plus the
// token verifier of this package.
import { getAuth as getAuthImpl } from './remix/getAuth';
import { rootAuthLoader as rootAuthLoaderImpl } from './remix/rootAuthLoader';
import type { GetAuth, RootAuthLoader } from './remix/ssrTypes';

/**
 * Makes the request's auth state available to the app: use it as the root route's loader, with or without a
 * callback of your own (`rootAuthLoader(args, ({ request }) => ({ … }), options)`). Adds `clerkState` for
 * `ClerkApp`; throws a 307 `Response` when Clerk's handshake must run.
 */
export const rootAuthLoader: RootAuthLoader = rootAuthLoaderImpl as unknown as RootAuthLoader;

/** The auth object of a loader's request (`getAuth(args)`, or the 2022 beta's `getAuth(request)`). */
export const getAuth: GetAuth = getAuthImpl as unknown as GetAuth;

export type {
  AllowlistIdentifier,
  Client,
  EmailAddress,
  ExternalAccount,
  GetAuthOptions,
  GetAuthReturn,
  Invitation,
  LoaderFunctionArgs,
  LoaderFunctionArgsWithAuth,
  LoaderFunctionReturn,
  OauthAccessToken,
  Organization,
  OrganizationDomain,
  OrganizationInvitation,
  OrganizationMembership,
  OrganizationMembershipPublicUserData,
  OrganizationMembershipRole,
  PhoneNumber,
  RequestWithAuth,
  RootAuthLoaderCallback,
  RootAuthLoaderCallbackReturn,
  RootAuthLoaderOptions,
  Session,
  SignedInAuthObject,
  SignedOutAuthObject,
  SignInToken,
  SMSMessage,
  Token,
  User,
  WebhookEvent,
  WebhookEventType,
} from './remix/ssrTypes';
export type { ClerkState } from './core/clerkState';
export { ClerkAPIResponseError } from './core/authObject';

export { createTokenVerifier } from './core/createTokenVerifier';
export type {
  SessionClaims,
  TokenVerifier,
  TokenVerifierOptions,
  VerifiedRequestToken,
  VerifyCallOptions,
} from './core/createTokenVerifier';
export { TokenVerificationError } from './core/TokenVerificationError';
export type { TokenCarrier } from './core/TokenVerificationError';
export { verifyToken } from './core/verifyToken';
