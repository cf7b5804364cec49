import { createDebug } from './authObject';

/**
 * The auth objects of machine tokens (API keys, M2M tokens, OAuth access tokens), as `@clerk/backend` 3.x builds
 * them (`authenticatedMachineObject`, `unauthenticatedMachineObject`), keys in its order. The addon verifies the
 * token and answers the fields read here ({@link MachineFields}); only the live values (`getToken`, `has`, `debug`)
 * are made in JS.
 */

export type MachineTokenType = 'api_key' | 'm2m_token' | 'oauth_token';

/** What the addon answers of a verified machine token; a member the verification did not give stays absent. */
export interface MachineFields {
  id?: string;
  subject?: string;
  scopes?: string[];
  claims?: Record<string, unknown> | null;
  name?: string;
  clientId?: string;
}

export const isMachineTokenType = (type: unknown): type is MachineTokenType =>
  type === 'api_key' || type === 'm2m_token' || type === 'oauth_token';

const subjectWithPrefix = (subject: unknown, prefix: string) =>
  typeof subject === 'string' && subject.startsWith(prefix) ? subject : null;

/** A verified machine token's auth object. `debugData`: what `debug()` copies (the request's options). */
export function authenticatedMachineObject(
  tokenType: MachineTokenType,
  token: string,
  fields: MachineFields,
  debugData: Record<string, unknown>,
) {
  const base = {
    id: fields.id,
    subject: fields.subject,
    getToken: () => Promise.resolve(token),
    has: () => false,
    debug: createDebug(debugData),
    isAuthenticated: true as const,
  };
  if (tokenType === 'api_key') {
    return {
      ...base,
      tokenType,
      name: fields.name,
      claims: fields.claims,
      scopes: fields.scopes,
      userId: subjectWithPrefix(fields.subject, 'user_'),
      orgId: subjectWithPrefix(fields.subject, 'org_'),
    };
  }
  if (tokenType === 'm2m_token') return { ...base, tokenType, claims: fields.claims, scopes: fields.scopes, machineId: fields.subject };
  return { ...base, tokenType, scopes: fields.scopes, userId: fields.subject, clientId: fields.clientId };
}

/**
 * An unauthenticated machine auth object of `tokenType`. `debugData` is what `debug()` copies: a failed check's
 * `{ reason, message, headers }`, or — when `getAuth` turns another object into this one — that object's `debug`
 * function, which Clerk passes as the data (a function has no own keys: only the cut secrets remain).
 */
export function unauthenticatedMachineObject(tokenType: MachineTokenType, debugData?: Record<string, unknown> | (() => unknown)) {
  const base = {
    id: null,
    subject: null,
    scopes: null,
    has: () => false,
    getToken: () => Promise.resolve(null),
    debug: createDebug(typeof debugData === 'function' ? undefined : debugData),
    isAuthenticated: false as const,
  };
  if (tokenType === 'api_key') return { ...base, tokenType, name: null, claims: null, scopes: null, userId: null, orgId: null };
  if (tokenType === 'm2m_token') return { ...base, tokenType, claims: null, scopes: null, machineId: null };
  return { ...base, tokenType, scopes: null, userId: null, clientId: null };
}
