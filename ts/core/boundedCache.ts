/**
 * The value for `key` in `cache`, made with `make()` when absent; the `max` most recently used entries are kept
 * (a `Map` iterates in insertion order, so the first entry is the least recently used). A `make()` that throws
 * leaves the cache unchanged.
 */
export function remember<K, V>(cache: Map<K, V>, key: K, max: number, make: () => V): V {
  let value = cache.get(key);
  if (value !== undefined) {
    cache.delete(key);
  } else {
    value = make();
  }
  cache.set(key, value);
  if (cache.size > max) cache.delete(cache.keys().next().value as K);
  return value;
}
