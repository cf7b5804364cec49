// An example app as a user gets it: pack this package, install the tarball into the example, build the app with
// Vite, and serve it with the framework's server. Two examples: examples/remix-app (Remix 2, remix-serve; the
// default everywhere below) and examples/react-router-app (React Router 7 framework mode, react-router-serve).
// Shared by `npm run demo` / `npm run demo:react-router` (scripts/demo.mjs) and the end-to-end tests.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { win32 } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The examples: where each lives, its server's CLI (relative to the example) and that server's name in messages.
 * Both are built by `npm run build` in the example (`remix vite:build` / `react-router build`) into build/.
 */
export const examples = {
  'remix-app': { serve: 'node_modules/@remix-run/serve/dist/cli.js', server: 'remix-serve' },
  'react-router-app': { serve: 'node_modules/@react-router/serve/bin.js', server: 'react-router-serve' },
};

/** The folder of an example (with a trailing slash). */
export function exampleDirOf(example = 'remix-app') {
  if (!Object.hasOwn(examples, example)) throw new Error(`no example ${JSON.stringify(example)}: ${Object.keys(examples).join(', ')}`);
  return fileURLToPath(new URL(`../examples/${example}/`, import.meta.url));
}

/** The Remix example's folder (what `prepareExample()` and `startExample()` use when no example is named). */
export const exampleDir = exampleDirOf('remix-app');

/**
 * How to spawn `npm <args>` without surprises on Windows: `{ command, args, shell }` for spawn/spawnSync (used by
 * bench/http.mjs too). There, npm is `npm.cmd`, and Node refuses to spawn a .cmd/.bat file without a shell (EINVAL
 * since Node 18.20.2 / 20.12.2). So on Windows npm's own CLI runs under this Node — the npm running this script
 * (`npm_execpath`, when that is npm's) or the one installed next to node.exe — and only failing both, `npm.cmd` goes
 * through cmd.exe as one quoted command line (the arguments here are fixed strings and repository paths). Elsewhere
 * it is plain `npm`. `platform`, `env` and `execPath` are parameters for testing.
 */
export function npmCommand(args, { platform = process.platform, env = process.env, execPath = process.execPath } = {}) {
  if (platform !== 'win32') return { command: 'npm', args, shell: false };
  const candidates = [env.npm_execpath, win32.join(win32.dirname(execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js')];
  const cli = candidates.find((p) => p && /^npm-cli\.c?js$/i.test(win32.basename(p)) && existsSync(p));
  if (cli) return { command: execPath, args: [cli, ...args], shell: false };
  const quote = (arg) => {
    // cmd.exe expands %VAR% even inside quotes, and a `"` cannot be escaped for it reliably: not needed here, refused.
    if (/["%\r\n]/.test(arg)) throw new Error(`npmCommand: cannot pass ${JSON.stringify(arg)} through cmd.exe safely`);
    return /^[\w./:@=+-]+$/.test(arg) ? arg : `"${arg}"`;
  };
  return { command: ['npm.cmd', ...args].map(quote).join(' '), args: [], shell: true };
}

/** Runs `npm <args>` in `cwd` (see {@link npmCommand}); `log` echoes the command and lets npm's output through. */
function runNpm(args, cwd, log) {
  const { command, args: argv, shell } = npmCommand(args);
  run(command, argv, cwd, log, { shell, shown: `npm ${args.join(' ')}` });
}

function run(command, args, cwd, log, { shell = false, shown = `${command} ${args.join(' ')}` } = {}) {
  log?.(`$ ${shown}${cwd === root ? '' : `   (in ${cwd.slice(root.length) || '.'})`}`);
  const result = spawnSync(command, args, { cwd, shell, stdio: log ? ['ignore', 'inherit', 'inherit'] : 'pipe', encoding: 'utf8' });
  if (result.status !== 0) {
    const output = log ? '' : `\n${result.error ? `${result.error.message}\n` : ''}${result.stdout ?? ''}${result.stderr ?? ''}`;
    throw new Error(`${shown} failed (exit ${result.status ?? result.signal ?? result.error?.code})${output}`);
  }
}

/**
 * Makes sure the package is built (the addon comes from `npm install` → `prepare`; with `compile`, the TS layer is
 * compiled again because it is quick — tests pass `compile: false`, as other test files read dist/ meanwhile), packs
 * it into examples/<example>/.pack/clerk-remix-native.tgz, installs the example's dependencies with that tarball (the
 * lockfile keeps every other version fixed), and, with `build`, builds the example. The install is skipped when the
 * same tarball is already installed. Test files run in parallel and share the example's node_modules, so this holds
 * the example's lock (see {@link withExampleLock}) while it packs, installs and builds. Returns the seconds each step
 * took. `example` is `'remix-app'` (the default) or `'react-router-app'`.
 */
export function prepareExample({ example = 'remix-app', log, compile = true, build = true } = {}) {
  const exampleDir = exampleDirOf(example);
  const packDir = `${exampleDir}.pack/`;
  const timings = {};
  const timed = (name, fn) => {
    const start = performance.now();
    fn();
    timings[name] = Math.round((performance.now() - start) / 100) / 10;
  };
  const hasAddon = readdirSync(root).some((f) => f.endsWith('.node'));
  if (compile) {
    timed('build', () => {
      if (!hasAddon) runNpm(['run', 'build'], root, log);
      else run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'ts'], root, log);
    });
  } else if (!hasAddon || !existsSync(`${root}dist/index.js`) || !existsSync(`${root}dist/ssr.server.js`)) {
    throw new Error('the package is not built: run `npm run build` (or `npm install`) first');
  }
  if (example === 'react-router-app') {
    // The React Router entry must be in the tarball: its files in dist/ (`npm run build:ts`).
    const exportsMap = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).exports ?? {};
    for (const entry of ['./react-router', './react-router/server']) {
      const target = exportsMap[entry]?.default ?? exportsMap[entry]?.import ?? exportsMap[entry];
      if (typeof target !== 'string') throw new Error(`package.json exports no ${entry}: the React Router example needs it`);
      if (!existsSync(`${root}${target}`)) throw new Error(`${target} (${entry}) is missing: run \`npm run build:ts\` first`);
    }
  }
  withExampleLock(example, () => {
    const stamp = `${packDir}installed.sha256`;
    let digest;
    timed('pack', () => {
      const fresh = `${exampleDir}.pack-new/`;
      rmSync(fresh, { recursive: true, force: true });
      mkdirSync(fresh, { recursive: true });
      runNpm(['pack', '--ignore-scripts', '--silent', '--pack-destination', fresh], root, log);
      const tarball = readdirSync(fresh).find((f) => f.endsWith('.tgz'));
      if (!tarball) throw new Error('npm pack produced no tarball');
      digest = createHash('sha256').update(readFileSync(fresh + tarball)).digest('hex');
      if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && existsSync(`${exampleDir}node_modules/clerk-remix-native/package.json`)) {
        rmSync(fresh, { recursive: true, force: true });
        digest = undefined;
        return;
      }
      rmSync(packDir, { recursive: true, force: true });
      mkdirSync(packDir, { recursive: true });
      renameSync(fresh + tarball, `${packDir}clerk-remix-native.tgz`);
      rmSync(fresh, { recursive: true, force: true });
    });
    // `--no-save`: the tarball changes with every build, and its checksum must not end up in the committed lockfile;
    // naming it makes npm install it again even when the lockfile says the same version is there.
    if (digest !== undefined) {
      timed('install', () =>
        runNpm(['install', '--no-save', '--no-audit', '--no-fund', './.pack/clerk-remix-native.tgz'], exampleDir, log),
      );
      writeFileSync(stamp, digest);
    }
    if (build) timed('exampleBuild', () => runNpm(['run', 'build'], exampleDir, log));
  });
  return timings;
}

/**
 * Runs `fn` (synchronous) while holding the lock that prepareExample holds while it packs, installs and builds
 * `example`: a test that reads, copies or rebuilds the example's files (its tarball, node_modules, build) takes it
 * too. Returns what `fn` returns.
 */
export function withExampleLock(example, fn) {
  return withLock(`${exampleDirOf(example)}.prepare.lock`, fn);
}

/** Runs `fn` while holding a lock directory (atomic `mkdir`); a lock whose holder process is gone is taken over. */
function withLock(lockDir, fn) {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(`${lockDir}/pid`, String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(readFileSync(`${lockDir}/pid`, 'utf8'));
      } catch {
        // Just created: the holder has not written its pid yet.
      }
      if (Number.isInteger(holder) && holder > 0 && !processExists(holder)) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lockDir} is still held by process ${holder}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function processExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * The settings an example runs with against a local issuer (`createLocalIssuer()` of the testing entry) in a
 * browser: the issuer's `env({ browser: true })` (keys, API URL, proxy URL for the handshake, its clerk-js stand-in
 * under both entries' names) and the examples' own `DEMO_LOCAL_ISSUER=1` (the demo sign-in form) and `DEMO_USER_ID`.
 */
export function localIssuerEnv(issuer) {
  return { ...issuer.env({ browser: true }), DEMO_LOCAL_ISSUER: '1', DEMO_USER_ID: issuer.userId };
}

/**
 * `react-router typegen && tsc` (the React Router example's `npm run typecheck`) in `dir`, an app built like that
 * example, with the app's own @react-router/dev and TypeScript; throws with their output when either fails.
 */
export function typecheckReactRouterApp(dir) {
  const cli = JSON.parse(readFileSync(`${dir}node_modules/@react-router/dev/package.json`, 'utf8')).bin['react-router'];
  for (const [shown, args] of [
    ['react-router typegen', [`node_modules/@react-router/dev/${cli}`, 'typegen']],
    ['tsc', ['node_modules/typescript/bin/tsc', '-p', '.']],
  ]) {
    const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${shown} failed in ${dir} (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the example's server (`remix-serve build/server/index.js`, or `react-router-serve build/server/index.js`
 * for `example: 'react-router-app'`) on `port` with `env` added to this process's environment, and resolves once it
 * answers HTTP: `{ url, child, stop(), output() }`. Rejects when the server exits or is not up in time.
 * `dir` (an app built like the example) and `serve` (its server's CLI) default to the example's; `readyPath` is
 * what must answer; `accessLog: false` discards the server's stdout (one morgan line per request under load);
 * `nodeArgs` go to Node before the CLI (`--env-file=.env`); `baseEnv` is the environment `env` is added to;
 * `execPath` is the Node that runs it.
 */
export async function startExample({
  example = 'remix-app',
  port,
  env = {},
  host = 'localhost',
  echo = false,
  timeoutMs = 60_000,
  dir = exampleDirOf(example),
  serve = `${exampleDirOf(example)}${examples[example].serve}`,
  readyPath = '/',
  accessLog = true,
  nodeArgs = [],
  baseEnv = process.env,
  execPath = process.execPath,
}) {
  const server = examples[example].server;
  if (!existsSync(`${dir}build/server/index.js`)) throw new Error(`${dir} is not built (prepareExample first)`);
  const child = spawn(execPath, [...nodeArgs, serve, 'build/server/index.js'], {
    cwd: dir,
    env: { ...baseEnv, NODE_ENV: 'production', ...env, PORT: String(port) },
    stdio: ['ignore', accessLog ? 'pipe' : 'ignore', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only the parent, which stops this child itself.
    detached: process.platform !== 'win32',
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const collect = (chunk) => {
    if (output.length < 1_000_000) output += chunk;
    if (echo) process.stdout.write(chunk);
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  let up = false;
  while (!up) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 200))]);
    if (early) throw new Error(`${server} exited (${early.code ?? early.signal}) before it served:\n${output}`);
    up = await fetch(`http://127.0.0.1:${port}${readyPath}`, { redirect: 'manual' }).then((r) => r.status < 500, () => false);
    if (!up && Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`${server} did not answer on port ${port} within ${timeoutMs} ms:\n${output}`);
    }
  }
  // remix-serve (and react-router-serve) close the server on SIGTERM but then wait for every keep-alive connection a
  // browser holds open, so the server gets a short grace period and is then killed.
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 1500);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
  };
  return { url, child, stop, output: () => output, exited };
}
