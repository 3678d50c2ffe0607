import { describe, expect, it } from 'vitest';
import { CallType } from '../callData.js';
import { SignalingClient } from '../client.js';
import { ManualClock } from '../clock.js';
import { InMemoryHub } from '../hub.js';
import { CallController, createCallStore } from './controller.js';

/** Lets hub replies and the requests that follow them settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function world() {
  const clock = new ManualClock(1_700_000_000_000);
  const hub = new InMemoryHub({ clock });
  const user = (userID: string) => {
    const transport = hub.connect(userID);
    const client = new SignalingClient({ transport, clock });
    const store = createCallStore();
    const calls = new CallController(client, { remoteLeaveGraceMs: 2_000, store });
    const stop = calls.start();
    client.connect();
    return { client, calls, store, stop, transport };
  };
  return { clock, hub, user };
}

describe('CallController (the runner, no React)', () => {
  it('runs a call end to end on its own store; the leave timer runs on the injected clock', async () => {
    const { clock, hub, user } = world();
    const alice = user('alice');
    const bob = user('bob');
    const phases: string[] = [];
    const off = (alice.calls.store as ReturnType<typeof import('./controller.js').createCallStore>).subscribe(
      (s) => phases.at(-1) !== s.phase && phases.push(s.phase),
    );
    await settle();
    await alice.calls.dial('bob', { callType: CallType.AUDIO, roomID: 'r1' });
    expect(bob.calls.state).toMatchObject({ phase: 'ringing', peer: 'alice', roomID: 'r1' });
    await bob.calls.accept();
    await settle();
    alice.calls.remoteEntered();
    bob.calls.remoteEntered();
    clock.advance(10_000);
    // Bob's media vanishes without a call-end: after the grace period alice ends and sends it.
    alice.calls.remoteLeft();
    clock.advance(1_999);
    expect(alice.calls.state.phase).toBe('inCall');
    clock.advance(1);
    await settle();
    // The call lasted until the peer's media left, not until the grace ran out.
    expect(alice.calls.state).toMatchObject({
      phase: 'ended',
      endReason: 'peerLeft',
      endedBy: 'remote',
      durationSeconds: 10,
    });
    expect(bob.calls.state).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'remote',
      durationSeconds: 10,
    });
    expect(hub.state.invitations.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(phases).toEqual(['dialing', 'connecting', 'inCall', 'ended']);
    off();
    alice.stop();
    bob.stop();
  });

  it('a refused dial rejects with a typed error; stop() disarms a pending leave timer', async () => {
    const { clock, user } = world();
    const alice = user('alice');
    const bob = user('bob');
    await settle();
    await alice.calls.dial('bob');
    await bob.calls.accept();
    await settle();
    await expect(alice.calls.dial('carol')).rejects.toMatchObject({ name: 'SignalingError', code: 6017 });
    // Both sides are connecting: each watchdog runs; the leave timer comes on top.
    expect(clock.pendingTimers).toBe(2);
    alice.calls.remoteLeft();
    expect(clock.pendingTimers).toBe(3);
    alice.stop();
    bob.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('switchToAudio refuses with a typed error unless the TUICallKit interop is on', async () => {
    const { user } = world();
    const alice = user('alice');
    user('bob');
    await settle();
    await alice.calls.dial('bob', { callType: CallType.VIDEO });
    await expect(alice.calls.switchToAudio()).rejects.toMatchObject({
      name: 'BeckonError',
      code: 'switch-unavailable',
    });
  });

  it('the watchdog ends a ringing call the server never ends: connectionLost while disconnected', async () => {
    const { clock, user } = world();
    const alice = user('alice');
    const bob = user('bob');
    await settle();
    await alice.calls.dial('bob', { callType: CallType.AUDIO, roomID: 'r2' });
    await settle();
    expect(bob.calls.state.phase).toBe('ringing');
    // The server goes away for both: neither hears the timeout it would have sent.
    alice.transport.drop();
    bob.transport.drop();
    await settle();
    expect(alice.client.connectionState).not.toBe('connected');
    clock.advance(30_000 + 4_999);
    await settle();
    expect(bob.calls.state.phase).toBe('ringing');
    clock.advance(1);
    await settle();
    expect(alice.calls.state).toMatchObject({
      phase: 'ended',
      endReason: 'connectionLost',
      endedBy: 'local',
    });
    expect(bob.calls.state).toMatchObject({ phase: 'ended', endReason: 'connectionLost' });
    expect(bob.calls.state.missed).toMatchObject([{ peer: 'alice' }]);
    alice.stop();
    bob.stop();
  });

  it("the peer's media back within the grace period keeps the call", async () => {
    const { clock, user } = world();
    const alice = user('alice');
    const bob = user('bob');
    await settle();
    await alice.calls.dial('bob', { roomID: 'r3' });
    await bob.calls.accept();
    await settle();
    alice.calls.remoteEntered();
    alice.calls.remoteLeft();
    clock.advance(1_500);
    alice.calls.remoteEntered();
    clock.advance(10_000);
    await settle();
    expect(alice.calls.state).toMatchObject({ phase: 'inCall', peerGoneAt: undefined });
    // The default grace is 10 s: a controller given none waits that long.
    const carol = user('carol');
    const dave = user('dave');
    const defaults = new CallController(carol.client);
    const stop = defaults.start();
    await settle();
    await defaults.dial('dave', { roomID: 'r4' });
    await dave.calls.accept();
    await settle();
    defaults.remoteEntered();
    defaults.remoteLeft();
    clock.advance(9_999);
    expect(defaults.state.phase).toBe('inCall');
    clock.advance(1);
    await settle();
    expect(defaults.state).toMatchObject({ phase: 'ended', endReason: 'peerLeft' });
    stop();
    for (const u of [alice, bob, carol, dave]) u.stop();
  });

  it('a phase without a deadline is left alone: ring timeout 0 and connect timeout 0', async () => {
    const { clock, user } = world();
    const alice = user('alice');
    const bob = user('bob');
    await settle();
    alice.stop();
    bob.stop();
    const options = { ringTimeoutSeconds: 0, connectTimeoutSeconds: 0 };
    const caller = new CallController(alice.client, options);
    const callee = new CallController(bob.client, options);
    const stops = [caller.start(), callee.start()];
    await caller.dial('bob', { roomID: 'r5' });
    await settle();
    clock.advance(3_600_000);
    await settle();
    expect(caller.state.phase).toBe('dialing');
    expect(callee.state.phase).toBe('ringing');
    await callee.accept();
    await settle();
    clock.advance(3_600_000);
    await settle();
    expect([caller.state.phase, callee.state.phase]).toEqual(['connecting', 'connecting']);
    expect(clock.pendingTimers).toBe(0);
    for (const stop of stops) stop();
  });
});
