// A consumer of the packed tarball needs no Rust toolchain: pack, install into a fresh directory with a PATH
// that has node and npm but no cargo/rustc, and use every entry of the installed package: verify tokens (a PEM key,
// and the testing entry's local issuer over 127.0.0.1), run one signed-in getAuth, and server-render the client
// entry's ConnectClerk with the root loader's clerkState (in Node, without a DOM).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the packed tarball installs and works without Rust', { timeout: 300_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'crn-pack-'));
  try {
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack produced a tarball');

    // A bin directory with only node, npm and sh: no cargo, no rustc.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh')); // npm runs dependencies' install scripts through sh
    const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\nexec "${process.execPath}" "${npmCli}" "$@"\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: bin, CARGO_HOME: join(work, 'no-cargo'), RUSTUP_HOME: join(work, 'no-rustup') };
    assert.throws(() => execFileSync('cargo', ['--version'], { env, stdio: 'pipe' }), 'cargo must not be reachable');

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    // A Remix app: the package's dependencies (@clerk/clerk-react, …) and the Remix peers the app already has
    // (optional peers, since a React Router app has none of them) come from the registry, from npm's cache when it
    // has them.
    const remix = ['@remix-run/react@^2', '@remix-run/server-runtime@^2'];
    execFileSync(join(bin, 'npm'), ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball), ...remix], { cwd: app, env, stdio: 'pipe' });

    const script = `
      const crypto = require('node:crypto');
      const { createTokenVerifier } = require('clerk-remix-native/ssr.server');
      const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const input = b64({ alg: 'RS256', kid: 'k', typ: 'JWT' }) + '.' + b64({ sub: 'user_pack', exp: Math.floor(Date.now() / 1000) + 60 });
      const token = input + '.' + crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url');
      const v = createTokenVerifier({ jwtKey: publicKey.export({ type: 'spki', format: 'pem' }) });
      const { createLocalIssuer } = require('clerk-remix-native/testing');
      (async () => {
        const issuer = await createLocalIssuer();
        try {
          const remote = createTokenVerifier({ secretKey: issuer.secretKey, apiUrl: issuer.apiUrl });
          const claims = await remote.verify(issuer.sessionToken({ userId: 'user_issuer' }));
          process.stdout.write(v.verifySync(token).sub + ',' + claims.sub);

          // ssr.server: one signed-in getAuth, and the root loader's clerkState.
          Object.assign(process.env, issuer.env());
          const { getAuth, rootAuthLoader } = require('clerk-remix-native/ssr.server');
          const session = issuer.sessionToken({ userId: 'user_getauth', sessionId: 'sess_getauth' });
          const request = new Request('http://localhost:3000/', { headers: { cookie: issuer.cookieHeader({ session }) } });
          const auth = await getAuth({ request, params: {}, context: {} });
          process.stdout.write(',' + auth.userId + '/' + auth.sessionId);
          const loaderData = await (await rootAuthLoader({ request, params: {}, context: {} })).json();

          // The client entry, in Node without a DOM: server-render ConnectClerk(App) in a data router.
          process.stdout.write(',' + require('node:path').relative(require('node:path').join(process.cwd(), 'node_modules'), require.resolve('clerk-remix-native')));
          const React = require('react');
          const { renderToString } = require('react-dom/server');
          const { createStaticHandler, createStaticRouter, StaticRouterProvider } = require('react-router-dom/server');
          const { ConnectClerk, useAuth } = require('clerk-remix-native');
          const App = () => React.createElement('p', null, 'user=' + useAuth().userId);
          const handler = createStaticHandler([{ id: 'root', path: '/', loader: () => loaderData, Component: ConnectClerk(App) }]);
          const context = await handler.query(new Request('http://localhost:3000/'));
          const router = createStaticRouter(handler.dataRoutes, context);
          const html = renderToString(React.createElement(StaticRouterProvider, { router, context, hydrate: false }));
          process.stdout.write(',' + /user=[a-z_]*/.exec(html)[0]);
        } finally {
          await issuer.close();
        }
      })();
    `;
    const out = execFileSync(join(bin, 'node'), ['-e', script], { cwd: app, env, encoding: 'utf8' });
    assert.equal(out, 'user_pack,user_issuer,user_getauth/sess_getauth,clerk-remix-native/dist/index.js,user=user_getauth');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("the addon's User-Agent names the package's version (Cargo.toml and package.json agree)", async () => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { version } = require('../package.json');
  assert.equal(require('../index.js').userAgent(), `clerk-remix-native/${version}`);
});
