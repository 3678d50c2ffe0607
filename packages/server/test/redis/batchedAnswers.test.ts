import { type CommandReply, ErrorCode } from '@beckon/signaling';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { Cas } from '../../src/store/redis/cas.js';
import type { RedisStore } from '../../src/store/redis/store.js';
import { describeRedis, freshPrefix, purge, startStores } from './cluster.js';

// Answers to one invitation that arrive on a process while a job on it runs there commit
// together: each its own transition and reply, one compare-and-set for all. A class of 1,000
// accepting its round over two processes made one commit each before, and their conflicts ran
// some out of attempts (9005).
describeRedis('distributed mode: answers to one invitation commit together', () => {
  const prefix = freshPrefix();
  let stores: RedisStore[] = [];

  beforeAll(async () => {
    stores = await startStores(prefix);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await purge(prefix);
  });

  it('60 answers from two processes at once: a few commits, each its own reply, a stranger refused alone', async () => {
    const [a, b] = stores as [RedisStore, RedisStore];
    const invitees = Array.from({ length: 60 }, (_, i) => `u${i}`);
    // The host has signed in: the store logs events for users who have.
    await a.attach('host');
    const group = await a.createGroup('host', 'Class');
    for (const user of invitees) await (user.endsWith('1') ? b : a).joinGroup(group.code, user);
    const invited = await a.dispatch('host', 'host-d', {
      op: 'invite',
      groupID: group.groupID,
      inviteeList: invitees,
      data: '{"x":1}',
      timeout: 600,
      onlineUserOnly: false,
    });
    if (!invited.ok) throw new Error(`invite: ${JSON.stringify(invited.error)}`);
    const inviteID = invited.inviteID;
    const commits = vi.spyOn(Cas.prototype, 'commit');

    const answers: Array<Promise<CommandReply>> = [];
    for (const [i, user] of invitees.entries()) {
      const store = i % 2 === 0 ? a : b;
      const op = i % 3 === 0 ? 'reject' : 'accept';
      answers.push(store.dispatch(user, `${user}-d`, { op, inviteID, data: '' }));
      // Someone who was not invited, in the middle of the batch on the first process.
      if (i === 10) answers.push(a.dispatch('stranger', 'stranger-d', { op: 'accept', inviteID, data: '' }));
    }
    const replies = await Promise.all(answers);

    const stranger = replies.splice(11, 1)[0];
    expect(stranger).toMatchObject({ ok: false, error: { code: ErrorCode.NO_PERMISSION } });
    expect(replies.filter((r) => !r.ok)).toEqual([]);
    // One batch per process, and a retry of a batch whose guard the other one moved.
    expect(commits.mock.calls.length).toBeLessThan(12);
    commits.mockRestore();

    // Every answer is in the final record (the last one ended the invitation).
    const ended = await a.endedSince('host', 0, 10);
    const final = ended.find((e) => e.final.inviteID === inviteID)?.final;
    const states = new Map(final?.invitees.map((i) => [i.userID, i.state]));
    for (const [i, user] of invitees.entries())
      expect(states.get(user)).toBe(i % 3 === 0 ? 'rejected' : 'accepted');
  });
});
