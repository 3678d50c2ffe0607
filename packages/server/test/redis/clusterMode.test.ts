import { describe, expect, it } from 'vitest';
import { parseRedisTarget, RedisUrlError } from '../../src/store/redis/connect.js';
import { Keys } from '../../src/store/redis/keys.js';
import { RedisStore } from '../../src/store/redis.js';
import { describeRedis, freshPrefix, ON_CLUSTER, purge, REDIS_URL, testClient } from './cluster.js';

describe('--redis: one Redis or a Redis Cluster', () => {
  it('reads one URL as one Redis, and redis+cluster:// or several URLs as cluster seeds', () => {
    expect(parseRedisTarget('redis://127.0.0.1:6379/2')).toEqual({
      cluster: false,
      url: 'redis://127.0.0.1:6379/2',
      where: '127.0.0.1:6379',
    });
    expect(parseRedisTarget('redis+cluster://u:p%40ss@10.0.0.1:7000,10.0.0.2')).toEqual({
      cluster: true,
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
      ],
      username: 'u',
      password: 'p@ss',
      tls: false,
      where: 'cluster 10.0.0.1:7000,10.0.0.2:6379',
    });
    expect(parseRedisTarget('rediss://:secret@a:7000, rediss://b:7001')).toMatchObject({
      cluster: true,
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
      password: 'secret',
      tls: true,
    });
  });

  it('refuses what is not a Redis URL with a RedisUrlError naming the forms it takes', () => {
    for (const bad of ['http://x:1', 'localhost:6379', 'redis+cluster://a:1,b:x', ''])
      expect(() => new RedisStore({ url: bad })).toThrow(RedisUrlError);
    expect(() => new RedisStore({ url: 'nope' })).toThrow(/redis\+cluster:\/\/host1:port1,host2:port2/);
    expect(() => new RedisStore({ url: 'redis+cluster://a:1', prefix: 'x{y}:' })).toThrow(/braces/);
    // A process id is written into presence entries (`node@expiry,...`).
    for (const nodeID of ['', 'a,b', 'a@b'])
      expect(() => new RedisStore({ url: 'redis://127.0.0.1:1', nodeID })).toThrow(TypeError);
  });

  it("on a cluster, the keys commits touch together share one slot (a call's media room too); histories and group rooms spread", () => {
    const keys = new Keys('beckon:', true);
    expect(keys.inv('i1')).toBe('{beckon:}inv:i1');
    expect(keys.log('alice')).toBe('{beckon:}events:alice');
    expect(keys.history('alice')).toBe('beckon:hist:{alice}');
    expect(keys.historyVersion('alice')).toBe('beckon:histv:{alice}');
    expect(keys.historyQueue('alice')).toBe('beckon:histq:{alice}');
    // The accept's commit opens a call's room: it is in the commits' slot.
    expect(keys.room('r1')).toBe('{beckon:}room:r1');
    expect(keys.groupRoom('r1')).toBe('beckon:groom:{r1}');
    // One Redis keeps the names it always had: a deployment upgrading finds its data.
    const plain = new Keys('beckon:');
    expect([plain.inv('i1'), plain.history('alice'), plain.room('r1')]).toEqual([
      'beckon:inv:i1',
      'beckon:hist:alice',
      'beckon:room:r1',
    ]);
  });
});

// Run by the redis-cluster project (BECKON_TEST_REDIS=cluster): the store's keys on the local
// cluster are where the scheme says.
describeRedis('a store on the local Redis Cluster', () => {
  it.runIf(ON_CLUSTER)(
    'puts an invitation and its indexes in the slot of the epoch key, a history in its own',
    async () => {
      const prefix = freshPrefix();
      const store = new RedisStore({ url: REDIS_URL, prefix });
      const redis = testClient();
      try {
        await store.purge();
        expect(store.keys.cluster).toBe(true);
        await store.createGroup('owner', 'g');
        await store.recordHistory('alice', {
          inviteID: 'i1',
          roomID: 'r1',
          peer: 'bob',
          direction: 'outgoing',
          callType: 1,
          outcome: 'cancelled',
          startedAt: Date.now(),
        });
        const slot = async (key: string) => Number(await redis.cluster('KEYSLOT', key));
        const home = await slot(store.keys.epoch);
        for (const key of [
          store.keys.inv('x'),
          store.keys.log('alice'),
          store.keys.deadlines,
          store.keys.members('g'),
        ])
          expect(await slot(key)).toBe(home);
        const history = await slot(store.keys.history('alice'));
        expect(await slot(store.keys.historyVersion('alice'))).toBe(history);
        expect(await slot(store.keys.historyQueue('alice'))).toBe(history);
        expect(await store.history('alice')).toHaveLength(1);
      } finally {
        await store.purge();
        await store.close();
        redis.disconnect();
        await purge(prefix);
      }
    },
  );
});
