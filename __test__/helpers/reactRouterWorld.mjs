// The React Router 7 world of the tests: `react-router` 7 and `@clerk/react-router` 3.6 are installed in the npm
// workspace ts/react-router (the root holds Remix 2's react-router 6). Our entry in dist/react-router finds them
// through a `node_modules` link made next to it (dist/ is rebuilt, so the link is made here, on use).
import { existsSync, lstatSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const workspace = fileURLToPath(new URL('../../ts/react-router/', import.meta.url));
const distEntry = fileURLToPath(new URL('../../dist/react-router/', import.meta.url));
const requireInWorld = createRequire(`${workspace}package.json`);

function linkWorld() {
  const link = `${distEntry}node_modules`;
  if (!existsSync(`${distEntry}server.mjs`)) throw new Error('dist/react-router is not built: npm run build:ts');
  try {
    lstatSync(link);
  } catch {
    symlinkSync(`${workspace}node_modules`, link, process.platform === 'win32' ? 'junction' : 'dir');
  }
}

/** A module of the React Router world (`react-router`, `@clerk/react-router/server`, `@clerk/backend/internal`, …). */
export const importFromWorld = (specifier) => import(pathToFileURL(requireInWorld.resolve(specifier)).href);

/** `clerk-remix-native/react-router/<entry>` from dist/. */
export async function importOurs(entry = 'server') {
  linkWorld();
  return import(pathToFileURL(`${distEntry}${entry}.mjs`).href);
}

/** `@clerk/react-router/<entry>`, the oracle. */
export const importClerk = (entry = 'server') => importFromWorld(`@clerk/react-router/${entry}`);
