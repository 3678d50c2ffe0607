import { type Command, ErrorCode } from '@beckon/signaling';
import { afterEach, expect, it } from 'vitest';
import type { BeckonServer } from '../../src/server.js';
import { RedisStore } from '../../src/store/redis.js';
import { startServer, waitFor } from '../helpers.js';
import { madeUpInviteesCostNothing } from '../madeUpInvitees.js';
import { type Frame, loginRaw, type RawClient } from '../raw.js';
import { describeRedis, freshPrefix, purge, REDIS_URL, startStores } from './cluster.js';

// The per-inviter cap counts across the processes of a deployment: an invite committed on one
// and cancelled on another leaves the shared count right.

const servers: BeckonServer[] = [];
const raws: RawClient[] = [];
let prefix = '';

afterEach(async () => {
  for (const raw of raws.splice(0)) raw.ws.terminate();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await purge(prefix);
});

async function node(maxActiveInvitations = 2): Promise<BeckonServer> {
  const server = await startServer({
    store: new RedisStore({ url: REDIS_URL, prefix }),
    maxActiveInvitations,
  });
  servers.push(server);
  return server;
}

const login = (s: BeckonServer, userID: string) => loginRaw(s, userID, raws);

async function request(client: RawClient, id: number, cmd: unknown): Promise<Frame> {
  const from = client.frames.length;
  client.send({ t: 'req', id, cmd });
  return client.waitFrame((f) => f.t === 'res' && f.id === id, from, 5000);
}

const invite = (to: string) => ({
  op: 'invite',
  groupID: '',
  inviteeList: [to],
  data: '',
  timeout: 0,
  onlineUserOnly: false,
});

describeRedis('made-up invitees, on Redis', () => {
  it('invitations to user ids that never signed in leave no log behind; a first sign-in on another process still finds what is active', async () => {
    prefix = freshPrefix();
    const [n0, n1] = [await node(100), await node(100)];
    await madeUpInviteesCostNothing(n0, n1, raws, (n) => n);
  });
});

describeRedis('active invitations per inviter, on Redis', () => {
  it('is one count for the whole deployment', async () => {
    prefix = freshPrefix();
    const [n0, n1] = [await node(), await node()];
    const on0 = await login(n0, 'alice');
    const on1 = await login(n1, 'alice');
    const first = await request(on0, 1, invite('x1'));
    expect(first.ok).toBe(true);
    expect((await request(on1, 1, invite('x2'))).ok).toBe(true);
    const refused = await request(on0, 2, invite('x3'));
    expect(refused.error?.code).toBe(ErrorCode.LIMIT_EXCEEDED);
    // Ended on the other process: the place is free on both.
    expect((await request(on1, 2, { op: 'cancel', inviteID: first.inviteID, data: '' })).ok).toBe(true);
    let count = -1;
    const poll = setInterval(() => {
      void n0.store.activeInvitations('alice').then((c) => {
        count = c;
      });
    }, 5);
    try {
      await waitFor(() => count === 1, 3000, 'the shared count to drop to 1');
    } finally {
      clearInterval(poll);
    }
    expect((await request(on0, 3, invite('x3'))).ok).toBe(true);
  });

  it('is exact when invites race on two processes: the commit that starts one checks the count', async () => {
    prefix = freshPrefix();
    const [n0, n1] = [await node(), await node()];
    const on0 = await login(n0, 'alice');
    const on1 = await login(n1, 'alice');
    // Three invites from each process at once: a count read before the commit would let each
    // process take both places.
    const replies = await Promise.all(
      [on0, on1].flatMap((client, c) => [1, 2, 3].map((id) => request(client, id, invite(`r${c}${id}`)))),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(2);
    for (const refused of replies.filter((r) => !r.ok)) {
      expect(refused.error?.code).toBe(ErrorCode.LIMIT_EXCEEDED);
      expect(refused.error?.details).toEqual({ field: 'activeInvitations', limit: 2 });
    }
    expect(await n0.store.activeInvitations('alice')).toBe(2);
    // The server's own invites in her name (a hang-up when she is gone) are never capped.
    const hangup = await n0.store.dispatch('alice', 'server', invite('r-hangup') as Command);
    expect(hangup.ok).toBe(true);
    expect(await n0.store.activeInvitations('alice')).toBe(3);
  });
});

describeRedis('groups per user, on Redis', () => {
  it('the cap holds for creates racing on two processes: the script that makes a group checks it', async () => {
    prefix = freshPrefix();
    const stores = await startStores(prefix);
    try {
      const tries = Array.from({ length: 12 }, (_, i) => stores[i % 2]?.createGroup('carol', `g${i}`, 5));
      const outcomes = await Promise.allSettled(tries);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
      const refused = outcomes.filter((o) => o.status === 'rejected');
      expect(refused.map((o) => (o as PromiseRejectedResult).reason)).toEqual(
        Array.from({ length: 7 }, () => expect.objectContaining({ name: 'GroupCapError', limit: 5 })),
      );
      expect(await stores[0]?.groupsOf('carol')).toHaveLength(5);
      // Without a cap (the store's own callers), nothing is refused.
      expect((await stores[1]?.createGroup('carol', 'uncapped'))?.owner).toBe('carol');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
