import { afterAll, beforeAll, expect, it } from 'vitest';
import { claimsOf } from '../../src/store/redis/presence.js';
import { logEntries, readSequences } from '../../src/store/redis/reads.js';
import {
  type Client,
  type CommitArgs,
  defineScripts,
  encodeCommit,
  encodeLoad,
} from '../../src/store/redis/scripts.js';
import { describeRedis, eventually, freshPrefix, purge, testClient, testKeys } from './cluster.js';

// The Lua scripts on their own: what the compare-and-set refuses leaves Redis untouched.

describeRedis('redis scripts', () => {
  const prefix = freshPrefix();
  const keys = testKeys(prefix);
  let redis: Client;
  const call = (epoch = 'e1') => ({
    prefix: keys.prefix,
    epochKey: keys.epoch,
    epoch,
    node: 'test',
    logLimit: 3,
  });
  const one = (plan: Partial<CommitArgs>): CommitArgs => ({
    by: Date.now() + 5000,
    guards: [],
    docs: [],
    ops: [],
    deliveries: [],
    ...plan,
  });
  /** The users sign in: their logs are made (OPEN_LOG); a user who never did is not logged. */
  const signIn = async (users: readonly string[]) => {
    for (const u of users) await redis.beckonOpenLog(keys.log(u));
  };
  /**
   * One commit alone: its own entry of the reply ('epoch' for the whole call). The users its
   * deliveries name have signed in; group members sign in in their tests.
   */
  const commit = async (plan: Partial<CommitArgs> & { epoch?: string }) => {
    const { epoch, ...rest } = plan;
    await signIn((rest.deliveries ?? []).flatMap((d) => d.users));
    const raw = await redis.beckonCommit(...encodeCommit(call(epoch), [one(rest)]));
    return raw === 'epoch' ? raw : (raw as unknown[])[0];
  };

  // The entries as `seq:event` (the log is a stream: ids 0-<seq>, one field).
  const since = async (user: string, seq: number) => {
    const raw = await redis.beckonEventsSince(keys.log(user), seq);
    return raw === null ? null : logEntries(raw).map((e) => `${e.seq}:${e.json}`);
  };
  const sequence = async (user: string) => (await readSequences(redis, keys, [user]))[0];

  beforeAll(async () => {
    redis = defineScripts(testClient());
    await redis.set(keys.epoch, 'e1');
  });
  afterAll(async () => {
    redis?.disconnect();
    await purge(prefix);
  });

  it('writes guarded documents, bumps their versions, and logs events with per-user sequence numbers', async () => {
    const ok = await commit({
      guards: [[keys.inv('a'), 0]],
      docs: [[keys.inv('a'), '{"x":1}', 1, '']],
      ops: [['ZADD', keys.inboxes, '0', keys.inboxEntry('u1', 'c', 'a')]],
      deliveries: [{ users: ['u1', 'u2', 'u1'], group: '', event: '{"kind":"invite"}', v: 1 }],
    });
    expect(ok).toEqual([
      [
        ['u1', 'u2'],
        [1, 1],
      ],
    ]);
    expect(await redis.hgetall(keys.inv('a'))).toEqual({ v: '1', r: '{"x":1}' });
    expect(await redis.zrange(keys.inboxes, '0', '-1')).toEqual(['2:u1|c|a']);
    expect(await since('u1', 0)).toEqual(['1:{"kind":"invite"}']);
  });

  it('refuses on a moved version, another epoch or past its deadline, and applies nothing', async () => {
    const plan: Partial<CommitArgs> = {
      guards: [[keys.inv('a'), 0]],
      docs: [[keys.inv('a'), '{"x":2}', 1, '']],
      deliveries: [{ users: ['u1'], group: '', event: '{"kind":"modify"}', v: 2 }],
    };
    expect(await commit(plan)).toBe('conflict');
    expect(await commit({ ...plan, guards: [[keys.inv('a'), 1]], epoch: 'e0' })).toBe('epoch');
    expect(await commit({ ...plan, guards: [[keys.inv('a'), 1]], by: Date.now() - 1000 })).toBe('late');
    expect(await redis.hget(keys.inv('a'), 'r')).toBe('{"x":1}');
    expect(await sequence('u1')).toBe(1);
  });

  it("refuses an invitation past its inviter's cap (counting earlier commits of the call) and writes nothing of it", async () => {
    // One invitation sent (b) and one received (c, not counted) already.
    await redis.zadd(
      keys.inboxes,
      0,
      keys.inboxEntry('capped', 'b', 'cap0'),
      0,
      keys.inboxEntry('capped', 'c', 'x'),
    );
    const held = () => redis.zlexcount(keys.inboxes, ...keys.capRange('capped'));
    const start = (id: string): CommitArgs =>
      one({
        cap: 2,
        starts: [[...keys.capRange('capped'), 1]],
        guards: [[keys.inv(id), 0]],
        docs: [[keys.inv(id), '{"cap":1}', 1, '']],
        ops: [['ZADD', keys.inboxes, '0', keys.inboxEntry('capped', 'a', id)]],
        deliveries: [{ users: ['capped'], group: '', event: '{"kind":"invite"}', v: 1 }],
      });
    await signIn(['capped']);
    const raw = await redis.beckonCommit(...encodeCommit(call(), [start('cap1'), start('cap2')]));
    expect(raw).toEqual([[[['capped'], [1]]], 'limit']);
    expect(await held()).toBe(2);
    expect(await redis.exists(keys.inv('cap2'))).toBe(0);
    expect(await sequence('capped')).toBe(1);
    // Without a cap (0: the server checks it) the same commit applies.
    expect(await commit({ ...start('cap3'), cap: 0 })).toEqual([[['capped'], [2]]]);
    expect(await held()).toBe(3);
  });

  it('a log trimmed past the asked sequence answers nil, so the reader takes a snapshot', async () => {
    for (let i = 0; i < 4; i++)
      await commit({ deliveries: [{ users: ['u3'], group: '', event: `{"n":${i}}`, v: -1 }] });
    expect(await since('u3', 0)).toBeNull();
    expect(await since('u3', 1)).toEqual(['2:{"n":1}', '3:{"n":2}', '4:{"n":3}']);
    expect(await since('u3', 4)).toEqual([]);
    expect(await since('u3', 9)).toBeNull();
  });

  it('expands a group audience at commit time', async () => {
    await redis.zadd(keys.members('g'), 1, 'm1', 2, 'm2');
    await signIn(['m1', 'm2']);
    const out = await commit({ deliveries: [{ users: ['m2', 'x'], group: 'g', event: '{"e":1}', v: -1 }] });
    expect(out).toEqual([
      [
        ['m2', 'x', 'm1'],
        [1, 1, 1],
      ],
    ]);
  });

  it('presence: processes claim a user side by side; a claim taken back or expired goes, and the sweep drops entries nobody claims', async () => {
    const now = Date.now();
    const claim = (node: string, expiry: number | '', ...users: string[]) =>
      redis.beckonPresence(keys.where, node, expiry, now, '', ...users);
    await claim('n1', now + 9000, 'pa', 'pb');
    await claim('n2', now + 9000, 'pa');
    expect(claimsOf(await redis.hget(keys.where, 'pa'))).toEqual(
      new Map([
        ['n1', now + 9000],
        ['n2', now + 9000],
      ]),
    );
    // n1 renews: its claim moves, n2's stays.
    await claim('n1', now + 12_000, 'pa');
    expect(claimsOf(await redis.hget(keys.where, 'pa'))).toEqual(
      new Map([
        ['n2', now + 9000],
        ['n1', now + 12_000],
      ]),
    );
    await claim('n2', '', 'pa');
    expect(await redis.hget(keys.where, 'pa')).toBe(`n1@${now + 12_000}`);
    await claim('n1', '', 'pb');
    expect(await redis.hexists(keys.where, 'pb')).toBe(0);
    // A claim that expired (its process died) is dropped by the next write of that user, and
    // a whole entry by the sweep.
    await redis.hset(keys.where, 'pc', `dead@${now - 1}`, 'pd', `dead@${now - 1},n1@${now + 9000}`);
    await claim('n1', now + 9000, 'pd');
    expect(await redis.hget(keys.where, 'pd')).toBe(`n1@${now + 9000}`);
    let cursor = '0';
    for (let i = 0; i < 100; i++) {
      cursor = String(await redis.beckonPresence(keys.where, 'n1', '', now, cursor));
      if (cursor === '0') break;
    }
    expect(await redis.hexists(keys.where, 'pc')).toBe(0);
    expect(await redis.hget(keys.where, 'pa')).toBe(`n1@${now + 12_000}`);
  });

  /** `user` present on process `node` (a claim for a minute), and what that process hears. */
  async function elsewhere(user: string, node: string) {
    await redis.hset(keys.where, user, `${node}@${Date.now() + 60_000}`);
    const sub = testClient();
    const heard: string[] = [];
    sub.on('message', (_channel: string, message: string) => heard.push(message));
    await sub.subscribe(keys.hintsFor(node));
    return { heard, close: () => sub.disconnect() };
  }

  it('a group delivery finds where each of more than 1,000 members is', async () => {
    const members = Array.from({ length: 1200 }, (_, i) => `big${i}`);
    await redis.zadd(keys.members('big'), ...members.flatMap((u, i) => [i + 1, u]));
    await signIn(members);
    const { heard, close } = await elsewhere('big1150', 'p7');
    try {
      const out = (await commit({
        deliveries: [{ users: [], group: 'big', event: '{"g":1}', v: -1 }],
      })) as Array<[string[], number[]]>;
      expect(out[0]?.[0]).toHaveLength(1200);
      await eventually(async () => expect(heard).toHaveLength(1));
      expect(JSON.parse(heard[0] ?? '').d[0].u).toEqual(['big1150']);
    } finally {
      close();
    }
  });

  it('group commit: the commits of one call are decided in order, each on its own guards; one hint per process', async () => {
    const { heard, close } = await elsewhere('gc', 'p9');
    try {
      const first = one({
        guards: [[keys.inv('gc1'), 0]],
        docs: [[keys.inv('gc1'), '{"n":1}', 1, '']],
        deliveries: [{ users: ['gc'], group: '', event: '{"n":1}', v: 1 }],
      });
      // Read before the first applied: the same guard, now moved by the commit before it.
      const stale = one({ guards: [[keys.inv('gc1'), 0]], docs: [[keys.inv('gc1'), '{"n":2}', 1, '']] });
      const late = one({ by: Date.now() - 1000, docs: [[keys.inv('gc3'), '{"n":3}', 1, '']] });
      const next = one({
        guards: [[keys.inv('gc1'), 1]],
        docs: [[keys.inv('gc1'), '{"n":4}', 2, '']],
        deliveries: [{ users: ['gc'], group: '', event: '{"n":4}', v: 2 }],
      });
      const raw = await redis.beckonCommit(...encodeCommit(call(), [first, stale, late, next]));
      expect(raw).toEqual([[[['gc'], [1]]], 'conflict', 'late', [[['gc'], [2]]]]);
      expect(await redis.hgetall(keys.inv('gc1'))).toEqual({ v: '2', r: '{"n":4}' });
      expect(await redis.exists(keys.inv('gc3'))).toBe(0);
      // The other process hears both events in one message, in sequence order.
      await eventually(async () => expect(heard).toHaveLength(1));
      expect(JSON.parse(heard[0] ?? '')).toEqual({
        n: 'test',
        d: [
          { u: ['gc'], s: [1], v: 1, e: { n: 1 } },
          { u: ['gc'], s: [2], v: 2, e: { n: 4 } },
        ],
      });
      // A changed epoch refuses the whole call.
      expect(await redis.beckonCommit(...encodeCommit(call('e0'), [next]))).toBe('epoch');
    } finally {
      close();
    }
  });

  it("issue 19: the group expansion skips members given their own view; a view's hint has no version; the group notice goes to every process", async () => {
    await redis.zadd(keys.members('cls'), 1, 't', 2, 'a', 3, 'b', 4, 'late');
    await signIn(['t', 'a', 'b', 'late']);
    await redis.hset(keys.where, 'a', `p2@${Date.now() + 60_000}`);
    const sub = testClient();
    const heard: Array<[string, string]> = [];
    sub.on('message', (channel: string, message: string) => heard.push([channel, message]));
    await sub.subscribe(keys.hints, keys.hintsFor('p2'));
    try {
      const out = await commit({
        deliveries: [
          { users: ['t'], group: 'cls', skip: ['a', 'b'], event: '{"w":1}', v: 3 },
          { users: ['a'], group: '', event: '{"a":1}' },
        ],
        queues: ['cls'],
      });
      expect(out).toEqual([
        [
          ['t', 'late'],
          [1, 1],
        ],
        [['a'], [1]],
      ]);
      await eventually(async () => expect(heard).toHaveLength(2));
      expect(heard).toEqual([
        [keys.hintsFor('p2'), '{"n":"test","d":[{"u":["a"],"s":[1],"e":{"a":1}}]}'],
        [keys.hints, '{"n":"test","q":["cls"]}'],
      ]);
    } finally {
      sub.disconnect();
    }
  });

  it("logs an onlineUserOnly invitation's events only for users present then or holding it already", async () => {
    // h1 is connected to another process, h2 is not connected anywhere.
    await redis.hset(keys.where, 'h1', `other@${Date.now() + 60_000}`);
    const invite = await commit({
      deliveries: [{ users: ['h1', 'h2'], group: '', event: '{"k":1}', held: 'o', v: 1 }],
    });
    expect(invite).toEqual([[['h1'], [1]]]);
    expect(await sequence('h2')).toBe(0);
    expect((await redis.smembers(keys.held('o'))).sort()).toEqual(['h1']);
    // h1 went away: it still hears the rest (on resume), h2 still never does.
    await redis.hdel(keys.where, 'h1');
    const answer = await commit({
      deliveries: [{ users: ['h1', 'h2'], group: '', event: '{"k":3}', held: 'o', v: 2 }],
    });
    expect(answer).toEqual([[['h1'], [2]]]);
    expect(await since('h1', 1)).toEqual(['2:{"k":3}']);
    expect(await sequence('h2')).toBe(0);
  });

  it('loads the invitations a glare index lists with their versions; a commit guards its content', async () => {
    const pair = keys.pair('u1', 'u2');
    await commit({ ops: [['ZADD', keys.inboxes, '0', `${pair}a`, '0', `${pair}gone`]] });
    const [inv, read, group] = (await redis.beckonLoad(
      ...encodeLoad(keys.prefix, keys.epoch, [keys.inv('new')], { ids: ['new'], pair }),
    )) as unknown[];
    expect(read).toEqual(['a', 'gone']);
    expect(inv).toEqual([
      ['new', 0, ''],
      ['a', 1, '{"x":1}'],
      ['gone', 0, ''],
    ]);
    expect(group).toEqual([]);
    // Users' entries and another pair's (one whose ids start like these) are not in the range.
    await redis.zadd(keys.inboxes, 0, keys.inboxEntry('u1', 'b', 'a'), 0, `${keys.pair('u1', 'u2x')}z`);
    const [, other] = (await redis.beckonLoad(
      ...encodeLoad(keys.prefix, keys.epoch, [], { ids: [], pair: keys.pair('u1', 'u2') }),
    )) as unknown[];
    expect(other).toEqual(['a', 'gone']);
    const write = (ids: string[]) =>
      commit({ lists: [[pair, ids]], ops: [['ZADD', keys.inboxes, '0', `${pair}b`]] });
    expect(await write(['a'])).toBe('conflict');
    expect(await write(['a', 'gone', 'c'])).toBe('conflict');
    expect(await redis.zscore(keys.inboxes, `${pair}b`)).toBeNull();
    expect(await write(['gone', 'a'])).toEqual([]);
    expect(await redis.zscore(keys.inboxes, `${pair}b`)).toBe('0');
  });

  it("a snapshot's inbox range holds the user's own entries only, whatever the ids look like", async () => {
    // Ids chosen to look like another's entries: a prefix of one, the separator, a length.
    const users = ['a', 'a|b', 'ab', '1:a', 'a|c|x', 'é', 'p:["a"'];
    for (const [i, user] of users.entries()) {
      const id = `snap-${i}`;
      await redis.hset(keys.inv(id), 'v', 1, 'r', JSON.stringify({ inviteID: id, onlineUserOnly: false }));
      await redis.zadd(
        keys.inboxes,
        0,
        keys.inboxEntry(user, 'c', id),
        0,
        keys.inboxEntry(user, 'a', `${id}-own`),
      );
    }
    await redis.zadd(keys.inboxes, 0, `${keys.pair('a', 'b')}snap-0`);
    for (const [i, user] of users.entries()) {
      const [, ...records] = (await redis.beckonSnapshot(
        keys.inboxes,
        keys.groupsOf(user),
        keys.log(user),
        keys.prefix,
        keys.inboxOf(user),
        ...keys.shownRange(user),
      )) as string[];
      expect(records.map((r) => (JSON.parse(r) as { inviteID: string }).inviteID)).toEqual([`snap-${i}`]);
      expect(await redis.zlexcount(keys.inboxes, ...keys.capRange(user))).toBe(1);
    }
  });

  it('claims due deadlines with a lease, so no other process takes them until it runs out', async () => {
    const now = Date.now();
    await redis.zadd(keys.deadlines, now - 10, 'due', now + 60_000, 'later');
    const claim = (epoch: string, at: number) =>
      redis.beckonClaim(keys.epoch, keys.deadlines, epoch, at, 3000, 10);
    expect(await claim('e1', now)).toEqual(['ok', 'due']);
    expect(Number(await redis.zscore(keys.deadlines, 'due'))).toBe(now + 3000);
    expect(await claim('e1', now + 100)).toEqual(['ok']);
    expect(await claim('e1', now + 3000)).toEqual(['ok', 'due']);
    expect(await claim('other', now)).toEqual(['epoch']);
  });

  it('logs nothing for a user who never signed in and is connected nowhere (made-up ids cost nothing); signing in opens the log at 0', async () => {
    const deliver = (event: string) =>
      one({ deliveries: [{ users: ['ghost', 'here'], group: '', event, v: -1 }] });
    // 'here' has no log either, but is connected (on another process): the commit makes it.
    const { close } = await elsewhere('here', 'p8');
    try {
      const raw = await redis.beckonCommit(...encodeCommit(call(), [deliver('{"g":1}')]));
      expect(raw).toEqual([[[['here'], [1]]]]);
      expect(await redis.exists(keys.log('ghost'))).toBe(0);
      expect(await sequence('ghost')).toBe(0);
      expect(await redis.beckonOpenLog(keys.log('ghost'))).toBe(0);
      expect(await redis.beckonOpenLog(keys.log('ghost'))).toBe(0); // again: nothing changes
      const next = await redis.beckonCommit(...encodeCommit(call(), [deliver('{"g":2}')]));
      expect(next).toEqual([
        [
          [
            ['ghost', 'here'],
            [1, 2],
          ],
        ],
      ]);
      expect(await since('ghost', 0)).toEqual(['1:{"g":2}']);
      expect(await redis.beckonOpenLog(keys.log('ghost'))).toBe(1);
    } finally {
      close();
    }
  });

  it('runs again after Redis forgot its scripts (NOSCRIPT: ioredis sends the source again)', async () => {
    expect(await since('u3', 4)).toEqual([]);
    await redis.script('FLUSH');
    expect(await since('u3', 4)).toEqual([]);
    expect(defineScripts(redis)).toBe(redis); // Defining twice is harmless.
    expect(await since('u3', 1)).toEqual(['2:{"n":1}', '3:{"n":2}', '4:{"n":3}']);
  });
});
