import { afterEach, expect, it } from 'vitest';
import { DEFAULT_HISTORY_LIMITS, mergeHistory } from '../../src/history.js';
import { COMPACT_AT } from '../../src/store/redis/history.js';
import { RedisStore } from '../../src/store/redis.js';
import type { HistoryEntry } from '../../src/store/types.js';
import { strangerCannotWipeHistory } from '../historyScenario.js';
import { describeRedis, freshPrefix, purge, REDIS_URL, testClient } from './cluster.js';

/** An outgoing answered call (never dropped for a peer's share), then its hang-up. */
const answered = (i: number, peer = `p${i % 7}`): HistoryEntry => ({
  inviteID: `i${i}`,
  roomID: `r${i}`,
  peer,
  direction: 'outgoing',
  callType: 2,
  outcome: 'answered',
  startedAt: 1_000 + i,
});
const hangup = (i: number, peer = `p${i % 7}`): HistoryEntry => ({
  ...answered(i, peer),
  inviteID: `h${i}`,
  outcome: 'completed',
  endedAt: 2_000 + i,
  durationSeconds: 5,
  endedBy: 'alice',
});

let prefix = '';
afterEach(() => purge(prefix));

/** A store on a fresh prefix, connected, and a plain client on the same Redis; both closed after. */
async function withStore(
  body: (store: RedisStore, redis: ReturnType<typeof testClient>) => Promise<void>,
  options: { historyLimit?: number } = {},
): Promise<void> {
  prefix = freshPrefix();
  const store = new RedisStore({ url: REDIS_URL, prefix, ...options });
  const redis = testClient();
  try {
    await store.purge(); // connects
    await body(store, redis);
  } finally {
    redis.disconnect();
    await store.close();
  }
}

/** 31 more entries after the one just recorded: the 32nd push folds the user's queue. */
async function pushUntilFolded(store: RedisStore, userID: string): Promise<void> {
  for (let i = 2; i <= 32; i++) await store.recordHistory(userID, answered(i, 'carol'));
}

describeRedis('history shares, on Redis', () => {
  it("300 invite+cancel pairs from a stranger leave bob's calls with alice in his history", async () => {
    prefix = freshPrefix();
    await strangerCannotWipeHistory(
      new RedisStore({ url: REDIS_URL, prefix }),
      DEFAULT_HISTORY_LIMITS.perPeer,
    );
  }, 120_000);

  it('records with one push; reading folds the queue as the memory store would; 32 queued are folded into the list', async () => {
    const limits = { ...DEFAULT_HISTORY_LIMITS, limit: 40 };
    await withStore(
      async (store, redis) => {
        // Calls, some completed by their hang-up (a 'set' of an earlier entry), past the limit.
        const recorded: HistoryEntry[] = [];
        for (let i = 0; i < 90; i++) recorded.push(answered(i), ...(i % 3 === 0 ? [hangup(i)] : []));
        let expected: HistoryEntry[] = [];
        for (const [n, entry] of recorded.entries()) {
          await store.recordHistory('alice', entry);
          expected = mergeHistory(expected, entry, limits);
          if (n % 17 === 0) expect(await store.history('alice')).toEqual(expected);
        }
        expect(await store.history('alice')).toEqual(expected);
        expect(expected).toHaveLength(40);
        // Folded as it went: the queue never holds more than 32, the list never more than the limit.
        expect(await redis.llen(store.keys.historyQueue('alice'))).toBeLessThan(COMPACT_AT);
        expect(await redis.llen(store.keys.history('alice'))).toBeLessThanOrEqual(40);
        expect(Number(await redis.get(store.keys.historyVersion('alice')))).toBeGreaterThanOrEqual(3);
      },
      { historyLimit: limits.limit },
    );
  });

  it('two processes recording and folding one history at once lose nothing', async () => {
    prefix = freshPrefix();
    const [one, two] = [0, 1].map(() => new RedisStore({ url: REDIS_URL, prefix, historyLimit: 1_000 }));
    const redis = testClient();
    try {
      await Promise.all([one?.purge(), two?.purge()]); // connects
      const ids: string[] = [];
      await Promise.all(
        [one, two].map(async (store, s) => {
          for (let round = 0; round < 8; round++) {
            // Twenty at once from each: both see the queue past 32 and fold at the same time.
            await Promise.all(
              Array.from({ length: 20 }, (_, k) => {
                const entry = answered(s * 1_000 + round * 20 + k);
                ids.push(entry.inviteID);
                return store?.recordHistory('bob', entry);
              }),
            );
          }
        }),
      );
      const entries = await one?.history('bob');
      expect(new Set(entries?.map((e) => e.inviteID))).toEqual(new Set(ids));
      expect(entries).toHaveLength(320);
      expect(await redis.llen(one?.keys.historyQueue('bob') ?? '')).toBeLessThan(COMPACT_AT + 40);
      expect(await two?.history('bob')).toEqual(entries);
    } finally {
      redis.disconnect();
      await Promise.all([one?.close(), two?.close()]);
    }
  });

  it("a call's end queued before the accept it ends still completes the call, for both parties", async () => {
    await withStore(async (store) => {
      // Two processes (or a command redirected on a cluster) can reach Redis in either order.
      const accept = { ...answered(1, 'bob'), endedAt: 1_500 };
      const sent = hangup(1, 'bob');
      await store.recordHistory('alice', sent);
      await store.recordHistory('alice', accept);
      const received = { ...hangup(1, 'alice'), direction: 'incoming' as const };
      await store.recordHistory('bob', received);
      await store.recordHistory('bob', { ...answered(1, 'alice'), direction: 'incoming', endedAt: 1_500 });
      const completed = { roomID: 'r1', outcome: 'completed', durationSeconds: 5, endedBy: 'alice' };
      expect(await store.history('alice')).toEqual([{ ...accept, ...completed, endedAt: 2_001 }]);
      expect(await store.history('bob')).toMatchObject([
        { ...completed, inviteID: 'i1', direction: 'incoming' },
      ]);
    });
  });

  it("the caller's hang-up folded into the list before the accept arrives still completes the call", async () => {
    await withStore(async (store, redis) => {
      const sent = hangup(1, 'bob');
      await store.recordHistory('alice', sent);
      // The 32nd push folds the queue, the hang-up with it.
      await pushUntilFolded(store, 'alice');
      expect(await redis.llen(store.keys.historyQueue('alice'))).toBe(0);
      const accept = { ...answered(1, 'bob'), endedAt: 1_500 };
      await store.recordHistory('alice', accept);
      const entries = await store.history('alice');
      expect(entries.filter((e) => e.peer === 'bob')).toEqual([
        { ...accept, outcome: 'completed', endedAt: 2_001, durationSeconds: 5, endedBy: 'alice' },
      ]);
    });
  });

  it("the receiver's hang-up queued when a push folds the queue waits there for the accept it ends", async () => {
    await withStore(async (store, redis) => {
      const now = Date.now();
      // bob receives alice's hang-up before his own accept's entry reaches Redis (two processes).
      const received: HistoryEntry = {
        ...hangup(1, 'alice'),
        direction: 'incoming',
        startedAt: now - 6_000,
        endedAt: now,
      };
      await store.recordHistory('bob', received);
      // The 32nd push folds the queue, all but the hang-up and what came after it.
      await pushUntilFolded(store, 'bob');
      expect(await redis.llen(store.keys.historyQueue('bob'))).toBe(32);
      const accept: HistoryEntry = {
        ...answered(1, 'alice'),
        direction: 'incoming',
        startedAt: now - 6_000,
        endedAt: now - 5_000,
      };
      // The 33rd push folds the queue again, the hang-up with the accept it now finds.
      await store.recordHistory('bob', accept);
      expect(await redis.llen(store.keys.historyQueue('bob'))).toBe(0);
      const entries = await store.history('bob');
      expect(entries.filter((e) => e.peer === 'alice')).toEqual([
        { ...accept, outcome: 'completed', endedAt: now, durationSeconds: 5, endedBy: 'alice' },
      ]);
    });
  });

  it('checks its options before it connects', () => {
    expect(() => new RedisStore({ url: REDIS_URL, historyPerPeer: 0 })).toThrow(
      /historyPerPeer must be a positive integer/,
    );
  });
});
