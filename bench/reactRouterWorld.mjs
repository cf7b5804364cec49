// The React Router 7 world for bench/ssr.mjs: this package's React Router entry (dist/react-router/server.mjs),
// `@clerk/react-router@3.6.24/server` and `react-router` 7, as the tests load them (__test__/helpers/
// reactRouterWorld.mjs: the npm workspace ts/react-router holds them, and a `node_modules` link next to
// dist/react-router lets our entry find them).

/** `{ ours, clerk, RouterContextProvider }`, or null (with a line saying why) when that world is not there. */
export async function reactRouterWorld() {
  try {
    const { importOurs, importClerk, importFromWorld } = await import('../__test__/helpers/reactRouterWorld.mjs');
    const ours = await importOurs('server');
    const clerk = await importClerk('server');
    const { RouterContextProvider } = await importFromWorld('react-router');
    return { ours, clerk, RouterContextProvider };
  } catch (error) {
    console.log(`(the React Router world is not available, its rows are left out: ${error.message.split('\n')[0]})`);
    return null;
  }
}
