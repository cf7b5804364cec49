// A Rust panic must surface as a JS error, never abort the Node process. The hooks that panic on purpose
// (panicForTests, panicForTestsAsync) exist only in a build with the `test-hooks` cargo feature, which
// `npm run build` never enables: the shipped addon is checked to lack them, and the panics are provoked in a debug
// build of the addon with the feature (made here by cargo, a few seconds after `cargo test`: the dependencies are
// the ones it compiled), loaded in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { native } from './helpers/api.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the shipped addon has no test hooks', () => {
  assert.equal(native.panicForTests, undefined);
  assert.equal(native.panicForTestsAsync, undefined);
});

let hooksBuild;
/** The path of the addon built with `--features test-hooks`, or null when cargo is not on PATH. */
function addonWithHooks() {
  if (hooksBuild !== undefined) return hooksBuild;
  const args = ['build', '--package', 'clerk-remix-native', '--lib', '--features', 'test-hooks',
    '--message-format=json-render-diagnostics'];
  const run = spawnSync('cargo', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.error?.code === 'ENOENT') return (hooksBuild = null);
  assert.equal(run.status, 0, `cargo ${args.join(' ')} failed:\n${run.stderr}`);
  const artifact = run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
    .find((m) => m.reason === 'compiler-artifact' && m.target.name === 'clerk_remix_native'
      && m.target.kind.includes('cdylib'));
  assert.ok(artifact, 'cargo reported no cdylib for clerk-remix-native');
  hooksBuild = artifact.filenames.find((f) => /\.(so|dylib|dll)$/.test(f));
  assert.ok(hooksBuild, `no library among ${artifact.filenames}`);
  return hooksBuild;
}

/** Runs `body` in a child Node process where `native` is the addon built with the test hooks; its stdout. */
function withHooks(body, env) {
  const script = `
    const m = { exports: {} };
    process.dlopen(m, ${JSON.stringify(addonWithHooks())});
    const native = m.exports;
    ${body}
  `;
  return execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('a panic in a sync call and in a future becomes a JS error; the process survives', (t) => {
  if (!addonWithHooks()) return t.skip('cargo is not on PATH: the addon with the test hooks cannot be built');
  const out = withHooks(`
    const seen = [];
    try { native.panicForTests(); } catch (e) { seen.push('sync:' + (e instanceof Error)); }
    native.panicForTestsAsync().then(
      () => seen.push('async:resolved'),
      (e) => seen.push('async:' + (e instanceof Error) + ':' + /panic/.test(e.message)),
    ).finally(() => {
      // The addon still answers after both panics.
      const outcome = new native.NativeVerifier({}).verifySync('not-a-token');
      seen.push('after:' + outcome.reason);
      process.stdout.write(seen.join(','));
    });
  `, { ...process.env, CLERK_REMIX_NATIVE_TEST_HOOKS: '1' });
  assert.equal(out, 'sync:true,async:true:true,after:token-invalid');
});

test('the panic hooks are inert without CLERK_REMIX_NATIVE_TEST_HOOKS=1', (t) => {
  if (!addonWithHooks()) return t.skip('cargo is not on PATH: the addon with the test hooks cannot be built');
  const env = { ...process.env };
  delete env.CLERK_REMIX_NATIVE_TEST_HOOKS;
  const out = withHooks(`
    try { native.panicForTests(); process.stdout.write('no throw'); } catch (e) { process.stdout.write(e.message); }
  `, env);
  assert.match(out, /test hooks are disabled/);
});
