import { reactRouter } from '@react-router/dev/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [reactRouter()],
  // The server build imports clerk-remix-native (and through it the native addon) from node_modules at run time;
  // a native `.node` file cannot be bundled.
  ssr: { external: ['clerk-remix-native'] },
});
