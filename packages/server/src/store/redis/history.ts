import type { Redis } from 'ioredis';
import { type HistoryLimits, planHistory } from '../../history.js';
import type { HistoryEntry } from '../types.js';
import { call, sleep } from './cas.js';
import { StoreUnavailableError } from './errors.js';

const MAX_ATTEMPTS = 10;

/**
 * Call history in Redis: a list per user, newest first, and a version that every change
 * bumps. Read the list and its version, decide with the memory store's `planHistory`, then one
 * script applies the change if the version is still the one read (else read again).
 */
export class RedisHistory {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #limits: HistoryLimits;

  constructor(redis: Redis, prefix: string, limits: HistoryLimits) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#limits = limits;
  }

  async record(userID: string, entry: HistoryEntry): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { version, entries } = await this.#read(userID);
      const change = planHistory(entries, entry, this.#limits);
      if (change.kind === 'none') return;
      const json = JSON.stringify(change.entry);
      const applied = await call(() =>
        change.kind === 'set'
          ? this.#redis.beckonHistoryApply(this.#prefix, userID, version, 'set', change.index, json)
          : this.#redis.beckonHistoryApply(this.#prefix, userID, version, 'push', -1, json, ...change.drop),
      );
      if (applied === 1) return;
      await sleep(Math.random() * 10);
    }
    throw new StoreUnavailableError('too much contention on a history');
  }

  async list(userID: string): Promise<HistoryEntry[]> {
    return (await this.#read(userID)).entries;
  }

  /** The list and its version, read together. */
  async #read(userID: string): Promise<{ version: string; entries: HistoryEntry[] }> {
    const key = `${this.#prefix}hist:${userID}`;
    const [version, items] = await call(async () => {
      const replies = await this.#redis
        .multi()
        .get(`${this.#prefix}histv:${userID}`)
        .lrange(key, 0, -1)
        .exec();
      return (replies ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      });
    });
    return {
      version: typeof version === 'string' ? version : '0',
      entries: (Array.isArray(items) ? (items as string[]) : []).map(
        (item) => JSON.parse(item) as HistoryEntry,
      ),
    };
  }
}
