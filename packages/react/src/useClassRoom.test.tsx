// @vitest-environment happy-dom
import { act } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRoom } from './test/fakeRoom.js';
import { createHubWorld, settle } from './test/setup.js';
import { useClassRoom } from './useClassRoom.js';
import { useHandRaise } from './useHandRaise.js';
import { useTeacherActions } from './useTeacherActions.js';

let world: ReturnType<typeof createHubWorld>;
afterEach(() => world?.close());

const G = 'class-1';

describe('useClassRoom: the class room, with camera and microphone only while speaking', () => {
  it('joins group:<id> once enabled; publishes when invited to speak and accepted; switches off when revoked', async () => {
    world = createHubWorld();
    world.hub.setGroup(G, ['teacher', 's1']);
    const teacher = world.as('teacher', () => ({ ...useHandRaise(G), actions: useTeacherActions(G) }));
    const rooms: FakeRoom[] = [];
    let enabled = false;
    const student = world.as('s1', () => ({
      hand: useHandRaise(G),
      media: useClassRoom(
        G,
        () => {
          const room = new FakeRoom();
          rooms.push(room);
          return room;
        },
        { enabled },
      ),
    }));
    await settle();
    expect(rooms).toHaveLength(0);
    enabled = true;
    student.rerender();
    await settle();
    const room = rooms[0];
    expect(room?.calls).toEqual(['join group:class-1 s1']);

    await act(() => teacher.result.current.actions.openRound(['s1']));
    await act(() => student.result.current.hand.actions.raiseHand());
    await act(() => teacher.result.current.actions.inviteToSpeak('s1'));
    await act(() => student.result.current.hand.actions.acceptSpeak());
    await settle();
    expect(room?.calls.slice(1)).toEqual(['publish audio=true video=true', 'camera true', 'microphone true']);

    act(() => room?.emit('remoteStream', 'teacher', { id: 't' } as MediaStream, ['video']));
    expect(student.result.current.media.remote.get('teacher')?.kinds).toEqual(['video']);
    act(() => room?.emit('remoteUserLeft', 'teacher'));
    expect(student.result.current.media.remote.size).toBe(0);

    await act(() => teacher.result.current.actions.revokeSpeaker('s1'));
    await settle();
    expect(room?.calls.slice(-2)).toEqual(['camera false', 'microphone false']);
    expect(rooms).toHaveLength(1);
  });

  it('reports why the room failed (no TURN relay, camera denied) until it is left', async () => {
    world = createHubWorld();
    world.hub.setGroup(G, ['teacher', 's1']);
    let room: FakeRoom | undefined;
    let enabled = true;
    const student = world.as('s1', () =>
      useClassRoom(
        G,
        () => {
          room = new FakeRoom();
          return room;
        },
        { enabled },
      ),
    );
    await settle();
    expect(student.result.current.failure).toBeUndefined();
    act(() => room?.emit('failed', new Error('no TURN relay could be allocated')));
    expect(student.result.current.failure).toBe('no TURN relay could be allocated');
    enabled = false;
    student.rerender();
    await settle();
    expect(student.result.current.failure).toBeUndefined();
  });
});
