// A real node:http server on 127.0.0.1 (port 0) that plays Clerk's Backend API `GET /v1/jwks`, counts the
// requests it receives, records their headers, and misbehaves on command.
import { createServer } from 'node:http';

/**
 * Behaviours (`server.behave(mode, options)`):
 * - `ok`            200 with `{ keys }` (the configured key set). `options.delayMs` delays the answer.
 * - `silent`        accepts the request and never answers.
 * - `slow-headers`  answers `ok` after `options.delayMs` (default 10 s; cut short by close()).
 * - `slow-body`     sends the headers at once, then the JWKS body one byte every `options.intervalMs` (50).
 * - `status`        `options.status` (500) with `options.body` (default `{"errors":[]}`).
 * - `key-invalid`   401 with `{"errors":[{"code":"clerk_key_invalid","message": options.message}]}`.
 * - `body`          200 with `options.body` as is (invalid JSON, `{"keys":[]}`, …); `options.chunked` omits
 *                   Content-Length.
 * - `redirect`      302 to `options.location`.
 * - `huge`          200 with a valid JWKS padded to `options.bytes` (default 1 MiB + 1 KiB);
 *                   `options.chunked` streams it without Content-Length.
 */
export async function startJwksServer({ keys = [], path = '/v1/jwks', mode = 'ok', options = {} } = {}) {
  let state = { mode, options };
  let keySet = keys;
  const requests = [];
  const timers = new Set();
  const pending = new Set();

  const later = (fn, ms) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };
  const jwksBody = () => JSON.stringify({ keys: keySet });
  const send = (res, status, body, headers = {}) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };

  const server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: { ...req.headers }, at: Date.now() });
    pending.add(res);
    res.on('close', () => pending.delete(res));
    if (req.url !== path) {
      send(res, 404, JSON.stringify({ errors: [{ code: 'resource_not_found', message: 'not found' }] }));
      return;
    }
    const { mode: m, options: o } = state;
    switch (m) {
      case 'ok':
        if (o.delayMs) later(() => send(res, 200, jwksBody()), o.delayMs);
        else send(res, 200, jwksBody());
        return;
      case 'silent':
        return; // never answered; destroyed by stop()/close()
      case 'slow-headers':
        later(() => send(res, 200, jwksBody()), o.delayMs ?? 10_000);
        return;
      case 'slow-body': {
        const body = Buffer.from(jwksBody());
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.flushHeaders();
        let i = 0;
        const step = () => {
          if (res.destroyed) return;
          res.write(body.subarray(i, i + 1));
          i += 1;
          if (i < body.length) later(step, o.intervalMs ?? 50);
          else res.end();
        };
        later(step, o.intervalMs ?? 50);
        return;
      }
      case 'status':
        send(res, o.status ?? 500, o.body ?? JSON.stringify({ errors: [] }));
        return;
      case 'key-invalid':
        send(res, 401, JSON.stringify({
          errors: [{ code: 'clerk_key_invalid', message: o.message ?? 'Secret key invalid', long_message: 'x' }],
        }));
        return;
      case 'body':
        if (o.chunked) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(o.body);
        } else send(res, 200, o.body);
        return;
      case 'redirect':
        send(res, 302, '', { location: o.location });
        return;
      case 'huge': {
        const target = o.bytes ?? 1024 * 1024 + 1024;
        const head = `{"keys":${JSON.stringify(keySet)},"padding":"`;
        const tail = '"}';
        const padLength = Math.max(0, target - Buffer.byteLength(head) - tail.length);
        const body = head + 'x'.repeat(padLength) + tail;
        if (o.chunked) {
          res.writeHead(200, { 'content-type': 'application/json' });
          // Many small writes: chunked transfer encoding, no Content-Length.
          for (let i = 0; i < body.length; i += 16 * 1024) res.write(body.slice(i, i + 16 * 1024));
          res.end();
        } else send(res, 200, body);
        return;
      }
      default:
        send(res, 500, JSON.stringify({ errors: [{ message: `unknown test mode ${m}` }] }));
    }
  });
  // Long enough that Node never closes an idle keep-alive socket while the client may reuse it.
  server.keepAliveTimeout = 60_000;

  const listen = (port) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(server.address().port);
      });
    });
  const port = await listen(0);
  let listening = true;

  const dropEverything = () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const res of pending) res.destroy();
    pending.clear();
    server.closeAllConnections();
  };

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Requests received so far (any path). */
    get count() {
      return requests.length;
    },
    /** Requests received for the JWKS path. */
    get jwksCount() {
      return requests.filter((r) => r.url === path).length;
    },
    setKeys(next) {
      keySet = next;
    },
    behave(nextMode, nextOptions = {}) {
      state = { mode: nextMode, options: nextOptions };
    },
    /** Stops listening and drops every connection: the port now refuses connections. */
    async stop() {
      if (!listening) return;
      listening = false;
      const closed = new Promise((resolve) => server.close(() => resolve()));
      dropEverything();
      await closed;
    },
    /** Listens again on the same port (after stop()). */
    async restart() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    async close() {
      await this.stop();
      dropEverything();
    },
  };
}

/** `http://127.0.0.1:<port>` of a port nobody listens on (bound once, then released). */
export async function refusedUrl() {
  const s = createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/**
 * Servers started by one test file, closed together: `serve(opts)` starts one (an array is shorthand for
 * `{ keys }`), `closeAll()` belongs in that file's `after`.
 */
export function serverPool(defaults = () => ({})) {
  const servers = [];
  return {
    async serve(opts = {}) {
      const s = await startJwksServer({ ...defaults(), ...(Array.isArray(opts) ? { keys: opts } : opts) });
      servers.push(s);
      return s;
    },
    closeAll: () => Promise.all(servers.map((s) => s.close())),
  };
}
