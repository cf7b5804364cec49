import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  // The server build imports clerk-remix-native (and through it the native addon) from node_modules at run time;
  // a native `.node` file cannot be bundled.
  ssr: { external: ['clerk-remix-native'] },
});
