/**
 * The Beckon server over real sockets against raw `ws` doing the same job, in one run:
 *
 * 1. latency: raw echo round trip vs invite -> the invitee's onReceiveNewInvitation;
 * 2. throughput: 50 one-to-one pairs (invite -> ring -> accept -> accepted) vs 50 echo loops;
 * 3. fan-out: one frame to 1,000 raw sockets vs inviteInGroup to a group of 1,000;
 * 4. memory per idle authenticated connection, with the server alone in a child process.
 *
 * Everything listens on 127.0.0.1. Servers in sections 1-3 run in this process with the
 * per-connection rate limit lifted (its default, 50/s, would measure the limiter instead).
 */
import { execSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { type BeckonServer, createBeckonServer, createToken } from '@beckon/server';
import {
  CallType,
  createCallData,
  createClassroomData,
  type SignalingClient,
  type WebSocketConstructor,
} from '@beckon/signaling';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { connectClient, fmt, percentile, SECRET, sleep, withTimeout } from './support/common.js';

const HOST = '127.0.0.1';
const NO_LIMIT = { burst: 1e9, perSecond: 1e9 };

const LATENCY_WARMUP = 500;
const LATENCY_SAMPLES = 3000;
const PAIRS = 50;
const THROUGHPUT_WARMUP_MS = 1000;
const THROUGHPUT_MS = 4000;
const FANOUT_MEMBERS = 1000;
const FANOUT_PER_ROUND = 10;
const FANOUT_WARMUP_ROUNDS = 3;
const FANOUT_ROUNDS = 20;
const IDLE_CONNECTIONS = 10_000;
const IDLE_BATCH = 500;
/** File descriptors kept free for everything else (stdio, pipes, the HTTP poller, node itself). */
const FD_MARGIN = 500;

// ---------------------------------------------------------------------------------------------
// small helpers

async function waitUntil(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`bench: timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A countdown that resolves once `n` more hits have arrived. */
class Counter {
  count = 0;
  #target = Number.POSITIVE_INFINITY;
  #resolve: (() => void) | undefined;

  hit(): void {
    this.count++;
    if (this.count >= this.#target && this.#resolve) {
      const resolve = this.#resolve;
      this.#resolve = undefined;
      resolve();
    }
  }

  /** Resolves when `count` reaches `target`. */
  reach(target: number): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    this.#target = target;
    return new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }
}

const EV_PREFIX = '{"t":"ev"';
/** The same cheap check on both sides of the fan-out: does this text frame start with `{"t":"ev"`? */
function isEventFrame(data: RawData): boolean {
  const buf = data as Buffer;
  return buf.length >= EV_PREFIX.length && buf.toString('latin1', 0, EV_PREFIX.length) === EV_PREFIX;
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Opens `count` sockets, `batch` at a time, each through `open`. */
async function openMany<T>(count: number, batch: number, open: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    const group: Promise<T>[] = [];
    for (let i = start; i < end; i++) group.push(open(i));
    out.push(...(await Promise.all(group)));
  }
  return out;
}

function closeSockets(sockets: Iterable<WebSocket>): void {
  for (const ws of sockets) ws.terminate();
}

// ---------------------------------------------------------------------------------------------
// raw ws: an echo server and a request/response client

interface RawEcho {
  readonly url: string;
  close(): Promise<void>;
}

async function startRawEcho(): Promise<RawEcho> {
  const wss = new WebSocketServer({ host: HOST, port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => {});
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://${HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        closeSockets(wss.clients);
        wss.close(() => resolve());
      }),
  };
}

/** One request in flight at a time: JSON out, JSON back, matched by id. */
class RawRequester {
  readonly #ws: WebSocket;
  #next = 1;
  #pending: { id: number; resolve: () => void } | undefined;

  constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const reply = JSON.parse((data as Buffer).toString()) as { id: number };
      const pending = this.#pending;
      if (pending !== undefined && reply.id === pending.id) {
        this.#pending = undefined;
        pending.resolve();
      }
    });
  }

  request(payload: string): Promise<void> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending = { id, resolve };
      this.#ws.send(JSON.stringify({ t: 'req', id, op: 'echo', payload }));
    });
  }

  close(): void {
    this.#ws.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Beckon: a server and SignalingClients over WebSocketTransport

function startBeckon(): Promise<BeckonServer> {
  return createBeckonServer({
    port: 0,
    host: HOST,
    secret: SECRET,
    logLevel: 'silent',
    rateLimit: NO_LIMIT,
    userRateLimit: NO_LIMIT,
  });
}

/** `ws`'s class, with a listener that runs before the transport's: the frame's arrival time. */
function timedWebSocket(onFrame: () => void): WebSocketConstructor {
  class Timed extends WebSocket {
    constructor(url: string) {
      super(url);
      this.on('message', onFrame);
    }
  }
  return Timed as unknown as WebSocketConstructor;
}

/** A raw socket authenticated to Beckon that counts event frames; resolves after its snapshot. */
async function connectCounter(server: BeckonServer, token: string, counter: Counter): Promise<WebSocket> {
  const ws = await openSocket(server.wsUrl);
  ws.on('error', () => {});
  const ready = new Promise<void>((resolve, reject) => {
    ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()}`)));
    ws.on('message', (data) => {
      if (isEventFrame(data)) counter.hit();
      else if ((data as Buffer).toString('latin1', 0, 13) === '{"t":"snapsho') resolve();
    });
  });
  ws.send(JSON.stringify({ t: 'auth', token }));
  await withTimeout(ready, 10_000, 'a member socket to authenticate');
  return ws;
}

// ---------------------------------------------------------------------------------------------
// 1. latency

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly bytes: number;
}

const LATENCY_BLOCK = 250;

function summarize(samplesMs: number[], bytes: number): Latency {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50) * 1000, p99: percentile(sorted, 99) * 1000, bytes };
}

interface GcShare {
  readonly pauses: number;
  readonly totalMs: number;
  readonly maxMs: number;
  /** Share of the phase's wall time spent in GC pauses. */
  readonly share: number;
}

interface LatencyResult {
  readonly raw: Latency;
  readonly beckon: Latency;
  readonly rawGc: GcShare;
  readonly beckonGc: GcShare;
  /** Beckon: from invite() to the frame reaching bob's socket, and from there to the event. */
  readonly toSocket: Latency;
  readonly inClient: Latency;
}

/**
 * Both setups stay up side by side and are sampled in alternating blocks, so drift and noise on
 * the machine fall on both alike.
 */
async function latency(): Promise<LatencyResult> {
  const data = createCallData({ callType: CallType.VIDEO, roomID: 'room-bench-0001' });

  // raw: ~300-byte JSON request, echoed back.
  const echo = await startRawEcho();
  const raw = new RawRequester(await openSocket(echo.url));
  const payload = 'x'.repeat(300 - JSON.stringify({ t: 'req', id: 1000, op: 'echo', payload: '' }).length);
  const rawBytes = JSON.stringify({ t: 'req', id: 1000, op: 'echo', payload }).length;
  const rawOnce = async () => {
    const start = performance.now();
    await raw.request(payload);
    return performance.now() - start;
  };

  // Beckon: alice invites bob; the clock stops in bob's onReceiveNewInvitation. Between samples
  // (untimed) alice cancels and bob sees the cancel, so no invitation piles up.
  const server = await startBeckon();
  let arrival = 0;
  const alice = await connectClient(server.wsUrl, 'alice');
  const bob = await connectClient(
    server.wsUrl,
    'bob',
    timedWebSocket(() => {
      arrival = performance.now();
    }),
  );
  let ring: ((at: number) => void) | undefined;
  let cancelled: (() => void) | undefined;
  bob.on('onReceiveNewInvitation', () => ring?.(performance.now()));
  bob.on('onInvitationCancelled', () => cancelled?.());
  const inviteBytes = JSON.stringify({
    t: 'req',
    id: 1000,
    cmd: { op: 'invite', groupID: '', inviteeList: ['bob'], data, timeout: 30, onlineUserOnly: false },
  }).length;
  const beckonOnce = async () => {
    const rang = new Promise<number>((resolve) => {
      ring = resolve;
    });
    const start = performance.now();
    const inviteID = alice.invite('bob', data, { timeout: 30 });
    const at = await rang;
    const sample = { total: at - start, toSocket: arrival - start, inClient: at - arrival };
    const gone = new Promise<void>((resolve) => {
      cancelled = resolve;
    });
    await alice.cancel(await inviteID);
    await gone;
    return sample;
  };

  for (let i = 0; i < LATENCY_WARMUP; i++) {
    await rawOnce();
    await beckonOnce();
  }
  // GC pauses, attributed to the phase (raw or Beckon block) they started in.
  const pauses: Array<{ start: number; duration: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, duration: entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const phases: Array<{ kind: 'raw' | 'beckon'; start: number; end: number }> = [];
  const rawSamples: number[] = [];
  const total: number[] = [];
  const toSocket: number[] = [];
  const inClient: number[] = [];
  while (total.length < LATENCY_SAMPLES) {
    let start = performance.now();
    for (let i = 0; i < LATENCY_BLOCK; i++) rawSamples.push(await rawOnce());
    phases.push({ kind: 'raw', start, end: performance.now() });
    start = performance.now();
    for (let i = 0; i < LATENCY_BLOCK; i++) {
      const sample = await beckonOnce();
      total.push(sample.total);
      toSocket.push(sample.toSocket);
      inClient.push(sample.inClient);
    }
    phases.push({ kind: 'beckon', start, end: performance.now() });
  }
  await sleep(50); // the observer reports asynchronously
  observer.disconnect();
  const gcOf = (kind: 'raw' | 'beckon'): GcShare => {
    const mine = phases.filter((p) => p.kind === kind);
    const inside = pauses.filter((g) => mine.some((p) => g.start >= p.start && g.start < p.end));
    const wall = mine.reduce((sum, p) => sum + p.end - p.start, 0);
    const totalMs = inside.reduce((sum, g) => sum + g.duration, 0);
    return {
      pauses: inside.length,
      totalMs,
      maxMs: Math.max(0, ...inside.map((g) => g.duration)),
      share: wall > 0 ? totalMs / wall : 0,
    };
  };
  raw.close();
  await echo.close();
  alice.close();
  bob.close();
  await server.close();
  return {
    raw: summarize(rawSamples, rawBytes),
    beckon: summarize(total, inviteBytes),
    rawGc: gcOf('raw'),
    beckonGc: gcOf('beckon'),
    toSocket: summarize(toSocket, 0),
    inClient: summarize(inClient, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// 2. throughput with many one-to-one pairs

async function runFor(loops: Array<(running: () => boolean) => Promise<void>>, counter: Counter) {
  let stop = false;
  const running = () => !stop;
  const all = Promise.all(loops.map((loop) => loop(running)));
  await sleep(THROUGHPUT_WARMUP_MS);
  const base = counter.count;
  const start = performance.now();
  await sleep(THROUGHPUT_MS);
  const done = counter.count - base;
  const seconds = (performance.now() - start) / 1000;
  stop = true;
  await all;
  return done / seconds;
}

interface Throughput {
  readonly raw: number;
  readonly beckon: number;
  /** Frames the Beckon clients received per completed invitation (raw echo: 1 per round trip). */
  readonly framesPerInvitation: number;
}

async function throughput(): Promise<Throughput> {
  // raw: PAIRS connections, each doing echo round trips back to back.
  const echo = await startRawEcho();
  const requesters = await openMany(PAIRS, PAIRS, async () => new RawRequester(await openSocket(echo.url)));
  const payload = 'x'.repeat(260);
  const rawCounter = new Counter();
  const raw = await runFor(
    requesters.map((r) => async (running) => {
      while (running()) {
        await r.request(payload);
        rawCounter.hit();
      }
    }),
    rawCounter,
  );
  for (const r of requesters) r.close();
  await echo.close();

  // Beckon: PAIRS caller/callee pairs; one invitation = invite -> callee rings -> callee accepts
  // -> caller's onInviteeAccepted.
  const server = await startBeckon();
  const data = createCallData({ callType: CallType.AUDIO, roomID: 'room-bench-0002' });
  let frames = 0;
  const Counting = timedWebSocket(() => {
    frames++;
  });
  const callers: SignalingClient[] = [];
  const callees: SignalingClient[] = [];
  for (let i = 0; i < PAIRS; i++) {
    callers.push(await connectClient(server.wsUrl, `caller-${i}`, Counting));
    const callee = await connectClient(server.wsUrl, `callee-${i}`, Counting);
    callee.on('onReceiveNewInvitation', (e) => {
      if (e.isInvitee) callee.accept(e.inviteID).catch(() => {}); // fails only at shutdown
    });
    callees.push(callee);
  }
  const counter = new Counter();
  const framesBefore = frames;
  const beckon = await runFor(
    callers.map((caller, i) => async (running) => {
      let accepted: (() => void) | undefined;
      caller.on('onInviteeAccepted', () => accepted?.());
      while (running()) {
        const done = new Promise<void>((resolve) => {
          accepted = resolve;
        });
        await caller.invite(`callee-${i}`, data, { timeout: 30 });
        await withTimeout(done, 30_000, `caller-${i}'s invitation to be accepted`);
        counter.hit();
      }
    }),
    counter,
  );
  const framesPerInvitation = (frames - framesBefore) / counter.count;
  for (const c of [...callers, ...callees]) c.close();
  await server.close();
  return { raw, beckon, framesPerInvitation };
}

// ---------------------------------------------------------------------------------------------
// 3. fan-out to 1,000 connected members

interface FanOut {
  readonly raw: number;
  readonly beckon: number;
  readonly frameBytes: number;
}

async function fanOut(): Promise<FanOut> {
  // Beckon first: it also yields a real event frame, which the raw side then broadcasts verbatim.
  const server = await startBeckon();
  const teacher = 'teacher';
  const group = await server.store.createGroup(teacher, 'bench class');
  const members = Array.from({ length: FANOUT_MEMBERS }, (_, i) => `student-${i}`);
  for (const m of members) await server.store.joinGroup(group.code, m);
  const tokens = await Promise.all(members.map((userID) => createToken({ secret: SECRET, userID })));
  const counter = new Counter();
  let frame = '';
  const sockets = await openMany(FANOUT_MEMBERS, 250, (i) =>
    connectCounter(server, tokens[i] ?? '', counter),
  );
  sockets[FANOUT_MEMBERS - 1]?.on('message', (data) => {
    if (frame === '' && isEventFrame(data)) frame = (data as Buffer).toString();
  });
  const client = await connectClient(server.wsUrl, teacher);
  const invitees = members.slice(0, 3);
  const classData = createClassroomData('speak');

  let beckonDeliveries = 0;
  let beckonMs = 0;
  for (let round = 0; round < FANOUT_WARMUP_ROUNDS + FANOUT_ROUNDS; round++) {
    const target = counter.count + FANOUT_PER_ROUND * FANOUT_MEMBERS;
    const all = counter.reach(target);
    const start = performance.now();
    const sent: Promise<string>[] = [];
    for (let k = 0; k < FANOUT_PER_ROUND; k++)
      sent.push(client.inviteInGroup(group.groupID, invitees, classData, { timeout: 0 }));
    await Promise.all(sent);
    await withTimeout(all, 30_000, 'every member to receive the group invitations');
    if (round >= FANOUT_WARMUP_ROUNDS) {
      beckonMs += performance.now() - start;
      beckonDeliveries += FANOUT_PER_ROUND * FANOUT_MEMBERS;
    }
  }
  client.close();
  closeSockets(sockets);
  await server.close();
  if (frame === '') throw new Error('bench: no event frame was captured');

  // raw: one pre-serialized string (the captured Beckon frame) sent to every client.
  const wss = new WebSocketServer({ host: HOST, port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => ws.on('error', () => {}));
  const url = `ws://${HOST}:${(wss.address() as { port: number }).port}`;
  const rawCounter = new Counter();
  const rawSockets = await openMany(FANOUT_MEMBERS, 250, async () => {
    const ws = await openSocket(url);
    ws.on('message', (data) => {
      if (isEventFrame(data)) rawCounter.hit();
    });
    return ws;
  });
  await waitUntil(() => wss.clients.size === FANOUT_MEMBERS, 10_000, 'raw fan-out clients');
  let rawDeliveries = 0;
  let rawMs = 0;
  for (let round = 0; round < FANOUT_WARMUP_ROUNDS + FANOUT_ROUNDS; round++) {
    const target = rawCounter.count + FANOUT_PER_ROUND * FANOUT_MEMBERS;
    const all = rawCounter.reach(target);
    const start = performance.now();
    for (let k = 0; k < FANOUT_PER_ROUND; k++) for (const ws of wss.clients) ws.send(frame);
    await withTimeout(all, 30_000, 'every raw client to receive the broadcast');
    if (round >= FANOUT_WARMUP_ROUNDS) {
      rawMs += performance.now() - start;
      rawDeliveries += FANOUT_PER_ROUND * FANOUT_MEMBERS;
    }
  }
  closeSockets(rawSockets);
  closeSockets(wss.clients);
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  return {
    raw: rawDeliveries / (rawMs / 1000),
    beckon: beckonDeliveries / (beckonMs / 1000),
    frameBytes: Buffer.byteLength(frame),
  };
}

// ---------------------------------------------------------------------------------------------
// 4. memory per idle authenticated connection (server in a child process)

interface Memory {
  readonly connections: number;
  readonly heapExternalKiB: number;
  readonly rssKiB: number;
  readonly heapKiB: number;
  readonly externalKiB: number;
  readonly notes: string[];
}

interface MemReply {
  readonly mem: NodeJS.MemoryUsage;
  readonly connections: number;
}

function fdLimit(): number {
  const text = execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim();
  return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text);
}

type IdleMode = 'raw' | 'beckon';

async function memory(mode: IdleMode): Promise<Memory> {
  const notes: string[] = [];
  let count = IDLE_CONNECTIONS;
  const parentLimit = fdLimit();
  if (parentLimit < count + FD_MARGIN) {
    count = Math.max(IDLE_BATCH, Math.floor((parentLimit - FD_MARGIN) / IDLE_BATCH) * IDLE_BATCH);
    notes.push(
      `the bench process may open ${parentLimit} files (ulimit -n); measured with ${count} ` +
        `connections instead of ${IDLE_CONNECTIONS}. Raise the limit (ulimit -n 25000) for the full figure.`,
    );
  }

  // The child raises its own limit when it can (up to the hard limit otherwise).
  const root = join(import.meta.dirname, '..');
  const script = join(import.meta.dirname, 'support', 'idle-server.ts');
  const node = `'${process.execPath}' --expose-gc --conditions=source --import tsx '${script}'`;
  const child = spawn(
    'bash',
    ['-c', `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${node}`],
    {
      cwd: root,
      env: { ...process.env, BECKON_BENCH_SECRET: SECRET, BENCH_IDLE_MODE: mode },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const queue: string[] = [];
  let waiter: ((line: string) => void) | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(line);
    } else queue.push(line);
  });
  const nextLine = (what: string) =>
    withTimeout(
      Promise.race([
        new Promise<string>((resolve) => {
          const queued = queue.shift();
          if (queued !== undefined) resolve(queued);
          else waiter = resolve;
        }),
        exited.then((code) => {
          throw new Error(`bench: the idle server exited (code ${code}) before ${what}`);
        }),
      ]),
      30_000,
      what,
    );
  const mem = async (): Promise<MemReply> => {
    child.stdin.write('mem\n');
    return JSON.parse(await nextLine('a memory reading')) as MemReply;
  };

  const sockets: WebSocket[] = [];
  try {
    const hello = JSON.parse(await nextLine('the idle server to start')) as { port: number; fdLimit: string };
    const childLimit = hello.fdLimit === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hello.fdLimit);
    if (childLimit < count + FD_MARGIN) {
      const fit = Math.max(IDLE_BATCH, Math.floor((childLimit - FD_MARGIN) / IDLE_BATCH) * IDLE_BATCH);
      notes.push(
        `the server process may open ${childLimit} files; measured with ${fit} connections instead of ${count}.`,
      );
      count = fit;
    }
    const url = `ws://${HOST}:${hello.port}`;
    const healthz = `http://${HOST}:${hello.port}/healthz`;
    const connected = async () =>
      ((await (await fetch(healthz)).json()) as { connections: number }).connections;

    const tokens =
      mode === 'raw'
        ? []
        : await Promise.all(
            Array.from({ length: count }, (_, i) => createToken({ secret: SECRET, userID: `idle-${i}` })),
          );
    const authenticate = async (token: string): Promise<WebSocket> => {
      const ws = await openSocket(url);
      ws.on('error', () => {});
      if (mode === 'raw') return ws; // the baseline: an open socket, nothing more
      const ready = new Promise<void>((resolve, reject) => {
        ws.once('close', (code) => reject(new Error(`idle socket closed with ${code}`)));
        const onMessage = (data: RawData) => {
          if ((data as Buffer).toString('latin1', 0, 13) === '{"t":"snapsho') {
            ws.off('message', onMessage);
            resolve();
          }
        };
        ws.on('message', onMessage);
      });
      ws.send(JSON.stringify({ t: 'auth', token }));
      await withTimeout(ready, 30_000, 'an idle socket to authenticate');
      ws.removeAllListeners('close');
      return ws;
    };

    // Warm-up: run every code path once (handshake, auth, snapshot, close) before the baseline.
    const warm = await openMany(Math.min(500, count), IDLE_BATCH, (i) => authenticate(tokens[i] ?? ''));
    for (const ws of warm) ws.close();
    await waitUntil(async () => (await connected()) === 0, 30_000, 'warm-up sockets to close');
    await sleep(500);
    const before = await mem();

    const start = performance.now();
    for (let at = 0; at < count; at += IDLE_BATCH) {
      const end = Math.min(count, at + IDLE_BATCH);
      const batch: Promise<WebSocket>[] = [];
      for (let i = at; i < end; i++) batch.push(authenticate(tokens[i] ?? ''));
      sockets.push(...(await Promise.all(batch)));
    }
    await waitUntil(async () => (await connected()) === count, 60_000, `${count} connections on the server`);
    const openSeconds = (performance.now() - start) / 1000;
    await sleep(1000);
    const after = await mem();
    if (after.connections !== count) notes.push(`server counted ${after.connections} connections`);
    notes.push(
      `${mode}: ${mode === 'raw' ? 'opened' : 'opened and authenticated'} ${fmt(count)} sockets in ` +
        `${fmt(openSeconds, 1)} s; server fd limit ${hello.fdLimit}, bench fd limit ${parentLimit}`,
    );
    const perConnection = (a: number, b: number) => (a - b) / count / 1024;
    return {
      connections: count,
      heapExternalKiB: perConnection(
        after.mem.heapUsed + after.mem.external,
        before.mem.heapUsed + before.mem.external,
      ),
      heapKiB: perConnection(after.mem.heapUsed, before.mem.heapUsed),
      externalKiB: perConnection(after.mem.external, before.mem.external),
      rssKiB: perConnection(after.mem.rss, before.mem.rss),
      notes,
    };
  } finally {
    closeSockets(sockets);
    if (child.exitCode === null) {
      child.stdin.write('quit\n');
      const code = await Promise.race([exited, sleep(10_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') child.kill('SIGKILL');
    }
  }
}

// ---------------------------------------------------------------------------------------------

interface Row {
  readonly metric: string;
  readonly raw: string;
  readonly beckon: string;
  readonly ratio: string;
  readonly target: string;
  readonly pass: boolean | undefined;
}

function table(rows: readonly Row[]): void {
  const head = ['figure', 'raw ws', 'Beckon', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [
    r.metric,
    r.raw,
    r.beckon,
    r.ratio,
    r.target,
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'MISS',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c.map((s, i) => (i === 0 ? s.padEnd(widths[i] ?? 0) : s.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

const kib = (n: number) => n.toFixed(2);

export async function run(): Promise<void> {
  const began = performance.now();
  console.log('Beckon server vs raw ws, same process, 127.0.0.1 (rate limit lifted in sections 1-3)');

  console.log(
    `\n1. latency: ${LATENCY_SAMPLES} sequential samples each, after ${LATENCY_WARMUP} warm-up, ` +
      `in alternating blocks of ${LATENCY_BLOCK}`,
  );
  const lat = await latency();
  console.log(
    `  raw ws echo (${lat.raw.bytes} B JSON request):              p50 ${fmt(lat.raw.p50)} µs  ` +
      `p99 ${fmt(lat.raw.p99)} µs`,
  );
  console.log(
    `  Beckon invite -> onReceiveNewInvitation (${lat.beckon.bytes} B):  p50 ${fmt(lat.beckon.p50)} µs  ` +
      `p99 ${fmt(lat.beckon.p99)} µs`,
  );
  console.log(
    `    of which invite() -> frame at bob's socket p50 ${fmt(lat.toSocket.p50)} µs ` +
      `(p99 ${fmt(lat.toSocket.p99)}), bob's client (parse, apply, emit) p50 ${fmt(lat.inClient.p50)} µs ` +
      `(p99 ${fmt(lat.inClient.p99)})`,
  );
  const gcLine = (g: GcShare) =>
    `${g.pauses} pause(s), ${fmt(g.totalMs, 1)} ms (${(g.share * 100).toFixed(1)}% of the time), ` +
    `longest ${fmt(g.maxMs, 1)} ms`;
  console.log(`    GC while sampling raw: ${gcLine(lat.rawGc)}`);
  console.log(`    GC while sampling Beckon: ${gcLine(lat.beckonGc)}`);
  const p50Ratio = lat.beckon.p50 / lat.raw.p50;
  const p99Ratio = lat.beckon.p99 / lat.raw.p99;
  console.log(`  ratio Beckon/raw: p50 ${p50Ratio.toFixed(2)}  p99 ${p99Ratio.toFixed(2)}`);

  console.log(`\n2. throughput: ${PAIRS} concurrent pairs / connections, ${THROUGHPUT_MS / 1000} s measured`);
  const tp = await throughput();
  console.log(`  raw ws echo round trips:                     ${fmt(tp.raw)} /s`);
  console.log(`  Beckon invite -> ring -> accept -> accepted: ${fmt(tp.beckon)} /s`);
  console.log(
    `    frames received by clients per invitation: ${tp.framesPerInvitation.toFixed(2)} ` +
      '(raw: 1 per round trip); requests sent: 2 (raw: 1)',
  );
  const tpRatio = tp.beckon / tp.raw;
  console.log(`  ratio Beckon/raw: ${tpRatio.toFixed(2)}`);

  console.log(
    `\n3. fan-out: ${FANOUT_MEMBERS} receivers, ${FANOUT_ROUNDS} rounds of ${FANOUT_PER_ROUND} messages ` +
      `after ${FANOUT_WARMUP_ROUNDS} warm-up rounds`,
  );
  const fo = await fanOut();
  console.log(`  frame: ${fo.frameBytes} B (a captured Beckon event frame, sent verbatim by the raw server)`);
  console.log(`  raw ws broadcast:     ${fmt(fo.raw)} deliveries/s`);
  console.log(`  Beckon inviteInGroup: ${fmt(fo.beckon)} deliveries/s`);
  const foRatio = fo.beckon / fo.raw;
  console.log(`  ratio Beckon/raw: ${foRatio.toFixed(2)}`);

  console.log('\n4. memory per idle connection (each server alone in a child process)');
  const rawMem = await memory('raw');
  const mem = await memory('beckon');
  for (const note of new Set([...rawMem.notes, ...mem.notes])) console.log(`  note: ${note}`);
  for (const [name, m] of [
    ['raw ws (open socket)', rawMem],
    ['Beckon (authenticated)', mem],
  ] as const) {
    console.log(
      `  ${name}, ${fmt(m.connections)} connections: heap+external ${kib(m.heapExternalKiB)} KiB ` +
        `(heap ${kib(m.heapKiB)}, external ${kib(m.externalKiB)}), RSS ${kib(m.rssKiB)} KiB`,
    );
  }

  console.log(`\nsummary (${((performance.now() - began) / 1000).toFixed(0)} s)`);
  table([
    {
      metric: 'latency p50 (µs)',
      raw: fmt(lat.raw.p50),
      beckon: fmt(lat.beckon.p50),
      ratio: p50Ratio.toFixed(2),
      target: '<= 1.5',
      pass: p50Ratio <= 1.5,
    },
    {
      metric: 'latency p99 (µs)',
      raw: fmt(lat.raw.p99),
      beckon: fmt(lat.beckon.p99),
      ratio: p99Ratio.toFixed(2),
      target: '<= 1.5',
      pass: p99Ratio <= 1.5,
    },
    {
      metric: `throughput, ${PAIRS} pairs (/s)`,
      raw: fmt(tp.raw),
      beckon: fmt(tp.beckon),
      ratio: tpRatio.toFixed(2),
      target: '>= 0.35',
      pass: tpRatio >= 0.35,
    },
    {
      metric: `fan-out to ${FANOUT_MEMBERS} (deliveries/s)`,
      raw: fmt(fo.raw),
      beckon: fmt(fo.beckon),
      ratio: foRatio.toFixed(2),
      target: '>= 0.6',
      pass: foRatio >= 0.6,
    },
    {
      metric: `idle conn heap+external (KiB, n=${fmt(mem.connections)})`,
      raw: kib(rawMem.heapExternalKiB),
      beckon: kib(mem.heapExternalKiB),
      ratio: '',
      target: '<= 16',
      pass: mem.heapExternalKiB <= 16,
    },
    {
      metric: `idle conn RSS (KiB, n=${fmt(mem.connections)})`,
      raw: kib(rawMem.rssKiB),
      beckon: kib(mem.rssKiB),
      ratio: '',
      target: '<= 16',
      pass: mem.rssKiB <= 16,
    },
  ]);
  if (mem.connections < IDLE_CONNECTIONS)
    console.log(`note: memory measured with ${mem.connections} connections, not ${IDLE_CONNECTIONS}`);
}
