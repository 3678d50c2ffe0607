// @vitest-environment happy-dom
import { CallType } from '@beckon/signaling';
import { act } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRoom } from './test/fakeRoom.js';
import { createHubWorld, settle } from './test/setup.js';
import { useCall } from './useCall.js';
import { useGroupCall } from './useGroupCall.js';
import { type GroupCallRoomTarget, useGroupCallRoom } from './useGroupCallRoom.js';

let world: ReturnType<typeof createHubWorld>;
afterEach(() => world?.close());

/** useGroupCall with useGroupCallRoom over fake rooms (and useCall, for busy both ways). */
function phone(userID: string) {
  const rooms: { target: GroupCallRoomTarget; room: FakeRoom }[] = [];
  const rendered = world.as(userID, () => {
    const group = useGroupCall();
    const call = useCall();
    const media = useGroupCallRoom((target) => {
      const room = new FakeRoom();
      rooms.push({ target, room });
      return room;
    });
    return { group, call, media };
  });
  return { ...rendered, rooms, room: () => rooms.at(-1)?.room };
}

const states = (p: ReturnType<typeof phone>) =>
  Object.fromEntries(p.result.current.group.participants.map((x) => [x.userID, x.state]));

describe('useGroupCall + useGroupCallRoom', () => {
  it('rings three people; the first accept connects; media entering makes people joined; one leaves, the call goes on', async () => {
    world = createHubWorld();
    const alice = phone('alice');
    const bob = phone('bob');
    const carol = phone('carol');
    const dave = phone('dave');
    await settle();
    await act(() =>
      alice.result.current.group.actions.start(['bob', 'carol', 'dave'], {
        callType: CallType.VIDEO,
        roomID: 'g1',
      }),
    );
    await settle();
    expect(alice.result.current.group.phase).toBe('dialing');
    expect(alice.rooms.map((r) => r.target.roomID)).toEqual(['g1']);
    expect(alice.rooms[0]?.target.members()).toEqual(['bob', 'carol', 'dave']);
    for (const p of [bob, carol, dave]) {
      expect(p.result.current.group.phase).toBe('ringing');
      expect(p.result.current.group.inviter).toBe('alice');
      expect(p.rooms).toHaveLength(0); // Ringing: not in the room yet.
    }
    // Each invitee sees who else is invited.
    expect(Object.keys(states(bob)).sort()).toEqual(['alice', 'carol', 'dave']);

    await act(() => bob.result.current.group.actions.accept());
    await act(() => carol.result.current.group.actions.accept());
    await act(() => dave.result.current.group.actions.decline());
    await settle();
    expect(bob.room()?.calls[0]).toBe('join g1 bob');
    expect(carol.room()?.calls[0]).toBe('join g1 carol');
    expect(dave.rooms).toHaveLength(0);
    expect(states(alice)).toMatchObject({ bob: 'joined', carol: 'joined', dave: 'declined' });

    act(() => {
      alice.room()?.emit('remoteUserEntered', 'bob');
      alice.room()?.emit('remoteUserEntered', 'carol');
      bob.room()?.emit('remoteUserEntered', 'alice');
      bob.room()?.emit('remoteUserEntered', 'carol');
      carol.room()?.emit('remoteUserEntered', 'alice');
      carol.room()?.emit('remoteUserEntered', 'bob');
    });
    for (const p of [alice, bob, carol]) expect(p.result.current.group.phase).toBe('inCall');

    // This room refusing a newcomer past its limit is not this call's failure.
    act(() => {
      const full = Object.assign(new Error('room full'), {
        reason: 'room-full',
        userID: 'zed',
        details: { limit: 3, refusedBy: 'local' as const },
      });
      alice.room()?.emit('failed', full);
    });
    expect(alice.result.current.group.phase).toBe('inCall');

    // Remote media by user.
    act(() => alice.room()?.emit('remoteMedia', 'bob', { muted: true, cameraOff: false, speaking: false }));
    expect(alice.result.current.media.remoteState.get('bob')?.muted).toBe(true);

    // A one-to-one call to someone in the group call is answered busy.
    await act(() => dave.result.current.call.actions.dial('bob', { callType: CallType.AUDIO }));
    await settle();
    expect(dave.result.current.call.endReason).toBe('busy');

    // Carol leaves: her room is left; the others see her leave and go on.
    await act(() => carol.result.current.group.actions.hangUp());
    await settle();
    expect(carol.result.current.group.phase).toBe('ended');
    expect(carol.room()?.calls.at(-1)).toBe('leave');
    expect(states(alice).carol).toBe('left');
    expect(states(bob).carol).toBe('left');
    expect(alice.result.current.group.phase).toBe('inCall');

    // The last two: bob leaves, alice's call ends.
    await act(() => bob.result.current.group.actions.hangUp());
    await settle();
    expect(alice.result.current.group.phase).toBe('ended');
    expect(alice.result.current.group.endReason).toBe('everyoneLeft');
    expect(alice.room()?.calls.at(-1)).toBe('leave');
  });

  it('a group call arriving during a one-to-one call is answered busy', async () => {
    world = createHubWorld();
    const alice = phone('alice');
    const bob = phone('bob');
    const carol = phone('carol');
    await settle();
    await act(() => bob.result.current.call.actions.dial('carol', { callType: CallType.AUDIO }));
    await settle();
    await act(() => carol.result.current.call.actions.accept());
    await settle();
    await act(() => alice.result.current.group.actions.start(['bob', 'carol'], { callType: CallType.AUDIO }));
    await settle();
    expect(bob.result.current.group.phase).toBe('idle');
    expect(states(alice)).toMatchObject({ bob: 'busy', carol: 'busy' });
    expect(alice.result.current.group.phase).toBe('ended');
  });
});
