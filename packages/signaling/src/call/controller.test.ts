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
    const client = new SignalingClient({ transport: hub.connect(userID), clock });
    const store = createCallStore();
    const calls = new CallController(client, { remoteLeaveGraceMs: 2_000, store });
    const stop = calls.start();
    client.connect();
    return { client, calls, store, stop };
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
    expect(alice.calls.state).toMatchObject({ phase: 'ended', endReason: 'hungUp', endedBy: 'remote' });
    expect(bob.calls.state).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'remote',
      durationSeconds: 12,
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
    alice.calls.remoteLeft();
    expect(clock.pendingTimers).toBe(1);
    alice.stop();
    expect(clock.pendingTimers).toBe(0);
    bob.stop();
  });
});
