import { CallType } from '@beckon/signaling';
import { CallController, type CallControllerOptions } from '@beckon/signaling/call';
import { afterEach, describe, expect, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { MemoryStore } from '../src/store/memory.js';
import { unacknowledgedNoticeTimesOut } from './callEndNoticeScenario.js';
import { api, connectUser, startServer, type TestUser, waitFor } from './helpers.js';
import { quietListener } from './quietStore.js';

// Issue 14 on the client, over real sockets: a call whose peer vanished ends for the survivor
// (the media layer's report and the grace period), and a call whose server went silent ends
// on the watchdog. The tests play the media layer (remoteEntered, remoteLeft) themselves.

let server: BeckonServer | undefined;
const users: TestUser[] = [];
const stops: Array<() => void> = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  for (const u of users.splice(0)) u.client.close();
  await server?.close();
  server = undefined;
});

async function party(s: BeckonServer, userID: string, options: CallControllerOptions = {}) {
  const u = await connectUser(s, userID);
  users.push(u);
  const calls = new CallController(u.client, { ringTimeoutSeconds: 30, ...options });
  stops.push(calls.start());
  return { ...u, calls };
}

interface Entry {
  readonly roomID: string;
  readonly outcome: string;
  readonly durationSeconds?: number;
}

async function finalEntry(s: BeckonServer, token: string, roomID: string): Promise<Entry> {
  let found: Entry | undefined;
  const start = Date.now();
  while (found === undefined && Date.now() - start < 10_000) {
    const { body } = await api(s, 'GET', '/history', token);
    found = (body.entries as Entry[]).find((e) => e.roomID === roomID && e.outcome !== 'answered');
  }
  if (found === undefined) throw new Error(`no final history entry for ${roomID}`);
  return found;
}

describe('calls always end, over real sockets', () => {
  it('hanging up on a peer whose devices are gone for good: the call-end notice times out, so the caller holds nothing and its cap is free', async () => {
    const store = new MemoryStore({ callEndNoticeSeconds: 1 });
    const s = await startServer({ store });
    server = s;
    const alice = await party(s, 'alice');
    const bob = await party(s, 'bob');
    await alice.calls.dial('bob', { callType: CallType.AUDIO, roomID: 'gone-1' });
    await waitFor(() => bob.calls.state.phase === 'ringing', 5000, 'ringing');
    await bob.calls.accept();
    await waitFor(() => alice.calls.state.phase === 'connecting', 5000, 'accepted');
    alice.calls.remoteEntered();
    // Bob's device goes for good; alice hangs up before anything noticed.
    bob.client.close();
    await alice.calls.hangUp();
    expect(alice.calls.state).toMatchObject({ phase: 'ended', endReason: 'hungUp', endedBy: 'local' });
    await waitFor(() => alice.client.invitations.size === 1, 5000, 'the notice is out');
    const [notice] = [...alice.client.invitations.values()];
    await waitFor(() => alice.client.invitations.size === 0, 10_000, 'the notice to time out');
    expect(alice.events('onInvitationTimeout').map((e) => e.inviteID)).toEqual([notice?.inviteID]);
    expect(await store.activeInvitations('alice')).toBe(0);
    // The call stays ended as alice ended it, and her history has it once, completed.
    expect(alice.calls.state).toMatchObject({ phase: 'ended', endReason: 'hungUp' });
    const { body } = await api(s, 'GET', '/history', alice.token);
    expect((body.entries as Entry[]).filter((e) => e.roomID === 'gone-1').map((e) => e.outcome)).toEqual([
      'completed',
    ]);
  }, 30_000);

  it('the store alone: a call-end notice nobody acknowledges times out after callEndNoticeSeconds; other timeout-0 invitations stay', async () => {
    const store = new MemoryStore({ callEndNoticeSeconds: 1 });
    await store.start(quietListener);
    try {
      await unacknowledgedNoticeTimesOut(store, store, (n) => n);
    } finally {
      await store.close();
    }
    expect(() => new MemoryStore({ callEndNoticeSeconds: -1 })).toThrow(TypeError);
    await expect(startServer({ callEndNoticeSeconds: 1.5 })).rejects.toThrow(TypeError);
  });

  it("the peer's client vanishes mid-call: the survivor ends as peerLeft after the grace, and both histories keep the call with its duration", async () => {
    const s = await startServer();
    server = s;
    const alice = await party(s, 'alice', { remoteLeaveGraceMs: 300 });
    const bob = await party(s, 'bob');
    await alice.calls.dial('bob', { callType: CallType.AUDIO, roomID: 'vanish-1' });
    await waitFor(() => bob.calls.state.phase === 'ringing', 5000, 'ringing');
    await bob.calls.accept();
    await waitFor(() => alice.calls.state.phase === 'connecting', 5000, 'accepted');
    alice.calls.remoteEntered();
    bob.calls.remoteEntered();
    await new Promise((r) => setTimeout(r, 1100));
    // Bob's tab dies: no call-end, its socket closes; alice's media sees him leave.
    bob.client.close();
    alice.calls.remoteLeft();
    expect(alice.calls.state.phase).toBe('inCall');
    await waitFor(() => alice.calls.state.phase === 'ended', 15_000, 'the survivor ends');
    expect(alice.calls.state).toMatchObject({ endReason: 'peerLeft', endedBy: 'remote' });
    const seconds = alice.calls.state.durationSeconds ?? -1;
    expect(seconds).toBeGreaterThanOrEqual(1);
    for (const token of [alice.token, bob.token]) {
      const entry = await finalEntry(s, token, 'vanish-1');
      expect(entry.outcome).toBe('completed');
      expect(entry.durationSeconds).toBeGreaterThanOrEqual(1);
    }
  }, 30_000);

  it('the server goes away while a call rings: both sides end as connectionLost once the deadline and grace are past', async () => {
    const s = await startServer();
    server = s;
    const options = { ringTimeoutSeconds: 2, watchdogGraceMs: 300 };
    const alice = await party(s, 'alice', options);
    const bob = await party(s, 'bob', options);
    await alice.calls.dial('bob', { callType: CallType.VIDEO, roomID: 'silent-1' });
    await waitFor(() => bob.calls.state.phase === 'ringing', 5000, 'ringing');
    await s.close();
    server = undefined;
    await waitFor(
      () => alice.client.connectionState !== 'connected' && bob.client.connectionState !== 'connected',
      5000,
      'both disconnected',
    );
    await waitFor(
      () => alice.calls.state.phase === 'ended' && bob.calls.state.phase === 'ended',
      15_000,
      'both calls ended',
    );
    expect(alice.calls.state).toMatchObject({ endReason: 'connectionLost', endedBy: 'local' });
    expect(bob.calls.state).toMatchObject({ endReason: 'connectionLost' });
    expect(bob.calls.state.missed).toMatchObject([{ peer: 'alice' }]);
  }, 30_000);
});
