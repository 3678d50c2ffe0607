import react from '@vitejs/plugin-react';
import { defaultClientConditions, type UserConfig } from 'vite';

const SERVER = '127.0.0.1:8787';

/**
 * The demos' Vite settings: workspace packages resolve to their TypeScript sources. `pnpm start`
 * builds the demos and the Beckon server serves them; `vite` dev proxies the server's API and
 * WebSocket to a server on 8787.
 */
export function demoConfig(): UserConfig {
  return {
    plugins: [react()],
    resolve: { conditions: ['source', ...defaultClientConditions] },
    // trtc-sdk-v5 (~1 MB) and @tencentcloud/chat (~700 kB) are chunks of their own, loaded only
    // when a TRTC room is joined or Tencent mode signs in.
    build: { chunkSizeWarningLimit: 1100 },
    server: {
      proxy: {
        ...Object.fromEntries(
          ['/dev', '/groups', '/history', '/trtc'].map((path) => [path, `http://${SERVER}`]),
        ),
        '/ws': { target: `ws://${SERVER}`, ws: true },
      },
    },
  };
}
