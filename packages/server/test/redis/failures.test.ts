import { CallType, createCallData, type InvitationRecord, type SignalingError } from '@beckon/signaling';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { api, connectUser, type Target, type TestUser, waitFor } from '../helpers.js';
import { openRaw } from '../raw.js';
import {
  type Cluster,
  describeRedis,
  eventually,
  metricSum,
  type Node,
  startCluster,
  trackedSockets,
} from './cluster.js';

// Three processes on one Redis: deadlines fire once whoever claims them, and a process killed
// with SIGKILL loses nothing: its clients move to another process and catch up by sequence.

const call = (roomID: string) => createCallData({ callType: CallType.AUDIO, roomID });

/** What the authority shows a user: a fresh socket's snapshot, read through `node`. */
async function authority(node: Node, user: TestUser) {
  const raw = await openRaw(node.wsUrl);
  try {
    const from = raw.frames.length;
    await raw.auth(user.token);
    const snapshot = await raw.waitFrame((f) => f.t === 'snapshot', from);
    return { seq: snapshot.seq as number, invitations: snapshot.invitations as InvitationRecord[] };
  } finally {
    raw.ws.close();
  }
}

/** A record as a user sees it: delivery marks only count for the inviter (receipts go there). */
function view(records: Iterable<InvitationRecord>, viewer: string) {
  return [...records]
    .map((r) =>
      viewer === r.inviter ? r : { ...r, invitees: r.invitees.map((i) => ({ ...i, delivered: false })) },
    )
    .sort((a, b) => a.inviteID.localeCompare(b.inviteID));
}

describeRedis('distributed mode: deadlines and a process killed with SIGKILL', () => {
  let cluster: Cluster;
  let n0: Node;
  let n1: Node;
  let n2: Node;
  const users: TestUser[] = [];
  async function user(name: string, on: Target, options: Parameters<typeof connectUser>[2] = {}) {
    const u = await connectUser(on, name, options);
    users.push(u);
    return u;
  }

  beforeAll(async () => {
    cluster = await startCluster(3);
    [n0, n1, n2] = cluster.nodes as [Node, Node, Node];
  }, 60_000);
  afterEach(() => {
    for (const u of users.splice(0)) u.client.close();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('a timeout fires exactly once with three processes polling the deadlines', async () => {
    const alice = await user('t1-alice', n0);
    const bob = await user('t1-bob', n1);
    const carol = await user('t1-carol', n2);
    const { groupID, code } = (await api(n0, 'POST', '/groups', alice.token, { name: 'G' })).body;
    for (const [u, node] of [
      [bob, n1],
      [carol, n2],
    ] as const)
      await api(node, 'POST', '/groups/join', u.token, { code });
    const before = await metricSum(cluster.nodes, 'beckon_invitations_ended_total{outcome="timeout"}');
    const pairs: Array<[TestUser, TestUser]> = [
      [alice, bob],
      [bob, carol],
      [carol, alice],
    ];
    const sent: Array<{ id: string; audience: TestUser[] }> = [];
    for (let i = 0; i < 12; i++) {
      const [from, to] = pairs[i % 3] as [TestUser, TestUser];
      sent.push({
        id: await from.client.invite(to.userID, call(`t1-${i}`), { timeout: 1 }),
        audience: [from, to],
      });
    }
    const round = await alice.client.inviteInGroup(groupID, [bob.userID, carol.userID], 'round', {
      timeout: 1,
    });
    sent.push({ id: round, audience: [alice, bob, carol] });

    const count = (u: TestUser, id: string) =>
      u.events('onInvitationTimeout').filter((e) => e.inviteID === id).length;
    await waitFor(
      () => sent.every(({ id, audience }) => audience.every((u) => count(u, id) >= 1)),
      5000,
      'timeouts',
    );
    await new Promise((r) => setTimeout(r, 600)); // a second firing would have arrived by now
    for (const { id, audience } of sent) for (const u of audience) expect(count(u, id)).toBe(1);
    const [groupTimeout] = bob.events('onInvitationTimeout').filter((e) => e.inviteID === round);
    expect([...(groupTimeout?.inviteeList ?? [])].sort()).toEqual([bob.userID, carol.userID].sort());
    expect(await metricSum(cluster.nodes, 'beckon_invitations_ended_total{outcome="timeout"}')).toBe(
      before + 13,
    );
    await eventually(async () => {
      const { body } = await api(n2, 'GET', '/history', alice.token);
      expect(body.entries.filter((e: { outcome: string }) => e.outcome === 'missed')).toHaveLength(8);
    });
  });

  it('a deadline leased by a process that died fires when the lease runs out, once', async () => {
    const alice = await user('t2-alice', n0);
    const bob = await user('t2-bob', n1);
    const id = await alice.client.invite(bob.userID, call('t2'), { timeout: 1 });
    // Every commit on an invitation re-schedules its deadline: let the receipt's commit pass first.
    await alice.waitEvents('onInvitationDelivered');
    const record = JSON.parse((await cluster.redis.hget(cluster.keys.inv(id), 'r')) ?? '{}');
    const deadline = record.invitees[0].deadline as number;
    // What a claim does: push the score to the end of the lease. Its process then "dies".
    expect(await cluster.redis.zadd(cluster.keys.deadlines, 'XX', deadline + 1500, id)).toBe(0);
    await bob.waitEvents('onInvitationTimeout');
    expect(Date.now()).toBeGreaterThanOrEqual(deadline + 1400);
    await new Promise((r) => setTimeout(r, 300));
    expect(bob.events('onInvitationTimeout')).toHaveLength(1);
    expect(alice.events('onInvitationTimeout')).toHaveLength(1);
    expect(await cluster.redis.zscore(cluster.keys.deadlines, id)).toBeNull();
  });

  it('kill -9 mid-invitations: nothing lost, timeouts still fire, its clients resume elsewhere by sequence', async () => {
    let n2dead = false;
    const alice = await user('t3-alice', n0);
    const watcher = await user('t3-alice', n1, { deviceID: 'watcher' });
    const tracked = { bob: trackedSockets(), carol: trackedSockets() };
    const onN2 = () => (n2dead ? n1 : n2).wsUrl;
    const bob = await user('t3-bob', onN2, { WebSocket: tracked.bob.WebSocket });
    const carol = await user('t3-carol', onN2, { WebSocket: tracked.carol.WebSocket });
    const timed: string[] = [];
    const open: string[] = [];
    const accepted: string[] = [];
    const invitee = new Map<string, TestUser>();
    for (let i = 0; i < 24; i++) {
      if (i === 12) {
        n2dead = true;
        await n2.kill9();
      }
      const to = i % 2 === 0 ? bob : carol;
      const timeout = i % 3 === 0 ? 1 : 30;
      const id = await alice.client.invite(to.userID, call(`t3-${i}`), { timeout });
      (timeout === 1 ? timed : open).push(id);
      invitee.set(id, to);
      if (i % 4 === 1 && i < 10 && timeout === 30) {
        await waitFor(() => to.client.getInvitation(id) !== undefined, 3000, 'the ring');
        await to.client.accept(id);
        accepted.push(id);
      }
    }
    // After the kill, the victims answer from their new process.
    const late = open.filter((id) => !accepted.includes(id)).slice(-2);
    for (const id of late) {
      const owner = invitee.get(id) as TestUser;
      await waitFor(() => owner.client.getInvitation(id) !== undefined, 5000, 'the victim to catch up');
      await owner.client.reject(id).catch((e: SignalingError) => {
        throw new Error(`reject after the kill failed: ${e.code} ${e.message}`);
      });
    }

    // Every timeout fired once, even those the dead process had leased.
    const fired = (u: TestUser, id: string) =>
      u.events('onInvitationTimeout').filter((e) => e.inviteID === id).length;
    await waitFor(() => timed.every((id) => fired(alice, id) === 1), 8000, 'every timeout');
    await new Promise((r) => setTimeout(r, 300));
    for (const id of timed) {
      expect(fired(alice, id)).toBe(1);
      expect(fired(watcher, id)).toBe(1);
      expect(fired(bob, id) + fired(carol, id)).toBe(1);
    }

    // The victims reconnected to n1 and end with the authority's view and sequence.
    for (const [u, t] of [
      [bob, tracked.bob],
      [carol, tracked.carol],
    ] as const) {
      expect(u.states).toContain('reconnecting');
      expect(t.sockets.length).toBeGreaterThanOrEqual(2);
      await eventually(async () => {
        const truth = await authority(n0, u);
        expect(u.transport.lastSeq).toBe(truth.seq);
        expect(view(u.client.invitations.values(), u.userID)).toEqual(view(truth.invitations, u.userID));
      }, 5000);
      // Sequence numbers: every one from 1 to the last arrived, none was applied twice.
      const seqs = [...new Set(t.seqs)].sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: u.transport.lastSeq }, (_, i) => i + 1));
      const keys = u.seen.map((s) => `${s.name}:${(s.event as { inviteID: string }).inviteID}`);
      expect(new Set(keys).size).toBe(keys.length);
      // No invitation lost: each one sent to this user reached it, live or replayed.
      const mine = u.events('onReceiveNewInvitation').map((e) => e.inviteID);
      expect(mine).toHaveLength(12);
    }
    for (const u of [alice, watcher]) {
      await eventually(async () => {
        const truth = await authority(n1, u);
        expect(view(u.client.invitations.values(), u.userID)).toEqual(view(truth.invitations, u.userID));
      }, 5000);
    }
    expect(alice.client.invitations.size).toBe(open.length - accepted.length - late.length);
  }, 30_000);
});
