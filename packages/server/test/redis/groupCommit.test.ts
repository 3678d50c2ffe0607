import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/redis/errors.js';
import { GROUP_COMMIT_MAX, GROUP_COMMIT_WAIT_MS, GroupCommit } from '../../src/store/redis/groupCommit.js';
import { type Client, type CommitArgs, defineScripts } from '../../src/store/redis/scripts.js';
import { describeRedis, freshPrefix, purge, testClient, testKeys } from './cluster.js';

const commitArgs = (key: string, version: number, by = Date.now() + 60_000): CommitArgs => ({
  by,
  guards: [[key, version]],
  docs: [[key, `{"v":${version + 1}}`, version + 1, '']],
  ops: [],
  deliveries: [],
});

// The batching policy on its own: what goes out when (the client only records the calls).
describe('group commit: when calls leave', () => {
  function recorder() {
    const calls: Array<{ count: number; resolve(reply: unknown): void }> = [];
    const redis = {
      beckonCommit: (...args: Array<string | number>) =>
        new Promise((resolve) => {
          // After the key count and the keys: five values, the named recipients (count, users),
          // then the number of commits.
          const argv = 1 + Number(args[0]);
          const named = Number(args[argv + 5]);
          calls.push({ count: Number(args[argv + 6 + named]), resolve });
        }),
    } as unknown as Client;
    const group = new GroupCommit({
      redis,
      call: () => ({ prefix: 'p:', epochKey: 'p:epoch:3', epoch: 'e', node: 'n', logLimit: 512 }),
      epochLost: () => {},
    });
    return { calls, group };
  }
  const turn = () => new Promise((r) => setImmediate(r));

  it('sends the commits of one turn in one call, and those that came meanwhile in the next', async () => {
    const { calls, group } = recorder();
    const first = [1, 2, 3].map((i) => group.commit(commitArgs(`k${i}`, 0)));
    await turn();
    expect(calls.map((c) => c.count)).toEqual([3]);
    const second = [4, 5].map((i) => group.commit(commitArgs(`k${i}`, 0)));
    await turn();
    // One call out: the next waits for it.
    expect(calls).toHaveLength(1);
    calls[0]?.resolve([[], 'conflict', [[['u'], [7]]]]);
    expect(await Promise.all(first)).toEqual([[], 'conflict', [[['u'], [7]]]]);
    await turn();
    expect(calls.map((c) => c.count)).toEqual([3, 2]);
    calls[1]?.resolve(['late', []]);
    await expect(second[0]).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await second[1]).toEqual([]);
  });

  it(`caps a call at ${GROUP_COMMIT_MAX} commits`, async () => {
    const { calls, group } = recorder();
    for (let i = 0; i < GROUP_COMMIT_MAX + 5; i++) void group.commit(commitArgs(`k${i}`, 0));
    await turn();
    expect(calls.map((c) => c.count)).toEqual([GROUP_COMMIT_MAX]);
    calls[0]?.resolve(Array.from({ length: GROUP_COMMIT_MAX }, () => []));
    await turn();
    await turn();
    expect(calls.map((c) => c.count)).toEqual([GROUP_COMMIT_MAX, 5]);
  });

  it(`does not hold commits more than ${GROUP_COMMIT_WAIT_MS} ms behind a call that does not come back`, async () => {
    const { calls, group } = recorder();
    void group.commit(commitArgs('stuck', 0));
    await turn();
    const queued = Date.now();
    void group.commit(commitArgs('next', 0));
    while (calls.length < 2 && Date.now() - queued < 5000) await new Promise((r) => setTimeout(r, 5));
    expect(calls).toHaveLength(2);
    expect(Date.now() - queued).toBeGreaterThanOrEqual(GROUP_COMMIT_WAIT_MS - 5);
  });

  it('refuses every commit of a call that finds another epoch, and says so once', async () => {
    let lost = 0;
    const redis = { beckonCommit: async () => 'epoch' } as unknown as Client;
    const group = new GroupCommit({
      redis,
      call: () => ({ prefix: 'p:', epochKey: 'p:epoch:3', epoch: 'e', node: 'n', logLimit: 512 }),
      epochLost: () => lost++,
    });
    const all = [1, 2].map((i) => group.commit(commitArgs(`k${i}`, 0)));
    for (const p of all) await expect(p).rejects.toThrow(/reset/);
    expect(lost).toBe(1);
  });
});

describeRedis('group commit on Redis', () => {
  it('commits made at once share calls; each is decided on its own guard', async () => {
    const prefix = freshPrefix();
    const keys = testKeys(prefix);
    const redis = defineScripts(testClient());
    let sent = 0;
    const counted = new Proxy(redis, {
      get(target, name, receiver) {
        if (name === 'beckonCommit')
          return (...args: Array<string | number>) => {
            sent++;
            return target.beckonCommit(...args);
          };
        return Reflect.get(target, name, receiver);
      },
    });
    try {
      await redis.set(keys.epoch, 'e');
      const group = new GroupCommit({
        redis: counted,
        call: () => ({ prefix: keys.prefix, epochKey: keys.epoch, epoch: 'e', node: 'n', logLimit: 512 }),
        epochLost: () => {},
      });
      // 100 new records and, in the same turn, a second writer of the first ten with the same
      // (now stale) version: those lose.
      const fresh = Array.from({ length: 100 }, (_, i) => group.commit(commitArgs(keys.inv(`g${i}`), 0)));
      const stale = Array.from({ length: 10 }, (_, i) => group.commit(commitArgs(keys.inv(`g${i}`), 0)));
      expect(await Promise.all(fresh)).toEqual(Array.from({ length: 100 }, () => []));
      expect(await Promise.all(stale)).toEqual(Array.from({ length: 10 }, () => 'conflict'));
      expect(sent).toBe(Math.ceil(110 / GROUP_COMMIT_MAX));
      expect(await redis.hget(keys.inv('g0'), 'v')).toBe('1');
    } finally {
      redis.disconnect();
      await purge(prefix);
    }
  });
});
