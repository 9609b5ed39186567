/**
 * Vite build of the workspace page. `node scripts/build-web.js` runs it; the service serves the
 * result (dist/web) at `/`. `npx vite --config web/vite.config.ts` serves the page for
 * development and forwards the API to STILLMOTION_URL (default http://127.0.0.1:8080).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const api = process.env.STILLMOTION_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: true },
      '/run_sse': { target: api, changeOrigin: true },
    },
  },
});
