import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { BeckonServer } from '../../src/server.js';
import { RedisStore } from '../../src/store/redis.js';
import { startServer, type TestUser } from '../helpers.js';
import { onlineOnlyResume } from '../onlineOnlyResume.js';
import { describeRedis, freshPrefix, purge, REDIS_URL, testClient, testKeys } from './cluster.js';

// Two servers in this process sharing one Redis, as two processes would: the inviter's device
// resumes on the other one.
describeRedis('onlineUserOnly across two servers on Redis', () => {
  const prefix = freshPrefix();
  let a: BeckonServer;
  let b: BeckonServer;
  const users: TestUser[] = [];
  beforeAll(async () => {
    a = await startServer({ store: new RedisStore({ url: REDIS_URL, prefix }) });
    b = await startServer({ store: new RedisStore({ url: REDIS_URL, prefix }) });
  }, 30_000);
  afterEach(() => {
    for (const u of users.splice(0)) u.client.close();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await purge(prefix);
  });

  it('a resumed inviter hears the answer it missed; an invitee away when invited never gets it, and the set of holders goes with the invitation', async () => {
    const { answered, missed } = await onlineOnlyResume(a, b, 'r-', users);
    const keys = testKeys(prefix);
    const redis = testClient();
    try {
      for (const id of [answered, missed]) {
        const ttl = await redis.pttl(keys.held(id));
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
      expect(await redis.smembers(keys.held(answered))).toEqual(expect.arrayContaining(['r-alice', 'r-bob']));
      expect(await redis.sismember(keys.held(missed), 'r-alice')).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});
