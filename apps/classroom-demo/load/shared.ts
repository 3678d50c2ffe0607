/**
 * Pieces the load script's coordinator (load.ts) and its student processes (students.ts) share:
 * a load client (a SignalingClient over a real WebSocket, with TeacherActions), the tracker that
 * timestamps when a client's derived queue matches the authority's, and the messages between them.
 */

import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  type InvitationRecord,
  parseClassroomData,
  type QueueFrame,
  SignalingClient,
  type SignalingEvent,
  type Transport,
  type TransportListener,
  type WebSocketConstructor,
  WebSocketTransport,
} from '@beckon/signaling';
import {
  type ClassroomState,
  deriveClassroom,
  type QueueEntry,
  StudentActions,
  selectClassroom,
  TeacherActions,
} from '@beckon/signaling/classroom';
import { WebSocket } from 'ws';

export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/** The message a load client is handling: when its device had it, when handling began here. */
let handling: { readonly at: number; readonly start: number } | undefined;

/**
 * The time as a client on its own device would see it: when its device had the message it is
 * handling (its socket's receipt, or later if the device was still busy with its previous
 * message), plus its own time handling it so far; without the time the message waited behind the
 * other clients of this load process (hundreds share one core here). Outside a message,
 * `Date.now()`.
 */
export function ownDeviceNow(): number {
  return handling === undefined ? Date.now() : handling.at + (Date.now() - handling.start);
}

/** When a socket of this process last received a message (epoch ms). */
let lastArrival = 0;
/** Set while held messages are handed on: what arrives then may be stamped late. */
let releasing = false;
/** Messages that arrived while held ones were handed on (their stamps may be late). */
let arrivedWhileReleasing = 0;

/**
 * One client's device. Its socket's messages are stamped when the socket emits them and handed
 * to the client one after another. While held (`hold`), they are only stamped and kept: the load
 * process then does nothing but read its sockets, so each stamp is the moment the message arrived,
 * not the moment the hundreds of clients before it were done; `release` hands them on, each
 * timed as on the client's own device (`ownDeviceNow`).
 */
export class DeviceGate {
  #held = false;
  readonly #queue: Array<{ readonly at: number; readonly run: () => void }> = [];
  /** Device time at which the client finished its previous message. */
  #free = 0;

  hold(): void {
    this.#held = true;
  }

  get held(): boolean {
    return this.#held;
  }

  arrive(run: () => void): void {
    const at = Date.now();
    lastArrival = at;
    if (releasing) arrivedWhileReleasing++;
    if (this.#held) this.#queue.push({ at, run });
    else setImmediate(() => this.#handle(at, run));
  }

  release(): void {
    this.#held = false;
    for (const message of this.#queue.splice(0)) this.#handle(message.at, message.run);
  }

  #handle(at: number, run: () => void): void {
    handling = { at: Math.max(at, this.#free), start: Date.now() };
    try {
      run();
    } finally {
      this.#free = ownDeviceNow();
      handling = undefined;
    }
  }
}

const loopDelay = monitorEventLoopDelay({ resolution: 5 });

/** Starts watching how late this process could stamp an arrival (until `releaseWhenQuiet`). */
export function watchStamps(): void {
  loopDelay.reset();
  loopDelay.enable();
  arrivedWhileReleasing = 0;
}

/** Holds every gate, watching the stamps. */
export function holdAll(gates: readonly DeviceGate[]): void {
  for (const gate of gates) gate.hold();
  watchStamps();
}

/** What the gates' stamps are worth: the event loop's delay while held, late arrivals. */
export interface StampQuality {
  /** The longest the event loop was busy while messages were held (a stamp is at most this late). */
  readonly maxDelayMs: number;
  readonly p99DelayMs: number;
  /** Messages that arrived while held ones were being handed on (stamps possibly late). */
  readonly arrivedWhileReleasing: number;
}

/**
 * Once no socket of this process has received anything for `quietMs` (the server has sent its
 * burst), or after `maxWaitMs` at the latest, hands every held message on, gate by gate,
 * yielding between gates so arrivals are still stamped on time.
 */
export async function releaseWhenQuiet(
  gates: readonly DeviceGate[],
  quietMs: number,
  maxWaitMs = 20_000,
): Promise<StampQuality> {
  // Traffic that never pauses (it should not: a round's frames come in batches) only delays
  // the release; the messages keep their arrival stamps.
  const until = Date.now() + maxWaitMs;
  while (Date.now() - lastArrival < quietMs && Date.now() < until) await sleep(10);
  loopDelay.disable();
  const quality = {
    maxDelayMs: loopDelay.max / 1e6,
    p99DelayMs: loopDelay.percentile(99) / 1e6,
  };
  releasing = true;
  try {
    for (const gate of gates) {
      gate.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    releasing = false;
  }
  return { ...quality, arrivedWhileReleasing };
}

/** `ws`, with every received message passed through the client's device gate. */
function gatedWebSocket(gate: DeviceGate): WebSocketConstructor {
  return function gated(url: string) {
    const socket = new WebSocket(url);
    let onmessage: ((event: WebSocket.MessageEvent) => void) | null = null;
    Object.defineProperty(socket, 'onmessage', {
      get: () => onmessage,
      set: (handler: typeof onmessage) => {
        onmessage = handler;
      },
    });
    socket.addEventListener('message', (event) => {
      const handler = onmessage;
      if (handler !== null) gate.arrive(() => handler(event));
    });
    return socket;
  } as unknown as WebSocketConstructor;
}

// ---------------------------------------------------------------------------------------------
// messages between the coordinator and a student process

export interface StudentCredential {
  readonly userID: string;
  readonly token: string;
}

export type ToStudents =
  | {
      readonly t: 'init';
      readonly wsUrl: string;
      readonly groupID: string;
      readonly students: readonly StudentCredential[];
      readonly batch: number;
      readonly connectTimeoutMs: number;
    }
  /** The teacher opened round `index`: every student raises a hand after a random delay. */
  | {
      readonly t: 'round';
      readonly index: number;
      readonly roundID: string;
      readonly expected: number;
      readonly jitterMs: number;
      /** Hold each student's messages once it has raised, until the burst is over (`DeviceGate`). */
      readonly hold: boolean;
      /** The silence on every socket of the process that ends a burst. */
      readonly quietMs: number;
    }
  /** The authority's queue for the round; report convergence until `deadline` (epoch ms). */
  | { readonly t: 'authority'; readonly index: number; readonly key: string; readonly deadline: number }
  /** The teacher is about to close the round: hold every student's messages, answer `holding`. */
  | { readonly t: 'hold' }
  /** The teacher closed the round; report when every queue is empty, until `deadline`. */
  | { readonly t: 'clear'; readonly index: number; readonly deadline: number; readonly quietMs: number }
  | { readonly t: 'shutdown' };

export type FromStudents =
  | { readonly t: 'progress'; readonly connected: number }
  /** `cpuMs`: this process's CPU time so far (user + system), to show the load generator's own load. */
  | { readonly t: 'ready'; readonly connected: number; readonly cpuMs: number }
  /** How many of this process's students have finished raising (marker and accept) so far. */
  | { readonly t: 'raising'; readonly index: number; readonly done: number }
  | { readonly t: 'raised'; readonly index: number; readonly errors: readonly string[] }
  | {
      readonly t: 'converged';
      readonly index: number;
      /** Epoch ms at which each student's derived queue first equalled the authority's; null = never. */
      readonly at: ReadonlyArray<number | null>;
      /** The same on each student's own device (`ownDeviceNow`). */
      readonly own: ReadonlyArray<number | null>;
      /** Students whose first full queue differed from the authority's (then checked again). */
      readonly mismatched: number;
      /** When the students' messages were held: how exact their arrival stamps are. */
      readonly stamps?: StampQuality;
    }
  | {
      readonly t: 'cleared';
      readonly index: number;
      readonly at: ReadonlyArray<number | null>;
      readonly own: ReadonlyArray<number | null>;
      readonly cpuMs: number;
      readonly stamps?: StampQuality;
    }
  | { readonly t: 'holding' }
  | { readonly t: 'closed' }
  | { readonly t: 'error'; readonly message: string };

// ---------------------------------------------------------------------------------------------
// helpers

/** This process's CPU time so far (user + system), in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitUntil(check: () => boolean, deadline: number, what: string): Promise<void> {
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** One string per queue: the same students with the same markers in the same order. */
export function queueKey(queue: ReadonlyArray<Pick<QueueEntry, 'userID' | 'inviteID'>>): string {
  return queue.map((q) => `${q.userID}/${q.inviteID}`).join('|');
}

/** Is this record a hand marker (`op: 'hand'`) of `groupID`? */
export function isHandMarker(record: Pick<InvitationRecord, 'groupID' | 'data'>, groupID: string): boolean {
  // A cheap look first: 500 clients each see every marker, and most data is not a hand.
  return (
    record.groupID === groupID &&
    record.data.includes('"hand"') &&
    parseClassroomData(record.data)?.op === 'hand'
  );
}

// ---------------------------------------------------------------------------------------------
// the hand tracker

/**
 * Follows one client's hand markers as events arrive (an O(1) count per event), and when the
 * client holds as many markers as hands were raised, derives its queue with `selectClassroom`
 * over its view and compares it with the authority's. Timestamps are epoch ms (`Date.now()`),
 * comparable across the processes of one machine and with the in-process server's clock.
 */
export class HandTracker {
  readonly #client: SignalingClient;
  readonly #groupID: string;
  /** Hand markers of the group in this client's view. */
  readonly #markers = new Set<string>();
  #view: Record<string, InvitationRecord> | undefined;
  #expected = -1;
  #authority: string | undefined;
  #candidate: { at: number; own: number } | undefined;
  #rechecking = false;
  convergedAt: number | undefined;
  /** `convergedAt` on the client's own device (`ownDeviceNow`). */
  ownConvergedAt: number | undefined;
  /** `clearedAt` on the client's own device. */
  ownClearedAt: number | undefined;
  /** When the last hand marker left the view (after a close). */
  clearedAt: number | undefined;
  /** The first full queue differed from the authority's. */
  mismatched = false;

  constructor(client: SignalingClient, groupID: string) {
    this.#client = client;
    this.#groupID = groupID;
    client.on('onViewChange', () => {
      this.#view = undefined;
    });
  }

  /** The classroom as this client's UI would show it: `selectClassroom` over its view. */
  readonly read = (): ClassroomState => {
    this.#view ??= Object.fromEntries(this.#client.invitations);
    return selectClassroom(this.#view, this.#groupID);
  };

  /**
   * What a student raises from: its view without the other students' hands (the round, its
   * marker, its own hand: all `raiseHand` reads). A browser has the whole queue derived for its
   * UI already, so reading it at a click costs nothing there; here 500 students of one process
   * would each derive up to 1,000 hands again, and the raises would measure the load generator.
   */
  readonly readOwn = (): ClassroomState => {
    const me = this.#client.userID;
    const own: Record<string, InvitationRecord> = {};
    for (const [id, record] of this.#client.invitations)
      if (!this.#markers.has(id) || record.inviter === me) own[id] = record;
    return deriveClassroom(own, this.#groupID);
  };

  get markers(): number {
    return this.#markers.size;
  }

  /** A new round: converge once `expected` markers are in view. */
  startRound(expected: number): void {
    this.#expected = expected;
    this.#authority = undefined;
    this.#candidate = undefined;
    this.#rechecking = false;
    this.convergedAt = undefined;
    this.ownConvergedAt = undefined;
    this.clearedAt = undefined;
    this.ownClearedAt = undefined;
    this.mismatched = false;
    this.#check();
  }

  /** The server's queue for the round (its key); `verify` compares this client's with it. */
  setAuthority(key: string): void {
    this.#authority = key;
  }

  /** The view has held every hand of the round since `stamped` (epoch ms). */
  get stamped(): number | undefined {
    return this.#candidate?.at;
  }

  /**
   * Derives this client's queue and compares it with the server's: equal, it converged when its
   * view first held every hand; different, it is derived again on every change until it matches,
   * and counts from then (`mismatched`). The load processes call it once every client is
   * stamped, so the hundreds of clients of one process do not wait behind each other's
   * derivations (each one client's own work) while frames are still arriving.
   */
  verify(): void {
    const candidate = this.#candidate;
    if (candidate === undefined || this.#authority === undefined || this.convergedAt !== undefined) return;
    if (this.#rechecking) return; // changes derive it again (#check)
    if (queueKey(this.read().queue) === this.#authority) {
      this.convergedAt = candidate.at;
      this.ownConvergedAt = candidate.own;
    } else {
      this.mismatched = true;
      this.#rechecking = true;
    }
  }

  /** Called after the client applied a snapshot. */
  onSnapshot(): void {
    this.#markers.clear();
    for (const record of this.#client.invitations.values())
      if (isHandMarker(record, this.#groupID)) this.#markers.add(record.inviteID);
    this.#check();
  }

  /**
   * Called after the client applied a queue frame (issue 19: other students' hands come from the
   * server's queue stream): O(1) per hand the frame names, like events; a full frame (after a
   * sync, or an emptied queue) counts the view again.
   */
  onQueue(frame: QueueFrame): void {
    if (frame.groupID !== this.#groupID) return;
    const had = this.#markers.size;
    // A full frame replaced the stream's hands: those the view lost went, its hands came (the
    // hands the client holds in full stay, as the client keeps them).
    if (frame.full)
      for (const id of this.#markers)
        if (this.#client.getInvitation(id) === undefined) this.#markers.delete(id);
    for (const [id] of frame.hands) if (this.#client.getInvitation(id)) this.#markers.add(id);
    for (const id of frame.gone) if (this.#client.getInvitation(id) === undefined) this.#markers.delete(id);
    this.#check();
    if (had > 0 && this.#markers.size === 0) this.#cleared();
  }

  /** Called after the client applied an event. */
  onEvent(event: SignalingEvent): void {
    const id = event.envelope.inviteID;
    if (event.kind === 'invite') {
      if (
        !this.#markers.has(id) &&
        isHandMarker(event.envelope, this.#groupID) &&
        this.#client.getInvitation(id)
      )
        this.#markers.add(id);
    } else if (this.#markers.has(id) && this.#client.getInvitation(id) === undefined) {
      this.#markers.delete(id);
      if (this.#markers.size === 0) this.#cleared();
    }
    this.#check();
  }

  #cleared(): void {
    this.clearedAt = Date.now();
    this.ownClearedAt = ownDeviceNow();
  }

  #check(): void {
    if (this.#expected < 0 || this.convergedAt !== undefined || this.#markers.size !== this.#expected) return;
    // Stamped when the view holds every hand: the client has all it needs to show the queue.
    if (this.#candidate === undefined) this.#candidate = { at: Date.now(), own: ownDeviceNow() };
    else if (this.#rechecking && this.#authority !== undefined) {
      if (queueKey(this.read().queue) === this.#authority) {
        this.convergedAt = Date.now();
        this.ownConvergedAt = ownDeviceNow();
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// a load client

/** Passes everything through, and tells the tracker after the client has applied it. */
class TappedTransport implements Transport {
  readonly #inner: WebSocketTransport;
  readonly #tap: () => HandTracker;

  constructor(inner: WebSocketTransport, tap: () => HandTracker) {
    this.#inner = inner;
    this.#tap = tap;
  }

  connect(listener: TransportListener): void {
    this.#inner.connect({
      ...listener,
      onSnapshot: (snapshot) => {
        listener.onSnapshot(snapshot);
        this.#tap().onSnapshot();
      },
      onEvent: (event) => {
        listener.onEvent(event);
        this.#tap().onEvent(event);
      },
      onQueue: (frame) => {
        listener.onQueue?.(frame);
        this.#tap().onQueue(frame);
      },
    });
  }

  request: Transport['request'] = (command) => this.#inner.request(command);

  groupOperation: NonNullable<Transport['groupOperation']> = (groupID, op) =>
    this.#inner.request({ op, groupID });

  close(): void {
    this.#inner.close();
  }
}

export interface LoadClient {
  readonly client: SignalingClient;
  readonly tracker: HandTracker;
  readonly actions: TeacherActions;
  /** A student's actions, reading `HandTracker.readOwn`. */
  readonly student: StudentActions;
  /** The client's device: hold its messages while a burst arrives (`holdAll`). */
  readonly gate: DeviceGate;
  /** Resolves once connected with the first snapshot applied. */
  readonly ready: Promise<void>;
}

export function createLoadClient(options: {
  readonly wsUrl: string;
  readonly token: string;
  readonly groupID: string;
  readonly deviceID?: string;
}): LoadClient {
  const gate = new DeviceGate();
  const inner = new WebSocketTransport({
    url: options.wsUrl,
    token: options.token,
    WebSocket: gatedWebSocket(gate),
    // 500 clients share one core: give replies and heartbeats room under load.
    requestTimeoutMs: 60_000,
    heartbeatMs: 30_000,
    reconnect: { initialDelayMs: 100, maxDelayMs: 2000 },
    ...(options.deviceID === undefined ? {} : { deviceID: options.deviceID }),
  });
  let tracker: HandTracker | undefined;
  const client = new SignalingClient({ transport: new TappedTransport(inner, () => tracker as HandTracker) });
  tracker = new HandTracker(client, options.groupID);
  const actions = new TeacherActions(client, options.groupID, tracker.read);
  const student = new StudentActions(client, options.groupID, tracker.readOwn);
  const ready = new Promise<void>((resolve, reject) => {
    const offView = client.on('onViewChange', () => {
      if (client.connectionState !== 'connected') return;
      offView();
      offState();
      resolve();
    });
    const offState = client.on('onConnectionChange', ({ state, error }) => {
      if (state !== 'closed') return;
      offView();
      offState();
      reject(new Error(`connection closed${error ? `: ${error.code} ${error.message}` : ''}`));
    });
  });
  client.connect();
  return { client, tracker, actions, student, gate, ready };
}

/** Connects clients `batch` at a time, each batch fully connected before the next. */
export async function connectInBatches(
  count: number,
  batch: number,
  make: (index: number) => LoadClient,
  deadline: number,
  progress?: (connected: number) => void,
): Promise<LoadClient[]> {
  const clients: LoadClient[] = [];
  for (let start = 0; start < count; start += batch) {
    const group: LoadClient[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) group.push(make(i));
    clients.push(...group);
    const left = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all(group.map((c) => c.ready)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out connecting clients')), Math.max(0, left));
        }),
      ]);
    } catch (error) {
      for (const c of clients) c.client.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    progress?.(clients.length);
  }
  return clients;
}
