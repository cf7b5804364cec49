// ConnectClerk(App, { frontendApi }) tells the server of the same process which instance it is, as the lowest-priority
// source of the publishable key (the 2022 guide sets only CLERK_API_KEY on the server). The registry lives for the
// whole process, so the steps below run in order and each builds on the one before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { withEnv } from './helpers/env.mjs';
import { createLocalIssuer, getAuth, rootAuthLoader } from './helpers/requests.mjs';
import { decodePayload } from './helpers/tokens.mjs';

const require = createRequire(import.meta.url);
const { ConnectClerk } = require('../dist/index.js');
const { loadOptions, buildPublishableKey } = require('../dist/core/loadOptions.js');

const App = () => null;

test('ConnectClerk frontendApi as the server\'s last source of the instance', async (t) => {
  const issuer = await createLocalIssuer();
  const host = issuer.frontendApi;
  const { sessionId, token } = issuer.createSession();
  const signedIn = () =>
    new Request('http://localhost:3000/private', { headers: { cookie: `__session=${token}; __client_uat=${decodePayload(token).iat}` } });
  // What the guide's server has: the API key only (and, for the test, the issuer's API URL).
  const guideEnv = (fn) => withEnv({ CLERK_API_KEY: issuer.secretKey, CLERK_API_URL: issuer.apiUrl }, fn, { only: 'CLERK_' });
  const args = () => ({ request: signedIn(), params: {}, context: {} });
  try {
    await t.test('before any ConnectClerk, the instance is unknown', () =>
      guideEnv(async () => {
        await assert.rejects(getAuth(signedIn()), /Publishable key is missing/);
      }),
    );

    await t.test('ConnectClerk(App, { frontendApi }) makes it known: getAuth(request) and rootAuthLoader work', () =>
      guideEnv(async () => {
        ConnectClerk(App, { frontendApi: host });
        assert.equal(loadOptions(args()).publishableKey, buildPublishableKey(host));
        const auth = await getAuth(signedIn());
        assert.equal(auth.userId, issuer.userId);
        assert.equal(auth.sessionId, sessionId);
        const response = await rootAuthLoader(args(), ({ auth: beta }) => ({ yourData: beta.userId }));
        const body = await response.json();
        assert.equal(body.yourData, issuer.userId);
        assert.equal(body.clerkState.__internal_clerk_state.__publishableKey, buildPublishableKey(host));
      }),
    );

    await t.test('the same host again, or spelled as a URL, is the same instance', () =>
      guideEnv(async () => {
        ConnectClerk(App, { frontendApi: host });
        ConnectClerk(App, { frontendApi: `http://${host}/` });
        assert.equal((await getAuth(signedIn())).userId, issuer.userId);
      }),
    );

    await t.test('a second copy of the module shares the registry', () => {
      const file = require.resolve('../dist/core/connectedFrontendApi.js');
      const first = require.cache[file];
      delete require.cache[file];
      try {
        const copy = require(file);
        assert.notEqual(copy, first.exports);
        assert.equal(copy.connectedPublishableKey(), buildPublishableKey(host));
      } finally {
        require.cache[file] = first;
      }
    });

    await t.test('every option and environment variable wins over it', () =>
      guideEnv(() => {
        ConnectClerk(App, { frontendApi: host });
        const other = 'clerk.other.example';
        assert.equal(loadOptions(args(), { publishableKey: issuer.publishableKey }).publishableKey, issuer.publishableKey);
        assert.equal(loadOptions(args(), { frontendApi: other }).publishableKey, buildPublishableKey(other));
        withEnv({ CLERK_FRONTEND_API: other }, () => assert.equal(loadOptions(args()).publishableKey, buildPublishableKey(other)));
        withEnv({ CLERK_PUBLISHABLE_KEY: 'pk_live_Y2xlcmsuZW52LmV4YW1wbGUk' }, () =>
          assert.equal(loadOptions(args()).publishableKey, 'pk_live_Y2xlcmsuZW52LmV4YW1wbGUk'),
        );
      }),
    );

    await t.test('two different hosts in one process: a clear error, not a silent pick', () =>
      guideEnv(async () => {
        ConnectClerk(App, { frontendApi: 'clerk.second.example' });
        const conflict = (err) => {
          assert.match(err.message, /ConnectClerk\(App, \{ frontendApi \}\) was given 2 different Frontend API hosts/);
          assert.ok(err.message.includes(`'${host}'`) && err.message.includes("'clerk.second.example'"), err.message);
          assert.doesNotMatch(err.message, new RegExp(issuer.secretKey));
          return true;
        };
        await assert.rejects(getAuth(signedIn()), conflict);
        await assert.rejects(rootAuthLoader(args()), conflict);
        // A key or host given to the server settles it.
        withEnv({ CLERK_PUBLISHABLE_KEY: issuer.publishableKey }, () =>
          assert.equal(loadOptions(args()).publishableKey, issuer.publishableKey),
        );
        assert.equal(loadOptions(args(), { frontendApi: host }).publishableKey, buildPublishableKey(host));
      }),
    );
  } finally {
    await issuer.close();
  }
});
