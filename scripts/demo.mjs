// `npm run demo`: the example Remix app (examples/remix-app) on http://localhost:3000 (PORT overrides).
// `npm run demo:react-router` (`--react-router`): the React Router 7 example (examples/react-router-app) instead.
//
// With no CLERK_SECRET_KEY (neither in the environment nor in ./.env) it runs against a local Clerk issuer started
// in this process: no Clerk account, no network; "Sign in as demo user" signs you in. With real keys in .env
// (CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY) it talks to Clerk and /sign-in shows Clerk's <SignIn/>.
// Ctrl-C stops the app and the issuer.
import { existsSync, readFileSync } from 'node:fs';
import { createLocalIssuer } from '../dist/testing.js';
import { examples, localIssuerEnv, prepareExample, root, startExample } from './example.mjs';

/** KEY=VALUE lines of a .env file (comments, `export ` prefixes and surrounding quotes allowed). */
function readDotEnv(path) {
  if (!existsSync(path)) return {};
  const out = {};
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    out[m[1]] = value;
  }
  return out;
}

const example = process.argv.includes('--react-router') ? 'react-router-app' : 'remix-app';
const { server } = examples[example];
const port = Number(process.env.PORT || 3000);
const url = `http://localhost:${port}`;
const dotEnv = readDotEnv(`${root}.env`);
const secretKey = process.env.CLERK_SECRET_KEY || dotEnv.CLERK_SECRET_KEY;

const log = (line) => console.log(`\x1b[2m${line}\x1b[0m`);
console.log(`Preparing the example (pack this package, install it into examples/${example}, build with Vite)…`);
const timings = prepareExample({ example, log });
log(`prepared in ${JSON.stringify(timings)} s`);

let issuer;
let env;
if (secretKey) {
  env = { ...dotEnv };
  console.log('Using the Clerk keys from .env / the environment.');
} else {
  issuer = await createLocalIssuer({ authorizedParty: url });
  issuer.defineUser({ id: issuer.userId, first_name: 'Demo', last_name: 'User' });
  env = localIssuerEnv(issuer);
  console.log(`No CLERK_SECRET_KEY: using a local Clerk issuer on ${issuer.apiUrl} (demo user ${issuer.userId}).`);
}

let app;
try {
  app = await startExample({ example, port, env, echo: true });
} catch (err) {
  await issuer?.close();
  console.error(String(err?.message ?? err));
  process.exit(1);
}

let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  await app.stop();
  await issuer?.close();
  process.exit(code);
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
app.exited.then(({ code, signal }) => {
  if (!stopping) {
    console.error(`${server} stopped (${code ?? signal}).`);
    stop(1);
  }
});

console.log(`\n  The example app is running: ${url}\n  ${issuer ? 'Open /dashboard and sign in as the demo user.' : 'Sign in with your Clerk instance.'} Ctrl-C stops it.\n`);
