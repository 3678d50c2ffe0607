import { createClassroomData, parseClassroomData } from '@beckon/signaling';
import { afterEach, describe, expect, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { type Class, close, everyone, type Member, makeClass, member } from './classroomScenario.js';
import { api, startServer, waitFor } from './helpers.js';

// Issue 19: a student receives no event of another student's hand; the queue stream tells every
// member the queue's changes, one frame per batch, and a full queue after each sync.

let server: BeckonServer;
let lecture: Class | undefined;
const extra: Member[] = [];
afterEach(async () => {
  if (lecture) close(lecture);
  lecture = undefined;
  for (const m of extra.splice(0)) m.user.client.close();
  await server?.close();
});

const STUDENTS = 30;

/** The server's queue, as `Member.queue()` spells it. */
async function serverQueue(c: Class): Promise<string[]> {
  return (await server.store.handQueue(c.groupID)).map((h) => `${h.owner}/${h.inviteID}`);
}

const opOf = (data: string) => parseClassroomData(data)?.op;

/** The classroom records a member's client holds, by operation. */
function held(m: Member, op: string) {
  return [...m.user.client.invitations.values()].filter((r) => opOf(r.data) === op);
}

/** Hand markers of other students that reached `m` as events (none should). */
function othersHandEvents(m: Member): unknown[] {
  return m.user
    .events('onReceiveNewInvitation')
    .filter((e) => opOf(e.data) === 'hand' && e.inviter !== m.user.userID);
}

describe('the queue stream (issue 19, memory store, real sockets)', () => {
  it('every client derives the server queue; students hold only their own hand and round in full; a close empties every queue in one frame', async () => {
    server = await startServer();
    const c = await makeClass(() => server, '', STUDENTS);
    lecture = c;
    const teacherID = c.teacher.user.userID;
    const ids = c.students.map((s) => s.user.userID);
    const before = c.students.map((s) => s.counted.frames);

    const roundID = await c.teacher.actions.openRound(ids);
    await everyone(c, (m) => m.roundID() === roundID, 'the round everywhere');
    // Each student holds the round with itself as its only invitee; the teacher holds it whole.
    for (const s of c.students) {
      const [round] = held(s, 'raiseHand');
      expect(round?.invitees.map((i) => i.userID)).toEqual([s.user.userID]);
    }
    expect(held(c.teacher, 'raiseHand')[0]?.invitees).toHaveLength(STUDENTS);

    await Promise.all(c.students.map((s) => s.actions.raiseHand()));
    const order = await serverQueue(c);
    expect(order).toHaveLength(STUDENTS);
    await everyone(c, (m) => m.queue().join() === order.join(), 'every queue equal to the server');
    expect(await c.authority()).toEqual(order);

    for (const s of c.students) {
      expect(othersHandEvents(s)).toEqual([]);
      for (const hand of held(s, 'hand')) {
        expect(hand.invitees.map((i) => i.userID)).toEqual([teacherID]);
        // Another student's hand is the stream's record: nothing of its delivery or answers.
        if (hand.inviter !== s.user.userID) expect(hand.invitees[0]?.delivered).toBe(false);
      }
      // The round ended once every student answered: no student holds another's answer.
      expect(held(s, 'raiseHand')).toEqual([]);
    }
    // The teacher holds every hand in full, each from its own event.
    expect(held(c.teacher, 'hand')).toHaveLength(STUDENTS);
    expect(
      c.teacher.user.events('onReceiveNewInvitation').filter((e) => opOf(e.data) === 'hand'),
    ).toHaveLength(STUDENTS);

    // A round costs each student a handful of frames, not one per hand.
    const perStudent = c.students.map((s, i) => s.counted.frames - (before[i] ?? 0));
    expect(Math.max(...perStudent)).toBeLessThanOrEqual(8);

    const closing = c.students.map((s) => s.counted.frames);
    const queueFramesBefore = c.students.map((s) => s.counted.queueFrames.length);
    await c.teacher.actions.closeRound();
    await everyone(c, (m) => m.ends.length === 1 && m.queue().length === 0, 'every queue empty');
    expect(await serverQueue(c)).toEqual([]);
    expect(c.students.map((s, i) => s.counted.frames - (closing[i] ?? 0))).toEqual(ids.map(() => 1));
    for (const [i, s] of c.students.entries()) {
      const frames = s.counted.queueFrames.slice(queueFramesBefore[i]);
      expect(frames).toEqual([
        `{"t":"queue","groupID":"${c.groupID}","full":true,"hands":[],"rounds":[],"gone":[]}`,
      ]);
      expect(s.user.client.invitations.size).toBe(0);
    }
  });

  it('the teacher sees a raised hand at once; the other students with the next batch', async () => {
    server = await startServer({ classroomBatch: { quietMs: 60_000, maxDelayMs: 60_000 } });
    const c = await makeClass(() => server, '', 2);
    lecture = c;
    const [s1, s2] = c.students as [Member, Member];
    // The round's invite is held for the batch too: the teacher opens it, the students raise
    // without waiting for it (the rules do not need the round for a hand).
    await c.teacher.actions.openRound([s1.user.userID, s2.user.userID]);
    const hand = createClassroomData('hand', 'r');
    await s1.user.client.inviteInGroup(c.groupID, [c.teacher.user.userID], hand);
    await waitFor(() => held(c.teacher, 'hand').length === 1, 5000, 'the teacher to see the hand');
    expect(held(s2, 'hand')).toEqual([]);
  });

  it('a late joiner, a resumed student and a new device each get the whole queue', async () => {
    server = await startServer();
    const c = await makeClass(() => server, '', 6);
    lecture = c;
    const ids = c.students.map((s) => s.user.userID);
    await c.teacher.actions.openRound(ids);
    await everyone(c, (m) => m.roundID() !== undefined, 'the round everywhere');
    await Promise.all(c.students.map((s) => s.actions.raiseHand()));
    const order = await serverQueue(c);
    await everyone(c, (m) => m.queue().join() === order.join(), 'every queue equal to the server');

    // A late joiner: connected first, then joins the class.
    const code = (await api(server, 'GET', '/groups', c.teacher.user.token)).body.groups[0].code;
    const late = await member(server, 'late', () => c.groupID);
    extra.push(late);
    await api(server, 'POST', '/groups/join', late.user.token, { code });
    await waitFor(() => late.queue().join() === order.join(), 5000, 'the late joiner to see the queue');
    expect(late.counted.queueFrames.every((f) => f.includes('"full":true'))).toBe(true);

    // A student cut off while a hand comes down resumes, and gets the queue whole.
    const [away, lowering] = c.students as [Member, Member];
    const fullBefore = away.counted.queueFrames.filter((f) => f.includes('"full":true')).length;
    server.terminate(away.user.userID);
    await lowering.actions.lowerHand();
    const now = await serverQueue(c);
    expect(now).toHaveLength(order.length - 1);
    await waitFor(
      () => away.user.client.connectionState === 'connected' && away.queue().join() === now.join(),
      5000,
      'the resumed student to see the queue',
    );
    await waitFor(
      () => away.counted.queueFrames.filter((f) => f.includes('"full":true')).length > fullBefore,
      5000,
      'a full queue frame after the resume',
    );
    expect(away.user.states).toContain('reconnecting');

    // A second device of a student starts with a snapshot: its own hand in full, the rest streamed.
    const device = await member(server, away.user.userID, () => c.groupID);
    extra.push(device);
    await waitFor(() => device.queue().join() === now.join(), 5000, 'the new device to see the queue');
    expect(othersHandEvents(device)).toEqual([]);
    const own = held(device, 'hand').filter((h) => h.inviter === away.user.userID);
    expect(own).toHaveLength(1);
  });
});
