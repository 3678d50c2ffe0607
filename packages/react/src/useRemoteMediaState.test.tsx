// @vitest-environment happy-dom
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MediaRoom } from './mediaRoom.js';
import { FakeRoom } from './test/fakeRoom.js';
import { useRemoteMediaState } from './useRemoteMediaState.js';

describe('useRemoteMediaState', () => {
  it("reads a user's last state, follows changes for that user only, and switches rooms and users", () => {
    const room = new FakeRoom();
    room.emit('remoteMedia', 'bob', { muted: true, cameraOff: false, speaking: false });
    const { result, rerender } = renderHook(
      ({ r, u }: { r: MediaRoom | undefined; u: string | undefined }) => useRemoteMediaState(r, u),
      { initialProps: { r: room as MediaRoom | undefined, u: 'bob' as string | undefined } },
    );
    expect(result.current).toEqual({ muted: true, cameraOff: false, speaking: false });
    act(() => room.emit('remoteMedia', 'bob', { muted: false, cameraOff: false, speaking: true }));
    expect(result.current).toEqual({ muted: false, cameraOff: false, speaking: true });
    const before = result.current;
    act(() => room.emit('remoteMedia', 'carol', { muted: true, cameraOff: true, speaking: false }));
    expect(result.current).toBe(before);
    rerender({ r: room, u: 'carol' });
    expect(result.current).toEqual({ muted: true, cameraOff: true, speaking: false });
    rerender({ r: undefined, u: 'carol' });
    expect(result.current).toBeUndefined();
    rerender({ r: new FakeRoom(), u: 'bob' });
    expect(result.current).toBeUndefined(); // nothing reported in that room yet
  });
});
