/**
 * Child process of bench/abuse.ts: a server with its default limits, alone in its process so
 * its memory can be read. It samples its RSS every 5 ms and keeps the peak.
 *
 * stdout, one JSON object per line: `{"port":N}` at start, then one answer per stdin line:
 * - `reset`: collects garbage (needs `--expose-gc`), starts a new peak, answers `{"rss":N}`;
 * - `peak`: answers `{"peak":N}`, the highest RSS since the last reset.
 */
import { createInterface } from 'node:readline';
import { createBeckonServer } from '@beckon/server';

const secret = process.env.BECKON_BENCH_SECRET;
if (!secret) throw new Error('abuse-server: BECKON_BENCH_SECRET is not set');
const server = await createBeckonServer({ port: 0, host: '127.0.0.1', secret, logLevel: 'silent' });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);

let peak = process.memoryUsage.rss();
setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 5).unref();

const gc = (globalThis as { gc?: () => void }).gc;
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = line.trim();
  if (command === 'reset') {
    for (let i = 0; i < 3; i++) gc?.();
    peak = process.memoryUsage.rss();
    process.stdout.write(`${JSON.stringify({ rss: peak })}\n`);
  } else if (command === 'peak') {
    peak = Math.max(peak, process.memoryUsage.rss());
    process.stdout.write(`${JSON.stringify({ peak })}\n`);
  }
});
lines.on('close', () => void server.close().then(() => process.exit(0)));
