import {
  type BeckonServer,
  createBeckonServer,
  createToken,
  type MemoryStore,
  type RedisStore,
} from '@beckon/server';
import {
  type ManualClock,
  SignalingClient,
  type WebSocketConstructor,
  WebSocketTransport,
} from '@beckon/signaling';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import { DEVICE_USERS, type World, waitFor } from './property.js';

const SECRET = 'model-test-secret-0123456789abcdef';

/** Servers on one store each (or one shared Redis), started once for a whole property test. */
export async function startServers(stores: ReadonlyArray<MemoryStore | RedisStore>): Promise<BeckonServer[]> {
  const servers: BeckonServer[] = [];
  for (const store of stores)
    servers.push(await createBeckonServer({ port: 0, secret: SECRET, logLevel: 'silent', store }));
  return servers;
}

/** `ws` that records the sequence numbers of the event frames it receives, and can be cut. */
function trackedSockets() {
  const sockets: WebSocket[] = [];
  const seqs: number[] = [];
  class Tracked extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
      this.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { t: string; seq?: number };
        if (frame.t === 'ev' && typeof frame.seq === 'number') seqs.push(frame.seq);
      });
    }
  }
  return {
    WebSocket: Tracked as unknown as WebSocketConstructor,
    seqs,
    /** Cuts the current socket without a close frame, as a network failure would. */
    drop: () => sockets.at(-1)?.terminate(),
  };
}

async function api(server: BeckonServer, path: string, token: string, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { groupID: string; code: string };
}

/**
 * Four fresh users with six devices over real WebSockets, spread over the servers (device i
 * starts on server i % n); a dropped device reconnects by itself to the next server and resumes.
 */
export async function serverWorld(
  servers: readonly BeckonServer[],
  run: number,
  clock?: ManualClock,
): Promise<World> {
  const users = [0, 1, 2, 3].map((i) => `r${run}-u${i}`);
  const tokens = await Promise.all(users.map((userID) => createToken({ secret: SECRET, userID })));
  const at = DEVICE_USERS.map((_, i) => i % servers.length);
  const tracked = DEVICE_USERS.map(() => trackedSockets());
  const devices = DEVICE_USERS.map((u, i) => {
    const transport = new WebSocketTransport({
      url: () => servers[at[i] ?? 0]?.wsUrl ?? '',
      token: tokens[u] ?? '',
      WebSocket: tracked[i]?.WebSocket as WebSocketConstructor,
      deviceID: `d${i}`,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    });
    return { client: new SignalingClient({ transport }) };
  });
  const first = servers[0] as BeckonServer;
  const { groupID, code } = await api(first, '/groups', tokens[0] ?? '', { name: 'g' });
  for (const token of tokens.slice(1)) await api(servers.at(-1) ?? first, '/groups/join', token, { code });
  return {
    users,
    groupID,
    devices,
    async connect() {
      for (const d of devices) d.client.connect();
      await waitFor(
        () => devices.every((d) => d.client.connectionState === 'connected'),
        5000,
        'the devices',
      );
    },
    ...(clock === undefined ? {} : { advance: (ms: number) => clock.advance(ms), now: () => clock.now() }),
    drop(i) {
      at[i] = ((at[i] ?? 0) + 1) % servers.length;
      tracked[i]?.drop();
    },
    finish() {
      // No event twice on a device, none missed: the sequence numbers it applied are contiguous.
      for (const t of tracked) {
        const applied = [...new Set(t.seqs)].sort((a, b) => a - b);
        expect(applied).toEqual(Array.from({ length: applied.length }, (_, k) => (applied[0] ?? 1) + k));
      }
    },
    async close() {
      for (const d of devices) d.client.close();
    },
  };
}
