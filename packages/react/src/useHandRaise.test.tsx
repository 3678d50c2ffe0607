// @vitest-environment happy-dom

import { onRoundEnded, type RoundEnd } from '@beckon/signaling/classroom';
import { act } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createHubWorld, settle } from './test/setup.js';
import { useHandRaise } from './useHandRaise.js';
import { useTeacherActions } from './useTeacherActions.js';

let world: ReturnType<typeof createHubWorld>;
afterEach(() => world?.close());

const G = 'class-1';
const STUDENTS = ['s1', 's2', 's3'];

/** Round ends each member's client was told of (`onRoundEnded`). */
const ends = new Map<unknown, RoundEnd[]>();

async function classroom() {
  world = createHubWorld();
  world.hub.setGroup(G, ['teacher', ...STUDENTS]);
  const member = <T,>(userID: string, hook: () => T) => {
    const rendered = world.as(userID, hook);
    const told: RoundEnd[] = [];
    onRoundEnded(rendered.client, G, (end) => told.push(end));
    ends.set(rendered, told);
    return rendered;
  };
  // The teacher's app reads the same state and acts with the teacher's actions.
  const teacher = member('teacher', () => ({ ...useHandRaise(G), actions: useTeacherActions(G) }));
  const [s1, s2, s3] = STUDENTS.map((id) => member(id, () => useHandRaise(G)));
  await settle();
  if (!s1 || !s2 || !s3) throw new Error('students');
  return { teacher, s1, s2, s3 };
}

const queueOf = (r: { current: { queue: readonly { userID: string }[] } }) =>
  r.current.queue.map((q) => q.userID);

describe('useHandRaise: the seed classroom flow', () => {
  it('runs the six steps; everyone sees the queue in server order and the speakers', async () => {
    const { teacher, s1, s2, s3 } = await classroom();
    expect(s1.result.current.myHand).toBe('idle');
    await act(() => teacher.result.current.actions.openRound(STUDENTS, { timeout: 60 }));
    expect(teacher.result.current.isTeacher).toBe(true);
    for (const s of [s1, s2, s3])
      expect(s.result.current).toMatchObject({ myHand: 'invited', teacher: 'teacher' });

    await act(() => s2.result.current.actions.raiseHand());
    await world.advance(5);
    await act(() => s1.result.current.actions.raiseHand());
    for (const viewer of [teacher, s1, s2, s3]) expect(queueOf(viewer.result)).toEqual(['s2', 's1']);
    expect(s1.result.current.myHand).toBe('raised');
    expect(s1.result.current.positions.get('s1')).toBe(1);

    await act(() => teacher.result.current.actions.inviteToSpeak('s2'));
    expect(s2.result.current.myHand).toBe('invitedToSpeak');
    expect(s3.result.current.hands.get('s2')).toBe('invitedToSpeak');
    await act(() => s2.result.current.actions.acceptSpeak());
    await settle();
    for (const viewer of [teacher, s1, s2, s3]) {
      expect(viewer.result.current.speakers.map((s) => s.userID)).toEqual(['s2']);
      expect(queueOf(viewer.result)).toEqual(['s1']);
    }
    expect(s2.result.current.myHand).toBe('speaking');

    await act(() => teacher.result.current.actions.revokeSpeaker('s2'));
    for (const viewer of [teacher, s3]) expect(viewer.result.current.speakers).toEqual([]);
  });

  it('students lower and re-raise (back of the queue); the teacher dismisses and lowers all', async () => {
    const { teacher, s1, s2, s3 } = await classroom();
    await act(() => teacher.result.current.actions.openRound(STUDENTS));
    for (const s of [s1, s2, s3]) {
      await act(() => s.result.current.actions.raiseHand());
      await world.advance(1);
    }
    await act(() => s1.result.current.actions.lowerHand());
    expect(queueOf(teacher.result)).toEqual(['s2', 's3']);
    expect(s1.result.current.myHand).toBe('lowered');
    await act(() => s1.result.current.actions.raiseHand());
    expect(queueOf(s3.result)).toEqual(['s2', 's3', 's1']);

    await act(() => teacher.result.current.actions.dismiss('s3'));
    expect(queueOf(s1.result)).toEqual(['s2', 's1']);
    await act(() => teacher.result.current.actions.lowerAll());
    for (const viewer of [teacher, s1, s2, s3]) expect(viewer.result.current.queue).toEqual([]);
    // Every student answered and no hand is up, yet the round stays open until the teacher
    // closes it; then every member is told how it ended.
    const roundID = teacher.result.current.roundID;
    for (const viewer of [teacher, s1, s2, s3]) {
      expect(viewer.result.current.roundID).toBe(roundID);
      expect(ends.get(viewer)).toEqual([]);
    }
    expect(s1.result.current.myHand).toBe('lowered');
    await act(() => teacher.result.current.actions.closeRound());
    for (const viewer of [teacher, s1, s2, s3]) {
      expect(viewer.result.current.roundID).toBeUndefined();
      expect(ends.get(viewer)).toEqual([{ groupID: G, roundID, reason: 'closedByTeacher' }]);
    }
  });

  it('a student declines to speak; the teacher closes the round', async () => {
    const { teacher, s1 } = await classroom();
    await act(() => teacher.result.current.actions.openRound(STUDENTS));
    await act(() => s1.result.current.actions.raiseHand());
    await act(() => teacher.result.current.actions.inviteToSpeak('s1'));
    await act(() => s1.result.current.actions.declineSpeak());
    expect(teacher.result.current.speakInvitations.size).toBe(0);
    expect(queueOf(teacher.result)).toEqual(['s1']);
    await act(() => teacher.result.current.actions.closeRound());
    expect(s1.result.current).toMatchObject({ round: undefined, queue: [], myHand: 'idle' });
  });

  it('a round with a timeout ends by itself and its hands come down with it', async () => {
    const { teacher, s1, s2 } = await classroom();
    await act(() => teacher.result.current.actions.openRound(STUDENTS, { timeout: 10 }));
    await act(() => s1.result.current.actions.raiseHand());
    const roundID = teacher.result.current.roundID;
    await world.advance(10_000);
    for (const viewer of [teacher, s1, s2]) {
      expect(viewer.result.current.round).toBeUndefined();
      expect(viewer.result.current.roundID).toBeUndefined();
      expect(viewer.result.current.queue).toEqual([]);
      expect(ends.get(viewer)).toEqual([{ groupID: G, roundID, reason: 'timedOut' }]);
    }
  });

  it('a late joiner (or a reload) sees the open round, the queue and the speakers as they are', async () => {
    const { teacher, s1, s2 } = await classroom();
    await act(() => teacher.result.current.actions.openRound(STUDENTS));
    await act(() => s1.result.current.actions.raiseHand());
    await act(() => s2.result.current.actions.raiseHand());
    await act(() => teacher.result.current.actions.inviteToSpeak('s1'));
    await act(() => s1.result.current.actions.acceptSpeak());
    const late = world.as('s3', () => useHandRaise(G));
    await settle();
    expect(late.result.current.round?.inviteID).toBe(teacher.result.current.round?.inviteID);
    expect(queueOf(late.result)).toEqual(['s2']);
    expect(late.result.current.speakers.map((s) => s.userID)).toEqual(['s1']);
    expect(late.result.current.myHand).toBe('invited');
  });

  it('even when every student answered the round, the queue stays visible', async () => {
    const { teacher, s1, s2, s3 } = await classroom();
    await act(() => teacher.result.current.actions.openRound(STUDENTS));
    for (const s of [s1, s2, s3]) await act(() => s.result.current.actions.raiseHand());
    expect(teacher.result.current.round).toBeUndefined();
    expect(teacher.result.current.roundID).toBeDefined();
    expect(queueOf(teacher.result)).toEqual(['s1', 's2', 's3']);
    const late = world.as('s1', () => useHandRaise(G), 'tablet');
    await settle();
    expect(queueOf(late.result)).toEqual(['s1', 's2', 's3']);
    expect(late.result.current.myHand).toBe('raised');
  });
});
