// The runner of the React Router differential test: one scenario of scenarios.mjs through `@clerk/react-router@3.6`
// (the oracle) or ours, inside the same world as oracle.mjs's `withScenario` (issuer, env, frozen clock, console
// captured, calls serialized), the way React Router runs it: `clerkMiddleware()` with a fresh
// `RouterContextProvider`, whose `next()` runs the loader; or, for ours only, the loader alone without middleware.
import { normalizeAuth, normalizeError, normalizeResponse, withScenario } from './oracle.mjs';
import { importFromWorld } from './reactRouterWorld.mjs';

export const RR_MODES = Object.freeze(['middleware+rootAuthLoader', 'middleware+rootAuthLoaderCallback', 'middleware+getAuth']);
/** Ours only: the same loaders without the middleware. */
export const RR_NO_MIDDLEWARE_MODES = Object.freeze(['rootAuthLoader', 'rootAuthLoaderCallback', 'getAuth']);

const { RouterContextProvider } = await importFromWorld('react-router');

/** What the callback of `rootAuthLoader` saw, and a small object it returns. */
function makeCallback(seen) {
  return (args) => {
    seen.argKeys = Object.keys(args).sort();
    seen.requestAuthUserId = args.request.auth ? args.request.auth.userId ?? null : undefined;
    seen.requestAuthKeys = args.request.auth ? Object.keys(args.request.auth) : null;
    return { fromCallback: true };
  };
}

/** The loader's value as a response body: a plain object as JSON, a Response as is. */
const asResponse = (value) => (value instanceof Response ? value : Response.json(value));

async function runLoader(impl, mode, args, scenarioOptions, result) {
  const loader = mode.replace('middleware+', '');
  if (loader === 'rootAuthLoader') return asResponse(await impl.rootAuthLoader(args, scenarioOptions));
  if (loader === 'rootAuthLoaderCallback') {
    const seen = {};
    const value = await impl.rootAuthLoader(args, makeCallback(seen), scenarioOptions);
    result.callback = seen;
    return asResponse(value);
  }
  const auth = await impl.getAuth(args, scenarioOptions);
  Object.assign(result, await normalizeAuth(auth));
  return new Response(null, { status: 204 });
}

/**
 * Runs one mode of one scenario with `impl` (a `/server` module). Resolves a normalized result as oracle.mjs's:
 * `{ mode, kind, status, headers, body, auth…, callback, error, logs, bapi, bapiUserAgents }`, where the response is
 * what the middleware returned (or, without middleware, the loader's).
 */
export async function runReactRouterMode(scenario, mode, { issuer, impl }) {
  const { value, logs, bapi, bapiUserAgents } = await withScenario(scenario, { issuer, impl }, async (api, args, built) => {
    const result = { mode };
    const withMiddleware = mode.startsWith('middleware+');
    const context = withMiddleware ? new RouterContextProvider() : {};
    const loaderArgs = { request: args.request, params: {}, context };
    try {
      let response;
      if (withMiddleware) {
        response = await api.clerkMiddleware(built.options)(loaderArgs, () => runLoader(api, mode, loaderArgs, built.options, result));
      } else {
        response = await runLoader(api, mode, loaderArgs, built.options, result);
      }
      const { kind: _kind, ...normalized } = await normalizeResponse('response', response);
      Object.assign(result, { kind: result.auth !== undefined ? 'auth' : 'response' }, normalized);
    } catch (thrown) {
      if (thrown instanceof Response) Object.assign(result, await normalizeResponse('thrown-response', thrown));
      else Object.assign(result, { kind: 'thrown-error', error: normalizeError(thrown) });
    }
    return result;
  });
  return JSON.parse(JSON.stringify({ ...value, logs, bapi, bapiUserAgents }));
}
