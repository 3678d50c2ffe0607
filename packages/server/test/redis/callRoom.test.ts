import { afterAll, beforeAll, it } from 'vitest';
import type { RedisStore } from '../../src/store/redis/store.js';
import { callRoomOpensWithTheAccept } from '../callRoomScenario.js';
import { describeRedis, freshPrefix, purge, startStores } from './cluster.js';

// Two processes (stores) on one Redis, or on the local cluster: the room is in the accept's
// commit, so the process that did not decide finds it the moment the accept is committed.
describeRedis('distributed mode: an answered call opens its media room in the commit that accepts it', () => {
  const prefix = freshPrefix();
  let stores: RedisStore[] = [];

  beforeAll(async () => {
    stores = await startStores(prefix);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await purge(prefix);
  });

  it('the other process reads it right after the accept; a rejected call and a hang-up open none', async () => {
    const [a, b] = stores as [RedisStore, RedisStore];
    await callRoomOpensWithTheAccept(a, b, (n) => `cr-${n}`);
  });
});
