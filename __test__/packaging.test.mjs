// A consumer of the packed tarball needs no Rust toolchain: pack, install into a fresh directory with a PATH
// that has node and npm but no cargo/rustc, and verify tokens through the installed package (a PEM key, and the
// testing entry's local issuer over 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the packed tarball installs and verifies without Rust', { timeout: 180_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'crn-pack-'));
  try {
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack produced a tarball');

    // A bin directory with only node and npm: no cargo, no rustc.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\nexec "${process.execPath}" "${npmCli}" "$@"\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: bin, CARGO_HOME: join(work, 'no-cargo'), RUSTUP_HOME: join(work, 'no-rustup') };
    assert.throws(() => execFileSync('cargo', ['--version'], { env, stdio: 'pipe' }), 'cargo must not be reachable');

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync(join(bin, 'npm'), ['install', '--no-audit', '--no-fund', '--offline', join(work, tarball)], { cwd: app, env, stdio: 'pipe' });

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
        } finally {
          await issuer.close();
        }
      })();
    `;
    const out = execFileSync(join(bin, 'node'), ['-e', script], { cwd: app, env, encoding: 'utf8' });
    assert.equal(out, 'user_pack,user_issuer');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
