// The deliberate differences of docs/compat.md H1–H3 and U5, shared by both differential tests (the scenarios are in
// scenarios.mjs, so they run through both entries): where Clerk's own protocol takes a crafted handshake or refresh,
// ours refuses it, and each allowance checks what our side does instead. A check sees one normalized result of ours
// (oracle.mjs / reactRouterOracle.mjs: a loader response, or `kind: 'auth'` for getAuth).
import assert from 'node:assert/strict';

import { header, internalState } from './oracle.mjs';
import { APP_ORIGIN, SID_PATH, USER_ID } from './scenarios.mjs';

/** The user a result is signed in as (`null` when signed out). */
export const userIdOf = (r) => (r.kind === 'auth' ? r.auth.userId ?? null : internalState(r)?.__clerk_ssr_state?.userId ?? null);

/** Signed out as if the handshake were not there, nothing of it set, the refusal logged with `logged` in it. */
export function unresolved(r, logged) {
  assert.notEqual(r.kind, 'thrown-error', JSON.stringify(r.error));
  assert.equal(userIdOf(r), null);
  const reason = header(r, 'x-clerk-auth-reason');
  if (reason !== undefined) assert.equal(reason, 'session-token-and-uat-missing');
  assert.deepEqual(header(r, 'set-cookie', true), []);
  const line = r.logs.find((l) => l.text.startsWith('Clerk: unable to resolve handshake:'));
  assert.ok(line?.text.includes(logged), JSON.stringify(r.logs));
}

export const HARDENING_ALLOWED = [
  {
    id: 'H1',
    why: 'a handshake directive that is not one of Clerk\'s cookies with Clerk\'s attributes fails the whole handshake: nothing set, logged, decided without it',
    scenarios: ['handshake-nonce-foreign-cookie', 'handshake-token-foreign-domain'],
    paths: [/.*/],
    check: (ours) => unresolved(ours, 'refused'),
  },
  {
    id: 'H2',
    why: 'a handshake token issued over 5 minutes ago, or without iat in a production query string, is refused: logged, decided without it',
    scenarios: ['handshake-token-stale', 'handshake-token-without-iat-in-query'],
    paths: [/.*/],
    check: (ours) => unresolved(ours, 'Handshake token'),
  },
  {
    id: 'H3',
    why: 'the session id is one encoded segment of the refresh URL (Clerk: ../../users/user_1 posts to /users/user_1/refresh)',
    scenarios: ['expired-refresh-sid-path'],
    paths: [/.*/],
    check: (ours) => {
      assert.ok(ours.bapi.includes(`POST /v1/sessions/${encodeURIComponent(SID_PATH)}/refresh`), JSON.stringify(ours.bapi));
      assert.equal(userIdOf(ours), USER_ID, 'the local issuer refreshes the session at its own URL');
    },
  },
];

/** compat.md U5, the same through both entries: the pinned origin wins over a forged X-Forwarded-Host. */
export const PINNED_ORIGIN_ALLOWED = [
  {
    id: 'U5',
    why: 'appOrigin / CLERK_APP_ORIGIN pins the request origin: a forged X-Forwarded-Host moves neither the handshake (proxy and return URL) nor clerkState.__proxyUrl',
    scenarios: ['forwarded-host-relative-proxy-handshake-pinned', 'forwarded-host-relative-proxy-signed-in-pinned-by-env'],
    paths: [/^headers\.location$/, /\.(__proxyUrl|proxyUrl)$/],
    check: (ours, clerk) => {
      const location = header(ours, 'location');
      if (location !== undefined) {
        assert.ok(location.startsWith(`${APP_ORIGIN}/__clerk/v1/client/handshake?`), location);
        assert.equal(new URL(location).searchParams.get('redirect_url'), `${APP_ORIGIN}/`);
        assert.ok(header(clerk, 'location').startsWith('https://evil.example.test/__clerk/'));
      } else {
        assert.equal(internalState(ours).__proxyUrl, `${APP_ORIGIN}/__clerk`);
        assert.equal(internalState(clerk).__proxyUrl, 'https://evil.example.test/__clerk');
      }
    },
  },
];

/** Scenarios whose Backend API requests go to another path in ours (the User-Agent checks compare paths elsewhere). */
export const OTHER_BAPI_PATHS = ['expired-refresh-sid-path'];
