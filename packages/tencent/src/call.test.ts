/**
 * The React layer's runtime (the zustand store and the `useCall` state machine) on the Tencent
 * transport, unchanged: several users on fake chat instances joined by a fake Tencent service
 * that routes signaling without arbitrating, as the real one does.
 */
import { type BeckonRuntime, createBeckonRuntime } from '@beckon/react';
import { ManualClock, parseCallData } from '@beckon/signaling';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatEventName, NetState } from './sdk.js';
import { type Device, device } from './test/harness.js';
import { FakeCloud } from './testing/cloud.js';

const T0 = 1_000_000;
const running: Array<() => void> = [];

afterEach(() => {
  for (const stop of running.splice(0)) stop();
});

async function world(...users: Array<string | [string, string]>) {
  const clock = new ManualClock(T0);
  const cloud = new FakeCloud(clock);
  const people: Array<Device & { runtime: BeckonRuntime }> = [];
  for (const entry of users) {
    const [userID, deviceID] = typeof entry === 'string' ? [entry, `${entry}-device`] : entry;
    const d = device(userID, { deviceID }, clock);
    cloud.join(userID, d.chat);
    const runtime = createBeckonRuntime(d.client, { newRoomID: () => `room-of-${userID}` });
    running.push(runtime.start());
    await d.start();
    people.push({ ...d, runtime });
  }
  return { clock, cloud, people };
}

const phase = (d: { runtime: BeckonRuntime }) => d.runtime.store.getState().call.phase;
const call = (d: { runtime: BeckonRuntime }) => d.runtime.store.getState().call;

describe('useCall over Tencent Cloud Chat', () => {
  it("the peer vanishes (TRTC's remote user left, no call-end): after the grace this side ends as peerLeft and sends the call-end with the duration up to the loss", async () => {
    const { clock, cloud, people } = await world('alice', 'bob');
    const [alice, bob] = people as [(typeof people)[0], (typeof people)[0]];
    await alice.runtime.calls.dial('bob');
    await cloud.settle();
    await bob.runtime.calls.accept();
    await cloud.settle();
    alice.runtime.calls.remoteEntered();
    bob.runtime.calls.remoteEntered();
    clock.advance(20_000);
    // A blip: TRTC reports bob gone, then back within the grace: the call goes on.
    alice.runtime.calls.remoteLeft();
    clock.advance(4_000);
    alice.runtime.calls.remoteEntered();
    clock.advance(16_000);
    await cloud.settle();
    expect(phase(alice)).toBe('inCall');
    // Gone for good: there is no server to notice, so the media layer's report and the timer decide.
    alice.runtime.calls.remoteLeft();
    clock.advance(9_999);
    await cloud.settle();
    expect(phase(alice)).toBe('inCall');
    clock.advance(1);
    await cloud.settle();
    expect(call(alice)).toMatchObject({
      phase: 'ended',
      endReason: 'peerLeft',
      endedBy: 'remote',
      durationSeconds: 40,
    });
    const [notice] = alice.chat.callsOf('invite').slice(-1) as Array<{ data: string; timeout: number }>;
    expect(notice?.timeout).toBe(0);
    expect(parseCallData(notice?.data ?? '')).toMatchObject({
      ok: true,
      value: { cmd: 'hangup', callEnd: 40 },
    });
    // Bob's app, if it is still there, hears an ordinary hang-up with the same duration.
    expect(call(bob)).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'remote',
      durationSeconds: 40,
    });
  });

  it('a ringing call ends even when the caller vanished and the chat connection went (local timeout or watchdog)', async () => {
    const { clock, cloud, people } = await world('alice', 'bob');
    const [alice, bob] = people as [(typeof people)[0], (typeof people)[0]];
    await alice.runtime.calls.dial('bob');
    await cloud.settle();
    expect(phase(bob)).toBe('ringing');
    // Alice's app goes away (no cancel will come) and bob's chat loses the network.
    alice.client.close();
    bob.chat.emit(ChatEventName.NET_STATE_CHANGE, { state: NetState.DISCONNECTED });
    await cloud.settle();
    expect(bob.client.connectionState).not.toBe('connected');
    clock.advance(30_000 + 5_000);
    await cloud.settle();
    expect(call(bob)).toMatchObject({ phase: 'ended' });
    // The local view may time the invitation out itself (an ordinary timeout); if it does not,
    // the watchdog ends the call as lost. Either way it is over.
    expect(['timedOut', 'connectionLost']).toContain(call(bob).endReason);
  });

  it('dial, ring, accept, talk, hang up with the duration (seed steps 1, 3, 5)', async () => {
    const { clock, cloud, people } = await world('alice', 'bob');
    const [alice, bob] = people as [(typeof people)[0], (typeof people)[0]];
    await alice.runtime.calls.dial('bob');
    await cloud.settle();
    expect(phase(alice)).toBe('dialing');
    expect(call(bob)).toMatchObject({ phase: 'ringing', peer: 'alice', roomID: 'room-of-alice' });
    // The SDK event had no timeout; the signaling message gave it: the ring has a countdown.
    const ringing = bob.runtime.store.getState().invitations[call(bob).inviteID ?? ''];
    expect(ringing?.invitees[0]?.deadline).toBe(T0 + 30_000);

    await bob.runtime.calls.accept();
    await cloud.settle();
    expect(phase(alice)).toBe('connecting');
    expect(phase(bob)).toBe('connecting');
    alice.runtime.calls.remoteEntered();
    bob.runtime.calls.remoteEntered();
    clock.advance(42_000);
    await alice.runtime.calls.hangUp();
    await cloud.settle();
    expect(call(alice)).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'local',
      durationSeconds: 42,
    });
    expect(call(bob)).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'remote',
      durationSeconds: 42,
    });
    // The call-end notice carried call_end and was acknowledged: nothing lingers anywhere.
    const [notice] = alice.chat.callsOf('invite').slice(-1) as Array<{ data: string; timeout: number }>;
    expect(notice?.timeout).toBe(0);
    expect(parseCallData(notice?.data ?? '')).toMatchObject({
      ok: true,
      value: { cmd: 'hangup', callEnd: 42 },
    });
    for (const d of [alice, bob]) expect(Object.keys(d.runtime.store.getState().invitations)).toEqual([]);
  });

  it('a call to someone in a call is rejected as busy, and listed as missed', async () => {
    const { cloud, people } = await world('alice', 'bob', 'carol');
    const [alice, bob, carol] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    await alice.runtime.calls.dial('bob');
    await cloud.settle();
    await bob.runtime.calls.accept();
    await cloud.settle();
    await carol.runtime.calls.dial('bob');
    await cloud.settle();
    expect(call(carol)).toMatchObject({ phase: 'ended', endReason: 'busy' });
    expect(call(bob).phase).toBe('connecting');
    expect(call(bob).missed.map((m) => m.peer)).toEqual(['carol']);
    const [busy] = bob.chat.callsOf('reject') as Array<{ data: string }>;
    expect(JSON.parse(busy?.data ?? '{}')).toMatchObject({ line_busy: 'line_busy' });
  });

  it('the caller hangs up while it rings: the callee sees cancelled and a missed call', async () => {
    const { cloud, people } = await world('alice', 'bob');
    const [alice, bob] = people as [(typeof people)[0], (typeof people)[0]];
    await alice.runtime.calls.dial('bob');
    await cloud.settle();
    await alice.runtime.calls.hangUp();
    await cloud.settle();
    expect(call(alice)).toMatchObject({ phase: 'ended', endReason: 'cancelled' });
    expect(call(bob)).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'remote' });
    expect(call(bob).missed).toHaveLength(1);
  });

  it('nobody answers: the local timeout ends the call on both sides', async () => {
    const { clock, cloud, people } = await world('alice', 'bob');
    const [alice, bob] = people as [(typeof people)[0], (typeof people)[0]];
    await alice.runtime.calls.dial('bob');
    await cloud.settle();
    clock.advance(36_000);
    expect(call(alice)).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    expect(call(bob)).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    expect(call(bob).missed).toHaveLength(1);
  });

  it('two devices ring; one answers; the other stops ringing as answered elsewhere', async () => {
    const { cloud, people } = await world('alice', ['bob', 'bob-phone'], ['bob', 'bob-laptop']);
    const [alice, phone, laptop] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    await alice.runtime.calls.dial('bob');
    await cloud.settle();
    expect(phase(phone)).toBe('ringing');
    expect(phase(laptop)).toBe('ringing');
    await phone.runtime.calls.accept();
    await cloud.settle();
    expect(phase(alice)).toBe('connecting');
    expect(phase(phone)).toBe('connecting');
    expect(call(laptop)).toMatchObject({ phase: 'ended', endReason: 'answeredElsewhere' });
  });

  it('glare: bob calls alice while alice’s call rings him — one call, in alice’s room', async () => {
    const { cloud, people } = await world('alice', 'bob');
    const [alice, bob] = people as [(typeof people)[0], (typeof people)[0]];
    await alice.runtime.calls.dial('bob');
    await cloud.settle();
    await bob.runtime.calls.dial('alice');
    await cloud.settle();
    expect(bob.chat.callsOf('invite')).toHaveLength(0);
    expect(call(alice)).toMatchObject({ phase: 'connecting', roomID: 'room-of-alice' });
    expect(call(bob)).toMatchObject({ phase: 'connecting', roomID: 'room-of-alice' });
  });
});
