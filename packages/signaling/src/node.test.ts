import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { SignalingClient } from './client.js';
import { ErrorCode } from './errors.js';
import { WebSocketTransport } from './node.js';

describe("@beckon/signaling's Node entry", () => {
  const servers: WebSocketServer[] = [];
  afterEach(() => {
    vi.unstubAllGlobals();
    for (const server of servers.splice(0)) server.close();
  });

  it('connects with the ws package where Node has no global WebSocket', async () => {
    vi.stubGlobal('WebSocket', undefined); // Node 20 and 21; a no-op there.
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const firstFrame = new Promise<unknown>((resolve) =>
      server.once('connection', (socket) =>
        socket.once('message', (data) => resolve(JSON.parse(String(data)))),
      ),
    );
    const { port } = server.address() as { port: number };
    const transport = new WebSocketTransport({
      url: `ws://127.0.0.1:${port}`,
      token: 'secret',
      deviceID: 'd1',
    });
    const client = new SignalingClient({ transport });
    client.connect();
    expect(await firstFrame).toEqual({ t: 'auth', token: 'secret', device: 'd1' });
    client.close();
  });

  it('rejects connect() with 9001 when the socket cannot be opened, instead of throwing later', async () => {
    const transport = new WebSocketTransport({ url: 'not a url', token: 't' });
    const client = new SignalingClient({ transport });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.NOT_CONNECTED });
    expect(String((error as Error).message)).toMatch(/^cannot open a WebSocket: /);
    expect(client.connectionState).toBe('closed');
  });
});
