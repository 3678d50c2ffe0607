import { afterAll, beforeAll, it } from 'vitest';
import { RedisStore } from '../../src/store/redis/store.js';
import { callRoomOpensWithTheAccept } from '../callRoomScenario.js';
import { quietListener, silentLog } from '../quietStore.js';
import { describeRedis, freshPrefix, purge, REDIS_URL } from './cluster.js';

// Two processes (stores) on one Redis, or on the local cluster: the room is in the accept's
// commit, so the process that did not decide finds it the moment the accept is committed.
describeRedis('distributed mode: an answered call opens its media room in the commit that accepts it', () => {
  const prefix = freshPrefix();
  let stores: RedisStore[] = [];

  beforeAll(async () => {
    stores = [0, 1].map((i) => new RedisStore({ url: REDIS_URL, prefix, nodeID: `node${i}` }));
    await Promise.all(stores.map((s) => s.start(quietListener, silentLog)));
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
