import { afterEach, expect, it } from 'vitest';
import type { BeckonServer } from '../../src/server.js';
import { RedisStore } from '../../src/store/redis.js';
import { startServer } from '../helpers.js';
import { describeRedis, freshPrefix, purge, REDIS_URL, testClient } from './cluster.js';

// A deployment of layout 2 (inboxes were one set per user, counts one hash) started on this
// version: the first process files the active invitations in the new index.

let prefix = '';
let server: BeckonServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await purge(prefix);
});

describeRedis('upgrading the Redis layout', () => {
  it("files layout 2's inbox sets in the one index: snapshots and the cap see the invitations", async () => {
    prefix = freshPrefix();
    const store = new RedisStore({ url: REDIS_URL, prefix });
    const { keys } = store;
    const redis = testClient();
    const record = (inviteID: string, inviter: string, invitee: string) =>
      JSON.stringify({
        inviteID,
        inviter,
        groupID: '',
        data: '',
        timeout: 0,
        onlineUserOnly: false,
        createdAt: Date.now(),
        invitees: [{ userID: invitee, state: 'pending', deadline: 0, delivered: false }],
        answers: 0,
      });
    try {
      const p = keys.prefix;
      await redis.set(`${p}epoch:2`, 'old');
      await redis.hset(keys.inv('i1'), 'v', 1, 'r', record('i1', 'alice', 'bob'));
      await redis.hset(keys.inv('i2'), 'v', 1, 'r', record('i2', 'bob', 'alice'));
      await redis.sadd(`${p}inbox:alice`, 'i1', 'i2', 'ended-meanwhile');
      await redis.sadd(`${p}inbox:bob`, 'i1', 'i2');
      await redis.hset(`${p}active`, 'alice', 1, 'bob', 1);
      // i1 rings: its pair's glare hash lists it (and one that ended meanwhile).
      await redis.hset(`${p}pair:["alice","bob"]`, 'v', 2, 'r', '["i1","ended-meanwhile"]');

      server = await startServer({ store });
      const ids = async (user: string) =>
        (await store.snapshot(user)).invitations.map((r) => r.inviteID).sort();
      expect(await ids('alice')).toEqual(['i1', 'i2']);
      expect(await ids('bob')).toEqual(['i1', 'i2']);
      expect(await store.activeInvitations('alice')).toBe(1);
      expect(await store.activeInvitations('bob')).toBe(1);
      expect(
        await redis.exists(`${p}inbox:alice`, `${p}inbox:bob`, `${p}active`, `${p}pair:["alice","bob"]`),
      ).toBe(0);
      expect(await redis.zcard(keys.inboxes)).toBe(5);
      // The glare index holds i1: bob's call to alice now glares with it.
      const glare = await redis.zrangebylex(
        keys.inboxes,
        `[${keys.pair('bob', 'alice')}`,
        `(${keys.pair('bob', 'alice')}~`,
      );
      expect(glare).toEqual([`${keys.pair('alice', 'bob')}i1`]);
    } finally {
      redis.disconnect();
    }
  });
});
