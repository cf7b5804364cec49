// Opaque machine tokens of the local issuer: the object Clerk's Backend API answers from its verify endpoints for an
// API key, an M2M token or an OAuth access token (the JSON shapes `@clerk/backend` reads in `APIKey.fromJSON`,
// `M2MToken.fromJSON` and `IdPOAuthAccessToken.fromJSON`).
import { createHash } from 'node:crypto';

import { randomId } from './keys';
import type { IssuerState } from './state';
import type { LocalMachineTokenSpec } from './types';

const PREFIX = { api_key: 'ak_', m2m_token: 'mt_', oauth_token: 'oat_' } as const;

export function machineTokenObject(
  state: IssuerState,
  spec: LocalMachineTokenSpec,
): { token: string; object: Record<string, unknown> } {
  const token = spec.token ?? `${PREFIX[spec.kind]}${randomId(32)}`;
  // The object's id follows from the token, so that defining the same token again answers the same object.
  const idOf = (prefix: string) => `${prefix}${createHash('sha256').update(token).digest('hex').slice(0, 24)}`;
  const now = state.now();
  const common = {
    subject: spec.subject,
    scopes: spec.scopes ?? [],
    revoked: false,
    revocation_reason: null,
    expired: false,
    expiration: null,
    created_at: now,
    updated_at: now,
  };
  if (spec.kind === 'api_key') {
    return {
      token,
      object: {
        object: 'api_key',
        id: idOf('ak_id_'),
        type: 'api_key',
        name: spec.name ?? 'local key',
        claims: spec.claims ?? null,
        created_by: null,
        description: null,
        last_used_at: null,
        ...common,
      },
    };
  }
  if (spec.kind === 'm2m_token') {
    return { token, object: { object: 'machine_to_machine_token', id: idOf('mt_id_'), claims: spec.claims ?? null, ...common } };
  }
  return {
    token,
    object: {
      object: 'clerk_idp_oauth_access_token',
      id: idOf('oat_id_'),
      client_id: spec.clientId ?? 'client_local',
      type: 'oauth_access_token',
      ...common,
    },
  };
}
