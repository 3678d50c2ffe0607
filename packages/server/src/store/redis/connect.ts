import { BeckonError } from '@beckon/signaling';
import { Cluster, type ClusterOptions, Redis } from 'ioredis';
import { coalesceWrites } from './coalesce.js';
import { type Client, defineScripts } from './scripts.js';

/** Where the deployment's Redis is: one server, or the seed nodes of a Redis Cluster. */
export type RedisTarget =
  | { readonly cluster: false; readonly url: string; readonly where: string }
  | {
      readonly cluster: true;
      readonly nodes: ReadonlyArray<{ host: string; port: number }>;
      readonly username?: string;
      readonly password?: string;
      readonly tls: boolean;
      readonly where: string;
    };

/**
 * A `--redis` value (`RedisStoreOptions.url`) that names no Redis this store can use, or a key
 * prefix a cluster cannot tag. Thrown by the `RedisStore` constructor; code `'invalid-redis-url'`.
 */
export class RedisUrlError extends BeckonError<'invalid-redis-url'> {
  override name = 'RedisUrlError';

  constructor(message: string) {
    super('invalid-redis-url', message);
  }
}

function seed(hostPort: string, url: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:/]+)(?::(\d+))?$/.exec(hostPort);
  if (!m) throw new RedisUrlError(`not a host:port in ${url}: "${hostPort}"`);
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port: Number(m[2] ?? 6379) };
}

/**
 * Reads `--redis` / `REDIS_URL` / `RedisStoreOptions.url`:
 * - `redis://[user:password@]host:port[/db]` (or `rediss://`): one Redis;
 * - `redis+cluster://[user:password@]host1:port1,host2:port2,...` (or `rediss+cluster://`): a
 *   Redis Cluster, given by one or more seed nodes (ioredis's `new Cluster([{ host, port }, ...])`;
 *   the others are discovered);
 * - several `redis://` URLs separated by commas: the seed nodes of a Redis Cluster, each URL as
 *   ioredis users write one (credentials are taken from the first).
 */
export function parseRedisTarget(url: string): RedisTarget {
  const text = url.trim();
  const cluster = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/.exec(text);
  if (cluster) {
    const [, scheme = 'redis', auth, hosts = ''] = cluster;
    const [user, password] = auth === undefined ? [] : auth.split(':', 2).map(decodeURIComponent);
    const nodes = hosts.split(',').map((h) => seed(h, text));
    return {
      cluster: true,
      nodes,
      ...(user ? { username: user } : {}),
      ...(password !== undefined ? { password } : {}),
      tls: scheme === 'rediss',
      where: `cluster ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`,
    };
  }
  const urls = text.split(',').map((u) => u.trim());
  const parsed = urls.map((u) => {
    try {
      const p = new URL(u);
      if (p.protocol !== 'redis:' && p.protocol !== 'rediss:') throw new Error('scheme');
      return p;
    } catch {
      throw new RedisUrlError(
        `"${u}" is not a Redis URL: use redis://host:port, redis+cluster://host1:port1,host2:port2, or several redis:// URLs separated by commas`,
      );
    }
  });
  const first = parsed[0] as URL;
  if (parsed.length === 1) return { cluster: false, url: text, where: first.host };
  const nodes = parsed.map((p) => ({
    host: p.hostname.replace(/^\[|\]$/g, ''),
    port: Number(p.port || 6379),
  }));
  return {
    cluster: true,
    nodes,
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    tls: first.protocol === 'rediss:',
    where: `cluster ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`,
  };
}

/** The connection options the store sets (ioredis's, for one Redis and for each cluster node). */
export interface ClientOptions {
  readonly lazyConnect?: boolean;
  readonly connectTimeout?: number;
  readonly retryStrategy?: (times: number) => number | null;
  readonly connectionName?: string;
  readonly enableOfflineQueue?: boolean;
  readonly maxRetriesPerRequest?: number | null;
  readonly autoResendUnfulfilledCommands?: boolean;
  readonly commandTimeout?: number;
}

/** A client for the target with Beckon's scripts defined; `options` apply to every connection. */
export function connectClient(target: RedisTarget, options: ClientOptions, cluster?: ClusterOptions): Client {
  if (!target.cluster) return coalesceWrites(defineScripts(new Redis(target.url, { ...options })));
  const { lazyConnect, enableOfflineQueue, ...perNode } = options;
  return coalesceWrites(
    defineScripts(
      new Cluster([...target.nodes], {
        ...cluster,
        ...(lazyConnect !== undefined ? { lazyConnect } : {}),
        ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
        // Only masters: a replica's copy may lag, and the scripts write.
        scaleReads: 'master',
        // Commands fail fast while a master is down (no offline queue), so no MOVED or closed
        // connection tells ioredis that a replica took over: it reads the slot map every 2 s.
        slotsRefreshInterval: 2000,
        redisOptions: {
          ...perNode,
          ...(target.username ? { username: target.username } : {}),
          ...(target.password !== undefined ? { password: target.password } : {}),
          ...(target.tls ? { tls: {} } : {}),
        },
      }),
    ),
  );
}

/** Every master of a cluster, or the one Redis (SCAN runs per node). */
export function mastersOf(client: Client): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}
