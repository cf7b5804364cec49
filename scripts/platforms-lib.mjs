// Shared by scripts/build-platforms.mjs, scripts/pack-release.mjs and scripts/test-platforms.mjs (docs/platforms.md):
// the seven targets of package.json's napi.targets, how each one is cross-built on a Linux x64 machine, the tools
// that takes (installed here when missing), and readers for the three binary formats (ELF, Mach-O, PE) that the
// build and the tests use to check what came out.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
export const binaryName = pkg.napi.binaryName;

// Where the cross builds, the tools made here and the downloaded Node binaries live between runs (never the repo's
// own target/, which `npm run build` and `cargo test` use).
export const targetDir = process.env.CRN_CROSS_TARGET_DIR || join(tmpdir(), 'crn-cross-target');
export const cacheDir = process.env.CRN_PLATFORMS_CACHE || join(homedir(), '.cache', 'clerk-remix-native-platforms');

// The oldest glibc cargo-zigbuild links against for Rust's gnu targets (Rust itself needs 2.17): a binary built so
// loads on any distribution from RHEL/CentOS 7 on.
export const GLIBC_BASELINE = '2.17';

/**
 * One row per napi target: `triple` is napi's name (and the platform package's), `buildTriple` what cargo builds.
 * `os`/`cpu`/`libc` are the package's npm fields (and `npm install --os/--cpu/--libc`).
 */
export const TARGETS = [
  { triple: 'x86_64-unknown-linux-gnu', platform: 'linux-x64-gnu', os: 'linux', cpu: 'x64', libc: 'glibc', format: 'elf', machine: 'x86-64' },
  { triple: 'aarch64-unknown-linux-gnu', platform: 'linux-arm64-gnu', os: 'linux', cpu: 'arm64', libc: 'glibc', format: 'elf', machine: 'aarch64' },
  { triple: 'x86_64-unknown-linux-musl', platform: 'linux-x64-musl', os: 'linux', cpu: 'x64', libc: 'musl', format: 'elf', machine: 'x86-64' },
  { triple: 'aarch64-unknown-linux-musl', platform: 'linux-arm64-musl', os: 'linux', cpu: 'arm64', libc: 'musl', format: 'elf', machine: 'aarch64' },
  { triple: 'x86_64-apple-darwin', platform: 'darwin-x64', os: 'darwin', cpu: 'x64', format: 'macho', machine: 'x86_64' },
  { triple: 'aarch64-apple-darwin', platform: 'darwin-arm64', os: 'darwin', cpu: 'arm64', format: 'macho', machine: 'arm64' },
  // Built as x86_64-pc-windows-gnu (the MSVC CRT and Windows SDK cannot be had here): see docs/platforms.md.
  { triple: 'x86_64-pc-windows-msvc', platform: 'win32-x64-msvc', os: 'win32', cpu: 'x64', format: 'pe', machine: 'x86-64', rustTriple: 'x86_64-pc-windows-gnu' },
].map((t) => {
  const rustTriple = t.rustTriple || t.triple;
  const libName = t.format === 'pe' ? 'clerk_remix_native.dll' : t.format === 'macho' ? 'libclerk_remix_native.dylib' : 'libclerk_remix_native.so';
  return {
    ...t,
    rustTriple,
    // cargo-zigbuild's `<triple>.<glibc>` picks the glibc version to link against.
    buildTriple: t.libc === 'glibc' ? `${rustTriple}.${GLIBC_BASELINE}` : rustTriple,
    artifact: join(targetDir, rustTriple, 'release', libName),
    packageName: `${pkg.name}-${t.platform}`,
    dir: join(root, 'npm', t.platform),
    nodeFile: `${binaryName}.${t.platform}.node`,
  };
});

export function selectTargets(argv) {
  const wanted = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--target' || argv[i] === '-t') wanted.push(argv[++i]);
    else if (argv[i].startsWith('--target=')) wanted.push(argv[i].slice('--target='.length));
  }
  if (wanted.length === 0) return TARGETS;
  return wanted.map((w) => {
    const t = TARGETS.find((x) => x.triple === w || x.platform === w || x.rustTriple === w);
    if (!t) throw new Error(`unknown target ${w}: one of ${TARGETS.map((x) => x.triple).join(', ')}`);
    return t;
  });
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

export function have(cmd, args = ['--version'], env = process.env) {
  const r = spawnSync(cmd, args, { stdio: 'ignore', env });
  return !r.error && r.status === 0;
}

export function humanSize(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/**
 * The tools a cross build needs, installed when missing (so a fresh machine only needs Rust, Node, Python/pip):
 * - zig (PyPI `ziglang`) and cargo-zigbuild (PyPI `cargo-zigbuild`): `pip install --user ziglang cargo-zigbuild`;
 * - the Rust standard library of each target: `rustup target add <triple>`.
 * Returns the environment to build with (~/.local/bin, where pip puts cargo-zigbuild, on PATH).
 */
export function ensureBuildTools(targets) {
  const userBin = join(homedir(), '.local', 'bin');
  const env = { ...process.env, PATH: [userBin, process.env.PATH].join(delimiter) };
  const hasZig = have('python3', ['-m', 'ziglang', 'version'], env) || have('zig', ['version'], env);
  const hasZigbuild = have('cargo-zigbuild', ['--help'], env);
  if (!hasZig || !hasZigbuild) {
    console.log('installing zig and cargo-zigbuild: pip install --user ziglang cargo-zigbuild');
    run('python3', ['-m', 'pip', 'install', '--user', '--quiet', 'ziglang', 'cargo-zigbuild'], { env });
  }
  const installed = execFileSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8', env }).split('\n');
  const missing = [...new Set(targets.map((t) => t.rustTriple))].filter((t) => !installed.includes(t));
  if (missing.length) {
    console.log(`rustup target add ${missing.join(' ')}`);
    run('rustup', ['target', 'add', ...missing], { env });
  }
  return env;
}

/**
 * Windows: napi-rs's Windows path, made to work with the GNU toolchain (docs/platforms.md, "Windows"):
 * - `napi/dyn-symbols`: Node-API functions are looked up in the host process at load time (GetProcAddress), as
 *   napi-rs always does for MSVC builds, so the DLL imports nothing from node.exe;
 * - napi-build wants a `libnode.dll` for windows-gnu (MinGW Node); with dyn-symbols nothing is linked from it, so an
 *   empty archive stands in for its import library;
 * - zig's linker ignores the exports file rustc passes as `-Wl,<list>.def` (so `napi_register_module_v1` would not be
 *   exported): a wrapper hands it to zig as an input file instead.
 */
export function windowsBuildEnv(env) {
  const dir = join(cacheDir, 'windows-gnu');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'libnode.dll'), '');
  writeFileSync(join(dir, 'libnode.a'), '!<arch>\n');
  const linker = join(dir, 'zigcc-x86_64-windows-gnu.sh');
  writeFileSync(
    linker,
    '#!/bin/sh\n' +
      '# rustc passes the exports as -Wl,<file>.def, which zig drops; as a plain input zig honours it.\n' +
      'for a; do shift; case $a in -Wl,*.def) set -- "$@" "${a#-Wl,}" ;; *) set -- "$@" "$a" ;; esac; done\n' +
      'exec cargo-zigbuild zig cc -- -g -fno-sanitize=all -target x86_64-windows-gnu "$@"\n',
  );
  chmodSync(linker, 0o755);
  return { ...env, LIBNODE_PATH: dir, CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER: linker };
}

// ---------------------------------------------------------------------------------------------------------------
// Binary readers. ELF through binutils' readelf (generic over architectures), PE through objdump (Debian's binutils
// reads pei-x86-64), Mach-O here (no tool for it on Linux).

const BIG = 256 * 1024 * 1024;

export function readElf(file) {
  const out = (args) => execFileSync('readelf', ['-W', ...args, file], { encoding: 'utf8', maxBuffer: BIG });
  const header = out(['-h']);
  const machine = /Machine:\s+(.*)/.exec(header)?.[1].trim();
  const type = /Type:\s+(\S+)/.exec(header)?.[1];
  const dynamic = out(['-d']);
  const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[(.*?)\]/g)].map((m) => m[1]);
  const interp = /Requesting program interpreter: (.*?)\]/.exec(out(['-l']))?.[1] ?? null;
  const sections = out(['-S']);
  const hasSymtab = /\]\s+\.symtab\s/.test(sections);
  const versionNeeds = [...out(['-V']).matchAll(/Name: (GLIBC_[0-9.]+)/g)].map((m) => m[1]);
  const dynsyms = out(['--dyn-syms']).split('\n');
  const exported = dynsyms.filter((l) => /\bGLOBAL\b/.test(l) && !/\bUND\b/.test(l)).map((l) => l.trim().split(/\s+/)[7]);
  const undefinedSyms = dynsyms.filter((l) => /\bUND\b/.test(l)).map((l) => l.trim().split(/\s+/)[7]).filter(Boolean);
  const maxGlibc = versionNeeds.map((v) => v.slice(6)).sort(compareVersions).at(-1) ?? null;
  return { machine, type, needed, interp, hasSymtab, maxGlibc, exported, undefinedSyms };
}

export function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

export function readPe(file) {
  const p = execFileSync('objdump', ['-p', file], { encoding: 'utf8', maxBuffer: BIG });
  const f = execFileSync('objdump', ['-f', file], { encoding: 'utf8', maxBuffer: BIG });
  const format = /file format (\S+)/.exec(f)?.[1];
  const dlls = [...p.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1]);
  const exportsBlock = /\[Ordinal\/Name Pointer\] Table\n([\s\S]*?)\n\n/.exec(p)?.[1] ?? '';
  const exported = [...exportsBlock.matchAll(/\]\s+(\S+)/g)].map((m) => m[1]);
  // The COFF header's symbol table (PointerToSymbolTable, NumberOfSymbols): zero in a stripped image.
  const b = readFileSync(file);
  const coff = b.readUInt32LE(0x3c) + 4;
  const hasCoffSymbols = b.readUInt32LE(coff + 8) !== 0 || b.readUInt32LE(coff + 12) !== 0;
  const sections = execFileSync('objdump', ['-h', file], { encoding: 'utf8', maxBuffer: BIG });
  const debugSections = [...sections.matchAll(/^\s*\d+\s+(\.debug\S*)/gm)].map((m) => m[1]);
  return { format, dlls, exported, hasCoffSymbols, debugSections };
}

const CPU = { 0x01000007: 'x86_64', 0x0100000c: 'arm64' };

/** Header, linked libraries, symbols, the minimum macOS version and the code signature of a 64-bit Mach-O file. */
export function readMachO(file) {
  const b = readFileSync(file);
  if (b.readUInt32LE(0) !== 0xfeedfacf) throw new Error(`${file}: not a 64-bit little-endian Mach-O file`);
  const cpu = CPU[b.readUInt32LE(4)] ?? `0x${b.readUInt32LE(4).toString(16)}`;
  const filetype = b.readUInt32LE(12);
  const ncmds = b.readUInt32LE(16);
  const flags = b.readUInt32LE(24);
  const info = { cpu, dylib: filetype === 6, twoLevel: (flags & 0x80) !== 0, libraries: [], minos: null, codeSignature: null };
  let symtab = null;
  let dysymtab = null;
  // Imported symbol -> library ordinal dyld binds it with (1-based index into `libraries`; -2: flat lookup in every
  // loaded image, what `-undefined dynamic_lookup` produces; 0: this image).
  const binds = new Map();
  info.binds = binds;
  let off = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = b.readUInt32LE(off);
    const size = b.readUInt32LE(off + 4);
    if (cmd === 0x0c) info.libraries.push(b.toString('utf8', off + b.readUInt32LE(off + 8), off + size).replace(/\0.*$/s, ''));
    else if (cmd === 0x02) symtab = { symoff: b.readUInt32LE(off + 8), nsyms: b.readUInt32LE(off + 12), stroff: b.readUInt32LE(off + 16) };
    else if (cmd === 0x0b) dysymtab = { nlocalsym: b.readUInt32LE(off + 12) };
    else if (cmd === 0x32) info.minos = decodeVersion(b.readUInt32LE(off + 12));
    else if (cmd === 0x24 && !info.minos) info.minos = decodeVersion(b.readUInt32LE(off + 8));
    else if (cmd === 0x1d) info.codeSignature = { dataoff: b.readUInt32LE(off + 8), datasize: b.readUInt32LE(off + 12) };
    else if (cmd === 0x80000022 || cmd === 0x22) {
      for (const at of [16, 24, 32]) bindOpcodes(b, b.readUInt32LE(off + at), b.readUInt32LE(off + at + 4), binds);
    } else if (cmd === 0x80000034) chainedImports(b, b.readUInt32LE(off + 8), binds);
    off += size;
  }
  info.localSymbols = dysymtab?.nlocalsym ?? null;
  info.exported = [];
  info.undefinedSyms = [];
  if (symtab) {
    for (let i = 0; i < symtab.nsyms; i++) {
      const e = symtab.symoff + i * 16;
      const name = cString(b, symtab.stroff + b.readUInt32LE(e));
      const type = b[e + 4];
      const desc = b.readUInt16LE(e + 6);
      if (type & 0xe0) continue; // debugging (stab) entry
      if ((type & 0x0e) === 0x0e && type & 0x01) info.exported.push(name);
      else if ((type & 0x0e) === 0 && type & 0x01) info.undefinedSyms.push({ name, ordinal: (desc >> 8) & 0xff });
    }
  }
  if (info.codeSignature) info.codeSignature = verifyCodeSignature(b, info.codeSignature);
  return info;
}

function uleb(b, at) {
  let v = 0;
  let shift = 0;
  let byte;
  do {
    byte = b[at.i++];
    v += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return v;
}

// The bind, weak-bind and lazy-bind opcode streams of LC_DYLD_INFO(_ONLY): which library each symbol binds to.
function bindOpcodes(b, start, size, binds) {
  const at = { i: start };
  const end = start + size;
  let ordinal = 0;
  let symbol = null;
  while (at.i < end) {
    const byte = b[at.i++];
    const op = byte & 0xf0;
    const imm = byte & 0x0f;
    if (op === 0x10) ordinal = imm;
    else if (op === 0x20) ordinal = uleb(b, at);
    else if (op === 0x30) ordinal = imm ? ((imm | 0xf0) << 24) >> 24 : 0;
    else if (op === 0x40) {
      const e = b.indexOf(0, at.i);
      symbol = b.toString('utf8', at.i, e);
      at.i = e + 1;
    } else if (op === 0x60 || op === 0x70 || op === 0x80) uleb(b, at); // (an SLEB skips like a ULEB)
    else if (op === 0x90 || op === 0xa0 || op === 0xb0 || op === 0xc0) {
      if (op === 0xa0) uleb(b, at);
      if (op === 0xc0) {
        uleb(b, at);
        uleb(b, at);
      }
      if (symbol !== null) binds.set(symbol, ordinal);
    } else if (op === 0xd0 && imm === 0) uleb(b, at);
    // 0x00 DONE (lazy entries are separated by it), 0x50 SET_TYPE_IMM, 0x90 DO_BIND, 0xb0: no operand
  }
}

// LC_DYLD_CHAINED_FIXUPS: the imports table.
function chainedImports(b, dataoff, binds) {
  const importsOffset = b.readUInt32LE(dataoff + 8);
  const symbolsOffset = b.readUInt32LE(dataoff + 12);
  const count = b.readUInt32LE(dataoff + 16);
  const format = b.readUInt32LE(dataoff + 20);
  const width = { 1: 4, 2: 8, 3: 16 }[format];
  for (let i = 0; i < count; i++) {
    const e = dataoff + importsOffset + i * width;
    let ordinal;
    let nameOffset;
    if (format === 3) {
      ordinal = (b.readUInt16LE(e) << 16) >> 16;
      nameOffset = b.readUInt32LE(e + 4);
    } else {
      const v = b.readUInt32LE(e);
      ordinal = ((v & 0xff) << 24) >> 24;
      nameOffset = v >>> 9;
    }
    binds.set(cString(b, dataoff + symbolsOffset + nameOffset), ordinal);
  }
}

function decodeVersion(v) {
  return `${v >>> 16}.${(v >> 8) & 0xff}.${v & 0xff}`;
}

function cString(b, at) {
  const end = b.indexOf(0, at);
  return b.toString('utf8', at, end);
}

/**
 * The embedded signature's CodeDirectory: whether it is ad-hoc, and whether every page hash matches the file as it
 * is (a binary changed after signing, e.g. stripped, fails here as it would in the macOS kernel on arm64).
 */
function verifyCodeSignature(b, { dataoff, datasize }) {
  const sb = b.subarray(dataoff, dataoff + datasize);
  if (sb.readUInt32BE(0) !== 0xfade0cc0) return { valid: false, reason: 'no embedded signature SuperBlob' };
  const count = sb.readUInt32BE(8);
  for (let i = 0; i < count; i++) {
    const type = sb.readUInt32BE(12 + i * 8);
    const at = sb.readUInt32BE(16 + i * 8);
    if (type !== 0 || sb.readUInt32BE(at) !== 0xfade0c02) continue;
    const cd = sb.subarray(at);
    const flags = cd.readUInt32BE(12);
    const hashOffset = cd.readUInt32BE(16);
    const identOffset = cd.readUInt32BE(20);
    const nCodeSlots = cd.readUInt32BE(28);
    const codeLimit = cd.readUInt32BE(32);
    const hashSize = cd[36];
    const hashType = cd[37];
    const pageSize = 2 ** cd[39];
    const algo = { 1: 'sha1', 2: 'sha256' }[hashType];
    if (!algo) return { valid: false, reason: `hash type ${hashType}` };
    let bad = 0;
    for (let p = 0; p < nCodeSlots; p++) {
      const page = b.subarray(p * pageSize, Math.min((p + 1) * pageSize, codeLimit));
      const want = cd.subarray(hashOffset + p * hashSize, hashOffset + (p + 1) * hashSize);
      if (!createHash(algo).update(page).digest().subarray(0, hashSize).equals(want)) bad++;
    }
    return {
      valid: bad === 0 && codeLimit === dataoff,
      adhoc: (flags & 0x2) !== 0,
      linkerSigned: (flags & 0x20000) !== 0,
      identifier: cString(cd, identOffset),
      hash: algo,
      pages: nCodeSlots,
      badPages: bad,
      reason: bad ? `${bad} of ${nCodeSlots} page hashes do not match` : codeLimit !== dataoff ? 'code limit is not the signature offset' : '',
    };
  }
  return { valid: false, reason: 'no CodeDirectory' };
}

/** Is the binary stripped of its local symbol table? */
export function strippedInfo(t, file) {
  if (t.format === 'elf') return !readElf(file).hasSymtab;
  if (t.format === 'macho') return readMachO(file).localSymbols === 0;
  const p = readPe(file);
  return !p.hasCoffSymbols && p.debugSections.length === 0;
}

export function fileSize(file) {
  return existsSync(file) ? readFileSync(file).length : 0;
}
