import { signedOutAuthObject, type AuthObject } from '../core/authObject.js';
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

export function authObjectForAcceptedToken(authObject: AuthObject | AnyAuthObject, acceptsToken: AcceptsToken = 'session_token') {
  if (acceptsToken === 'any') return authObject;
  const tokenType = (authObject as AnyAuthObject).tokenType;
  if (Array.isArray(acceptsToken)) return isAccepted(tokenType, acceptsToken) ? authObject : invalidTokenAuthObject();
  if (isAccepted(tokenType, acceptsToken)) return authObject;
  if (isMachineTokenType(acceptsToken)) return unauthenticatedMachineObject(acceptsToken, (authObject as AnyAuthObject).debug);
  // Clerk's `signedOutAuthObject(authObject.debug)`: a function as the debug data has no own keys.
  return signedOutAuthObject(undefined);
}
