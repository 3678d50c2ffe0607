/**
 * Distributed mode against one process, in one run:
 *
 * 1. latency, invite -> the invitee's onReceiveNewInvitation: one process with the memory store
 *    vs two processes on Redis with inviter and invitee on different processes (and, to split
 *    the cost, both on the same Redis-backed process);
 * 2. throughput: 50 one-to-one pairs (invite -> ring -> accept -> accepted), callers on one
 *    process and callees on the other in Redis mode.
 *
 * Every server runs in a child process of its own (this file, with BENCH_REDIS_CHILD set), with
 * the per-connection rate limit lifted; clients run here. Redis: REDIS_URL or 127.0.0.1:6379,
 * under a random key prefix deleted at the end. Everything listens on 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { createBeckonServer, RedisStore } from '@beckon/server';
import { CallType, createCallData, type SignalingClient } from '@beckon/signaling';
import { Redis } from 'ioredis';
import { connectClient, fmt, percentile, SECRET, sleep, withTimeout } from './support/common.js';

const HOST = '127.0.0.1';
let REDIS_URL = process.env.REDIS_URL ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const LATENCY_WARMUP = 300;
const LATENCY_SAMPLES = 2000;
const LATENCY_BLOCK = 250;
const PAIRS = 50;
const THROUGHPUT_WARMUP_MS = 1000;
const THROUGHPUT_MS = 4000;

// ---------------------------------------------------------------------------------------------
// the child: one server process (memory store, or a node of the Redis deployment)

if (process.env.BENCH_REDIS_CHILD) {
  // Every command this process sends to Redis (pipelined ones each count; a script call is one).
  let sent = 0;
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    sent++;
    return send.apply(this, args);
  };
  const prefix = process.env.BENCH_REDIS_PREFIX ?? 'beckon-bench:';
  const server = await createBeckonServer({
    port: 0,
    host: HOST,
    secret: SECRET,
    logLevel: 'silent',
    rateLimit: { burst: 1e9, perSecond: 1e9 },
    userRateLimit: { burst: 1e9, perSecond: 1e9 },
    ...(process.env.BENCH_REDIS_CHILD === 'redis'
      ? { store: new RedisStore({ url: REDIS_URL, prefix }) }
      : {}),
  });
  console.log(JSON.stringify({ port: server.port }));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.stdin.on('end', stop);
  // "stats": this process's CPU time (µs) and the Redis commands it sent so far.
  createInterface({ input: process.stdin }).on('line', () => {
    const { user, system } = process.cpuUsage();
    console.log(JSON.stringify({ cpu: user + system, sent }));
  });
}

// ---------------------------------------------------------------------------------------------
// small helpers

interface Child {
  readonly url: string;
  /** CPU time used so far (µs) and Redis commands sent. */
  stats(): Promise<{ cpu: number; sent: number }>;
  stop(): Promise<void>;
}

/** Starts this file as a server process; resolves once it listens. */
async function startChild(mode: 'memory' | 'redis', prefix: string): Promise<Child> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_REDIS_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_REDIS_PROFILE}`]
        : []),
      '--conditions=source',
      '--import',
      'tsx',
      import.meta.filename,
    ],
    {
      cwd: import.meta.dirname,
      env: { ...process.env, BENCH_REDIS_CHILD: mode, BENCH_REDIS_PREFIX: prefix },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = () => new Promise<string>((resolve) => waiting.push(resolve));
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      void nextLine().then((line) => resolve((JSON.parse(line) as { port: number }).port));
      void exited.then(() => reject(new Error(`bench: the ${mode} server exited at start`)));
    }),
    20_000,
    `the ${mode} server to start`,
  );
  return {
    url: `ws://${HOST}:${port}`,
    async stats() {
      const line = nextLine();
      child.stdin?.write('stats\n');
      return JSON.parse(await withTimeout(line, 10_000, 'a server to report its CPU')) as {
        cpu: number;
        sent: number;
      };
    },
    async stop() {
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!done) child.kill('SIGKILL');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 1. latency

interface Latency {
  readonly p50: number;
  readonly p99: number;
}

/** alice invites bob; the clock stops in bob's onReceiveNewInvitation. Untimed: cancel, seen. */
async function pairFor(aliceAt: string, bobAt: string, tag: string) {
  const data = createCallData({ callType: CallType.VIDEO, roomID: `room-${tag}` });
  const alice = await connectClient(aliceAt, `alice-${tag}`);
  const bob = await connectClient(bobAt, `bob-${tag}`);
  let ring: (() => void) | undefined;
  let cancelled: (() => void) | undefined;
  bob.on('onReceiveNewInvitation', () => ring?.());
  bob.on('onInvitationCancelled', () => cancelled?.());
  return {
    async once(): Promise<number> {
      const rang = new Promise<number>((resolve) => {
        ring = () => resolve(performance.now());
      });
      const start = performance.now();
      const inviteID = alice.invite(`bob-${tag}`, data, { timeout: 30 });
      const sample = (await withTimeout(rang, 10_000, 'the ring')) - start;
      const gone = new Promise<void>((resolve) => {
        cancelled = resolve;
      });
      await alice.cancel(await inviteID);
      await withTimeout(gone, 10_000, 'the cancel');
      return sample;
    },
    close() {
      alice.close();
      bob.close();
    },
  };
}

/** The setups stay up side by side, sampled in alternating blocks: drift falls on all alike. */
async function latency(setups: Array<{ once(): Promise<number> }>): Promise<Latency[]> {
  for (let i = 0; i < LATENCY_WARMUP; i++) for (const s of setups) await s.once();
  const samples: number[][] = setups.map(() => []);
  while ((samples[0]?.length ?? 0) < LATENCY_SAMPLES) {
    for (const [k, s] of setups.entries())
      for (let i = 0; i < LATENCY_BLOCK; i++) samples[k]?.push(await s.once());
  }
  return samples.map((list) => {
    const sorted = [...list].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50) * 1000, p99: percentile(sorted, 99) * 1000 };
  });
}

// ---------------------------------------------------------------------------------------------
// 2. throughput

interface Window {
  begin(): Promise<void>;
  end(invitations: number, seconds: number): Promise<void>;
}

/** Invitations per second; `window` is told when the timed part starts and ends. */
async function throughput(
  callersAt: string,
  calleesAt: string,
  tag: string,
  window?: Window,
): Promise<number> {
  const data = createCallData({ callType: CallType.AUDIO, roomID: `room-tp-${tag}` });
  const callers: SignalingClient[] = [];
  const callees: SignalingClient[] = [];
  for (let i = 0; i < PAIRS; i++) {
    callers.push(await connectClient(callersAt, `caller-${tag}-${i}`));
    const callee = await connectClient(calleesAt, `callee-${tag}-${i}`);
    callee.on('onReceiveNewInvitation', (e) => {
      if (e.isInvitee) callee.accept(e.inviteID).catch(() => {}); // fails only at shutdown
    });
    callees.push(callee);
  }
  let done = 0;
  let stop = false;
  const loops = callers.map(async (caller, i) => {
    let accepted: (() => void) | undefined;
    caller.on('onInviteeAccepted', () => accepted?.());
    while (!stop) {
      const answered = new Promise<void>((resolve) => {
        accepted = resolve;
      });
      await caller.invite(`callee-${tag}-${i}`, data, { timeout: 30 });
      await withTimeout(answered, 30_000, `caller ${i}'s invitation to be accepted`);
      done++;
    }
  });
  await sleep(THROUGHPUT_WARMUP_MS);
  await window?.begin();
  const base = done;
  const start = performance.now();
  await sleep(THROUGHPUT_MS);
  const count = done - base;
  const seconds = (performance.now() - start) / 1000;
  await window?.end(count, seconds);
  stop = true;
  await Promise.all(loops);
  for (const c of [...callers, ...callees]) c.close();
  return count / seconds;
}

// ---------------------------------------------------------------------------------------------
// 3. cost per invitation, from Redis's INFO and the processes' CPU time

interface Reading {
  /** Redis process CPU, user + system (µs). */
  readonly redisCpu: number;
  /** Socket reads and writes Redis made (INFO stats): each read is one wake-up for a client's bytes. */
  readonly reads: number;
  readonly writes: number;
  /** Commands Redis executed, those inside scripts included; script calls; time in scripts (µs). */
  readonly calls: number;
  readonly scripts: number;
  readonly usec: number;
  /** Calls per command name. */
  readonly byName: ReadonlyMap<string, number>;
  /** Per server process: CPU (µs) and commands it sent. */
  readonly servers: Array<{ cpu: number; sent: number }>;
  readonly at: number;
}

async function read(redis: Redis, servers: readonly Child[]): Promise<Reading> {
  const [stats, cpu, net, procs] = await Promise.all([
    redis.info('commandstats'),
    redis.info('cpu'),
    redis.info('stats'),
    Promise.all(servers.map((c) => c.stats())),
  ]);
  let calls = 0;
  let scripts = 0;
  let usec = 0;
  const byName = new Map<string, number>();
  for (const m of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    const [, name = '', c = '0', u = '0'] = m;
    // Our own INFO calls are not the deployment's work.
    if (name === 'info') continue;
    calls += Number(c);
    byName.set(name, Number(c));
    // A script's time includes the commands it ran: time in scripts, counted once.
    if (name === 'evalsha' || name === 'eval') usec += Number(u);
    if (name === 'evalsha' || name === 'eval' || name.startsWith('fcall')) scripts += Number(c);
  }
  const field = (text: string, name: string) =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1] ?? 0);
  const redisCpu = (field(cpu, 'used_cpu_user') + field(cpu, 'used_cpu_sys')) * 1e6;
  // Our own three INFO calls are one read and three writes; negligible beside thousands.
  const reads = field(net, 'total_reads_processed');
  const writes = field(net, 'total_writes_processed');
  return { redisCpu, reads, writes, calls, scripts, usec, byName, servers: procs, at: performance.now() };
}

interface Cost {
  readonly redisCpu: number;
  readonly reads: number;
  readonly writes: number;
  readonly calls: number;
  readonly scripts: number;
  readonly usec: number;
  readonly sent: number;
  readonly serverCpu: number[];
  /** Calls per invitation by command name, most first. */
  readonly byName: Array<[string, number]>;
}

/** What changed between two readings, less the background rate (`idle`, per ms) over that time. */
function costOf(a: Reading, b: Reading, n: number, idle?: Cost): Cost {
  const ms = b.at - a.at;
  const bg = (k: 'redisCpu' | 'reads' | 'writes' | 'calls' | 'scripts' | 'usec' | 'sent') =>
    idle ? idle[k] * ms : 0;
  return {
    redisCpu: (b.redisCpu - a.redisCpu - bg('redisCpu')) / n,
    reads: (b.reads - a.reads - bg('reads')) / n,
    writes: (b.writes - a.writes - bg('writes')) / n,
    calls: (b.calls - a.calls - bg('calls')) / n,
    scripts: (b.scripts - a.scripts - bg('scripts')) / n,
    usec: (b.usec - a.usec - bg('usec')) / n,
    sent: (sum(b.servers, 'sent') - sum(a.servers, 'sent') - bg('sent')) / n,
    byName: [...b.byName]
      .map(([name, calls]): [string, number] => {
        const rate = idle ? (idle.byName.find(([k]) => k === name)?.[1] ?? 0) * ms : 0;
        return [name, (calls - (a.byName.get(name) ?? 0) - rate) / n];
      })
      .filter(([, x]) => x >= 0.05)
      .sort((x, y) => y[1] - x[1]),
    serverCpu: b.servers.map(
      (s, i) => (s.cpu - (a.servers[i]?.cpu ?? 0) - (idle ? (idle.serverCpu[i] ?? 0) * ms : 0)) / n,
    ),
  };
}

const sum = (list: ReadonlyArray<{ cpu: number; sent: number }>, k: 'cpu' | 'sent') =>
  list.reduce((t, x) => t + x[k], 0);

/** A redis-server of the benchmark's own on a free port, so INFO counts this run alone. */
async function privateRedis(): Promise<{ url: string; stop(): void } | undefined> {
  const probe = spawn('redis-server', ['--version']);
  if (
    !(await new Promise<boolean>((r) => probe.once('exit', (c) => r(c === 0)).once('error', () => r(false))))
  )
    return undefined;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://${HOST}:${port}`;
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    try {
      await redis.connect();
      await redis.ping();
      redis.disconnect();
      return { url, stop: () => child.kill('SIGKILL') };
    } catch {
      await sleep(50);
    }
  }
  child.kill('SIGKILL');
  return undefined;
}

const IDLE_MS = 2000;

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const began = performance.now();
  // INFO counts everything a Redis does: a Redis of our own (unless REDIS_URL names one).
  const own = process.env.REDIS_URL ? undefined : await privateRedis();
  if (own) REDIS_URL = own.url;
  process.env.BENCH_REDIS_URL = REDIS_URL;
  const prefix = `beckon-bench-${randomBytes(6).toString('hex')}:`;
  const janitor = new RedisStore({ url: REDIS_URL, prefix });
  try {
    await janitor.purge();
  } catch (error) {
    throw new Error(`bench: Redis at ${new URL(REDIS_URL).host} is not reachable (${String(error)})`);
  }
  console.log(
    `memory store (1 process) vs Redis store (2 processes, Redis at ${new URL(REDIS_URL).host}` +
      `${own ? ', a redis-server of this run' : ', shared: INFO counts its other users too'}), ` +
      'every server in a child process, clients here, rate limit lifted',
  );
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const children: Child[] = [];
  try {
    const memory = await startChild('memory', prefix);
    children.push(memory);
    const a = await startChild('redis', prefix);
    children.push(a);
    const b = await startChild('redis', prefix);
    children.push(b);

    // BENCH_REDIS_COST_ONLY=1: sections 2 and 3 only (a quicker look at the costs).
    let mem: Latency | undefined;
    let cross: Latency | undefined;
    let same: Latency | undefined;
    if (!process.env.BENCH_REDIS_COST_ONLY) {
      console.log(
        `\n1. latency, invite -> onReceiveNewInvitation: ${LATENCY_SAMPLES} samples per setup after ` +
          `${LATENCY_WARMUP} warm-up, alternating blocks of ${LATENCY_BLOCK}`,
      );
      const setups = [
        await pairFor(memory.url, memory.url, 'mem'),
        await pairFor(a.url, b.url, 'cross'),
        await pairFor(a.url, a.url, 'same'),
      ];
      [mem, cross, same] = (await latency(setups)) as [Latency, Latency, Latency];
      for (const s of setups) s.close();
      const row = (name: string, l: Latency) =>
        console.log(
          `  ${name.padEnd(42)} p50 ${fmt(l.p50).padStart(6)} µs  p99 ${fmt(l.p99).padStart(6)} µs`,
        );
      row('memory, one process', mem);
      row('Redis, inviter and invitee on two processes', cross);
      row('Redis, both on one process', same);
    }
    console.log(
      `\n2. throughput: ${PAIRS} pairs, invite -> ring -> accept -> accepted, ${THROUGHPUT_MS / 1000} s`,
    );
    const info = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    // The memory store's own CPU per invitation: what the Redis store adds is the difference.
    let memCpu = Number.NaN;
    let memFirst = 0;
    const memRate = await throughput(memory.url, memory.url, 'mem', {
      begin: async () => {
        memFirst = (await memory.stats()).cpu;
      },
      end: async (n) => {
        memCpu = ((await memory.stats()).cpu - memFirst) / n;
      },
    });
    // Background: both Redis processes up, nobody connected (deadline polls, heartbeats).
    const idleA = await read(info, [a, b]);
    await sleep(IDLE_MS);
    const idleB = await read(info, [a, b]);
    const idle = costOf(idleA, idleB, idleB.at - idleA.at);
    const measured = (servers: Child[], into: { cost?: Cost }): Window => {
      let first: Reading | undefined;
      return {
        begin: async () => {
          first = await read(info, servers);
        },
        end: async (n) => {
          const last = await read(info, servers);
          if (first) into.cost = costOf(first, last, n, idle);
        },
      };
    };
    const one: { cost?: Cost } = {};
    const two: { cost?: Cost } = {};
    const oneRate = await throughput(a.url, a.url, 'one', measured([a, b], one));
    const redisRate = await throughput(a.url, b.url, 'cross', measured([a, b], two));
    console.log(`  memory, one process:              ${fmt(memRate)} invitations/s`);
    console.log(`  Redis, 1 process (both users):    ${fmt(oneRate)} invitations/s`);
    console.log(`  Redis, callers and callees split: ${fmt(redisRate)} invitations/s (2 processes)`);

    console.log(
      '\n3. cost per invitation (invite -> ring -> receipt -> accept -> accepted, history of both), ' +
        `from INFO and the processes' CPU time, background (${IDLE_MS / 1000} s idle) subtracted`,
    );
    const costRow = (name: string, c: Cost | undefined) => {
      if (!c) return;
      // A process with no client (the second in the one-process run) is all background: less the
      // idle rate it can come out a few µs below zero, shown as 0.
      console.log(
        `  ${name.padEnd(12)} server CPU ${c.serverCpu.map((x) => `${fmt(Math.max(0, x))} µs`).join(' + ')}` +
          ` | Redis: ${fmt(c.sent, 1)} commands sent (${fmt(c.scripts, 1)} script calls), ` +
          `${fmt(c.calls, 1)} executed incl. inside scripts, CPU ${fmt(c.redisCpu)} µs ` +
          `(in scripts ${fmt(c.usec)} µs), ${fmt(c.reads, 1)} socket reads and ${fmt(c.writes, 1)} writes`,
      );
      console.log(`  ${''.padEnd(12)} ${c.byName.map(([k, x]) => `${k} ${fmt(x, 1)}`).join(', ')}`);
    };
    console.log(`  ${'memory'.padEnd(12)} server CPU ${fmt(memCpu)} µs (one process, no Redis)`);
    costRow('1 process', one.cost);
    costRow('2 processes', two.cost);
    const c = two.cost;
    if (c) {
      const server = c.serverCpu.reduce((t, x) => t + x, 0);
      console.log(
        `\n  projected capacity (invitations/s) = min(N x 1e6 / ${fmt(server)} µs server CPU, ` +
          `S x 1e6 / ${fmt(c.redisCpu)} µs Redis CPU), one core per process and per shard.\n` +
          '  As built one deployment keeps its invitation core in one hash slot: its capacity is the S=1\n' +
          '  column on any cluster; S > 1 is what these per-invitation costs allow once the core spreads.',
      );
      const shards = [1, 3, 6];
      console.log(`  ${'N processes'.padEnd(12)}${shards.map((s) => `S=${s}`.padStart(10)).join('')}`);
      for (const n of [1, 2, 4, 8, 16, 32]) {
        const cells = shards.map((s) =>
          fmt(Math.min((n * 1e6) / server, (s * 1e6) / c.redisCpu)).padStart(10),
        );
        console.log(`  ${String(n).padEnd(12)}${cells.join('')}`);
      }
      console.log(
        `  targets: Redis CPU <= 100 µs: ${c.redisCpu <= 100 ? 'PASS' : 'MISS'}; ` +
          `<= 12 commands sent: ${c.sent <= 12 ? 'PASS' : 'MISS'}; ` +
          `executed incl. inside scripts <= 12: ${c.calls <= 12 ? 'PASS' : 'MISS'}`,
      );
    }
    info.disconnect();

    console.log(`\nsummary (${((performance.now() - began) / 1000).toFixed(0)} s)`);
    if (mem && cross && same) {
      const p50 = cross.p50 / mem.p50;
      console.log(
        `  cross-process p50 / memory p50: ${p50.toFixed(2)}  (target <= 3: ${p50 <= 3 ? 'PASS' : 'MISS'})`,
      );
      console.log(`  cross-process p99 / memory p99: ${(cross.p99 / mem.p99).toFixed(2)}`);
      console.log(`  same-process Redis p50 / memory p50: ${(same.p50 / mem.p50).toFixed(2)}`);
    }
    console.log(`  throughput Redis / memory: ${(redisRate / memRate).toFixed(2)}`);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await janitor.purge().catch(() => {});
    await janitor.close();
    own?.stop();
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  }
}
