import { afterEach, expect, it } from 'vitest';
import { DEFAULT_HISTORY_LIMITS } from '../../src/history.js';
import { RedisStore } from '../../src/store/redis.js';
import { strangerCannotWipeHistory } from '../historyScenario.js';
import { describeRedis, freshPrefix, purge, REDIS_URL } from './cluster.js';

let prefix = '';
afterEach(() => purge(prefix));

describeRedis('history shares, on Redis', () => {
  it("300 invite+cancel pairs from a stranger leave bob's calls with alice in his history", async () => {
    prefix = freshPrefix();
    await strangerCannotWipeHistory(
      new RedisStore({ url: REDIS_URL, prefix }),
      DEFAULT_HISTORY_LIMITS.perPeer,
    );
  }, 120_000);

  it('checks its options before it connects', () => {
    expect(() => new RedisStore({ url: REDIS_URL, historyPerPeer: 0 })).toThrow(
      /historyPerPeer must be a positive integer/,
    );
  });
});
