// @vitest-environment happy-dom
import { CallType, createCallData, ErrorCode, parseCallData } from '@beckon/signaling';
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createHubWorld, settle } from './test/setup.js';
import { useCall } from './useCall.js';

let world: ReturnType<typeof createHubWorld>;
afterEach(() => world?.close());

async function pair() {
  world = createHubWorld();
  const alice = world.as('alice', useCall);
  const bob = world.as('bob', useCall);
  await settle();
  return { alice, bob };
}

describe('useCall: the seed one-to-one flow', () => {
  it('dial -> ringing -> accept -> connecting -> in call -> hang up with the duration on both sides', async () => {
    const { alice, bob } = await pair();
    await act(() => alice.result.current.actions.dial('bob', { callType: CallType.VIDEO, roomID: 'room-9' }));
    expect(alice.result.current).toMatchObject({
      phase: 'dialing',
      direction: 'outgoing',
      peer: 'bob',
      roomID: 'room-9',
    });
    expect(bob.result.current).toMatchObject({
      phase: 'ringing',
      direction: 'incoming',
      peer: 'alice',
      roomID: 'room-9',
    });
    expect(alice.result.current.inviteID).toBe(bob.result.current.inviteID);

    await act(() => bob.result.current.actions.accept());
    expect(bob.result.current.phase).toBe('connecting');
    expect(alice.result.current.phase).toBe('connecting');

    // Seed step 3: both record the start when the remote user enters the room.
    act(() => {
      alice.result.current.actions.remoteEntered();
      bob.result.current.actions.remoteEntered();
    });
    expect(alice.result.current.phase).toBe('inCall');
    await world.advance(42_000);

    await act(() => alice.result.current.actions.hangUp());
    await settle();
    expect(alice.result.current).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'local',
      durationSeconds: 42,
    });
    expect(bob.result.current).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'remote',
      durationSeconds: 42,
    });
    // The call-end notice was acknowledged: nothing lingers on the arbiter.
    expect(world.hub.state.invitations.size).toBe(0);

    act(() => alice.result.current.actions.reset());
    expect(alice.result.current.phase).toBe('idle');
  });

  it('declined: the caller sees declined', async () => {
    const { alice, bob } = await pair();
    await act(() => alice.result.current.actions.dial('bob'));
    await act(() => bob.result.current.actions.decline());
    expect(bob.result.current).toMatchObject({ phase: 'ended', endReason: 'declined', endedBy: 'local' });
    expect(alice.result.current).toMatchObject({ phase: 'ended', endReason: 'declined', endedBy: 'remote' });
  });

  it('busy: a callee already in a call rejects with lineBusy automatically; the call is missed', async () => {
    const { alice, bob } = await pair();
    const carol = world.as('carol', useCall);
    await settle();
    await act(() => alice.result.current.actions.dial('bob'));
    await act(() => bob.result.current.actions.accept());
    await act(() => carol.result.current.actions.dial('bob'));
    await settle();
    expect(carol.result.current).toMatchObject({ phase: 'ended', endReason: 'busy' });
    expect(bob.result.current.phase).toBe('connecting');
    expect(bob.result.current.missed.map((m) => m.peer)).toEqual(['carol']);
  });

  it('decline as busy sends the line-busy reason', async () => {
    const { alice, bob } = await pair();
    const rejections: string[] = [];
    alice.client.on('onInviteeRejected', (e) => rejections.push(e.data));
    await act(() => alice.result.current.actions.dial('bob'));
    await act(() => bob.result.current.actions.decline({ busy: true }));
    expect(alice.result.current.endReason).toBe('busy');
    const info = parseCallData(rejections[0] ?? '');
    expect(info.ok && info.value.lineBusy).toBe(true);
  });

  it('timed out: the caller sees timedOut, the callee a missed call', async () => {
    const { alice, bob } = await pair();
    await act(() => alice.result.current.actions.dial('bob'));
    await world.advance(30_000);
    expect(alice.result.current).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    expect(bob.result.current).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    expect(bob.result.current.missed).toMatchObject([{ peer: 'alice' }]);
    act(() => bob.result.current.actions.clearMissed());
    expect(bob.result.current.missed).toEqual([]);
  });

  it('cancelled: hanging up while dialing cancels; the callee sees cancelled and a missed call', async () => {
    const { alice, bob } = await pair();
    await act(() => alice.result.current.actions.dial('bob'));
    await act(() => alice.result.current.actions.hangUp());
    expect(alice.result.current).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'local' });
    expect(bob.result.current).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'remote' });
    expect(bob.result.current.missed).toHaveLength(1);
  });

  it('answered elsewhere: the other device stops ringing', async () => {
    world = createHubWorld();
    const alice = world.as('alice', useCall);
    const phone = world.as('bob', useCall, 'phone');
    const laptop = world.as('bob', useCall, 'laptop');
    await settle();
    await act(() => alice.result.current.actions.dial('bob'));
    expect(laptop.result.current.phase).toBe('ringing');
    await act(() => phone.result.current.actions.accept());
    await settle();
    expect(phone.result.current.phase).toBe('connecting');
    expect(laptop.result.current).toMatchObject({ phase: 'ended', endReason: 'answeredElsewhere' });
    expect(alice.result.current.phase).toBe('connecting');
  });

  it('glare: both dial each other at once and land in one call', async () => {
    const { alice, bob } = await pair();
    await act(async () => {
      await Promise.all([
        alice.result.current.actions.dial('bob', { roomID: 'a' }),
        bob.result.current.actions.dial('alice', { roomID: 'b' }),
      ]);
    });
    await settle();
    expect(alice.result.current.phase).toBe('connecting');
    expect(bob.result.current.phase).toBe('connecting');
    expect(alice.result.current.roomID).toBe(bob.result.current.roomID);
    expect(alice.result.current.inviteID).toBe(bob.result.current.inviteID);
    expect(world.hub.state.invitations.size).toBe(0);
  });

  it('failed: a call that cannot be placed ends with the reason; media failures end and notify', async () => {
    const { alice, bob } = await pair();
    await act(() => alice.result.current.actions.dial('alice'));
    expect(alice.result.current).toMatchObject({ phase: 'ended', endReason: 'failed' });
    expect(alice.result.current.failure).toContain('cannot invite itself');

    await act(() => alice.result.current.actions.dial('bob'));
    await act(() => bob.result.current.actions.accept());
    await act(async () => bob.result.current.actions.fail('camera denied'));
    await settle();
    expect(bob.result.current).toMatchObject({
      phase: 'ended',
      endReason: 'failed',
      failure: 'camera denied',
    });
    expect(alice.result.current).toMatchObject({ phase: 'ended', endReason: 'hungUp', endedBy: 'remote' });
  });

  it('a call that arrived before the provider mounted still rings', async () => {
    world = createHubWorld();
    const alice = world.client('alice');
    const bob = world.client('bob');
    alice.connect();
    bob.connect();
    await act(() => alice.invite('bob', createCallData({ callType: CallType.AUDIO, roomID: 'early' })));
    const { result } = renderHook(() => useCall(), { wrapper: world.wrapperFor(bob) });
    await settle();
    expect(result.current).toMatchObject({ phase: 'ringing', peer: 'alice', roomID: 'early' });
  });

  it('refuses to dial while in a call', async () => {
    const { alice, bob } = await pair();
    await act(() => alice.result.current.actions.dial('bob'));
    await act(() => bob.result.current.actions.accept());
    const error = await alice.result.current.actions.dial('carol').catch((e: { code: number }) => e);
    expect(error).toMatchObject({ code: ErrorCode.INVALID_PARAMETERS });
  });
});
