// Runs each cargo-fuzz target of fuzz/ for a given time (not part of CI; see docs/security.md "Fuzzing").
//   npm run fuzz                 60 s per target
//   npm run fuzz -- 600          600 s per target (or FUZZ_SECONDS=600)
//   FUZZ_TARGETS=token,jwks npm run fuzz -- 120
// Needs cargo-fuzz (`cargo install cargo-fuzz`). The stable toolchain is enough: RUSTC_BOOTSTRAP=1 lets it take the
// nightly-only sanitizer flags (AddressSanitizer by default). Each target's corpus lives in fuzz/corpus/<target>
// (seeded here on the first run with genuine material made by node:crypto); crashers land in fuzz/artifacts/<target>.
// Prints executions, corpus size and coverage per target; exits non-zero when a target found a crash.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fuzzDir = fileURLToPath(new URL('../fuzz/', import.meta.url));
const seconds = Number(process.argv[2] ?? process.env.FUZZ_SECONDS ?? 60);
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error(`fuzz: not a number of seconds: ${process.argv[2] ?? process.env.FUZZ_SECONDS}`);
  process.exit(2);
}
const ALL = ['cookies', 'token', 'jwks', 'request', 'handshake'];
const targets = (process.env.FUZZ_TARGETS ? process.env.FUZZ_TARGETS.split(',') : ALL).map((t) => t.trim());
for (const t of targets) if (!ALL.includes(t)) (console.error(`fuzz: unknown target ${t}`), process.exit(2));

const b64 = (x) => Buffer.from(x).toString('base64url');

/** Genuine-looking starting points, so the fuzzer does not have to discover JSON, base64url and JWKs by itself. */
function seeds() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { use: 'sig', kty: 'RSA', kid: 'ins_seed', alg: 'RS256', ...publicKey.export({ format: 'jwk' }) };
  const header = { alg: 'RS256', kid: 'ins_seed', typ: 'JWT' };
  const claims = { azp: 'https://a.example', aud: 'aud1', exp: 1700000060, iat: 1699999990, iss: 'https://clerk.example.test',
    nbf: 1699999980, sid: 'sess_1', sub: 'user_1' };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  const hs = (directives, ...fields) => [directives.join('\u0002'), ...fields].join('\u0001');
  const signedMode = (h, p) => Buffer.concat([Buffer.from([1]), Buffer.from(h), Buffer.from([0xff]), Buffer.from(p)]);
  return {
    cookies: [
      `__session=${token}; __client_uat=1699999990`,
      `__session_abcd1234=${token}; __client_uat_abcd1234=0; __client_uat=1; __session=x.y.z`,
      'a=1; b=%C3%A9; c="quoted"; d=%ZZ; e; =f; g=h=i;;  ; j =  k  ',
      '__clerk_db_jwt=dvb_1; __clerk_handshake=a.b.c; __clerk_redirect_count=2; __refresh_abcd1234=r',
    ],
    token: [
      Buffer.concat([Buffer.from([0]), Buffer.from(token)]),
      Buffer.concat([Buffer.from([0]), Buffer.from(`${b64('{"alg":"none"}')}.${b64(JSON.stringify(claims))}.`)]),
      signedMode(JSON.stringify(header), JSON.stringify(claims)),
      signedMode('{"alg":"RS384","kid":"k1"}', '{"sub":"user_1","exp":1e308,"nbf":"1","iat":-1,"aud":["aud1"],"azp":7}'),
      signedMode('{"alg":"RS512","crit":["b64"],"b64":false}', '{"sub":"u","sub":"v"}'),
    ],
    jwks: [
      JSON.stringify({ keys: [jwk] }),
      JSON.stringify({ keys: [jwk, { ...jwk, kid: 'ins_enc', use: 'enc' }, { ...jwk, kid: 'ins_ops', key_ops: ['encrypt'] },
        { ...jwk, kid: 'ins_seed' }, { kty: 'EC', kid: 'ec', crv: 'P-256', x: 'AA', y: 'AA' }, { ...jwk, kid: 'e1', e: 'AQ' }] }),
      '{"keys":[]}',
      JSON.stringify({ keys: [{ ...jwk, kid: 'ins_private', ...privateKey.export({ format: 'jwk' }) }] }),
      JSON.stringify({ keys: [{ ...jwk, key_ops: ['verify'] },
        { ...jwk, kid: 'ins_x5t', 'x5t#S256': 'AA', x5c: ['MIIB'] }, { ...jwk, kid: 'ins_alg', alg: 'PS256' },
        { ...jwk, kid: 'ins_n0', n: `AA${jwk.n}` }] }),
      // A private-key member anywhere refuses the whole set.
      JSON.stringify({ keys: [jwk, { ...jwk, kid: 'ins_k', k: 'AA' }] }),
    ],
    request: [
      `__session=TOKEN; __client_uat=1699999990\u0001\u0001dashboard?x=1\u0001document\u0001text/html\u0001https://evil.example/\u0001GET`,
      `__session=TOKEN\u0001Bearer TOKEN\u0001\u0001empty\u0001*/*`,
      `__client_uat=1; __clerk_handshake=TOKEN; __clerk_redirect_count=3\u0001\u0001?__clerk_db_jwt=dvb_1&__clerk_redirect_url=http://x/\u0001document`,
    ],
    // Fields: directives (U+0002 between them), extra handshake claims, Cookie, path and query, Host,
    // X-Forwarded-Host, X-Forwarded-Proto, Sec-Fetch-Dest. TOKEN: a genuine session token; HANDSHAKE: the handshake
    // token signed over the directives.
    handshake: [
      hs(['__session=TOKEN; Path=/; Secure; HttpOnly; SameSite=Lax',
        '__client_uat=1699999990; Path=/; Max-Age=315360000; SameSite=Lax',
        '__clerk_redirect_count=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT'],
      '"iat":1699999995', '__clerk_handshake=HANDSHAKE', 'dashboard', 'localhost:3000', '', '', 'document'),
      hs(['__session_abcd1234=TOKEN; Path=/; Domain=.example.test; Secure; SameSite=None; Partitioned',
        '__client_uat_abcd1234=1699999990; Path=/; Domain=example.test; Expires=Mon, 06 Dec 2032 10:00:00 GMT',
        '__clerk_db_jwt=dvb_1; Path=/; Max-Age=0', '__refresh_abcd1234=r; Path=/; HttpOnly'],
      '"iat":1699999800,"exp":1700000100', '__client_uat=1', '?__clerk_handshake=HANDSHAKE&x=1', 'internal:8080',
      'app.example.test, proxy.internal', 'https, http', 'document'),
      // Directives Clerk never writes, hosts and protocols no proxy should forward.
      hs(['session=x; Path=/', '__session; Path=/', '__session=v; Path=/app; Domain=com',
        '__session=v; Path=/; Max-Age=999999999', '__session=v;Path=/;path=/',
        '__session=v; Path=/; Domain=evil.example'],
      '"iat":1,"nbf":"x"', '__clerk_handshake=HANDSHAKE; __clerk_redirect_count=2', 'a/../b?c=%2e%2e#f',
      'user@evil.example/x', '[::1]:99999', 'javascript', 'iframe'),
      hs(['../..%2F\\x'], '', '', '//evil.example/', '', '127.0.0.1.:443', 'HTTPS', ''),
    ],
  };
}

function run(target) {
  const corpus = `${fuzzDir}corpus/${target}`;
  mkdirSync(corpus, { recursive: true });
  if (readdirSync(corpus).length === 0) {
    seeds()[target].forEach((s, i) => writeFileSync(`${corpus}/seed-${i}`, s));
  }
  const dict = `${fuzzDir}dict/${target}.dict`;
  const args = ['fuzz', 'run', target, `corpus/${target}`, '--',
    `-max_total_time=${seconds}`, '-timeout=10', '-print_final_stats=1', '-max_len=65536',
    ...(existsSync(dict) ? [`-dict=dict/${target}.dict`] : [])];
  console.log(`\n== ${target}: cargo ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn('cargo', args, { cwd: fuzzDir, env: { ...process.env, RUSTC_BOOTSTRAP: '1' } });
    let log = '';
    const keep = (chunk) => {
      log += chunk;
      if (log.length > 1 << 20) log = log.slice(-(1 << 19));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', (chunk) => {
      keep(chunk);
      // Progress: libFuzzer's pulse lines only.
      for (const line of String(chunk).split('\n')) if (/#\d+\s+(pulse|DONE)|ERROR|panicked|SUMMARY/.test(line)) console.log(`  ${line}`);
    });
    child.on('close', (code) => {
      const stat = (name) => (log.match(new RegExp(`stat::${name}:\\s+(\\d+)`)) || [])[1];
      const cov = (log.match(/cov: (\d+) ft: (\d+) corp: (\d+)/g) || []).pop();
      const crash = (log.match(/Test unit written to (\S+)/) || [])[1];
      resolve({ target, code, execs: stat('number_of_executed_units'), perSec: stat('average_exec_per_sec'),
        rssMb: stat('peak_rss_mb'), cov, crash, tail: code === 0 ? '' : log.slice(-4000) });
    });
  });
}

const results = [];
for (const t of targets) results.push(await run(t));
console.log('\ntarget    seconds  executions  exec/s  peak RSS MB  coverage             result');
for (const r of results) {
  console.log(`${r.target.padEnd(9)} ${String(seconds).padStart(7)}  ${String(r.execs ?? '?').padStart(10)}  ` +
    `${String(r.perSec ?? '?').padStart(6)}  ${String(r.rssMb ?? '?').padStart(11)}  ${(r.cov ?? '').padEnd(20)} ` +
    (r.code === 0 ? 'no crash' : `FAILED (exit ${r.code})${r.crash ? `: ${r.crash}` : ''}`));
}
const failed = results.filter((r) => r.code !== 0);
for (const r of failed) console.error(`\n--- ${r.target} ---\n${r.tail}`);
process.exit(failed.length ? 1 : 0);
