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
  type GroupOperation,
  isGroupCommand,
  isReplayable,
  needsReceipt,
  parseClientFrame,
  type ServerFrame,
} from '@beckon/signaling/rules';
import type { WebSocket } from 'ws';
import type { ServerContext } from './context.js';
import { Bucket, invitationCapExceeded } from './limits.js';
import { MAX_ENDED_IN_SNAPSHOT, missedEvents } from './missed.js';
import type { StoreSnapshot } from './store/types.js';

type Res = Extract<ServerFrame, { t: 'res' }>;

/** Live events held back behind a snapshot before its reader counts as too slow. */
const MAX_HELD_EVENTS = 10_000;

/** The replay of `missed` as frames, or undefined when it is over `maxBytes` (a snapshot is sent). */
export function replayFrames(
  missed: ReadonlyArray<{ seq: number; event: SignalingEvent }>,
  maxBytes: number,
): string[] | undefined {
  const frames: string[] = [];
  let bytes = 0;
  for (const { seq, event } of missed) {
    const frame = `{"t":"ev","seq":${seq},"ev":${JSON.stringify(event)}}`;
    bytes += frame.length;
    if (bytes > maxBytes) return undefined;
    frames.push(frame);
  }
  return frames;
}

/**
 * A snapshot as frames of about `pageBytes` each (one invitation never splits); every frame but
 * the last says `more`, and the client applies them together. Pages are made as they are taken,
 * so a socket waiting for its reader holds one page, not the whole snapshot.
 */
export function* snapshotPages(
  snapshot: StoreSnapshot,
  at: number,
  pageBytes: number,
  missed: readonly SignalingEvent[] = [],
): Generator<string> {
  const head = `{"t":"snapshot","seq":${snapshot.seq},"at":${at}`;
  let page: string[] = [];
  let size = 0;
  for (const record of snapshot.invitations) {
    const json = JSON.stringify(record);
    if (page.length > 0 && size + json.length > pageBytes) {
      yield `${head},"more":true,"invitations":[${page.join(',')}]}`;
      page = [];
      size = 0;
    }
    page.push(json);
    size += json.length + 1;
  }
  const tail = missed.length > 0 ? `,"missed":${JSON.stringify(missed)}` : '';
  yield `${head},"invitations":[${page.join(',')}]${tail}}`;
}

/** Standard close codes clients reconnect after: the store changed under us, or is unreachable. */
export const STORE_RESET = 1012;
export const TRY_AGAIN_LATER = 1013;

/** The sequence numbers a snapshot covered past what its socket had sent, and which of those went out since. */
interface SnapshotCover {
  readonly after: number;
  readonly upTo: number;
  readonly sent: Set<number>;
}

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
  #expiryTimer: NodeJS.Timeout | undefined;
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
  /** The sequence numbers the last snapshot covered past what this socket had sent (`#sendEvent`). */
  #snapshotCovers: SnapshotCover | undefined;
  /**
   * The sequence number of this socket's last snapshot or replay: its client holds at least
   * that (events after it may have been dropped by a client that saw a gap).
   */
  #syncedTo: number | undefined;
  /** Replies waiting for this socket's other requests in flight (see `#reply`). */
  #replies: Res[] = [];
  /** Classroom events held for this socket's next batch (`GroupBatches`), in order. */
  #pending: Array<{ seq: number | undefined; json: string; event: SignalingEvent }> = [];
  /** The client said it held a session (a resume frame, of this epoch or not). */
  #heldBefore = false;
  /** Frames (the queue stream's) that go out with the next batch, after its events. */
  #lines: string[] = [];

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

  /**
   * Sends a pre-serialized frame, cutting off a reader that lets its buffer grow, or a socket
   * whose current burst (the bytes held by this tick's cork) has passed its own bound.
   */
  sendText(text: string): void {
    if (this.#closed) return;
    const { maxBufferedBytes, maxBurstBytes } = this.#ctx.options;
    if (
      this.#socket.bufferedAmount - this.#corkedBytes > maxBufferedBytes ||
      this.#corkedBytes > maxBurstBytes
    ) {
      this.#cutSlow();
      return;
    }
    this.#cork();
    this.#corkedBytes += text.length;
    this.#ctx.metrics.framesSent++;
    this.#socket.send(text);
  }

  #cutSlow(): void {
    this.#ctx.metrics.inc('beckon_connections_closed_total', 'slow_consumer');
    this.close(CloseCode.SLOW_CONSUMER, 'slow consumer');
    this.#socket.terminate();
  }

  /**
   * Resolves once the reader has taken what is queued down to half the buffer bound (snapshot
   * pages wait for it, so one socket never has more than a page or two in memory).
   */
  #drained(): Promise<void> {
    const raw = (this.#socket as unknown as { _socket?: NodeJS.EventEmitter })._socket;
    const low = this.#ctx.options.maxBufferedBytes / 2;
    return new Promise((resolve) => {
      const check = () => {
        if (this.#closed || raw === undefined || this.#socket.bufferedAmount <= low) {
          raw?.off('drain', check);
          raw?.off('close', check);
          resolve();
        }
      };
      raw?.on('drain', check);
      raw?.on('close', check);
      // The cork is flushed a tick from now; look then, and on every drain after.
      setImmediate(check);
    });
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
      // Held while a snapshot goes out page by page to a reader that does not read.
      if (this.#held.length >= MAX_HELD_EVENTS) this.#cutSlow();
      else this.#held.push({ seq, text, event });
      return;
    }
    this.#sendEvent(seq, text, event);
  }

  /** Holds a classroom event for this socket's next batch (see `deliverAtOnce`). */
  queue(seq: number | undefined, eventJson: string, event: SignalingEvent): void {
    if (this.#held) this.deliver(seq, eventJson, event);
    else this.#pending.push({ seq, json: eventJson, event });
  }

  /**
   * Adds a frame to this socket's next batch message (a queue frame, issue 19). Dropped while a
   * snapshot or replay goes out: the queue's full frame follows it.
   */
  batchLine(text: string): void {
    if (this.#held === undefined && !this.#closed) this.#lines.push(text);
  }

  /** Sends the held events as one frame (with waiting replies), skipping what went out already. */
  flushPending(): void {
    const held = this.#pending;
    const res = this.#replies;
    const lines = this.#lines;
    this.#pending = [];
    this.#replies = [];
    this.#lines = [];
    const parts: string[] = [];
    for (const { seq, json, event } of held) {
      if (seq !== undefined) {
        if (seq <= this.#lastSeq) continue;
        this.#lastSeq = seq;
      }
      parts.push(seq === undefined ? `{"t":"ev","ev":${json}}` : `{"t":"ev","seq":${seq},"ev":${json}}`);
      this.#ctx.metrics.observeDelivery(Math.max(0, Date.now() - event.at) / 1000);
    }
    parts.push(...lines);
    if (parts.length === 0 && res.length <= 1) {
      if (res[0]) this.send(res[0]);
      return;
    }
    for (const r of res) parts.push(JSON.stringify(r));
    // One message, one frame per line (JSON.stringify never writes a raw line break).
    this.sendText(parts.join('\n'));
  }

  #sendEvent(seq: number | undefined, text: string, event: SignalingEvent): boolean {
    // Held classroom events go first: this socket sees its events in sequence order.
    if (this.#pending.length > 0) this.flushPending();
    if (seq !== undefined) {
      if (seq <= this.#lastSeq) {
        // An onlineUserOnly invitation's event that the last snapshot's sequence covers but the
        // snapshot left out (it never holds them): its user was online when it was committed
        // (it came live), so it goes out without a sequence number, which the client applies as
        // it comes. On Redis a commit can fall between the login's presence and its snapshot.
        const covered = this.#snapshotCovers;
        if (
          isReplayable(event.envelope) ||
          covered === undefined ||
          seq <= covered.after ||
          seq > covered.upTo ||
          covered.sent.has(seq)
        )
          return false;
        covered.sent.add(seq);
        this.sendText(JSON.stringify({ t: 'ev', ev: event }));
        return true;
      }
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

  /**
   * At most one snapshot or replay in flight per socket: requests arriving meanwhile become one
   * more snapshot, `resyncIntervalMs` after it (a hundred `sync` frames in one write cost two
   * snapshots, not 100).
   */
  #resyncing: Promise<void> | undefined;
  #again = false;

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
    clearTimeout(this.#expiryTimer);
    this.#ctx.detach(this);
  }

  #error(error: SignalingErrorInfo, id?: number): void {
    this.#ctx.metrics.inc('beckon_frames_rejected_total', String(error.code));
    this.send(id === undefined ? { t: 'error', error } : { t: 'res', id, ok: false, error });
  }

  #onMessage(data: unknown, isBinary: boolean): void {
    if (this.#closed) return;
    // The socket's own bucket first: a socket over its limit does not drain its user's.
    let wait = this.#bucket.take();
    const perUser = wait === 0 && this.userID !== undefined;
    if (perUser) wait = this.#ctx.userBuckets.take(this.userID ?? '');
    let raw: string;
    if (isBinary || !(Buffer.isBuffer(data) || typeof data === 'string')) raw = '';
    else raw = data.toString();
    const parsed: FrameResult<ClientFrame> = isBinary
      ? { ok: false, error: { code: ErrorCode.MALFORMED_FRAME, message: 'binary frames are not accepted' } }
      : parseClientFrame(raw);
    if (wait > 0) {
      const id = parsed.ok ? (parsed.frame.t === 'req' ? parsed.frame.id : undefined) : parsed.id;
      this.#error(
        {
          code: ErrorCode.RATE_LIMITED,
          message: perUser ? 'too many requests from this user' : 'too many requests',
          details: { retryAfterMs: wait },
        },
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
        return isGroupCommand(frame.cmd)
          ? this.#groupOperation(frame.id, frame.cmd.groupID, frame.cmd.op)
          : this.#request(frame.id, frame.cmd);
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
      const reasons = {
        expired: 'token expired',
        missing: 'token missing',
        invalid: 'token invalid',
        lifetime: `token lifetime over ${this.#ctx.options.maxTokenLifetimeSeconds} s`,
      };
      this.close(expired ? CloseCode.TOKEN_EXPIRED : CloseCode.UNAUTHORIZED, reasons[result.reason]);
      return;
    }
    clearTimeout(this.#authTimer);
    this.#expireAt(result.expiresAt);
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
    // Of another epoch too: its client may hold hands of the queue stream from before.
    this.#heldBefore = frame.resume !== undefined;
    await this.#resyncOrClose(resume);
  }

  /**
   * The session ends with its token: closed with 4002, a client with a token provider fetches a
   * fresh one and resumes from its last sequence number.
   */
  #expireAt(expiresAt: number): void {
    const left = expiresAt - Date.now();
    if (left <= 0) {
      this.#ctx.metrics.inc('beckon_connections_closed_total', 'token_expired');
      this.close(CloseCode.TOKEN_EXPIRED, 'token expired');
      return;
    }
    // Timers overflow past 2^31 - 1 ms (about 24.8 days): check again then.
    this.#expiryTimer = setTimeout(() => this.#expireAt(expiresAt), Math.min(left, 2 ** 31 - 1));
  }

  /** A socket that cannot be brought up to date is closed, so its client reconnects and resumes. */
  #resyncOrClose(seq: number | undefined): Promise<void> {
    if (this.#resyncing !== undefined) {
      this.#again = true;
      return this.#resyncing;
    }
    const run = async (from: number | undefined) => {
      try {
        await this.#resync(from);
        while (this.#again && !this.#closed) {
          // The follow-up waits its turn: a socket asking again and again gets a snapshot per
          // interval, however many it asks for.
          await new Promise((r) => setTimeout(r, this.#ctx.options.resyncIntervalMs));
          if (this.#closed) return;
          this.#again = false;
          await this.#resync(undefined);
        }
      } catch (error) {
        this.#ctx.log.warn({ err: error }, 'resync failed');
        this.close(TRY_AGAIN_LATER, 'store unavailable');
      } finally {
        this.#resyncing = undefined;
        this.#again = false;
      }
    };
    this.#resyncing = run(seq);
    return this.#resyncing;
  }

  /** Replays what the client missed after `seq`, or sends a snapshot; then releases held events. */
  async #resync(seq: number | undefined): Promise<void> {
    const userID = this.userID;
    if (userID === undefined) return;
    this.#held ??= [];
    // The replay or snapshot covers whatever was held for the next batch (the queue's full
    // frame follows it).
    this.#pending = [];
    this.#lines = [];
    // A client that held something (it resumes, or this socket synced before) may hold hands of
    // the queue stream that the full frame must clear, even when the queue is empty now.
    const resumed = this.#heldBefore || this.#syncedTo !== undefined;
    const store = this.#ctx.store;
    const missed = seq === undefined ? undefined : await store.eventsSince(userID, seq);
    let upTo: number;
    let covers: SnapshotCover | undefined;
    const invitesFor: InvitationRecord[] = [];
    if (this.#closed) return;
    const replay = missed === undefined ? undefined : replayFrames(missed, this.#ctx.options.maxReplayBytes);
    if (missed !== undefined && replay !== undefined) {
      upTo = missed.at(-1)?.seq ?? seq ?? 0;
      for (const frame of replay) this.sendText(frame);
      for (const { event } of missed) if ('invitation' in event) invitesFor.push(event.invitation);
    } else {
      // Nothing to replay from, or more than a snapshot costs: a snapshot, in pages. A client
      // that held invitations (it resumes, or this socket was synced) learns how those that
      // ended meanwhile ended, as far as the log still reaches back.
      const base = seq ?? this.#syncedTo;
      const snapshot = await store.snapshot(userID);
      // Read after the snapshot: an invitation ending in between is still in the snapshot, and
      // its end comes as a live event.
      const ended = base === undefined ? [] : await store.endedSince(userID, base, MAX_ENDED_IN_SNAPSHOT);
      if (this.#closed) return;
      upTo = snapshot.seq;
      covers = { after: this.#lastSeq, upTo, sent: new Set<number>() };
      let first = true;
      const pages = snapshotPages(
        snapshot,
        Date.now(),
        this.#ctx.options.snapshotPageBytes,
        missedEvents(ended, this.#ctx.options.snapshotPageBytes),
      );
      for (const page of pages) {
        if (!first) await this.#drained();
        first = false;
        if (this.#closed) return;
        this.sendText(page);
      }
      invitesFor.push(...snapshot.invitations);
    }
    this.#snapshotCovers = covers;
    this.#lastSeq = upTo;
    this.#syncedTo = upTo;
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const h of held) this.#sendEvent(h.seq, h.text, h.event);
    for (const record of invitesFor)
      if (needsReceipt(record, userID)) store.delivered(record.inviteID, userID);
    for (const h of held) this.#ctx.markDelivered(h.event, userID);
    this.#ctx.synced(this, resumed);
  }

  async #request(id: number, command: Command): Promise<void> {
    const userID = this.userID;
    if (userID === undefined) return;
    this.#acting++;
    let reply: CommandReply;
    try {
      const { store, invitationCap: cap } = this.#ctx;
      const dispatch = (checked?: number) => store.dispatch(userID, this.deviceID, command, checked);
      reply =
        command.op === 'invite'
          ? ((await cap.run(userID, dispatch)) ?? invitationCapExceeded(cap.max))
          : await dispatch();
    } catch (error) {
      this.#acting--;
      if (this.#acting === 0) this.#settle();
      throw error;
    }
    this.#acting--;
    if (reply.ok && command.op === 'invite') this.#ctx.placed(userID, this.deviceID, command, reply.inviteID);
    this.#reply(id, reply);
  }

  /**
   * A reply carries the socket's held classroom events in the same frame; while other requests
   * of the socket are still being dispatched, it waits for theirs: a student raising a hand (a
   * marker and an accept, sent together) gets one frame back, not four. Sockets without held
   * classroom events get each reply at once, as before.
   */
  #reply(id: number, reply: CommandReply): void {
    this.#replies.push(
      reply.ok
        ? { t: 'res', id, ok: true, inviteID: reply.inviteID }
        : { t: 'res', id, ok: false, error: reply.error },
    );
    if (this.#acting === 0 || this.#pending.length === 0) this.#settle();
  }

  /** Sends the replies waiting, with the held events when there are some. */
  #settle(): void {
    if (this.#replies.length === 0) return;
    if (this.#held || (this.#pending.length === 0 && this.#replies.length === 1)) {
      const replies = this.#replies;
      this.#replies = [];
      for (const res of replies) this.send(res);
    } else this.flushPending();
  }

  async #groupOperation(id: number, groupID: string, op: GroupOperation): Promise<void> {
    const userID = this.userID;
    if (userID === undefined) return;
    this.#acting++;
    let reply: CommandReply;
    try {
      reply = await this.#ctx.groupOperation(userID, this.deviceID, groupID, op);
    } catch (error) {
      this.#acting--;
      if (this.#acting === 0) this.#settle();
      throw error;
    }
    this.#acting--;
    this.#reply(id, reply);
  }
}
