#!/usr/bin/env node
// `npm run pack:release -- <dir> [--target <triple|platform>]...`: writes into <dir> what a release publishes:
// - one tarball per platform package (npm/<platform>/: its package.json, README and the binary that
//   `npm run build:platforms` put there);
// - the main tarball, packed from a staged copy of the package whose package.json lists every platform package in
//   optionalDependencies at exactly this version (what `napi pre-publish` adds at publish time), carries no `.node`
//   file of its own (the platform packages do) and has no scripts (`prepare` would build from source).
// The repository's package.json is left as it is: its optionalDependencies stay out of it, because the platform
// packages are only published with a release, and `npm install` here must not reach for them (docs/platforms.md).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { TARGETS, humanSize, root, selectTargets } from './platforms-lib.mjs';
import { writePlatformPackage } from './build-platforms.mjs';

function npmPack(cwd, dest) {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], { cwd, encoding: 'utf8' });
  return JSON.parse(out)[0].filename;
}

/** The main package as published: a staged copy (dist/ compiled into it from ts/, so the repo's dist/ is untouched). */
export function stageMain(stage) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const files = pkg.files.filter((f) => !f.endsWith('.node'));
  for (const f of ['index.js', 'index.d.ts', 'README.md', 'LICENSE']) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
  }
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'ts'), '--outDir', join(stage, 'dist')], {
    cwd: root,
    stdio: 'inherit',
  });
  const staged = { ...pkg, files };
  delete staged.scripts;
  staged.optionalDependencies = Object.fromEntries(TARGETS.map((t) => [t.packageName, pkg.version]));
  writeFileSync(join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n');
  return staged;
}

export function packRelease(dest, targets = TARGETS) {
  mkdirSync(dest, { recursive: true });
  const missing = targets.filter((t) => !existsSync(join(t.dir, t.nodeFile)));
  if (missing.length) {
    throw new Error(
      `no binary for ${missing.map((t) => t.platform).join(', ')}: run \`npm run build:platforms\` first` +
        (missing.length < targets.length ? ' (or pass --target for the ones built)' : ''),
    );
  }
  const written = [];
  for (const t of targets) {
    writePlatformPackage(t);
    written.push({ target: t, file: npmPack(t.dir, dest) });
  }
  const stage = mkdtempSync(join(tmpdir(), 'crn-stage-'));
  try {
    const staged = stageMain(stage);
    written.unshift({ target: null, file: npmPack(stage, dest), optionalDependencies: staged.optionalDependencies });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return written;
}

function main() {
  const args = process.argv.slice(2);
  const dirArg = args.find((a, i) => !a.startsWith('-') && !['--target', '-t'].includes(args[i - 1]));
  if (!dirArg) {
    console.error('usage: npm run pack:release -- <dir> [--target <triple|platform>]...');
    process.exit(2);
  }
  const dest = isAbsolute(dirArg) ? dirArg : resolve(process.env.INIT_CWD || process.cwd(), dirArg);
  const written = packRelease(dest, selectTargets(args));
  console.log(`\ntarballs in ${dest}:`);
  for (const w of written) {
    console.log(`  ${w.file.padEnd(48)} ${humanSize(statSync(join(dest, w.file)).size).padStart(10)}${w.target ? `  (${w.target.triple})` : '  (main)'}`);
  }
  console.log(`main optionalDependencies: ${JSON.stringify(written[0].optionalDependencies)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
