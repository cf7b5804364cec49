import { createTokenVerifier, type SessionClaims, type TokenVerifier, type TokenVerifierOptions } from './createTokenVerifier';

const verifiers = new Map<string, TokenVerifier>();

/**
 * `@clerk/backend`'s `verifyToken(token, options)`: resolves the verified claims or rejects with a
 * `TokenVerificationError`. The verifier for each distinct option set is built once and reused.
 */
export function verifyToken(token: string, options: TokenVerifierOptions): Promise<SessionClaims> {
  const key = JSON.stringify(options);
  let verifier = verifiers.get(key);
  if (!verifier) {
    verifier = createTokenVerifier(options);
    verifiers.set(key, verifier);
  }
  return verifier.verify(token);
}
