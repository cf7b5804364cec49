// The issuer's key material and JWT plumbing: random ids, RSA key generation with JWK/PEM export, compact JWS
// signing with the current (or a given) key, decoding payloads, and verifying a token against the served keys.
// Pure functions: the served keys are passed in (current key first), nothing here holds state.
import { generateKeyPairSync, randomBytes, sign as rsaSign, verify as rsaVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { LocalJwk, LocalJwtAlgorithm, LocalSignOptions, LocalSigningKey } from './types';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGEST: Record<LocalJwtAlgorithm, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

/** Random `[0-9A-Za-z]` string of `length` characters. */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i += 1) out += BASE62[bytes[i] % 62];
  return out;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const jsonB64url = (value: unknown): string => b64url(JSON.stringify(value));

/** Drops members whose value is `undefined` (so `{ kid: undefined }` removes a header member). */
export function withoutUndefined(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) if (v !== undefined) out[k] = v;
  return out;
}

/** Decodes a JWT payload without verifying it; `undefined` when it is not a JWT. */
export function decodePayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' ? payload : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Generates an RSA key pair usable as an issuer key or as a foreign key for `signWith`.
 * @param kid - key id; default `ins_local_<random>`.
 * @param modulusLength - default 2048.
 */
export function generateSigningKey(kid: string = `ins_local_${randomId(16)}`, modulusLength = 2048): LocalSigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent: 0x10001 });
  const exported = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { use: 'sig', kty: 'RSA', kid, alg: 'RS256', n: exported.n, e: exported.e },
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The JWKS document: every served key, current key first. */
export function jwksOf(keys: readonly LocalSigningKey[]): { keys: LocalJwk[] } {
  return { keys: keys.map((k) => k.jwk) };
}

/** The private key that signs (`signWith`, or the current key `keys[0]`) and the kid it brings, if any. */
function privateKeyOf(
  keys: readonly LocalSigningKey[],
  signWith: LocalSigningKey | KeyObject | string | undefined,
): { key: KeyObject | string; kid: string | undefined } {
  if (signWith === undefined) return { key: keys[0].privateKey, kid: keys[0].kid };
  if (typeof signWith === 'string') return { key: signWith, kid: undefined };
  if ('privateKey' in signWith && 'kid' in signWith) return { key: signWith.privateKey, kid: signWith.kid };
  return { key: signWith as KeyObject, kid: undefined };
}

/** Signs `payload` as a compact JWS with the current key of `keys` (or `signOptions.signWith`). */
export function signJwt(keys: readonly LocalSigningKey[], payload: Record<string, unknown>, signOptions: LocalSignOptions = {}): string {
  const alg = signOptions.alg ?? 'RS256';
  const { key, kid: keyKid } = privateKeyOf(keys, signOptions.signWith);
  const header = withoutUndefined({ alg, kid: signOptions.kid ?? keyKid ?? keys[0].kid, typ: 'JWT', ...signOptions.header });
  const signingInput = `${jsonB64url(header)}.${jsonB64url(payload)}`;
  const signature = rsaSign(DIGEST[alg], Buffer.from(signingInput), key);
  return `${signingInput}.${b64url(signature)}`;
}

/** Verifies an RS256/384/512 JWT against any of `keys`; the payload when valid. */
export function verifyWithServedKeys(keys: readonly LocalSigningKey[], token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let header: { alg?: string; kid?: string };
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const digest = DIGEST[header.alg as LocalJwtAlgorithm];
  const key = keys.find((k) => k.kid === header.kid);
  if (!digest || !key) return undefined;
  const ok = rsaVerify(digest, Buffer.from(`${parts[0]}.${parts[1]}`), key.publicKey, Buffer.from(parts[2], 'base64url'));
  return ok ? decodePayload(token) : undefined;
}
