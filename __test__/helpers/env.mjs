// Setting process.env for a test and putting it back exactly as it was (variables that were unset are unset again).

/**
 * Sets the variables of `vars` (a value of `null`/`undefined` unsets that variable; others become strings) and
 * returns a function restoring every one of them. With `only: prefix`, every other variable whose name starts with
 * `prefix` is unset as well, and restoring also removes any `prefix` variable added in the meantime.
 */
export function setEnv(vars, { only } = {}) {
  const owned = (name) => Object.hasOwn(vars, name) || (only !== undefined && name.startsWith(only));
  const saved = Object.fromEntries(Object.keys(process.env).filter(owned).map((k) => [k, process.env[k]]));
  const clear = () => {
    for (const k of Object.keys(process.env)) if (owned(k)) delete process.env[k];
  };
  clear();
  for (const [k, v] of Object.entries(vars)) if (v !== undefined && v !== null) process.env[k] = String(v);
  return () => {
    clear();
    Object.assign(process.env, saved);
  };
}

/**
 * Runs `fn` with `setEnv(vars, options)` in force and restores the environment when it returns, throws, or — when
 * it returns a promise — once that promise settles. Returns what `fn` returns.
 */
export function withEnv(vars, fn, options) {
  const restore = setEnv(vars, options);
  let result;
  try {
    result = fn();
  } catch (err) {
    restore();
    throw err;
  }
  if (typeof result?.then === 'function') return Promise.resolve(result).finally(restore);
  restore();
  return result;
}
