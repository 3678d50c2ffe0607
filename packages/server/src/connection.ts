import { randomUUID } from 'node:crypto';
import {
  type Command,
  type CommandReply,
  ErrorCode,
  type InvitationRecord,
  type SignalingErrorInfo,
  type SignalingEvent,
} from '@beckon/signaling';
import {
  type ClientFrame,
  CloseCode,
  type FrameResult,
  needsReceipt,
  parseClientFrame,
  type ServerFrame,
} from '@beckon/signaling/rules';
import type { WebSocket } from 'ws';
import type { ServerContext } from './context.js';

/** Token bucket: `burst` requests at once, refilled at `perSecond`. */
class Bucket {
  #tokens: number;
  #at: number;
  constructor(
    readonly burst: number,
    readonly perSecond: number,
  ) {
    this.#tokens = burst;
    this.#at = Date.now();
  }
  take(): number {
    const now = Date.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens--;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000);
  }
}

/** Standard close codes clients reconnect after: the store changed under us, or is unreachable. */
export const STORE_RESET = 1012;
export const TRY_AGAIN_LATER = 1013;

/**
 * One WebSocket: authentication, request handling, sequenced delivery and resume. Until its
 * snapshot or replay has gone out, live events are held back so the client never sees a gap.
 */
export class Connection {
  readonly sessionID = randomUUID();
  userID: string | undefined;
  deviceID = '';
  alive = true;
  #ctx: ServerContext;
  #socket: WebSocket;
  #bucket: Bucket;
  #authing = false;
  #held: Array<{ seq: number | undefined; text: string; event: SignalingEvent }> | undefined;
  #authTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #corked = false;
  #corkedBytes = 0;
  /** Requests of this socket being dispatched: its writes flush after everyone else's. */
  #acting = 0;
  /**
   * The highest sequence number this socket has been sent (events, replay or snapshot). With
   * several processes an event can reach this process both from its log and live; it goes out once.
   */
  #lastSeq = 0;

  constructor(ctx: ServerContext, socket: WebSocket) {
    this.#ctx = ctx;
    this.#socket = socket;
    this.#bucket = new Bucket(ctx.options.rateLimit.burst, ctx.options.rateLimit.perSecond);
    this.#authTimer = setTimeout(
      () => this.close(CloseCode.AUTH_TIMEOUT, 'no auth frame in time'),
      ctx.options.authTimeoutMs,
    );
    socket.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('close', () => this.#onClosed());
    socket.on('error', () => this.#onClosed());
  }

  get authenticated(): boolean {
    return this.userID !== undefined && !this.#authing;
  }

  /** Sends a pre-serialized frame, cutting off a reader that lets its buffer grow. */
  sendText(text: string): void {
    if (this.#closed) return;
    // Bytes held by this tick's cork are ours, not the reader's backlog.
    if (this.#socket.bufferedAmount - this.#corkedBytes > this.#ctx.options.maxBufferedBytes) {
      this.#ctx.metrics.inc('beckon_connections_closed_total', 'slow_consumer');
      this.close(CloseCode.SLOW_CONSUMER, 'slow consumer');
      this.#socket.terminate();
      return;
    }
    this.#cork();
    this.#corkedBytes += text.length;
    this.#socket.send(text);
  }

  /**
   * Holds this socket's writes until the current burst of work is done, so the frames one request
   * causes (its event, then the reply a few promise hops later) leave in one system call. The
   * flush waits for the microtasks queued so far, then a tick; the sockets of a request's actor
   * flush one tick later still, so the others (the callee who is ringing) are written first.
   */
  #cork(): void {
    if (this.#corked) return;
    const raw = (this.#socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (raw === undefined) return;
    this.#corked = true;
    raw.cork();
    const flush = () => {
      this.#corked = false;
      this.#corkedBytes = 0;
      raw.uncork();
    };
    const acting = this.#acting > 0;
    queueMicrotask(() => process.nextTick(acting ? () => process.nextTick(flush) : flush));
  }

  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  /** Delivers one event; `text` is the event JSON, serialized once for every recipient. */
  deliver(seq: number | undefined, eventJson: string, event: SignalingEvent): void {
    const text =
      seq === undefined ? `{"t":"ev","ev":${eventJson}}` : `{"t":"ev","seq":${seq},"ev":${eventJson}}`;
    if (this.#held) {
      this.#held.push({ seq, text, event });
      return;
    }
    this.#sendEvent(seq, text, event);
  }

  #sendEvent(seq: number | undefined, text: string, event: SignalingEvent): boolean {
    if (seq !== undefined) {
      if (seq <= this.#lastSeq) return false;
      this.#lastSeq = seq;
    }
    this.sendText(text);
    this.#ctx.metrics.observeDelivery(Math.max(0, Date.now() - event.at) / 1000);
    return true;
  }

  /** Sends a fresh snapshot (the store could not replay what this socket missed). */
  resync(): void {
    if (this.authenticated) void this.#resyncOrClose(undefined);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#socket.close(code, reason);
    this.#onClosed();
  }

  /** Drops the socket without a close frame. */
  terminate(): void {
    this.#socket.terminate();
    this.#onClosed();
  }

  /** Server-side heartbeat: a socket that did not answer the last ping is dead. */
  heartbeat(): void {
    if (!this.alive) {
      this.#ctx.metrics.inc('beckon_connections_closed_total', 'dead');
      this.terminate();
      return;
    }
    this.alive = false;
    this.#socket.ping();
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#authTimer);
    this.#ctx.detach(this);
  }

  #error(error: SignalingErrorInfo, id?: number): void {
    this.#ctx.metrics.inc('beckon_frames_rejected_total', String(error.code));
    this.send(id === undefined ? { t: 'error', error } : { t: 'res', id, ok: false, error });
  }

  #onMessage(data: unknown, isBinary: boolean): void {
    if (this.#closed) return;
    const wait = this.#bucket.take();
    let raw: string;
    if (isBinary || !(Buffer.isBuffer(data) || typeof data === 'string')) raw = '';
    else raw = data.toString();
    const parsed: FrameResult<ClientFrame> = isBinary
      ? { ok: false, error: { code: ErrorCode.MALFORMED_FRAME, message: 'binary frames are not accepted' } }
      : parseClientFrame(raw);
    if (wait > 0) {
      const id = parsed.ok ? (parsed.frame.t === 'req' ? parsed.frame.id : undefined) : parsed.id;
      this.#error(
        { code: ErrorCode.RATE_LIMITED, message: 'too many requests', details: { retryAfterMs: wait } },
        id,
      );
      return;
    }
    if (!parsed.ok) {
      this.#error(parsed.error, parsed.id);
      return;
    }
    void this.#onFrame(parsed.frame).catch((error: unknown) => {
      this.#ctx.log.error({ err: error }, 'frame handling failed');
      const id = parsed.frame.t === 'req' ? parsed.frame.id : undefined;
      const unavailable = (error as { code?: unknown })?.code === ErrorCode.UNAVAILABLE;
      this.#error(
        unavailable
          ? {
              code: ErrorCode.UNAVAILABLE,
              message: 'the store is temporarily unavailable; nothing was applied',
            }
          : { code: ErrorCode.INTERNAL, message: 'internal error' },
        id,
      );
    });
  }

  async #onFrame(frame: ClientFrame): Promise<void> {
    if (frame.t === 'auth') return this.#auth(frame);
    if (!this.authenticated) {
      return this.#error(
        { code: ErrorCode.UNAUTHORIZED, message: 'authenticate first: send an auth frame' },
        frame.t === 'req' ? frame.id : undefined,
      );
    }
    switch (frame.t) {
      case 'ping':
        this.send({ t: 'pong', ts: frame.ts, serverTime: Date.now() });
        return;
      case 'sync':
        return this.#resyncOrClose(undefined);
      case 'req':
        return this.#request(frame.id, frame.cmd);
      case 'rtc': {
        const userID = this.userID ?? '';
        if (!(await this.#ctx.relayRoomSignal(frame.roomID, userID, frame.to, frame.data))) {
          this.#error({
            code: ErrorCode.NO_PERMISSION,
            message: `${frame.to} is not in a call with you in room ${frame.roomID}`,
          });
        }
        return;
      }
    }
  }

  async #auth(frame: Extract<ClientFrame, { t: 'auth' }>): Promise<void> {
    if (this.userID !== undefined || this.#authing) {
      return this.#error({ code: ErrorCode.INVALID_PARAMETERS, message: 'already authenticated' });
    }
    this.#authing = true;
    const result = await this.#ctx.verify(frame.token);
    if (this.#closed) return;
    if (!result.ok) {
      this.#ctx.metrics.inc('beckon_connections_closed_total', `token_${result.reason}`);
      const expired = result.reason === 'expired';
      this.close(
        expired ? CloseCode.TOKEN_EXPIRED : CloseCode.UNAUTHORIZED,
        expired ? 'token expired' : result.reason === 'missing' ? 'token missing' : 'token invalid',
      );
      return;
    }
    clearTimeout(this.#authTimer);
    this.userID = result.userID;
    this.deviceID = frame.device ?? this.sessionID;
    this.#held = [];
    try {
      await this.#ctx.attach(this);
    } catch (error) {
      this.#ctx.log.warn({ err: error }, 'store unavailable at login');
      this.close(TRY_AGAIN_LATER, 'store unavailable');
      return;
    }
    if (this.#closed) return;
    this.send({
      t: 'hello',
      sessionID: this.sessionID,
      userID: result.userID,
      deviceID: this.deviceID,
      serverTime: Date.now(),
      epoch: this.#ctx.store.epoch,
    });
    this.#authing = false;
    const resume = frame.resume?.epoch === this.#ctx.store.epoch ? frame.resume.seq : undefined;
    await this.#resyncOrClose(resume);
  }

  /** A socket that cannot be brought up to date is closed, so its client reconnects and resumes. */
  async #resyncOrClose(seq: number | undefined): Promise<void> {
    try {
      await this.#resync(seq);
    } catch (error) {
      this.#ctx.log.warn({ err: error }, 'resync failed');
      this.close(TRY_AGAIN_LATER, 'store unavailable');
    }
  }

  /** Replays what the client missed after `seq`, or sends a snapshot; then releases held events. */
  async #resync(seq: number | undefined): Promise<void> {
    const userID = this.userID;
    if (userID === undefined) return;
    this.#held ??= [];
    const store = this.#ctx.store;
    const missed = seq === undefined ? undefined : await store.eventsSince(userID, seq);
    let upTo: number;
    const invitesFor: InvitationRecord[] = [];
    if (this.#closed) return;
    if (missed !== undefined) {
      upTo = missed.at(-1)?.seq ?? seq ?? 0;
      for (const { seq: s, event } of missed)
        this.sendText(`{"t":"ev","seq":${s},"ev":${JSON.stringify(event)}}`);
      for (const { event } of missed) if ('invitation' in event) invitesFor.push(event.invitation);
    } else {
      const snapshot = await store.snapshot(userID);
      if (this.#closed) return;
      upTo = snapshot.seq;
      this.send({ t: 'snapshot', seq: snapshot.seq, at: Date.now(), invitations: snapshot.invitations });
      invitesFor.push(...snapshot.invitations);
    }
    this.#lastSeq = upTo;
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const h of held) this.#sendEvent(h.seq, h.text, h.event);
    for (const record of invitesFor)
      if (needsReceipt(record, userID)) store.delivered(record.inviteID, userID);
    for (const h of held) this.#ctx.markDelivered(h.event, userID);
  }

  async #request(id: number, command: Command): Promise<void> {
    const userID = this.userID;
    if (userID === undefined) return;
    this.#acting++;
    let reply: CommandReply;
    try {
      reply = await this.#ctx.store.dispatch(userID, this.deviceID, command);
    } finally {
      this.#acting--;
    }
    this.send(
      reply.ok
        ? { t: 'res', id, ok: true, inviteID: reply.inviteID }
        : { t: 'res', id, ok: false, error: reply.error },
    );
  }
}
