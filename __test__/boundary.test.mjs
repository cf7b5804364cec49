// No crash across the JS/Rust boundary: whatever a loader is handed — a Request without headers, with non-ASCII
// header values, a 64 KiB Cookie header, thousands of cookies, request-like objects that are not Requests, or no
// request at all — getAuth and rootAuthLoader give a clear result: an auth object / a Response, a thrown 307
// handshake Response, or a thrown Error with a message. Never a crash, a hang, or a throw of anything else.
// (A Rust panic becoming a JS error is __test__/panic.test.mjs.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { withCapturedConsole } from './helpers/oracle.mjs';
import { createLocalIssuer, getAuth, rootAuthLoader } from './helpers/requests.mjs';

let issuer;
let token;
let signedIn; // the Cookie header of a signed-in browser

before(async () => {
  issuer = await createLocalIssuer();
  token = issuer.sessionToken();
  signedIn = issuer.cookieHeader({ session: token });
  // Warm the JWKS cache so that most of these run on the synchronous path.
  const auth = await getAuth({ request: new Request('http://localhost/', { headers: { cookie: signedIn } }), context: { env: issuer.env() } });
  assert.ok(auth.userId);
});
after(async () => {
  await issuer.close();
});

/**
 * Runs both loaders on `args` and classifies each outcome. A loader must settle (the test runner's timeout would
 * catch a hang), and whatever it throws must be an Error with a message or a 3xx Response.
 */
async function both(args, options) {
  const out = {};
  for (const [name, run] of [['getAuth', () => getAuth(args, options)], ['rootAuthLoader', () => rootAuthLoader(args, options)]]) {
    try {
      const value = await run();
      if (name === 'getAuth') {
        assert.equal(typeof value, 'object');
        out[name] = { kind: value.userId ? 'signed-in' : 'signed-out', reason: value.userId ? null : value.debug().reason, value };
      } else {
        assert.ok(value instanceof Response, 'rootAuthLoader resolves a Response');
        const body = await value.json();
        out[name] = { kind: body.clerkState.__internal_clerk_state.__clerk_ssr_state.userId ? 'signed-in' : 'signed-out',
          reason: value.headers.get('x-clerk-auth-reason'), value };
      }
    } catch (err) {
      if (err instanceof Response) {
        assert.equal(err.status, 307, `${name}: a thrown Response is the handshake`);
        out[name] = { kind: 'handshake', location: err.headers.get('location') };
      } else {
        assert.ok(err instanceof Error, `${name} threw a non-Error: ${String(err)}`);
        assert.equal(typeof err.message, 'string');
        assert.ok(err.message.length > 0, `${name} threw an Error without a message: ${err.stack}`);
        out[name] = { kind: 'error', error: err };
      }
    }
  }
  return out;
}

const env = () => issuer.env();
const withRequest = (request) => both({ request, context: { env: env() }, params: {} });
const same = (out, kind, reason, label) => {
  for (const name of ['getAuth', 'rootAuthLoader']) {
    const where = label === undefined ? name : `${label}: ${name}`;
    assert.equal(out[name].kind, kind, `${where}: ${out[name].kind} ${out[name].error?.stack ?? ''}`);
    if (reason !== undefined) assert.equal(out[name].reason, reason, where);
  }
};
/** Each `[label, headers, kind, reason]`: both loaders, on a request to http://localhost:3000/ with `headers`, give `kind` (and `reason`). */
const sameForEach = async (cases) => {
  for (const [label, headers, kind, reason] of cases) {
    same(await withRequest(new Request('http://localhost:3000/', { headers })), kind, reason, label);
  }
};

describe('Requests', () => {
  test('no headers at all → signed out, session-token-and-uat-missing', async () => {
    same(await withRequest(new Request('http://localhost:3000/')), 'signed-out', 'session-token-and-uat-missing');
  });

  test('Latin-1 (non-ASCII) bytes in every header the decision reads → a clear result; the signed-in cookie still signs in', async () => {
    const latin1 = 'caf\u00e9 \u00ff\u00fe \u00a0';
    const headers = {
      cookie: `${signedIn}; x=${latin1}; ${latin1}=${latin1}`,
      origin: `http://\u00e9.example`,
      referer: `http://\u00e9.example/\u00ff`,
      'sec-fetch-dest': `docum\u00e9nt`,
      accept: `text/\u00e9`,
      'user-agent': latin1,
    };
    same(await withRequest(new Request('http://localhost:3000/', { headers })), 'signed-in');
    // In the headers the request URL is rebuilt from, they make no URL: the TypeError Clerk's `new URL` throws too.
    for (const forwarding of [{ host: 'h\u00f6st.example:3000' }, { 'x-forwarded-host': '\u00e9vil.example, other' },
      { 'x-forwarded-proto': 'htt\u00e9ps' }]) {
      const out = await withRequest(new Request('http://localhost:3000/', { headers: { ...headers, ...forwarding } }));
      for (const r of Object.values(out)) {
        if (r.kind === 'error') assert.ok(r.error instanceof TypeError && /Invalid URL/.test(r.error.message), r.error.stack);
        else assert.equal(r.kind, 'signed-in', JSON.stringify(forwarding));
      }
    }
    await sameForEach([
      // The same non-ASCII in the session cookie itself → signed out, token-invalid.
      ['non-ASCII in the session cookie', { cookie: `__session=${token}\u00e9; __client_uat=1` }, 'signed-out', 'token-invalid'],
      // And in the Authorization header.
      ['non-ASCII in the Authorization header', { authorization: `Bearer \u00e9${token}` }, 'signed-out', 'token-invalid'],
    ]);
  });

  test('a 64 KiB Cookie header: one huge __session → token-invalid; huge other cookies around a good session → signed in', async () => {
    const huge = 'A'.repeat(64 * 1024);
    await sameForEach([
      ['one huge __session', { cookie: `__session=${huge}; __client_uat=1` }, 'signed-out', 'token-invalid'],
      ['a huge three-part __session', { cookie: `__session=${huge}.${huge}.${huge}; __client_uat=1` }, 'signed-out', 'token-invalid'],
      ['huge cookies around a good session', { cookie: `big=${huge}; ${signedIn}; more=${huge}` }, 'signed-in'],
      // 64 KiB of percent escapes (@clerk/backend 2.x's pre-decoding walked the whole header) and of separators.
      ['64 KiB of percent escapes', { cookie: `${signedIn}; x=${'%C3%A9'.repeat(11_000)}` }, 'signed-in'],
      ['64 KiB of separators', { cookie: `${';'.repeat(32 * 1024)}${'='.repeat(32 * 1024)}` }, 'signed-out', 'session-token-and-uat-missing'],
      // A 64 KiB Authorization header.
      ['a 64 KiB Authorization header', { authorization: `Bearer ${huge}` }, 'signed-out', 'token-invalid'],
    ]);
  });

  test('thousands of cookies (10,000 before the session, 10,000 after) → signed in; a later duplicate __session is ignored', async () => {
    const many = (from, n) => Array.from({ length: n }, (_, i) => `c${from + i}=${i}`).join('; ');
    const dup = Array.from({ length: 20_000 }, () => '__session=x').join('; ');
    await sameForEach([
      ['10,000 cookies either side of the session', { cookie: `${many(0, 10_000)}; ${signedIn}; __session=forged.token.here; ${many(10_000, 10_000)}` }, 'signed-in'],
      // 20,000 cookies named __session: the first (a bad one) wins.
      ['20,000 cookies named __session', { cookie: `${dup}; ${signedIn}` }, 'signed-out', 'token-invalid'],
    ]);
  });

  test('odd URLs, methods and forwarding headers → a clear result', async () => {
    const urls = ['http://localhost:3000/' + 'a'.repeat(64 * 1024), 'http://localhost:3000/?__clerk_handshake=x.y.z',
      'http://localhost:3000/?__clerk_redirect_url=javascript:alert(1)', 'http://[::1]:3000/%E9%ZZ', 'http://xn--nxasmq6b.example/'];
    // A bad __clerk_handshake token makes Clerk log "unable to resolve handshake" (and fall through): kept quiet here.
    const { logs } = await withCapturedConsole(async () => {
      for (const url of urls) {
        for (const method of ['GET', 'POST', 'PATCH', 'OPTIONS']) {
          const out = await withRequest(new Request(url, { method, headers: { cookie: signedIn, 'x-forwarded-host': 'a, b', 'x-forwarded-proto': 'ftp' } }));
          assert.ok(out.getAuth.kind && out.rootAuthLoader.kind);
        }
      }
    });
    assert.ok(logs.every((l) => l.text.startsWith('Clerk: unable to resolve handshake:')), logs.map((l) => `${l.level}: ${l.text}`).join('\n'));
  });
});

describe('request-like objects and missing arguments', () => {
  test('plain objects with a url and header maps of every shape → a clear result', async () => {
    const plain = [
      { url: 'http://localhost:3000/', headers: {} },
      { url: 'http://localhost:3000/', headers: { cookie: signedIn } },
      { url: 'http://localhost:3000/', headers: [['cookie', signedIn]] },
      { url: 'http://localhost:3000/', headers: new Map([['cookie', signedIn]]) },
      { url: 'http://localhost:3000/', headers: undefined },
      { url: 'http://localhost:3000/', headers: null },
      { url: 'http://localhost:3000/' },
      // A headers object whose values Headers would refuse: non-Latin-1 text, NUL, CR/LF.
      { url: 'http://localhost:3000/', headers: { get: (n) => (n === 'cookie' ? `${signedIn}; x=\u65e5\u672c\u0000\r\n` : null), forEach() {} } },
      { url: 'http://localhost:3000/', headers: { get: (n) => (n === 'cookie' ? `__session=\u65e5\u672c.a.b; __client_uat=1` : null), forEach() {} } },
      { url: 'http://localhost:3000/', headers: { get: (n) => (n === 'authorization' ? `Bearer ${'\u65e5'.repeat(20_000)}` : null), forEach() {} } },
      { url: 'http://localhost:3000/', headers: { get: () => 42, forEach() {} } },
      { url: 'not a url', headers: {} },
      { url: '', headers: {} },
      { url: 'http://localhost:3000/', method: 42, headers: {} },
    ];
    for (const request of plain) {
      const out = await both({ request, context: { env: env() }, params: {} });
      assert.ok(out.getAuth.kind && out.rootAuthLoader.kind, JSON.stringify(out));
    }
    // The Latin-1-free session cookie is refused, never signed in.
    const nonLatin = await both({ request: plain[8], context: { env: env() }, params: {} });
    same(nonLatin, 'signed-out', 'token-invalid');
  });

  test('a headers object that throws → that Error, nothing else', async () => {
    const request = { url: 'http://localhost:3000/', headers: { get() { throw new Error('boom'); }, forEach() {} } };
    const out = await both({ request, context: { env: env() }, params: {} });
    for (const r of Object.values(out)) {
      assert.equal(r.kind, 'error');
      assert.equal(r.error.message, 'boom');
    }
  });

  test('no arguments, null, a number, an object without request → an Error with a message', async () => {
    for (const args of [undefined, null, 42, 'request', {}, { request: undefined, context: {} }, { request: {}, context: {} }, { request: null, context: {} }]) {
      const out = await both(args, { secretKey: issuer.secretKey, publishableKey: issuer.publishableKey });
      for (const [name, r] of Object.entries(out)) assert.equal(r.kind, 'error', `${name}(${JSON.stringify(args)}): ${r.kind}`);
    }
  });
});
