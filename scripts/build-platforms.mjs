#!/usr/bin/env node
// `npm run build:platforms [-- --target <triple|platform>]...`: cross-builds the addon for every target of
// package.json's napi.targets (or the ones named) on this Linux x64 machine with cargo-zigbuild, and puts each binary,
// stripped, into its platform package folder with napi-rs's names (npm/linux-arm64-gnu/clerk-remix-native.linux-arm64-gnu.node,
// …) next to that package's package.json. Prints each binary's size and build time. docs/platforms.md has the why.
//
// Tools: installs zig + cargo-zigbuild (pip --user) and the Rust targets (rustup) when missing. Builds go to
// $CRN_CROSS_TARGET_DIR (default: <tmp>/crn-cross-target) and are incremental between runs.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GLIBC_BASELINE,
  compareVersions,
  ensureBuildTools,
  humanSize,
  pkg,
  readElf,
  readMachO,
  readPe,
  root,
  run,
  selectTargets,
  strippedInfo,
  targetDir,
  windowsBuildEnv,
} from './platforms-lib.mjs';

// The oldest macOS each Mach-O says it runs on (LC_BUILD_VERSION): Rust's own defaults, below every Node that
// package.json's engines allows. zig would otherwise stamp its newest.
const MACOS_MIN = { 'x86_64-apple-darwin': '10.13', 'aarch64-apple-darwin': '11.0' };

/** The platform package's package.json, as `napi create-npm-dirs` writes it (version kept in step with ours). */
export function platformPackageJson(t) {
  const out = {
    name: t.packageName,
    version: pkg.version,
    cpu: [t.cpu],
    main: t.nodeFile,
    files: [t.nodeFile],
    description: pkg.description,
    license: pkg.license,
    engines: pkg.engines,
    os: [t.os],
  };
  if (t.libc) out.libc = [t.libc];
  return out;
}

export function writePlatformPackage(t) {
  mkdirSync(t.dir, { recursive: true });
  const file = join(t.dir, 'package.json');
  const text = JSON.stringify(platformPackageJson(t), null, 2) + '\n';
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  const readme = join(t.dir, 'README.md');
  if (!existsSync(readme)) {
    writeFileSync(readme, `# \`${t.packageName}\`\n\nThis is the **${t.triple}** binary for \`${pkg.name}\`\n`);
  }
}

function buildOne(t, baseEnv) {
  const env = { ...baseEnv, CARGO_TARGET_DIR: targetDir };
  const args = ['zigbuild', '--release', '--target', t.buildTriple, '-p', pkg.name, '--lib'];
  if (t.libc === 'musl') {
    // A cdylib needs the dynamic musl (Rust's musl targets default to a static C runtime).
    env[`CARGO_TARGET_${t.rustTriple.toUpperCase().replaceAll('-', '_')}_RUSTFLAGS`] = '-C target-feature=-crt-static';
  }
  if (MACOS_MIN[t.triple]) env.MACOSX_DEPLOYMENT_TARGET = MACOS_MIN[t.triple];
  if (t.format === 'pe') {
    Object.assign(env, windowsBuildEnv(env));
    args.push('--features', 'napi/dyn-symbols');
  }
  console.log(`\n== ${t.triple} (${t.platform}): cargo ${args.join(' ')}`);
  const started = Date.now();
  run('cargo', args, { cwd: root, env });
  const seconds = (Date.now() - started) / 1000;
  writePlatformPackage(t);
  const dest = join(t.dir, t.nodeFile);
  copyFileSync(t.artifact, dest);
  return { seconds, dest };
}

function describe(t, file) {
  if (t.format === 'elf') {
    const e = readElf(file);
    const libc = t.libc === 'glibc' ? `glibc >= ${e.maxGlibc}` : `needs ${e.needed.join(', ')}`;
    return `${e.machine}, ${libc}`;
  }
  if (t.format === 'macho') {
    const m = readMachO(file);
    const sig = !m.codeSignature ? 'no code signature' : m.codeSignature.valid ? `${m.codeSignature.adhoc ? 'ad-hoc ' : ''}signed` : 'code signature INVALID';
    return `Mach-O ${m.cpu}, macOS >= ${m.minos}, ${sig}`;
  }
  const p = readPe(file);
  return `${p.format}, exports ${p.exported.filter((s) => s.startsWith('napi_')).join(', ')}`;
}

function main() {
  const targets = selectTargets(process.argv.slice(2));
  const env = ensureBuildTools(targets);
  const results = [];
  for (const t of targets) {
    const { seconds, dest } = buildOne(t, env);
    const size = statSync(dest).size;
    const stripped = strippedInfo(t, dest);
    if (!stripped) throw new Error(`${dest} still has its symbol table (profile.release.strip should have removed it)`);
    if (t.libc === 'glibc') {
      const { maxGlibc } = readElf(dest);
      if (maxGlibc && compareVersions(maxGlibc, GLIBC_BASELINE) > 0) {
        throw new Error(`${dest} needs glibc ${maxGlibc}, above the ${GLIBC_BASELINE} baseline`);
      }
    }
    const line = `${t.platform.padEnd(17)} ${humanSize(size).padStart(10)}  stripped  ${seconds.toFixed(0).padStart(4)} s  ${describe(t, dest)}`;
    console.log(`built ${line}`);
    results.push(line);
  }
  console.log(`\n${results.length} target(s) built into npm/<platform>/:`);
  for (const r of results) console.log(`  ${r}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
