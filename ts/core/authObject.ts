import native = require('./native');
/**
 * Session-token claims → the auth object of `getAuth` / `request.auth` / `__clerk_ssr_state`, as `@clerk/backend@2.33.8`
 * builds it (`src/tokens/authObjects.ts`, `@clerk/shared`'s `jwtPayloadParser.ts` and `authorization.ts`),
 * plus the 2022-beta `{ userId, sessionId, getToken }` shape.
 */

/** `sts` claim values. */
export type SessionStatusClaim = 'active' | 'pending';

/** The `act` claim of an impersonation session. */
export interface ActClaim {
  sub: string;
  [key: string]: unknown;
}

/** Session-token claims (the verified JWT payload). Only the claims listed are read. */
export type SessionJwtPayload = Record<string, unknown>;

/** Re-verification presets of `has({ reverification })`. */
export type ReverificationPreset = 'strict_mfa' | 'strict' | 'moderate' | 'lax';
/** Re-verification levels of `has({ reverification: { level, afterMinutes } })`. */
export type ReverificationLevel = 'first_factor' | 'second_factor' | 'multi_factor';
export type ReverificationConfig = ReverificationPreset | { level: ReverificationLevel; afterMinutes: number };

/** The query of `has()`. Every dimension asked must pass, and at least one must be asked. */
export interface CheckAuthorizationParams {
  role?: string;
  permission?: string;
  feature?: string;
  plan?: string;
  reverification?: ReverificationConfig;
}

export interface GetTokenOptions {
  /** A JWT template name: the token is minted by the Backend API. */
  template?: string;
  /** Lifetime of a token minted by the Backend API (also mints when no template is given). */
  expiresInSeconds?: number;
}

/** What `getToken`, `has` and `debug` need: the keys and URLs of the resolved options (any other keys go to `debug()`). */
export interface AuthContext {
  secretKey?: string;
  apiUrl?: string;
  /** Default `v1`. */
  apiVersion?: string;
  jwtKey?: string;
  /** User-Agent of Backend API calls. Default `clerk-remix-native`. */
  userAgent?: string;
  [key: string]: unknown;
}

export type AuthObjectDebug = () => Record<string, unknown>;

/** A signed-in session. Keys in Clerk's order; the org keys and `actor` are `undefined` (not `null`) when absent. */
export interface SignedInAuthObject {
  tokenType: 'session_token';
  actor: ActClaim | undefined;
  sessionClaims: SessionJwtPayload;
  sessionId: string;
  sessionStatus: SessionStatusClaim | null;
  userId: string;
  orgId: string | undefined;
  orgRole: string | undefined;
  orgSlug: string | undefined;
  orgPermissions: string[] | undefined;
  factorVerificationAge: [number, number] | null;
  /** The verified session token, or a token minted by the Backend API for a template or lifetime. */
  getToken: (options?: GetTokenOptions) => Promise<string | null>;
  has: (params: CheckAuthorizationParams) => boolean;
  debug: AuthObjectDebug;
  isAuthenticated: true;
}

/** A signed-out (or, by default, pending) session: every field `null`. */
export interface SignedOutAuthObject {
  tokenType: 'session_token';
  sessionClaims: null;
  sessionId: null;
  sessionStatus: SessionStatusClaim | null;
  userId: null;
  actor: null;
  orgId: null;
  orgRole: null;
  orgSlug: null;
  orgPermissions: null;
  factorVerificationAge: null;
  getToken: (options?: GetTokenOptions) => Promise<null>;
  has: (params?: CheckAuthorizationParams) => false;
  debug: AuthObjectDebug;
  isAuthenticated: false;
}

export type AuthObject = SignedInAuthObject | SignedOutAuthObject;

/** The 2022 beta auth shape (`getAuth` result / `auth` callback argument). */
export type BetaAuth =
  | { userId: string; sessionId: string; getToken: SignedInAuthObject['getToken'] }
  | { sessionId: null; userId: null; getToken: (options?: GetTokenOptions) => Promise<string | null> };

/** One error of a Backend API error response. */
export interface ClerkAPIErrorEntry {
  code: string;
  message: string;
  longMessage?: string;
  meta?: Record<string, unknown>;
}

/**
 * A failed Backend API call of `getToken`: same fields as `@clerk/shared`'s `ClerkAPIResponseError`
 * (`clerkError`, `code: 'api_response_error'`, `status`, `clerkTraceId`, `retryAfter`, `errors`). A network failure
 * has no `status` and one `unexpected_error` entry. Clerk's `isClerkAPIResponseError` (`clerk-remix-native/errors`)
 * recognises it by `clerkError` (older `@clerk/shared`) or by its class's `kind` (newer).
 */
export class ClerkAPIResponseError extends Error {
  static readonly kind = 'ClerkAPIResponseError';
  readonly clerkError = true as const;
  readonly code = 'api_response_error';
  readonly status: number | undefined;
  readonly clerkTraceId: string;
  readonly retryAfter: number | undefined;
  readonly errors: ClerkAPIErrorEntry[];

  constructor(
    message: string,
    init: { status?: number; clerkTraceId?: string; retryAfter?: number; errors: ClerkAPIErrorEntry[] },
  ) {
    super(message);
    this.name = 'ClerkAPIResponseError';
    this.status = init.status;
    this.clerkTraceId = init.clerkTraceId ?? '';
    this.retryAfter = init.retryAfter;
    this.errors = init.errors;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Claims → properties (`__experimental_JWTPayloadToAuthObjectProperties`)

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * `fea`/`pla` items by scope: an item `scope:name` is an org item when `scope` contains `o`, a user item when it
 * contains `u` (so `uo:x` is both). Items without `:` give `undefined` names, exactly as Clerk's `splitByScope`.
 */
export function splitByScope(claim: string | null | undefined): { org: (string | undefined)[]; user: (string | undefined)[] } {
  const items = claim ? claim.split(',').map((f) => f.trim()) : [];
  return {
    org: items.filter((f) => f.split(':')[0].includes('o')).map((f) => f.split(':')[1]),
    user: items.filter((f) => f.split(':')[0].includes('u')).map((f) => f.split(':')[1]),
  };
}

/**
 * v2 org permissions: `per` lists permission names; each `fpm` item is an integer whose binary form, padded to the
 * number of permissions and reversed, says which permissions apply to the i-th org-scoped feature of `fea`.
 * `fea:'o:dashboard,o:billing'`, `per:'read,manage'`, `fpm:'3,1'` →
 * `['org:dashboard:read', 'org:dashboard:manage', 'org:billing:read']`. Missing `per` or `fpm` → `[]`.
 */
function buildV2OrgPermissions(fea: string | undefined, per: string | undefined, fpm: string | undefined): string[] {
  if (!per || !fpm) return [];
  const permissions = per.split(',').map((p) => p.trim());
  const featurePermissionMap = fpm.split(',').map((item) =>
    Number.parseInt(item.trim(), 10)
      .toString(2)
      .padStart(permissions.length, '0')
      .split('')
      .map((bit) => Number.parseInt(bit, 10))
      .reverse(),
  );
  const features = splitByScope(fea).org;
  const orgPermissions: string[] = [];
  for (let i = 0; i < features.length && i < featurePermissionMap.length; i++) {
    const bits = featurePermissionMap[i];
    for (let p = 0; p < bits.length; p++) {
      if (bits[p] === 1) orgPermissions.push(`org:${features[i]}:${permissions[p]}`);
    }
  }
  return orgPermissions;
}

interface OrgProperties {
  orgId: string | undefined;
  orgRole: string | undefined;
  orgSlug: string | undefined;
  orgPermissions: string[] | undefined;
}

function orgPropertiesOf(claims: SessionJwtPayload): OrgProperties {
  if (claims.v === 2) {
    const o = claims.o;
    if (!o) return { orgId: undefined, orgRole: undefined, orgSlug: undefined, orgPermissions: undefined };
    // A truthy non-object `o` reads as an empty org, as property reads on a primitive do in Clerk.
    const org = (typeof o === 'object' ? o : {}) as Record<string, unknown>;
    return {
      orgId: org.id as string | undefined,
      orgRole: org.rol ? `org:${String(org.rol)}` : undefined,
      orgSlug: org.slg as string | undefined,
      orgPermissions: buildV2OrgPermissions(str(claims.fea), str(org.per), str(org.fpm)),
    };
  }
  return {
    orgId: claims.org_id as string | undefined,
    orgRole: claims.org_role as string | undefined,
    orgSlug: claims.org_slug as string | undefined,
    orgPermissions: claims.org_permissions as string[] | undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// has() (`createCheckAuthorization`)

type CheckResult = 'pass' | 'fail' | 'skip';

const REVERIFICATION_PRESETS: Record<ReverificationPreset, { level: ReverificationLevel; afterMinutes: number }> = {
  strict_mfa: { afterMinutes: 10, level: 'multi_factor' },
  strict: { afterMinutes: 10, level: 'second_factor' },
  moderate: { afterMinutes: 60, level: 'second_factor' },
  lax: { afterMinutes: 1440, level: 'second_factor' },
};
const LEVELS = new Set<unknown>(['first_factor', 'second_factor', 'multi_factor']);

const prefixWithOrg = (value: string): string => value.replace(/^(org:)*/, 'org:');
const isValidFactorAge = (x: unknown): x is number =>
  typeof x === 'number' && Number.isFinite(x) && (x === -1 || x >= 0);

interface AuthorizationData extends OrgProperties {
  userId: string | undefined;
  factorVerificationAge: unknown;
  features: string;
  plans: string;
}

function checkOrg(params: CheckAuthorizationParams, data: AuthorizationData): CheckResult {
  const roleAsked = params.role !== undefined;
  const permissionAsked = params.permission !== undefined;
  if (!roleAsked && !permissionAsked) return 'skip';
  if (roleAsked && typeof params.role !== 'string') return 'fail';
  if (permissionAsked && typeof params.permission !== 'string') return 'fail';
  if (!data.orgId) return 'fail';
  if (roleAsked) {
    if (typeof data.orgRole !== 'string' || !data.orgRole) return 'fail';
    if (prefixWithOrg(data.orgRole) !== prefixWithOrg(params.role as string)) return 'fail';
  }
  if (permissionAsked) {
    if (!Array.isArray(data.orgPermissions)) return 'fail';
    if (!data.orgPermissions.includes(prefixWithOrg(params.permission as string))) return 'fail';
  }
  return 'pass';
}

function hasFeatureOrPlan(claim: string, featureOrPlan: string): boolean {
  const { org, user } = splitByScope(claim);
  const [scope, rawId] = featureOrPlan.split(':');
  const id = rawId || scope;
  if (scope === 'org') return org.includes(id);
  if (scope === 'user') return user.includes(id);
  return [...org, ...user].includes(id);
}

function checkBilling(params: CheckAuthorizationParams, data: AuthorizationData): CheckResult {
  const featureAsked = params.feature !== undefined;
  const planAsked = params.plan !== undefined;
  if (!featureAsked && !planAsked) return 'skip';
  if (featureAsked && typeof params.feature !== 'string') return 'fail';
  if (planAsked && typeof params.plan !== 'string') return 'fail';
  if (featureAsked && (!data.features || !hasFeatureOrPlan(data.features, params.feature as string))) return 'fail';
  if (planAsked && (!data.plans || !hasFeatureOrPlan(data.plans, params.plan as string))) return 'fail';
  return 'pass';
}

function reverificationRequirement(
  config: unknown,
): { level: ReverificationLevel; afterMinutes: number } | undefined {
  if (!config) return undefined;
  if (typeof config === 'string') {
    return Object.prototype.hasOwnProperty.call(REVERIFICATION_PRESETS, config)
      ? REVERIFICATION_PRESETS[config as ReverificationPreset]
      : undefined;
  }
  if (typeof config === 'object') {
    const { level, afterMinutes } = config as Record<string, unknown>;
    if (LEVELS.has(level) && typeof afterMinutes === 'number' && afterMinutes > 0) {
      return { level: level as ReverificationLevel, afterMinutes };
    }
  }
  return undefined;
}

function checkReverification(params: CheckAuthorizationParams, data: AuthorizationData): CheckResult {
  if (params.reverification === undefined) return 'skip';
  const fva = data.factorVerificationAge;
  if (!fva) return 'fail';
  if (!Array.isArray(fva) || fva.length !== 2 || !isValidFactorAge(fva[0]) || !isValidFactorAge(fva[1])) return 'fail';
  const requirement = reverificationRequirement(params.reverification);
  if (!requirement) return 'fail';
  const { level, afterMinutes } = requirement;
  const [factor1Age, factor2Age] = fva as [number, number];
  if (factor1Age === -1 && factor2Age === -1) return 'fail';
  const factor1Fresh = factor1Age !== -1 && afterMinutes > factor1Age;
  const factor2Fresh = factor2Age !== -1 && afterMinutes > factor2Age;
  switch (level) {
    case 'first_factor':
      return factor1Fresh ? 'pass' : 'fail';
    case 'second_factor':
      if (factor2Age === -1) return factor1Fresh ? 'pass' : 'fail';
      return factor2Fresh ? 'pass' : 'fail';
    case 'multi_factor':
      if (factor2Age === -1) return factor1Fresh ? 'pass' : 'fail';
      if (factor1Age === -1) return 'fail';
      return factor1Fresh && factor2Fresh ? 'pass' : 'fail';
  }
}

function createHas(dataOf: () => AuthorizationData): (params: CheckAuthorizationParams) => boolean {
  let known: AuthorizationData | undefined;
  return (params) => {
    const data = (known ??= dataOf());
    if (!data.userId) return false;
    // Clerk throws a TypeError for `has()` / `has(null)`; here that is simply "not authorised".
    if (params === undefined || params === null || typeof params !== 'object') return false;
    const results = [checkOrg(params, data), checkBilling(params, data), checkReverification(params, data)];
    return results.some((r) => r === 'pass') && results.every((r) => r === 'pass' || r === 'skip');
  };
}

// ---------------------------------------------------------------------------------------------------------------
// debug() and getToken()

/**
 * The secrets that `debug()` cuts to their first 7 characters (`@clerk/backend` 3.x's list; 2.x cut only the two
 * keys and showed a signed-in request's whole session token: both entries use 3.x's list).
 */
const DEBUG_TRUNCATED = [
  'secretKey',
  'jwtKey',
  'sessionToken',
  'tokenInHeader',
  'sessionTokenInCookie',
  'refreshTokenInCookie',
  'devBrowserToken',
  'handshakeToken',
] as const;

/** `debug()` of an auth object: a copy of `data` (then `extra`) with the secrets of {@link DEBUG_TRUNCATED} cut. */
export function createDebug(data: Record<string, unknown> | undefined, extra?: Record<string, unknown>): AuthObjectDebug {
  // The copy is made when debug() is called, not per request.
  return () => {
    const res: Record<string, unknown> = { ...data, ...extra };
    for (const name of DEBUG_TRUNCATED) res[name] = String(res[name] || '').substring(0, 7);
    return res;
  };
}

function parseApiErrors(body: unknown): ClerkAPIErrorEntry[] {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { errors?: unknown }).errors)) return [];
  return ((body as { errors: Record<string, unknown>[] }).errors).map((e) => ({
    code: String(e?.code ?? ''),
    message: String(e?.message ?? ''),
    longMessage: e?.long_message === undefined ? undefined : String(e.long_message),
    meta: (e?.meta as Record<string, unknown> | undefined) ?? undefined,
  }));
}

/**
 * One Backend API call: `{method} {apiUrl}/{apiVersion}{path}` with Clerk's headers and an optional JSON body, made by
 * the addon's Backend API client (the one HTTP client of the process: 5 s, 1 MiB, no redirects). Resolves the parsed
 * JSON body (text when the answer is not `application/json`); rejects with a {@link ClerkAPIResponseError} for a
 * non-2xx answer or no answer, and with a plain `Error` (Clerk's text) when there is no secret key. `path` must
 * already be encoded.
 */
export async function backendApiRequest(
  context: AuthContext,
  method: 'GET' | 'POST',
  path: string,
  jsonBody?: unknown,
): Promise<unknown> {
  const { secretKey } = context;
  if (!secretKey || typeof secretKey !== 'string') {
    throw new Error('Missing Clerk Secret Key. Go to https://dashboard.clerk.com and get your key for your instance.');
  }
  const settings = { secretKey, apiUrl: context.apiUrl, apiVersion: context.apiVersion, userAgent: context.userAgent };
  const body = jsonBody !== undefined ? JSON.stringify(jsonBody) : undefined;
  let answer: import('../../index').BackendApiAnswer;
  try {
    answer = await native.backendApiRequest(settings, method, path, body);
  } catch (err) {
    const message = err instanceof Error ? err.message || 'Unexpected error' : 'Unexpected error';
    throw new ClerkAPIResponseError(message, { errors: [{ code: 'unexpected_error', message }], clerkTraceId: '' });
  }
  let payload: unknown = answer.body;
  if (answer.json) {
    try {
      payload = JSON.parse(answer.body);
    } catch {
      // Clerk's `res.json()` rejects here, which it reports as a failed request.
      throw new ClerkAPIResponseError('Unexpected error', { errors: [{ code: 'unexpected_error', message: 'Unexpected error' }], clerkTraceId: answer.cfRay || '' });
    }
  }
  if (answer.status < 200 || answer.status > 299) {
    const retryAfter = Number.parseInt(answer.retryAfter || '', 10);
    const traceId =
      payload && typeof payload === 'object' && typeof (payload as { clerk_trace_id?: unknown }).clerk_trace_id === 'string'
        ? (payload as { clerk_trace_id: string }).clerk_trace_id
        : answer.cfRay || '';
    throw new ClerkAPIResponseError(answer.statusText, {
      status: answer.status,
      clerkTraceId: traceId,
      retryAfter: Number.isNaN(retryAfter) ? undefined : retryAfter,
      errors: parseApiErrors(payload),
    });
  }
  return payload;
}

/**
 * `POST {apiUrl}/{apiVersion}/sessions/{sid}/tokens[/{template}]` with `{expires_in_seconds}` when given; resolves
 * the `jwt` of the response. Template and session id are URL-encoded (Clerk inserts them raw).
 */
async function fetchSessionToken(
  context: AuthContext,
  sessionId: string,
  template: string | undefined,
  expiresInSeconds: number | undefined,
): Promise<string> {
  const path = `/sessions/${encodeURIComponent(sessionId)}/tokens${template ? `/${encodeURIComponent(template)}` : ''}`;
  const body = expiresInSeconds !== undefined ? { expires_in_seconds: expiresInSeconds } : undefined;
  const payload = await backendApiRequest(context, 'POST', path, body);
  return (payload as { jwt: string }).jwt;
}

// ---------------------------------------------------------------------------------------------------------------
// Auth objects

/**
 * The signed-in auth object of a verified session token (`@clerk/backend`'s `signedInAuthObject`, with its three
 * arguments in the order claims, token, context).
 *
 * - `sessionId` = `sid`, `userId` = `sub`, `actor` = `act`, `sessionStatus` = `sts ?? null`,
 *   `factorVerificationAge` = `fva ?? null`.
 * - Org: `v === 2` reads the `o` claim (`id`, `slg`, `rol` → `org:<rol>`, permissions from `fea`/`per`/`fpm`);
 *   any other `v` copies `org_id`, `org_role`, `org_slug`, `org_permissions` as they are. No org → `undefined`s.
 * - `getToken()` resolves the raw `sessionToken`; with `template` or `expiresInSeconds` it asks the Backend API
 *   (global `fetch`, `Authorization: Bearer <context.secretKey>`, `Clerk-API-Version: 2025-11-10`) and resolves the
 *   minted `jwt`, rejecting with a {@link ClerkAPIResponseError} on failure.
 * - `has()` as `@clerk/shared`'s `createCheckAuthorization` (org role/permission, billing feature/plan,
 *   reverification); `has({})` is `false`.
 * - `debug()` returns `{...context, sessionToken}` with `secretKey`/`jwtKey` cut to 7 characters.
 *
 * This does not treat pending sessions as signed out; {@link authObjectFromClaims} does.
 */
export function signedInAuthObject(
  sessionClaims: SessionJwtPayload,
  sessionToken: string,
  context: AuthContext = {},
): SignedInAuthObject {
  const sessionId = sessionClaims.sid as string;
  const userId = sessionClaims.sub as string;
  const org = orgPropertiesOf(sessionClaims);
  const factorVerificationAge = (sessionClaims.fva ?? null) as [number, number] | null;
  // Read now (the claims object is the caller's to change), assembled only if `has()` is called.
  const features = str(sessionClaims.fea) || '';
  const plans = str(sessionClaims.pla) || '';
  const has = createHas(() => ({
    orgId: org.orgId,
    orgRole: org.orgRole,
    orgSlug: org.orgSlug,
    orgPermissions: org.orgPermissions,
    userId,
    factorVerificationAge,
    features,
    plans,
  }));
  const getToken = async (options: GetTokenOptions = {}): Promise<string | null> => {
    if (!sessionId) return null;
    if (options.template || options.expiresInSeconds !== undefined) {
      return fetchSessionToken(context, sessionId, options.template, options.expiresInSeconds);
    }
    return sessionToken;
  };
  return {
    tokenType: 'session_token',
    actor: sessionClaims.act as ActClaim | undefined,
    sessionClaims,
    sessionId,
    sessionStatus: (sessionClaims.sts ?? null) as SessionStatusClaim | null,
    userId,
    orgId: org.orgId,
    orgRole: org.orgRole,
    orgSlug: org.orgSlug,
    orgPermissions: org.orgPermissions,
    factorVerificationAge,
    getToken,
    has,
    debug: createDebug(context, { sessionToken }),
    isAuthenticated: true,
  };
}

/**
 * The signed-out auth object (`@clerk/backend`'s `signedOutAuthObject`): every field `null`, `getToken()` resolves
 * `null`, `has()` is `false`, `debug()` returns a copy of `debugData` with `secretKey`/`jwtKey` cut to 7 characters
 * (both `''` when absent).
 *
 * For a signed-out request, pass `{...context, status: 'signed-out', reason, message}` as `debugData` (what
 * {@link authObjectFromSignedOutState} does).
 */
export function signedOutAuthObject(
  debugData?: Record<string, unknown>,
  initialSessionStatus?: SessionStatusClaim | null,
  /** Keys added after `debugData`'s in `debug()` (copied only when `debug()` is called). */
  debugExtra?: Record<string, unknown>,
): SignedOutAuthObject {
  return {
    tokenType: 'session_token',
    sessionClaims: null,
    sessionId: null,
    sessionStatus: initialSessionStatus ?? null,
    userId: null,
    actor: null,
    orgId: null,
    orgRole: null,
    orgSlug: null,
    orgPermissions: null,
    factorVerificationAge: null,
    getToken: () => Promise.resolve(null),
    has: () => false,
    debug: createDebug(debugData, debugExtra),
    isAuthenticated: false,
  };
}

/**
 * `requestState.toAuth()` of a signed-in request: {@link signedInAuthObject}, except that a pending session
 * (`sts: 'pending'`) gives the signed-out object with `sessionStatus: 'pending'` unless
 * `treatPendingAsSignedOut` is `false`. As in Clerk, that pending object's `debug()` carries no context
 * (`{ secretKey: '', jwtKey: '' }`).
 */
export function authObjectFromClaims(
  sessionClaims: SessionJwtPayload,
  sessionToken: string,
  context: AuthContext = {},
  { treatPendingAsSignedOut = true }: { treatPendingAsSignedOut?: boolean } = {},
): AuthObject {
  const authObject = signedInAuthObject(sessionClaims, sessionToken, context);
  if (treatPendingAsSignedOut && authObject.sessionStatus === 'pending') {
    return signedOutAuthObject(undefined, authObject.sessionStatus);
  }
  return authObject;
}

/**
 * `requestState.toAuth()` of a signed-out request: {@link signedOutAuthObject} whose `debug()` returns the context
 * plus `status: 'signed-out'`, `reason` and `message`.
 */
export function authObjectFromSignedOutState(
  context: AuthContext,
  reason: string,
  message = '',
): SignedOutAuthObject {
  return signedOutAuthObject(context, undefined, { status: 'signed-out', reason, message });
}

/**
 * The 2022 beta auth shape: `{ userId, sessionId, getToken }` when signed in, `{ sessionId: null, userId: null,
 * getToken }` otherwise (pending sessions included). `getToken` is the 4.x one (raw token, or a template token from
 * the Backend API), not the beta's cookie-only one.
 */
export function betaAuth(auth: AuthObject): BetaAuth {
  if (auth.isAuthenticated === true) {
    return { userId: auth.userId, sessionId: auth.sessionId, getToken: auth.getToken };
  }
  return { sessionId: null, userId: null, getToken: auth.getToken };
}
