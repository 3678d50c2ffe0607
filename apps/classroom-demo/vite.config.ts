import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// Workspace packages resolve to their TypeScript sources. `pnpm start` builds this app and the
// Beckon server serves it; `vite` dev proxies the API to a server on 8787.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: {
    proxy: {
      '/dev': 'http://127.0.0.1:8787',
      '/groups': 'http://127.0.0.1:8787',
      '/history': 'http://127.0.0.1:8787',
      '/ws': { target: 'ws://127.0.0.1:8787', ws: true },
    },
  },
});
