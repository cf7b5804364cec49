// The Backend API the server-side SDKs call (behind the secret key, which the server checks before calling
// `backendRoute`): `GET /v1/jwks`, `GET /v1/clients/handshake_payload` (a nonce serves one request, within 5 minutes),
// `POST /v1/sessions`, `POST /v1/sessions/{sid}/revoke|refresh`, `POST /v1/sessions/{sid}/tokens[/{template}]`, and
// `GET /v1/users|sessions|organizations/{id}` with the minimal objects answered for ids nobody registered, and the
// machine-token checks (`POST /api_keys/verify`, `/m2m_tokens/verify`, `/oauth_applications/access_tokens/verify`,
// without the version segment, as Clerk calls them) for tokens made with `defineMachineToken`.
import { clerkError } from './answers';
import type { Answer } from './answers';
import { jwksOf, randomId, signJwt, verifyWithServedKeys } from './keys';
import { startSession, takeHandshakeNonce } from './state';
import type { IssuerState } from './state';
import { reissue, sessionToken, setCookieDirectives } from './tokens';
import type { LocalRecordedRequest } from './types';

const minimalUser = (state: IssuerState, id: string): Record<string, unknown> => ({
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
  last_sign_in_at: state.now(),
  last_active_at: state.now(),
  create_organization_enabled: true,
  create_organizations_limit: null,
  delete_self_enabled: true,
  legal_accepted_at: null,
  locale: null,
  created_at: state.now(),
  updated_at: state.now(),
});

const minimalSession = (state: IssuerState, id: string): Record<string, unknown> => ({
  object: 'session',
  id,
  client_id: state.clientId,
  user_id: state.sessionUsers.get(id) ?? state.userId,
  status: state.endedSessions.has(id) ? 'revoked' : 'active',
  last_active_organization_id: null,
  actor: null,
  last_active_at: state.now(),
  expire_at: state.now() + 7 * 24 * 3600 * 1000,
  abandon_at: state.now() + 30 * 24 * 3600 * 1000,
  created_at: state.now(),
  updated_at: state.now(),
});

const minimalOrganization = (state: IssuerState, id: string): Record<string, unknown> => ({
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
  created_by: state.userId,
  created_at: state.now(),
  updated_at: state.now(),
});

/** The machine-token checks: path → the body field carrying the token and the object kind it answers. */
const MACHINE_CHECKS: Record<string, { field: string; object: string }> = {
  '/api_keys/verify': { field: 'secret', object: 'api_key' },
  '/m2m_tokens/verify': { field: 'token', object: 'machine_to_machine_token' },
  '/oauth_applications/access_tokens/verify': { field: 'access_token', object: 'clerk_idp_oauth_access_token' },
};

/** The Backend API answer to an authenticated request (a 404 for anything it does not know). */
export function backendRoute(state: IssuerState, r: LocalRecordedRequest): Answer {
  const notFound = (): Answer => ({
    status: 404,
    body: clerkError('resource_not_found', 'not found', `No route or resource for ${r.method} ${r.path}`),
  });
  const { method, path } = r;
  if (method === 'GET' && path === '/v1/jwks') return { status: 200, body: jwksOf(state.keys) };

  const machineCheck = MACHINE_CHECKS[path];
  if (method === 'POST' && machineCheck) {
    const presented = ((r.body ?? {}) as Record<string, unknown>)[machineCheck.field];
    const found = typeof presented === 'string' ? state.machineTokens.get(presented) : undefined;
    if (!found || found.object !== machineCheck.object) {
      return { status: 404, body: clerkError('resource_not_found', 'not found', `No ${machineCheck.object} for this token`) };
    }
    return { status: 200, body: found };
  }

  if (method === 'GET' && path === '/v1/clients/handshake_payload') {
    // A nonce is worth a signed-in browser's cookies: redeemable within 5 minutes, then used up 5 s after its first
    // read (the loaders of one request); see takeHandshakeNonce.
    const taken = takeHandshakeNonce(state, r.query.nonce);
    if ('refused' in taken) {
      const why = { unknown: 'Unknown', used: 'Already used (a nonce answers only the reads within 5 s of its first one)', expired: 'Expired (older than 5 minutes)' }[taken.refused];
      return { status: 404, body: clerkError('resource_not_found', 'Handshake nonce not found', `${why} handshake nonce ${JSON.stringify(r.query.nonce ?? null)}`) };
    }
    return { status: 200, body: { directives: taken.directives } };
  }

  if (method === 'POST' && path === '/v1/sessions') {
    const body = (r.body ?? {}) as Record<string, unknown>;
    const sub = typeof body.user_id === 'string' && body.user_id ? body.user_id : undefined;
    if (!sub) return { status: 422, body: clerkError('form_param_missing', 'user_id is missing') };
    const sid = startSession(state, sub);
    return { status: 200, body: { ...minimalSession(state, sid), ...state.sessions.get(sid) } };
  }

  let m = /^\/v1\/sessions\/([^/]+)\/revoke$/.exec(path);
  if (m && method === 'POST') {
    const sid = decodeURIComponent(m[1]);
    state.endedSessions.add(sid);
    return { status: 200, body: { ...minimalSession(state, sid), ...state.sessions.get(sid), status: 'revoked' } };
  }

  m = /^\/v1\/sessions\/([^/]+)\/refresh$/.exec(path);
  if (m && method === 'POST') {
    const sid = decodeURIComponent(m[1]);
    if (state.endedSessions.has(sid)) return { status: 422, body: clerkError('session_not_active', 'Session is not active') };
    const body = (r.body ?? {}) as Record<string, unknown>;
    const refresh = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    const { refreshTokens } = state;
    if (!refreshTokens.has(refresh) || (refreshTokens.get(refresh) !== undefined && refreshTokens.get(refresh) !== sid)) {
      return { status: 422, body: clerkError('refresh_token_invalid', 'Refresh token is invalid') };
    }
    const expired = typeof body.expired_token === 'string' ? verifyWithServedKeys(state.keys, body.expired_token) : undefined;
    if (!expired || expired.sid !== sid) {
      return { status: 422, body: clerkError('expired_token_invalid', 'Expired session token is invalid') };
    }
    const iat = Math.floor(state.now() / 1000);
    const token = reissue(state, expired, iat);
    const suffixed = r.query.suffixed_cookies === 'true';
    return {
      status: 200,
      body: { object: 'cookies', cookies: setCookieDirectives(state, { session: token, clientUat: iat, suffixed }) },
    };
  }

  m = /^\/v1\/sessions\/([^/]+)\/tokens(?:\/([^/]+))?$/.exec(path);
  if (m && method === 'POST') {
    const sid = decodeURIComponent(m[1]);
    const template = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    if (state.endedSessions.has(sid)) return { status: 422, body: clerkError('session_not_active', 'Session is not active') };
    const body = (r.body ?? {}) as Record<string, unknown>;
    const lifetime = typeof body.expires_in_seconds === 'number' ? body.expires_in_seconds : 60;
    const sub = state.sessionUsers.get(sid) ?? state.userId;
    if (template === undefined) {
      return { status: 200, body: { object: 'token', jwt: sessionToken(state, { sessionId: sid, userId: sub, expiresInSeconds: lifetime }) } };
    }
    const iat = Math.floor(state.now() / 1000);
    const jwt = signJwt(state.keys, {
      azp: state.authorizedParty,
      exp: iat + lifetime,
      iat,
      iss: state.issuerUrl,
      jti: randomId(20),
      nbf: iat - 10,
      sid,
      sub,
      tpl: template,
    });
    return { status: 200, body: { object: 'token', jwt } };
  }

  m = /^\/v1\/(users|sessions|organizations)\/([^/]+)$/.exec(path);
  if (m && method === 'GET') {
    const id = decodeURIComponent(m[2]);
    const [store, minimal] =
      m[1] === 'users'
        ? [state.users, minimalUser]
        : m[1] === 'sessions'
          ? [state.sessions, minimalSession]
          : [state.organizations, minimalOrganization];
    const defined = store.get(id);
    if (!defined && state.strictResources) return notFound();
    return { status: 200, body: { ...minimal(state, id), ...defined } };
  }
  return notFound();
}
