// The browser for the end-to-end tests, found without anything installed by hand. In this order:
//   1. CHROME_PATH, when set (it must name an executable file);
//   2. a system Chromium or Chrome at a usual place (Linux, macOS);
//   3. the Chromium of the dev dependency @sparticuz/chromium (Linux x64 only): the npm package ships its binary
//      brotli-compressed, and its executablePath() unpacks it; nothing is downloaded.
// CRN_BROWSER=npm skips 1 and 2 (to test the fallback on a machine that has a system browser); CRN_BROWSER=system
// allows only 1 and 2.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const SYSTEM_BROWSERS = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
};

// Flags of @sparticuz/chromium's `args` left out: they change what a page may do (web security, mixed content,
// site isolation, SharedArrayBuffer), are for AWS Lambda's process limits (--single-process), or turn on WebGL
// through SwiftShader where the tests pass --disable-gpu. The binary starts here without any of them.
const NPM_ARGS_LEFT_OUT = [
  '--allow-running-insecure-content', '--disable-web-security', '--disable-site-isolation-trials', '--disable-features',
  '--enable-features', '--single-process', '--in-process-gpu', '--ignore-gpu-blocklist', '--use-gl', '--use-angle',
  '--enable-unsafe-swiftshader', '--disable-webgl',
];

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Where @sparticuz/chromium is installed, and its version; null when it is not. */
function npmPackage() {
  let main;
  try {
    main = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  } catch {
    return null;
  }
  // build/cjs/index.cjs → the package's root (its exports do not include package.json).
  const root = join(dirname(main), '..', '..');
  return { main, root, version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version };
}

/**
 * The browser the tests will use, without unpacking anything: `{ path, source }`, where source is `CHROME_PATH`,
 * `system` or `npm` (for `npm`, path is where the binary will be unpacked). Throws with what to do when there is none.
 */
export function findChromium() {
  const mode = process.env.CRN_BROWSER || 'auto';
  if (!['auto', 'system', 'npm'].includes(mode)) throw new Error(`CRN_BROWSER=${mode}: use auto (the default), system or npm`);
  if (mode !== 'npm') {
    const fromEnv = process.env.CHROME_PATH;
    if (fromEnv) {
      if (!isExecutable(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} is not an executable file`);
      return { path: fromEnv, source: 'CHROME_PATH' };
    }
    const system = (SYSTEM_BROWSERS[process.platform] || []).find(isExecutable);
    if (system) return { path: system, source: 'system' };
    if (mode === 'system') throw new Error(`CRN_BROWSER=system, but no CHROME_PATH and none of ${(SYSTEM_BROWSERS[process.platform] || []).join(', ') || '(no known place on this platform)'}`);
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`no Chromium or Chrome found: set CHROME_PATH, or install Chrome/Chromium (the npm registry's @sparticuz/chromium runs on Linux x64 only, this is ${process.platform} ${process.arch})`);
  }
  const pkg = npmPackage();
  if (!pkg) throw new Error('no system Chromium or Chrome, and @sparticuz/chromium is not installed: run npm install (it is a dev dependency), or set CHROME_PATH');
  return { path: join(npmDir(pkg), 'chromium'), source: 'npm', version: pkg.version };
}

/** The folder the npm Chromium is unpacked into: one per version, shared by the test processes. */
const npmDir = (pkg) => join(tmpdir(), `clerk-remix-native-chromium-${pkg.version}`);

/**
 * Unpacks @sparticuz/chromium's binary (with its fonts, SwiftShader and the Amazon Linux 2023 libraries) into
 * npmDir once. executablePath() unpacks into os.tmpdir(), so a child process runs it with TMPDIR set to a folder of
 * its own, which is then renamed into place: test files running in parallel never see a half-written binary.
 * Returns `{ path, env }`: env adds what the binary needs on this machine (LD_LIBRARY_PATH, FONTCONFIG_FILE).
 */
function unpackNpmChromium() {
  const pkg = npmPackage();
  const dir = npmDir(pkg);
  if (!existsSync(join(dir, 'chromium'))) {
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const script = `require(${JSON.stringify(pkg.main)}).executablePath().then((p) => process.stdout.write(p))`;
    // AWS_EXECUTION_ENV makes executablePath() unpack al2023.tar.br as well (only the child sees it).
    const unpacked = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, TMPDIR: partial, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' },
      encoding: 'utf8',
    });
    if (unpacked !== join(partial, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, expected ${join(partial, 'chromium')}`);
    try {
      renameSync(partial, dir);
    } catch (err) {
      // Another test process was first: keep its copy.
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(join(dir, 'chromium'))) throw err;
    }
  }
  const path = join(dir, 'chromium');
  const env = {};
  // The libraries the binary links (NSS, NSPR, expat) come from the system when it has them; the package's own
  // copies (built for Amazon Linux 2023) otherwise. Its executablePath() sets LD_LIBRARY_PATH only inside AWS.
  let missing;
  try {
    missing = /not found/.test(execFileSync('ldd', [path], { encoding: 'utf8' }));
  } catch {
    missing = true;
  }
  if (missing) env.LD_LIBRARY_PATH = [join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  // Its fontconfig is built in: without the system's configuration, use the fonts that come with the package.
  if (!existsSync('/etc/fonts/fonts.conf') && !process.env.FONTCONFIG_FILE) {
    const conf = join(dir, 'fonts.conf');
    if (!existsSync(conf)) {
      writeFileSync(conf, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`);
    }
    env.FONTCONFIG_FILE = conf;
  }
  return { path, env };
}

/**
 * playwright-core's chromium.launch with the browser of findChromium(): `options.args` are kept, and for the npm
 * Chromium merged with the package's flags (see NPM_ARGS_LEFT_OUT) and launched with the environment it needs.
 */
export async function launchChromium(options = {}) {
  const found = findChromium();
  if (found.source !== 'npm') return chromium.launch({ ...options, executablePath: found.path });
  const npm = unpackNpmChromium();
  const { default: sparticuz } = await import('@sparticuz/chromium');
  const recommended = sparticuz.args.filter((arg) => !NPM_ARGS_LEFT_OUT.includes(arg.split('=')[0]));
  const args = [...(options.args || [])];
  for (const arg of recommended) if (!args.some((a) => a.split('=')[0] === arg.split('=')[0])) args.push(arg);
  const env = Object.keys(npm.env).length ? { ...(options.env || process.env), ...npm.env } : options.env;
  return chromium.launch({ ...options, executablePath: npm.path, args, ...(env ? { env } : {}) });
}
