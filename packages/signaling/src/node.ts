// Node's entry (the `node` export condition): everything the main entry has, and a
// WebSocketTransport that works on Node 20 and 21, which have no global WebSocket.
import { createRequire } from 'node:module';
import {
  type WebSocketConstructor,
  type WebSocketLike,
  WebSocketTransport as WebSocketTransportBase,
  type WebSocketTransportOptions,
} from './wsTransport.js';

export * from './index.js';

const NO_WEBSOCKET =
  'Node has no global WebSocket before version 22: install the ws package, or pass options.WebSocket';

/**
 * Opens a socket with the global WebSocket, or with the `ws` package (an optional peer
 * dependency) where there is none. Looked up when a connection opens, not before, so creating a
 * transport (during server rendering, say) touches nothing, and Node 22 never needs `ws`.
 */
function openNodeWebSocket(url: string): WebSocketLike {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global !== undefined) return new global(url);
  let ws: { WebSocket: WebSocketConstructor };
  try {
    ws = createRequire(import.meta.url)('ws');
  } catch {
    throw new Error(NO_WEBSOCKET);
  }
  return new ws.WebSocket(url);
}

// Called with `new` by the transport; a function that returns an object gives that object.
const NodeWebSocket = function NodeWebSocket(url: string) {
  return openNodeWebSocket(url);
} as unknown as WebSocketConstructor;

/**
 * {@link WebSocketTransportBase} for Node: the socket class defaults to the global WebSocket, or
 * to the `ws` package on Node 20 and 21.
 *
 * @example
 * const transport = new WebSocketTransport({ url: 'ws://127.0.0.1:8787', token });
 */
export class WebSocketTransport extends WebSocketTransportBase {
  constructor(options: WebSocketTransportOptions) {
    super({ ...options, WebSocket: options.WebSocket ?? NodeWebSocket });
  }
}
