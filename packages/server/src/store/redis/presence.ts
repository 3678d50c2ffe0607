import { call } from './cas.js';
import type { Keys } from './keys.js';
import type { Client } from './scripts.js';

/**
 * Who is connected anywhere: per user, a sorted set of the processes holding a connection,
 * scored by when that claim expires. The upkeep heartbeat renews this process's claims; a
 * process that dies stops renewing and its users drop out after the TTL.
 */
export class Presence {
  readonly #redis: Client;
  readonly #keys: Keys;
  readonly #nodeID: string;
  readonly #ttlMs: number;

  constructor(redis: Client, keys: Keys, nodeID: string, ttlMs: number) {
    this.#redis = redis;
    this.#keys = keys;
    this.#nodeID = nodeID;
    this.#ttlMs = ttlMs;
  }

  async add(userID: string): Promise<void> {
    await call(() => this.#redis.zadd(this.#keys.presence(userID), Date.now() + this.#ttlMs, this.#nodeID));
  }

  remove(userIDs: readonly string[]): Promise<unknown> {
    const pipe = this.#redis.pipeline();
    for (const u of userIDs) pipe.zrem(this.#keys.presence(u), this.#nodeID);
    return pipe.exec().catch(() => undefined);
  }

  async online(userIDs: readonly string[]): Promise<ReadonlySet<string>> {
    const now = Date.now();
    const pipe = this.#redis.pipeline();
    for (const u of userIDs) pipe.zcount(this.#keys.presence(u), now, '+inf');
    const results = (await call(() => pipe.exec())) ?? [];
    return new Set(userIDs.filter((_, i) => Number(results[i]?.[1] ?? 0) > 0));
  }
}
