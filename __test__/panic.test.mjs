// A Rust panic must surface as a JS error, never abort the Node process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { native } from './helpers/api.mjs';
import { withEnv } from './helpers/env.mjs';

const binding = fileURLToPath(new URL('../index.js', import.meta.url));

test('a panic in a sync call and in a future becomes a JS error; the process survives', () => {
  const script = `
    const native = require(${JSON.stringify(binding)});
    const seen = [];
    try { native.panicForTests(); } catch (e) { seen.push('sync:' + (e instanceof Error)); }
    native.panicForTestsAsync().then(
      () => seen.push('async:resolved'),
      (e) => seen.push('async:' + (e instanceof Error) + ':' + /panic/.test(e.message)),
    ).finally(() => process.stdout.write(seen.join(',')));
  `;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, CLERK_REMIX_NATIVE_TEST_HOOKS: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(out, 'sync:true,async:true:true');
});

test('the panic hooks are inert without CLERK_REMIX_NATIVE_TEST_HOOKS=1', () => {
  withEnv({ CLERK_REMIX_NATIVE_TEST_HOOKS: null }, () => {
    assert.throws(() => native.panicForTests(), /test hooks are disabled/);
  });
});
