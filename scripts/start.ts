/**
 * `pnpm start`: builds the call demo, then runs the Beckon server on the embedded in-memory
 * store in dev mode and serves the demo from the same port. No Redis, no cloud account.
 * `--once` stops right after the server answers (a smoke check).
 */
import { join } from 'node:path';
import { createBeckonServer, trtcFromEnv } from '@beckon/server';
import { build } from 'vite';

const root = join(import.meta.dirname, '..', 'apps', 'call-demo');
console.log('Building the call demo…');
await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });

const port = Number(process.env.BECKON_PORT ?? 8787);
const trtc = trtcFromEnv();
const server = await createBeckonServer({
  ...(trtc ? { trtc } : {}),
  port,
  dev: true,
  staticDir: join(root, 'dist'),
  logLevel: process.env.BECKON_LOG_LEVEL ?? 'warn',
});
console.log(`\nBeckon call demo: ${server.url}${trtc ? ` (media: TRTC app ${trtc.sdkAppId})` : ''}`);
console.log('Open it in two browser windows, sign in with two names, and call one from the other.');
console.log('(Dev mode: anyone can mint a token. In-memory store: nothing is kept after Ctrl-C.)');

if (process.argv.includes('--once')) {
  const res = await fetch(`${server.url}/`);
  if (!res.ok) throw new Error(`the demo page answered ${res.status}`);
  await server.close();
} else {
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
