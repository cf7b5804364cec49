// The package's JS API as the tests use it, and small shared assertions.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const api = require('../../dist/ssr.server.js');
export const native = require('../../index.js');
export const { createTokenVerifier, verifyToken, TokenVerificationError } = api;

/** A secret key no other test uses, so that no JWKS cache is shared between tests. */
export const freshSecret = () => `sk_test_${randomUUID().replace(/-/g, '')}`;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Awaits `promise`, asserts it rejected with a `TokenVerificationError` of `reason`, and returns the error. */
export async function rejectsWith(promise, reason) {
  let settled;
  try {
    settled = { value: await promise };
  } catch (err) {
    settled = { err };
  }
  assert.ok('err' in settled, `expected a rejection with ${reason}, got ${JSON.stringify(settled.value)}`);
  const { err } = settled;
  assert.ok(err instanceof TokenVerificationError, `not a TokenVerificationError: ${err?.stack ?? err}`);
  assert.equal(err.reason, reason, `reason: ${err.message}`);
  assert.equal(err.code, reason);
  assert.equal(err.name, 'TokenVerificationError');
  return err;
}

/** Same for a synchronous call. */
export function throwsWith(fn, reason) {
  let err;
  try {
    const value = fn();
    assert.fail(`expected a throw with ${reason}, got ${JSON.stringify(value)}`);
  } catch (e) {
    err = e;
  }
  if (err instanceof assert.AssertionError) throw err;
  assert.ok(err instanceof TokenVerificationError, `not a TokenVerificationError: ${err?.stack ?? err}`);
  assert.equal(err.reason, reason, `reason: ${err.message}`);
  assert.equal(err.code, reason);
  return err;
}

/** Clerk's kid-mismatch message for `kid` when the JWKS lists `kids`. */
export const kidMismatchMessage = (kid, kids) =>
  `Unable to find a signing key in JWKS that matches the kid='${kid}' of the provided session token. ` +
  'Please make sure that the __session cookie or the HTTP authorization header contain a Clerk-generated session JWT. ' +
  `The following kid is available: ${[...kids].sort().join(', ')}`;

export const KID_MISMATCH_ACTION =
  'Go to your Dashboard and validate your secret and public keys are correct. Contact support@clerk.com if the issue persists.';
export const CONTACT_SUPPORT = 'Contact support@clerk.com';
