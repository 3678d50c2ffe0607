import { CallType } from '@beckon/signaling';
import { CallController, type CallControllerOptions } from '@beckon/signaling/call';
import { afterEach, describe, expect, it } from 'vitest';
import { api, connectUser, startServer, type TestUser, waitFor } from './helpers.js';
import { freePort } from './redis/cluster.js';

// Issue 14 with the call machines on top of the server's side of it: the server's peerLeft
// hang-up ends the survivor's call before its own media grace would, and a restart of the
// embedded memory store mid-ring ends both calls as ended while disconnected.

const users: TestUser[] = [];
const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  for (const u of users.splice(0)) u.client.close();
});

async function party(
  target: { wsUrl: string } | (() => string),
  userID: string,
  options: CallControllerOptions = {},
) {
  const u = await connectUser(target, userID);
  users.push(u);
  const calls = new CallController(u.client, { ringTimeoutSeconds: 30, ...options });
  stops.push(calls.start());
  return { ...u, calls };
}

describe('the call machines over the server lifecycle', () => {
  it("the server's hang-up for a vanished peer ends the survivor's call as peerLeft", async () => {
    const s = await startServer({ callGraceMs: 500 });
    stops.push(() => s.close());
    // The survivor's own media grace is long: the server's word must come first.
    const alice = await party(s, 'alice', { remoteLeaveGraceMs: 60_000 });
    const bob = await party(s, 'bob');
    await alice.calls.dial('bob', { callType: CallType.AUDIO, roomID: 'm-1' });
    await waitFor(() => bob.calls.state.phase === 'ringing', 5000, 'ringing');
    await bob.calls.accept();
    await waitFor(() => alice.calls.state.phase === 'connecting', 5000, 'accepted');
    alice.calls.remoteEntered();
    bob.calls.remoteEntered();
    await waitFor(() => alice.calls.state.phase === 'inCall', 5000, 'in call');
    bob.client.close();
    await waitFor(() => alice.calls.state.phase === 'ended', 10_000, 'the survivor ends');
    expect(alice.calls.state).toMatchObject({ endReason: 'peerLeft', endedBy: 'remote' });
    // The call-end was acknowledged: nothing stays pending for alice.
    await waitFor(() => alice.client.invitations.size === 0, 5000, 'nothing pending');
    const { body } = await api(s, 'GET', '/history', alice.token);
    expect(body.entries.find((e: { roomID: string }) => e.roomID === 'm-1')).toMatchObject({
      outcome: 'completed',
      endedBy: 'bob',
    });
  }, 30_000);

  it('a restart of the memory store mid-ring ends both calls as ended while disconnected', async () => {
    const port = await freePort();
    let s = await startServer({ port });
    stops.push(() => s.close());
    const alice = await party(s, 'alice');
    const bob = await party(s, 'bob');
    await alice.calls.dial('bob', { callType: CallType.VIDEO, roomID: 'm-2' });
    await waitFor(() => bob.calls.state.phase === 'ringing', 5000, 'ringing');
    await s.close();
    s = await startServer({ port });
    await waitFor(
      () => alice.calls.state.phase === 'ended' && bob.calls.state.phase === 'ended',
      10_000,
      'both calls ended',
    );
    expect(alice.calls.state.endReason).toBe('endedWhileDisconnected');
    expect(bob.calls.state.endReason).toBe('endedWhileDisconnected');
    expect(alice.client.invitations.size + bob.client.invitations.size).toBe(0);
  }, 30_000);
});
