import { applyHistory, type HistoryLimits, planHistory } from '../../history.js';
import type { HistoryEntry } from '../types.js';
import { sleep } from './cas.js';
import { call, StoreUnavailableError } from './errors.js';
import type { Keys } from './keys.js';
import type { Client } from './scripts.js';

const MAX_ATTEMPTS = 10;
/** Entries kept in the per-process cache of histories, over all users (oldest user dropped first). */
const CACHE_ENTRIES = 50_000;

interface Read {
  readonly version: string;
  readonly entries: HistoryEntry[];
}

/**
 * Call history in Redis: a list per user, newest first, and a version that every change
 * bumps. Read the list and its version, decide with the memory store's `planHistory`, then one
 * script applies the change if the version is still the one read (else read again).
 *
 * The list this process last read or wrote is kept, with its version, and the first attempt
 * decides on it without reading: the script's version check makes a stale copy a retry, never a
 * wrong write, and a "nothing to record" is never answered from it.
 */
export class RedisHistory {
  readonly #redis: Client;
  readonly #keys: Keys;
  readonly #limits: HistoryLimits;
  readonly #cache = new Map<string, Read>();
  #cached = 0;

  constructor(redis: Client, keys: Keys, limits: HistoryLimits) {
    this.#redis = redis;
    this.#keys = keys;
    this.#limits = limits;
  }

  /** Each user's writes in this process, one after another. */
  readonly #queues = new Map<string, Promise<void>>();

  /**
   * Records in the order asked: a user's entries from this process are written one at a time,
   * so two calls ending back to back keep their order (a retry after a conflict would otherwise
   * let the later one in first).
   */
  record(userID: string, entry: HistoryEntry): Promise<void> {
    const previous = this.#queues.get(userID);
    const next = previous
      ? previous.then(
          () => this.#record(userID, entry),
          () => this.#record(userID, entry),
        )
      : this.#record(userID, entry);
    this.#queues.set(userID, next);
    const done = () => {
      if (this.#queues.get(userID) === next) this.#queues.delete(userID);
    };
    next.then(done, done);
    return next;
  }

  async #record(userID: string, entry: HistoryEntry): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const guess = attempt === 1 ? this.#cache.get(userID) : undefined;
      const { version, entries } = guess ?? (await this.#read(userID));
      const change = planHistory(entries, entry, this.#limits);
      if (change.kind === 'none') {
        if (guess === undefined) return;
        continue;
      }
      const json = JSON.stringify(change.entry);
      const [list, versionKey] = [this.#keys.history(userID), this.#keys.historyVersion(userID)];
      const applied = await call(() =>
        change.kind === 'set'
          ? this.#redis.beckonHistoryApply(list, versionKey, version, 'set', change.index, json)
          : this.#redis.beckonHistoryApply(list, versionKey, version, 'push', -1, json, ...change.drop),
      );
      if (applied === 1) {
        this.#remember(userID, {
          version: String(Number(version) + 1),
          entries: applyHistory(entries, change),
        });
        return;
      }
      this.#forget(userID);
      if (guess === undefined) await sleep(Math.random() * 10);
    }
    throw new StoreUnavailableError('too much contention on a history');
  }

  async list(userID: string): Promise<HistoryEntry[]> {
    return [...(await this.#read(userID)).entries];
  }

  clear(): void {
    this.#cache.clear();
    this.#cached = 0;
  }

  #remember(userID: string, read: Read): void {
    this.#forget(userID);
    this.#cache.set(userID, read);
    this.#cached += read.entries.length;
    while (this.#cached > CACHE_ENTRIES) this.#forget(this.#cache.keys().next().value ?? '');
  }

  #forget(userID: string): void {
    const read = this.#cache.get(userID);
    if (read === undefined) return;
    this.#cache.delete(userID);
    this.#cached -= read.entries.length;
  }

  /** The list and its version, read together (one slot: the user's hash tag on a cluster). */
  async #read(userID: string): Promise<Read> {
    const [version, items] = await call(async () => {
      const replies = await this.#redis
        .multi()
        .get(this.#keys.historyVersion(userID))
        .lrange(this.#keys.history(userID), 0, -1)
        .exec();
      return (replies ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      });
    });
    const read = {
      version: typeof version === 'string' ? version : '0',
      entries: (Array.isArray(items) ? (items as string[]) : []).map(
        (item) => JSON.parse(item) as HistoryEntry,
      ),
    };
    this.#remember(userID, read);
    return read;
  }
}
