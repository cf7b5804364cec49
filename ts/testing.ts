// `clerk-remix-native/testing`: helpers for testing loaders offline against a local Clerk issuer.
// The issuer itself lives in `./testing/` (one file per concern); this entry only re-exports its public surface.
export { createLocalIssuer } from './testing/createLocalIssuer';
export { generateSigningKey } from './testing/keys';
export { cookieSuffixOf } from './testing/tokens';
export { publishableKeyFor } from './core/publishableKeyFor';
export { localClerkJsSource } from './testing/localClerkJs';
export type {
  LocalCookieHeaderOptions,
  LocalInstanceType,
  LocalIssuer,
  LocalIssuerEnv,
  LocalIssuerOptions,
  LocalJwk,
  LocalMachineTokenSpec,
  LocalJwtAlgorithm,
  LocalOrgClaimsV1,
  LocalOrgClaimsV2,
  LocalOverrideResponse,
  LocalRecordedRequest,
  LocalRotateOptions,
  LocalSessionTokenSpec,
  LocalSetCookieOptions,
  LocalHandshakeTokenOptions,
  LocalSignOptions,
  LocalSigningKey,
} from './testing/types';
