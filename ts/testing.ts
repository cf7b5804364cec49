// `clerk-remix-native/testing`: helpers for testing loaders offline against a local Clerk issuer.
export { createLocalIssuer, generateSigningKey, cookieSuffixOf } from './createLocalIssuer';
export { publishableKeyFor } from './core/publishableKeyFor';
export { localClerkJsSource } from './localClerkJs';
export type {
  LocalCookieHeaderOptions,
  LocalInstanceType,
  LocalIssuer,
  LocalIssuerEnv,
  LocalIssuerOptions,
  LocalJwk,
  LocalJwtAlgorithm,
  LocalOrgClaimsV1,
  LocalOrgClaimsV2,
  LocalOverrideResponse,
  LocalRecordedRequest,
  LocalRotateOptions,
  LocalSessionTokenSpec,
  LocalSetCookieOptions,
  LocalSignOptions,
  LocalSigningKey,
} from './createLocalIssuer';
