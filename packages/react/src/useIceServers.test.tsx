// @vitest-environment happy-dom
import { renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BeckonApi, IceServers } from './api.js';
import { createHubWorld } from './test/setup.js';
import { msUntilRefresh, useIceServers } from './useIceServers.js';

let world: ReturnType<typeof createHubWorld>;
afterEach(() => {
  world?.close();
  vi.useRealTimers();
});

const HOUR = 3600_000;

/** An API whose n-th answer carries credentials `cred-n`, valid for an hour from the (faked) now. */
function turnApi() {
  let n = 0;
  const iceServers = vi.fn(
    async (): Promise<IceServers> => ({
      iceServers: [{ urls: 'turn:t:3478', username: `u${++n}`, credential: `cred-${n}` }],
      expiresAt: Date.now() + HOUR,
      iceTransportPolicy: 'relay',
    }),
  );
  return { iceServers } as unknown as BeckonApi & { iceServers: typeof iceServers };
}

describe('useIceServers', () => {
  it('fetches the servers; current() reuses them while fresh and fetches new ones before they expire', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    world = createHubWorld();
    const api = turnApi();
    const { result } = renderHook(() => useIceServers(), {
      wrapper: world.wrapperFor(world.client('alice'), { api }),
    });
    await waitFor(() => expect(result.current.ready).toBe(true));
    expect(result.current.data?.iceTransportPolicy).toBe('relay');
    expect(await result.current.current()).toEqual([
      { urls: 'turn:t:3478', username: 'u1', credential: 'cred-1' },
    ]);
    expect(api.iceServers).toHaveBeenCalledTimes(1);

    vi.setSystemTime(start + HOUR - 4 * 60_000); // inside the last 5 minutes
    expect((await result.current.current())[0]?.credential).toBe('cred-2');
    expect(api.iceServers).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(result.current.data?.iceServers[0]?.credential).toBe('cred-2'));
  });

  it('disabled: needs no API and gives no servers', async () => {
    world = createHubWorld();
    const { result } = renderHook(() => useIceServers({ enabled: false }), {
      wrapper: world.wrapperFor(world.client('alice')),
    });
    expect(result.current.ready).toBe(true);
    expect(await result.current.current()).toEqual([]);
  });

  it('without the API says what to pass', () => {
    world = createHubWorld();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() =>
      renderHook(() => useIceServers(), { wrapper: world.wrapperFor(world.client('alice')) }),
    ).toThrow(/useIceServers needs the server API/);
  });
});

describe('msUntilRefresh', () => {
  const servers = (expiresAt: number | null): IceServers => ({
    iceServers: [],
    expiresAt,
    iceTransportPolicy: 'all',
  });
  it('refreshes a fifth of the lifetime before expiry, at most 5 minutes before; never without expiry', () => {
    expect(msUntilRefresh(servers(null), 0, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(msUntilRefresh(servers(HOUR), 0, 0)).toBe(HOUR - 5 * 60_000);
    expect(msUntilRefresh(servers(100_000), 0, 0)).toBe(80_000);
    expect(msUntilRefresh(servers(100_000), 0, 99_000)).toBe(0);
  });
});
