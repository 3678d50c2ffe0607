import type { Socket } from 'node:net';
import { type ClientOptions, WebSocket } from 'ws';
import { createToken } from '../src/auth.js';
import { SECRET, waitFor } from './helpers.js';

/** A server frame as a raw client sees it (loosely typed: tests inspect what really arrived). */
export interface Frame {
  readonly t: string;
  readonly id?: number;
  readonly ok?: boolean;
  readonly inviteID?: string;
  readonly ts?: number;
  readonly error?: { code: number; message: string; details?: Record<string, unknown> };
  readonly [key: string]: unknown;
}

/** A bare `ws` client that can send anything and records every frame the server sends. */
export interface RawClient {
  readonly ws: WebSocket;
  readonly frames: Frame[];
  /** Text frames that were not JSON (none are expected from the server). */
  readonly unparsed: string[];
  /** Resolves when the socket closes, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly isClosed: () => boolean;
  /** Objects are sent as JSON text, strings as text as they are, Buffers as binary frames. */
  send(frame: unknown): void;
  /** The first frame at index >= `from` that matches. */
  waitFrame(match: (frame: Frame) => boolean, from?: number, timeoutMs?: number): Promise<Frame>;
  /** Sends an auth frame and waits for hello and the snapshot; returns the hello. */
  auth(token: string, device?: string): Promise<Frame>;
  /** Stops reading from the TCP socket (a reader that has gone slow). */
  pause(): void;
}

export function openRaw(url: string, options: ClientOptions = {}): Promise<RawClient> {
  const ws = new WebSocket(url, options);
  const frames: Frame[] = [];
  const unparsed: string[] = [];
  let closedFlag = false;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      closedFlag = true;
      resolve({ code, reason: reason.toString() });
    });
  });
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? '' : data.toString();
    try {
      frames.push(JSON.parse(text) as Frame);
    } catch {
      unparsed.push(text);
    }
  });
  const client: RawClient = {
    ws,
    frames,
    unparsed,
    closed,
    isClosed: () => closedFlag,
    send(frame) {
      if (Buffer.isBuffer(frame)) ws.send(frame, { binary: true });
      else ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    async waitFrame(match, from = 0, timeoutMs = 3000) {
      let found: Frame | undefined;
      await waitFor(
        () => {
          found = frames.slice(from).find(match);
          return found !== undefined;
        },
        timeoutMs,
        'a matching frame',
      );
      return found as Frame;
    },
    async auth(token, device) {
      const from = frames.length;
      client.send(device === undefined ? { t: 'auth', token } : { t: 'auth', token, device });
      const hello = await client.waitFrame((f) => f.t === 'hello', from);
      await client.waitFrame((f) => f.t === 'snapshot', from);
      return hello;
    },
    pause() {
      (ws as unknown as { _socket: Socket })._socket.pause();
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      // Errors after the handshake (a reset while the server cuts us off) end in 'close'.
      ws.on('error', () => {});
      resolve(client);
    });
    ws.once('error', reject);
  });
}

/** Sends requests with ids `from`..`from + n - 1` in one go and waits for every reply. */
export async function burst(client: RawClient, from: number, cmds: readonly unknown[]): Promise<Frame[]> {
  const start = client.frames.length;
  cmds.forEach((cmd, i) => {
    client.send({ t: 'req', id: from + i, cmd });
  });
  const ids = new Set(cmds.map((_, i) => from + i));
  await waitFor(
    () => client.frames.slice(start).filter((f) => f.t === 'res' && ids.has(f.id ?? -1)).length === ids.size,
    10_000,
    `${ids.size} replies`,
  );
  return client.frames.slice(start).filter((f) => f.t === 'res' && ids.has(f.id ?? -1));
}

/**
 * A raw client of `userID` on `server`, signed in (hello and snapshot received). It goes into
 * `opened` first, so the test's clean-up closes it even if signing in fails.
 */
export async function loginRaw(
  server: { readonly wsUrl: string },
  userID: string,
  opened: RawClient[],
): Promise<RawClient> {
  const client = await openRaw(server.wsUrl);
  opened.push(client);
  await client.auth(await createToken({ secret: SECRET, userID }));
  return client;
}
