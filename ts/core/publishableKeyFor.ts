// Publishable keys from Frontend API hosts. Shared by the server (loadOptions), the testing entry and the client
// entry (ConnectClerk), so nothing here may need Node.
/** `pk_live_`/`pk_test_` + base64(`<frontendApi>$`): the publishable key of a Frontend API host. */
export function publishableKeyFor(frontendApi: string, instance: 'production' | 'development'): string {
  const prefix = instance === 'production' ? 'pk_live_' : 'pk_test_';
  // The client entry (ConnectClerk's frontendApi) runs this in browsers too, where there is no Buffer.
  const encoded =
    typeof Buffer !== 'undefined'
      ? Buffer.from(`${frontendApi}$`, 'utf8').toString('base64')
      : btoa(String.fromCharCode(...new TextEncoder().encode(`${frontendApi}$`)));
  return prefix + encoded;
}

/** Frontend API hosts of Clerk's legacy development instances (`clerk.*.lcl.dev`, …). */
export const LEGACY_DEV_INSTANCE_SUFFIXES = ['.lcl.dev', '.lclstage.dev', '.lclclerk.com'];
const FRONTEND_API_DEV_REGEX = /^(([a-z]+)-){2}([0-9]{1,2})\.clerk\.accounts([a-z.]*)(dev|com)$/i;

/**
 * A publishable key for a 2022-style frontend API host (`@clerk/shared`'s `buildPublishableKey`): `pk_test_` for
 * development hosts (`foo-bar-13.clerk.accounts.dev` and the legacy `clerk.*.lcl.dev`, `.lclstage.dev`,
 * `.lclclerk.com`), `pk_live_` otherwise, followed by base64 of `host$`.
 *
 * Leading/trailing whitespace, an `http(s)://` prefix and trailing slashes are removed first (the beta documented
 * a bare host, but a URL is an easy mistake); `''` gives `''`.
 */
export function buildPublishableKey(frontendApi: string): string {
  const host = frontendApi.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  if (!host) return '';
  const isDevKey =
    FRONTEND_API_DEV_REGEX.test(host) ||
    (host.startsWith('clerk.') && LEGACY_DEV_INSTANCE_SUFFIXES.some((s) => host.endsWith(s)));
  return publishableKeyFor(host, isDevKey ? 'development' : 'production');
}
