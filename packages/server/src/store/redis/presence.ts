import { call } from './errors.js';
import type { Keys } from './keys.js';
import type { Client } from './scripts.js';

/** The claims of one presence entry (`node@expiry,...`): process -> expiry (ms). */
export function claimsOf(value: string | null | undefined): Map<string, number> {
  const claims = new Map<string, number>();
  for (const part of (value ?? '').split(',')) {
    const at = part.lastIndexOf('@');
    if (at > 0) claims.set(part.slice(0, at), Number(part.slice(at + 1)));
  }
  return claims;
}

/** HMGET takes at most this many fields at a time here. */
const CHUNK = 1000;

/**
 * Who is connected anywhere: one hash (`Keys.where`), per user the processes holding a
 * connection, each with when that claim expires. The upkeep heartbeat renews this process's
 * claims (and drops entries whose claims all expired, a slice per beat); a process that dies
 * stops renewing and its users drop out after the TTL. Writes go through one script
 * (`beckonPresence`), so processes claiming the same user at once keep each other's claims.
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
    const now = Date.now();
    await call(() =>
      this.#redis.beckonPresence(this.#keys.where, this.#nodeID, now + this.#ttlMs, now, '', userID),
    );
  }

  remove(userIDs: readonly string[]): Promise<unknown> {
    if (userIDs.length === 0) return Promise.resolve();
    const now = Date.now();
    return this.#redis
      .beckonPresence(this.#keys.where, this.#nodeID, '', now, '', ...userIDs)
      .catch(() => undefined);
  }

  async online(userIDs: readonly string[]): Promise<ReadonlySet<string>> {
    const now = Date.now();
    const online = new Set<string>();
    for (let from = 0; from < userIDs.length; from += CHUNK) {
      const part = userIDs.slice(from, from + CHUNK);
      const values = await call(() => this.#redis.hmget(this.#keys.where, ...part));
      part.forEach((u, i) => {
        for (const expiry of claimsOf(values[i]).values()) if (expiry > now) online.add(u);
      });
    }
    return online;
  }
}
