import { BeckonProvider } from '@beckon/react';
import { ManualClock, SignalingClient } from '@beckon/signaling';
import { InMemoryHub } from '@beckon/signaling/hub';
import { act, cleanup, type RenderResult, render } from '@testing-library/react';
import axe from 'axe-core';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { BeckonUIProvider, type BeckonUIProviderProps } from '../i18n/I18nProvider.js';

export interface World {
  readonly hub: InMemoryHub;
  readonly clock: ManualClock;
  client(userID: string): SignalingClient;
  renderAs(
    userID: string,
    ui: ReactNode,
    i18n?: Omit<BeckonUIProviderProps, 'children'>,
  ): RenderResult & { client: SignalingClient };
  /** Moves the hub's clock and lets every once-a-second display tick. */
  advance(ms: number): Promise<void>;
  close(): void;
}

/**
 * An in-memory hub on a manual clock, and helpers to render components as a user. Intervals
 * are faked so countdowns and timers follow the manual clock.
 */
export function createWorld(start = 1_700_000_000_000): World {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const clock = new ManualClock(start);
  const hub = new InMemoryHub({ clock });
  const clients: SignalingClient[] = [];
  const client = (userID: string) => {
    const c = new SignalingClient({ transport: hub.connect(userID), clock });
    c.connect();
    clients.push(c);
    return c;
  };
  const renderAs = (userID: string, ui: ReactNode, i18n: Omit<BeckonUIProviderProps, 'children'> = {}) => {
    const c = client(userID);
    const result = render(
      <BeckonProvider client={c}>
        <BeckonUIProvider {...i18n}>{ui}</BeckonUIProvider>
      </BeckonProvider>,
    );
    return { ...result, client: c };
  };
  const advance = (ms: number) =>
    act(async () => {
      clock.advance(ms);
      vi.advanceTimersByTime(1000);
    });
  const close = () => {
    cleanup();
    hub.close();
    vi.useRealTimers();
  };
  return { hub, clock, client, renderAs, advance, close };
}

export async function flush(): Promise<void> {
  await act(async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  });
}

/** Runs axe on a container and returns the violations as readable strings. */
export async function axeViolations(container: Element, disabled: readonly string[] = []): Promise<string[]> {
  // Contrast needs layout, which happy-dom has not (Storybook checks it in Chromium).
  const rules = Object.fromEntries(['color-contrast', ...disabled].map((id) => [id, { enabled: false }]));
  const result = await axe.run(container, { rules });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
