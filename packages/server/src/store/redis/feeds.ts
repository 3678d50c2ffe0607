import type { SignalingEvent } from '@beckon/signaling';
import type { Delivery } from '../types.js';

export interface LogEntry {
  readonly seq: number;
  readonly event: SignalingEvent;
  readonly json: string;
}

export interface FeedSource {
  /** The user's current sequence number in Redis. */
  current(userID: string): Promise<number>;
  /** Log entries after `seq`, or undefined when the log no longer reaches back. */
  since(userID: string, seq: number): Promise<LogEntry[] | undefined>;
}

export interface FeedSink {
  deliver(deliveries: readonly Delivery[], event: SignalingEvent, json: string): void;
  /** The log could not fill a gap: the user's connections here must take a snapshot. */
  resync(userID: string): void;
  failed(error: unknown, userID: string): void;
}

interface Feed {
  /** The last sequence number handed on; -1 until the first read of the user's sequence. */
  last: number;
  /** Events that arrived ahead of a gap (or before the first read), by sequence number. */
  readonly ahead: Map<number, LogEntry>;
  catching: boolean;
  again: boolean;
}

/** Stash at most this many events ahead of a gap; past it the catch-up reads them anyway. */
const MAX_AHEAD = 1024;
const MAX_ROUNDS = 5;

/**
 * Per-user ordered delivery on one process. Events reach a process from its own commits and as
 * hints from others, in any order; each user's events leave here in sequence order, once each.
 * A gap (a hint lost or late) is filled from the user's log in Redis; a gap the log no longer
 * covers turns into a snapshot for the user's connections.
 */
export class Feeds {
  readonly #feeds = new Map<string, Feed>();
  readonly #source: FeedSource;
  readonly #sink: FeedSink;

  constructor(source: FeedSource, sink: FeedSink) {
    this.#source = source;
    this.#sink = sink;
  }

  get users(): IterableIterator<string> {
    return this.#feeds.keys();
  }

  has(userID: string): boolean {
    return this.#feeds.has(userID);
  }

  /** Starts following a user from their current sequence number. */
  async track(userID: string): Promise<void> {
    if (this.#feeds.has(userID)) return;
    const feed: Feed = { last: -1, ahead: new Map(), catching: false, again: false };
    this.#feeds.set(userID, feed);
    let current: number;
    try {
      current = await this.#source.current(userID);
    } catch (error) {
      if (this.#feeds.get(userID) === feed) this.#feeds.delete(userID);
      throw error;
    }
    if (this.#feeds.get(userID) !== feed) return;
    feed.last = current;
    this.#drain(userID, feed);
  }

  untrack(userID: string): void {
    this.#feeds.delete(userID);
  }

  clear(): void {
    this.#feeds.clear();
  }

  /** One event for these users with their sequence numbers; users not followed here are skipped. */
  offer(users: readonly string[], seqs: readonly number[], event: SignalingEvent, json: string): void {
    const now: Delivery[] = [];
    const moved: Array<[string, Feed]> = [];
    for (const [i, userID] of users.entries()) {
      const feed = this.#feeds.get(userID);
      const seq = seqs[i];
      if (feed === undefined || seq === undefined || seq <= feed.last) continue;
      if (feed.last >= 0 && seq === feed.last + 1) {
        feed.last = seq;
        now.push({ userID, seq });
        moved.push([userID, feed]);
      } else {
        if (feed.ahead.size < MAX_AHEAD) feed.ahead.set(seq, { seq, event, json });
        if (feed.last >= 0) void this.catchUp(userID);
      }
    }
    // One call for every user in order, so the event is handed on (and serialized) once.
    if (now.length > 0) this.#sink.deliver(now, event, json);
    for (const [userID, feed] of moved) if (feed.ahead.size > 0) this.#drain(userID, feed);
  }

  /** Reads what a user missed from the log (a gap, a lost hint, Redis back after an outage). */
  async catchUp(userID: string): Promise<void> {
    const feed = this.#feeds.get(userID);
    if (feed === undefined || feed.last < 0) return;
    if (feed.catching) {
      feed.again = true;
      return;
    }
    feed.catching = true;
    try {
      // Bounded: what is still missing after a few reads is picked up by the next sweep.
      for (let round = 0; round === 0 || (feed.again && round < MAX_ROUNDS); round++) {
        feed.again = false;
        const entries = await this.#source.since(userID, feed.last);
        if (this.#feeds.get(userID) !== feed) return;
        if (entries === undefined) {
          // The log has moved past us: start over from Redis's sequence with a snapshot.
          feed.last = await this.#source.current(userID);
          for (const seq of feed.ahead.keys()) if (seq <= feed.last) feed.ahead.delete(seq);
          this.#sink.resync(userID);
        } else {
          for (const entry of entries) if (entry.seq > feed.last) feed.ahead.set(entry.seq, entry);
        }
        this.#drain(userID, feed);
        if (feed.ahead.size > 0) feed.again = true;
      }
    } catch (error) {
      this.#sink.failed(error, userID);
    } finally {
      feed.catching = false;
    }
  }

  /** Catches up every followed user whose sequence in Redis is past what was handed on here. */
  sweep(current: ReadonlyMap<string, number>): void {
    for (const [userID, seq] of current) {
      const feed = this.#feeds.get(userID);
      if (feed !== undefined && feed.last >= 0 && seq > feed.last) void this.catchUp(userID);
    }
  }

  /** Hands on stashed events that are next in line; a hole left behind means a catch-up. */
  #drain(userID: string, feed: Feed): void {
    for (let next = feed.ahead.get(feed.last + 1); next; next = feed.ahead.get(feed.last + 1)) {
      feed.ahead.delete(next.seq);
      feed.last = next.seq;
      this.#sink.deliver([{ userID, seq: next.seq }], next.event, next.json);
    }
    for (const seq of feed.ahead.keys()) if (seq <= feed.last) feed.ahead.delete(seq);
    if (feed.ahead.size > 0 && !feed.catching) void this.catchUp(userID);
  }
}
