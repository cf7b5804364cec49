// The two entries of @clerk/remix that are Clerk's own code, under this package's name: `/api.server` (Clerk's
// Backend SDK) and `/errors` (Clerk's error guards), which must also recognise the errors this package throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { withEnv } from './helpers/env.mjs';
import { createLocalIssuer, getAuth } from './helpers/requests.mjs';
import { decodePayload } from './helpers/tokens.mjs';

const require = createRequire(import.meta.url);

test('clerk-remix-native/api.server is @clerk/remix/api.server: createClerkClient as Clerk exports it', () => {
  const ours = require('clerk-remix-native/api.server');
  const theirs = require('@clerk/remix/api.server');
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
  assert.equal(ours.createClerkClient, theirs.createClerkClient);
  assert.equal(typeof ours.createClerkClient({ secretKey: 'sk_test_x' }).users.getUser, 'function');
});

test('clerk-remix-native/errors has the guards of @clerk/remix/errors, and they know our Backend API errors', async () => {
  const ours = require('clerk-remix-native/errors');
  const theirs = require('@clerk/remix/errors');
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
  for (const name of Object.keys(theirs)) assert.equal(ours[name], theirs[name], name);

  // A Backend API error as getToken({ template }) meets it.
  const issuer = await createLocalIssuer();
  try {
    issuer.override('POST', /\/tokens\/broken$/, () => ({
      status: 422,
      body: { errors: [{ code: 'form_param_invalid', message: 'template not found', long_message: 'No such template' }] },
    }));
    const { token } = issuer.createSession();
    const request = new Request('http://localhost:3000/', { headers: { cookie: `__session=${token}; __client_uat=${decodePayload(token).iat}` } });
    await withEnv(issuer.env(), async () => {
      const auth = await getAuth(request);
      assert.equal(auth.userId, issuer.userId);
      const error = await auth.getToken({ template: 'broken' }).then(
        () => assert.fail('getToken should reject'),
        (err) => err,
      );
      assert.equal(ours.isClerkAPIResponseError(error), true);
      assert.equal(error.status, 422);
      assert.equal(error.errors[0].code, 'form_param_invalid');
      assert.equal(ours.isKnownError(error), true);
      assert.equal(ours.isClerkAPIResponseError(new Error('plain')), false);
    }, { only: 'CLERK_' });
  } finally {
    await issuer.close();
  }
});
