import { backendApiRequest, type AuthContext } from './authObject';

/**
 * `loadUser` / `loadSession` / `loadOrganization` of `rootAuthLoader` (`@clerk/backend`'s
 * `decorateObjectWithResources` + `stripPrivateDataFromObject`): the Backend API resources, in
 * the shape Clerk's `User`, `Session` and `Organization` classes give them once spread into plain objects
 * (camelCase fields in Clerk's order, nested emails/phones/wallets/accounts converted the same way), without
 * `privateMetadata`.
 *
 * Difference: Clerk's objects also carry `_raw` (the Backend API JSON, `private_metadata` included). It is left out
 * here, so private metadata never reaches the loader.
 */

type Json = Record<string, unknown>;
/** A field: `[camelName, snake_name]`, or `[camelName, (json) => value]`. */
type Field = [string, string | ((data: Json) => unknown)];

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function build(fields: Field[], data: unknown): Json {
  const json = isJson(data) ? data : {};
  const out: Json = {};
  for (const [name, from] of fields) out[name] = typeof from === 'function' ? from(json) : json[from];
  return out;
}

const orDefault = (key: string, fallback: unknown) => (d: Json) => (d[key] === undefined ? fallback : d[key]);
const list = (key: string, fields: Field[]) => (d: Json) =>
  (Array.isArray(d[key]) ? (d[key] as unknown[]) : []).map((item) => build(fields, item));
const nested = (key: string, fields: Field[]) => (d: Json) => (d[key] ? build(fields, d[key]) : d[key]);

const VERIFICATION: Field[] = [
  ['status', 'status'],
  ['strategy', 'strategy'],
  [
    'externalVerificationRedirectURL',
    (d) => (d.external_verification_redirect_url ? new URL(String(d.external_verification_redirect_url)) : null),
  ],
  ['attempts', orDefault('attempts', null)],
  ['expireAt', orDefault('expire_at', null)],
  ['nonce', orDefault('nonce', null)],
  ['message', () => null],
];
const LINK: Field[] = [
  ['id', 'id'],
  ['type', 'type'],
];
const EMAIL_ADDRESS: Field[] = [
  ['id', 'id'],
  ['emailAddress', 'email_address'],
  ['verification', nested('verification', VERIFICATION)],
  ['linkedTo', list('linked_to', LINK)],
];
const PHONE_NUMBER: Field[] = [
  ['id', 'id'],
  ['phoneNumber', 'phone_number'],
  ['reservedForSecondFactor', 'reserved_for_second_factor'],
  ['defaultSecondFactor', 'default_second_factor'],
  ['verification', nested('verification', VERIFICATION)],
  ['linkedTo', list('linked_to', LINK)],
];
const WEB3_WALLET: Field[] = [
  ['id', 'id'],
  ['web3Wallet', 'web3_wallet'],
  ['verification', nested('verification', VERIFICATION)],
];
const EXTERNAL_ACCOUNT: Field[] = [
  ['id', 'id'],
  ['provider', 'provider'],
  ['providerUserId', 'provider_user_id'],
  ['identificationId', 'identification_id'],
  // Clerk fills `externalId` from `provider_user_id` too.
  ['externalId', 'provider_user_id'],
  ['approvedScopes', 'approved_scopes'],
  ['emailAddress', 'email_address'],
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['imageUrl', (d) => d.image_url || ''],
  ['username', 'username'],
  ['phoneNumber', 'phone_number'],
  ['publicMetadata', orDefault('public_metadata', {})],
  ['label', 'label'],
  ['verification', nested('verification', VERIFICATION)],
];
const SAML_CONNECTION: Field[] = [
  ['id', 'id'],
  ['name', 'name'],
  ['domain', 'domain'],
  ['active', 'active'],
  ['provider', 'provider'],
  ['syncUserAttributes', 'sync_user_attributes'],
  ['allowSubdomains', 'allow_subdomains'],
  ['allowIdpInitiated', 'allow_idp_initiated'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
];
const SAML_ACCOUNT: Field[] = [
  ['id', 'id'],
  ['provider', 'provider'],
  ['providerUserId', 'provider_user_id'],
  ['active', 'active'],
  ['emailAddress', 'email_address'],
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['verification', nested('verification', VERIFICATION)],
  ['samlConnection', nested('saml_connection', SAML_CONNECTION)],
  ['lastAuthenticatedAt', orDefault('last_authenticated_at', null)],
  ['enterpriseConnectionId', 'enterprise_connection_id'],
];

const USER: Field[] = [
  ['id', 'id'],
  ['passwordEnabled', 'password_enabled'],
  ['totpEnabled', 'totp_enabled'],
  ['backupCodeEnabled', 'backup_code_enabled'],
  ['twoFactorEnabled', 'two_factor_enabled'],
  ['banned', 'banned'],
  ['locked', 'locked'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
  ['imageUrl', 'image_url'],
  ['hasImage', 'has_image'],
  ['primaryEmailAddressId', 'primary_email_address_id'],
  ['primaryPhoneNumberId', 'primary_phone_number_id'],
  ['primaryWeb3WalletId', 'primary_web3_wallet_id'],
  ['lastSignInAt', 'last_sign_in_at'],
  ['externalId', 'external_id'],
  ['username', 'username'],
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['publicMetadata', orDefault('public_metadata', {})],
  ['unsafeMetadata', orDefault('unsafe_metadata', {})],
  ['emailAddresses', list('email_addresses', EMAIL_ADDRESS)],
  ['phoneNumbers', list('phone_numbers', PHONE_NUMBER)],
  ['web3Wallets', list('web3_wallets', WEB3_WALLET)],
  ['externalAccounts', list('external_accounts', EXTERNAL_ACCOUNT)],
  ['samlAccounts', list('saml_accounts', SAML_ACCOUNT)],
  ['lastActiveAt', 'last_active_at'],
  ['createOrganizationEnabled', 'create_organization_enabled'],
  ['createOrganizationsLimit', orDefault('create_organizations_limit', null)],
  ['deleteSelfEnabled', 'delete_self_enabled'],
  ['legalAcceptedAt', 'legal_accepted_at'],
  ['locale', 'locale'],
];
const SESSION_ACTIVITY: Field[] = [
  ['id', 'id'],
  ['isMobile', 'is_mobile'],
  ['ipAddress', 'ip_address'],
  ['city', 'city'],
  ['country', 'country'],
  ['browserVersion', 'browser_version'],
  ['browserName', 'browser_name'],
  ['deviceType', 'device_type'],
];
const SESSION: Field[] = [
  ['id', 'id'],
  ['clientId', 'client_id'],
  ['userId', 'user_id'],
  ['status', 'status'],
  ['lastActiveAt', 'last_active_at'],
  ['expireAt', 'expire_at'],
  ['abandonAt', 'abandon_at'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
  ['lastActiveOrganizationId', 'last_active_organization_id'],
  ['latestActivity', nested('latest_activity', SESSION_ACTIVITY)],
  ['actor', orDefault('actor', null)],
];
const ORGANIZATION: Field[] = [
  ['id', 'id'],
  ['name', 'name'],
  ['slug', 'slug'],
  ['imageUrl', (d) => d.image_url || ''],
  ['hasImage', 'has_image'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
  ['publicMetadata', orDefault('public_metadata', {})],
  ['maxAllowedMemberships', 'max_allowed_memberships'],
  ['adminDeleteEnabled', 'admin_delete_enabled'],
  ['membersCount', 'members_count'],
  ['createdBy', 'created_by'],
];

export interface ResourceOptions {
  loadUser?: unknown;
  loadSession?: unknown;
  loadOrganization?: unknown;
}

export interface LoadedResources {
  session: Json | undefined;
  user: Json | undefined;
  organization: Json | undefined;
}

/**
 * Fetches, in parallel, the session (`loadSession` and a `sessionId`), the user (`loadUser` and a `userId`) and the
 * organization (`loadOrganization` and an `orgId`) of `auth`; each is `undefined` when not asked for or not
 * applicable. Rejects with the Backend API error of the first failing call, as Clerk does.
 *
 * `options` (the resolved options) say what to load and give the secret key, the API URL/version and the
 * User-Agent (`clerk-remix-native/<version>`, on every Backend API call).
 */
export async function loadResources(
  auth: { userId?: string | null; sessionId?: string | null; orgId?: string | null },
  options: ResourceOptions & AuthContext,
): Promise<LoadedResources> {
  /** The resource at `/<collection>/<id>` as `fields` shape it, when `wanted` and there is an `id`. */
  const load = (wanted: unknown, id: string | null | undefined, collection: string, fields: Field[]) =>
    wanted && id
      ? backendApiRequest(options, 'GET', `/${collection}/${encodeURIComponent(id)}`).then((json) => build(fields, json))
      : undefined;
  const [session, user, organization] = await Promise.all([
    load(options.loadSession, auth.sessionId, 'sessions', SESSION),
    load(options.loadUser, auth.userId, 'users', USER),
    load(options.loadOrganization, auth.orgId, 'organizations', ORGANIZATION),
  ]);
  return { session, user, organization };
}
