// The public types of `clerk-remix-native/testing`: the options of `createLocalIssuer()`, the issuer object it
// resolves to, and the specs and records its members take and return. Declarations only; no runtime code.
import type { KeyObject } from 'node:crypto';

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
   * Where the Frontend API's handshake (`GET /v1/client/handshake?redirect_url=…`) may send a browser back to, with
   * its handshake nonce or its signed `__clerk_handshake` token: origins such as `'http://localhost:5173'` (any URL
   * works; only its `scheme://host[:port]` counts) or RegExps tested on the target's origin, as clerk-js's
   * `allowedRedirectOrigins` takes them. Any other `redirect_url` gets a 400 (`form_param_invalid`) and no redirect.
   *
   * Default: loopback origins on any port (`http(s)://localhost`, `127.0.0.1`, `[::1]`) plus the origin of
   * `authorizedParty`. When given, the list replaces that default; on a machine other users share, list exactly your
   * app's origin (e.g. `[app.url]`), since any local user can serve a loopback port. Throws at creation on a string
   * that is not an http(s) URL.
   */
  allowedRedirectOrigins?: ReadonlyArray<string | RegExp>;
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

/** Options of {@link LocalIssuer.signJwt} (and, with time claims, {@link LocalIssuer.handshakeToken}). */
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

/** Options of {@link LocalIssuer.handshakeToken}: how it is signed, and its time claims. */
export interface LocalHandshakeTokenOptions extends LocalSignOptions {
  /** `iat`, seconds since the epoch or a Date. Default: now. `null` leaves `iat` out. */
  issuedAt?: number | Date | null;
  /** Adds `exp` = `iat` (or now) + this many seconds. Default: no `exp`. */
  expiresInSeconds?: number;
}

/** What {@link LocalIssuer.defineMachineToken} registers. */
export interface LocalMachineTokenSpec {
  kind: 'api_key' | 'm2m_token' | 'oauth_token';
  /** `user_…` / `org_…` for an API key, `mch_…` for an M2M token, `user_…` for an OAuth token. */
  subject: string;
  scopes?: string[];
  /** Custom claims (API keys, M2M tokens). */
  claims?: Record<string, unknown> | null;
  /** API key name. Default `'local key'`. */
  name?: string;
  /** OAuth client id. Default `'client_local'`. */
  clientId?: string;
  /** The token itself. Default: the kind's prefix and random characters. */
  token?: string;
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
  /** With `env({ browser: true })`: the URL of the issuer's clerk-js stand-in (read by the Remix entry). */
  CLERK_JS?: string;
  /** With `env({ browser: true })`: the same URL, under the name the React Router entry reads. */
  CLERK_JS_URL?: string;
  /** With `env({ browser: true })`: `'false'`, so that Clerk's React 6 (React Router) does not fetch its UI bundle. */
  CLERK_PREFETCH_UI?: string;
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
  /** A machine secret key (`CLERK_MACHINE_SECRET_KEY`): the M2M token check accepts it besides the secret key. */
  readonly machineSecretKey: string;
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
   * `GET /v1/client/handshake` (redirects only to `allowedRedirectOrigins`; its nonces serve one request and must
   * be redeemed within 5 minutes), `POST /v1/client/sessions/{sid}/tokens|end`, and the clerk-js stand-in.
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
  /**
   * A handshake JWT: payload `{ handshake: directives, iat }`, signed like session tokens (for `__clerk_handshake`).
   * This package accepts one for 5 minutes after its `iat`, and from a production query string only with one.
   */
  handshakeToken(directives: string[], options?: LocalHandshakeTokenOptions): string;
  /** Set-Cookie directives as Clerk's handshake/refresh answers carry them (`__session=…`, `__client_uat=…`). */
  setCookieDirectives(options?: LocalSetCookieOptions): string[];
  /**
   * Makes `GET /v1/clients/handshake_payload?nonce=<nonce>` answer `{ directives }`, with the rules of the nonces the
   * handshake hands out (on the issuer's clock, `now`): the first read must come within 5 minutes of registering;
   * reads within 5 seconds of the first one (the other loaders of the same request) get the same answer; any later
   * read, like a nonce never registered, gets 404 `resource_not_found`. Registering it again makes it new again.
   */
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
   * An opaque machine token that the Backend API's verify endpoint accepts (`api_key`: `ak_…` through
   * `POST /api_keys/verify`; `m2m_token`: `mt_…` through `POST /m2m_tokens/verify`; `oauth_token`: `oat_…` through
   * `POST /oauth_applications/access_tokens/verify`), answering Clerk's object for it. Returns the token.
   */
  defineMachineToken(spec: LocalMachineTokenSpec): string;
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
