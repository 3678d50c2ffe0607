// @vitest-environment happy-dom
import { CallType, createCallData } from '@beckon/signaling';
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IncomingCallDialog } from '../call/IncomingCallDialog.js';
import { createWorld, flush, type World } from '../test/world.js';
import { useRingElection } from './useRingElection.js';

let world: World | undefined;
afterEach(() => {
  world?.close();
  world = undefined;
  vi.unstubAllGlobals();
});

describe('ringing', () => {
  it('only one tab rings for the same invitation (BroadcastChannel election)', async () => {
    const a = renderHook(() => useRingElection('inv-1'));
    await act(() => new Promise((r) => setTimeout(r, 20)));
    const b = renderHook(() => useRingElection('inv-1'));
    const other = renderHook(() => useRingElection('inv-2'));
    await act(() => new Promise((r) => setTimeout(r, 300)));
    expect([a.result.current, b.result.current].filter(Boolean)).toHaveLength(1);
    expect(other.result.current).toBe(true);
    a.unmount();
    b.unmount();
    other.unmount();
  });

  it('shows a system notification while the page is hidden and closes it when the call stops ringing', async () => {
    const shown: Array<{ title: string; closed: boolean }> = [];
    class FakeNotification {
      static permission = 'granted';
      static requestPermission = () => Promise.resolve('granted');
      entry: { title: string; closed: boolean };
      constructor(title: string) {
        this.entry = { title, closed: false };
        shown.push(this.entry);
      }
      close() {
        this.entry.closed = true;
      }
    }
    vi.stubGlobal('Notification', FakeNotification);
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    world = createWorld();
    const alice = world.client('alice');
    world.renderAs('bob', <IncomingCallDialog ringtone={false} />);
    await flush();
    const id = await act(() =>
      alice.invite('bob', createCallData({ callType: CallType.VIDEO, roomID: 'r' })),
    );
    await act(() => new Promise((r) => setTimeout(r, 300)));
    expect(shown).toEqual([{ title: 'Incoming call', closed: false }]);
    await act(() => alice.cancel(id));
    await flush();
    expect(shown[0]?.closed).toBe(true);
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
  });
});
