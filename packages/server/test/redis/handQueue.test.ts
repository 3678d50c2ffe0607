import {
  type Command,
  createClassroomData,
  type InvitationRecord,
  type SignalingEvent,
} from '@beckon/signaling';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis/store.js';
import type { Delivery, StoreListener } from '../../src/store/types.js';
import { waitFor } from '../helpers.js';
import { describeRedis, freshPrefix, purge, REDIS_URL } from './cluster.js';

// Issue 19 at the store level: two RedisStore instances on one prefix (two processes' stores),
// a teacher on the first, students on both. A raised hand is logged for its owner and the
// teacher only; the class's queue index answers `handQueue` in server order on every process,
// and `queueChanged` fires on both; snapshots and ended records are each user's view.

interface Heard {
  readonly queues: string[];
  /** Events handed to the listener, per user, as that user gets them. */
  readonly events: Map<string, SignalingEvent[]>;
}

function listenerFor(heard: Heard): StoreListener {
  return {
    deliver(deliveries: readonly Delivery[], event: SignalingEvent) {
      for (const d of deliveries) heard.events.set(d.userID, [...(heard.events.get(d.userID) ?? []), event]);
    },
    committed() {},
    accepted() {},
    ended() {},
    groupChanged() {},
    queueChanged(groupID) {
      heard.queues.push(groupID);
    },
    resync() {},
    reset() {},
    relayed() {},
  };
}

describeRedis('distributed mode: the class queue index and members’ views (issue 19)', () => {
  const prefix = freshPrefix();
  const heard: Heard[] = [
    { queues: [], events: new Map() },
    { queues: [], events: new Map() },
  ];
  let stores: RedisStore[] = [];
  const teacher = 'teacher';
  /** Raise their hands; s5 is invited too but never answers, so the round stays open. */
  const students = ['s1', 's2', 's3', 's4'];
  const invited = [...students, 's5'];
  /** s1, s3 and s5 on the teacher's process, s2, s4 and a member the round did not invite on the other. */
  const on = (user: string) => stores[[teacher, 's1', 's3', 's5'].includes(user) ? 0 : 1] as RedisStore;
  let groupID = '';
  let roundID = '';
  let markerID = '';
  const hands = new Map<string, string>();

  const run = async (user: string, command: Command): Promise<string> => {
    const reply = await on(user).dispatch(user, `${user}-d`, command);
    if (!reply.ok) throw new Error(`${user} ${command.op}: ${JSON.stringify(reply.error)}`);
    return reply.inviteID ?? '';
  };
  const invite = (user: string, inviteeList: string[], data: string) =>
    run(user, { op: 'invite', groupID, inviteeList, data, timeout: 600, onlineUserOnly: false });
  const log = async (user: string) => (await stores[0]?.eventsSince(user, 0)) ?? [];
  const queueOn = async (store: RedisStore) => (await store.handQueue(groupID)).map((e) => e.owner);

  beforeAll(async () => {
    stores = [0, 1].map((i) => new RedisStore({ url: REDIS_URL, prefix, nodeID: `node${i}` }));
    const log = pino({ level: 'silent' });
    await Promise.all(stores.map((s, i) => s.start(listenerFor(heard[i] as Heard), log)));
    const group = await on(teacher).createGroup(teacher, 'Lecture');
    groupID = group.groupID;
    for (const s of [...invited, 'late']) await on(s).joinGroup(group.code, s);
    for (const user of [teacher, ...invited, 'late']) await on(user).attach(user);
    roundID = await invite(teacher, invited, createClassroomData('raiseHand'));
    markerID = await invite(teacher, invited, createClassroomData('round', roundID));
  }, 30_000);
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await purge(prefix);
  });

  it('raised hands: handQueue in server order on both processes, and queueChanged on both', async () => {
    for (const s of students) {
      // Distinct milliseconds, so the expected order is the raising order.
      const at = Date.now();
      await waitFor(() => Date.now() > at, 1000, 'the next millisecond');
      hands.set(s, await invite(s, [teacher], createClassroomData('hand', roundID)));
      await run(s, { op: 'accept', inviteID: roundID, data: '' });
    }
    for (const store of stores) expect(await queueOn(store)).toEqual(students);
    const [first] = await on('s2').handQueue(groupID);
    expect(first).toMatchObject({
      inviteID: hands.get('s1'),
      owner: 's1',
      teacher,
      data: createClassroomData('hand', roundID),
      timeout: 600,
      serial: 0,
    });
    expect(first?.deadline).toBeGreaterThan(first?.createdAt ?? 0);
    for (const h of heard)
      await waitFor(() => h.queues.filter((g) => g === groupID).length >= 4, 5000, 'queueChanged');

    // s2 lowers its hand on its process; the teacher takes s3's down on the other.
    const before = heard.map((h) => h.queues.length);
    await run('s2', { op: 'cancel', inviteID: hands.get('s2') ?? '', data: '' });
    await run(teacher, { op: 'reject', inviteID: hands.get('s3') ?? '', data: '' });
    for (const store of stores) expect(await queueOn(store)).toEqual(['s1', 's4']);
    for (const [i, h] of heard.entries())
      await waitFor(() => h.queues.length >= (before[i] ?? 0) + 2, 5000, 'queueChanged after lowering');
  });

  it("a student's log has no other student's hand, and the round lists only that student", async () => {
    const others = [...hands.entries()].filter(([s]) => s !== 's1').map(([, id]) => id);
    const entries = await log('s1');
    expect(entries.filter((e) => others.includes(e.event.envelope.inviteID))).toEqual([]);
    const round = entries.filter((e) => e.event.envelope.inviteID === roundID).map((e) => e.event);
    const invited = round.find((e) => e.kind === 'invite');
    expect(invited?.envelope.inviteeList).toEqual(['s1']);
    expect(invited?.kind === 'invite' && invited.invitation.invitees.map((i) => i.userID)).toEqual(['s1']);
    // Its own answer only, not the other students'.
    expect(round.filter((e) => e.kind === 'accept').map((e) => e.envelope.inviteeList)).toEqual([['s1']]);
    // Across processes too: what the other process handed on for s2 was s2's view.
    const s2 = heard[1]?.events.get('s2') ?? [];
    expect(s2.filter((e) => e.envelope.inviteID === hands.get('s1'))).toEqual([]);
    const s2Round = s2.find((e) => e.envelope.inviteID === roundID && e.kind === 'invite');
    expect(s2Round?.envelope.inviteeList).toEqual(['s2']);
  });

  it("the teacher's log has every hand; a member the round did not invite has no hand and no round", async () => {
    const entries = await log(teacher);
    for (const id of hands.values())
      expect(entries.some((e) => e.event.kind === 'invite' && e.event.envelope.inviteID === id)).toBe(true);
    expect(
      entries.filter((e) => e.event.kind === 'accept' && e.event.envelope.inviteID === roundID),
    ).toHaveLength(4);
    const late = (await log('late')).map((e) => e.event);
    expect(late.filter((e) => [...hands.values(), roundID].includes(e.envelope.inviteID))).toEqual([]);
  });

  it("snapshots are each user's view", async () => {
    const ids = (records: readonly InvitationRecord[]) => records.map((r) => r.inviteID).sort();
    const mine = await on('s1').snapshot('s1');
    expect(ids(mine.invitations)).toEqual([roundID, markerID, hands.get('s1')].sort());
    for (const r of mine.invitations.filter((r) => r.inviteID !== hands.get('s1')))
      expect(r.invitees.map((i) => i.userID)).toEqual(['s1']);
    const all = await on(teacher).snapshot(teacher);
    expect(ids(all.invitations)).toEqual([roundID, markerID, hands.get('s1'), hands.get('s4')].sort());
    expect(all.invitations.find((r) => r.inviteID === roundID)?.invitees).toHaveLength(5);
    // A member the round did not invite sees the marker as it is, and nothing else of it.
    const late = await on('late').snapshot('late');
    expect(ids(late.invitations)).toEqual([markerID]);
    expect(late.invitations[0]?.invitees).toHaveLength(5);
  });

  it('closing the round empties the queue everywhere; ended records are views too', async () => {
    const before = heard.map((h) => h.queues.length);
    await run(teacher, { op: 'cancel', inviteID: roundID, data: '' });
    await run(teacher, { op: 'cancel', inviteID: markerID, data: createClassroomData('round', roundID) });
    for (const s of ['s1', 's4'])
      await run(teacher, { op: 'reject', inviteID: hands.get(s) ?? '', data: '' });
    for (const store of stores) expect(await queueOn(store)).toEqual([]);
    for (const [i, h] of heard.entries())
      await waitFor(() => h.queues.length >= (before[i] ?? 0) + 2, 5000, 'queueChanged at close');

    // The late member hears the marker's cancel as it is; the round's cancel reaches s5 as its own.
    const late = (await log('late')).map((e) => e.event).filter((e) => e.envelope.inviteID === markerID);
    expect(late.map((e) => [e.kind, e.envelope.inviteeList.length])).toEqual([
      ['invite', 5],
      ['cancel', 5],
    ]);
    const cancel = (await log('s5')).find(
      (e) => e.event.kind === 'cancel' && e.event.envelope.inviteID === roundID,
    );
    expect(cancel?.event.envelope.inviteeList).toEqual(['s5']);
    // s4 had answered: the round's cancel does not concern it.
    expect(
      (await log('s4')).some((e) => e.event.kind === 'cancel' && e.event.envelope.inviteID === roundID),
    ).toBe(false);
    const ended = await on('s5').endedSince('s5', 0, 10);
    const round = ended.find((e) => e.final.inviteID === roundID);
    expect(round?.final.invitees.map((i) => i.userID)).toEqual(['s5']);
    expect(ended.some((e) => e.final.inviteID === hands.get('s1'))).toBe(false);
  });
});
