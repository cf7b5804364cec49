// The one mutable state object of a local issuer, shared by the HTTP server, the Backend and Frontend API route
// handlers, the token helpers and the public issuer object: its fixed identity (keys of the instance, default
// user and session), the served signing keys, the clock, and everything the server remembers between requests.
import { randomBytes } from 'node:crypto';
import { publishableKeyFor } from '../core/publishableKeyFor';
import { generateSigningKey, randomId } from './keys';
import { cookieSuffixOf } from './tokens';
import type { LocalInstanceType, LocalIssuerOptions, LocalOverrideResponse, LocalRecordedRequest, LocalSigningKey } from './types';

const DEV_WORDS_A = ['happy', 'brave', 'calm', 'eager', 'fancy', 'gentle', 'jolly', 'lucky', 'proud', 'witty'];
const DEV_WORDS_B = ['cat', 'otter', 'fox', 'owl', 'lynx', 'panda', 'koala', 'heron', 'yak', 'seal'];

/** One `LocalIssuer.override` registration. */
export interface LocalOverride {
  method: string;
  path: string | RegExp;
  responder: (r: LocalRecordedRequest) => LocalOverrideResponse | undefined;
}

/** A handshake nonce the issuer handed out (or a test registered). */
export interface HandshakeNonce {
  /** What `GET /v1/clients/handshake_payload` answers; `undefined` once it is used up. */
  directives: string[] | undefined;
  /** The issuer's clock when the nonce was issued (ms). */
  issuedAt: number;
  /** The issuer's clock at the first successful read (ms); `undefined` while unread. */
  firstReadAt?: number;
}

/** How long a handshake nonce can be redeemed after it was issued, on the issuer's clock: 5 minutes. */
export const HANDSHAKE_NONCE_LIFETIME_MS = 5 * 60 * 1000;

/**
 * How long after its first read a nonce still answers the same directives: 5 seconds, for the other loaders of the
 * same page request. (With the Remix entry, a root loader with options such as `signInUrl` and a nested `getAuth()`
 * without them make two decisions per request, so two reads; `@clerk/remix` itself reads once per loader.)
 */
export const HANDSHAKE_NONCE_REPEAT_MS = 5 * 1000;

/** Everything a local issuer knows. Route handlers and helpers receive it; nothing else holds issuer state. */
export interface IssuerState {
  readonly instanceType: LocalInstanceType;
  /** Frontend API host. */
  readonly frontendApi: string;
  /** `iss` of minted tokens: `https://<frontendApi>`. */
  readonly issuerUrl: string;
  readonly publishableKey: string;
  /** The secret key the Backend API requires as `Authorization: Bearer …`. */
  readonly secretKey: string;
  /** A machine's secret key, which the M2M token check accepts besides the secret key. */
  readonly machineSecretKey: string;
  readonly cookieSuffix: string;
  /** RSA modulus size of generated keys. */
  readonly modulusLength: number;
  /** Default `azp` of minted session tokens. */
  readonly authorizedParty: string;
  /** 404 for unregistered users/sessions/organizations instead of synthesized ones. */
  readonly strictResources: boolean;
  /** Default `sub` of minted tokens. */
  readonly userId: string;
  /** Default `sid` of minted tokens. */
  readonly sessionId: string;
  readonly devBrowserToken: string;
  /** `client_id` of synthesized sessions. */
  readonly clientId: string;
  /** The server's base URL (`http://<host>:<port>`), known once it listens; the Frontend API URL too. */
  frontendApiUrl: string;

  /** Every key the JWKS serves, current key first. */
  keys: LocalSigningKey[];
  /** The issuer's clock (ms). */
  now: () => number;
  /** Every request received, in order. */
  readonly requests: LocalRecordedRequest[];
  /**
   * Handshake nonce → its directives, when it was issued and first read (the issuer's clock); a used-up nonce keeps
   * a tombstone (`directives: undefined`) until its lifetime is over, so that a replay can be told why it is refused.
   */
  readonly nonces: Map<string, HandshakeNonce>;
  /** Where `GET /v1/client/handshake` may send a browser back to (origins and patterns on the origin). */
  readonly allowedRedirectOrigins: readonly (string | RegExp)[];
  /** Refresh token → the session it is bound to (`undefined`: any session). */
  readonly refreshTokens: Map<string, string | undefined>;
  /** Users registered with `defineUser`. */
  readonly users: Map<string, Record<string, unknown>>;
  /** Sessions registered with `defineSession` or started (`createSession`, `POST /v1/sessions`). */
  readonly sessions: Map<string, Record<string, unknown>>;
  /** Organizations registered with `defineOrganization`. */
  readonly organizations: Map<string, Record<string, unknown>>;
  /** sid → sub of every session token minted, so that sessions/tokens endpoints know the user. */
  readonly sessionUsers: Map<string, string>;
  /** Sessions ended by sign-out or revocation. */
  readonly endedSessions: Set<string>;
  /** Opaque machine tokens (`ak_…`, `mt_…`, `oat_…`) → the object their verify endpoint answers. */
  readonly machineTokens: Map<string, Record<string, unknown>>;
  /** Registered overrides, most recent first. */
  readonly overrides: LocalOverride[];
}

/** The state of a new issuer from its options (the server URL is filled in once it listens). */
export function createIssuerState(options: LocalIssuerOptions): IssuerState {
  const instanceType: LocalInstanceType = options.instance ?? 'production';
  const production = instanceType === 'production';
  const frontendApi =
    options.frontendApi ??
    (production
      ? 'clerk.local-issuer.test'
      : `${DEV_WORDS_A[randomBytes(1)[0] % 10]}-${DEV_WORDS_B[randomBytes(1)[0] % 10]}-${10 + (randomBytes(1)[0] % 90)}.clerk.accounts.dev`);
  const publishableKey = publishableKeyFor(frontendApi, instanceType);
  const secretKey = options.secretKey ?? `${production ? 'sk_live_' : 'sk_test_'}${randomId(40)}`;
  const modulusLength = options.modulusLength ?? 2048;
  const keys: LocalSigningKey[] = [generateSigningKey(options.kid, modulusLength)];
  const initialNow = options.now;
  const authorizedParty = options.authorizedParty ?? 'http://localhost:3000';
  return {
    instanceType,
    frontendApi,
    issuerUrl: `https://${frontendApi}`,
    publishableKey,
    secretKey,
    machineSecretKey: `ak_${randomId(32)}`,
    cookieSuffix: cookieSuffixOf(publishableKey),
    modulusLength,
    authorizedParty,
    strictResources: options.strictResources ?? false,
    userId: `user_${randomId(27)}`,
    sessionId: `sess_${randomId(27)}`,
    devBrowserToken: `dvb_${randomId(27)}`,
    clientId: `client_${randomId(27)}`,
    frontendApiUrl: '',
    keys,
    now: typeof initialNow === 'number' ? () => initialNow : typeof initialNow === 'function' ? initialNow : () => Date.now(),
    requests: [],
    nonces: new Map(),
    allowedRedirectOrigins: redirectOriginsOf(options.allowedRedirectOrigins, authorizedParty),
    refreshTokens: new Map(),
    users: new Map(),
    sessions: new Map(),
    organizations: new Map(),
    sessionUsers: new Map(),
    endedSessions: new Set(),
    machineTokens: new Map(),
    overrides: [],
  };
}

/** A new session for `sub`, remembered so the sessions and tokens endpoints know its user. */
export function startSession(state: IssuerState, sub: string): string {
  const sid = `sess_${randomId(27)}`;
  state.sessionUsers.set(sid, sub);
  state.sessions.set(sid, { id: sid, user_id: sub });
  return sid;
}

/** `scheme://host[:port]` of an http(s) URL, or `undefined` for anything else. */
function httpOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Loopback origins (any port, http or https): what the handshake may redirect to when nothing is configured. */
const LOOPBACK_ORIGIN = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$/;

/**
 * The redirect origins of an issuer: the configured `allowedRedirectOrigins` (strings normalised to their origin,
 * RegExps kept), or by default the loopback origins plus the origin of `authorizedParty`. Throws on a string that
 * is not an http(s) URL, so that a typo fails at `createLocalIssuer()` rather than as a 400 in a browser.
 */
function redirectOriginsOf(configured: LocalIssuerOptions['allowedRedirectOrigins'], authorizedParty: string): (string | RegExp)[] {
  if (configured === undefined) {
    const party = httpOrigin(authorizedParty);
    return party === undefined ? [LOOPBACK_ORIGIN] : [LOOPBACK_ORIGIN, party];
  }
  if (!Array.isArray(configured)) throw new TypeError('createLocalIssuer: allowedRedirectOrigins must be an array of origins (strings) or RegExps.');
  return configured.map((entry) => {
    if (entry instanceof RegExp) return entry;
    const origin = typeof entry === 'string' ? httpOrigin(entry) : undefined;
    if (origin === undefined) {
      throw new TypeError(`createLocalIssuer: allowedRedirectOrigins entry ${JSON.stringify(entry)} is not an http(s) origin such as 'http://localhost:3000'.`);
    }
    return origin;
  });
}

/** Whether `GET /v1/client/handshake` may send a browser to `target` (an http(s) URL). */
export function redirectAllowed(state: IssuerState, target: URL): boolean {
  const origin = target.origin;
  return state.allowedRedirectOrigins.some((allowed) => {
    if (typeof allowed === 'string') return allowed === origin;
    allowed.lastIndex = 0;
    return allowed.test(origin);
  });
}

/** Whether a nonce entry can be forgotten at `now`: unread past its lifetime, or read and past its repeat window. */
function nonceOver(entry: HandshakeNonce, now: number): boolean {
  const pastLifetime = now - entry.issuedAt >= HANDSHAKE_NONCE_LIFETIME_MS;
  return entry.firstReadAt === undefined ? pastLifetime : pastLifetime && now - entry.firstReadAt >= HANDSHAKE_NONCE_REPEAT_MS;
}

/** Registers a handshake nonce (see {@link takeHandshakeNonce}), forgetting the ones that are over. */
export function putHandshakeNonce(state: IssuerState, nonce: string, directives: string[]): void {
  const now = state.now();
  for (const [key, entry] of state.nonces) {
    if (nonceOver(entry, now)) state.nonces.delete(key);
    else if (entry.firstReadAt !== undefined && now - entry.firstReadAt >= HANDSHAKE_NONCE_REPEAT_MS) entry.directives = undefined;
  }
  state.nonces.set(nonce, { directives: [...directives], issuedAt: now });
}

/**
 * Redeems a handshake nonce: its directives on the first read within {@link HANDSHAKE_NONCE_LIFETIME_MS} of being
 * issued, and on repeated reads within {@link HANDSHAKE_NONCE_REPEAT_MS} of that first read (the loaders of one
 * request); otherwise why it is refused. A used-up nonce keeps a tombstone until its lifetime is over, so that a
 * replay is told apart from an unknown nonce.
 */
export function takeHandshakeNonce(state: IssuerState, nonce: string | undefined): { directives: string[] } | { refused: 'unknown' | 'used' | 'expired' } {
  const entry = nonce === undefined ? undefined : state.nonces.get(nonce);
  if (!entry || nonce === undefined) return { refused: 'unknown' };
  const now = state.now();
  if (entry.firstReadAt === undefined) {
    if (now - entry.issuedAt >= HANDSHAKE_NONCE_LIFETIME_MS) {
      state.nonces.delete(nonce);
      return { refused: 'expired' };
    }
    entry.firstReadAt = now;
  } else if (now - entry.firstReadAt >= HANDSHAKE_NONCE_REPEAT_MS) {
    entry.directives = undefined;
  }
  return entry.directives ? { directives: [...entry.directives] } : { refused: 'used' };
}
