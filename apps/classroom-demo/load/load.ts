/**
 * Classroom load: a teacher and STUDENTS (default 500) headless students on real WebSockets run
 * ROUNDS (default 3) rounds of raising hands; for every client (teacher and students) the script
 * measures the time from the moment the server received the last hand until that client's view
 * held every raised hand, and checks that its derived queue (`selectClassroom` over its own
 * view) then equals the authority's (derived after the round's frames, so the clients sharing a
 * load process do not wait behind each other's derivations; a queue that differs counts from
 * when it first matched), and prints
 * p50, p99 and max per round and overall, with the server's intake of hands per second.
 *
 *   pnpm --filter classroom-demo load
 *   STUDENTS=50 ROUNDS=5 pnpm --filter classroom-demo load
 *   BECKON_URL=http://127.0.0.1:8787 pnpm --filter classroom-demo load   (a dev-mode server)
 *   STUDENTS=1000 pnpm --filter classroom-demo load
 *   SIZES=250,500,1000 pnpm --filter classroom-demo load   (one run per size, then the per-student cost)
 *
 * Per round it also prints the frames the server sent (its `beckon_frames_sent_total`), the CPU
 * time of the server's process and of the student processes (the load generator: its share of
 * its own wall time says whether it, not the server, was the bottleneck).
 *
 * Without BECKON_URL the server runs in this process on 127.0.0.1 (port 0, memory store, the
 * per-connection rate limit raised so the teacher's "lower all" is not throttled). The students
 * run in STUDENT_PROCESSES (default 2) child processes, so the server and the 500 clients do not
 * share one core (two halves of the class also keep each other's backlog shorter than one process
 * of 500 does; measured on 2 cores). Environment: STUDENTS, ROUNDS, BATCH (connections per batch, 50), JITTER_MS
 * (each student raises after a random 0..JITTER_MS ms, 100), CONVERGE_TIMEOUT_MS (per phase,
 * 30000), TIME_LIMIT_S (the whole run, 170), STUDENT_PROCESSES, PROF_DIR (the student processes write
 * V8 CPU profiles there), HOLD (1: students' frames held during a burst, see DeviceGate; 0: handled
 * as they come), QUIET_MS (the silence that ends a burst, 250), GROUP_NOTICE_MS and BATCH_QUIET_MS
 * (the in-process servers' groupNoticeMs and classroomBatch.quietMs), REDIS_URL (the in-process
 * servers on this Redis, SERVERS of them, default 2, the student processes split over them; the
 * run's keys are removed at the end).
 *
 * Times are epoch ms on this machine: the in-process server stamps `createdAt` with the same
 * clock; with BECKON_URL the server's stamps are shifted by the teacher's measured clock offset.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type BeckonServer, createBeckonServer, createToken, RedisStore } from '@beckon/server';
import { ErrorCode, type InvitationRecord, parseClassroomData, SignalingError } from '@beckon/signaling';
import {
  cpuMs,
  createLoadClient,
  type FromStudents,
  isHandMarker,
  type LoadClient,
  queueKey,
  type StudentCredential,
  sleep,
  type ToStudents,
  waitUntil,
} from './shared.js';

// ---------------------------------------------------------------------------------------------
// configuration

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

const STUDENTS = intEnv('STUDENTS', 500, 1);
const ROUNDS = intEnv('ROUNDS', 3, 1);
const BATCH = intEnv('BATCH', 50, 1);
const JITTER_MS = intEnv('JITTER_MS', 100, 0);
const CONVERGE_TIMEOUT_MS = intEnv('CONVERGE_TIMEOUT_MS', 30_000, 100);
const TIME_LIMIT_MS = intEnv('TIME_LIMIT_S', 170, 5) * 1000;
const STUDENT_PROCESSES = Math.min(STUDENTS, intEnv('STUDENT_PROCESSES', 2, 1));
const BECKON_URL = process.env.BECKON_URL?.trim() || undefined;
/** REDIS_URL: the in-process servers run on this Redis (a prefix of their own), SERVERS of them. */
const REDIS_URL = process.env.REDIS_URL?.trim() || undefined;
const SERVERS = REDIS_URL === undefined ? 1 : intEnv('SERVERS', 2, 1);
/** HOLD=0: students handle frames as they come, behind the other clients of their process. */
const HOLD = intEnv('HOLD', 1, 0) !== 0;
const QUIET_MS = intEnv('QUIET_MS', 250, 10);
/** The in-process server's `groupNoticeMs` (its default when unset; 1 = a notice per change). */
const GROUP_NOTICE_MS = process.env.GROUP_NOTICE_MS ? intEnv('GROUP_NOTICE_MS', 500, 1) : undefined;
/** The in-process servers' `classroomBatch.quietMs` (their default when unset). */
const BATCH_QUIET_MS = process.env.BATCH_QUIET_MS ? intEnv('BATCH_QUIET_MS', 50, 1) : undefined;
/** No group notice for this long after the connects: the class is settled, the rounds can start. */
const SETTLE_MS = 1000;

const started = Date.now();
const hardDeadline = started + TIME_LIMIT_MS;
/** A phase's deadline: its own timeout, never past the whole run's. */
const phaseDeadline = (ms = CONVERGE_TIMEOUT_MS) => Math.min(hardDeadline, Date.now() + ms);

const log = (line: string) => {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${s}s] ${line}\n`);
};

// ---------------------------------------------------------------------------------------------
// statistics

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : 'n/a');
const rate = (n: number) => (Number.isFinite(n) ? `${n.toFixed(0)}/s` : 'n/a');

interface RoundResult {
  readonly index: number;
  readonly hands: number;
  /** Server time between the first and the last hand of the round. */
  readonly intakeMs: number;
  /** From the teacher opening the round to the last client converging. */
  readonly roundMs: number;
  /** Convergence of every client, ms after the server received the last hand. */
  readonly samples: readonly number[];
  /** The same on each client's own device (its socket's receipt plus its own handling). */
  readonly ownSamples: readonly number[];
  readonly teacherMs: number;
  readonly mismatched: number;
  /** From the teacher's closeRound to the last client whose queue emptied. */
  readonly closeMs: number;
  /** The close on each client's own device. */
  readonly ownCloseMs: number;
  /** WebSocket frames the server sent from the open to every queue empty after the close. */
  readonly frames: number;
  /** CPU time of this process (the server and the teacher's client) over the round. */
  readonly serverCpuMs: number;
  /** CPU time of the student processes (the load generator) over the round. */
  readonly studentsCpuMs: number;
  /** Wall time of the round, open to every queue empty. */
  readonly wallMs: number;
  /** HOLD: the longest a student process's event loop was busy while frames were held (stamp error). */
  readonly stampMaxMs: number;
  /** HOLD: frames that arrived while held ones were handed on (stamped possibly late). */
  readonly lateArrivals: number;
}

// ---------------------------------------------------------------------------------------------
// student processes

class StudentProcess {
  readonly child: ChildProcess;
  readonly count: number;
  connected = 0;
  /** The process's CPU time (ms) as it last reported it. */
  cpuMs = 0;
  /** Students done raising in the current round, as last reported. */
  raising = 0;
  #waiters = new Set<{
    t: FromStudents['t'];
    resolve: (m: FromStudents) => void;
    reject: (e: Error) => void;
  }>();
  #exited = false;
  #failure: Error | undefined;

  constructor(
    readonly id: number,
    count: number,
  ) {
    this.count = count;
    this.child = fork(fileURLToPath(new URL('./students.ts', import.meta.url)), [], {
      serialization: 'advanced',
      // Hundreds of clients churn through short-lived frames: a larger young generation means
      // fewer scavenges stealing time from them.
      execArgv: [
        ...process.execArgv,
        '--max-semi-space-size=32',
        ...(process.env.PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF_DIR}`] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: FromStudents) => {
      if (m.t === 'progress' || m.t === 'ready') this.connected = m.connected;
      if (m.t === 'ready' || m.t === 'cleared') this.cpuMs = m.cpuMs;
      if (m.t === 'raising') this.raising = m.done;
      if (m.t === 'error') return this.#fail(new Error(`student process ${id}: ${m.message}`));
      for (const w of this.#waiters) {
        if (w.t !== m.t) continue;
        this.#waiters.delete(w);
        w.resolve(m);
      }
    });
    this.child.on('exit', (code, signal) => {
      this.#exited = true;
      this.#fail(new Error(`student process ${id} exited (${signal ?? `code ${code}`})`));
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const w of this.#waiters) w.reject(error);
    this.#waiters.clear();
  }

  get exited(): boolean {
    return this.#exited;
  }

  send(message: ToStudents): void {
    if (!this.#exited) this.child.send(message);
  }

  /** The next message of kind `t`, or an error at the deadline. */
  wait<T extends FromStudents['t']>(
    t: T,
    deadline: number,
    what: string,
  ): Promise<Extract<FromStudents, { t: T }>> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.#waiters.delete(waiter);
          reject(new Error(`timed out waiting for ${what} (student process ${this.id})`));
        },
        Math.max(0, deadline - Date.now()),
      );
      const waiter = {
        t,
        resolve: (m: FromStudents) => {
          clearTimeout(timer);
          resolve(m as Extract<FromStudents, { t: T }>);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  async shutdown(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ t: 'shutdown' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// the run

const resources: {
  /** The in-process servers (none with BECKON_URL); the teacher is on the first. */
  servers: BeckonServer[];
  /** REDIS_URL: the key prefix of this run, removed at the end. */
  redisPrefix?: string;
  teacher?: LoadClient;
  processes: StudentProcess[];
} = { servers: [], processes: [] };

async function cleanup(): Promise<void> {
  await Promise.allSettled(resources.processes.map((p) => p.shutdown()));
  resources.teacher?.client.close();
  await Promise.allSettled(resources.servers.map((s) => s.close()));
  if (REDIS_URL !== undefined && resources.redisPrefix !== undefined)
    await removeKeys(REDIS_URL, resources.redisPrefix);
}

/** Deletes this run's keys (the store's own `purge`: every key under the prefix). */
async function removeKeys(url: string, prefix: string): Promise<void> {
  const janitor = new RedisStore({ url, prefix });
  try {
    await janitor.purge();
  } catch (error) {
    log(`the run's Redis keys (${prefix}*) were not all removed: ${(error as Error).message}`);
  } finally {
    await janitor.close();
  }
}

/** Metric lines of every in-process server, summed per line name. */
function serverMetric(prefix: string): string[] {
  const sums = new Map<string, number>();
  for (const server of resources.servers)
    for (const line of server.metrics.render().split('\n')) {
      if (!line.startsWith(prefix)) continue;
      const space = line.lastIndexOf(' ');
      const name = line.slice(0, space);
      sums.set(name, (sums.get(name) ?? 0) + Number(line.slice(space + 1)));
    }
  return [...sums].map(([name, value]) => `${name} ${value}`);
}

async function httpJson(url: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i] as T);
      }
    }),
  );
  return out;
}

async function main(): Promise<{ results: RoundResult[]; connectMs: number }> {
  const tag = randomBytes(3).toString('hex');
  const teacherID = `teacher-${tag}`;
  const studentIDs = Array.from(
    { length: STUDENTS },
    (_, i) => `student-${String(i + 1).padStart(4, '0')}-${tag}`,
  );

  // The server: in this process, or BECKON_URL (a dev-mode server, for /dev/token).
  let httpUrl: string;
  let token: (userID: string) => Promise<string>;
  let wsUrls: string[];
  if (BECKON_URL === undefined) {
    const secret = randomBytes(32).toString('hex');
    const redisPrefix = `beckon-load-${tag}:`;
    resources.redisPrefix = redisPrefix;
    const options = () => ({
      port: 0,
      host: '127.0.0.1',
      secret,
      logLevel: 'warn',
      maxInvitees: Math.max(1000, STUDENTS),
      // The teacher lowers every hand at once; the default buckets (burst 100, 50/s per socket,
      // 200 and 100/s per user) would throttle it.
      rateLimit: { burst: 100_000, perSecond: 100_000 },
      userRateLimit: { burst: 100_000, perSecond: 100_000 },
      // On a shared 2-core machine a student process can be starved for longer than the default
      // 15 s ping: the run measures the classroom, not the dead-socket check.
      heartbeatMs: 60_000,
      ...(BATCH_QUIET_MS === undefined ? {} : { classroomBatch: { quietMs: BATCH_QUIET_MS } }),
      ...(GROUP_NOTICE_MS === undefined ? {} : { groupNoticeMs: GROUP_NOTICE_MS }),
      ...(REDIS_URL === undefined
        ? {}
        : {
            store: new RedisStore({
              url: REDIS_URL,
              prefix: redisPrefix,
              maxInvitees: Math.max(1000, STUDENTS),
            }),
          }),
    });
    for (let i = 0; i < SERVERS; i++) resources.servers.push(await createBeckonServer(options()));
    const [first] = resources.servers as [BeckonServer];
    httpUrl = first.url;
    wsUrls = resources.servers.map((s) => s.wsUrl);
    token = (userID) => createToken({ secret, userID });
    log(
      REDIS_URL === undefined
        ? `server listening on ${first.url} (in-process, memory store)`
        : `${SERVERS} servers (in-process) on ${wsUrls.join(', ')}, sharing the Redis at ${REDIS_URL} (prefix ${redisPrefix})`,
    );
  } else {
    httpUrl = BECKON_URL.replace(/^ws/, 'http').replace(/\/+$/, '');
    token = async (userID) => {
      const body = await httpJson(`${httpUrl}/dev/token?user=${encodeURIComponent(userID)}`);
      if (typeof body.token !== 'string') throw new Error('the server minted no token (is it in dev mode?)');
      return body.token;
    };
    log(`using the server at ${httpUrl}`);
    wsUrls = [httpUrl.replace(/^http/, 'ws')];
  }
  const wsUrl = wsUrls[0] as string;

  const teacherToken = await token(teacherID);
  const credentials: StudentCredential[] = await pool(studentIDs, 50, async (userID) => ({
    userID,
    token: await token(userID),
  }));

  // The class.
  let groupID: string;
  const server = resources.servers[0];
  if (server) {
    const group = await server.store.createGroup(teacherID, `Load ${tag}`);
    for (const s of studentIDs) await server.store.joinGroup(group.code, s);
    groupID = group.groupID;
  } else {
    const auth = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
    const group = await httpJson(`${httpUrl}/groups`, {
      method: 'POST',
      headers: auth(teacherToken),
      body: JSON.stringify({ name: `Load ${tag}` }),
    });
    const code = String(group.code);
    groupID = String(group.groupID);
    await pool(credentials, 50, (c) =>
      httpJson(`${httpUrl}/groups/join`, {
        method: 'POST',
        headers: auth(c.token),
        body: JSON.stringify({ code }),
      }),
    );
  }
  log(`class ${groupID}: teacher ${teacherID} and ${STUDENTS} students`);

  // Connect: the teacher, then the students in batches.
  const connectStart = Date.now();
  const connectFrames0 = await serverFrames(httpUrl);
  const teacher = createLoadClient({ wsUrl, token: teacherToken, groupID });
  resources.teacher = teacher;
  await withTimeout(teacher.ready, phaseDeadline(60_000), 'the teacher to connect');
  const shares = Array.from({ length: STUDENT_PROCESSES }, (_, p) =>
    credentials.filter((_, i) => i % STUDENT_PROCESSES === p),
  );
  const processes = shares.map((share, p) => new StudentProcess(p, share.length));
  resources.processes = processes;
  const connectDeadline = phaseDeadline(90_000);
  const progress = setInterval(() => {
    log(`connected ${processes.reduce((n, p) => n + p.connected, 0)}/${STUDENTS} students`);
  }, 2000);
  try {
    for (const [p, proc] of processes.entries()) {
      proc.send({
        t: 'init',
        // With several servers, each student process connects to one of them in turn.
        wsUrl: wsUrls[p % wsUrls.length] as string,
        groupID,
        students: shares[p] ?? [],
        batch: Math.max(1, Math.floor(BATCH / STUDENT_PROCESSES)),
        connectTimeoutMs: connectDeadline - Date.now(),
      });
    }
    await Promise.all(processes.map((p) => p.wait('ready', connectDeadline + 1000, 'students to connect')));
  } finally {
    clearInterval(progress);
  }
  const connectMs = Date.now() - connectStart;
  log(`all ${STUDENTS} students connected in ${ms(connectMs)} (batches of ${BATCH})`);
  if (server) log(`server connections: ${resources.servers.map((s) => s.metrics.connections).join(' + ')}`);
  // The connects' presence notices (one per member per groupNoticeMs) end before the rounds start.
  let lastNotice = Date.now();
  const offNotices = teacher.client.on('onGroupChanged', () => {
    lastNotice = Date.now();
  });
  await waitUntil(() => Date.now() - lastNotice >= SETTLE_MS, phaseDeadline(), 'the class to settle');
  offNotices();
  const connectFrames = (await serverFrames(httpUrl)) - connectFrames0;
  log(
    `the class settled: ${connectFrames} frames sent while it connected (${(connectFrames / STUDENTS).toFixed(2)} per student)`,
  );

  const results: RoundResult[] = [];
  for (let index = 1; index <= ROUNDS; index++) {
    results.push(
      await round(index, { teacher, teacherID, teacherToken, groupID, studentIDs, processes, wsUrl }),
    );
  }
  return { results, connectMs };
}

/** `promise`, or an error naming `what` at the deadline (the timer never outlives it). */
async function withTimeout<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}`)),
          Math.max(0, deadline - Date.now()),
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a teacher action again while the server answers 9004 (a remote server keeps its default
 * per-connection rate limit, which 500 rejects at once exceed), waiting as long as it says.
 */
async function retryThrottled<T>(action: () => Promise<T>, deadline: number, what: string): Promise<T> {
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof SignalingError)) throw error;
      if (error.code !== ErrorCode.RATE_LIMITED || Date.now() > deadline)
        throw new Error(`${what}: ${error.code} ${error.message}`);
      await sleep(Number(error.details?.retryAfterMs ?? 200));
    }
  }
}

/** The authority's queue: the server's own records, in server order (createdAt, then serial). */
async function authorityQueue(
  teacherID: string,
  groupID: string,
  roundID: string,
  wsUrl: string,
  teacherToken: string,
): Promise<{ key: string; hands: number; first: number; last: number }> {
  let records: readonly InvitationRecord[];
  const server = resources.servers[0];
  if (server) {
    records = (await server.store.snapshot(teacherID)).invitations;
  } else {
    // A fresh device of the teacher: its first frame is the server's snapshot.
    const probe = createLoadClient({
      wsUrl,
      token: teacherToken,
      groupID,
      deviceID: `load-probe-${roundID}`,
    });
    try {
      await withTimeout(probe.ready, phaseDeadline(), 'the authority snapshot');
      records = [...probe.client.invitations.values()];
    } finally {
      probe.client.close();
    }
  }
  const hands = records
    .filter(
      (r) =>
        isHandMarker(r, groupID) &&
        parseClassroomData(r.data)?.roundID === roundID &&
        r.invitees.some((i) => i.state === 'pending'),
    )
    .sort(
      (a, b) =>
        a.createdAt - b.createdAt ||
        (a.serial ?? 0) - (b.serial ?? 0) ||
        (a.inviteID < b.inviteID ? -1 : a.inviteID > b.inviteID ? 1 : 0),
    );
  const seen = new Set<string>();
  const queue = hands.filter((h) => !seen.has(h.inviter) && seen.add(h.inviter));
  return {
    key: queueKey(queue.map((h) => ({ userID: h.inviter, inviteID: h.inviteID }))),
    hands: queue.length,
    first: Math.min(...queue.map((h) => h.createdAt)),
    last: Math.max(...queue.map((h) => h.createdAt)),
  };
}

interface Run {
  readonly teacher: LoadClient;
  readonly teacherID: string;
  readonly teacherToken: string;
  readonly groupID: string;
  readonly studentIDs: readonly string[];
  readonly processes: readonly StudentProcess[];
  readonly wsUrl: string;
}

/** Frames the server has sent so far: its metrics, in this process or over HTTP. */
async function serverFrames(httpUrl: string): Promise<number> {
  if (resources.servers.length > 0) return resources.servers.reduce((n, s) => n + s.metrics.framesSent, 0);
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('beckon_frames_sent_total '));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

async function round(index: number, run: Run): Promise<RoundResult> {
  const { teacher, teacherID, teacherToken, groupID, studentIDs, processes, wsUrl } = run;
  const httpUrl = wsUrl.replace(/^ws/, 'http');
  const frames0 = await serverFrames(httpUrl);
  const cpu0 = cpuMs();
  const students0 = processes.reduce((n, p) => n + p.cpuMs, 0);
  // Open the round: the seed's inviteInGroup with op raiseHand, to every student, timeout 0.
  teacher.tracker.startRound(STUDENTS);
  const openedAt = Date.now();
  const roundID = await retryThrottled(
    () => teacher.actions.openRound(studentIDs, { timeout: 0 }),
    phaseDeadline(),
    `round ${index}: open`,
  );
  log(`round ${index}: opened (${roundID})`);
  for (const p of processes)
    p.send({
      t: 'round',
      index,
      roundID,
      expected: STUDENTS,
      jitterMs: JITTER_MS,
      hold: HOLD,
      quietMs: QUIET_MS,
    });

  for (const p of processes) p.raising = 0;
  // Every student's marker and accept: 1,000 group events, each fanned out to the whole class.
  const raiseDeadline = phaseDeadline(2 * CONVERGE_TIMEOUT_MS);
  const raised = await Promise.all(
    processes.map((p) =>
      p.wait('raised', raiseDeadline, `round ${index} hands`).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; ${p.raising}/${p.count} of its students had raised`);
      }),
    ),
  );
  const errors = raised.flatMap((r) => r.errors);
  if (errors.length > 0) {
    throw new Error(`round ${index}: ${errors.length} hands failed, e.g. ${errors.slice(0, 3).join('; ')}`);
  }

  const authority = await authorityQueue(teacherID, groupID, roundID, wsUrl, teacherToken);
  if (authority.hands !== STUDENTS) {
    throw new Error(`round ${index}: the server holds ${authority.hands} raised hands, expected ${STUDENTS}`);
  }
  // Server time to this machine's: the in-process server shares the clock.
  const offset = resources.servers.length > 0 ? 0 : teacher.client.clockOffset;
  const lastHand = authority.last - offset;

  const deadline = phaseDeadline();
  teacher.tracker.setAuthority(authority.key);
  for (const p of processes) p.send({ t: 'authority', index, key: authority.key, deadline });
  const [converged] = await Promise.all([
    Promise.all(processes.map((p) => p.wait('converged', deadline + 5000, `round ${index} convergence`))),
    waitUntil(
      () => {
        teacher.tracker.verify();
        return teacher.tracker.convergedAt !== undefined || Date.now() > deadline;
      },
      deadline + 5000,
      'the teacher',
    ),
  ]);
  // Held messages are handled after the burst: then only the device's time means anything.
  const studentAt = converged.flatMap((c) => (HOLD ? c.own : c.at));
  const missing =
    studentAt.filter((at) => at === null).length + (teacher.tracker.convergedAt === undefined ? 1 : 0);
  if (missing > 0) {
    throw new Error(
      `round ${index}: ${missing} of ${STUDENTS + 1} clients did not converge on the server's queue ` +
        `within ${CONVERGE_TIMEOUT_MS} ms (CONVERGE_TIMEOUT_MS)`,
    );
  }
  const allAt = [teacher.tracker.convergedAt as number, ...(studentAt as number[])];
  const samples = allAt.map((at) => Math.max(0, at - lastHand)).sort((a, b) => a - b);
  const ownAt = [
    teacher.tracker.ownConvergedAt ?? (teacher.tracker.convergedAt as number),
    ...converged.flatMap((c) => c.own),
  ];
  const ownSamples = ownAt.map((at) => Math.max(0, (at ?? Number.NaN) - lastHand)).sort((a, b) => a - b);
  const teacherMs = Math.max(0, (teacher.tracker.convergedAt as number) - lastHand);
  const roundMs = Math.max(...allAt) - openedAt;
  const mismatched = converged.reduce((n, c) => n + c.mismatched, 0) + (teacher.tracker.mismatched ? 1 : 0);
  const intakeMs = authority.last - authority.first;
  log(
    `round ${index}: first hand ${ms(authority.first - offset - openedAt)} after the open; ` +
      `${authority.hands} hands in ${ms(intakeMs)} at the server (${rate((authority.hands * 1000) / Math.max(1, intakeMs))}); ` +
      `convergence p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}, max ${ms(percentile(samples, 100))}; ` +
      `on each client's own device p50 ${ms(percentile(ownSamples, 50))}, p99 ${ms(percentile(ownSamples, 99))}, max ${ms(percentile(ownSamples, 100))}`,
  );

  // Close: one request; the server cancels the round and its marker and rejects every hand.
  if (HOLD) {
    const holdDeadline = phaseDeadline();
    const holding = processes.map((p) => p.wait('holding', holdDeadline, `round ${index}: hold`));
    for (const p of processes) p.send({ t: 'hold' });
    await Promise.all(holding);
  }
  const closeStart = Date.now();
  const closeDeadline = phaseDeadline();
  const open = () => {
    const state = teacher.tracker.read();
    return state.queue.length > 0 || state.round !== undefined || state.roundMarker !== undefined;
  };
  // Against a server without group operations closeRound reads the teacher's view, marker by
  // marker: call it again while hands or the round remain there.
  while (open()) {
    if (Date.now() > closeDeadline) throw new Error(`round ${index}: the teacher's view still shows hands`);
    await retryThrottled(() => teacher.actions.closeRound(), closeDeadline, `round ${index}: close`);
    await sleep(5);
  }
  for (const p of processes) p.send({ t: 'clear', index, deadline: closeDeadline, quietMs: QUIET_MS });
  const cleared = await Promise.all(
    processes.map((p) => p.wait('cleared', closeDeadline + 5000, `round ${index} to close everywhere`)),
  );
  const clearedAt = [teacher.tracker.clearedAt ?? null, ...cleared.flatMap((c) => (HOLD ? c.own : c.at))];
  const notCleared = clearedAt.filter((at) => at === null).length;
  if (notCleared > 0)
    throw new Error(`round ${index}: ${notCleared} clients still show raised hands after the close`);
  const closeMs = Math.max(...(clearedAt as number[])) - closeStart;
  const ownCleared = [
    teacher.tracker.ownClearedAt ?? teacher.tracker.clearedAt,
    ...cleared.flatMap((c) => c.own),
  ];
  const ownCloseMs = Math.max(...ownCleared.map((at) => at ?? Number.POSITIVE_INFINITY)) - closeStart;
  const frames = (await serverFrames(httpUrl)) - frames0;
  const serverCpuMs = cpuMs() - cpu0;
  const studentsCpuMs = processes.reduce((n, p) => n + p.cpuMs, 0) - students0;
  const wallMs = Math.max(...(clearedAt as number[])) - openedAt;
  // Sockets the server cut (slow readers, dead ones): their clients reconnect and replay.
  const cut = serverMetric('beckon_connections_closed_total{');
  if (cut.length) log(`round ${index}: so far the server closed ${cut.join(', ')}`);
  const stamps = [...converged, ...cleared].flatMap((m) => (m.stamps ? [m.stamps] : []));
  const stampMaxMs = Math.max(0, ...stamps.map((q) => q.maxDelayMs));
  const lateArrivals = stamps.reduce((n, q) => n + q.arrivedWhileReleasing, 0);
  if (HOLD)
    log(
      `round ${index}: while frames were held the student processes' event loops were busy at most ` +
        `${stampMaxMs.toFixed(1)} ms at a time (p99 ${Math.max(0, ...stamps.map((q) => q.p99DelayMs)).toFixed(1)} ms); ` +
        `${lateArrivals} frames arrived while held ones were handed on`,
    );
  log(
    `round ${index}: closed; every queue empty ${ms(closeMs)} after closeRound (${ms(ownCloseMs)} on each client's own device); ` +
      `${frames} frames (${(frames / STUDENTS).toFixed(2)} per student); CPU: server+teacher ${ms(serverCpuMs)}, ` +
      `students ${ms(studentsCpuMs)} over ${ms(wallMs)}`,
  );

  return {
    index,
    hands: authority.hands,
    intakeMs,
    roundMs,
    samples,
    ownSamples,
    teacherMs,
    mismatched,
    closeMs,
    ownCloseMs,
    frames,
    serverCpuMs,
    studentsCpuMs,
    wallMs,
    stampMaxMs,
    lateArrivals,
  };
}

function serverDescription(): string {
  if (resources.servers.length === 0) return BECKON_URL ?? '';
  if (REDIS_URL === undefined) return 'in this process (memory store)';
  return `${SERVERS} in this process on one Redis (students' processes split over them)`;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** The student processes' CPU time as a share of their wall time, over every round. */
function generatorShare(results: readonly RoundResult[]): string {
  const cpu = results.reduce((n, r) => n + r.studentsCpuMs, 0);
  const wall = results.reduce((n, r) => n + r.wallMs, 0) * STUDENT_PROCESSES;
  return `${((100 * cpu) / Math.max(1, wall)).toFixed(0)}%`;
}

function printSummary(results: readonly RoundResult[], connectMs: number): void {
  const rows = results.map((r) => [
    String(r.index),
    String(r.hands),
    ms(r.intakeMs),
    rate((r.hands * 1000) / Math.max(1, r.intakeMs)),
    ms(percentile(r.samples, 50)),
    ms(percentile(r.samples, 99)),
    ms(percentile(r.samples, 100)),
    ms(r.teacherMs),
    ms(r.roundMs),
    ms(r.closeMs),
    String(r.frames),
    (r.frames / STUDENTS).toFixed(2),
    ms(r.serverCpuMs),
    ms(r.studentsCpuMs),
  ]);
  const pooled = results.flatMap((r) => r.samples).sort((a, b) => a - b);
  const hands = results.reduce((n, r) => n + r.hands, 0);
  const intake = results.reduce((n, r) => n + r.intakeMs, 0);
  rows.push([
    'all',
    String(hands),
    ms(intake),
    rate((hands * 1000) / Math.max(1, intake)),
    ms(percentile(pooled, 50)),
    ms(percentile(pooled, 99)),
    ms(percentile(pooled, 100)),
    ms(Math.max(...results.map((r) => r.teacherMs))),
    ms(results.reduce((n, r) => n + r.roundMs, 0) / results.length),
    ms(Math.max(...results.map((r) => r.closeMs))),
    String(Math.round(mean(results.map((r) => r.frames)))),
    (mean(results.map((r) => r.frames)) / STUDENTS).toFixed(2),
    ms(mean(results.map((r) => r.serverCpuMs))),
    ms(mean(results.map((r) => r.studentsCpuMs))),
  ]);
  const header = [
    'round',
    'hands',
    'intake',
    'hands/s',
    'conv p50',
    'conv p99',
    'conv max',
    'teacher',
    'open-done',
    'close',
    'frames',
    'frames/stu',
    'srv CPU',
    'gen CPU',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  const out = [
    '',
    `Classroom load: 1 teacher + ${STUDENTS} students, ${ROUNDS} rounds, ${results.length * (STUDENTS + 1)} convergence samples`,
    `server ${serverDescription()}; students in ${STUDENT_PROCESSES} ` +
      `process(es); connected in batches of ${BATCH} in ${ms(connectMs)}; raise jitter 0..${JITTER_MS} ms`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(0, -1).map(line),
    line(widths.map((w) => '-'.repeat(w))),
    line(rows[rows.length - 1] ?? []),
    '',
    "conv:    per client (teacher + students), from the server receiving the last hand to that client's",
    "         view holding every hand, its selectClassroom queue then equal to the server's (createdAt, serial)",
    ...(HOLD
      ? [
          "         as on each student's own device: once a student has raised, its frames are only stamped on",
          '         arrival and kept until the burst is over (QUIET_MS of silence), then handled as on its',
          '         device (arrival, or when it finished its previous frame, plus its own handling); the',
          '         load process does nothing else meanwhile, so it is not the bottleneck (HOLD=0: handled live)',
        ]
      : [
          'own device: the same as each client would see it alone: when its socket received the frame that',
          '         completed its view, plus its own handling of it; the time the frame waited behind the other',
          '         clients of its load process (hundreds share a core here) left out. Also for the close.',
        ]),
    'intake:  server time from the first to the last hand of the round; hands/s = hands / intake',
    `         (never below the 0..${JITTER_MS} ms spread of the raises: small classes measure the spread)`,
    "teacher: the teacher's own convergence (in the server's process when the server is local)",
    'open-done: the teacher opens the round -> every client converged',
    "close:   teacher closeRound (cancel + reject every marker) -> every client's queue empty",
    'frames:  WebSocket frames the server sent over the round (open -> every queue empty after the close)',
    'srv CPU: CPU time of the coordinator process: the server and the teacher client',
    `gen CPU: CPU time of the ${STUDENT_PROCESSES} student process(es) (the load generator) over the round`,
    'all:     percentiles over every sample; teacher and close the worst round, open-done/frames/CPU the mean',
    '',
    `per student (mean round): ${(mean(results.map((r) => r.frames)) / STUDENTS).toFixed(2)} frames, ` +
      `${(mean(results.map((r) => r.serverCpuMs)) / STUDENTS).toFixed(2)} ms server CPU`,
    `load generator: ${generatorShare(results)} of its ${STUDENT_PROCESSES} process(es)' wall time on CPU ` +
      `(a generator near 100% would be the bottleneck); machine: ${cpus().length} cores, ` +
      `load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
  ];
  if (HOLD)
    out.push(
      `arrival stamps: while frames were held the student processes' event loops were busy at most ` +
        `${Math.max(...results.map((r) => r.stampMaxMs)).toFixed(1)} ms at a time (a stamp's worst error); ` +
        `${results.reduce((n, r) => n + r.lateArrivals, 0)} frames arrived while held ones were handed on`,
    );
  const mismatched = results.reduce((n, r) => n + r.mismatched, 0);
  const samples = results.length * (STUDENTS + 1);
  out.push(
    `queue check: ${samples - mismatched}/${samples} clients' first full queue equalled the server's` +
      (mismatched > 0 ? ` (${mismatched} differed first, then converged)` : ''),
    '',
  );
  process.stdout.write(out.join('\n'));
  if (process.env.LOAD_SUMMARY_JSON) {
    const summary = {
      students: STUDENTS,
      frames: mean(results.map((r) => r.frames)),
      serverCpuMs: mean(results.map((r) => r.serverCpuMs)),
      intake: (hands * 1000) / Math.max(1, intake),
      p50: percentile(pooled, 50),
      p99: percentile(pooled, 99),
      max: percentile(pooled, 100),
      closeMs: Math.max(...results.map((r) => r.closeMs)),
      ownP99: percentile(
        results.flatMap((r) => r.ownSamples).sort((a, b) => a - b),
        99,
      ),
      ownCloseMs: Math.max(...results.map((r) => r.ownCloseMs)),
      generator: generatorShare(results),
      stampMaxMs: Math.max(...results.map((r) => r.stampMaxMs)),
    };
    process.stdout.write(`@@summary ${JSON.stringify(summary)}\n`);
  }
}

/**
 * SIZES=250,500,1000: one run per class size, each in a process of its own (a fresh server and
 * fresh students), then the per-student cost side by side.
 */
async function sizes(list: readonly number[]): Promise<void> {
  const rows: string[][] = [];
  for (const size of list) {
    log(`--- ${size} students ---`);
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, SIZES: '', STUDENTS: String(size), LOAD_SUMMARY_JSON: '1' },
      execArgv: process.execArgv,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = out.split('\n').find((l) => l.startsWith('@@summary '));
    if (code !== 0 || line === undefined) throw new Error(`the run with ${size} students failed`);
    const r = JSON.parse(line.slice('@@summary '.length)) as Record<string, number | string>;
    const n = Number(r.students);
    rows.push([
      String(n),
      String(Math.round(Number(r.frames))),
      (Number(r.frames) / n).toFixed(2),
      ms(Number(r.serverCpuMs)),
      (Number(r.serverCpuMs) / n).toFixed(2),
      rate(Number(r.intake)),
      `${ms(Number(r.p50))} / ${ms(Number(r.p99))} / ${ms(Number(r.max))}`,
      ms(Number(r.closeMs)),
      `${ms(Number(r.ownP99))} / ${ms(Number(r.ownCloseMs))}`,
      String(r.generator),
    ]);
  }
  const header = [
    'students',
    'frames/round',
    'per student',
    'srv CPU/round',
    'ms/student',
    'intake',
    'conv p50/p99/max',
    'close',
    'own device p99/close',
    'generator',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  process.stdout.write(
    ['', 'Per-student cost by class size (mean round)', line(header), ...rows.map(line), ''].join('\n'),
  );
  process.stdout.write(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}\n`,
  );
}

const SIZES = (process.env.SIZES ?? '')
  .split(',')
  .map((x) => x.trim())
  .filter(Boolean)
  .map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`SIZES must list integers >= 1 (got ${JSON.stringify(x)})`);
    return n;
  });

if (SIZES.length > 0) {
  sizes(SIZES).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`\nload: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  const watchdog = setTimeout(() => {
    process.stderr.write(
      `\nload: FAILED: the run did not finish within ${TIME_LIMIT_MS / 1000} s (TIME_LIMIT_S)\n`,
    );
    setTimeout(() => process.exit(1), 5000).unref();
    cleanup().finally(() => process.exit(1));
  }, TIME_LIMIT_MS + 10_000);

  main().then(
    async ({ results, connectMs }) => {
      clearTimeout(watchdog);
      printSummary(results, connectMs);
      await cleanup();
      log(resources.servers.length > 0 ? 'closed every socket and the server' : 'closed every socket');
      process.exitCode = 0;
      setTimeout(() => process.exit(0), 2000).unref();
    },
    async (error: unknown) => {
      clearTimeout(watchdog);
      process.stderr.write(`\nload: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
      const cut = serverMetric('beckon_connections_closed_total{');
      if (cut.length) process.stderr.write(`load: the server closed ${cut.join(', ')}\n`);
      await cleanup().catch(() => {});
      process.exit(1);
    },
  );
}
