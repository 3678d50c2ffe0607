/**
 * Child process of bench/server.ts (memory per idle connection): a server alone in its process,
 * so the benchmark's client sockets do not pollute its memory figures.
 *
 * BENCH_IDLE_MODE=beckon (default) starts createBeckonServer with BECKON_BENCH_SECRET;
 * BENCH_IDLE_MODE=raw starts a plain `ws` server with the same `/healthz` shape, as the baseline.
 *
 * Protocol on stdio, one JSON object per line on stdout:
 * - at start: `{"port":N,"fdLimit":"..."}`;
 * - stdin line `mem`: runs the collector (needs `--expose-gc`), then answers
 *   `{"mem":process.memoryUsage(),"connections":N}`;
 * - stdin line `quit` (or stdin closing): closes the server and exits.
 */
import { execSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { createBeckonServer } from '@beckon/server';
import { WebSocketServer } from 'ws';

interface Running {
  readonly port: number;
  connections(): number;
  close(): Promise<void>;
}

async function startBeckon(): Promise<Running> {
  const secret = process.env.BECKON_BENCH_SECRET;
  if (!secret) throw new Error('idle-server: BECKON_BENCH_SECRET is not set');
  const server = await createBeckonServer({ port: 0, host: '127.0.0.1', secret, logLevel: 'silent' });
  return { port: server.port, connections: () => server.metrics.connections, close: () => server.close() };
}

async function startRaw(): Promise<Running> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('error', () => {}));
  http.on('request', (req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, connections: wss.clients.size }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (http.address() as AddressInfo).port,
    connections: () => wss.clients.size,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      http.closeAllConnections();
      await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
    },
  };
}

const server = process.env.BENCH_IDLE_MODE === 'raw' ? await startRaw() : await startBeckon();
const fdLimit = execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim();
process.stdout.write(`${JSON.stringify({ port: server.port, fdLimit })}\n`);

const gc = (globalThis as { gc?: () => void }).gc;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = line.trim();
  if (command === 'mem') {
    if (gc === undefined) throw new Error('idle-server: run node with --expose-gc');
    // A few passes: the first can leave work for weak callbacks and finalizers.
    for (let i = 0; i < 3; i++) gc();
    process.stdout.write(
      `${JSON.stringify({ mem: process.memoryUsage(), connections: server.connections() })}\n`,
    );
  } else if (command === 'quit') {
    void stop();
  }
});
lines.on('close', () => void stop());
