/** Helpers shared by the benchmarks (not a benchmark itself: scripts/bench.ts runs bench/*.ts only). */
import { createToken } from '@beckon/server';
import { SignalingClient, type WebSocketConstructor, WebSocketTransport } from '@beckon/signaling';
import { WebSocket } from 'ws';

export const SECRET = 'bench-secret-0123456789abcdef0123456789';
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';

/** A client of the server at `url`, resolved once its first snapshot has arrived. */
export async function connectClient(
  url: string,
  userID: string,
  Ctor: WebSocketConstructor = NodeWebSocket,
): Promise<SignalingClient> {
  const token = await createToken({ secret: SECRET, userID });
  const transport = new WebSocketTransport({ url, token, WebSocket: Ctor, requestTimeoutMs: 60_000 });
  const client = new SignalingClient({ transport });
  const ready = new Promise<void>((resolve, reject) => {
    // The snapshot that follows hello raises onViewChange: the session is fully live.
    const off = client.on('onViewChange', () => {
      off();
      resolve();
    });
    client.on('onConnectionChange', ({ state, error }) => {
      if (state === 'closed') reject(new Error(`${userID} closed: ${error?.message ?? 'no reason'}`));
    });
  });
  client.connect();
  await withTimeout(ready, 10_000, `${userID} to connect`);
  return client;
}
