import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  type ConnectionState,
  SignalingClient,
  type SignalingClientEventName,
  type SignalingClientEvents,
  WebSocketTransport,
} from '@beckon/signaling';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createToken, verifyToken } from '../src/auth.js';
import { NodeWebSocket, waitFor } from './helpers.js';
import { openRaw, type RawClient } from './raw.js';

// The process around the server: the client's own heartbeat against a server that goes silent,
// and the CLI as a real child process (graceful SIGTERM, the token subcommand).

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = ['--conditions=source', '--import', 'tsx', 'packages/server/src/cli.ts'];
const CLI_SECRET = 'lifecycle-secret-0123456789abcdef';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Client {
  readonly client: SignalingClient;
  readonly states: ConnectionState[];
  events<K extends SignalingClientEventName>(name: K): Array<SignalingClientEvents[K]>;
}

/** A SignalingClient over a WebSocketTransport to any URL (connectUser needs an in-process server). */
function connectTo(url: string, token: string, options: { heartbeatMs?: number } = {}): Client {
  const transport = new WebSocketTransport({
    url,
    token,
    WebSocket: NodeWebSocket,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  const client = new SignalingClient({ transport });
  const states: ConnectionState[] = [];
  const seen: Array<{ name: SignalingClientEventName; event: unknown }> = [];
  client.on('onConnectionChange', ({ state }) => states.push(state));
  for (const name of ['onReceiveNewInvitation', 'onInviteeAccepted'] as const)
    client.on(name, (event) => seen.push({ name, event }));
  client.connect();
  cleanups.push(() => client.close());
  return {
    client,
    states,
    events: (name) =>
      seen.filter((s) => s.name === name).map((s) => s.event as SignalingClientEvents[typeof name]),
  };
}

describe('client heartbeat', () => {
  it('a transport notices a silent server, goes reconnecting and reconnects', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const ws of wss.clients) ws.terminate();
          wss.close(() => resolve());
        }),
    );
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    let connections = 0;
    const received: string[] = [];
    wss.on('connection', (ws) => {
      connections++;
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { t: string };
        received.push(frame.t);
        if (frame.t !== 'auth') return; // pings and everything else: silence
        ws.send(
          JSON.stringify({
            t: 'hello',
            sessionID: `s${connections}`,
            userID: 'u',
            deviceID: 'd',
            serverTime: Date.now(),
            epoch: 'e',
          }),
        );
        ws.send(JSON.stringify({ t: 'snapshot', seq: 0, at: Date.now(), invitations: [] }));
      });
    });
    const { port } = wss.address() as { port: number };
    const u = connectTo(`ws://127.0.0.1:${port}`, 'any-token', { heartbeatMs: 50 });

    await waitFor(() => u.states.includes('connected'), 2000, 'the first session');
    const connectedAt = Date.now();
    await waitFor(() => u.states.includes('reconnecting'), 2000, 'the silence to be noticed');
    // Two heartbeat intervals of silence (100 ms), checked every 50 ms.
    expect(Date.now() - connectedAt).toBeGreaterThanOrEqual(90);
    expect(Date.now() - connectedAt).toBeLessThan(1000);
    await waitFor(() => connections >= 2, 2000, 'a second connection');
    await waitFor(() => u.states.filter((s) => s === 'connected').length >= 2, 2000, 'a second session');
    expect(u.states.slice(0, 4)).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(received).toContain('ping'); // it did ask before giving up
    expect(u.client.session?.sessionID).toMatch(/^s[2-9]/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Child {
  readonly process: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runCli(args: string[], env: Record<string, string> = {}): Child {
  const { BECKON_SECRET: _drop, ...inherited } = process.env;
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  });
  return { process: child, stdout: () => out, stderr: () => err, exited };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms)),
  ]);
}

async function waitHealthy(url: string, child: Child, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`the CLI exited early: ${child.stderr()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(`no /healthz within ${timeoutMs} ms: ${child.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the CLI as a child process', () => {
  it('SIGTERM: clients see 1001 and reconnect, the process exits 0 within 5 s', async () => {
    const port = await freePort();
    const child = runCli(['--port', String(port), '--secret', CLI_SECRET], { BECKON_LOG_LEVEL: 'info' });
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url, child);
    const wsUrl = `ws://127.0.0.1:${port}`;

    const alice = connectTo(wsUrl, await createToken({ secret: CLI_SECRET, userID: 'alice' }));
    const bob = connectTo(wsUrl, await createToken({ secret: CLI_SECRET, userID: 'bob' }));
    await waitFor(() => alice.client.connectionState === 'connected', 5000, 'alice to connect');
    await waitFor(() => bob.client.connectionState === 'connected', 5000, 'bob to connect');
    // The process really serves: an invitation goes through it.
    const inviteID = await alice.client.invite('bob', 'via the CLI', { timeout: 30 });
    await waitFor(() => bob.events('onReceiveNewInvitation').some((e) => e.inviteID === inviteID));
    await bob.client.accept(inviteID);
    await waitFor(() => alice.events('onInviteeAccepted').some((e) => e.inviteID === inviteID));

    const raw: RawClient = await openRaw(wsUrl);
    cleanups.push(() => raw.ws.terminate());
    await raw.auth(await createToken({ secret: CLI_SECRET, userID: 'carol' }));

    const signalledAt = Date.now();
    child.process.kill('SIGTERM');
    const closed = await within(raw.closed, 5000, 'the raw socket to close');
    expect(closed).toEqual({ code: 1001, reason: 'server shutting down' });
    const exit = await within(child.exited, 5000, 'the CLI to exit');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(5000);
    // 1001 is not final: the transports go reconnecting (and keep trying; the server is gone).
    await waitFor(() => alice.states.includes('reconnecting'), 2000, 'alice to reconnect');
    await waitFor(() => bob.states.includes('reconnecting'), 2000, 'bob to reconnect');
    expect(alice.states.slice(0, 3)).toEqual(['connecting', 'connected', 'reconnecting']);
    expect(alice.states).not.toContain('closed');
    expect(child.stdout()).toContain('beckon server stopped');
    expect(child.stderr()).not.toMatch(/error|uncaught|unhandled/i);
  }, 20_000);

  it('`token` prints a token that verifyToken accepts for that user and secret only', async () => {
    const child = runCli(['token', '--user', 'alice', '--secret', CLI_SECRET, '--ttl', '120']);
    const exit = await within(child.exited, 15_000, 'the token command');
    expect(exit).toEqual({ code: 0, signal: null });
    const token = child.stdout().trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const verified = await verifyToken(CLI_SECRET, token);
    expect(verified).toMatchObject({ ok: true, userID: 'alice' });
    if (verified.ok) {
      expect(verified.expiresAt).toBeGreaterThan(Date.now() + 100_000);
      expect(verified.expiresAt).toBeLessThanOrEqual(Date.now() + 121_000);
    }
    expect(await verifyToken('another-secret', token)).toEqual({ ok: false, reason: 'invalid' });
  }, 20_000);

  it('`token` without a secret exits 2 with a message', async () => {
    const child = runCli(['token', '--user', 'alice']);
    const exit = await within(child.exited, 15_000, 'the token command');
    expect(exit).toEqual({ code: 2, signal: null });
    expect(child.stdout()).toBe('');
    expect(child.stderr()).toMatch(/needs --user and a secret/);
  }, 20_000);
});
