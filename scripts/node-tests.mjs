// Runs every __test__/*.test.mjs with Node's test runner and fails when no test ran at all.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../__test__/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => dir + f);
if (files.length === 0) {
  console.error('node-tests: no __test__/*.test.mjs files found');
  process.exit(1);
}
const tapFile = `${dir}output/node-tests.tap`;
mkdirSync(`${dir}output`, { recursive: true });
const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
const tap = readFileSync(tapFile, 'utf8');
const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) || [])[1] || 0);
const [tests, pass, fail] = [count('tests'), count('pass'), count('fail')];
console.log(`node tests: ${pass} passed, ${fail} failed`);
if (tests === 0 || pass === 0) {
  console.error('node-tests: zero tests ran');
  process.exit(1);
}
