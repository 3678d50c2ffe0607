// Node's entry (the `node` export condition): everything the main entry has, and a
// WebSocketTransport that works on Node 20 and 21, which have no global WebSocket.
import { createRequire } from 'node:module';
import {
  type WebSocketConstructor,
  WebSocketTransport as WebSocketTransportBase,
  type WebSocketTransportOptions,
} from './wsTransport.js';

export * from './index.js';

/**
 * The `ws` package's class, when Node has no global WebSocket and `ws` is installed (an optional
 * peer dependency). Loaded only then, so Node 22 and later never need it.
 */
function nodeWebSocket(): WebSocketConstructor | undefined {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global !== undefined) return global;
  try {
    return (createRequire(import.meta.url)('ws') as { WebSocket: WebSocketConstructor }).WebSocket;
  } catch {
    return undefined; // The transport fails its connection with a message that says what to install.
  }
}

/**
 * {@link WebSocketTransportBase} for Node: the socket class defaults to the global WebSocket, or
 * to the `ws` package on Node 20 and 21.
 *
 * @example
 * const transport = new WebSocketTransport({ url: 'ws://127.0.0.1:8787', token });
 */
export class WebSocketTransport extends WebSocketTransportBase {
  constructor(options: WebSocketTransportOptions) {
    const WebSocket = options.WebSocket ?? nodeWebSocket();
    super(WebSocket === undefined ? options : { ...options, WebSocket });
  }
}
