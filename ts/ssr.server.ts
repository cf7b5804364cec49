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
