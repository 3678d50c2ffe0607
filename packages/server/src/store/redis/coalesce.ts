import type { Writable } from 'node:stream';
import { Cluster, type Redis } from 'ioredis';
import type { Client } from './scripts.js';

const wrapped = new WeakSet<Writable>();

/**
 * Commands a process sends to one Redis connection in one turn of its event loop leave in one
 * write (the socket is corked at the first and uncorked by `setImmediate`), so Redis reads them
 * with one system call instead of one each. Each command keeps its own reply and timeout: this
 * is not ioredis's auto-pipelining, which holds later commands behind an unfinished pipeline.
 */
function coalesce(socket: Writable): void {
  if (wrapped.has(socket)) return;
  wrapped.add(socket);
  const write = socket.write;
  let corked = false;
  const flush = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Writable, ...args: Parameters<Writable['write']>) {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(flush);
    }
    return write.apply(this, args);
  } as Writable['write'];
}

function onConnect(redis: Redis): void {
  redis.on('connect', () => {
    const stream = (redis as unknown as { stream?: Writable }).stream;
    if (stream) coalesce(stream);
  });
}

/** Coalesces the writes of every connection of `client` (each node's, on a cluster). */
export function coalesceWrites<C extends Client>(client: C): C {
  if (client instanceof Cluster) client.on('+node', (node: Redis) => onConnect(node));
  else onConnect(client);
  return client;
}
