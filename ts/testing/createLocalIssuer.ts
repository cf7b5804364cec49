// `createLocalIssuer()`: a local stand-in for a Clerk instance. Builds the issuer's state, runs a real node:http
// server on 127.0.0.1 that records every request, applies overrides, and dispatches to the Frontend API routes
// (no secret key) or, behind `Authorization: Bearer <secretKey>`, to the Backend API routes; then assembles the
// public issuer object over that state. Meant for tests (yours and ours); nothing here is on the request path of
// `clerk-remix-native/ssr.server`.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clerkError } from './answers';
import type { Answer } from './answers';
import { backendRoute } from './backendApiRoutes';
import { CLERK_JS_PATH, frontendRoute } from './frontendApiRoutes';
import { generateSigningKey, jwksOf, randomId, signJwt } from './keys';
import { machineTokenObject } from './machineTokens';
import { createIssuerState, putHandshakeNonce, startSession } from './state';
import type { IssuerState } from './state';
import { cookieHeader, handshakeToken, sessionClaims, sessionToken, setCookieDirectives, withoutSecure } from './tokens';
import type {
  LocalCookieHeaderOptions,
  LocalIssuer,
  LocalIssuerEnv,
  LocalIssuerOptions,
  LocalRecordedRequest,
  LocalRotateOptions,
  LocalSessionTokenSpec,
  LocalSetCookieOptions,
  LocalHandshakeTokenOptions,
  LocalSignOptions,
} from './types';

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** Records the request, answers it (override, Frontend API, or secret-key-checked Backend API) and writes the answer. */
async function handle(state: IssuerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local-issuer');
  const text = await readBody(req);
  let body: unknown;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const record: LocalRecordedRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { ...req.headers },
    body,
    status: 0,
    at: state.now(),
  };
  state.requests.push(record);

  let answer: Answer | undefined;
  for (const o of state.overrides) {
    const pathMatches = typeof o.path === 'string' ? o.path === record.path : o.path.test(record.path);
    if (o.method.toUpperCase() !== record.method || !pathMatches) continue;
    const result = o.responder(record);
    if (result) {
      answer = { status: result.status ?? 200, body: result.body ?? null, headers: result.headers };
      break;
    }
  }
  if (!answer) answer = frontendRoute(state, record);
  if (!answer) {
    const machineCheck = record.method === 'POST' && record.path === '/m2m_tokens/verify';
    const accepted = req.headers.authorization === `Bearer ${state.secretKey}` || (machineCheck && req.headers.authorization === `Bearer ${state.machineSecretKey}`);
    if (!accepted) {
      answer = {
        status: 401,
        body: clerkError('clerk_key_invalid', 'Secret key invalid', 'The provided Secret Key is invalid. Make sure that your Secret Key is correct.'),
      };
    } else {
      answer = backendRoute(state, record);
    }
  }
  record.status = answer.status;
  const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  // Exactly `application/json`: @clerk/backend parses a BAPI answer as JSON only for that exact content type.
  // `connection: close` keeps no idle socket around, so a frozen Date.now in the client never meets a stale one.
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    connection: 'close',
    ...answer.headers,
  });
  res.end(payload);
}

/**
 * Starts a local Clerk issuer: an RSA-2048 signing key, a token minter, and a real HTTP server on 127.0.0.1 that
 * plays the Backend API endpoints the server SDKs call — `GET /v1/jwks`, `GET /v1/clients/handshake_payload`,
 * `POST /v1/sessions/{sid}/refresh`, `POST /v1/sessions/{sid}/tokens[/{template}]`, `GET /v1/users/{id}`,
 * `GET /v1/sessions/{id}`, `GET /v1/organizations/{id}` — each behind `Authorization: Bearer <secretKey>` — and the
 * machine-token checks of tokens made with `defineMachineToken` (the M2M one also takes `machineSecretKey`).
 *
 * For browsers it also plays the Frontend API on the same port (`GET /v1/client/handshake`,
 * `POST /v1/client/sessions/{sid}/tokens|end`, a clerk-js stand-in) — see `env({ browser: true })`.
 *
 * Point the SDK at it with `issuer.env()` (`CLERK_SECRET_KEY`, `CLERK_PUBLISHABLE_KEY`, `CLERK_API_URL`), mint
 * tokens with `issuer.sessionToken()`, build requests with `issuer.cookieHeader()` /
 * `issuer.authorizationHeader()`, and `await issuer.close()` when done.
 *
 * @example
 * ```ts
 * import { createLocalIssuer } from 'clerk-remix-native/testing';
 *
 * const issuer = await createLocalIssuer();
 * Object.assign(process.env, issuer.env());
 * const token = issuer.sessionToken({ userId: 'user_123' });
 * const request = new Request('http://localhost:3000/', {
 *   headers: { cookie: issuer.cookieHeader({ session: token }) },
 * });
 * const auth = await getAuth({ request, params: {}, context: {} });
 * // auth.userId === 'user_123'
 * await issuer.close();
 * ```
 */
export async function createLocalIssuer(options: LocalIssuerOptions = {}): Promise<LocalIssuer> {
  const state = createIssuerState(options);
  const { instanceType, frontendApi, issuerUrl, publishableKey, secretKey, cookieSuffix, userId, devBrowserToken, requests, overrides } = state;

  const server: Server = createServer((req, res) => {
    handle(state, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify(clerkError('local_issuer_error', String((err as Error)?.message ?? err))));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  state.frontendApiUrl = apiUrl;
  const clerkJsUrl = `${apiUrl}${CLERK_JS_PATH}`;
  let closing: Promise<void> | undefined;

  const issuer: LocalIssuer = {
    instanceType,
    frontendApi,
    issuer: issuerUrl,
    publishableKey,
    secretKey,
    machineSecretKey: state.machineSecretKey,
    apiUrl,
    port,
    cookieSuffix,
    get jwtKey() {
      return state.keys[0].pem;
    },
    get kid() {
      return state.keys[0].kid;
    },
    get currentKey() {
      return state.keys[0];
    },
    get keys() {
      return [...state.keys];
    },
    userId,
    sessionId: state.sessionId,
    frontendApiUrl: apiUrl,
    clerkJsUrl,
    devBrowserToken,
    requests,
    get now() {
      return state.now;
    },
    set now(fn: () => number) {
      state.now = fn;
    },

    jwks: () => jwksOf(state.keys),
    rotateKey(rotate: LocalRotateOptions = {}) {
      const next = generateSigningKey(rotate.kid, state.modulusLength);
      state.keys = rotate.keepPrevious === false ? [next] : [next, ...state.keys];
      return next;
    },
    removeKey(kid: string) {
      if (kid === state.keys[0].kid) throw new Error('createLocalIssuer: the current signing key cannot be removed; rotateKey() first.');
      state.keys = state.keys.filter((k) => k.kid !== kid);
    },
    env(envOptions: { jwtKey?: boolean; browser?: boolean } = {}) {
      const env: LocalIssuerEnv = { CLERK_SECRET_KEY: secretKey, CLERK_PUBLISHABLE_KEY: publishableKey, CLERK_API_URL: apiUrl };
      if (envOptions.jwtKey) env.CLERK_JWT_KEY = state.keys[0].pem;
      if (envOptions.browser) {
        env.CLERK_PROXY_URL = apiUrl;
        env.CLERK_JS = clerkJsUrl;
        env.CLERK_JS_URL = clerkJsUrl;
        env.CLERK_PREFETCH_UI = 'false';
      }
      return env;
    },
    createSession(sessionOptions: { userId?: string; secure?: boolean } = {}) {
      const sub = sessionOptions.userId ?? userId;
      const sid = startSession(state, sub);
      const token = sessionToken(state, { userId: sub, sessionId: sid });
      const setCookies = setCookieDirectives(state, { session: token });
      return { sessionId: sid, userId: sub, token, setCookies: sessionOptions.secure === false ? withoutSecure(setCookies) : setCookies };
    },
    endSession(sid: string) {
      state.endedSessions.add(sid);
    },
    isSessionEnded: (sid: string) => state.endedSessions.has(sid),

    sessionClaims: (spec: LocalSessionTokenSpec = {}) => sessionClaims(state, spec),
    sessionToken: (spec: LocalSessionTokenSpec = {}) => sessionToken(state, spec),
    signJwt: (payload: Record<string, unknown>, signOptions: LocalSignOptions = {}) => signJwt(state.keys, payload, signOptions),
    handshakeToken: (directives: string[], options?: LocalHandshakeTokenOptions) => handshakeToken(state, directives, options),
    setCookieDirectives: (opts: LocalSetCookieOptions = {}) => setCookieDirectives(state, opts),
    registerHandshakeNonce(nonce: string, directives: string[]) {
      putHandshakeNonce(state, nonce, directives);
    },
    createRefreshToken(refreshOptions: { sessionId?: string; token?: string } = {}) {
      const token = refreshOptions.token ?? `rt_${randomId(32)}`;
      state.refreshTokens.set(token, refreshOptions.sessionId);
      return token;
    },
    defineUser(user) {
      state.users.set(user.id, { ...user });
    },
    defineSession(session) {
      state.sessions.set(session.id, { ...session });
      if (typeof session.user_id === 'string') state.sessionUsers.set(session.id, session.user_id);
    },
    defineOrganization(organization) {
      state.organizations.set(organization.id, { ...organization });
    },
    defineMachineToken(spec) {
      const { token, object } = machineTokenObject(state, spec);
      state.machineTokens.set(token, object);
      return token;
    },
    override(method, path, responder) {
      const entry = { method, path, responder };
      overrides.unshift(entry);
      return () => {
        const i = overrides.indexOf(entry);
        if (i >= 0) overrides.splice(i, 1);
      };
    },

    cookieHeader: (opts: LocalCookieHeaderOptions = {}) => cookieHeader(state, opts),
    authorizationHeader: (token: string) => `Bearer ${token}`,

    count(path?: string, method?: string) {
      return requests.filter((r) => (path === undefined || r.path === path) && (method === undefined || r.method === method.toUpperCase())).length;
    },
    counts() {
      const out: Record<string, number> = {};
      for (const r of requests) out[`${r.method} ${r.path}`] = (out[`${r.method} ${r.path}`] ?? 0) + 1;
      return out;
    },
    resetRequests() {
      requests.length = 0;
    },
    close() {
      if (!closing) {
        closing = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      return closing;
    },
  };
  return issuer;
}
