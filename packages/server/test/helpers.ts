import {
  type ConnectionState,
  SignalingClient,
  type SignalingClientEventName,
  type SignalingClientEvents,
  type WebSocketConstructor,
  WebSocketTransport,
} from '@beckon/signaling';
import { WebSocket } from 'ws';
import { createToken } from '../src/auth.js';
import { type BeckonServer, type BeckonServerOptions, createBeckonServer } from '../src/server.js';

export const SECRET = 'test-secret-0123456789abcdef0123456789';
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

export function startServer(options: BeckonServerOptions = {}): Promise<BeckonServer> {
  return createBeckonServer({ port: 0, secret: SECRET, logLevel: 'silent', ...options });
}

export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every client event about an invitation, in the order tests record them. */
export const RECORDED: SignalingClientEventName[] = [
  'onReceiveNewInvitation',
  'onInviteeAccepted',
  'onInviteeRejected',
  'onInvitationCancelled',
  'onInvitationTimeout',
  'onInvitationModified',
  'onInvitationDelivered',
];

export interface TestUser {
  readonly userID: string;
  readonly client: SignalingClient;
  readonly transport: WebSocketTransport;
  readonly token: string;
  readonly seen: Array<{ name: SignalingClientEventName; event: unknown }>;
  readonly states: ConnectionState[];
  events<K extends SignalingClientEventName>(name: K): Array<SignalingClientEvents[K]>;
  /** Resolves once `n` events of `name` have arrived. */
  waitEvents<K extends SignalingClientEventName>(
    name: K,
    n?: number,
  ): Promise<Array<SignalingClientEvents[K]>>;
}

/** Where a test client connects: a server (in this process or not), or a URL chosen per attempt. */
export type Target = { readonly wsUrl: string } | (() => string);

export async function connectUser(
  server: Target,
  userID: string,
  options: { deviceID?: string; wait?: boolean; heartbeatMs?: number; WebSocket?: WebSocketConstructor } = {},
): Promise<TestUser> {
  const token = await createToken({ secret: SECRET, userID });
  const transport = new WebSocketTransport({
    url: typeof server === 'function' ? server : server.wsUrl,
    token,
    WebSocket: options.WebSocket ?? NodeWebSocket,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    ...(options.deviceID ? { deviceID: options.deviceID } : {}),
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  const client = new SignalingClient({ transport });
  const seen: TestUser['seen'] = [];
  const states: ConnectionState[] = [];
  for (const name of RECORDED) client.on(name, (event) => seen.push({ name, event }));
  let snapshots = 0;
  client.on('onViewChange', () => snapshots++);
  client.on('onConnectionChange', ({ state }) => states.push(state));
  client.connect();
  const events = <K extends SignalingClientEventName>(name: K) =>
    seen.filter((s) => s.name === name).map((s) => s.event as SignalingClientEvents[K]);
  if (options.wait !== false) {
    await waitFor(
      () => client.connectionState === 'connected' && snapshots > 0,
      5000,
      `${userID} to connect`,
    );
  }
  return {
    userID,
    client,
    transport,
    token,
    seen,
    states,
    events,
    async waitEvents(name, n = 1) {
      await waitFor(() => events(name).length >= n, 5000, `${n} x ${name} for ${userID}`);
      return events(name);
    },
  };
}

export async function api(
  server: { readonly url: string },
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}
