import { createAnswerData, createCallData } from '@beckon/signaling';
import { afterEach, expect, it } from 'vitest';
import type { BeckonServer } from '../../src/server.js';
import { RedisStore } from '../../src/store/redis.js';
import { connectUser, startServer, type TestUser, waitFor } from '../helpers.js';
import { call, flood, trackVanished, WINDOW } from '../reconnectHelpers.js';
import { cancelledAfterAdd, neverHeld, timedOutAfterAdd } from '../resyncCatchUp.js';
import { describeRedis, freshPrefix, purge, REDIS_URL, testClient } from './cluster.js';

// Issue 14, item 2 on Redis: the final records of ended invitations (`P ended:{id}`) and the
// user's log tell a snapshot how what bob held ended, across two servers sharing one Redis.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pair(endedTtlMs?: number, maxReplayBytes?: number): Promise<[BeckonServer, BeckonServer]> {
  const prefix = freshPrefix();
  const ttl = endedTtlMs === undefined ? {} : { endedTtlMs };
  const replay = maxReplayBytes === undefined ? {} : { maxReplayBytes };
  const make = () =>
    startServer({ store: new RedisStore({ url: REDIS_URL, prefix, logLimit: WINDOW, ...ttl }), ...replay });
  const a = await make();
  const b = await make();
  cleanups.push(() => purge(prefix));
  cleanups.push(() => a.close());
  cleanups.push(() => b.close());
  return [a, b];
}

const user = (u: TestUser) => trackVanished(u, cleanups);

describeRedis('distributed mode: a snapshot after a gap over the replay window', () => {
  it('a final record past endedTtlMs is gone: what bob held vanishes', async () => {
    const [a, b] = await pair(1000);
    const alice = await connectUser(a, 'alice');
    user(alice);
    const carol = await connectUser(a, 'carol');
    user(carol);
    let online = true;
    const bob = await connectUser(() => (online ? b.wsUrl : 'ws://127.0.0.1:9'), 'bob');
    const vanished = user(bob);
    const inviteID = await alice.client.invite('bob', createCallData(call('r-ttl')), { timeout: 60 });
    await waitFor(() => bob.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
    online = false;
    b.terminate('bob');
    await flood(carol);
    await alice.client.cancel(inviteID, createAnswerData(call('r-ttl')));
    const redis = testClient();
    cleanups.push(() => redis.disconnect());
    const key = (a.store as RedisStore).keys.ended(inviteID);
    const until = async (want: number) => {
      const start = Date.now();
      while ((await redis.exists(key)) !== want && Date.now() - start < 5000)
        await new Promise((r) => setTimeout(r, 20));
    };
    await until(1);
    expect(await redis.exists(key)).toBe(1);
    await until(0);
    expect(await redis.exists(key)).toBe(0);
    online = true;
    await waitFor(() => vanished.length > 0, 5000, 'the vanished event');
    expect(vanished).toMatchObject([{ inviteID, reason: 'endedWhileDisconnected' }]);
    expect(bob.client.invitations.size).toBe(0);
  });

  it('endedTtlMs must be a positive integer', () => {
    expect(() => new RedisStore({ url: REDIS_URL, endedTtlMs: 0 })).toThrow(
      'RedisStore: endedTtlMs must be a positive integer',
    );
  });

  for (const cancelFirst of [false, true]) {
    it(
      cancelFirst
        ? 'the call cancelled before the flood: bob is told it ended while he was away'
        : 'the call cancelled after the flood: bob, back on the other process, hears the cancel',
      async () => {
        const [a, b] = await pair();
        const alice = await connectUser(a, 'alice');
        user(alice);
        const carol = await connectUser(a, 'carol');
        user(carol);
        let online = true;
        let target = b;
        const bob = await connectUser(() => (online ? target.wsUrl : 'ws://127.0.0.1:9'), 'bob');
        const vanished = user(bob);
        const inviteID = await alice.client.invite('bob', createCallData(call('r-gap')), { timeout: 60 });
        await waitFor(() => bob.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
        online = false;
        b.terminate('bob');
        if (cancelFirst) await alice.client.cancel(inviteID, createAnswerData(call('r-gap')));
        await flood(carol);
        if (!cancelFirst) await alice.client.cancel(inviteID, createAnswerData(call('r-gap')));
        // Bob comes back on the other process.
        target = a;
        online = true;
        if (cancelFirst) {
          await waitFor(() => vanished.length > 0, 5000, 'the vanished event');
          expect(vanished).toMatchObject([{ inviteID, reason: 'endedWhileDisconnected' }]);
          expect(bob.events('onInvitationCancelled')).toEqual([]);
        } else {
          await waitFor(() => bob.events('onInvitationCancelled').length > 0, 5000, 'the cancel');
          expect(bob.events('onInvitationCancelled').map((e) => e.inviteID)).toEqual([inviteID]);
          expect(vanished).toEqual([]);
        }
        expect(bob.events('onReceiveNewInvitation').filter((e) => e.data.startsWith('filler'))).toEqual([]);
        expect(bob.client.invitations.size).toBe(0);
      },
    );
  }

  it('an invitation that gained an invitee, cancelled after the flood: bob, back on the other process, hears the whole record end', async () => {
    const [a, b] = await pair();
    await cancelledAfterAdd({ home: b, back: a, cleanups });
  });

  it('an invitation that gained an invitee and timed out, with a replay over maxReplayBytes: bob hears the whole record end', async () => {
    const [a, b] = await pair(undefined, 1);
    await timedOutAfterAdd({ home: b, back: a, cleanups });
  });

  it('one bob never held that gained an invitee (its invite out of the window): his client leaves it alone', async () => {
    const [a, b] = await pair();
    await neverHeld({ home: b, back: a, cleanups });
  });
});
