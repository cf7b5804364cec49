// Preloaded (`node --require bench/profile-hook.cjs …`) into a server that `node bench/http.mjs --profile DIR`
// profiles: V8's CPU profiler (the same sampler as `node --cpu-prof`), started and stopped on request so that a
// profile covers exactly one measured window (no start-up, build import or warm-up in it).
//
// Control: a small HTTP server on 127.0.0.1:$CLERK_BENCH_PROFILE_PORT (never the app's port):
//   POST /start?interval=<µs>   starts the profiler (sampling interval in µs; default 100)
//   POST /stop?file=<path>      stops it and writes the .cpuprofile (JSON, as --cpu-prof writes it) to <path>
// Both answer once done; the answer of /stop is the file's path. Anything else: 404.
'use strict';

const http = require('node:http');
const inspector = require('node:inspector');
const fs = require('node:fs');

const port = Number(process.env.CLERK_BENCH_PROFILE_PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error('bench/profile-hook.cjs: CLERK_BENCH_PROFILE_PORT is not set');

const session = new inspector.Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));

let running = false;
const control = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  try {
    if (req.method === 'POST' && url.pathname === '/start' && !running) {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: Number(url.searchParams.get('interval') || 100) });
      await post('Profiler.start');
      running = true;
      res.end('started');
    } else if (req.method === 'POST' && url.pathname === '/stop' && running) {
      const { profile } = await post('Profiler.stop');
      running = false;
      await post('Profiler.disable');
      const file = url.searchParams.get('file');
      fs.writeFileSync(file, JSON.stringify(profile));
      res.end(file);
    } else {
      res.statusCode = 404;
      res.end();
    }
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err && err.stack ? err.stack : err));
  }
});
control.listen(port, '127.0.0.1');
// The control server must not keep a server that was asked to stop alive.
control.unref();
