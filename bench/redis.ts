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
import { createInterface } from 'node:readline';
import { createBeckonServer, RedisStore } from '@beckon/server';
import { CallType, createCallData, type SignalingClient } from '@beckon/signaling';
import { connectClient, fmt, percentile, SECRET, sleep, withTimeout } from './support/common.js';

const HOST = '127.0.0.1';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const LATENCY_WARMUP = 300;
const LATENCY_SAMPLES = 2000;
const LATENCY_BLOCK = 250;
const PAIRS = 50;
const THROUGHPUT_WARMUP_MS = 1000;
const THROUGHPUT_MS = 4000;

// ---------------------------------------------------------------------------------------------
// the child: one server process (memory store, or a node of the Redis deployment)

if (process.env.BENCH_REDIS_CHILD) {
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
  process.stdin.resume();
}

// ---------------------------------------------------------------------------------------------
// small helpers

interface Child {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts this file as a server process; resolves once it listens. */
async function startChild(mode: 'memory' | 'redis', prefix: string): Promise<Child> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', import.meta.filename],
    {
      cwd: import.meta.dirname,
      env: { ...process.env, BENCH_REDIS_CHILD: mode, BENCH_REDIS_PREFIX: prefix },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await withTimeout(
    new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
        resolve((JSON.parse(line) as { port: number }).port),
      );
      void exited.then(() => reject(new Error(`bench: the ${mode} server exited at start`)));
    }),
    20_000,
    `the ${mode} server to start`,
  );
  return {
    url: `ws://${HOST}:${port}`,
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

async function throughput(callersAt: string, calleesAt: string, tag: string): Promise<number> {
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
  const base = done;
  const start = performance.now();
  await sleep(THROUGHPUT_MS);
  const rate = (done - base) / ((performance.now() - start) / 1000);
  stop = true;
  await Promise.all(loops);
  for (const c of [...callers, ...callees]) c.close();
  return rate;
}

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const began = performance.now();
  const prefix = `beckon-bench-${randomBytes(6).toString('hex')}:`;
  const janitor = new RedisStore({ url: REDIS_URL, prefix });
  try {
    await janitor.purge();
  } catch (error) {
    throw new Error(`bench: Redis at ${new URL(REDIS_URL).host} is not reachable (${String(error)})`);
  }
  console.log(
    `memory store (1 process) vs Redis store (2 processes, Redis at ${new URL(REDIS_URL).host}), ` +
      'every server in a child process, clients here, rate limit lifted',
  );
  const children: Child[] = [];
  try {
    const memory = await startChild('memory', prefix);
    children.push(memory);
    const a = await startChild('redis', prefix);
    children.push(a);
    const b = await startChild('redis', prefix);
    children.push(b);

    console.log(
      `\n1. latency, invite -> onReceiveNewInvitation: ${LATENCY_SAMPLES} samples per setup after ` +
        `${LATENCY_WARMUP} warm-up, alternating blocks of ${LATENCY_BLOCK}`,
    );
    const setups = [
      await pairFor(memory.url, memory.url, 'mem'),
      await pairFor(a.url, b.url, 'cross'),
      await pairFor(a.url, a.url, 'same'),
    ];
    const [mem, cross, same] = (await latency(setups)) as [Latency, Latency, Latency];
    for (const s of setups) s.close();
    const row = (name: string, l: Latency) =>
      console.log(`  ${name.padEnd(42)} p50 ${fmt(l.p50).padStart(6)} µs  p99 ${fmt(l.p99).padStart(6)} µs`);
    row('memory, one process', mem);
    row('Redis, inviter and invitee on two processes', cross);
    row('Redis, both on one process', same);

    console.log(
      `\n2. throughput: ${PAIRS} pairs, invite -> ring -> accept -> accepted, ${THROUGHPUT_MS / 1000} s`,
    );
    const memRate = await throughput(memory.url, memory.url, 'mem');
    const redisRate = await throughput(a.url, b.url, 'cross');
    console.log(`  memory, one process:            ${fmt(memRate)} invitations/s`);
    console.log(`  Redis, callers and callees split: ${fmt(redisRate)} invitations/s`);

    const p50 = cross.p50 / mem.p50;
    console.log(`\nsummary (${((performance.now() - began) / 1000).toFixed(0)} s)`);
    console.log(
      `  cross-process p50 / memory p50: ${p50.toFixed(2)}  (target <= 3: ${p50 <= 3 ? 'PASS' : 'MISS'})`,
    );
    console.log(`  cross-process p99 / memory p99: ${(cross.p99 / mem.p99).toFixed(2)}`);
    console.log(`  same-process Redis p50 / memory p50: ${(same.p50 / mem.p50).toFixed(2)}`);
    console.log(`  throughput Redis / memory: ${(redisRate / memRate).toFixed(2)}`);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await janitor.purge().catch(() => {});
    await janitor.close();
  }
}
