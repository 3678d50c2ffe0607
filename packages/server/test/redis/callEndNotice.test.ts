import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis/store.js';
import { unacknowledgedNoticeTimesOut } from '../callEndNoticeScenario.js';
import { describeRedis, freshPrefix, purge, REDIS_URL, startStores } from './cluster.js';

// Two processes (stores) on one Redis, or on the local cluster: a call-end notice nobody
// acknowledges gets a deadline like any timeout, so whichever process claims it times it out once.
describeRedis('distributed mode: an unacknowledged call-end notice times out', () => {
  const prefix = freshPrefix();
  let stores: RedisStore[] = [];

  beforeAll(async () => {
    stores = await startStores(prefix, { callEndNoticeSeconds: 1 });
  }, 30_000);
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await purge(prefix);
  });

  it('alice hangs up on a bob who never comes back: timed out for both, her cap freed, her other note kept', async () => {
    const [a, b] = stores as [RedisStore, RedisStore];
    await unacknowledgedNoticeTimesOut(a, b, (n) => `cen-${n}`);
  });

  it('callEndNoticeSeconds out of range is a TypeError', () => {
    for (const bad of [-1, 0.5, 86_401])
      expect(() => new RedisStore({ url: REDIS_URL, callEndNoticeSeconds: bad })).toThrow(TypeError);
  });
});
