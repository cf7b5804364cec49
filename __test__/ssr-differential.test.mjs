// Differential test of the request decision: every scenario of helpers/scenarios.mjs, in every call style
// (rootAuthLoader, rootAuthLoader with a callback, getAuth), runs through the REAL @clerk/remix@4.13.49 and through
// ours (dist/ssr.server.js) with the same issuer, env and frozen clock. Everything observable is compared: kind of
// result, status, every response header, body / clerkState (key order included), the auth object (JSON, key order,
// value types, getToken()), thrown errors, console output, and the Backend API requests made (with User-Agent).
//
// A difference fails unless ALLOWED below names it, and each allowance names the docs/compat.md row documenting it
// (checked) and, where it matters, checks that our side is the documented behaviour. An allowance that matches
// nothing fails too, so the list cannot go stale.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, describe, test } from 'node:test';

import { allowedFor, differences, JWKS, pick } from './helpers/differential.mjs';
import { HARDENING_ALLOWED, PINNED_ORIGIN_ALLOWED, OTHER_BAPI_PATHS, unresolved, userIdOf } from './helpers/hardening.mjs';
import { closeIssuers, getIssuer, header, internalState, loadOurs, MODES, runClerk } from './helpers/oracle.mjs';
import { ATTACKER_ID, scenarios, USER_ID } from './helpers/scenarios.mjs';

const require = createRequire(import.meta.url);
const compat = readFileSync(new URL('../docs/compat.md', import.meta.url), 'utf8');
const { version } = require('../package.json');
const OUR_UA = `clerk-remix-native/${version}`;

/** Reason of a normalized result: the x-clerk-auth-reason header, else the debug reason of clerkState. */
const reasonOf = (r) => header(r, 'x-clerk-auth-reason') ?? internalState(r)?.__clerk_debug?.reason ?? null;
/** What kind of outcome a normalized result is: 'signed-in' | 'signed-out' | 'handshake' | 'error'. */
function stateOf(r) {
  if (r.kind === 'thrown-error') return 'error';
  if (r.kind === 'thrown-response') return 'handshake';
  if (r.kind === 'auth') return r.auth.userId ? 'signed-in' : 'signed-out';
  return header(r, 'x-clerk-auth-status') === 'signed-out' ? 'signed-out' : 'signed-in';
}
/** For getAuth the reason is not observable (no headers); for the loaders it must be `reason`. */
function assertSignedOut(r, reason) {
  assert.equal(stateOf(r), 'signed-out', `ours: ${JSON.stringify({ kind: r.kind, status: r.status, error: r.error })}`);
  if (r.mode !== 'getAuth') assert.equal(reasonOf(r), reason);
}

const withoutJwks = (lines) => lines.filter((l) => !l.startsWith(`${JWKS} `));
/** Where Backend API calls other than the JWKS are made. */
const R3_SCENARIOS = ['handshake-nonce-unknown', 'handshake-nonce-resolves', 'handshake-nonce-foreign-cookie', 'expired-refresh-cookie-refreshes', 'expired-refresh-token-unknown', 'load-resources-in-callback'];

/**
 * The deliberate differences. `scenarios`: where it shows; `paths`: which compared paths may differ (regexes over
 * the paths `diff` reports); `check(ours, clerk)`: what our side must be instead.
 */
const ALLOWED = [
  {
    id: 'R1',
    why: 'a 3-part __session that is not JSON, or a Cookie header escape that does not decode, is signed-out token-invalid (Clerk: uncaught SyntaxError/URIError → 500)',
    scenarios: ['malformed-three-parts-cookie', 'cookie-header-percent-ZZ', 'cookie-header-non-utf8-escape'],
    paths: [/.*/],
    check: (ours) => assertSignedOut(ours, 'token-invalid'),
  },
  {
    id: 'V1',
    why: 'signature before claims: a forged expired token is token-invalid-signature, never a handshake',
    scenarios: ['forged-expired-document-request', 'forged-expired-data-request'],
    paths: [/.*/],
    check: (ours) => assertSignedOut(ours, 'token-invalid-signature'),
  },
  {
    id: 'R2',
    why: 'a header token whose parts are not JSON is token-invalid with a message (Clerk: unexpected-error, empty message)',
    scenarios: ['malformed-three-parts-header'],
    paths: [/^headers\.x-clerk-auth-(reason|message)$/, /__clerk_debug\.(reason|message)$/],
    check: (ours) => assertSignedOut(ours, 'token-invalid'),
  },
  {
    id: 'J7',
    why: 'the JWKS request carries our User-Agent',
    scenarios: '*',
    paths: [/^bapiUserAgents$/],
    check: (ours, clerk, name) => {
      // H3: the refresh goes to another path; its check compares the path, this one only the User-Agent.
      if (OTHER_BAPI_PATHS.includes(name)) return assertUserAgents(ours, clerk, { samePaths: false });
      assertUserAgents(ours, clerk);
      // Outside R3's scenarios only the JWKS request may differ.
      if (!R3_SCENARIOS.includes(name)) assert.deepEqual(withoutJwks(ours.bapiUserAgents), withoutJwks(clerk.bapiUserAgents));
    },
  },
  {
    id: 'R3',
    why: 'handshake payload, session refresh and resource requests carry our User-Agent too',
    scenarios: R3_SCENARIOS,
    paths: [/^bapiUserAgents$/],
    check: (ours, clerk) => assertUserAgents(ours, clerk),
  },
  ...HARDENING_ALLOWED,
  ...PINNED_ORIGIN_ALLOWED,
  {
    id: 'R9',
    why: 'a rootAuthLoader response carries clerkState (and maybe Clerk\'s cookies): Cache-Control private, no-store (Clerk sets none)',
    scenarios: '*',
    paths: [/^headers\.cache-control$/],
    check: (ours, clerk) => {
      // Where another allowance makes one side a 307 (V1, R10, U4), that side has Clerk's own no-store.
      for (const [r, fresh] of [[ours, 'private, no-store'], [clerk, undefined]]) {
        if (r.kind === 'response') assert.equal(header(r, 'cache-control'), fresh);
        else if (r.kind === 'thrown-response') assert.equal(header(r, 'cache-control'), 'no-store');
      }
    },
  },
  {
    id: 'R10',
    why: 'a development primary does not send the dev browser token to an origin that is neither its own nor allowed: decided as without __clerk_redirect_url',
    scenarios: ['dev-primary-responds-to-syncing-foreign-target'],
    paths: [/.*/],
    check: (ours, clerk) => {
      assert.equal(stateOf(clerk), 'handshake');
      assert.match(header(clerk, 'location'), /^https:\/\/evil\.example\.test\/steal\?__clerk_db_jwt=/);
      assert.equal(stateOf(ours), 'signed-in');
      assert.equal(header(ours, 'location'), undefined);
      assert.ok(ours.logs.some((l) => l.level === 'warn' && l.text.startsWith('Clerk: __clerk_redirect_url ignored: https://evil.example.test')), JSON.stringify(ours.logs));
    },
  },
  // The checks @clerk/backend 3.x added that protect a session, adopted by this entry too (issue 16).
  {
    id: 'R11',
    why: 'a JWT whose cat is not a session\'s (a JWT template), or a machine JWT, is no session token in the header or the cookie: token-type-mismatch (3.x)',
    scenarios: ['template-category-header', 'template-category-cookie', 'm2m-jwt-in-cookie', 'oauth-jwt-in-cookie'],
    paths: [/.*/],
    check: (ours) => {
      assertSignedOut(ours, 'token-type-mismatch');
      if (ours.mode !== 'getAuth') assert.equal(header(ours, 'x-clerk-auth-message'), undefined, 'no message');
    },
  },
  {
    id: 'R12',
    why: 'a handshake token of another category, or one whose session token has the M2M category, is refused (3.x): logged, decided without it',
    scenarios: ['handshake-token-template-category', 'handshake-session-m2m-category'],
    paths: [/.*/],
    check: (ours, clerk, name) => {
      assert.equal(userIdOf(clerk), USER_ID);
      unresolved(ours, name === 'handshake-session-m2m-category' ? 'Invalid session token category.' : 'Invalid handshake token category.');
    },
  },
  {
    id: 'V8',
    why: 'with authorizedParties, a token without azp is refused: token-invalid-authorized-parties (3.x; 2.x let it through)',
    scenarios: ['authorized-parties-without-azp'],
    paths: [/.*/],
    check: (ours, clerk) => {
      assert.equal(userIdOf(clerk), USER_ID);
      assertSignedOut(ours, 'token-invalid-authorized-parties');
      if (ours.mode !== 'getAuth') assert.match(header(ours, 'x-clerk-auth-message'), /^Invalid JWT Authorized party claim \(azp\) undefined\. Expected "/);
    },
  },
  {
    id: 'V7',
    why: 'an aud that is neither a string nor an array of strings is refused when an audience is configured (Clerk lets it through)',
    scenarios: ['audience-malformed'],
    paths: [/.*/],
    check: (ours, clerk) => {
      assert.equal(userIdOf(clerk), USER_ID);
      assertSignedOut(ours, 'token-verification-failed');
    },
  },
  {
    id: 'C2',
    why: 'the Cookie header is not pre-decoded: an encoded __session inside another cookie\'s value stays there (2.x signs the planted session in)',
    scenarios: ['cookie-header-encoded-session-injection'],
    paths: [/.*/],
    check: (ours, clerk) => {
      assert.equal(userIdOf(clerk), ATTACKER_ID);
      assert.equal(userIdOf(ours), USER_ID);
    },
  },
  {
    id: 'U4',
    why: 'an X-Forwarded-Host that is not host[:port] (credentials in it) is not followed: the TypeError Clerk throws for a URL it cannot build',
    scenarios: ['forwarded-host-not-a-host'],
    paths: [/.*/],
    check: (ours, clerk) => {
      assert.equal(stateOf(clerk), 'handshake');
      assert.equal(ours.kind, 'thrown-error');
      assert.equal(ours.error.name, 'TypeError');
    },
  },
];

/**
 * Same requests (as a set: the resource loaders run concurrently in both, so their order on the wire is not
 * behaviour); ours with our User-Agent, Clerk's with one of its two.
 */
function assertUserAgents(ours, clerk, { samePaths = true } = {}) {
  const strip = (list) => list.map((line) => line.split(' ').slice(0, 2).join(' ')).sort();
  if (samePaths) assert.deepEqual(strip(ours.bapiUserAgents).filter((l) => l !== JWKS), strip(clerk.bapiUserAgents).filter((l) => l !== JWKS));
  for (const line of ours.bapiUserAgents) assert.ok(line.endsWith(` ${OUR_UA}`), line);
  for (const line of clerk.bapiUserAgents) assert.match(line, / @clerk\/(backend@2\.33\.8|remix@4\.13\.49)$/);
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison

// ---------------------------------------------------------------------------------------------------------------

describe('ssr differential: ours vs @clerk/remix@4.13.49 on every scenario', () => {
  const used = new Set();
  let compared = 0;
  const jwksFetches = { clerk: 0, ours: 0 };
  const unknownKid = [];
  after(closeIssuers);

  test('the native request decision is built', () => {
    const native = require('../index.js');
    assert.equal(typeof native.NativeAuthenticator, 'function', 'index.js has no NativeAuthenticator: build the addon (npm run build:debug)');
    assert.ok(scenarios.length >= 30, `only ${scenarios.length} scenarios`);
  });

  for (const s of scenarios) {
    test(s.name, async () => {
      const issuer = await getIssuer(s.instance);
      const clerk = await runClerk(s, { issuer });
      const ours = await runClerk(s, { issuer, impl: loadOurs() });
      const unexplained = [];
      for (const mode of MODES) {
        const c = clerk.results[mode];
        const o = ours.results[mode];
        compared += 1;
        const paths = differences(c, o);
        const entries = new Set();
        for (const path of paths) {
          const allowed = allowedFor(ALLOWED, s.name, path);
          const found = { scenario: s.name, mode, path, clerk: pick(c, path), ours: pick(o, path) };
          if (allowed.length === 0) unexplained.push(found);
          for (const a of allowed) entries.add(a);
        }
        for (const a of entries) {
          used.add(a.id);
          if (a.check) a.check(o, c, s.name);
        }
        // JWKS: a networkless key never fetches, on either side
        if (s.jwtKey) assert.deepEqual(o.bapi, [], `${s.name} [${mode}]: CLERK_JWT_KEY must not fetch`);
        jwksFetches.clerk += c.bapi.filter((x) => x === JWKS).length;
        jwksFetches.ours += o.bapi.filter((x) => x === JWKS).length;
        if (s.name === 'unknown-kid') unknownKid.push({ clerk: c.bapi.includes(JWKS), ours: o.bapi.includes(JWKS) });
      }
      assert.deepEqual(unexplained, [], `${s.name}: differences not in the allowlist`);
    });
  }

  test('JWKS fetches: an unknown kid refetches once per cooldown, not on every request (J2); never more than Clerk (J1)', () => {
    assert.deepEqual(unknownKid.map((x) => x.clerk), [true, true, true], 'Clerk refetches for every unknown-kid request');
    assert.ok(unknownKid.filter((x) => x.ours).length <= 1, JSON.stringify(unknownKid));
    assert.ok(used.has('J7') || jwksFetches.ours === 0, 'the JWKS User-Agent difference was seen');
    assert.ok(jwksFetches.ours > 0 && jwksFetches.ours <= jwksFetches.clerk, JSON.stringify(jwksFetches));
  });

  test('every (scenario, mode) pair was compared; every allowance was needed and is documented', () => {
    assert.equal(compared, scenarios.length * MODES.length);
    for (const a of ALLOWED) {
      assert.ok(used.has(a.id), `allowance ${a.id} matched no difference: remove it (${a.why})`);
      assert.ok(compat.includes(`| ${a.id} |`), `docs/compat.md has no row ${a.id}`);
    }
  });
});
