// Summarises CPU profiles: where the time goes, by frame group, by file and by function (self and total), per request
// when the number of requests is known, and the difference between two labels (e.g. the protected and the no-auth
// route). Two inputs:
//   .cpuprofile   V8's sampling profiler (`node --cpu-prof`, bench/http.mjs --profile, bench/profile-getauth.mjs
//                 --profile): JS frames with their scripts, native callees folded into a few pseudo-frames. Its
//                 samples are wall time while the thread is not idle (a descheduled thread still gets samples).
//   .perf.data    Linux `perf record -e cpu-clock -g`: CPU time of every thread, with the native frames (V8, libuv,
//                 the addon's Rust, libc, the kernel) and the JS frames, named either by a Node started with
//                 --perf-prof and `perf inject --jit` (exact) or by --perf-basic-prof's /tmp/perf-<pid>.map (which
//                 keeps stale entries: an address reused by newer code may carry an older function's name). Read
//                 with `perf script`.
//   .perf-folded  the same, folded into distinct stacks at capture time (bench/http.mjs --perf writes these, from
//                 --perf-prof + perf inject --jit): reads without perf.
//
//   node bench/profile-summary.mjs <dirs or files…> [--top N] [--requests N] [--compare A B] [--under RE]
//                                  [--main-thread]
//
// Files with a sidecar `<name>.json` ({ label, requests, cpuSeconds, wallSeconds }, as the benches write it) are
// merged per label; others are labelled by file name (less the extension and a trailing `-r<round>`),
// and `--requests N` gives their request count. `--compare A B`: the per-request difference A − B (default: the
// first two labels in name order when there are exactly two). `--under RE`: only the samples with a function matching
// RE on the stack (a JS function's key is `name file:line`), e.g. `--under '^getAuth '` for one getAuth call with its
// callees. `--main-thread` (perf): only the main thread's samples.
//
// Each sample gets two classifications:
//   self group    the frame on top of the stack (see below)
//   owner         the nearest JS function with a script on the stack (the leaf itself when it is one): what a
//                 builtin, a V8 runtime call, the addon, libc or a system call was working for. Samples with no such
//                 frame (the event loop, GC, other threads) keep their self group.
// Groups:
//   ours: dist            this package's compiled TypeScript (…/clerk-remix-native/dist/…)
//   addon (.node)         the native addon (cpuprofile: napi callbacks show under their JS name; perf: its Rust code)
//   @remix-run/<pkg>      Remix (server-runtime, node, express, router, web-fetch polyfills, …)
//   npm: <pkg>            other packages (express, compression, morgan, …)
//   app build             the app's own server build (build/server/index.js)
//   node: undici, node: http/net, node: streams, node: other     Node's own JS (node:*)
//   builtin (no url)      cpuprofile: V8 builtins / API functions without a script (JSON.parse, writev, …)
//   V8 builtins, V8 runtime, V8 GC, V8 other, V8 regexp           perf: V8's code in the node binary
//   node C++, libuv, llhttp, libc & co, kernel                    perf: the rest of the native code
//   (garbage collector), (program), (idle)                         cpuprofile pseudo-frames ((idle) is not busy time)
//   other thread          perf: any thread but the main one (V8's GC helpers, libuv's pool)
//
// Per-request µs: the samples' time ÷ requests. For a .cpuprofile the "CPU-scaled" column spreads the process's
// measured CPU time over the window (sidecar `cpuSeconds`) by each group's share of busy samples.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Names of the addon's functions and methods (napi callbacks show in .cpuprofile files under these names). */
function addonNames() {
  const names = new Set();
  try {
    const binding = require('../index.js');
    for (const [key, value] of Object.entries(binding)) {
      names.add(key);
      if (typeof value === 'function' && value.prototype) {
        for (const m of Object.getOwnPropertyNames(value.prototype)) if (m !== 'constructor') names.add(m);
      }
    }
  } catch {
    // Not built: addon frames fall into "builtin (no url)".
  }
  return names;
}

/** `{ group, detail }` of a JS frame by its script URL (`''`: no script). */
export function classifyScript(functionName, url) {
  if (url.startsWith('node:')) {
    const file = url.slice(5);
    if (file.includes('undici')) return { group: 'node: undici', detail: url };
    if (/^(_http_|http$|https$|net$|dns$|tls$|internal\/http|internal\/net|internal\/stream_base_commons|internal\/js_stream_socket)/.test(file)) {
      return { group: 'node: http/net', detail: url };
    }
    if (file.includes('streams/') || file === 'stream') return { group: 'node: streams', detail: url };
    return { group: 'node: other', detail: url };
  }
  const clean = url.replace(/^file:\/\//, '').replace(/\?.*$/, '');
  const at = clean.lastIndexOf('/node_modules/');
  if (at >= 0) {
    const rest = clean.slice(at + '/node_modules/'.length).split('/');
    const scoped = rest[0].startsWith('@');
    const pkg = scoped ? `${rest[0]}/${rest[1]}` : rest[0];
    const file = rest.slice(scoped ? 2 : 1).join('/');
    if (pkg === 'clerk-remix-native') return { group: 'ours: dist', detail: `ours: ${file}` };
    if (pkg.startsWith('@remix-run/')) return { group: pkg, detail: `${pkg}/${file}` };
    return { group: `npm: ${pkg}`, detail: `${pkg}/${file}` };
  }
  const ours = clean.match(/\/(dist\/.*)$/);
  if (ours) return { group: 'ours: dist', detail: `ours: ${ours[1]}` };
  if (/\/build\/server\/[^/]+\.js$/.test(clean)) return { group: 'app build', detail: clean.slice(clean.indexOf('/build/server/') + 1) };
  return { group: 'other script', detail: clean };
}

/** A short key for a JS function: `name file:line` (the file relative to node_modules, dist/ or build/). */
const fnKeyOf = (name, url, line) => {
  if (!url) return name || '(anonymous)';
  const where = url
    .replace(/^file:\/\//, '')
    .replace(/\?.*$/, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/(dist|build)\//, '$1/');
  return `${name || '(anonymous)'} ${where}:${line}`;
};

// ---------------------------------------------------------------------------------------------------------------
// Samples: { us, self: { group, detail, fnKey }, owner: { group, fnKey }, fns: Set<fnKey>, groups: Set<group> }

/** The samples of a .cpuprofile. */
function* cpuprofileSamples(profile, addon) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frames = new Map();
  for (const n of profile.nodes) {
    const { functionName: fn, url, lineNumber } = n.callFrame;
    let cls;
    if (!url) {
      if (fn === '(idle)' || fn === '(program)' || fn === '(garbage collector)' || fn === '(root)') cls = { group: fn, detail: fn };
      else if (addon.has(fn)) cls = { group: 'addon (.node)', detail: `addon ${fn}` };
      else cls = { group: 'builtin (no url)', detail: `builtin ${fn || '(anonymous)'}` };
    } else cls = classifyScript(fn, url);
    frames.set(n.id, { ...cls, fnKey: fnKeyOf(fn, url, lineNumber + 1), scripted: Boolean(url) });
  }
  const stacks = new Map();
  const stackOf = (id) => {
    let s = stacks.get(id);
    if (s) return s;
    const p = parent.get(id);
    const up = p === undefined ? { fns: new Set(), groups: new Set(), owner: null } : stackOf(p);
    const me = frames.get(id);
    s = { fns: new Set(up.fns).add(me.fnKey), groups: new Set(up.groups).add(me.group), owner: me.scripted ? me : up.owner };
    stacks.set(id, s);
    return s;
  };
  const { samples, timeDeltas } = profile;
  let t = profile.startTime;
  const stamps = timeDeltas.map((d) => (t += d));
  for (let i = 0; i < samples.length; i++) {
    // A sample stands for the time until the next one.
    const us = i + 1 < samples.length ? stamps[i + 1] - stamps[i] : Math.max(0, profile.endTime - stamps[i]);
    const self = frames.get(samples[i]);
    const s = stackOf(samples[i]);
    yield { us, self, owner: s.owner ?? self, fns: s.fns, groups: s.groups, idle: self.group === '(idle)' };
  }
}

const GC_FRAME = /Heap::(CollectGarbage|PerformGarbageCollection)|Scavenger|MarkCompactCollector|MinorMarkCompact|Sweeper|ConcurrentMarking|IncrementalMarking|MemoryAllocator::|Heap::AllocateRaw.*Slow/;

/** `{ group, detail, fnKey, scripted }` of one perf frame (`sym`, `dso`). */
function classifyPerfFrame(sym, dso) {
  if (dso.includes('/perf-') || dso.startsWith('[JIT]') || /(^|\/)jitted-\d+-\d+\.so$/.test(dso)) {
    const m = sym.match(/^(\w+):[~*^+]?(\S*)\s+(\S+):(\d+):(\d+)$/);
    if (m) {
      const [, , name, url, line] = m;
      return { ...classifyScript(name, url), fnKey: fnKeyOf(name, url, Number(line)), scripted: true };
    }
    if (sym.startsWith('RegExp:')) return { group: 'V8 regexp', detail: 'V8 regexp', fnKey: 'RegExp', scripted: false };
    return { group: 'V8 builtins', detail: `jit ${sym.split(' ')[0]}`, fnKey: sym, scripted: false };
  }
  if (dso === '[kernel.kallsyms]' || dso === '[vdso]') return { group: 'kernel', detail: `kernel ${sym}`, fnKey: `kernel ${sym}`, scripted: false };
  if (dso.endsWith('.node')) return { group: 'addon (.node)', detail: `addon ${sym.replace(/::h[0-9a-f]{16}$/, '')}`, fnKey: `addon ${sym.replace(/::h[0-9a-f]{16}$/, '')}`, scripted: false };
  if (/\/(libc|libstdc\+\+|libm|libgcc_s|ld-linux[^/]*)\.so/.test(dso)) return { group: 'libc & co', detail: `${path.basename(dso).replace(/\.so.*/, '')} ${sym}`, fnKey: sym, scripted: false };
  if (/(^|\/)node$/.test(dso)) {
    let group = 'node C++';
    if (sym.startsWith('Builtins_')) group = 'V8 builtins';
    else if (GC_FRAME.test(sym)) group = 'V8 GC';
    else if (/^v8::internal::(Runtime_|.*IC::|LookupIterator|.*::Lookup|Map::|JSObject::|Object::|Factory::|.*Handler)/.test(sym)) group = 'V8 runtime';
    else if (sym.startsWith('v8::') || sym.startsWith('Builtins') || sym.startsWith('Turboshaft') || sym.includes('compiler::')) group = 'V8 other';
    else if (/^uv_|^uv__/.test(sym)) group = 'libuv';
    else if (sym.startsWith('llhttp')) group = 'llhttp';
    return { group, detail: `${group === 'node C++' ? 'node' : group} ${sym.replace(/\(.*$/, '')}`, fnKey: sym.replace(/\(.*$/, ''), scripted: false };
  }
  return { group: 'other native', detail: `${path.basename(dso)} ${sym}`, fnKey: sym, scripted: false };
}

/**
 * `perf script` output of a perf.data file folded into its distinct stacks: `{ thread, us, frames }` per stack and
 * thread kind (`main` when tid = pid, else `other`), frames leaf first as `sym (dso)`. The folded form (one line per
 * stack, see {@link writeFolded}) is what bench/http.mjs --perf keeps: the JIT symbols of /tmp/perf-<pid>.map are
 * resolved at capture time, so it reads without the map or perf.
 */
export function foldPerf(file, { env } = {}) {
  const text = execFileSync('perf', ['script', '-i', file, '-F', 'comm,tid,pid,period,ip,sym,dso'], {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const stacks = new Map();
  for (const block of text.split(/\n\n+/)) {
    const lines = block.split('\n').filter((l) => l.trim());
    const head = lines[0]?.match(/^\s*(.*?)\s+(\d+)\/(\d+)\s+(\d+)/);
    if (!head) continue;
    const [, , pid, tid, period] = head;
    const thread = pid === tid ? 'main' : 'other';
    const frames = lines.slice(1).map((l) => {
      const m = l.match(/^\s*[0-9a-f]+\s+(.*)$/);
      return m ? m[1].replace(/[;\t]/g, ' ') : '[unknown] ([unknown])';
    });
    if (!frames.length) continue;
    const key = `${thread}\t${frames.join(';')}`;
    const entry = stacks.get(key);
    if (entry) entry.us += Number(period) / 1000;
    else stacks.set(key, { thread, us: Number(period) / 1000, frames });
  }
  return [...stacks.values()];
}

/** The folded stacks as text: `thread<TAB>µs<TAB>frame;frame;…` per line. */
export const writeFolded = (stacks) => stacks.map((s) => `${s.thread}\t${s.us.toFixed(1)}\t${s.frames.join(';')}`).join('\n') + '\n';

function readFolded(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [thread, us, frames] = line.split('\t');
      return { thread, us: Number(us), frames: frames.split(';') };
    });
}

/** The samples of perf stacks (a perf.data file, read with `perf script`, or a .perf-folded file). */
function* perfSamples(file, { mainThread }) {
  const stacks = file.endsWith('.perf.data') ? foldPerf(file) : readFolded(file);
  for (const { thread, us, frames: raw } of stacks) {
    const other = thread !== 'main';
    if (other && mainThread) continue;
    const frames = raw.map((f) => {
      const m = f.match(/^(.*)\s+\((.*)\)$/);
      return m ? classifyPerfFrame(m[1], m[2]) : { group: 'other native', detail: 'unknown', fnKey: 'unknown', scripted: false };
    });
    let self = frames[0];
    // Native frames of a garbage collection on the main thread count as V8 GC, wherever the leaf is.
    if (!self.scripted && frames.some((f) => f.group === 'V8 GC')) self = { ...self, group: 'V8 GC' };
    if (other) self = { ...self, group: 'other thread', detail: `other thread: ${self.detail}` };
    const owner = frames.find((f) => f.scripted) ?? self;
    // The kernel's work for a system call: named after the call.
    if (self.group === 'kernel') {
      const sys = frames.find((f) => /kernel (__x64_sys_|__se_sys_|__do_sys_)/.test(f.fnKey));
      if (sys) self = { ...self, detail: sys.fnKey.replace(/kernel (__x64_sys_|__se_sys_|__do_sys_)/, 'kernel sys_') };
    }
    yield { us, self, owner, fns: new Set(frames.filter((f) => f.scripted).map((f) => f.fnKey)), groups: new Set(frames.map((f) => f.group)), idle: false };
  }
}

/** The label of a file with no sidecar: its name less the extension and a trailing `-r<round>`. */
const labelOfFile = (file) => path.basename(file).replace(PROFILE_EXT, '').replace(/-r\d+$/, '');
const PROFILE_EXT = /\.(cpuprofile|perf\.data|perf-folded)$/;

/**
 * Reads the files into per-label accumulators: `{ label, kind, requests, cpuSeconds, wallSeconds, files, busyUs,
 * idleUs, outsideUs, self, selfDetail, selfFn, owner, ownerFn, totalFn, totalGroup }` (maps of µs).
 */
export function summarise(files, { requests: defaultRequests, under, mainThread = false } = {}) {
  const addon = addonNames();
  const labels = new Map();
  for (const file of files) {
    const kind = file.endsWith('.cpuprofile') ? 'cpuprofile' : 'perf';
    let meta = {};
    try {
      meta = JSON.parse(readFileSync(file.replace(PROFILE_EXT, '.json'), 'utf8'));
    } catch {
      // No sidecar.
    }
    const label = meta.label ?? labelOfFile(file);
    if (!labels.has(label)) {
      const maps = ['self', 'selfDetail', 'selfFn', 'owner', 'ownerFn', 'totalFn', 'totalGroup', 'fnGroup'];
      labels.set(label, { label, kind, requests: 0, cpuSeconds: 0, wallSeconds: 0, files: 0, busyUs: 0, idleUs: 0, outsideUs: under ? 0 : undefined, ...Object.fromEntries(maps.map((m) => [m, new Map()])) });
    }
    const acc = labels.get(label);
    if (acc.kind !== kind) throw new Error(`${label}: both .cpuprofile and .perf.data files; summarise them separately`);
    acc.files++;
    acc.requests += meta.requests ?? defaultRequests ?? 0;
    acc.cpuSeconds += meta.cpuSeconds ?? NaN;
    acc.wallSeconds += meta.wallSeconds ?? NaN;
    const samples = kind === 'perf' ? perfSamples(file, { mainThread }) : cpuprofileSamples(JSON.parse(readFileSync(file, 'utf8')), addon);
    for (const s of samples) addSample(acc, s, under);
  }
  return [...labels.values()];
}

const add = (map, key, value) => map.set(key, (map.get(key) ?? 0) + value);

function addSample(acc, s, under) {
  if (s.idle) {
    acc.idleUs += s.us;
    return;
  }
  if (under && ![...s.fns].some((f) => under.test(f))) {
    acc.outsideUs += s.us;
    return;
  }
  acc.busyUs += s.us;
  add(acc.self, s.self.group, s.us);
  add(acc.selfDetail, s.self.detail, s.us);
  add(acc.selfFn, s.self.fnKey, s.us);
  acc.fnGroup.set(s.self.fnKey, s.self.group);
  add(acc.owner, s.owner.group, s.us);
  add(acc.ownerFn, s.owner.fnKey, s.us);
  acc.fnGroup.set(s.owner.fnKey, s.owner.group);
  for (const f of s.fns) add(acc.totalFn, f, s.us);
  for (const g of s.groups) add(acc.totalGroup, g, s.us);
}

// ---------------------------------------------------------------------------------------------------------------
// Report

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '-');

function table(head, rows, left = 1) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => (i < left ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i < left ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

const perReq = (acc, us) => us / acc.requests;
const cpuScaled = (acc, us) => (acc.cpuSeconds * 1e6 * (us / acc.busyUs)) / acc.requests;
const sorted = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]);

export function report(labels, { top = 25, compare } = {}) {
  for (const acc of labels) {
    const cpu = acc.kind === 'cpuprofile';
    console.log(`\n## ${acc.label}: ${acc.files} ${acc.kind} file(s), ${acc.requests || '?'} requests`);
    if (acc.outsideUs !== undefined) console.log(`--under: only samples with a matching function on the stack (${f1(perReq(acc, acc.outsideUs))} µs/req outside)`);
    console.log(
      `${cpu ? 'busy (sampled wall time, not idle)' : 'CPU (perf samples)'}: ${f1(perReq(acc, acc.busyUs))} µs/req${cpu ? `; idle ${f1(perReq(acc, acc.idleUs))} µs/req` : ''}; process CPU ${f1((acc.cpuSeconds * 1e6) / acc.requests)} µs/req; wall ${f1((acc.wallSeconds * 1e6) / acc.requests)} µs/req`,
    );
    console.log('\nself time by group');
    table(
      ['group', 'share', 'µs/req', ...(cpu ? ['CPU-scaled µs/req'] : []), 'on stack µs/req'],
      sorted(acc.self).map(([g, us]) => [g, pct(us / acc.busyUs), f1(perReq(acc, us)), ...(cpu ? [f1(cpuScaled(acc, us))] : []), f1(perReq(acc, acc.totalGroup.get(g) ?? 0))]),
    );
    console.log('\nby owner (the nearest JS function with a script: what the native time was spent for)');
    table(['owner group', 'share', 'µs/req'], sorted(acc.owner).map(([g, us]) => [g, pct(us / acc.busyUs), f1(perReq(acc, us))]));
    console.log(`\ntop ${top} files / native functions by self time`);
    table(['file', 'share', 'µs/req'], sorted(acc.selfDetail).slice(0, top).map(([d, us]) => [d, pct(us / acc.busyUs), f1(perReq(acc, us))]));
    console.log(`\ntop ${top} JS functions by owned time (self + the native code they call directly)`);
    table(['function', 'group', 'share', 'µs/req'], sorted(acc.ownerFn).slice(0, top).map(([fn, us]) => [fn, acc.fnGroup.get(fn), pct(us / acc.busyUs), f1(perReq(acc, us))]), 2);
    console.log(`\ntop ${top} JS functions by total time (self + all callees)`);
    table(['function', 'share', 'µs/req'], sorted(acc.totalFn).slice(0, top).map(([fn, us]) => [fn, pct(us / acc.busyUs), f1(perReq(acc, us))]));
  }
  if (!compare) return;
  const [a, b] = compare.map((name) => labels.find((l) => l.label === name));
  if (!a || !b) throw new Error(`--compare: no label ${compare.find((n) => !labels.some((l) => l.label === n))} (have ${labels.map((l) => l.label).join(', ')})`);
  console.log(`\n## ${a.label} − ${b.label}, µs per request`);
  console.log(
    `samples: ${f1(perReq(a, a.busyUs))} − ${f1(perReq(b, b.busyUs))} = ${f1(perReq(a, a.busyUs) - perReq(b, b.busyUs))}; process CPU ${f1((a.cpuSeconds * 1e6) / a.requests)} − ${f1((b.cpuSeconds * 1e6) / b.requests)} = ${f1((a.cpuSeconds * 1e6) / a.requests - (b.cpuSeconds * 1e6) / b.requests)}`,
  );
  const diffRows = (mapA, mapB) =>
    [...new Set([...mapA.keys(), ...mapB.keys()])]
      .map((k) => {
        const ua = perReq(a, mapA.get(k) ?? 0);
        const ub = perReq(b, mapB.get(k) ?? 0);
        return { d: ua - ub, row: [k, f1(ua), f1(ub), f1(ua - ub)] };
      })
      .sort((x, y) => Math.abs(y.d) - Math.abs(x.d))
      .map((r) => r.row);
  const head = (what) => [what, a.label, b.label, 'difference'];
  console.log('\nself time by group');
  table(head('group'), diffRows(a.self, b.self));
  console.log('\nby owner');
  table(head('owner group'), diffRows(a.owner, b.owner));
  console.log(`\ntop ${top} files / native functions by self-time difference`);
  table(head('file'), diffRows(a.selfDetail, b.selfDetail).slice(0, top));
  console.log(`\ntop ${top} JS functions by owned-time difference`);
  table(head('function'), diffRows(a.ownerFn, b.ownerFn).slice(0, top));
  console.log(`\ntop ${top} JS functions by total-time difference`);
  table(head('function'), diffRows(a.totalFn, b.totalFn).slice(0, top));
}

// ---------------------------------------------------------------------------------------------------------------
// CLI

/** The profile files among `inputs` (directories are listed, in name order). */
export function profileFiles(inputs) {
  return inputs.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => PROFILE_EXT.test(f))
          .sort()
          .map((f) => path.join(p, f))
      : [p],
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const args = process.argv.slice(2);
  const usage = 'node bench/profile-summary.mjs <dirs or files…> [--top N] [--requests N] [--compare A B] [--under RE] [--main-thread]';
  const o = { top: 25, requests: undefined, compare: undefined, under: undefined, mainThread: false };
  const inputs = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--top') o.top = Number(args[++i]);
    else if (args[i] === '--requests') o.requests = Number(args[++i]);
    else if (args[i] === '--compare') o.compare = [args[++i], args[++i]];
    else if (args[i] === '--under') o.under = new RegExp(args[++i]);
    else if (args[i] === '--main-thread') o.mainThread = true;
    else if (args[i] === '--help' || args[i] === '-h') {
      console.log(usage);
      process.exit(0);
    } else inputs.push(args[i]);
  }
  if (!inputs.length) throw new Error(usage);
  const labels = summarise(profileFiles(inputs), o);
  labels.sort((x, y) => x.label.localeCompare(y.label));
  if (!o.compare && labels.length === 2) o.compare = [labels[0].label, labels[1].label];
  report(labels, o);
}
