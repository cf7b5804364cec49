// The comparison of the differential tests (ssr-differential, react-router-differential): two normalized results
// (helpers/oracle.mjs) → the paths where they differ, and the allowances (deliberate differences) that cover a path.
import { typeTag } from './oracle.mjs';

/** The JWKS request as the issuer records it. */
export const JWKS = 'GET /v1/jwks';

/** Header pairs → `{ name: [values…] }` (set-cookie values in order). */
export function headerMap(pairs = []) {
  const map = {};
  for (const [name, value] of pairs) (map[name] ??= []).push(value);
  return map;
}

/** Paths where `a` and `b` differ; object key ORDER counts (`<path>.@keys`). */
export function diff(a, b, path, out) {
  if (typeTag(a) !== typeTag(b)) {
    out.push(path);
    return;
  }
  if (Array.isArray(a)) {
    if (a.length !== b.length) out.push(path);
    else a.forEach((v, i) => diff(v, b[i], `${path}[${i}]`, out));
    return;
  }
  if (typeTag(a) === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join('\0') !== kb.join('\0')) {
      if ([...ka].sort().join('\0') === [...kb].sort().join('\0')) out.push(`${path}.@keys`);
    }
    for (const k of new Set([...ka, ...kb])) diff(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (a !== b) out.push(path);
}

/**
 * The compared view of a normalized result: everything except the JWKS fetch count, which depends on cache
 * history (Clerk's cache is process-wide and refetches on every unknown kid; ours is per key set with a cooldown:
 * J1, J2, J6) and is compared per scenario below where it is deterministic.
 */
export function view(r) {
  const { headers, bapi, ...rest } = r;
  // As a set: the resource loaders call the Backend API concurrently, so their order on the wire is not behaviour.
  return { ...rest, headers: headerMap(headers), bapi: bapi.filter((c) => c !== JWKS).sort() };
}

export function differences(clerk, ours) {
  const out = [];
  diff(view(clerk), view(ours), '', out);
  return out;
}

/** The allowances covering `path` (array indexes ignored: `headers.set-cookie[1]` is `headers.set-cookie`). */
export const allowedFor = (allowed, name, path) =>
  allowed.filter(
    (a) => (a.scenarios === '*' || a.scenarios.includes(name)) && a.paths.some((re) => re.test(path.replace(/\[\d+\]/g, ''))),
  );

/** The value at a diff path of a normalized result (for failure messages). */
export function pick(r, path) {
  let v = view(r);
  for (const part of path.replace(/\.@keys$/, '').split(/\.|\[(\d+)\]/).filter(Boolean)) {
    if (v === undefined || v === null) return v;
    v = v[part];
  }
  return path.endsWith('.@keys') && v && typeof v === 'object' ? Object.keys(v) : v;
}
