// RSA keys and RS256/384/512 JWTs for the tests, made with node:crypto only.
import { generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';

/** The node:crypto digest of each RSA JWS algorithm. */
const DIGEST = Object.freeze({ RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' });

export const b64url = (input) =>
  Buffer.from(typeof input === 'string' ? input : JSON.stringify(input)).toString('base64url');

/**
 * A fresh RSA key pair. `jwk` is the public JWK as a JWKS would list it (kid, use "sig", alg when given),
 * `pem` its SubjectPublicKeyInfo PEM. `jwkExtra` members are merged into the JWK (e.g. `{ use: 'enc' }`).
 */
export function generateRsaKey({ bits = 2048, kid = `ins_${randomUUID()}`, alg = 'RS256', jwkExtra = {} } = {}) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const exported = publicKey.export({ format: 'jwk' });
  const jwk = { use: 'sig', kty: 'RSA', kid, ...(alg ? { alg } : {}), n: exported.n, e: exported.e, ...jwkExtra };
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  return { kid, bits, publicKey, privateKey, jwk, pem };
}

/** Session-token-like claims valid for a minute from `nowSec`. */
export function sessionClaims(overrides = {}, nowSec = Math.floor(Date.now() / 1000)) {
  return {
    azp: 'http://localhost:3000',
    exp: nowSec + 60,
    iat: nowSec - 1,
    iss: 'https://clerk.example.test',
    nbf: nowSec - 10,
    sid: `sess_${randomUUID()}`,
    sub: `user_${randomUUID()}`,
    ...overrides,
  };
}

/**
 * A compact JWS signed with `key.privateKey`. The header defaults to `{ alg, typ: 'JWT', kid: key.kid }`;
 * `header` members override it (a member set to `undefined` is removed).
 */
export function signJwt({ key, claims = sessionClaims(), alg = 'RS256', header = {} }) {
  const fullHeader = JSON.parse(JSON.stringify({ alg, typ: 'JWT', kid: key.kid, ...header }));
  const signingInput = `${b64url(fullHeader)}.${b64url(claims)}`;
  const digest = DIGEST[alg] ?? 'sha256';
  const signature = sign(digest, Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

const decodePart = (token, i) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString('utf8'));

/** The header of a compact JWS, decoded (no verification). */
export const decodeHeader = (token) => decodePart(token, 0);

/** The payload of a compact JWS, decoded (no verification). */
export const decodePayload = (token) => decodePart(token, 1);

/**
 * The payload of `token` if it is a compact RS256/384/512 JWS that verifies (node:crypto) with one of `publicKeys`
 * (KeyObjects, PEM strings or public JWKs); `null` otherwise, and for a header or payload that is not JSON.
 */
export function verifyJws(token, publicKeys) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  let header;
  let payload;
  try {
    header = decodePart(token, 0);
    payload = decodePart(token, 1);
  } catch {
    return null;
  }
  if (!Object.hasOwn(DIGEST, header?.alg)) return null;
  const digest = DIGEST[header.alg];
  const input = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2], 'base64url');
  const asKey = (k) => (typeof k === 'object' && k !== null && 'kty' in k ? { key: k, format: 'jwk' } : k);
  return publicKeys.some((k) => verify(digest, input, asKey(k), signature)) ? payload : null;
}
