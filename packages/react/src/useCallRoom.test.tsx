// @vitest-environment happy-dom
import { CallType } from '@beckon/signaling';
import { act } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRoom } from './test/fakeRoom.js';
import { createHubWorld, settle } from './test/setup.js';
import { useCall } from './useCall.js';
import type { CallRoomTarget } from './useCallRoom.js';
import { useCallRoom } from './useCallRoom.js';

let world: ReturnType<typeof createHubWorld>;
afterEach(() => world?.close());

/** useCall with useCallRoom over fake rooms; `rooms` lists the rooms created, in order. */
function phone(userID: string, remoteLeaveGraceMs?: number) {
  const rooms: { target: CallRoomTarget; room: FakeRoom }[] = [];
  const rendered = world.as(userID, () => {
    const call = useCall();
    const media = useCallRoom(
      (target) => {
        const room = new FakeRoom();
        rooms.push({ target, room });
        return room;
      },
      remoteLeaveGraceMs === undefined ? {} : { remoteLeaveGraceMs },
    );
    return { call, media };
  });
  return { ...rendered, rooms };
}

describe('useCallRoom: the call drives its media room, the room drives the call', () => {
  it('caller joins when dialing, callee after accepting; remote entered starts the call; hang-up leaves', async () => {
    world = createHubWorld();
    const alice = phone('alice');
    const bob = phone('bob');
    await settle();
    await act(() =>
      alice.result.current.call.actions.dial('bob', { callType: CallType.VIDEO, roomID: 'r1' }),
    );
    await settle();
    expect(alice.rooms.map((r) => r.target)).toEqual([
      { roomID: 'r1', peer: 'bob', callType: CallType.VIDEO, userID: 'alice' },
    ]);
    expect(bob.rooms).toHaveLength(0); // Ringing: not in the room yet.
    const aliceRoom = alice.rooms[0]?.room;
    expect(aliceRoom?.calls).toEqual(['join r1 alice', 'publish audio=true video=true']);

    await act(() => bob.result.current.call.actions.accept());
    await settle();
    const bobRoom = bob.rooms[0]?.room;
    expect(bobRoom?.calls[0]).toBe('join r1 bob');
    act(() => {
      aliceRoom?.emit('remoteUserEntered', 'bob');
      bobRoom?.emit('remoteUserEntered', 'alice');
    });
    expect(alice.result.current.call.phase).toBe('inCall');
    expect(bob.result.current.call.phase).toBe('inCall');

    act(() => alice.result.current.media.actions.setMicrophoneEnabled(false));
    expect(aliceRoom?.calls).toContain('microphone false');

    await act(() => alice.result.current.call.actions.hangUp());
    await settle();
    expect(aliceRoom?.calls.at(-1)).toBe('leave');
    expect(bobRoom?.calls.at(-1)).toBe('leave');
    expect(alice.result.current.media.room).toBeUndefined();
  });

  it('a remote leave without a call-end ends the call as peerLeft after the grace period (the hook option); a media failure ends it and tells the peer', async () => {
    world = createHubWorld();
    const alice = phone('alice', 2_000);
    const bob = phone('bob');
    await settle();
    await act(() => alice.result.current.call.actions.dial('bob', { roomID: 'r2' }));
    await act(() => bob.result.current.call.actions.accept());
    await settle();
    act(() => alice.rooms[0]?.room.emit('remoteUserEntered', 'bob'));
    act(() => alice.rooms[0]?.room.emit('remoteUserLeft', 'bob'));
    expect(alice.result.current.call.peerGoneAt).toBeDefined();
    await world.advance(1_999);
    expect(alice.result.current.call.phase).toBe('inCall');
    await world.advance(1);
    await settle();
    expect(alice.result.current.call).toMatchObject({
      phase: 'ended',
      endReason: 'peerLeft',
      endedBy: 'remote',
    });
    expect(bob.result.current.call).toMatchObject({ phase: 'ended', endReason: 'hungUp', endedBy: 'remote' });

    act(() => {
      alice.result.current.call.actions.reset();
      bob.result.current.call.actions.reset();
    });
    await act(() => alice.result.current.call.actions.dial('bob', { roomID: 'r3' }));
    await act(() => bob.result.current.call.actions.accept());
    await settle();
    act(() => bob.rooms.at(-1)?.room.emit('failed', new Error('camera denied')));
    await settle();
    expect(bob.result.current.call).toMatchObject({
      phase: 'ended',
      endReason: 'failed',
      failure: 'camera denied',
    });
    expect(alice.result.current.call).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'remote',
    });
  });

  it('a peer connection that fails mid-call waits the grace period (10 s by default): back in time, the call goes on', async () => {
    world = createHubWorld();
    const alice = phone('alice');
    const bob = phone('bob');
    await settle();
    await act(() => alice.result.current.call.actions.dial('bob', { roomID: 'r4' }));
    await act(() => bob.result.current.call.actions.accept());
    await settle();
    const room = () => alice.rooms.at(-1)?.room;
    act(() => room()?.emit('remoteUserEntered', 'bob'));
    const iceFailed = Object.assign(new Error('no network path to bob'), { reason: 'ice-failed' });
    act(() => room()?.emit('failed', iceFailed));
    await world.advance(9_000);
    expect(alice.result.current.call.phase).toBe('inCall');
    act(() => room()?.emit('remoteUserEntered', 'bob'));
    await world.advance(5_000);
    expect(alice.result.current.call).toMatchObject({ phase: 'inCall', peerGoneAt: undefined });
    // Gone for good this time: ended after the default 10 s.
    act(() => room()?.emit('failed', iceFailed));
    await world.advance(9_999);
    expect(alice.result.current.call.phase).toBe('inCall');
    await world.advance(1);
    await settle();
    expect(alice.result.current.call).toMatchObject({ phase: 'ended', endReason: 'peerLeft' });
    expect(bob.result.current.call).toMatchObject({ phase: 'ended', endReason: 'hungUp', endedBy: 'remote' });
  });
});
