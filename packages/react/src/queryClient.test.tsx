// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BeckonApi, CallHistoryEntry } from './api.js';
import { BeckonProvider } from './context.js';
import { createHubWorld } from './test/setup.js';
import { useCallHistory } from './useCallHistory.js';

let world: ReturnType<typeof createHubWorld>;
afterEach(() => world?.close());

const entry: CallHistoryEntry = {
  inviteID: 'inv-1',
  roomID: 'r',
  peer: 'bob',
  direction: 'outgoing',
  callType: 1,
  outcome: 'completed',
  startedAt: 1,
  durationSeconds: 3,
};

/** An API whose history is one call; the rest is not used here. */
function api(): BeckonApi {
  const unused = () => Promise.reject(new Error('not used in this test'));
  return {
    history: () => Promise.resolve([entry]),
    members: unused,
    createGroup: unused,
    joinGroup: unused,
    groups: unused,
    iceServers: unused,
  };
}

describe('BeckonProvider and the QueryClient', () => {
  it("uses the app's own QueryClient from an enclosing QueryClientProvider, and leaves it in place", async () => {
    world = createHubWorld();
    const client = world.client('alice');
    const app = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={app}>
        <BeckonProvider client={client} api={api()}>
          {children}
        </BeckonProvider>
      </QueryClientProvider>
    );
    const { result } = renderHook(() => ({ history: useCallHistory(), seen: useQueryClient() }), { wrapper });
    await waitFor(() => expect(result.current.history.data).toEqual([entry]));
    // The app's components below the provider still see the app's client, and Beckon's data is in it.
    expect(result.current.seen).toBe(app);
    expect(
      app
        .getQueryCache()
        .getAll()
        .map((q) => q.queryKey[1]),
    ).toContain('history');
  });

  it('an explicit queryClient prop wins; without any, the hooks use one of their own, not provided to the app', async () => {
    world = createHubWorld();
    const given = new QueryClient();
    const explicit = renderHook(() => useCallHistory(), {
      wrapper: ({ children }) => (
        <BeckonProvider client={world.client('alice')} api={api()} queryClient={given}>
          {children}
        </BeckonProvider>
      ),
    });
    await waitFor(() => expect(explicit.result.current.data).toEqual([entry]));
    expect(given.getQueryCache().getAll()).toHaveLength(1);

    const alone = renderHook(() => useCallHistory(), {
      wrapper: ({ children }) => (
        <BeckonProvider client={world.client('bob')} api={api()}>
          {children}
        </BeckonProvider>
      ),
    });
    await waitFor(() => expect(alone.result.current.data).toEqual([entry]));
    // Nothing was put in front of the app: outside Beckon's hooks there is no QueryClient.
    expect(() =>
      renderHook(() => useQueryClient(), {
        wrapper: ({ children }) => <BeckonProvider client={world.client('carol')}>{children}</BeckonProvider>,
      }),
    ).toThrow(/No QueryClient set/);
  });
});
