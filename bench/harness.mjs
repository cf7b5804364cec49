// The interleaved-rounds runner shared by the benches: every round runs each contender once (the starting contender
// rotating from round to round), so drift on a noisy 2-core machine (CPU frequency, neighbours, GC) lands on every
// contender alike. Per round and contender, `ops` calls are timed with `process.hrtime.bigint()`; reports give the
// median of the per-round µs/op, its p10/p90, and the median over rounds of (contender ÷ a reference contender in
// the same round).
//
// A contender: { name, note, run(n) → number of successful calls (may be async), expectOk?: false }.

import crypto from 'node:crypto';
import os from 'node:os';

export const quantile = (values, q) => {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
};
export const median = (values) => quantile(values, 0.5);
export const fmt = (x, d = 2) => x.toFixed(d);

/**
 * Command-line options: `--name N` for every key of `numbers` (camelCase keys, kebab-case flags: `freshTokens` is
 * `--fresh-tokens`; integers ≥ `min`), `--flag` for every name in `flags` (true when given), `--help`.
 * Returns `{ ...numbers, [flag]: boolean }` with the values given.
 */
export function parseCli(argv, { numbers = {}, flags = [], usage, min = 1 }) {
  const kebab = (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const byFlag = new Map(Object.keys(numbers).map((key) => [`--${kebab(key)}`, key]));
  const opts = { ...numbers };
  for (const f of flags) opts[f] = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (byFlag.has(a)) {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < min) throw new Error(`${a} needs an integer >= ${min}, got ${argv[i]}\n${usage}`);
      opts[byFlag.get(a)] = v;
    } else if (flags.includes(a.replace(/^--/, ''))) opts[a.replace(/^--/, '')] = true;
    else if (a === '--help' || a === '-h') {
      console.log(usage);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${usage}`);
  }
  return opts;
}

/** `--rounds N --ops N --warmup N` and `BENCH_QUICK=1`, plus any boolean `flags` (e.g. `--diag`). */
export function parseArgs(argv, { rounds, ops, warmup = 3, flags = [], usage }) {
  const quick = process.env.BENCH_QUICK === '1';
  const defaults = { rounds: quick ? 7 : rounds, ops: quick ? Math.min(ops, 300) : ops, warmup: quick ? 1 : warmup };
  return { ...parseCli(argv, { numbers: defaults, flags, usage }), quick };
}

export function describeMachine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `node ${process.version}, ${os.availableParallelism?.() ?? os.cpus().length} CPUs (${cpu}), ${os.platform()}-${os.arch()}`;
}

/** The 1/5/15-minute load averages, e.g. `0.42 0.51 0.60`. */
export const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** The line that says how `runInterleaved` will run (`opts` as `parseArgs` returns them). */
export const describeRounds = ({ rounds, ops, warmup, quick }) =>
  `${rounds} rounds x ${ops} ops per contender, ${warmup} warm-up round(s), interleaved${quick ? ' (BENCH_QUICK)' : ''}`;

/**
 * The floor contender: `crypto.verify` with a KeyObject made once and the signature already decoded, the RSA
 * operation alone. Its own loop, so its call site sees nothing but `crypto.verify`.
 */
export function floorContender({ signingInput, publicKey, signature }) {
  return {
    name: 'crypto.verify (floor)',
    note: "crypto.verify('sha256', input, cachedKeyObject, sig): the RSA operation alone",
    run(n) {
      let ok = 0;
      for (let i = 0; i < n; i++) if (crypto.verify('sha256', signingInput, publicKey, signature)) ok++;
      return ok;
    },
  };
}

/** `run(n)` for an async call: awaits `call()` n times, one at a time, and counts the truthy answers. */
export const loopAsync = (call) => async (n) => {
  let ok = 0;
  for (let i = 0; i < n; i++) if (await call()) ok++;
  return ok;
};

/** Exits the process (status 1) unless every contender succeeds once: run before anything is timed. */
export async function checkEachOnce(contenders, bench) {
  for (const c of contenders) {
    if ((await c.run(1)) !== 1) {
      console.error(`${bench}: ${c.name} does not succeed on the bench request`);
      process.exit(1);
    }
  }
}

/**
 * Runs the rounds; throws when a contender's successful calls do not add up to rounds × ops (which also keeps the
 * optimizer from dropping the work). Returns `{ perOp, totals }`: per contender, the µs/op of every round.
 */
export async function runInterleaved(contenders, { rounds, ops, warmup }) {
  for (let w = 0; w < warmup; w++) for (const c of contenders) await c.run(ops);
  const perOp = contenders.map(() => []);
  const totals = contenders.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (r + k) % contenders.length;
      const t0 = process.hrtime.bigint();
      const done = await contenders[i].run(ops);
      const t1 = process.hrtime.bigint();
      totals[i] += done;
      perOp[i].push(Number(t1 - t0) / 1000 / ops);
    }
  }
  contenders.forEach((c, i) => {
    if (totals[i] !== rounds * ops) {
      const what = c.expectOk === false ? 'failed as expected' : 'succeeded';
      throw new Error(`${c.name}: only ${totals[i]} of ${rounds * ops} timed calls ${what}`);
    }
  });
  return { perOp, totals };
}

/** Median over rounds of perOp[i] ÷ perOp[ref] in the same round, with p10/p90. */
export function ratioOf(perOp, i, ref) {
  const r = perOp[i].map((us, round) => us / perOp[ref][round]);
  return { ratio: median(r), p10: quantile(r, 0.1), p90: quantile(r, 0.9) };
}

/** Per contender: the median µs/op with its p10/p90, and `floor`, its `ratioOf` against contender `ref`. */
export const summarize = (perOp, ref = 0) =>
  perOp.map((us, i) => ({ median: median(us), p10: quantile(us, 0.1), p90: quantile(us, 0.9), floor: ratioOf(perOp, i, ref) }));

/** A `ratioOf` result as a table cell: `0.812 (0.790-0.845)`. */
export const fmtRatio = ({ ratio, p10, p90 }) => `${fmt(ratio, 3)} (${fmt(p10, 3)}-${fmt(p90, 3)})`;

/** A Markdown table: `head` cells, then rows of cells (the first `left` columns left-aligned, the others right). */
export function printTable(head, body, left = 1) {
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((row) => row[j].length)));
  const line = (cells) => `| ${cells.map((cell, j) => (j < left ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, j) => (j < left ? ':' : '') + '-'.repeat(w + 1) + (j < left ? '' : ':')).join('|')}|`);
  for (const row of body) console.log(line(row));
}
