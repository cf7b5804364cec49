// The Frontend API host that `ConnectClerk(App, { frontendApi })` names, made known to the server side of the same
// process. The 2022 guide hard-codes the host in app/root.tsx and gives the server only `CLERK_API_KEY`; root.tsx
// is evaluated on the server too (Remix imports every route module before it serves), so the server can learn the
// instance from it. Loaded by the client entry, so nothing here may need Node.
import { buildPublishableKey } from './publishableKeyFor';

interface Registry {
  /** Publishable key → the `frontendApi` values that gave it (for the error message). */
  keys: Map<string, string[]>;
}

// On the global object rather than in this module: a server may load the client entry through a bundler's module
// runner (Vite's dev server) and the server entry through Node, which gives two copies of this module.
const REGISTRY = Symbol.for('clerk-remix-native.connectClerk.frontendApi');

function registry(): Registry {
  const holder = globalThis as unknown as { [REGISTRY]?: Registry };
  return (holder[REGISTRY] ??= { keys: new Map() });
}

/** Called by `ConnectClerk` for its `frontendApi`; returns the publishable key the host stands for (`''` for none). */
export function connectFrontendApi(frontendApi: string): string {
  const publishableKey = buildPublishableKey(frontendApi);
  if (!publishableKey) return '';
  const { keys } = registry();
  const hosts = keys.get(publishableKey);
  if (!hosts) keys.set(publishableKey, [frontendApi]);
  else if (!hosts.includes(frontendApi)) hosts.push(frontendApi);
  return publishableKey;
}

/**
 * The publishable key of the one Frontend API host given to `ConnectClerk` in this process, `''` when none was.
 * The server's lowest-priority source of the instance (after the options and every environment variable).
 * @throws `Error` when `ConnectClerk` was given hosts of different instances: the server cannot tell which one a
 *   request belongs to.
 */
export function connectedPublishableKey(): string {
  const { keys } = registry();
  if (keys.size === 0) return '';
  if (keys.size === 1) return keys.keys().next().value as string;
  throw new Error(conflictingFrontendApis([...keys.values()].map((hosts) => hosts[0])));
}

function conflictingFrontendApis(hosts: string[]): string {
  const list = hosts.map((host) => `'${host}'`).join(', ');
  return `clerk-remix-native: ConnectClerk(App, { frontendApi }) was given ${hosts.length} different Frontend API hosts in this process (${list}), so the server cannot tell which Clerk instance a request belongs to. Give ConnectClerk one host, or set CLERK_PUBLISHABLE_KEY (or CLERK_FRONTEND_API) for the server. If you changed the host while a dev server was running, restart it.`;
}
