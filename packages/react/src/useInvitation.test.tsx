// @vitest-environment happy-dom
import { act } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createHubWorld, settle } from './test/setup.js';
import { useIncomingInvitation } from './useIncomingInvitation.js';
import { useInvitation } from './useInvitation.js';

let world: ReturnType<typeof createHubWorld>;
afterEach(() => world?.close());

describe('useInvitation(id) and useIncomingInvitation()', () => {
  it('the newest pending invitation to this user, with its countdown and actions', async () => {
    world = createHubWorld();
    const bob = world.as('bob', () => useIncomingInvitation());
    const alice = world.client('alice');
    const carol = world.client('carol');
    alice.connect();
    carol.connect();
    await settle();
    expect(bob.result.current.invitation).toBeUndefined();
    await act(() => alice.invite('bob', 'first', { timeout: 30 }));
    await world.advance(1_000);
    const second = await act(() => carol.invite('bob', 'second', { timeout: 30 }));
    expect(bob.result.current.invitation?.inviteID).toBe(second);
    const { deadline, remainingMs, invitation } = bob.result.current;
    expect(deadline).toBe(invitation?.invitees[0]?.deadline);
    expect(deadline).toBeGreaterThan(world.clock.now());
    // Counted on the server clock, refreshed each second: at most the 30 s plus the one just moved.
    expect(remainingMs).toBeGreaterThanOrEqual(30_000);
    expect(remainingMs).toBeLessThanOrEqual(31_000);
    await act(() => bob.result.current.actions.reject());
    await settle();
    // The older one is the newest pending now.
    expect(bob.result.current.invitation?.data).toBe('first');
  });

  it('one invitation by id; undefined or an unknown id gives none, and its actions do nothing', async () => {
    world = createHubWorld();
    const alice = world.client('alice');
    alice.connect();
    let id: string | undefined;
    const bob = world.as('bob', () => useInvitation(id));
    await settle();
    id = await act(() => alice.invite('bob', 'hello', { timeout: 0 }));
    bob.rerender();
    expect(bob.result.current).toMatchObject({ deadline: 0, remainingMs: undefined });
    expect(bob.result.current.invitation?.data).toBe('hello');
    await act(() => bob.result.current.actions.accept());
    await settle();
    expect(bob.result.current.invitation).toBeUndefined();
    id = 'unknown';
    bob.rerender();
    await expect(bob.result.current.actions.accept()).resolves.toBeUndefined();
  });
});
