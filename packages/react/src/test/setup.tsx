import { ManualClock, SignalingClient } from '@beckon/signaling';
import { InMemoryHub } from '@beckon/signaling/hub';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { BeckonProvider, type BeckonProviderProps } from '../context.js';

/** A hub on a manual clock, and a way to render hooks as any user. */
export function createHubWorld(start = 1_700_000_000_000) {
  const clock = new ManualClock(start);
  let n = 0;
  const hub = new InMemoryHub({ clock, generateId: () => `inv-${++n}` });
  const clients: SignalingClient[] = [];
  const client = (userID: string, deviceID?: string) => {
    const c = new SignalingClient({ transport: hub.connect(userID, deviceID), clock });
    clients.push(c);
    return c;
  };
  const wrapperFor =
    (c: SignalingClient, extra: Partial<BeckonProviderProps> = {}) =>
    ({ children }: { children: ReactNode }) => (
      <BeckonProvider client={c} {...extra}>
        {children}
      </BeckonProvider>
    );
  /** Renders `hook` as `userID` (a new device each call). */
  const as = <T,>(userID: string, hook: () => T, deviceID?: string) => {
    const c = client(userID, deviceID);
    const rendered = renderHook(hook, { wrapper: wrapperFor(c) });
    return { ...rendered, client: c };
  };
  /** Moves the hub's clock, letting React apply what happened. */
  const advance = async (ms: number) => {
    await act(async () => {
      clock.advance(ms);
    });
  };
  return { hub, clock, client, wrapperFor, as, advance, close: () => hub.close() };
}

/** Lets pending promises (hub replies, follow-up requests) settle inside act(). */
export async function settle(): Promise<void> {
  await act(async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  });
}
