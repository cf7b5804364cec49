import native = require('./native');
import { TokenVerificationError, type TokenCarrier } from './TokenVerificationError';

/** A string or a list option (`audience`, `authorizedParties`) as the addon takes it: a list of strings, or none. */
export function stringListOption(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.map(String) : undefined;
}

/** Options of `createTokenVerifier` and `verifyToken` (the names of `@clerk/backend`'s `verifyToken`). */
export interface TokenVerifierOptions {
  /** PEM public key (`CLERK_JWT_KEY`): networkless verification; any RSA size from 2048 to 8192 bits. */
  jwtKey?: string;
  /** Secret key (`CLERK_SECRET_KEY`): used to fetch the JWKS from the Backend API. */
  secretKey?: string;
  /** Backend API URL. Default `https://api.clerk.com`. */
  apiUrl?: string;
  /** Backend API version. Default `v1`. */
  apiVersion?: string;
  /** Allowed clock difference for exp/nbf/iat, in ms. Default 5000. */
  clockSkewInMs?: number;
  /** Origins allowed in the `azp` claim (checked when non-empty). */
  authorizedParties?: string[];
  /** Audience(s) an `aud` claim must name (checked when non-empty). */
  audience?: string | string[];
  /**
   * How long a fetched JWKS is used, in ms. Default 300000. It is refreshed in the background between 70 % and 90 %
   * of this time, so requests do not wait for it.
   */
  jwksCacheTtlInMs?: number;
  /**
   * How long past its TTL the last fetched JWKS keeps verifying while the Backend API cannot be reached (refused,
   * timeout, 5xx, a body that is not a JWKS), in ms. Default 3600000 (one hour); 0 = fail as soon as the TTL passes.
   * An answer that withdraws keys (a set without a kid, a refused secret key) applies at once whatever this says.
   */
  jwksMaxStaleInMs?: number;
  /** Least time between two refetches caused by unknown kids, in ms. Default 30000. */
  kidCooldownInMs?: number;
  /** Total time for one JWKS fetch, in ms. Default 5000. */
  timeoutInMs?: number;
  /**
   * Verified tokens kept so that a repeat costs no RSA operation (claims are re-checked on every use; an entry is
   * dropped when its key leaves the JWKS). Default 4096; 0 turns the cache off.
   */
  tokenCacheSize?: number;
}

/** Verified session claims (`sub`, `sid`, `exp`, `iat`, `azp`, `org_id`, `o`, …), as issued. */
export type SessionClaims = Record<string, unknown> & { sub: string; exp: number };

export interface VerifiedRequestToken {
  claims: SessionClaims;
  token: string;
  carrier: TokenCarrier;
}

export interface VerifyCallOptions {
  /** Replaces the clock for exp/nbf/iat (tests with frozen time). */
  nowMs?: number;
}

export interface TokenVerifier {
  /** Claims from cached keys without waiting; `undefined` when the JWKS must be fetched first (use `verify`). */
  verifySync(token: string, options?: VerifyCallOptions): SessionClaims | undefined;
  /** Claims, fetching the JWKS first when needed. Rejects with a `TokenVerificationError`. */
  verify(token: string, options?: VerifyCallOptions): Promise<SessionClaims>;
  /**
   * The session token of a request (Authorization header first, then the `__session` cookie), verified.
   * `null` when the request carries no token.
   */
  verifyRequest(
    headers: { authorization?: string | null; cookie?: string | null },
    options?: VerifyCallOptions,
  ): Promise<VerifiedRequestToken | null>;
}

type Outcome = import('../../index').VerifyOutcome;
type ClaimsOrOutcome = string | Outcome;

function toError(outcome: Outcome): TokenVerificationError {
  const err = new TokenVerificationError({
    reason: outcome.reason ?? 'token-verification-failed',
    message: outcome.message ?? '',
    action: outcome.action ?? undefined,
  });
  if (outcome.carrier) err.tokenCarrier = outcome.carrier as TokenCarrier;
  return err;
}

function claimsOf(result: ClaimsOrOutcome): SessionClaims {
  if (typeof result === 'string') return JSON.parse(result) as SessionClaims;
  if (!result.ok) throw toError(result);
  return JSON.parse(result.claims as string) as SessionClaims;
}

const needsFetch = (result: ClaimsOrOutcome): boolean => typeof result !== 'string' && result.needsFetch === true;

/**
 * A verifier whose key (PEM) or JWKS cache is prepared once; keep it and reuse it for every request.
 * Verifiers with the same `apiUrl`, `secretKey` and cache settings share one JWKS cache.
 */
export function createTokenVerifier(options: TokenVerifierOptions = {}): TokenVerifier {
  const verifier = new native.NativeVerifier({
    jwtKey: options.jwtKey,
    secretKey: options.secretKey,
    apiUrl: options.apiUrl,
    apiVersion: options.apiVersion,
    clockSkewMs: options.clockSkewInMs,
    authorizedParties: options.authorizedParties,
    audience: stringListOption(options.audience),
    jwksCacheTtlMs: options.jwksCacheTtlInMs,
    jwksMaxStaleMs: options.jwksMaxStaleInMs,
    kidCooldownMs: options.kidCooldownInMs,
    timeoutMs: options.timeoutInMs,
    tokenCacheSize: options.tokenCacheSize,
  });

  return {
    verifySync(token, call) {
      const result = verifier.verifySync(token, call?.nowMs);
      return needsFetch(result) ? undefined : claimsOf(result);
    },
    async verify(token, call) {
      const result = verifier.verifySync(token, call?.nowMs);
      return claimsOf(needsFetch(result) ? await verifier.verify(token, call?.nowMs) : result);
    },
    async verifyRequest(headers, call) {
      const authorization = headers.authorization ?? undefined;
      const cookie = headers.cookie ?? undefined;
      let outcome = verifier.verifyHeadersSync(authorization, cookie, call?.nowMs);
      if (outcome.needsFetch) outcome = await verifier.verifyHeaders(authorization, cookie, call?.nowMs);
      if (!outcome.token) return null;
      return { claims: claimsOf(outcome), token: outcome.token, carrier: outcome.carrier as TokenCarrier };
    },
  };
}
