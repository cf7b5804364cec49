// `npm run bench`: how fast is a full session-token verification through the addon, compared with the floor
// Node itself offers (`crypto.verify` with a KeyObject created once)?
//
// One process, one RS256-2048 token, interleaved rounds and medians: see bench/harness.mjs.
//
// Not a test: nothing is asserted about speed. It does crash when a contender stops verifying the token.
//
//   node bench/verify.mjs [--rounds N] [--ops N] [--warmup N] [--diag]
//   BENCH_QUICK=1 node bench/verify.mjs            (short run: 7 rounds of 300 ops)
//
// --diag adds contenders that explain where the time goes: tokens that fail at known stages (a short junk string,
// a full-length token with a fourth part refused by the split, a bad signature refused after the RSA verify),
// the raw addon given `nowMs`, a plain-JS synchronous verification, and @clerk/backend's own (async) verifyToken.

import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import crypto from 'node:crypto';
import { describeMachine, describeRounds, floorContender, fmt, fmtRatio, parseArgs, printTable, runInterleaved, summarize } from './harness.mjs';

const require = createRequire(import.meta.url);
const { NativeVerifier } = require('../index.js');
const { createTokenVerifier } = require('../dist/core/createTokenVerifier.js');

// ---------------------------------------------------------------------------------------------------- options
const opts = parseArgs(process.argv.slice(2), {
  rounds: 31,
  ops: 2000,
  flags: ['diag'],
  usage: 'node bench/verify.mjs [--rounds N] [--ops N] [--warmup N] [--diag]   (BENCH_QUICK=1 for a short run)',
});

// ---------------------------------------------------------------------------------------------------- the token
const b64url = (data) => Buffer.from(data).toString('base64url');

const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
const pem = publicKey.export({ type: 'spki', format: 'pem' });
const kid = 'ins_bench2048';
const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };

const nowS = Math.floor(Date.now() / 1000);
// Shaped like a Clerk session token (v2 claims); valid for a day so that a long run never crosses `exp`.
const header = { alg: 'RS256', kid, typ: 'JWT' };
const payload = {
  azp: 'http://localhost:3000',
  exp: nowS + 86_400,
  fva: [0, -1],
  iat: nowS - 10,
  iss: 'https://clerk.bench.example.com',
  nbf: nowS - 20,
  sid: 'sess_2pZbENCHbenchBENCHbench0001',
  sub: 'user_2pZbENCHbenchBENCHbench0001',
  v: 2,
  o: { id: 'org_2pZbENCHbenchBENCHbench0001', rol: 'admin', slg: 'bench' },
};
const signingInputText = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
const signingInput = Buffer.from(signingInputText);
const signature = crypto.sign('sha256', signingInput, privateKey);
const token = `${signingInputText}.${b64url(signature)}`;

// The floor: a KeyObject made once, the signature already decoded, nothing but the RSA verify.
const keyObject = crypto.createPublicKey(pem);

// ---------------------------------------------------------------------------------------------------- verifiers
// tokenCacheSize 0: every call verifies the signature (the same token again would otherwise be a cache hit).
const rawLocal = new NativeVerifier({ jwtKey: pem, tokenCacheSize: 0 });
const wrapper = createTokenVerifier({ jwtKey: pem, tokenCacheSize: 0 });
const cachedLocal = new NativeVerifier({ jwtKey: pem });

let jwksHits = 0;
const server = createServer((req, res) => {
  if (req.url === '/v1/jwks' && req.headers.authorization === 'Bearer sk_test_bench') {
    jwksHits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  } else {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const apiUrl = `http://127.0.0.1:${server.address().port}`;
// A long TTL so that a long run never needs a refetch in the middle of a timed loop.
const rawRemote = new NativeVerifier({ secretKey: 'sk_test_bench', apiUrl, jwksCacheTtlMs: 6 * 3600_000, tokenCacheSize: 0 });

// ---------------------------------------------------------------------------------------------------- sanity
function die(message, detail) {
  console.error(`bench/verify.mjs: ${message}`);
  if (detail !== undefined) console.error(detail);
  server.close();
  process.exit(1);
}

if (crypto.verify('sha256', signingInput, keyObject, signature) !== true) die('crypto.verify rejects the bench token');
{
  const out = rawLocal.verifySync(token);
  if (typeof out !== 'string') die('the raw addon (jwtKey) does not verify the bench token', out);
  if (JSON.parse(out).sub !== payload.sub) die('the raw addon returned other claims', out);
}
{
  const claims = wrapper.verifySync(token);
  if (!claims || claims.sub !== payload.sub) die('the JS wrapper does not verify the bench token', claims);
}
{
  const first = rawRemote.verifySync(token);
  if (first.needsFetch !== true) die('the remote verifier should need a fetch before its first verification', first);
  const fetched = await rawRemote.verify(token);
  if (typeof fetched !== 'string') die('the remote verifier (JWKS over 127.0.0.1) does not verify the bench token', fetched);
  const warm = rawRemote.verifySync(token);
  if (typeof warm !== 'string') die('the remote verifier is not answering from its warm cache', warm);
  if (jwksHits !== 1) die(`expected exactly one JWKS fetch, saw ${jwksHits}`);
}

// ---------------------------------------------------------------------------------------------------- contenders
// Each `run(n)` does n operations and returns how many succeeded; the sums are checked at the end, which both
// keeps the optimizer from dropping the work and proves that every timed call verified.
const contenders = [
  floorContender({ signingInput, publicKey: keyObject, signature }),
  {
    name: 'addon verifySync (jwtKey)',
    note: 'NativeVerifier({jwtKey}).verifySync(token): decode, RSA, claims',
    run(n) {
      let ok = 0;
      for (let i = 0; i < n; i++) if (typeof rawLocal.verifySync(token) === 'string') ok++;
      return ok;
    },
  },
  {
    name: 'wrapper verifySync (jwtKey)',
    note: 'createTokenVerifier({jwtKey}).verifySync(token), incl. JSON.parse',
    run(n) {
      let ok = 0;
      for (let i = 0; i < n; i++) if (wrapper.verifySync(token)?.sub !== undefined) ok++;
      return ok;
    },
  },
  {
    name: 'addon verifySync (JWKS, warm)',
    note: 'NativeVerifier({secretKey, apiUrl}) after one await verify()',
    run(n) {
      let ok = 0;
      for (let i = 0; i < n; i++) if (typeof rawRemote.verifySync(token) === 'string') ok++;
      return ok;
    },
  },
  {
    name: 'addon verifySync (cached token)',
    note: 'NativeVerifier({jwtKey}) with its token cache: lookup + claim checks, no RSA',
    run(n) {
      let ok = 0;
      for (let i = 0; i < n; i++) if (typeof cachedLocal.verifySync(token) === 'string') ok++;
      return ok;
    },
  },
];

if (opts.diag) {
  // Tokens that stop at known points of the pipeline, so that differences between rows are costs of stages.
  const shortMalformed = 'not-a-jwt';
  const longMalformed = `${token}.`; // full length, four parts: refused by the split, before any base64 or JSON
  const badSig = `${signingInputText}.${b64url(Buffer.from(signature).map((b, i) => (i === 0 ? b ^ 1 : b)))}`;
  const fixedNow = Date.now();
  const expectFail = (t, reason) => {
    const out = rawLocal.verifySync(t);
    if (out.ok !== false || out.reason !== reason) die(`a diagnostic token should fail as ${reason}`, out);
  };
  expectFail(shortMalformed, 'token-invalid');
  expectFail(longMalformed, 'token-invalid');
  expectFail(badSig, 'token-invalid-signature');
  if (typeof rawLocal.verifySync(token, fixedNow) !== 'string') die('the raw addon with nowMs does not verify the bench token');
  // What a careful synchronous pure-JS verifier costs (the same checks, in JS, on top of the floor).
  const jsVerify = (tok) => {
    const parts = tok.split('.');
    if (parts.length !== 3) return null;
    const h = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    if (h.alg !== 'RS256' || (h.typ !== undefined && h.typ !== 'JWT')) return null;
    const p = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const sig = Buffer.from(parts[2], 'base64url');
    const input = Buffer.from(tok.slice(0, parts[0].length + 1 + parts[1].length));
    if (!crypto.verify('sha256', input, keyObject, sig)) return null;
    const now = Date.now();
    if (typeof p.sub !== 'string' || typeof p.exp !== 'number' || p.exp * 1000 <= now - 5000) return null;
    if (typeof p.nbf === 'number' && p.nbf * 1000 > now + 5000) return null;
    if (typeof p.iat === 'number' && p.iat * 1000 > now + 5000) return null;
    return p;
  };
  if (jsVerify(token)?.sub !== payload.sub) die('the plain-JS diagnostic verifier rejects the bench token');
  const failing = (name, note, t) => ({
    name,
    note,
    expectOk: false,
    run(n) {
      let failed = 0;
      for (let i = 0; i < n; i++) if (rawLocal.verifySync(t).ok === false) failed++;
      return failed;
    },
  });
  // What the addon replaces: @clerk/backend's verifyToken (WebCrypto: importKey + subtle.verify, awaited per call).
  let clerkVerifyToken = null;
  try {
    ({ verifyToken: clerkVerifyToken } = require('@clerk/backend'));
  } catch {
    console.log('(diag: @clerk/backend is not installed; its row is left out)');
  }
  if (clerkVerifyToken) {
    // @clerk/backend 2.x resolves to the claims (and rejects on failure); 1.x resolved to { data, errors }.
    const claimsOfClerk = (r) => r?.data ?? r;
    const first = await clerkVerifyToken(token, { jwtKey: pem }).catch((e) => die('@clerk/backend verifyToken rejects the bench token', e));
    if (claimsOfClerk(first)?.sub !== payload.sub) die('@clerk/backend verifyToken rejects the bench token', first);
    contenders.push({
      name: 'diag: @clerk/backend verifyToken',
      note: 'await verifyToken(token, {jwtKey}) one at a time (async, WebCrypto)',
      async run(n) {
        let ok = 0;
        for (let i = 0; i < n; i++) if (claimsOfClerk(await clerkVerifyToken(token, { jwtKey: pem }))?.sub !== undefined) ok++;
        return ok;
      },
    });
  }
  contenders.push(
    failing('diag: addon, 9-byte junk', "verifySync('not-a-jwt'): napi call + error outcome", shortMalformed),
    failing('diag: addon, 4-part token', `verifySync(${longMalformed.length}-byte token + '.'): + token string copy`, longMalformed),
    failing('diag: addon, bad signature', 'decode + RSA verify + error outcome (no claims, no claims string)', badSig),
    {
      name: 'diag: addon verifySync(t, nowMs)',
      note: 'raw addon with a fixed clock (no SystemTime read)',
      run(n) {
        let ok = 0;
        for (let i = 0; i < n; i++) if (typeof rawLocal.verifySync(token, fixedNow) === 'string') ok++;
        return ok;
      },
    },
    {
      name: 'diag: plain-JS sync verify',
      note: 'split, base64url, JSON.parse x2, crypto.verify, exp/nbf/iat',
      run(n) {
        let ok = 0;
        for (let i = 0; i < n; i++) if (jsVerify(token) !== null) ok++;
        return ok;
      },
    },
  );
}

// ---------------------------------------------------------------------------------------------------- run
console.log(`clerk-remix-native bench: full RS256-2048 verification, ${token.length}-byte token`);
console.log(describeMachine());
console.log(describeRounds(opts));

let perOp;
try {
  ({ perOp } = await runInterleaved(contenders, opts));
} catch (err) {
  die(err.message);
}
server.close();
if (jwksHits !== 1) die(`the warm JWKS cache refetched during the run (${jwksHits} fetches)`);

// ---------------------------------------------------------------------------------------------------- report
const rows = summarize(perOp);
console.log('');
printTable(
  ['contender', 'median µs/op', 'p10 µs', 'p90 µs', 'ops/s', 'x crypto.verify (p10-p90)'],
  rows.map((r, i) => [contenders[i].name, fmt(r.median), fmt(r.p10), fmt(r.p90), String(Math.round(1e6 / r.median)), fmtRatio(r.floor)]),
);
console.log('');
for (const c of contenders) console.log(`  ${c.name}: ${c.note}`);
console.log('');

const TARGET = 0.8;
// Rows by position: 0 the floor, 1 the addon, 2 the wrapper, 3 the warm JWKS verifier, 4 the cached token.
const [floor, target, wrap, warmJwks, cachedToken] = rows;
console.log(
  `${target.floor.ratio <= TARGET ? 'PASS' : 'MISS'}: addon verifySync (jwtKey) = ${fmt(target.floor.ratio, 3)}x crypto.verify ` +
    `(median of per-round ratios; target <= ${TARGET}x; ${fmt(target.median)} vs ${fmt(floor.median)} µs/op)`,
);
console.log(
  `info: JS wrapper = ${fmt(wrap.floor.ratio, 3)}x crypto.verify (${wrap.floor.ratio <= TARGET ? 'also within' : 'not within'} ${TARGET}x); ` +
    `warm JWKS verifier = ${fmt(warmJwks.floor.ratio, 3)}x; cached token = ${fmt(cachedToken.floor.ratio, 3)}x; ${jwksHits} JWKS fetch for the whole run`,
);
