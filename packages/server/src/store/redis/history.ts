import { eventOrder, foldable, type HistoryLimits, mergeHistory } from '../../history.js';
import type { HistoryEntry } from '../types.js';
import { call } from './errors.js';
import type { Keys } from './keys.js';
import type { Client } from './scripts.js';

/** Raw entries a user's queue holds before they are folded into the list (one compaction). */
export const COMPACT_AT = 32;
/** Compactions tried one after another when another process's compaction came first. */
const COMPACT_ATTEMPTS = 3;

/**
 * Call history in Redis: per user, a list already decided (`hist`, newest first, at most
 * `limit` entries) and a queue of the entries recorded since (`histq`, newest first). Recording
 * is one `LPUSH` onto the queue, with no read and no script. Reading folds the queue onto the list
 * with the memory store's `mergeHistory`, oldest first (a call's end recorded before the accept
 * it ends goes after it: `eventOrder`), so both stores decide every entry the same way (merges,
 * completions, per-peer shares, the limit). When a push finds 32 entries queued
 * the recording process folds them into the list (`HISTORY_COMPACT`: the list is replaced and the
 * folded entries leave the queue's tail, only if the list's version is still the one read; entries
 * pushed meanwhile stay queued), so the queue stays short and a user's storage bounded.
 */
export class RedisHistory {
  readonly #redis: Client;
  readonly #keys: Keys;
  readonly #limits: HistoryLimits;
  /** Users whose queue this process is folding now: one compaction per user at a time. */
  readonly #compacting = new Set<string>();

  constructor(redis: Client, keys: Keys, limits: HistoryLimits) {
    this.#redis = redis;
    this.#keys = keys;
    this.#limits = limits;
  }

  /**
   * Queues the entry (resolved once Redis holds it), and folds the queue when it is long. A
   * compaction that fails (Redis gone, or lost to other processes three times) leaves the entries
   * queued, still read, for the next push to fold.
   */
  async record(userID: string, entry: HistoryEntry): Promise<void> {
    const queue = this.#keys.historyQueue(userID);
    const queued = await call(() => this.#redis.lpush(queue, JSON.stringify(entry)));
    if (queued < COMPACT_AT || this.#compacting.has(userID)) return;
    this.#compacting.add(userID);
    try {
      for (let attempt = 0; attempt < COMPACT_ATTEMPTS; attempt++) {
        if (await this.#compact(userID)) return;
      }
    } catch {
      // The entry is recorded; folding waits for the next push.
    } finally {
      this.#compacting.delete(userID);
    }
  }

  async list(userID: string): Promise<HistoryEntry[]> {
    const { list, queued } = await this.#read(userID);
    return this.#fold(list, queued);
  }

  #fold(list: readonly HistoryEntry[], queued: readonly HistoryEntry[]): HistoryEntry[] {
    let entries = [...list];
    for (const entry of eventOrder(queued)) entries = mergeHistory(entries, entry, this.#limits);
    return entries;
  }

  /**
   * Folds the oldest queued entries into the list (all but a received hang-up still waiting
   * for its accept, and what was queued after it: `foldable`); false when another compaction
   * came first.
   */
  async #compact(userID: string): Promise<boolean> {
    const { version, list, queued } = await this.#read(userID);
    const folded = foldable(list, queued, Date.now());
    if (folded === 0) return true;
    const entries = this.#fold(list, queued.slice(0, folded));
    const applied = await call(() =>
      this.#redis.beckonHistoryCompact(
        this.#keys.history(userID),
        this.#keys.historyVersion(userID),
        this.#keys.historyQueue(userID),
        version,
        folded,
        ...entries.map((e) => JSON.stringify(e)),
      ),
    );
    return applied === 1;
  }

  /**
   * The list, its version and the queue (oldest first), read together (one slot: the user's
   * hash tag on a cluster).
   */
  async #read(userID: string): Promise<{ version: string; list: HistoryEntry[]; queued: HistoryEntry[] }> {
    const [version, list, queue] = await call(async () => {
      const replies = await this.#redis
        .multi()
        .get(this.#keys.historyVersion(userID))
        .lrange(this.#keys.history(userID), 0, -1)
        .lrange(this.#keys.historyQueue(userID), 0, -1)
        .exec();
      return (replies ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      });
    });
    const parse = (items: unknown) =>
      (Array.isArray(items) ? (items as string[]) : []).map((item) => JSON.parse(item) as HistoryEntry);
    return {
      version: typeof version === 'string' ? version : '0',
      list: parse(list),
      queued: parse(queue).reverse(),
    };
  }
}
