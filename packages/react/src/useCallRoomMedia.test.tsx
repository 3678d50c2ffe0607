// @vitest-environment happy-dom
// useCallRoom's remote media state and devices, over fake rooms on the in-memory hub.
import { CallType } from '@beckon/signaling';
import { act } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SelectedDevices } from './roomControls.js';
import { FakeRoom } from './test/fakeRoom.js';
import { createHubWorld, settle } from './test/setup.js';
import { useCall } from './useCall.js';
import { useCallRoom } from './useCallRoom.js';

let world: ReturnType<typeof createHubWorld>;
afterEach(() => world?.close());

function phone(userID: string, devices: { current: SelectedDevices }, errors: string[] = []) {
  const rooms: FakeRoom[] = [];
  const rendered = world.as(userID, () => {
    const call = useCall();
    const media = useCallRoom(
      () => {
        const room = new FakeRoom();
        rooms.push(room);
        return room;
      },
      { devices: devices.current, onDeviceError: (error, kind) => errors.push(`${kind}: ${error.message}`) },
    );
    return { call, media };
  });
  return { ...rendered, rooms };
}

async function inCall(alice: ReturnType<typeof phone>, bob: ReturnType<typeof phone>) {
  await settle();
  await act(() => alice.result.current.call.actions.dial('bob', { callType: CallType.VIDEO, roomID: 'r1' }));
  await act(() => bob.result.current.call.actions.accept());
  await settle();
  act(() => {
    alice.rooms[0]?.emit('remoteUserEntered', 'bob');
    bob.rooms[0]?.emit('remoteUserEntered', 'alice');
  });
}

describe('useCallRoom: remote media state', () => {
  it("exposes the peer's muted / camera-off / speaking state, ignores others, and clears it after the call", async () => {
    world = createHubWorld();
    const none = { current: {} };
    const alice = phone('alice', none);
    const bob = phone('bob', none);
    await inCall(alice, bob);
    expect(alice.result.current.media.remoteState).toBeUndefined();
    const room = alice.rooms[0];
    act(() => room?.emit('remoteMedia', 'bob', { muted: false, cameraOff: true, speaking: false }));
    expect(alice.result.current.media.remoteState).toEqual({
      muted: false,
      cameraOff: true,
      speaking: false,
    });
    act(() => room?.emit('remoteMedia', 'mallory', { muted: true, cameraOff: true, speaking: false }));
    expect(alice.result.current.media.remoteState?.muted).toBe(false);
    act(() => room?.emit('remoteMedia', 'bob', { muted: true, cameraOff: false, speaking: false }));
    expect(alice.result.current.media.remoteState).toEqual({
      muted: true,
      cameraOff: false,
      speaking: false,
    });
    await act(() => alice.result.current.call.actions.hangUp());
    await settle();
    expect(alice.result.current.media.remoteState).toBeUndefined();
  });
});

describe('useCallRoom: devices', () => {
  it('applies devices picked before the call, then switches live when the pick changes', async () => {
    world = createHubWorld();
    const picked = {
      current: { camera: 'cam-1', microphone: undefined, speaker: 'spk-1' } as SelectedDevices,
    };
    const errors: string[] = [];
    const alice = phone('alice', picked, errors);
    const bob = phone('bob', { current: {} });
    await inCall(alice, bob);
    const room = alice.rooms[0];
    expect(room?.calls.slice(0, 4)).toEqual([
      'switch camera cam-1',
      'switch speaker spk-1',
      'join r1 alice',
      'publish audio=true video=true',
    ]);
    picked.current = { camera: 'cam-2', microphone: 'mic-2', speaker: 'spk-1' };
    alice.rerender();
    await settle();
    expect(room?.calls.filter((c) => c.startsWith('switch'))).toEqual([
      'switch camera cam-1',
      'switch speaker spk-1',
      'switch camera cam-2',
      'switch microphone mic-2',
    ]);
    // A failed switch is reported, and the call goes on.
    if (room) room.switchDevice = () => Promise.reject(new Error('busy'));
    picked.current = { ...picked.current, camera: 'cam-3' };
    alice.rerender();
    await settle();
    expect(errors).toEqual(['camera: busy']);
    expect(alice.result.current.call.phase).toBe('inCall');
    // The action switches at once too.
    if (room) room.switchDevice = FakeRoom.prototype.switchDevice;
    await act(() => alice.result.current.media.actions.switchDevice('microphone', 'mic-9'));
    expect(room?.calls.at(-1)).toBe('switch microphone mic-9');
  });
});
