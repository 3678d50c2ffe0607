import type { Keys } from './keys.js';
import { type Client, list } from './scripts.js';

export interface UpkeepHost {
  readonly epoch: () => string;
  /** Users with a connection on this process. */
  readonly users: () => string[];
  /** A deadline claimed by this process is due. */
  readonly fire: (inviteID: string) => Promise<void>;
  /** The epoch read in Redis (null: gone) differs from ours. */
  readonly epochChanged: () => Promise<void>;
  /** The users' sequence numbers in Redis, to catch up on hints that never came. */
  readonly sweep: (seqs: ReadonlyMap<string, number>) => void;
  readonly warn: (what: string, err: unknown) => void;
}

export interface UpkeepOptions {
  readonly pollMs: number;
  readonly leaseMs: number;
  readonly presenceTtlMs: number;
  readonly nodeID: string;
}

/** Claims this many due deadlines per poll at most. */
const CLAIM_BATCH = 100;

/**
 * The background work of one process: claiming due deadlines, and a heartbeat that refreshes
 * presence, checks the epoch, measures Redis's clock and sweeps for missed hints.
 */
export class Upkeep {
  /** Redis clock minus ours (ms). */
  offset = 0;
  readonly #redis: Client;
  readonly #keys: Keys;
  readonly #o: UpkeepOptions;
  readonly #host: UpkeepHost;
  #pollTimer: NodeJS.Timeout | undefined;
  #beatTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Where the next heartbeat looks for presence entries whose claims all expired. */
  #cursor = '0';

  constructor(redis: Client, keys: Keys, options: UpkeepOptions, host: UpkeepHost) {
    this.#redis = redis;
    this.#keys = keys;
    this.#o = options;
    this.#host = host;
  }

  start(): void {
    this.#pollTimer = setTimeout(() => void this.#poll(), this.#o.pollMs);
    this.#beatTimer = setInterval(() => void this.heartbeat(), this.#o.presenceTtlMs / 3);
    this.#beatTimer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#pollTimer);
    clearInterval(this.#beatTimer);
  }

  async measureClock(): Promise<void> {
    const before = Date.now();
    // The clock of the Redis that runs the commits (on a cluster: the node of the deployment's slot).
    const [seconds, micros] = list<string>(
      await this.#redis.eval("return redis.call('TIME')", 1, this.#keys.epoch),
    );
    const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    this.offset = redisNow - Math.round((before + Date.now()) / 2);
  }

  /** Also run when a connection to Redis comes back: data may be gone, hints were missed. */
  async heartbeat(): Promise<void> {
    if (this.#stopped || this.#redis.status !== 'ready') return;
    try {
      await this.measureClock();
      const users = this.#host.users();
      const ttl = this.#o.presenceTtlMs;
      const now = Date.now();
      const pipe = this.#redis.pipeline().get(this.#keys.epoch);
      // This process's claims renewed, 1,000 users per script call; the first call also looks
      // at the next slice of presence entries for claims that all expired.
      for (let from = 0; from === 0 || from < users.length; from += 1000)
        pipe.beckonPresence(
          this.#keys.where,
          this.#o.nodeID,
          now + ttl,
          now,
          from === 0 ? this.#cursor : '',
          ...users.slice(from, from + 1000),
        );
      if (users.length > 0) pipe.beckonSequences(users.length, ...users.map((u) => this.#keys.log(u)));
      const results = (await pipe.exec()) ?? [];
      if (results[0]?.[1] !== this.#host.epoch()) return this.#host.epochChanged();
      const cursor = results[1]?.[1];
      if (typeof cursor === 'string' && cursor !== '') this.#cursor = cursor;
      const seqs = list<number>(results.at(-1)?.[1]);
      if (users.length > 0) this.#host.sweep(new Map(users.map((u, i) => [u, Number(seqs[i] ?? 0)])));
    } catch (error) {
      this.#host.warn('heartbeat', error);
    }
  }

  async #poll(): Promise<void> {
    try {
      const claimed = list<string>(
        await this.#redis.beckonClaim(
          this.#keys.epoch,
          this.#keys.deadlines,
          this.#host.epoch(),
          Date.now(),
          this.#o.leaseMs,
          CLAIM_BATCH,
        ),
      );
      if (claimed[0] === 'epoch') await this.#host.epochChanged();
      else await Promise.allSettled(claimed.slice(1).map((id) => this.#host.fire(id)));
    } catch (error) {
      this.#host.warn('deadline poll', error);
    } finally {
      if (!this.#stopped) this.#pollTimer = setTimeout(() => void this.#poll(), this.#o.pollMs);
    }
  }
}
