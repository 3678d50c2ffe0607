import type { Socket } from 'node:net';
import { Cluster, type Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectClient, parseRedisTarget } from '../../src/store/redis/connect.js';
import type { Client } from '../../src/store/redis/scripts.js';
import { describeRedis, freshPrefix, purge, REDIS_URL } from './cluster.js';

// Commands issued in one turn of the event loop leave in one write (coalesce.ts); each still
// gets its own reply, and a command of a later turn is not held back behind them.

/** Counts the chunks that reach a client's socket's kernel write: one per system call. */
function countWrites(client: Redis): { readonly count: number; reset(): void } {
  const socket = (client as unknown as { stream: Socket }).stream;
  let count = 0;
  const writev = socket._writev?.bind(socket);
  const write = socket._write.bind(socket);
  socket._write = (...args: Parameters<Socket['_write']>) => {
    count++;
    return write(...args);
  };
  if (writev)
    socket._writev = (...args: Parameters<NonNullable<Socket['_writev']>>) => {
      count++;
      return writev(...args);
    };
  return {
    get count() {
      return count;
    },
    reset: () => {
      count = 0;
    },
  };
}

describeRedis('redis write coalescing', () => {
  const prefix = freshPrefix();
  let client: Client;
  let node: Redis;
  let writes: ReturnType<typeof countWrites>;

  beforeAll(async () => {
    client = connectClient(parseRedisTarget(REDIS_URL), { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    await client.set(`${prefix}k`, 'v');
    node = client instanceof Cluster ? (client.nodes('master')[0] as Redis) : client;
    await node.ping();
    writes = countWrites(node);
  });
  afterAll(async () => {
    client?.disconnect();
    await purge(prefix);
  });

  it('sends the commands of one turn in one write, each with its own reply', async () => {
    writes.reset();
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => node.echo(`m${i}`)));
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(writes.count).toBe(1);
  });

  it('does not hold a later command behind an unanswered one', async () => {
    writes.reset();
    // A script that keeps this node busy for 300 ms (no key: any node runs it); the PING of the
    // next turn still goes out (its reply, in Redis's order, comes after: the point is that it
    // was written, not held in the process).
    const busy = node.eval(
      "local s = redis.call('TIME') local e = s[1] * 1e6 + s[2] + 300000 " +
        "repeat local t = redis.call('TIME') until t[1] * 1e6 + t[2] >= e return 1",
      0,
    );
    await new Promise((r) => setImmediate(r));
    const ping = node.ping();
    await new Promise((r) => setImmediate(r));
    expect(writes.count).toBe(2);
    expect(await busy).toBe(1);
    expect(await ping).toBe('PONG');
  });

  it('reconnects with a new socket that is coalesced too', async () => {
    // A connection of its own to the node (on a cluster, ioredis replaces a node's client
    // rather than reconnecting it; a single Redis client reconnects).
    const { host, port } = node.options;
    const own = connectClient(parseRedisTarget(`redis://${host}:${port}`), { lazyConnect: true });
    await own.connect();
    const single = own as Redis;
    single.disconnect(true);
    await new Promise<void>((resolve) => single.once('ready', () => resolve()));
    const written = countWrites(single);
    expect(await Promise.all([single.ping(), single.ping(), single.ping()])).toEqual([
      'PONG',
      'PONG',
      'PONG',
    ]);
    expect(written.count).toBe(1);
    single.disconnect();
  });
});
