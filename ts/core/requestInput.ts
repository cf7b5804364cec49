import type { RequestLike } from './loadOptions';

type RequestInput = import('../../index').RequestInput;

/** A request's headers as a `Headers` (a `Headers`-like object is used as it is; anything else is converted). */
export function headersOf(request: RequestLike): Headers {
  const headers = request.headers;
  if (headers instanceof Headers) return headers;
  if (headers && typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function') {
    return headers as Headers;
  }
  return new Headers((headers as HeadersInit | undefined) ?? undefined);
}

/**
 * The request as the addon reads it: URL, method and only the headers the decision looks at (empty = absent, except
 * the forwarded host and protocol). Read once per `rootAuthLoader` / `getAuth` call, for option resolution and the
 * decision alike.
 */
export function requestInputOf(request: RequestLike & { method?: string }): RequestInput {
  const headers = headersOf(request);
  const get = (name: string): string | undefined => headers.get(name) || undefined;
  // Clerk's clerkUrl takes an empty forwarded header as given (`'' ?? host` is `''`: the request's own origin).
  const getKeepingEmpty = (name: string): string | undefined => headers.get(name) ?? undefined;
  return {
    url: request.url,
    method: request.method || 'GET',
    cookie: get('cookie'),
    authorization: get('authorization'),
    host: get('host'),
    forwardedHost: getKeepingEmpty('x-forwarded-host'),
    forwardedProto: getKeepingEmpty('x-forwarded-proto'),
    origin: get('origin'),
    referer: get('referer'),
    secFetchDest: get('sec-fetch-dest'),
    accept: get('accept'),
  };
}
