import { createDebug, type AuthObject } from '../core/authObject.js';

/**
 * `@clerk/backend` 3.x's token-type filter of `getAuth(args, { acceptsToken })` (`getAuthObjectForAcceptedToken`):
 * `'any'` passes the request's auth object through; otherwise an auth object of a type not accepted becomes the
 * unauthenticated object of the accepted type (one type), or Clerk's "invalid token" object (a list of types).
 */

export type TokenType = 'session_token' | 'api_key' | 'm2m_token' | 'oauth_token';
export type AcceptsToken = TokenType | TokenType[] | 'any';

const MACHINE_TOKEN_TYPES: ReadonlySet<string> = new Set(['api_key', 'm2m_token', 'oauth_token']);

type AnyAuthObject = { tokenType: string | null; debug: () => Record<string, unknown> } & Record<string, unknown>;

const isAccepted = (tokenType: string | null, accepts: TokenType | TokenType[]): boolean =>
  !!tokenType && (Array.isArray(accepts) ? accepts : [accepts]).includes(tokenType as TokenType);

/**
 * Clerk passes the other object's `debug` function as the debug data of the new object: a copy of a function has no
 * own keys, so `debug()` gives only the cut secrets, all `''`.
 */
const debugOfFunction = (_debug: unknown) => createDebug(undefined);

/** Clerk's `invalidTokenAuthObject()`. */
function invalidTokenAuthObject() {
  return {
    isAuthenticated: false,
    tokenType: null,
    getToken: () => Promise.resolve(null),
    has: () => false,
    debug: () => ({}),
  };
}

/** Clerk's `unauthenticatedMachineObject(tokenType, debug)`: the key order of 3.x (`scopes` stays where the base put it). */
export function unauthenticatedMachineObject(tokenType: TokenType, debug: () => Record<string, unknown>) {
  const base = {
    id: null,
    subject: null,
    scopes: null,
    has: () => false,
    getToken: () => Promise.resolve(null),
    debug: debugOfFunction(debug),
    isAuthenticated: false,
  };
  if (tokenType === 'api_key') return { ...base, tokenType, name: null, claims: null, scopes: null, userId: null, orgId: null };
  if (tokenType === 'm2m_token') return { ...base, tokenType, claims: null, scopes: null, machineId: null };
  return { ...base, tokenType, scopes: null, userId: null, clientId: null };
}

/** Clerk's `signedOutAuthObject(debug)` of a session token, for a machine auth object when session tokens are asked for. */
function signedOutSessionObject(debug: () => Record<string, unknown>) {
  return {
    tokenType: 'session_token',
    sessionClaims: null,
    sessionId: null,
    sessionStatus: null,
    userId: null,
    actor: null,
    orgId: null,
    orgRole: null,
    orgSlug: null,
    orgPermissions: null,
    factorVerificationAge: null,
    getToken: () => Promise.resolve(null),
    has: () => false,
    debug: debugOfFunction(debug),
    isAuthenticated: false,
  };
}

export function authObjectForAcceptedToken(authObject: AuthObject | AnyAuthObject, acceptsToken: AcceptsToken = 'session_token') {
  if (acceptsToken === 'any') return authObject;
  const tokenType = (authObject as AnyAuthObject).tokenType;
  if (Array.isArray(acceptsToken)) return isAccepted(tokenType, acceptsToken) ? authObject : invalidTokenAuthObject();
  if (isAccepted(tokenType, acceptsToken)) return authObject;
  if (MACHINE_TOKEN_TYPES.has(acceptsToken)) return unauthenticatedMachineObject(acceptsToken, (authObject as AnyAuthObject).debug);
  return signedOutSessionObject((authObject as AnyAuthObject).debug);
}
