// What the issuer mints and what browsers hold: Clerk's session-token claim set and the signed session token,
// handshake tokens, the `Set-Cookie` directives of handshake/refresh answers, the `Cookie` header of a signed-in
// browser, the cookie suffix, and re-issuing a live session's token (refresh, handshake, client tokens).
import { createHash } from 'node:crypto';
import { decodePayload, signJwt, verifyWithServedKeys, withoutUndefined } from './keys';
import type { IssuerState } from './state';
import type { LocalCookieHeaderOptions, LocalHandshakeTokenOptions, LocalSessionTokenSpec, LocalSetCookieOptions } from './types';

/** Seconds since the epoch from a number of seconds or a Date. */
const toSeconds = (value: number | Date): number => (value instanceof Date ? Math.floor(value.getTime() / 1000) : value);

/** Clerk's cookie suffix of a publishable key: base64url(SHA-1(pk)) cut to 8 characters. */
export function cookieSuffixOf(publishableKey: string): string {
  return createHash('sha1').update(publishableKey).digest('base64url').slice(0, 8);
}

/** The claim set {@link sessionToken} signs. */
export function sessionClaims(state: IssuerState, spec: LocalSessionTokenSpec = {}): Record<string, unknown> {
  const version = spec.version ?? (spec.org ? 1 : 2);
  const iat = spec.issuedAt !== undefined ? toSeconds(spec.issuedAt) : Math.floor(state.now() / 1000);
  const exp = iat + (spec.expiresInSeconds ?? 60);
  const nbf = spec.notBefore === null ? undefined : spec.notBefore !== undefined ? toSeconds(spec.notBefore) : iat - 10;
  const azp = spec.azp === null ? undefined : spec.azp ?? state.authorizedParty;
  const sts = spec.status === null ? undefined : spec.status ?? (version === 2 ? 'active' : undefined);
  const fva = spec.fva === null ? undefined : spec.fva ?? (version === 2 ? [0, -1] : undefined);
  const claims: Record<string, unknown> = {
    act: spec.actor,
    azp,
    exp,
    fea: spec.orgV2?.fea ?? spec.features,
    fva,
    iat,
    iss: state.issuerUrl,
    nbf,
    o: spec.orgV2
      ? withoutUndefined({ id: spec.orgV2.id, rol: spec.orgV2.rol, slg: spec.orgV2.slg, per: spec.orgV2.per, fpm: spec.orgV2.fpm })
      : undefined,
    org_id: spec.org?.id,
    org_permissions: spec.org ? spec.org.permissions ?? [] : undefined,
    org_role: spec.org?.role,
    org_slug: spec.org?.slug,
    pla: spec.plans,
    sid: spec.sessionId ?? state.sessionId,
    sts,
    sub: spec.userId ?? state.userId,
    v: version === 2 ? 2 : undefined,
  };
  for (const [k, v] of Object.entries(spec.extraClaims ?? {})) {
    if (v === undefined) delete claims[k];
    else claims[k] = v;
  }
  return withoutUndefined(claims);
}

/** A signed session token; remembers its `sid → sub` so the sessions and tokens endpoints know the user. */
export function sessionToken(state: IssuerState, spec: LocalSessionTokenSpec = {}): string {
  const claims = sessionClaims(state, spec);
  if (typeof claims.sid === 'string' && typeof claims.sub === 'string') state.sessionUsers.set(claims.sid, claims.sub);
  return signJwt(state.keys, claims, { alg: spec.alg, header: spec.header, kid: spec.kid, signWith: spec.signWith });
}

/**
 * A handshake JWT: payload `{ handshake: directives, iat }` (issued now, as the tokens of Clerk's own integration
 * suite are), signed like session tokens. `issuedAt: null` leaves `iat` out; `expiresInSeconds` adds an `exp`.
 */
export function handshakeToken(state: IssuerState, directives: string[], options: LocalHandshakeTokenOptions = {}): string {
  const { issuedAt, expiresInSeconds, ...signOptions } = options;
  const iat = issuedAt === null ? undefined : issuedAt !== undefined ? toSeconds(issuedAt) : Math.floor(state.now() / 1000);
  const exp = expiresInSeconds === undefined ? undefined : (iat ?? Math.floor(state.now() / 1000)) + expiresInSeconds;
  return signJwt(state.keys, withoutUndefined({ handshake: directives, iat, exp }), signOptions);
}

/** The same claims as `claims` (a verified, maybe expired, session token), issued at `iat` (now) for a minute. */
export function reissue(state: IssuerState, claims: Record<string, unknown>, iat = Math.floor(state.now() / 1000)): string {
  return signJwt(state.keys, { ...claims, iat, nbf: iat - 10, exp: iat + 60 });
}

/** The claims of a session token signed by a served key whose session is still going (expiry is not checked). */
export function liveSessionClaims(state: IssuerState, token: string | undefined): Record<string, unknown> | undefined {
  const claims = token ? verifyWithServedKeys(state.keys, token) : undefined;
  if (!claims || typeof claims.sid !== 'string' || typeof claims.sub !== 'string' || state.endedSessions.has(claims.sid)) return undefined;
  return claims;
}

/** Set-Cookie directives as Clerk's handshake/refresh answers carry them (`__session=…`, `__client_uat=…`). */
export function setCookieDirectives(state: IssuerState, opts: LocalSetCookieOptions = {}): string[] {
  const iat = opts.session ? decodePayload(opts.session)?.iat : undefined;
  const uat = String(opts.clientUat ?? (typeof iat === 'number' ? iat : 0));
  const sessionValue = opts.session ?? '';
  const sessionAttrs = opts.session ? 'Path=/; SameSite=Lax; Secure' : 'Path=/; Max-Age=0; SameSite=Lax; Secure';
  const uatAttrs = 'Path=/; Max-Age=315360000; SameSite=Lax; Secure';
  const suffixes = opts.suffixed === 'only' ? [`_${state.cookieSuffix}`] : opts.suffixed ? [`_${state.cookieSuffix}`, ''] : [''];
  const out: string[] = [];
  for (const sfx of suffixes) {
    out.push(`__session${sfx}=${sessionValue}; ${sessionAttrs}`);
    out.push(`__client_uat${sfx}=${uat}; ${uatAttrs}`);
  }
  return out;
}

/** The directives without their `Secure` attribute (for an app served over plain http). */
export const withoutSecure = (directives: string[]): string[] => directives.map((d) => d.replace(/; Secure/g, ''));

/** The Cookie header of a browser holding these Clerk cookies, e.g. `__session=…; __client_uat=…`. */
export function cookieHeader(state: IssuerState, opts: LocalCookieHeaderOptions = {}): string {
  const { cookieSuffix } = state;
  const pairs: string[] = [];
  const variants = opts.suffixed === 'both' ? [`_${cookieSuffix}`, ''] : opts.suffixed ? [`_${cookieSuffix}`] : [''];
  let uat: string | undefined;
  if (opts.clientUat === null || opts.clientUat === false) uat = undefined;
  else if (opts.clientUat !== undefined) uat = String(opts.clientUat);
  else if (opts.session) {
    const iat = decodePayload(opts.session)?.iat;
    uat = String(typeof iat === 'number' ? iat : Math.floor(state.now() / 1000));
  }
  const devBrowser = opts.devBrowser === true ? state.devBrowserToken : opts.devBrowser;
  for (const sfx of variants) {
    if (opts.session !== undefined) pairs.push(`__session${sfx}=${opts.session}`);
    if (uat !== undefined) pairs.push(`__client_uat${sfx}=${uat}`);
    if (devBrowser !== undefined) pairs.push(`__clerk_db_jwt${sfx}=${devBrowser}`);
  }
  if (opts.refresh !== undefined) pairs.push(`__refresh_${cookieSuffix}=${opts.refresh}`);
  if (typeof opts.extra === 'string') {
    if (opts.extra) pairs.push(opts.extra);
  } else if (opts.extra) {
    for (const [k, v] of Object.entries(opts.extra)) pairs.push(`${k}=${v}`);
  }
  return pairs.join('; ');
}
