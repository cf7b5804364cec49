import { remember } from './boundedCache';
import { createTokenVerifier, type SessionClaims, type TokenVerifier, type TokenVerifierOptions } from './createTokenVerifier';

const verifiers = new Map<string, TokenVerifier>();

/**
 * `@clerk/backend`'s `verifyToken(token, options)`: resolves the verified claims or rejects with a
 * `TokenVerificationError`. The verifier for each distinct option set is built once and reused (the most recently
 * used 64).
 */
export function verifyToken(token: string, options: TokenVerifierOptions): Promise<SessionClaims> {
  return remember(verifiers, JSON.stringify(options), 64, () => createTokenVerifier(options)).verify(token);
}
