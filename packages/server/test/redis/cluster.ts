import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebSocketConstructor } from '@beckon/signaling';
import { Redis } from 'ioredis';
import { afterAll, describe, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectClient, mastersOf, parseRedisTarget } from '../../src/store/redis/connect.js';
import { Keys } from '../../src/store/redis/keys.js';
import type { Client } from '../../src/store/redis/scripts.js';
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis/store.js';
import { SECRET, waitFor } from '../helpers.js';
import { quietListener, silentLog } from '../quietStore.js';

// Real server processes sharing a real Redis. Every test run takes a random key prefix and
// deletes its keys at the end, so runs and developers can share one Redis.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * BECKON_TEST_REDIS=cluster (the vitest project `redis-cluster`): the suites run on a Redis
 * Cluster of six `redis-server` processes (three masters, three replicas) on loopback ports that
 * this module starts, created with `redis-cli --cluster create`, and removes with its files when
 * the test file is done.
 */
export const ON_CLUSTER = process.env.BECKON_TEST_REDIS === 'cluster';

export interface LocalCluster {
  /** `redis+cluster://127.0.0.1:p1,...` */
  readonly url: string;
  readonly ports: readonly number[];
  /** kill -9 of the redis-server on this port (a master: its replica takes over). */
  kill(port: number): Promise<void>;
  stop(): void;
}

/**
 * Six cluster-mode redis-servers on free loopback ports (bus ports chosen too), joined with
 * `redis-cli --cluster create --cluster-replicas 1 --cluster-yes`; resolves once every node says
 * `cluster_state:ok`. Throws with the reason when it cannot (no binaries, a node that would not start).
 */
export async function startLocalCluster(): Promise<LocalCluster> {
  for (const bin of ['redis-server', 'redis-cli'])
    if (spawnSync(bin, ['--version']).status !== 0)
      throw new Error(`${bin} is missing (apt-get install -y redis-server redis-tools)`);
  const dir = mkdtempSync(join(tmpdir(), 'beckon-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    for (let i = 0; i < 6; i++) {
      const { port, child } = await startClusterNode(dir);
      ports.push(port);
      children.push(child);
    }
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed:\n${created.stdout}${created.stderr}`);
    for (const port of ports)
      await until(
        async () => {
          const redis = new Redis(port, '127.0.0.1');
          redis.on('error', () => {});
          try {
            return (await redis.cluster('INFO')).includes('cluster_state:ok');
          } finally {
            redis.disconnect();
          }
        },
        30_000,
        `the cluster node on ${port} to say cluster_state:ok`,
      );
    // A replica that never finished its first sync would not take over from its master.
    for (const port of ports)
      await until(
        async () => {
          const redis = new Redis(port, '127.0.0.1');
          redis.on('error', () => {});
          try {
            const info = await redis.info('replication');
            return info.includes('role:master') || info.includes('master_link_status:up');
          } finally {
            redis.disconnect();
          }
        },
        30_000,
        `the replica on ${port} to finish its first sync`,
      );
  } catch (error) {
    stop();
    throw error;
  }
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    async kill(port) {
      const child = children[ports.indexOf(port)];
      if (child === undefined || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    stop,
  };
}

/**
 * One cluster-mode redis-server on a port (and bus port) free when chosen; answered once it
 * answers PING. Another process can take a free port before redis-server binds it (the suites
 * start several clusters at once, and every outgoing connection takes an ephemeral port): a
 * server that exits before answering is started again on other ports, at most five times.
 */
async function startClusterNode(dir: string): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 1; ; attempt++) {
    const [port, bus] = [await spawnablePort(), await spawnablePort()];
    // biome-ignore format: one option per line pair reads better
    const child = spawn('redis-server', [
      '--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1',
      '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout', '5000', '--dir', dir, '--save', '', '--appendonly', 'no',
      '--repl-diskless-sync-delay', '0',
    ], { stdio: 'ignore' });
    let exited = false;
    const gone = () => {
      exited = true;
    };
    child.once('exit', gone).once('error', gone);
    // Ours answering, not another cluster's node that took the port first; or ours gone.
    await until(
      async () => exited || (await serverPid(port)) === child.pid,
      30_000,
      `redis-server on ${port}`,
    ).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    if (!exited) return { port, child };
    if (attempt >= 5)
      throw new Error(
        `redis-server exited before answering on 5 pairs of free ports (last ${port}, bus ${bus})`,
      );
  }
}

/** The process id of the redis-server answering on a loopback port, if one answers. */
async function serverPid(port: number): Promise<number | undefined> {
  return probe(`redis://127.0.0.1:${port}`, async (redis) =>
    Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]),
  );
}

/**
 * A loopback port free now, below the kernel's ephemeral range (32768 and up here), so that no
 * outgoing connection takes it before the process it is meant for binds it.
 */
async function spawnablePort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return freePort();
}

/** Polls an async condition (every 50 ms) until it holds; throws naming `what` after `timeoutMs`. */
async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let local: LocalCluster | undefined;
let clusterFailure: string | undefined;
if (ON_CLUSTER) {
  try {
    local = await startLocalCluster();
    afterAll(() => local?.stop());
  } catch (error) {
    clusterFailure = `a local Redis Cluster could not be started: ${(error as Error).message}`;
  }
}

/** The cluster this test file runs on (BECKON_TEST_REDIS=cluster), if it started. */
export const localCluster = (): LocalCluster | undefined => local;

/** BECKON_TEST_REDIS_URL only exists to check how the suites behave without Redis. */
export const REDIS_URL = local?.url ?? process.env.BECKON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WHERE = parseRedisTarget(REDIS_URL).where;

/** A client of the suites' Redis (one server, or the local cluster), for a test's own checks. */
export function testClient(url = REDIS_URL): Client {
  const client = connectClient(parseRedisTarget(url), { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  return client;
}

/** The key names a store on the suites' Redis uses under `prefix`. */
export function testKeys(prefix: string): Keys {
  return new Keys(prefix, parseRedisTarget(REDIS_URL).cluster);
}
const CLI = ['--conditions=source', '--import', 'tsx', 'packages/server/src/cli.ts'];

/** One short-lived connection to `url` (a second to connect, no retries) for `ask`; undefined when it fails. */
async function probe<T>(url: string, ask: (redis: Redis) => Promise<T>): Promise<T | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await ask(redis);
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** Answers PING within a second? */
export async function redisAnswers(url = REDIS_URL): Promise<boolean> {
  if (ON_CLUSTER && local !== undefined && url === local.url) return true;
  return (await probe(url, (redis) => redis.ping())) === 'PONG';
}

const available = await redisAnswers();
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

/**
 * `describe` for suites that need Redis (and, with `ownServer`, the redis-server binary to start
 * one of their own). Without it they fail under CI (CI must provide it: .ci/run starts it) and
 * are skipped with a message elsewhere.
 */
export function describeRedis(name: string, body: () => void, options: { ownServer?: boolean } = {}): void {
  const missing = clusterFailure
    ? clusterFailure
    : !available
      ? `Redis at ${WHERE} is missing`
      : options.ownServer && !hasRedisServer
        ? 'the redis-server binary is missing (these tests start a Redis of their own)'
        : undefined;
  if (missing === undefined) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs Redis', () => {
        throw new Error(`${missing}: install and start it (see .ci/run) to run "${name}"`);
      });
    });
  } else {
    console.warn(`[beckon] ${missing}: skipping "${name}"`);
    describe.skip(name, body);
  }
}

export function freshPrefix(): string {
  return `beckon-test-${randomBytes(6).toString('hex')}:`;
}

/**
 * `count` processes' stores on `prefix` (this run's Redis or local cluster), started with a
 * listener that does nothing: for tests that drive stores alone, no server.
 */
export async function startStores(
  prefix: string,
  options: Omit<RedisStoreOptions, 'url' | 'prefix' | 'nodeID'> = {},
  count = 2,
): Promise<RedisStore[]> {
  const stores = Array.from(
    { length: count },
    (_, i) => new RedisStore({ ...options, url: REDIS_URL, prefix, nodeID: `node${i}` }),
  );
  await Promise.all(stores.map((s) => s.start(quietListener, silentLog)));
  return stores;
}

/** Deletes every key under the prefix (on every master of a cluster). */
export async function purge(prefix: string, url = REDIS_URL): Promise<void> {
  const target = parseRedisTarget(url);
  const redis = connectClient(target, {
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    if (target.cluster)
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the cluster did not answer')), 5000);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    for (const node of mastersOf(redis))
      for (const pattern of new Keys(prefix, target.cluster).patterns) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          for (const key of keys) await node.unlink(key);
        } while (cursor !== '0');
      }
  } catch {
    // Redis is gone (a test stopped it): nothing left to delete.
  } finally {
    redis.disconnect();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Node {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Everything the process printed (JSON log lines). */
  readonly output: string[];
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after a second. */
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/** Starts `beckon-server --redis` as a child process; port 0 lets the system pick one. */
export async function startNode(options: { prefix: string; redis?: string; port?: number }): Promise<Node> {
  const child = spawn(
    process.execPath,
    [...CLI, '--port', String(options.port ?? 0), '--secret', SECRET, '--redis', options.redis ?? REDIS_URL],
    {
      cwd: ROOT,
      env: { ...process.env, BECKON_REDIS_PREFIX: options.prefix, BECKON_LOG_LEVEL: 'info', VITEST: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  let url: string | undefined;
  let pending = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => output.push(chunk));
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    output.push(chunk);
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (url !== undefined || !line.includes('beckon server listening')) continue;
      url = (JSON.parse(line) as { url?: string }).url;
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  try {
    await waitFor(() => url !== undefined || dead, 20_000, 'a server process to listen');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (url === undefined) throw new Error(`the server process exited at start:\n${output.join('')}`);
  const stop = async (signal: NodeJS.Signals) => {
    if (dead) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  };
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    port: Number(new URL(url).port),
    process: child,
    output,
    exited,
    stop: () => stop('SIGTERM'),
    kill9: () => stop('SIGKILL'),
  };
}

/** Several nodes on one prefix; `close` stops them and deletes the prefix's keys. */
export interface Cluster {
  readonly prefix: string;
  /** The key names the nodes use (hash-tagged on a Redis Cluster). */
  readonly keys: Keys;
  readonly nodes: Node[];
  /** A Redis client for the test's own checks. */
  readonly redis: Client;
  close(): Promise<void>;
}

export async function startCluster(count: number, redisUrl = REDIS_URL): Promise<Cluster> {
  const prefix = freshPrefix();
  const nodes: Node[] = [];
  const redis = testClient(redisUrl);
  const cluster: Cluster = {
    prefix,
    keys: new Keys(prefix, parseRedisTarget(redisUrl).cluster),
    nodes,
    redis,
    async close() {
      await Promise.all(nodes.map((n) => n.stop()));
      await purge(prefix, redisUrl);
      redis.disconnect();
    },
  };
  try {
    // One after another: two cores, and each process compiles the sources through tsx.
    for (let i = 0; i < count; i++) nodes.push(await startNode({ prefix, redis: redisUrl }));
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return cluster;
}

/** `ws` that records the sockets it opens and the sequence numbers of the frames they receive. */
export function trackedSockets() {
  const sockets: WebSocket[] = [];
  /** Every sequenced event frame received, in arrival order, over every socket. */
  const seqs: number[] = [];
  /** The sequence number of every snapshot received. */
  const snapshots: number[] = [];
  class Tracked extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
      this.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { t: string; seq?: number };
        if (frame.t === 'ev' && typeof frame.seq === 'number') seqs.push(frame.seq);
        if (frame.t === 'snapshot' && typeof frame.seq === 'number') snapshots.push(frame.seq);
      });
    }
  }
  return {
    WebSocket: Tracked as unknown as WebSocketConstructor,
    sockets,
    seqs,
    snapshots,
    /** Cuts the current socket without a close frame, as a network failure would. */
    drop: () => sockets.at(-1)?.terminate(),
  };
}

/** Retries an async check until it passes (state written after a reply, such as history). */
export async function eventually(check: () => Promise<void>, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() - start > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Sum of a counter series over every process's /metrics. */
export async function metricSum(nodes: readonly Node[], series: string): Promise<number> {
  let sum = 0;
  for (const node of nodes) {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    for (const line of text.split('\n')) if (line.startsWith(`${series} `)) sum += Number(line.split(' ')[1]);
  }
  return sum;
}

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Kills the server (its data goes with it: no persistence). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free loopback port, for what must not touch the shared
 * one: FLUSHALL, CLIENT PAUSE, killing Redis. Undefined when no redis-server binary is installed.
 */
export async function startPrivateRedis(): Promise<PrivateRedis | undefined> {
  const port = await spawnablePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const launch = async () => {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const failed = new Promise<boolean>((resolve) => {
      proc.once('error', () => resolve(true));
      proc.once('exit', () => resolve(true));
    });
    let gone = false;
    void failed.then(() => {
      gone = true;
    });
    const start = Date.now();
    while (!gone && !(await redisAnswers(url))) {
      if (Date.now() - start > 15_000) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (gone || !(await redisAnswers(url))) {
      proc.kill('SIGKILL');
      return false;
    }
    child = proc;
    return true;
  };
  if (!(await launch())) return undefined;
  const kill = async () => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  return {
    url,
    port,
    kill,
    async restart() {
      await kill();
      if (!(await launch())) throw new Error(`redis-server did not start again on port ${port}`);
    },
  };
}
