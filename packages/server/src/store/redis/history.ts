import type { Redis } from 'ioredis';
import { completeCall, completes } from '../../history.js';
import type { HistoryEntry } from '../types.js';
import { call, sleep } from './cas.js';
import { StoreUnavailableError } from './errors.js';
import { list } from './scripts.js';

const MAX_ATTEMPTS = 10;

/**
 * Call history in Redis: a list per user, newest first. Adding is one push; a hang-up that
 * completes an earlier call rewrites that one element, compare-and-set against what was read
 * (a push meanwhile moves it: read again). The same merge as the memory store (history.ts).
 */
export class RedisHistory {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #limit: number;

  constructor(redis: Redis, prefix: string, limit: number) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#limit = limit;
  }

  async record(userID: string, entry: HistoryEntry): Promise<void> {
    const json = JSON.stringify(entry);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (entry.outcome === 'completed') {
        const items = await this.#items(userID);
        const index = items.findIndex((item) => completes(entry, JSON.parse(item) as HistoryEntry));
        const old = items[index];
        if (old !== undefined) {
          const next = JSON.stringify(completeCall(JSON.parse(old) as HistoryEntry, entry));
          if ((await call(() => this.#redis.beckonHistorySet(this.#prefix, userID, index, old, next))) === 1)
            return;
          await sleep(Math.random() * 10);
          continue;
        }
      }
      await call(() => this.#redis.beckonHistoryPush(this.#prefix, userID, json, this.#limit));
      return;
    }
    throw new StoreUnavailableError('too much contention on a history');
  }

  async list(userID: string): Promise<HistoryEntry[]> {
    return (await this.#items(userID)).map((item) => JSON.parse(item) as HistoryEntry);
  }

  async #items(userID: string): Promise<string[]> {
    return list<string>(await call(() => this.#redis.lrange(`${this.#prefix}hist:${userID}`, 0, -1)));
  }
}
