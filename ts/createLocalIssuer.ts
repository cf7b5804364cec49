// A local stand-in for a Clerk instance: an RSA signing key, a session-token minter, request-material helpers,
// and a real node:http server on 127.0.0.1 that answers the few Backend API endpoints the server-side SDKs call.
// Meant for tests (yours and ours); nothing here is on the request path of `clerk-remix-native/ssr.server`.
import { createHash, generateKeyPairSync, randomBytes, sign as rsaSign, verify as rsaVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localClerkJsSource } from './localClerkJs';
import { publishableKeyFor } from './core/publishableKeyFor';

/** Which kind of Clerk instance the issuer plays: `pk_live_`/`sk_live_` keys or `pk_test_`/`sk_test_` keys. */
export type LocalInstanceType = 'production' | 'development';

/** RSA PKCS#1 v1.5 algorithms Clerk accepts. */
export type LocalJwtAlgorithm = 'RS256' | 'RS384' | 'RS512';

/** An RSA key pair with the `kid` it is published under. */
export interface LocalSigningKey {
  /** Key id, the JWT header `kid` and the JWK `kid`. */
  kid: string;
  /** Private key (signs tokens). */
  privateKey: KeyObject;
  /** Public key. */
  publicKey: KeyObject;
  /** Public JWK as the issuer's JWKS lists it: `{ use: 'sig', kty: 'RSA', kid, alg: 'RS256', n, e }`. */
  jwk: LocalJwk;
  /** Public key as a SubjectPublicKeyInfo PEM (what `CLERK_JWT_KEY` holds). */
  pem: string;
}

/** A public RSA JWK. */
export interface LocalJwk {
  use: 'sig';
  kty: 'RSA';
  kid: string;
  alg: 'RS256';
  n: string;
  e: string;
}

/** Options of {@link createLocalIssuer}. Every member is optional. */
export interface LocalIssuerOptions {
  /** `'production'` (default): `pk_live_`/`sk_live_` keys; `'development'`: `pk_test_`/`sk_test_` keys. */
  instance?: LocalInstanceType;
  /**
   * Frontend API host encoded in the publishable key and used as the tokens' `iss` (`https://<host>`).
   * Default `clerk.local-issuer.test` (production) or a random `<word>-<word>-<nn>.clerk.accounts.dev` (development).
   */
  frontendApi?: string;
  /** Secret key the server requires as `Authorization: Bearer …`. Default: a random `sk_live_…`/`sk_test_…`. */
  secretKey?: string;
  /** `kid` of the first signing key. Default `ins_local_<random>`. */
  kid?: string;
  /** RSA modulus size of generated keys. Default 2048 (the only size `CLERK_JWT_KEY` PEMs work with in Clerk). */
  modulusLength?: number;
  /** The issuer's clock in ms since the epoch: a fixed number (frozen time) or a function. Default `Date.now`. */
  now?: number | (() => number);
  /** Default `azp` of minted session tokens. Default `http://localhost:3000`. */
  authorizedParty?: string;
  /**
   * When true, `GET /v1/users|sessions|organizations/{id}` answers 404 for ids not registered with `defineUser` /
   * `defineSession` / `defineOrganization`. Default false: unknown ids get a synthesized minimal object.
   */
  strictResources?: boolean;
  /** Host to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on. Default 0 (a free port). */
  port?: number;
}

/** v1 organization claims (`org_id`, `org_slug`, `org_role`, `org_permissions`). */
export interface LocalOrgClaimsV1 {
  id: string;
  slug?: string;
  /** Written as is, e.g. `'org:admin'`. */
  role?: string;
  /** e.g. `['org:sys_memberships:read']`. */
  permissions?: string[];
}

/** v2 organization claims: the `o` claim (`id`, `slg`, `rol`, `per`, `fpm`) plus the top-level `fea` claim. */
export interface LocalOrgClaimsV2 {
  id: string;
  /** Slug (`o.slg`). */
  slg?: string;
  /** Role without the `org:` prefix (`o.rol`), e.g. `'admin'`. */
  rol?: string;
  /** Comma-separated permission names (`o.per`), e.g. `'read,manage'`. */
  per?: string;
  /** Comma-separated per-feature permission bitmasks (`o.fpm`), e.g. `'3,1'`. */
  fpm?: string;
  /** Features string written to the top-level `fea` claim, e.g. `'o:dashboard,o:billing'`. */
  fea?: string;
}

/** What {@link LocalIssuer.sessionToken} mints. Times are seconds since the epoch (numbers) or `Date`s. */
export interface LocalSessionTokenSpec {
  /** `sub`. Default: the issuer's `userId`. */
  userId?: string;
  /** `sid`. Default: the issuer's `sessionId`. */
  sessionId?: string;
  /** `iat`. Default: the issuer's clock (`now()`), rounded down to seconds. */
  issuedAt?: number | Date;
  /** `exp - iat`. Default 60 (Clerk's session-token lifetime). */
  expiresInSeconds?: number;
  /** `nbf`. Default `iat - 10` (as Clerk issues them). `null` leaves the claim out. */
  notBefore?: number | Date | null;
  /** `azp`. Default: the issuer's `authorizedParty`. `null` leaves the claim out. */
  azp?: string | null;
  /** Claim-set version: 2 (default: `v: 2`, `sts`, `fva`, `o`) or 1 (no `v`; `org_*` claims). `org` implies 1. */
  version?: 1 | 2;
  /** v1 organization claims. */
  org?: LocalOrgClaimsV1;
  /** v2 organization claims (`o` + `fea`). */
  orgV2?: LocalOrgClaimsV2;
  /** Actor (`act`) of an impersonation session, e.g. `{ sub: 'user_admin' }`. */
  actor?: Record<string, unknown>;
  /** `sts`. Default `'active'` for v2 tokens, absent for v1. `null` leaves it out. */
  status?: 'active' | 'pending' | null;
  /** `fva` ([first-factor age, second-factor age] in minutes, -1 = not enrolled). Default `[0, -1]` for v2. `null` leaves it out. */
  fva?: [number, number] | null;
  /** `fea` (features string), when not given through `orgV2.fea`. */
  features?: string;
  /** `pla` (plans string). */
  plans?: string;
  /** Added last; a member whose value is `undefined` removes that claim (e.g. `{ sub: undefined }`). */
  extraClaims?: Record<string, unknown>;
  /** Header members merged over `{ alg, kid, typ: 'JWT' }`; `undefined` removes one. */
  header?: Record<string, unknown>;
  /** Header `kid`. Default: the kid of the key that signs. */
  kid?: string;
  /** Signature algorithm. Default `RS256`. */
  alg?: LocalJwtAlgorithm;
  /** Sign with this key instead of the issuer's current one (a forged or foreign token). */
  signWith?: LocalSigningKey | KeyObject | string;
}

/** Options of {@link LocalIssuer.signJwt} and {@link LocalIssuer.handshakeToken}. */
export interface LocalSignOptions {
  /** Header members merged over `{ alg, kid, typ: 'JWT' }`; `undefined` removes one. */
  header?: Record<string, unknown>;
  /** Header `kid`. Default: the kid of the signing key. */
  kid?: string;
  /** Default `RS256`. */
  alg?: LocalJwtAlgorithm;
  /** Sign with this key instead of the issuer's current one. */
  signWith?: LocalSigningKey | KeyObject | string;
}

/** Options of {@link LocalIssuer.cookieHeader}. */
export interface LocalCookieHeaderOptions {
  /** Session token for `__session` (or `__session_<suffix>`). */
  session?: string;
  /**
   * `__client_uat` value. Default: the session token's `iat` when `session` is given (a signed-in browser),
   * otherwise absent. `null`/`false` leaves it out; `0` or `'0'` writes the signed-out marker.
   */
  clientUat?: number | string | null | false;
  /**
   * Cookie naming: `false` (default) plain names, `true` the instance-suffixed names (`__session_<suffix>`, …),
   * `'both'` both (suffixed first), as a browser with a recent clerk-js holds them.
   */
  suffixed?: boolean | 'both';
  /** `__clerk_db_jwt` (development browser token). `true` uses the issuer's `devBrowserToken`. */
  devBrowser?: string | true;
  /** `__refresh_<suffix>` value (Clerk reads the refresh cookie only under its suffixed name). */
  refresh?: string;
  /** More cookies: an object (`name=value` each, written as is) or a raw `a=b; c=d` string, appended last. */
  extra?: Record<string, string> | string;
}

/** Options of {@link LocalIssuer.setCookieDirectives}. */
export interface LocalSetCookieOptions {
  /** Session token for the `__session` directive. Omitted: a directive that clears `__session`. */
  session?: string;
  /** `__client_uat` value. Default: the session's `iat`, or `0` without a session. */
  clientUat?: number | string;
  /** Also (true) or only (`'only'`) the suffixed names. Default false. */
  suffixed?: boolean | 'only';
}

/** Options of {@link LocalIssuer.rotateKey}. */
export interface LocalRotateOptions {
  /** Keep serving the previous key(s) in the JWKS. Default true. */
  keepPrevious?: boolean;
  /** `kid` of the new key. Default `ins_local_<random>`. */
  kid?: string;
}

/** One request the server received. */
export interface LocalRecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Decoded query parameters (last value wins). */
  query: Record<string, string>;
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. */
  body: unknown;
  /** Status the server answered. */
  status: number;
  /** The issuer's clock when the request arrived. */
  at: number;
}

/** What an {@link LocalIssuer.override} responder returns. */
export interface LocalOverrideResponse {
  status?: number;
  /** Serialized as JSON unless it is a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** The `CLERK_*` settings that point `@clerk/remix` (or this package) at the issuer. */
export interface LocalIssuerEnv {
  CLERK_SECRET_KEY: string;
  CLERK_PUBLISHABLE_KEY: string;
  CLERK_API_URL: string;
  CLERK_JWT_KEY?: string;
  /** With `env({ browser: true })`: the issuer's own URL, so handshake redirects go to its Frontend API. */
  CLERK_PROXY_URL?: string;
  /** With `env({ browser: true })`: the URL of the issuer's clerk-js stand-in. */
  CLERK_JS?: string;
}

/** The object {@link createLocalIssuer} resolves to. */
export interface LocalIssuer {
  /** `'production'` or `'development'`. */
  readonly instanceType: LocalInstanceType;
  /** Frontend API host, e.g. `clerk.local-issuer.test`. */
  readonly frontendApi: string;
  /** `iss` of minted tokens: `https://<frontendApi>`. */
  readonly issuer: string;
  /** `pk_live_`/`pk_test_` + base64(`<frontendApi>$`). */
  readonly publishableKey: string;
  /** The secret key the server accepts. */
  readonly secretKey: string;
  /** `http://127.0.0.1:<port>` (the Backend API base URL, without `/v1`). */
  readonly apiUrl: string;
  /** The server's port. */
  readonly port: number;
  /** First 8 characters of base64url(SHA-1(publishableKey)), as `@clerk/shared` `getCookieSuffix` computes it. */
  readonly cookieSuffix: string;
  /** PEM (SPKI) public key of the current signing key (`CLERK_JWT_KEY`). */
  readonly jwtKey: string;
  /** `kid` of the current signing key. */
  readonly kid: string;
  /** The current signing key. */
  readonly currentKey: LocalSigningKey;
  /** Every key the JWKS serves, current key first. */
  readonly keys: readonly LocalSigningKey[];
  /** Default `sub` of minted tokens (`user_…`). */
  readonly userId: string;
  /** Default `sid` of minted tokens (`sess_…`). */
  readonly sessionId: string;
  /**
   * Where the issuer plays Clerk's Frontend API for browsers (`http://127.0.0.1:<port>`, the same server):
   * `GET /v1/client/handshake`, `POST /v1/client/sessions/{sid}/tokens|end`, and the clerk-js stand-in.
   */
  readonly frontendApiUrl: string;
  /** URL of the clerk-js stand-in the issuer serves (what `CLERK_JS` points at with `env({ browser: true })`). */
  readonly clerkJsUrl: string;
  /** A development-browser token (`dvb_…`) for `__clerk_db_jwt`. */
  readonly devBrowserToken: string;
  /** Every request received, in order. */
  readonly requests: readonly LocalRecordedRequest[];
  /** The issuer's clock (ms). Assign a function to freeze or move time: `issuer.now = () => 1_700_000_000_000`. */
  now: () => number;

  /** The JWKS document served at `GET /v1/jwks`. */
  jwks(): { keys: LocalJwk[] };
  /**
   * Makes a new signing key current. With `keepPrevious` (default) the old keys stay in the JWKS, so tokens they
   * signed still verify; otherwise they are dropped. Returns the new key.
   */
  rotateKey(options?: LocalRotateOptions): LocalSigningKey;
  /** Stops serving the key with this kid (the current key cannot be removed). */
  removeKey(kid: string): void;
  /**
   * The `CLERK_*` settings for this issuer. `jwtKey: true` adds `CLERK_JWT_KEY` (networkless verification; note that
   * `@clerk/backend` then never expires its remote JWKS cache for the rest of the process). `browser: true` adds
   * `CLERK_PROXY_URL` (the issuer's URL: handshake redirects then reach its Frontend API) and `CLERK_JS` (its
   * clerk-js stand-in), for an app that real browsers use.
   */
  env(options?: { jwtKey?: boolean; browser?: boolean }): LocalIssuerEnv;
  /**
   * Starts a session for `userId` (default: the issuer's `userId`), as `POST /v1/sessions` does, and returns it
   * with a fresh session token and the `Set-Cookie` values that sign a browser in (`__session`, `__client_uat`).
   */
  createSession(options?: { userId?: string; secure?: boolean }): { sessionId: string; userId: string; token: string; setCookies: string[] };
  /** Ends a session (as signing out or `POST /v1/sessions/{sid}/revoke`): no more tokens or handshakes for it. */
  endSession(sessionId: string): void;
  /** Whether the session was ended. */
  isSessionEnded(sessionId: string): boolean;

  /** The claim set {@link sessionToken} would sign. */
  sessionClaims(spec?: LocalSessionTokenSpec): Record<string, unknown>;
  /** A signed session token (JWT) with Clerk's claim set: `azp, exp, fva, iat, iss, nbf, sid, sts, sub, v`, …. */
  sessionToken(spec?: LocalSessionTokenSpec): string;
  /** Signs any payload as a compact JWS with the issuer's key (or `signWith`). */
  signJwt(payload: Record<string, unknown>, options?: LocalSignOptions): string;
  /** A handshake JWT: payload `{ handshake: directives }`, signed like session tokens (for `__clerk_handshake`). */
  handshakeToken(directives: string[], options?: LocalSignOptions): string;
  /** Set-Cookie directives as Clerk's handshake/refresh answers carry them (`__session=…`, `__client_uat=…`). */
  setCookieDirectives(options?: LocalSetCookieOptions): string[];
  /** Makes `GET /v1/clients/handshake_payload?nonce=<nonce>` answer `{ directives }`. */
  registerHandshakeNonce(nonce: string, directives: string[]): void;
  /**
   * A refresh token the refresh endpoint accepts (for `__refresh_<suffix>`). With `sessionId`, only for that session.
   * Unknown refresh tokens get a 422 `{ errors: [{ code: 'refresh_token_invalid' }] }`.
   */
  createRefreshToken(options?: { sessionId?: string; token?: string }): string;
  /** Registers the object `GET /v1/users/{id}` answers (merged over a minimal user). */
  defineUser(user: { id: string } & Record<string, unknown>): void;
  /** Registers the object `GET /v1/sessions/{id}` answers (merged over a minimal session). */
  defineSession(session: { id: string } & Record<string, unknown>): void;
  /** Registers the object `GET /v1/organizations/{id}` answers (merged over a minimal organization). */
  defineOrganization(organization: { id: string } & Record<string, unknown>): void;
  /**
   * Answers `method path` (exact path string, or a RegExp tested on the path) with `responder` instead of the
   * built-in handler, e.g. to simulate an outage. The responder may return `undefined` to fall through.
   * Returns a function that removes the override.
   */
  override(
    method: string,
    path: string | RegExp,
    responder: (request: LocalRecordedRequest) => LocalOverrideResponse | undefined,
  ): () => void;

  /** The Cookie header of a browser holding these Clerk cookies, e.g. `__session=…; __client_uat=…`. */
  cookieHeader(options?: LocalCookieHeaderOptions): string;
  /** `Bearer <token>`. */
  authorizationHeader(token: string): string;

  /** How many requests arrived, optionally only for one path (without query) and method. */
  count(path?: string, method?: string): number;
  /** Request counts keyed by `METHOD path`, e.g. `{ 'GET /v1/jwks': 1 }`. */
  counts(): Record<string, number>;
  /** Forgets the recorded requests. */
  resetRequests(): void;
  /** Stops the server and drops every open connection. Idempotent. */
  close(): Promise<void>;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGEST: Record<LocalJwtAlgorithm, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };
const DEV_WORDS_A = ['happy', 'brave', 'calm', 'eager', 'fancy', 'gentle', 'jolly', 'lucky', 'proud', 'witty'];
const DEV_WORDS_B = ['cat', 'otter', 'fox', 'owl', 'lynx', 'panda', 'koala', 'heron', 'yak', 'seal'];

/** Random `[0-9A-Za-z]` string of `length` characters. */
function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i += 1) out += BASE62[bytes[i] % 62];
  return out;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const jsonB64url = (value: unknown): string => b64url(JSON.stringify(value));

/** Seconds since the epoch from a number of seconds or a Date. */
const toSeconds = (value: number | Date): number => (value instanceof Date ? Math.floor(value.getTime() / 1000) : value);

/** Drops members whose value is `undefined` (so `{ kid: undefined }` removes a header member). */
function withoutUndefined(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) if (v !== undefined) out[k] = v;
  return out;
}

/** Decodes a JWT payload without verifying it; `undefined` when it is not a JWT. */
function decodePayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' ? payload : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Generates an RSA key pair usable as an issuer key or as a foreign key for `signWith`.
 * @param kid - key id; default `ins_local_<random>`.
 * @param modulusLength - default 2048.
 */
export function generateSigningKey(kid: string = `ins_local_${randomId(16)}`, modulusLength = 2048): LocalSigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent: 0x10001 });
  const exported = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { use: 'sig', kty: 'RSA', kid, alg: 'RS256', n: exported.n, e: exported.e },
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Clerk's cookie suffix of a publishable key: base64url(SHA-1(pk)) cut to 8 characters. */
export function cookieSuffixOf(publishableKey: string): string {
  return createHash('sha1').update(publishableKey).digest('base64url').slice(0, 8);
}

/**
 * Starts a local Clerk issuer: an RSA-2048 signing key, a token minter, and a real HTTP server on 127.0.0.1 that
 * plays the Backend API endpoints the server SDKs call — `GET /v1/jwks`, `GET /v1/clients/handshake_payload`,
 * `POST /v1/sessions/{sid}/refresh`, `POST /v1/sessions/{sid}/tokens[/{template}]`, `GET /v1/users/{id}`,
 * `GET /v1/sessions/{id}`, `GET /v1/organizations/{id}` — each behind `Authorization: Bearer <secretKey>`.
 *
 * For browsers it also plays the Frontend API on the same port (`GET /v1/client/handshake`,
 * `POST /v1/client/sessions/{sid}/tokens|end`, a clerk-js stand-in) — see `env({ browser: true })`.
 *
 * Point the SDK at it with `issuer.env()` (`CLERK_SECRET_KEY`, `CLERK_PUBLISHABLE_KEY`, `CLERK_API_URL`), mint
 * tokens with `issuer.sessionToken()`, build requests with `issuer.cookieHeader()` /
 * `issuer.authorizationHeader()`, and `await issuer.close()` when done.
 *
 * @example
 * ```ts
 * import { createLocalIssuer } from 'clerk-remix-native/testing';
 *
 * const issuer = await createLocalIssuer();
 * Object.assign(process.env, issuer.env());
 * const token = issuer.sessionToken({ userId: 'user_123' });
 * const request = new Request('http://localhost:3000/', {
 *   headers: { cookie: issuer.cookieHeader({ session: token }) },
 * });
 * const auth = await getAuth({ request, params: {}, context: {} });
 * // auth.userId === 'user_123'
 * await issuer.close();
 * ```
 */
export async function createLocalIssuer(options: LocalIssuerOptions = {}): Promise<LocalIssuer> {
  const instanceType: LocalInstanceType = options.instance ?? 'production';
  const production = instanceType === 'production';
  const frontendApi =
    options.frontendApi ??
    (production
      ? 'clerk.local-issuer.test'
      : `${DEV_WORDS_A[randomBytes(1)[0] % 10]}-${DEV_WORDS_B[randomBytes(1)[0] % 10]}-${10 + (randomBytes(1)[0] % 90)}.clerk.accounts.dev`);
  const issuerUrl = `https://${frontendApi}`;
  const publishableKey = publishableKeyFor(frontendApi, instanceType);
  const secretKey = options.secretKey ?? `${production ? 'sk_live_' : 'sk_test_'}${randomId(40)}`;
  const cookieSuffix = cookieSuffixOf(publishableKey);
  const modulusLength = options.modulusLength ?? 2048;
  const authorizedParty = options.authorizedParty ?? 'http://localhost:3000';
  const strictResources = options.strictResources ?? false;

  let keys: LocalSigningKey[] = [generateSigningKey(options.kid, modulusLength)];
  const userId = `user_${randomId(27)}`;
  const sessionId = `sess_${randomId(27)}`;
  const devBrowserToken = `dvb_${randomId(27)}`;
  const clientId = `client_${randomId(27)}`;

  const requests: LocalRecordedRequest[] = [];
  const nonces = new Map<string, string[]>();
  const refreshTokens = new Map<string, string | undefined>();
  const users = new Map<string, Record<string, unknown>>();
  const sessions = new Map<string, Record<string, unknown>>();
  const organizations = new Map<string, Record<string, unknown>>();
  /** sid → sub of every session token minted, so that sessions/tokens endpoints know the user. */
  const sessionUsers = new Map<string, string>();
  /** Sessions ended by sign-out or revocation. */
  const endedSessions = new Set<string>();
  const overrides: Array<{ method: string; path: string | RegExp; responder: (r: LocalRecordedRequest) => LocalOverrideResponse | undefined }> = [];

  const initialNow = options.now;
  let nowFn: () => number =
    typeof initialNow === 'number' ? () => initialNow : typeof initialNow === 'function' ? initialNow : () => Date.now();

  const privateKeyOf = (signWith: LocalSigningKey | KeyObject | string | undefined): { key: KeyObject | string; kid: string | undefined } => {
    if (signWith === undefined) return { key: keys[0].privateKey, kid: keys[0].kid };
    if (typeof signWith === 'string') return { key: signWith, kid: undefined };
    if ('privateKey' in signWith && 'kid' in signWith) return { key: signWith.privateKey, kid: signWith.kid };
    return { key: signWith as KeyObject, kid: undefined };
  };

  const signJwt = (payload: Record<string, unknown>, signOptions: LocalSignOptions = {}): string => {
    const alg = signOptions.alg ?? 'RS256';
    const { key, kid: keyKid } = privateKeyOf(signOptions.signWith);
    const header = withoutUndefined({ alg, kid: signOptions.kid ?? keyKid ?? keys[0].kid, typ: 'JWT', ...signOptions.header });
    const signingInput = `${jsonB64url(header)}.${jsonB64url(payload)}`;
    const signature = rsaSign(DIGEST[alg], Buffer.from(signingInput), key);
    return `${signingInput}.${b64url(signature)}`;
  };

  const sessionClaims = (spec: LocalSessionTokenSpec = {}): Record<string, unknown> => {
    const version = spec.version ?? (spec.org ? 1 : 2);
    const iat = spec.issuedAt !== undefined ? toSeconds(spec.issuedAt) : Math.floor(nowFn() / 1000);
    const exp = iat + (spec.expiresInSeconds ?? 60);
    const nbf = spec.notBefore === null ? undefined : spec.notBefore !== undefined ? toSeconds(spec.notBefore) : iat - 10;
    const azp = spec.azp === null ? undefined : spec.azp ?? authorizedParty;
    const sts = spec.status === null ? undefined : spec.status ?? (version === 2 ? 'active' : undefined);
    const fva = spec.fva === null ? undefined : spec.fva ?? (version === 2 ? [0, -1] : undefined);
    const claims: Record<string, unknown> = {
      act: spec.actor,
      azp,
      exp,
      fea: spec.orgV2?.fea ?? spec.features,
      fva,
      iat,
      iss: issuerUrl,
      nbf,
      o: spec.orgV2
        ? withoutUndefined({ id: spec.orgV2.id, rol: spec.orgV2.rol, slg: spec.orgV2.slg, per: spec.orgV2.per, fpm: spec.orgV2.fpm })
        : undefined,
      org_id: spec.org?.id,
      org_permissions: spec.org ? spec.org.permissions ?? [] : undefined,
      org_role: spec.org?.role,
      org_slug: spec.org?.slug,
      pla: spec.plans,
      sid: spec.sessionId ?? sessionId,
      sts,
      sub: spec.userId ?? userId,
      v: version === 2 ? 2 : undefined,
    };
    for (const [k, v] of Object.entries(spec.extraClaims ?? {})) {
      if (v === undefined) delete claims[k];
      else claims[k] = v;
    }
    return withoutUndefined(claims);
  };

  const sessionToken = (spec: LocalSessionTokenSpec = {}): string => {
    const claims = sessionClaims(spec);
    if (typeof claims.sid === 'string' && typeof claims.sub === 'string') sessionUsers.set(claims.sid, claims.sub);
    return signJwt(claims, { alg: spec.alg, header: spec.header, kid: spec.kid, signWith: spec.signWith });
  };

  const setCookieDirectives = (opts: LocalSetCookieOptions = {}): string[] => {
    const iat = opts.session ? decodePayload(opts.session)?.iat : undefined;
    const uat = String(opts.clientUat ?? (typeof iat === 'number' ? iat : 0));
    const sessionValue = opts.session ?? '';
    const sessionAttrs = opts.session ? 'Path=/; SameSite=Lax; Secure' : 'Path=/; Max-Age=0; SameSite=Lax; Secure';
    const uatAttrs = 'Path=/; Max-Age=315360000; SameSite=Lax; Secure';
    const suffixes = opts.suffixed === 'only' ? [`_${cookieSuffix}`] : opts.suffixed ? [`_${cookieSuffix}`, ''] : [''];
    const out: string[] = [];
    for (const sfx of suffixes) {
      out.push(`__session${sfx}=${sessionValue}; ${sessionAttrs}`);
      out.push(`__client_uat${sfx}=${uat}; ${uatAttrs}`);
    }
    return out;
  };

  /** The JWKS document: every served key, current key first. */
  const jwks = () => ({ keys: keys.map((k) => k.jwk) });

  /** Verifies an RS256/384/512 JWT against any served key; the payload when valid. */
  const verifyWithServedKeys = (token: string): Record<string, unknown> | undefined => {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let header: { alg?: string; kid?: string };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const digest = DIGEST[header.alg as LocalJwtAlgorithm];
    const key = keys.find((k) => k.kid === header.kid);
    if (!digest || !key) return undefined;
    const ok = rsaVerify(digest, Buffer.from(`${parts[0]}.${parts[1]}`), key.publicKey, Buffer.from(parts[2], 'base64url'));
    return ok ? decodePayload(token) : undefined;
  };

  // ---- Backend API objects ----
  const minimalUser = (id: string): Record<string, unknown> => ({
    object: 'user',
    id,
    external_id: null,
    username: null,
    first_name: 'Local',
    last_name: 'User',
    image_url: '',
    has_image: false,
    primary_email_address_id: null,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    password_enabled: false,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses: [],
    phone_numbers: [],
    web3_wallets: [],
    external_accounts: [],
    saml_accounts: [],
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    banned: false,
    locked: false,
    last_sign_in_at: nowFn(),
    last_active_at: nowFn(),
    create_organization_enabled: true,
    create_organizations_limit: null,
    delete_self_enabled: true,
    legal_accepted_at: null,
    locale: null,
    created_at: nowFn(),
    updated_at: nowFn(),
  });
  const minimalSession = (id: string): Record<string, unknown> => ({
    object: 'session',
    id,
    client_id: clientId,
    user_id: sessionUsers.get(id) ?? userId,
    status: endedSessions.has(id) ? 'revoked' : 'active',
    last_active_organization_id: null,
    actor: null,
    last_active_at: nowFn(),
    expire_at: nowFn() + 7 * 24 * 3600 * 1000,
    abandon_at: nowFn() + 30 * 24 * 3600 * 1000,
    created_at: nowFn(),
    updated_at: nowFn(),
  });
  const minimalOrganization = (id: string): Record<string, unknown> => ({
    object: 'organization',
    id,
    name: 'Local Organization',
    slug: 'local-organization',
    image_url: '',
    has_image: false,
    members_count: 1,
    pending_invitations_count: 0,
    max_allowed_memberships: 5,
    admin_delete_enabled: true,
    public_metadata: {},
    private_metadata: {},
    created_by: userId,
    created_at: nowFn(),
    updated_at: nowFn(),
  });

  const clerkError = (code: string, message: string, longMessage = message) => ({
    errors: [{ code, message, long_message: longMessage, meta: {} }],
    clerk_trace_id: `local_${randomId(12)}`,
  });

  type Answer = { status: number; body: unknown; headers?: Record<string, string> };

  const route = (r: LocalRecordedRequest): Answer => {
    const notFound = (): Answer => ({
      status: 404,
      body: clerkError('resource_not_found', 'not found', `No route or resource for ${r.method} ${r.path}`),
    });
    const { method, path } = r;
    if (method === 'GET' && path === '/v1/jwks') return { status: 200, body: jwks() };

    if (method === 'GET' && path === '/v1/clients/handshake_payload') {
      const directives = r.query.nonce !== undefined ? nonces.get(r.query.nonce) : undefined;
      if (!directives) {
        return { status: 404, body: clerkError('resource_not_found', 'Handshake nonce not found', `Unknown handshake nonce ${JSON.stringify(r.query.nonce ?? null)}`) };
      }
      return { status: 200, body: { directives } };
    }

    if (method === 'POST' && path === '/v1/sessions') {
      const body = (r.body ?? {}) as Record<string, unknown>;
      const sub = typeof body.user_id === 'string' && body.user_id ? body.user_id : undefined;
      if (!sub) return { status: 422, body: clerkError('form_param_missing', 'user_id is missing') };
      const sid = startSession(sub);
      return { status: 200, body: { ...minimalSession(sid), ...sessions.get(sid) } };
    }

    let m = /^\/v1\/sessions\/([^/]+)\/revoke$/.exec(path);
    if (m && method === 'POST') {
      const sid = decodeURIComponent(m[1]);
      endedSessions.add(sid);
      return { status: 200, body: { ...minimalSession(sid), ...sessions.get(sid), status: 'revoked' } };
    }

    m = /^\/v1\/sessions\/([^/]+)\/refresh$/.exec(path);
    if (m && method === 'POST') {
      const sid = decodeURIComponent(m[1]);
      if (endedSessions.has(sid)) return { status: 422, body: clerkError('session_not_active', 'Session is not active') };
      const body = (r.body ?? {}) as Record<string, unknown>;
      const refresh = typeof body.refresh_token === 'string' ? body.refresh_token : '';
      if (!refreshTokens.has(refresh) || (refreshTokens.get(refresh) !== undefined && refreshTokens.get(refresh) !== sid)) {
        return { status: 422, body: clerkError('refresh_token_invalid', 'Refresh token is invalid') };
      }
      const expired = typeof body.expired_token === 'string' ? verifyWithServedKeys(body.expired_token) : undefined;
      if (!expired || expired.sid !== sid) {
        return { status: 422, body: clerkError('expired_token_invalid', 'Expired session token is invalid') };
      }
      const iat = Math.floor(nowFn() / 1000);
      const token = reissue(expired, iat);
      const suffixed = r.query.suffixed_cookies === 'true';
      return {
        status: 200,
        body: { object: 'cookies', cookies: setCookieDirectives({ session: token, clientUat: iat, suffixed }) },
      };
    }

    m = /^\/v1\/sessions\/([^/]+)\/tokens(?:\/([^/]+))?$/.exec(path);
    if (m && method === 'POST') {
      const sid = decodeURIComponent(m[1]);
      const template = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
      if (endedSessions.has(sid)) return { status: 422, body: clerkError('session_not_active', 'Session is not active') };
      const body = (r.body ?? {}) as Record<string, unknown>;
      const lifetime = typeof body.expires_in_seconds === 'number' ? body.expires_in_seconds : 60;
      const sub = sessionUsers.get(sid) ?? userId;
      if (template === undefined) {
        return { status: 200, body: { object: 'token', jwt: sessionToken({ sessionId: sid, userId: sub, expiresInSeconds: lifetime }) } };
      }
      const iat = Math.floor(nowFn() / 1000);
      const jwt = signJwt({ azp: authorizedParty, exp: iat + lifetime, iat, iss: issuerUrl, jti: randomId(20), nbf: iat - 10, sid, sub, tpl: template });
      return { status: 200, body: { object: 'token', jwt } };
    }

    m = /^\/v1\/(users|sessions|organizations)\/([^/]+)$/.exec(path);
    if (m && method === 'GET') {
      const id = decodeURIComponent(m[2]);
      const [store, minimal] =
        m[1] === 'users' ? [users, minimalUser] : m[1] === 'sessions' ? [sessions, minimalSession] : [organizations, minimalOrganization];
      const defined = store.get(id);
      if (!defined && strictResources) return notFound();
      return { status: 200, body: { ...minimal(id), ...defined } };
    }
    return notFound();
  };

  // ---- Frontend API (what browsers and clerk-js talk to; no secret key) ----
  const CLERK_JS_PATH = '/npm/@clerk/clerk-js@5/dist/clerk.browser.js';
  const CORS = {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-max-age': '600',
  };

  /** A new session for `sub`, remembered so the sessions and tokens endpoints know its user. */
  const startSession = (sub: string): string => {
    const sid = `sess_${randomId(27)}`;
    sessionUsers.set(sid, sub);
    sessions.set(sid, { id: sid, user_id: sub });
    return sid;
  };

  /** The same claims as `claims` (a verified, maybe expired, session token), issued at `iat` (now) for a minute. */
  const reissue = (claims: Record<string, unknown>, iat = Math.floor(nowFn() / 1000)): string => {
    return signJwt({ ...claims, iat, nbf: iat - 10, exp: iat + 60 });
  };

  /** The claims of a session token signed by a served key whose session is still going (expiry is not checked). */
  const liveSessionClaims = (token: string | undefined): Record<string, unknown> | undefined => {
    const claims = token ? verifyWithServedKeys(token) : undefined;
    if (!claims || typeof claims.sid !== 'string' || typeof claims.sub !== 'string' || endedSessions.has(claims.sid)) return undefined;
    return claims;
  };

  const withoutSecure = (directives: string[]): string[] => directives.map((d) => d.replace(/; Secure/g, ''));

  const frontendRoute = (r: LocalRecordedRequest): Answer | undefined => {
    const { method, path } = r;
    if (method === 'OPTIONS' && path.startsWith('/v1/client/')) return { status: 204, body: '', headers: CORS };
    if (method === 'GET' && /^\/npm\/@clerk\/clerk-js@[^/]+\/dist\/clerk(\.[a-z]+)?\.browser\.js$/.test(path)) {
      return {
        status: 200,
        body: localClerkJsSource(issuer.frontendApiUrl),
        headers: { ...CORS, 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store' },
      };
    }
    if (method === 'GET' && path === '/v1/client/handshake') {
      // Clerk's handshake: the browser arrives from the app with `redirect_url`; the issuer decides the session
      // (from the `__session` query parameter the SDK adds, as FAPI would from its client cookie) and sends the
      // browser back with a nonce (`format=nonce`) or a signed `__clerk_handshake` token carrying the cookies.
      let target: URL;
      try {
        target = new URL(r.query.redirect_url ?? '');
      } catch {
        return { status: 400, body: clerkError('form_param_invalid', 'redirect_url is not a URL') };
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        return { status: 400, body: clerkError('form_param_invalid', 'redirect_url must be http(s)') };
      }
      const claims = liveSessionClaims(r.query.__session);
      const suffixed = r.query.suffixed_cookies === 'true';
      let directives = setCookieDirectives(claims ? { session: reissue(claims), suffixed } : { suffixed });
      if (target.protocol === 'http:') directives = withoutSecure(directives);
      if (r.query.format === 'nonce') {
        const nonce = `hsn_${randomId(24)}`;
        nonces.set(nonce, directives);
        target.searchParams.set('__clerk_handshake_nonce', nonce);
      } else {
        target.searchParams.set('__clerk_handshake', signJwt({ handshake: directives }));
      }
      return { status: 307, body: '', headers: { location: target.toString(), 'cache-control': 'no-store' } };
    }
    const m = /^\/v1\/client\/sessions\/([^/]+)\/(tokens|end)$/.exec(path);
    if (m && method === 'POST') {
      const sid = decodeURIComponent(m[1]);
      const auth = r.headers.authorization;
      const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
      const claims = liveSessionClaims(token);
      if (!claims || claims.sid !== sid) {
        return { status: 401, body: clerkError('authentication_invalid', 'Session token is not valid for this session'), headers: CORS };
      }
      if (m[2] === 'end') {
        endedSessions.add(sid);
        return { status: 200, body: { response: { object: 'session', id: sid, status: 'ended' } }, headers: CORS };
      }
      return { status: 200, body: { object: 'token', jwt: reissue(claims) }, headers: CORS };
    }
    return undefined;
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local-issuer');
    const text = await readBody(req);
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const record: LocalRecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
      status: 0,
      at: nowFn(),
    };
    requests.push(record);

    let answer: Answer | undefined;
    for (const o of overrides) {
      const pathMatches = typeof o.path === 'string' ? o.path === record.path : o.path.test(record.path);
      if (o.method.toUpperCase() !== record.method || !pathMatches) continue;
      const result = o.responder(record);
      if (result) {
        answer = { status: result.status ?? 200, body: result.body ?? null, headers: result.headers };
        break;
      }
    }
    if (!answer) answer = frontendRoute(record);
    if (!answer) {
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        answer = {
          status: 401,
          body: clerkError('clerk_key_invalid', 'Secret key invalid', 'The provided Secret Key is invalid. Make sure that your Secret Key is correct.'),
        };
      } else {
        answer = route(record);
      }
    }
    record.status = answer.status;
    const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    // Exactly `application/json`: @clerk/backend parses a BAPI answer as JSON only for that exact content type.
    // `connection: close` keeps no idle socket around, so a frozen Date.now in the client never meets a stale one.
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      connection: 'close',
      ...answer.headers,
    });
    res.end(payload);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify(clerkError('local_issuer_error', String((err as Error)?.message ?? err))));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const clerkJsUrl = `${apiUrl}${CLERK_JS_PATH}`;
  let closing: Promise<void> | undefined;

  const issuer: LocalIssuer = {
    instanceType,
    frontendApi,
    issuer: issuerUrl,
    publishableKey,
    secretKey,
    apiUrl,
    port,
    cookieSuffix,
    get jwtKey() {
      return keys[0].pem;
    },
    get kid() {
      return keys[0].kid;
    },
    get currentKey() {
      return keys[0];
    },
    get keys() {
      return [...keys];
    },
    userId,
    sessionId,
    frontendApiUrl: apiUrl,
    clerkJsUrl,
    devBrowserToken,
    requests,
    get now() {
      return nowFn;
    },
    set now(fn: () => number) {
      nowFn = fn;
    },

    jwks,
    rotateKey(rotate: LocalRotateOptions = {}) {
      const next = generateSigningKey(rotate.kid, modulusLength);
      keys = rotate.keepPrevious === false ? [next] : [next, ...keys];
      return next;
    },
    removeKey(kid: string) {
      if (kid === keys[0].kid) throw new Error('createLocalIssuer: the current signing key cannot be removed; rotateKey() first.');
      keys = keys.filter((k) => k.kid !== kid);
    },
    env(envOptions: { jwtKey?: boolean; browser?: boolean } = {}) {
      const env: LocalIssuerEnv = { CLERK_SECRET_KEY: secretKey, CLERK_PUBLISHABLE_KEY: publishableKey, CLERK_API_URL: apiUrl };
      if (envOptions.jwtKey) env.CLERK_JWT_KEY = keys[0].pem;
      if (envOptions.browser) {
        env.CLERK_PROXY_URL = apiUrl;
        env.CLERK_JS = clerkJsUrl;
      }
      return env;
    },
    createSession(sessionOptions: { userId?: string; secure?: boolean } = {}) {
      const sub = sessionOptions.userId ?? userId;
      const sid = startSession(sub);
      const token = sessionToken({ userId: sub, sessionId: sid });
      const setCookies = setCookieDirectives({ session: token });
      return { sessionId: sid, userId: sub, token, setCookies: sessionOptions.secure === false ? withoutSecure(setCookies) : setCookies };
    },
    endSession(sid: string) {
      endedSessions.add(sid);
    },
    isSessionEnded: (sid: string) => endedSessions.has(sid),

    sessionClaims,
    sessionToken,
    signJwt,
    handshakeToken: (directives: string[], signOptions?: LocalSignOptions) => signJwt({ handshake: directives }, signOptions),
    setCookieDirectives,
    registerHandshakeNonce(nonce: string, directives: string[]) {
      nonces.set(nonce, [...directives]);
    },
    createRefreshToken(refreshOptions: { sessionId?: string; token?: string } = {}) {
      const token = refreshOptions.token ?? `rt_${randomId(32)}`;
      refreshTokens.set(token, refreshOptions.sessionId);
      return token;
    },
    defineUser(user) {
      users.set(user.id, { ...user });
    },
    defineSession(session) {
      sessions.set(session.id, { ...session });
      if (typeof session.user_id === 'string') sessionUsers.set(session.id, session.user_id);
    },
    defineOrganization(organization) {
      organizations.set(organization.id, { ...organization });
    },
    override(method, path, responder) {
      const entry = { method, path, responder };
      overrides.unshift(entry);
      return () => {
        const i = overrides.indexOf(entry);
        if (i >= 0) overrides.splice(i, 1);
      };
    },

    cookieHeader(opts: LocalCookieHeaderOptions = {}) {
      const pairs: string[] = [];
      const variants = opts.suffixed === 'both' ? [`_${cookieSuffix}`, ''] : opts.suffixed ? [`_${cookieSuffix}`] : [''];
      let uat: string | undefined;
      if (opts.clientUat === null || opts.clientUat === false) uat = undefined;
      else if (opts.clientUat !== undefined) uat = String(opts.clientUat);
      else if (opts.session) {
        const iat = decodePayload(opts.session)?.iat;
        uat = String(typeof iat === 'number' ? iat : Math.floor(nowFn() / 1000));
      }
      const devBrowser = opts.devBrowser === true ? devBrowserToken : opts.devBrowser;
      for (const sfx of variants) {
        if (opts.session !== undefined) pairs.push(`__session${sfx}=${opts.session}`);
        if (uat !== undefined) pairs.push(`__client_uat${sfx}=${uat}`);
        if (devBrowser !== undefined) pairs.push(`__clerk_db_jwt${sfx}=${devBrowser}`);
      }
      if (opts.refresh !== undefined) pairs.push(`__refresh_${cookieSuffix}=${opts.refresh}`);
      if (typeof opts.extra === 'string') {
        if (opts.extra) pairs.push(opts.extra);
      } else if (opts.extra) {
        for (const [k, v] of Object.entries(opts.extra)) pairs.push(`${k}=${v}`);
      }
      return pairs.join('; ');
    },
    authorizationHeader: (token: string) => `Bearer ${token}`,

    count(path?: string, method?: string) {
      return requests.filter((r) => (path === undefined || r.path === path) && (method === undefined || r.method === method.toUpperCase())).length;
    },
    counts() {
      const out: Record<string, number> = {};
      for (const r of requests) out[`${r.method} ${r.path}`] = (out[`${r.method} ${r.path}`] ?? 0) + 1;
      return out;
    },
    resetRequests() {
      requests.length = 0;
    },
    close() {
      if (!closing) {
        closing = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      return closing;
    },
  };
  return issuer;
}
