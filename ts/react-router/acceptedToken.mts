import { createDebug, type AuthObject } from '../core/authObject.js';
import { isMachineTokenType, unauthenticatedMachineObject, type MachineTokenType } from '../core/machineAuthObject.js';

/**
 * `@clerk/backend` 3.x's token-type filter of `getAuth(args, { acceptsToken })` (`getAuthObjectForAcceptedToken`):
 * `'any'` passes the request's auth object through; otherwise an auth object of a type not accepted becomes the
 * unauthenticated object of the accepted type (one type), or Clerk's "invalid token" object (a list of types).
 */

export type TokenType = 'session_token' | MachineTokenType;
export type AcceptsToken = TokenType | TokenType[] | 'any';

type AnyAuthObject = { tokenType: string | null; debug: () => Record<string, unknown> } & Record<string, unknown>;

const isAccepted = (tokenType: string | null, accepts: TokenType | TokenType[]): boolean =>
  !!tokenType && (Array.isArray(accepts) ? accepts : [accepts]).includes(tokenType as TokenType);

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

/** Clerk's `signedOutAuthObject(debug)` of a session token, for a machine auth object when session tokens are asked for. */
function signedOutSessionObject() {
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
    // Clerk passes the other object's `debug` function as the data: a function has no own keys.
    debug: createDebug(undefined),
    isAuthenticated: false,
  };
}

export function authObjectForAcceptedToken(authObject: AuthObject | AnyAuthObject, acceptsToken: AcceptsToken = 'session_token') {
  if (acceptsToken === 'any') return authObject;
  const tokenType = (authObject as AnyAuthObject).tokenType;
  if (Array.isArray(acceptsToken)) return isAccepted(tokenType, acceptsToken) ? authObject : invalidTokenAuthObject();
  if (isAccepted(tokenType, acceptsToken)) return authObject;
  if (isMachineTokenType(acceptsToken)) return unauthenticatedMachineObject(acceptsToken, (authObject as AnyAuthObject).debug);
  return signedOutSessionObject();
}
