// Differential type test: a corpus of typical TypeScript usage of @clerk/remix 4.x (__test__/types/corpus: root
// loaders with and without callbacks and options, loadUser fields, useLoaderData<typeof loader>(), getAuth fields,
// sessionClaims and has() under global augmentations, getToken(), ClerkApp options, the components, errors and
// api.server imports, and deliberate type errors) is compiled with tsc against @clerk/remix@4.13.49 and, after the
// `@clerk/remix` prefix is replaced by `clerk-remix-native` in every import, against this package. The diagnostics
// must be the same: file, position, code and message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const corpus = `${root}__test__/types/corpus/`;
// Inside the repository: `@clerk/remix` resolves from its node_modules, `clerk-remix-native` to this package itself
// (its package.json `exports` and dist/, as an installed copy resolves).
const work = `${root}__test__/output/types/`;

/**
 * Where this package's diagnostics may differ from Clerk's, and why. Each entry must still have the same file,
 * position and code; only the message differs. Listed in docs/compat.md (types).
 */
const ALLOWED_MESSAGE_DIFFERENCES = [
  {
    at: 'app/routes/dashboard.tsx(23,79)',
    why: "getAuth also takes the 2022 beta's bare Request, so its first parameter is `DataFunctionArgs | Request`",
    ours: /parameter of type 'DataFunctionArgs \| Request'/,
  },
];

function files(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => `${dir}${f}`)
    .filter((f) => statSync(f).isFile());
}

/** Copies the corpus for one package (`@clerk/remix` as it is, or with the prefix replaced) and type-checks it. */
async function diagnosticsFor(variant) {
  const dir = `${work}${variant}/`;
  rmSync(dir, { recursive: true, force: true });
  cpSync(corpus, dir, { recursive: true });
  if (variant === 'clerk-remix-native') {
    for (const file of files(dir)) {
      const text = readFileSync(file, 'utf8');
      const swapped = text.replace(/(['"])@clerk\/remix(?=['"/])/g, '$1clerk-remix-native');
      if (swapped !== text) writeFileSync(file, swapped);
    }
    assert.ok(!files(dir).some((f) => readFileSync(f, 'utf8').includes('@clerk/remix')), 'every import was swapped');
  }
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  const output = await promisify(execFile)(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { maxBuffer: 16 << 20 }).then(
    (r) => r.stdout,
    (err) => err.stdout ?? '',
  );
  return parse(output, dir);
}

/** tsc's `file(line,col): error TSnnnn: message` lines, each with its indented continuation lines. */
function parse(output, dir) {
  const diagnostics = [];
  for (const line of output.split('\n')) {
    const head = line.match(/^(.*)\((\d+),(\d+)\): error (TS\d+): (.*)$/);
    if (head) {
      const file = head[1].replace(dir, '').replace(/^.*__test__\/output\/types\/[^/]+\//, '');
      diagnostics.push({ at: `${file}(${head[2]},${head[3]})`, code: head[4], message: head[5] });
    } else if (line.startsWith(' ') && diagnostics.length) {
      diagnostics.at(-1).message += `\n${line}`;
    } else if (line.trim()) {
      diagnostics.push({ at: '(global)', code: 'other', message: line });
    }
  }
  return diagnostics;
}

test('tsc reports the same on a @clerk/remix 4.x app after the import swap', async () => {
  const [clerk, ours] = await Promise.all([diagnosticsFor('clerk'), diagnosticsFor('clerk-remix-native')]);
  // The oracle itself compiles the corpus as intended: every module resolves, and the deliberate errors are there.
  assert.deepEqual(clerk.filter((d) => d.code === 'TS2307' || d.code === 'other'), [], 'the corpus resolves against @clerk/remix');
  assert.ok(clerk.length >= 25, `the corpus's deliberate errors are reported (${clerk.length})`);

  const normalise = (d) => ({ ...d, message: d.message.replaceAll('clerk-remix-native', '@clerk/remix') });
  const allowed = new Map(ALLOWED_MESSAGE_DIFFERENCES.map((a) => [a.at, a]));
  const theirs = clerk.map(normalise);
  const mine = ours.map(normalise);
  assert.deepEqual(mine.map(({ at, code }) => `${at} ${code}`), theirs.map(({ at, code }) => `${at} ${code}`), 'same errors at the same places');
  for (const [i, d] of mine.entries()) {
    const exception = allowed.get(d.at);
    if (exception) assert.match(d.message, exception.ours, `${d.at}: ${exception.why}`);
    else assert.equal(d.message, theirs[i].message, `${d.at}: same message`);
  }
  for (const a of ALLOWED_MESSAGE_DIFFERENCES) assert.ok(mine.some((d) => d.at === a.at), `${a.at} is still in the corpus`);
});
