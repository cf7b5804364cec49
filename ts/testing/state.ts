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
  /** Handshake nonce → the directives `GET /v1/clients/handshake_payload` answers. */
  readonly nonces: Map<string, string[]>;
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
  return {
    instanceType,
    frontendApi,
    issuerUrl: `https://${frontendApi}`,
    publishableKey,
    secretKey,
    machineSecretKey: `ak_${randomId(32)}`,
    cookieSuffix: cookieSuffixOf(publishableKey),
    modulusLength,
    authorizedParty: options.authorizedParty ?? 'http://localhost:3000',
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
