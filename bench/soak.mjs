// Soak: a million mixed requests through getAuth against a local issuer (JWKS over 127.0.0.1), checking every
// outcome, and the process's memory at the start and the end. Not part of CI (see docs/security.md "Soak").
//   npm run soak                      1,000,000 requests
//   npm run soak -- 200000            another count (or SOAK_REQUESTS)
// The mix (per 20 requests): 8 valid, 3 expired, 3 forged (the attacker's key under the issuer's kid), 3 malformed,
// 3 with an unknown kid; a quarter of them through the Authorization header, a tenth as document requests (an
// expired cookie then gets the handshake, a thrown 307). Tokens come from pre-signed pools (RSA signing costs ~1 ms:
// a million would take longer than the soak). 64 requests are in flight at a time.
// Run with --expose-gc (npm run soak does) so that the RSS figures are taken after a full collection.
import { createRequire } from 'node:module';
import { generateKeyPairSync, randomUUID } from 'node:crypto';

const require = createRequire(import.meta.url);
const { getAuth } = require('../dist/ssr.server.js');
const { createLocalIssuer } = require('../dist/testing.js');

const TOTAL = Number(process.argv[2] ?? process.env.SOAK_REQUESTS ?? 1_000_000);
const IN_FLIGHT = 64;
const POOL = 200;

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const memory = () => {
  globalThis.gc?.();
  return process.memoryUsage();
};
const show = (label, m) =>
  console.log(`${label.padEnd(8)} rss ${mb(m.rss)} MB, heap used ${mb(m.heapUsed)} MB, external ${mb(m.external)} MB`);

const issuer = await createLocalIssuer();
const env = issuer.env();
const { privateKey: attackerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const now = Math.floor(Date.now() / 1000);
const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

console.log(`soak: ${TOTAL.toLocaleString('en-US')} requests, ${IN_FLIGHT} in flight; pre-signing ${POOL} tokens per kind…`);
const users = Array.from({ length: POOL }, () => `user_${randomUUID().replace(/-/g, '')}`);
const pools = {
  // Valid for the whole soak (an hour), one user each, so the userId can be checked.
  valid: users.map((userId) => ({ token: issuer.sessionToken({ userId, expiresInSeconds: 3_600 }), userId })),
  expired: users.map((userId) => ({ token: issuer.sessionToken({ userId, issuedAt: now - 7_200 }) })),
  forged: users.map((userId) => ({ token: issuer.sessionToken({ userId, expiresInSeconds: 3_600, signWith: attackerKey }) })),
  unknownKid: users.map((userId) => ({ token: issuer.sessionToken({ userId, expiresInSeconds: 3_600, kid: `ins_${randomUUID()}` }) })),
  malformed: Array.from({ length: POOL }, (_, i) => {
    const genuine = issuer.sessionToken({ expiresInSeconds: 3_600 });
    const [h, p, s] = genuine.split('.');
    const variants = [
      `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
      `${h}.${p}`,
      `${h}.${p}.${s}=`,
      `${h}.${b64('not json')}.${s}`,
      `${h}.${p}.${s.slice(0, -10)}`,
      `${b64({ alg: 'HS256' })}.${p}.${s}`,
      `${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url')), sub: 'user_admin' })}.${s}`,
      randomUUID() + '.' + randomUUID(),
      'x'.repeat(20_000),
    ];
    return { token: variants[i % variants.length] };
  }),
};
// Per 20 requests: which kind.
const MIX = ['valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'expired', 'expired', 'expired',
  'forged', 'forged', 'forged', 'malformed', 'malformed', 'malformed', 'unknownKid', 'unknownKid', 'unknownKid'];

function requestFor(i) {
  const kind = MIX[i % MIX.length];
  const pool = pools[kind];
  const entry = pool[(i * 7919) % pool.length];
  const viaHeader = i % 4 === 3;
  const document = i % 10 === 0;
  const headers = document ? { 'sec-fetch-dest': 'document', accept: 'text/html' } : { 'sec-fetch-dest': 'empty', accept: '*/*' };
  if (viaHeader) headers.authorization = `Bearer ${entry.token}`;
  else headers.cookie = `__session=${entry.token}; __client_uat=${now - 10_000}; theme=dark; _ga=GA1.2.${i}`;
  return { kind, entry, viaHeader, document, request: new Request(`http://localhost:3000/dashboard?i=${i}`, { headers }) };
}

/** What the request must come out as: signed in as its user (valid), a handshake (an expired cookie on a document), or signed out. */
function check({ kind, entry, document }, out) {
  if (kind === 'valid') return out.kind === 'signed-in' && out.userId === entry.userId;
  if (kind === 'expired' && document) return out.kind === 'handshake';
  return out.kind === 'signed-out';
}

const counts = {};
const unexpected = [];
let errors = 0;

async function one(i) {
  const r = requestFor(i);
  let out;
  try {
    const auth = await getAuth({ request: r.request, context: { env } });
    out = auth.userId ? { kind: 'signed-in', userId: auth.userId } : { kind: 'signed-out', reason: auth.debug().reason };
  } catch (err) {
    if (err instanceof Response && err.status === 307) out = { kind: 'handshake' };
    else {
      errors += 1;
      out = { kind: 'error', error: String(err?.stack ?? err).slice(0, 300) };
    }
  }
  const key = `${r.kind}${r.document ? ' (document)' : ''} → ${out.kind}${out.reason ? ` ${out.reason}` : ''}`;
  counts[key] = (counts[key] ?? 0) + 1;
  if (!check(r, out)) {
    if (unexpected.length < 20) unexpected.push({ i, kind: r.kind, viaHeader: r.viaHeader, document: r.document, out });
    counts.unexpected = (counts.unexpected ?? 0) + 1;
  }
}

// Warm-up (JWKS fetched, code paths compiled), then the figures.
for (let i = 0; i < 2_000; i += 1) await one(i);
// The outcome counts start here; errors and unexpected outcomes of the warm-up still fail the run.
const warmupUnexpected = counts.unexpected ?? 0;
for (const k of Object.keys(counts)) delete counts[k];
if (warmupUnexpected) counts.unexpected = warmupUnexpected;
const start = memory();
show('start', start);
const jwksBefore = issuer.requests.filter((q) => q.path === '/v1/jwks').length;
const t0 = performance.now();
let next = 0;
const samples = [];
async function worker() {
  while (next < TOTAL) {
    const i = next;
    next += 1;
    await one(i);
    if (i > 0 && i % 100_000 === 0) samples.push({ i, rss: process.memoryUsage().rss });
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
const seconds = (performance.now() - t0) / 1000;
const end = memory();
show('end', end);
const jwksDuring = issuer.requests.filter((q) => q.path === '/v1/jwks').length - jwksBefore;

console.log(`\n${TOTAL.toLocaleString('en-US')} requests in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds).toLocaleString('en-US')} req/s)`);
console.log(`RSS every 100,000 requests (MB): ${samples.map((s) => mb(s.rss)).join(', ')}`);
console.log(`RSS start → end: ${mb(start.rss)} → ${mb(end.rss)} MB (${end.rss >= start.rss ? '+' : ''}${mb(end.rss - start.rss)} MB); ` +
  `heap used ${mb(start.heapUsed)} → ${mb(end.heapUsed)} MB`);
console.log(`JWKS requests during the soak: ${jwksDuring} (unknown kids: at most one per 30 s cooldown)`);
console.log('\noutcomes:');
for (const [k, v] of Object.entries(counts).sort()) console.log(`  ${String(v).padStart(9)}  ${k}`);
console.log(`\nerrors (anything thrown but the handshake): ${errors}`);
console.log(`unexpected outcomes: ${counts.unexpected ?? 0}`);
for (const u of unexpected) console.log('  ', JSON.stringify(u));
await issuer.close();
process.exit(errors || counts.unexpected ? 1 : 0);
