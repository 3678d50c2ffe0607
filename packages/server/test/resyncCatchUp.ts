import { createCallData, type InvitationRecord } from '@beckon/signaling';
import { expect } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { connectUser, type TestUser, waitFor } from './helpers.js';
import { call, flood, trackVanished } from './reconnectHelpers.js';

// A snapshot after a gap tells a device how what it held ended. An invitation that gained an
// invitee (and new data) while the device was away must end whole there: the ending events alone
// would end the copy it held, without the invitee and with the old data. Shared by the memory
// and Redis tests: bob drops on `home` and comes back on `back` (the same server, or another
// process on the same Redis).

export interface CatchUpServers {
  readonly home: BeckonServer;
  readonly back: BeckonServer;
  readonly cleanups: Array<() => unknown>;
}

/** Bob, whose network can be switched off and on again; he comes back on `back`. */
async function bobOf({ home, back, cleanups }: CatchUpServers) {
  let online = true;
  let target = home;
  const user = await connectUser(() => (online ? target.wsUrl : 'ws://127.0.0.1:9'), 'bob');
  const vanished = trackVanished(user, cleanups);
  return {
    user,
    vanished,
    off() {
      online = false;
      home.terminate('bob');
    },
    on() {
      target = back;
      online = true;
    },
  };
}

const invitees = (record: InvitationRecord) => record.invitees.map((i) => [i.userID, i.state]);

async function someone(s: CatchUpServers, userID: string): Promise<TestUser> {
  const user = await connectUser(s.home, userID);
  trackVanished(user, s.cleanups);
  return user;
}

/**
 * Bob rings; while he is away alice adds dave, replaces the data and cancels, after more events
 * than the replay window holds: bob hears the cancel of the whole record.
 */
export async function cancelledAfterAdd(s: CatchUpServers): Promise<void> {
  const alice = await someone(s, 'alice');
  const carol = await someone(s, 'carol');
  const bob = await bobOf(s);
  const inviteID = await alice.client.invite('bob', createCallData(call('catch-1')), { timeout: 60 });
  await waitFor(() => bob.user.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
  bob.off();
  await flood(carol);
  await alice.client.addInvitees(inviteID, ['dave']);
  await alice.client.modify(inviteID, 'second data');
  await alice.client.cancel(inviteID);
  bob.on();
  const [cancelled] = await bob.user.waitEvents('onInvitationCancelled');
  expect(cancelled?.inviteID).toBe(inviteID);
  expect(cancelled && invitees(cancelled.invitation)).toEqual([
    ['bob', 'cancelled'],
    ['dave', 'cancelled'],
  ]);
  expect(cancelled?.invitation.data).toBe('second data');
  expect(cancelled?.inviteeList).toEqual(['bob', 'dave']);
  // What bob missed, in order, before the end: dave added, then the data replaced.
  expect(bob.user.events('onInvitationModified').map((e) => [e.addedInvitees, e.data])).toEqual([
    [['dave'], createCallData(call('catch-1'))],
    [[], 'second data'],
  ]);
  expect(bob.vanished).toEqual([]);
  expect(bob.user.client.invitations.size).toBe(0);
}

/**
 * Bob rings; while he is away alice adds dave and the invitation times out for both. The server
 * replays at most `maxReplayBytes` (set below one event by the caller), so bob gets a snapshot
 * although the log reaches back: he hears the timeout of the whole record.
 */
export async function timedOutAfterAdd(s: CatchUpServers): Promise<void> {
  const alice = await someone(s, 'alice');
  const bob = await bobOf(s);
  const inviteID = await alice.client.invite('bob', createCallData(call('catch-2')), { timeout: 2 });
  await waitFor(() => bob.user.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
  bob.off();
  await alice.client.addInvitees(inviteID, ['dave']);
  await waitFor(
    () => alice.client.getInvitation(inviteID) === undefined,
    10_000,
    'the invitation to time out',
  );
  bob.on();
  const timeouts = await bob.user.waitEvents('onInvitationTimeout');
  const last = timeouts.at(-1);
  expect(last && invitees(last.invitation)).toEqual([
    ['bob', 'timeout'],
    ['dave', 'timeout'],
  ]);
  expect(timeouts.flatMap((e) => e.inviteeList).sort()).toEqual(['bob', 'dave']);
  expect(bob.vanished).toEqual([]);
  expect(bob.user.client.invitations.size).toBe(0);
}

/**
 * An invitation bob never held (sent while he was away, its invite out of the window) that
 * gained dave and ended: the server cannot tell he never held it, his client leaves it alone.
 */
export async function neverHeld(s: CatchUpServers): Promise<void> {
  const alice = await someone(s, 'alice');
  const carol = await someone(s, 'carol');
  const bob = await bobOf(s);
  bob.off();
  const inviteID = await alice.client.invite('bob', createCallData(call('catch-3')), { timeout: 60 });
  await flood(carol);
  await alice.client.addInvitees(inviteID, ['dave']);
  await alice.client.cancel(inviteID);
  const marker = await carol.client.invite('bob', 'marker', { timeout: 0 });
  bob.on();
  await waitFor(() => bob.user.client.getInvitation(marker) !== undefined, 5000, "bob's snapshot");
  const about = (e: { inviteID: string }) => e.inviteID === inviteID;
  expect(bob.user.events('onInvitationModified').filter(about)).toEqual([]);
  expect(bob.user.events('onInvitationCancelled').filter(about)).toEqual([]);
  expect(bob.user.events('onReceiveNewInvitation').filter(about)).toEqual([]);
  expect(bob.vanished).toEqual([]);
}
