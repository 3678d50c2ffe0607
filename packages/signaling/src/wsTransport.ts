import { type Clock, systemClock } from './clock.js';
import * as ErrorCode from './errorCodes.js';
import { SignalingError, type SignalingErrorInfo } from './errors.js';
import { type ClientFrame, type GroupCommand, readServerFrame } from './protocol.js';
import type { Command, CommandReply, InvitationRecord } from './rules/types.js';
import type { ConnectionState, Transport, TransportListener } from './transport.js';

// The close codes this transport acts on, as `CloseCode` names them (plain numbers here: the
// whole table would ship to browsers for four of its values).
const DEAD = 4010;
const TOO_MANY_CONNECTIONS = 4009;
const TOKEN_EXPIRED = 4002;

/**
 * A handler whose event type may be narrower than the one given here (method parameters are
 * checked both ways), so the browser's and `ws`'s WebSocket classes both fit without a cast.
 */
type Handler<E> = { handle(event: E): void }['handle'];

/** The part of the WebSocket API the transport uses: the browser's, Node's global, or `ws`. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<never> | null;
  onmessage: Handler<{ readonly data: unknown }> | null;
  onclose: Handler<{ readonly code: number; readonly reason: string }> | null;
  onerror: Handler<never> | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketTransportOptions {
  /**
   * `ws://` or `wss://` URL of a Beckon server, or a function asked on every (re)connection
   * (several servers behind no load balancer: return the next one when the last one failed).
   */
  readonly url: string | (() => string);
  /** A token, or a function that fetches a fresh one for every (re)connection. */
  readonly token: string | (() => string | Promise<string>);
  /** Stable id of this device or tab; random by default. */
  readonly deviceID?: string;
  /**
   * Defaults to `globalThis.WebSocket`. On Node, `@beckon/signaling` defaults to the `ws` package
   * where Node has no global one (Node 20 and 21); pass a class to use another.
   */
  readonly WebSocket?: WebSocketConstructor;
  readonly clock?: Clock;
  /** Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Ping interval; the socket counts as dead after two intervals of silence. Default 15 s. */
  readonly heartbeatMs?: number;
  /** Reconnect backoff: doubles from `initialDelayMs` to `maxDelayMs`, with jitter. */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  readonly random?: () => number;
}

interface Pending {
  readonly resolve: (reply: CommandReply) => void;
  readonly reject: (error: SignalingError) => void;
  readonly timer: unknown;
}

/**
 * Connects a {@link SignalingClient} to `@beckon/server`: authenticates, resumes with the last
 * sequence number after a drop (or takes a snapshot), reconnects with backoff and jitter, and
 * detects dead sockets with heartbeats.
 *
 * @example
 * const transport = new WebSocketTransport({ url: 'ws://127.0.0.1:8787', token: () => fetchToken() });
 * const client = new SignalingClient({ transport });
 */
export class WebSocketTransport implements Transport {
  readonly #o: WebSocketTransportOptions;
  readonly #clock: Clock;
  readonly #deviceID: string;
  #listener: TransportListener | undefined;
  #socket: WebSocketLike | undefined;
  #ready = false;
  #closed = false;
  #attempt = 0;
  #retryTimer: unknown;
  #beatTimer: unknown;
  #lastFrameAt = 0;
  #authSentAt = 0;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #signals: ClientFrame[] = [];
  /** Requests made while not connected, sent once the session starts. */
  #waiting = new Map<number, { command: Command | GroupCommand; pending: Pending }>();
  #epoch: string | undefined;
  #seq = -1;
  #resyncing = false;
  #pages: InvitationRecord[] = [];

  constructor(options: WebSocketTransportOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#deviceID = options.deviceID ?? globalThis.crypto.randomUUID();
  }

  get deviceID(): string {
    return this.#deviceID;
  }

  /** The last event sequence number received (-1 before the first session). */
  get lastSeq(): number {
    return this.#seq;
  }

  connect(listener: TransportListener): void {
    this.#listener = listener;
    void this.#open();
  }

  /**
   * Sends a request. While the transport is (re)connecting the request waits for the session,
   * within the same timeout; a request already sent when the socket drops rejects with 9001.
   */
  /** Sends a request; a `GroupCommand` is a classroom operation the server runs over a group. */
  request(command: Command | GroupCommand): Promise<CommandReply> {
    if (this.#closed)
      return Promise.reject(new SignalingError(ErrorCode.NOT_CONNECTED, 'the transport is closed'));
    const id = this.#nextId++;
    return new Promise<CommandReply>((resolve, reject) => {
      const ms = this.#o.requestTimeoutMs ?? 10_000;
      const timer = this.#clock.setTimer(this.#clock.now() + ms, () => {
        this.#pending.delete(id);
        this.#waiting.delete(id);
        reject(new SignalingError(ErrorCode.REQUEST_TIMEOUT, `no reply within ${ms} ms`));
      });
      const pending = { resolve, reject, timer };
      if (this.#ready) this.#dispatch(id, command, pending);
      else this.#waiting.set(id, { command, pending });
    });
  }

  #dispatch(id: number, command: Command | GroupCommand, pending: Pending): void {
    this.#pending.set(id, pending);
    this.#send({ t: 'req', id, cmd: command });
  }

  /** Fire and forget: media negotiation retries on its own if a message is lost to a drop. */
  sendRoomSignal(roomID: string, to: string, data: string): void {
    if (this.#ready) this.#send({ t: 'rtc', roomID, to, data });
    // While (re)connecting, keep a few: a room joined during the handshake announces itself.
    else if (!this.#closed && this.#signals.length < 100) this.#signals.push({ t: 'rtc', roomID, to, data });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.clearTimer(this.#retryTimer);
    this.#socket?.close(1000, 'client closed');
    this.#teardown();
    this.#rejectWaiting(new SignalingError(ErrorCode.CLOSED, 'the transport is closed'));
    this.#listener?.onStateChange('closed');
  }

  async #open(): Promise<void> {
    if (this.#closed) return;
    let token: string;
    try {
      token = typeof this.#o.token === 'string' ? this.#o.token : await this.#o.token();
    } catch {
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) return;
    const Ctor = this.#o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (Ctor === undefined) {
      this.#fail(ErrorCode.NOT_CONNECTED, 'no WebSocket: pass options.WebSocket or install ws');
      return;
    }
    const url = this.#o.url;
    let socket: WebSocketLike;
    try {
      socket = new Ctor(typeof url === 'string' ? url : url());
    } catch (error) {
      // A malformed URL, or no implementation after all: retrying cannot help.
      this.#fail(
        ErrorCode.NOT_CONNECTED,
        `cannot open a WebSocket: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      const resume =
        this.#epoch !== undefined && this.#seq >= 0 ? { epoch: this.#epoch, seq: this.#seq } : undefined;
      this.#authSentAt = this.#clock.now();
      // JSON.stringify leaves `resume` out when undefined.
      this.#send({ t: 'auth', token, device: this.#deviceID, resume });
    };
    socket.onmessage = (event) => {
      // A message may carry several frames, one per line (coalesced classroom events, replies).
      if (socket === this.#socket && typeof event.data === 'string')
        for (const frame of event.data.split('\n')) this.#onFrame(frame);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#onClose(event.code, event.reason);
    };
  }

  #send(frame: ClientFrame): void {
    this.#socket?.send(JSON.stringify(frame));
  }

  #onFrame(raw: string): void {
    this.#lastFrameAt = this.#clock.now();
    const frame = readServerFrame(raw);
    if (!frame) return; // A frame we cannot read is dropped; the sequence check catches losses.
    const listener = this.#listener;
    switch (frame.t) {
      case 'hello': {
        const halfTrip = Math.max(0, this.#clock.now() - this.#authSentAt) / 2;
        this.#ready = true;
        this.#attempt = 0;
        if (this.#epoch !== frame.epoch) this.#seq = -1;
        this.#epoch = frame.epoch;
        this.#resyncing = false;
        listener?.onSession({
          userID: frame.userID,
          deviceID: frame.deviceID,
          sessionID: frame.sessionID,
          serverTime: frame.serverTime + halfTrip,
        });
        listener?.onStateChange('connected');
        this.#heartbeat();
        for (const [id, { command, pending }] of this.#waiting) this.#dispatch(id, command, pending);
        this.#waiting.clear();
        for (const frame of this.#signals.splice(0)) this.#send(frame);
        break;
      }
      case 'snapshot':
        // Pages of one snapshot are applied together, when the last arrives.
        this.#pages.push(...frame.invitations);
        if (frame.more) break;
        this.#seq = frame.seq;
        this.#resyncing = false;
        listener?.onSnapshot({ ...frame, invitations: this.#pages.splice(0) });
        break;
      case 'ev':
        if (frame.seq === undefined) {
          listener?.onEvent(frame.ev);
        } else if (this.#resyncing || frame.seq <= this.#seq) {
          // A duplicate, or an event the coming snapshot already contains.
        } else if (frame.seq === this.#seq + 1) {
          this.#seq = frame.seq;
          listener?.onEvent(frame.ev);
        } else {
          // A gap: never guess; ask for the whole picture.
          this.#resyncing = true;
          this.#send({ t: 'sync' });
        }
        break;
      case 'res': {
        const pending = this.#pending.get(frame.id);
        if (pending === undefined) break;
        this.#pending.delete(frame.id);
        this.#clock.clearTimer(pending.timer);
        pending.resolve(
          frame.ok ? { ok: true, inviteID: frame.inviteID } : { ok: false, error: frame.error },
        );
        break;
      }
      case 'group':
        listener?.onGroupChange?.(frame.groupID);
        break;
      case 'queue':
        listener?.onQueue?.(frame);
        break;
      case 'rtc':
        listener?.onRoomSignal?.(frame.roomID, frame.from, frame.data);
        break;
      // 'pong' only proves the socket alive (any frame does); 'error' needs no action.
    }
  }

  #heartbeat(): void {
    const every = this.#o.heartbeatMs ?? 15_000;
    this.#clock.clearTimer(this.#beatTimer);
    this.#beatTimer = this.#clock.setTimer(this.#clock.now() + every, () => {
      if (!this.#ready) return;
      if (this.#clock.now() - this.#lastFrameAt > 2 * every) {
        // Silent for two intervals: the socket is dead even if the platform has not noticed.
        const socket = this.#socket;
        this.#onClose(DEAD, 'heartbeat timeout');
        socket?.close(DEAD, 'heartbeat timeout');
        return;
      }
      this.#send({ t: 'ping', ts: this.#clock.now() });
      this.#heartbeat();
    });
  }

  #teardown(): void {
    this.#ready = false;
    this.#pages = [];
    this.#clock.clearTimer(this.#beatTimer);
    if (this.#socket) {
      this.#socket.onopen = this.#socket.onmessage = this.#socket.onclose = null;
      this.#socket = undefined;
    }
    for (const [id, pending] of this.#pending) {
      this.#clock.clearTimer(pending.timer);
      pending.reject(new SignalingError(ErrorCode.NOT_CONNECTED, 'connection dropped'));
      this.#pending.delete(id);
    }
  }

  #rejectWaiting(error: SignalingError): void {
    for (const { pending } of this.#waiting.values()) {
      this.#clock.clearTimer(pending.timer);
      pending.reject(error);
    }
    this.#waiting.clear();
  }

  #onClose(code: number, reason: string): void {
    this.#teardown();
    if (this.#closed) return;
    if (code === TOO_MANY_CONNECTIONS) {
      // Reconnecting would close the user's next oldest socket, and so on round the devices.
      this.#fail(ErrorCode.LIMIT_EXCEEDED, reason || 'too many connections');
      return;
    }
    const refreshable = typeof this.#o.token === 'function' && code === TOKEN_EXPIRED;
    // 4001 unauthorized, 4002 token expired, 4003 origin not allowed: retrying cannot help.
    if (code > 4000 && code < 4004 && !refreshable) {
      this.#fail(ErrorCode.UNAUTHORIZED, reason || `closed with ${code}`);
      return;
    }
    this.#scheduleReconnect();
  }

  #fail(code: SignalingErrorInfo['code'], message: string): void {
    const error = { code, message };
    this.#closed = true;
    this.#teardown();
    this.#rejectWaiting(SignalingError.from(error));
    this.#listener?.onStateChange('closed', error);
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const state: ConnectionState = 'reconnecting';
    this.#listener?.onStateChange(state);
    const base = this.#o.reconnect?.initialDelayMs ?? 250;
    const max = this.#o.reconnect?.maxDelayMs ?? 10_000;
    const delay = Math.min(max, base * 2 ** this.#attempt) * (0.5 + (this.#o.random ?? Math.random)() / 2);
    this.#attempt++;
    this.#retryTimer = this.#clock.setTimer(this.#clock.now() + delay, () => void this.#open());
  }
}
