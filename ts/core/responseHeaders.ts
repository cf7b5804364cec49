import native = require('./native');

/**
 * Where Clerk's request-state headers meet a response (both entries' `rootAuthLoader`, the React Router middleware):
 * the headers are appended as Clerk appends them, except `Cache-Control`, which is set once by the addon's rule
 * (`crates/clerk-remix-core/src/cache_control.rs`): a response that carries `clerkState` or sets Clerk's cookies is
 * never kept by a shared cache (`private, no-store`, Clerk's own `no-store` kept, an app's own policy made private).
 *
 * @param headers the response's headers (changed in place)
 * @param state the request state's headers to append (`undefined`: none, e.g. the middleware appends them later)
 * @param carriesClerkState whether the response's body carries `clerkState`
 */
export function addClerkHeaders(headers: Headers, state: Headers | undefined, carriesClerkState: boolean): void {
  const own = headers.get('cache-control');
  let setsCookies = false;
  state?.forEach((value, name) => {
    // The state's Cache-Control (set with its cookies) is what the rule below gives for them.
    if (name === 'cache-control') return;
    if (name === 'set-cookie') setsCookies = true;
    headers.append(name, value);
  });
  const cacheControl = native.responseCacheControl(own, carriesClerkState, setsCookies);
  if (cacheControl !== null && cacheControl !== undefined) headers.set('cache-control', cacheControl);
}

/** Whether {@link addClerkHeaders} would change a response's headers (so that an immutable response is copied only then). */
export function needsClerkHeaders(state: Headers | undefined, carriesClerkState: boolean): boolean {
  if (carriesClerkState) return true;
  let any = false;
  state?.forEach(() => {
    any = true;
  });
  return any;
}
