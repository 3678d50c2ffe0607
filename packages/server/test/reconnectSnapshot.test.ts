import { createAnswerData, createCallData, createHangupData, parseCallData } from '@beckon/signaling';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ENDED_IN_SNAPSHOT } from '../src/missed.js';
import type { BeckonServer } from '../src/server.js';
import { MemoryStore } from '../src/store/memory.js';
import { connectUser, startServer, type TestUser, waitFor } from './helpers.js';
import { call, flood, trackVanished, WINDOW } from './reconnectHelpers.js';
import { freePort } from './redis/cluster.js';
import { cancelledAfterAdd, neverHeld, timedOutAfterAdd } from './resyncCatchUp.js';

// Issue 14, item 2: a reconnect that gets a snapshot (a gap over the replay window, a restart of
// the embedded memory store) ends, on every side, what the client held and the server no longer
// has: with its real outcome where the server can tell it, as vanished otherwise.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options: Parameters<typeof startServer>[0] = {}): Promise<BeckonServer> {
  const s = await startServer({ store: new MemoryStore({ logLimit: WINDOW }), ...options });
  cleanups.push(() => s.close());
  return s;
}

/** A user whose network can be switched off (its reconnects are refused) and on again. */
async function switchable(s: () => BeckonServer, userID: string) {
  let online = true;
  const user = await connectUser(() => (online ? s().wsUrl : 'ws://127.0.0.1:9'), userID);
  const vanished = trackVanished(user, cleanups);
  return {
    user,
    vanished,
    off() {
      online = false;
      s().terminate(userID);
    },
    async on() {
      const sessions = user.states.filter((x) => x === 'connected').length;
      online = true;
      await waitFor(
        () => user.states.filter((x) => x === 'connected').length > sessions,
        5000,
        'a reconnect',
      );
      // The snapshot follows the hello.
      await waitFor(() => user.client.connectionState === 'connected', 5000, 'connected');
    },
  };
}

const track = (user: TestUser) => trackVanished(user, cleanups);

describe('a gap over the replay window during a ringing call', () => {
  it('the call cancelled after the flood: bob hears the cancel itself, nothing stays pending', async () => {
    const s = await server();
    const alice = await connectUser(s, 'alice');
    track(alice);
    const carol = await connectUser(s, 'carol');
    track(carol);
    const bob = await switchable(() => s, 'bob');
    const inviteID = await alice.client.invite('bob', createCallData(call('gap-1')), { timeout: 60 });
    await waitFor(() => bob.user.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
    bob.off();
    await flood(carol);
    await alice.client.cancel(inviteID, createAnswerData(call('gap-1')));
    await bob.on();
    await waitFor(() => bob.user.events('onInvitationCancelled').some((e) => e.inviteID === inviteID));
    expect(bob.vanished).toEqual([]);
    expect(bob.user.client.invitations.size).toBe(0);
    // A snapshot, not a replay: the fillers bob never held are not reported.
    expect(bob.user.events('onInvitationCancelled').map((e) => e.inviteID)).toEqual([inviteID]);
    expect(bob.user.events('onReceiveNewInvitation').filter((e) => e.data.startsWith('filler'))).toEqual([]);
  });

  it('answered by another device of bob during the gap: the ringing device hears that accept', async () => {
    const s = await server();
    const alice = await connectUser(s, 'alice');
    track(alice);
    const carol = await connectUser(s, 'carol');
    track(carol);
    const bob = await switchable(() => s, 'bob');
    const phone = await connectUser(s, 'bob');
    track(phone);
    const inviteID = await alice.client.invite('bob', createCallData(call('gap-2')), { timeout: 60 });
    await waitFor(() => bob.user.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
    bob.off();
    await flood(carol);
    await phone.client.accept(inviteID, createAnswerData(call('gap-2')));
    await bob.on();
    const [accepted] = await bob.user.waitEvents('onInviteeAccepted');
    expect(accepted).toMatchObject({ inviteID, invitee: 'bob', device: phone.transport.deviceID });
    expect(accepted?.device).not.toBe(bob.user.transport.deviceID);
    expect(bob.vanished).toEqual([]);
    expect(bob.user.client.invitations.size).toBe(0);
  });

  it('cancelled before the flood (out of the window): bob is told it ended while he was away', async () => {
    const s = await server();
    const alice = await connectUser(s, 'alice');
    track(alice);
    const carol = await connectUser(s, 'carol');
    track(carol);
    const bob = await switchable(() => s, 'bob');
    const inviteID = await alice.client.invite('bob', createCallData(call('gap-3')), { timeout: 60 });
    await waitFor(() => bob.user.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
    bob.off();
    await alice.client.cancel(inviteID, createAnswerData(call('gap-3')));
    await flood(carol);
    await bob.on();
    await waitFor(() => bob.vanished.length > 0, 5000, 'the vanished event');
    expect(bob.vanished).toMatchObject([
      { inviteID, reason: 'endedWhileDisconnected', invitation: { inviteID, inviter: 'alice' } },
    ]);
    expect(bob.user.events('onInvitationCancelled')).toEqual([]);
    expect(bob.user.client.invitations.size).toBe(0);
  });
});

describe('an invitation that gained an invitee while the device was away', () => {
  it('cancelled after the flood: bob hears the cancel of the whole record, dave and the new data', async () => {
    const s = await server();
    await cancelledAfterAdd({ home: s, back: s, cleanups });
  });

  it('timed out, with a replay over maxReplayBytes: bob hears the timeout of the whole record', async () => {
    const s = await server({ maxReplayBytes: 1 });
    await timedOutAfterAdd({ home: s, back: s, cleanups });
  });

  it('one bob never held (its invite out of the window): his client leaves it alone', async () => {
    const s = await server();
    await neverHeld({ home: s, back: s, cleanups });
  });
});

describe('the bound on what a snapshot tells', () => {
  it(`at most ${MAX_ENDED_IN_SNAPSHOT} ended invitations, the newest: the older ones vanish`, async () => {
    // Lifted request limits: carol sends 150 requests at once.
    const rate = { burst: 1000, perSecond: 1000 };
    const s = await startServer({
      store: new MemoryStore({ logLimit: 80 }),
      rateLimit: rate,
      userRateLimit: rate,
    });
    cleanups.push(() => s.close());
    const carol = await connectUser(s, 'carol');
    track(carol);
    const bob = await switchable(() => s, 'bob');
    const held: string[] = [];
    for (let i = 0; i < 66; i++) held.push(await carol.client.invite('bob', `held ${i}`, { timeout: 0 }));
    await waitFor(() => bob.user.client.invitations.size === 66, 5000, 'bob to hold 66');
    bob.off();
    for (const id of held) await carol.client.cancel(id);
    for (let i = 0; i < 8; i++)
      await carol.client.cancel(await carol.client.invite('bob', `filler ${i}`, { timeout: 0 }));
    await bob.on();
    await waitFor(() => bob.user.client.invitations.size === 0, 5000, 'nothing pending');
    // 74 ended in the window: the 8 fillers and the newest 56 of bob's are told, 10 vanish.
    expect(bob.user.events('onInvitationCancelled').map((e) => e.inviteID)).toEqual(held.slice(10).reverse());
    expect(bob.vanished.map((e) => e.inviteID)).toEqual(held.slice(0, 10));
  });
});

describe('the bound on the bytes of what a snapshot tells', () => {
  it('ending events that do not fit in a snapshot page are left out: the client is told it vanished', async () => {
    const s = await server({ snapshotPageBytes: 100 });
    const alice = await connectUser(s, 'alice');
    track(alice);
    const carol = await connectUser(s, 'carol');
    track(carol);
    const bob = await switchable(() => s, 'bob');
    const inviteID = await alice.client.invite('bob', createCallData(call('gap-5')), { timeout: 60 });
    await waitFor(() => bob.user.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
    bob.off();
    await flood(carol);
    await alice.client.cancel(inviteID, createAnswerData(call('gap-5')));
    await bob.on();
    await waitFor(() => bob.vanished.length > 0, 5000, 'the vanished event');
    expect(bob.vanished.map((e) => e.inviteID)).toEqual([inviteID]);
    expect(bob.user.events('onInvitationCancelled')).toEqual([]);
  });
});

describe('a gap over the replay window during an answered call', () => {
  it("alice hangs up while bob is away: bob's snapshot rings the call-end, so his call ends", async () => {
    const s = await server();
    const alice = await connectUser(s, 'alice');
    track(alice);
    const carol = await connectUser(s, 'carol');
    track(carol);
    const bob = await switchable(() => s, 'bob');
    const inviteID = await alice.client.invite('bob', createCallData(call('gap-4')), { timeout: 60 });
    await waitFor(() => bob.user.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
    await bob.user.client.accept(inviteID, createAnswerData(call('gap-4')));
    await alice.waitEvents('onInviteeAccepted');
    bob.off();
    await flood(carol);
    await alice.client.invite('bob', createHangupData({ ...call('gap-4'), durationSeconds: 3 }), {
      timeout: 0,
    });
    await bob.on();
    await waitFor(() =>
      bob.user
        .events('onReceiveNewInvitation')
        .some((e) => parseCallData(e.data).ok && e.data.includes('hangup') && e.inviter === 'alice'),
    );
    expect(bob.vanished).toEqual([]);
  });
});

describe('a restart of the embedded memory store', () => {
  async function restartable() {
    const port = await freePort();
    let current = await startServer({ port });
    cleanups.push(() => current.close());
    return {
      get server() {
        return current;
      },
      async restart() {
        await current.close();
        current = await startServer({ port });
      },
    };
  }

  it('in the middle of a ringing call: both sides are told it ended while they were away', async () => {
    const r = await restartable();
    const alice = await connectUser(r.server, 'alice');
    const aliceVanished = track(alice);
    const bob = await connectUser(r.server, 'bob');
    const bobVanished = track(bob);
    const inviteID = await alice.client.invite('bob', createCallData(call('restart-1')), { timeout: 60 });
    await waitFor(() => bob.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
    await r.restart();
    await waitFor(() => aliceVanished.length > 0 && bobVanished.length > 0, 10_000, 'both vanished events');
    for (const [user, vanished] of [
      [alice, aliceVanished],
      [bob, bobVanished],
    ] as const) {
      expect(vanished).toMatchObject([{ inviteID, reason: 'endedWhileDisconnected' }]);
      expect(user.client.invitations.size).toBe(0);
    }
  });

  it('in the middle of an answered call: the call-end still reaches the peer on the new server', async () => {
    const r = await restartable();
    const alice = await connectUser(r.server, 'alice');
    const aliceVanished = track(alice);
    const bob = await connectUser(r.server, 'bob');
    const bobVanished = track(bob);
    const inviteID = await alice.client.invite('bob', createCallData(call('restart-2')), { timeout: 60 });
    await waitFor(() => bob.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
    await bob.client.accept(inviteID, createAnswerData(call('restart-2')));
    await alice.waitEvents('onInviteeAccepted');
    const sessions = alice.states.filter((x) => x === 'connected').length;
    await r.restart();
    await waitFor(
      () => alice.states.filter((x) => x === 'connected').length > sessions,
      10_000,
      'a reconnect',
    );
    // Neither side held an active invitation: nothing vanishes, nothing is pending.
    expect(aliceVanished).toEqual([]);
    expect(bobVanished).toEqual([]);
    expect(alice.client.invitations.size).toBe(0);
    await alice.client.invite('bob', createHangupData({ ...call('restart-2'), durationSeconds: 2 }), {
      timeout: 0,
    });
    await waitFor(() => bob.events('onReceiveNewInvitation').some((e) => e.data.includes('hangup')));
  });
});
