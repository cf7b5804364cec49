export { createTokenVerifier } from './createTokenVerifier';
export type {
  SessionClaims,
  TokenVerifier,
  TokenVerifierOptions,
  VerifiedRequestToken,
  VerifyCallOptions,
} from './createTokenVerifier';
export { TokenVerificationError } from './TokenVerificationError';
export type { TokenCarrier } from './TokenVerificationError';
export { verifyToken } from './verifyToken';
export { rootAuthLoader } from './rootAuthLoader';
export type {
  ClerkState,
  DeferredDataLike,
  LoaderFunctionArgs,
  LoaderFunctionArgsWithAuth,
  RequestWithAuth,
  RootAuthLoaderCallback,
  RootAuthLoaderCallbackReturn,
  RootAuthLoaderOptions,
} from './rootAuthLoader';
export { getAuth } from './getAuth';
export type { GetAuthOptions, GetAuthReturn } from './getAuth';
export type { RequestState } from './authenticateRequest';
export type {
  AuthObject,
  BetaAuth,
  CheckAuthorizationParams,
  GetTokenOptions,
  SignedInAuthObject,
  SignedOutAuthObject,
} from './authObject';
export { ClerkAPIResponseError } from './authObject';
