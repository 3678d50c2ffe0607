import {
  CallType,
  createAnswerData,
  createCallData,
  type NewInvitationEvent,
  parseCallData,
} from '@beckon/signaling';
import { expect } from 'vitest';
import { api, connectUser, type Target, type TestUser, waitFor } from './helpers.js';

// Issue 14, item 1: a party of an answered call whose call device is gone past the grace is
// hung up by the server in its name. Shared by the memory store and Redis suites.

export interface GraceWorld {
  /** Where alice's and bob's devices connect (two processes on Redis). */
  readonly alice: Target;
  readonly bob: Target;
  /** HTTP API for history (any process). */
  readonly http: { readonly url: string };
  readonly graceMs: number;
  /** Cuts the socket of bob's call device (a dead network); it reconnects by itself. */
  readonly cut?: (userID: string) => void;
  /** Options of bob's call device (the socket class `cut` acts on). */
  readonly bobDevice?: Parameters<typeof connectUser>[2];
}

let rooms = 0;

/** Alice calls bob from her device; bob answers from his. Returns the answer's server time. */
export async function answeredCall(alice: TestUser, bob: TestUser): Promise<{ roomID: string; at: number }> {
  const roomID = `grace-${process.pid}-${++rooms}-${Date.now()}`;
  const callee = { callType: CallType.VIDEO, roomID, userIDs: [bob.userID] };
  const inviteID = await alice.client.invite(bob.userID, createCallData(callee), { timeout: 30 });
  await waitFor(() => bob.client.getInvitation(inviteID) !== undefined, 5000, 'bob to ring');
  await bob.client.accept(inviteID, createAnswerData(callee));
  const [accepted] = await alice.waitEvents('onInviteeAccepted');
  return { roomID, at: accepted?.invitation.invitees[0]?.answeredAt ?? 0 };
}

/** Hang-ups (call-end invitations) a user received. */
export function hangups(
  user: TestUser,
): Array<{ event: NewInvitationEvent; endReason?: string; callEnd?: number }> {
  return user.events('onReceiveNewInvitation').flatMap((event) => {
    const info = parseCallData(event.data);
    if (!info.ok || info.value.cmd !== 'hangup') return [];
    return [
      {
        event,
        ...(info.value.endReason === undefined ? {} : { endReason: info.value.endReason }),
        ...(info.value.callEnd === undefined ? {} : { callEnd: info.value.callEnd }),
      },
    ];
  });
}

/**
 * One party's call device goes away for good while another device of that user stays connected
 * (`gone`: the callee bob by default, or the caller alice); the other party gets a peerLeft
 * hang-up in the gone party's name with the duration up to the loss, and both histories say so.
 */
export async function peerGonePastGrace(
  world: GraceWorld,
  names = ['alice', 'bob'],
  gone: 'callee' | 'caller' = 'callee',
): Promise<void> {
  const [a = 'alice', b = 'bob'] = names;
  const alice = await connectUser(world.alice, a);
  const bob = await connectUser(world.bob, b);
  // A second, idle device of the one who goes stays connected: the call belongs to its device.
  const laptop = await connectUser(gone === 'callee' ? world.bob : world.alice, gone === 'callee' ? b : a);
  const { roomID, at } = await answeredCall(alice, bob);
  const [leaver, survivor] = gone === 'callee' ? [bob, alice] : [alice, bob];
  // Let the call run a while, so its duration and the grace's end round to different seconds.
  await waitFor(() => survivor.client.serverNow() - at >= 1200, 5000, 'the call to run');
  const before = survivor.client.serverNow();
  leaver.client.close();
  await waitFor(() => hangups(survivor).length > 0, 10_000 + world.graceMs * 3, 'the hang-up');
  const [hangup] = hangups(survivor);
  const after = survivor.client.serverNow();
  expect(hangup?.event.inviter).toBe(leaver.userID);
  expect(hangup?.endReason).toBe('peerLeft');
  expect(hangup?.event.timeout).toBe(0);
  // The loss happened between `before` and the server noticing; never the grace's end.
  const duration = hangup?.callEnd ?? -1;
  expect(duration).toBeGreaterThanOrEqual(Math.round((before - at) / 1000));
  expect(duration).toBeLessThanOrEqual(Math.round((after - world.graceMs - at) / 1000));
  expect(Math.round((after - at) / 1000)).toBeGreaterThan(duration);
  for (const [user, peer, direction] of [
    [alice, b, 'outgoing'],
    [gone === 'callee' ? laptop : bob, a, 'incoming'],
  ] as const) {
    let entry:
      | { outcome?: string; durationSeconds?: number; endedBy?: string; direction?: string }
      | undefined;
    const start = Date.now();
    while (Date.now() - start < 5000) {
      const res = await api(world.http, 'GET', '/history', user.token);
      entry = res.body.entries.find((e: { roomID: string }) => e.roomID === roomID);
      if (entry?.outcome === 'completed') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(entry).toMatchObject({
      outcome: 'completed',
      durationSeconds: duration,
      endedBy: leaver.userID,
      direction,
      peer,
    });
  }
  survivor.client.close();
  laptop.client.close();
}

/** Bob's call device drops and comes back inside the grace: the call goes on. */
export async function reconnectInsideGrace(world: GraceWorld, names = ['alice', 'bob']): Promise<void> {
  const [a = 'alice', b = 'bob'] = names;
  const alice = await connectUser(world.alice, a);
  const bob = await connectUser(world.bob, b, world.bobDevice);
  const { at } = await answeredCall(alice, bob);
  const sessions = bob.states.filter((s) => s === 'connected').length;
  world.cut?.(b);
  // The transport reconnects on its own, with the same device id.
  await waitFor(
    () => bob.states.filter((s) => s === 'connected').length > sessions,
    5000,
    'bob to reconnect',
  );
  // Absence can only be waited for: three graces pass with bob's device back.
  const until = Date.now() + world.graceMs * 3;
  await waitFor(() => Date.now() >= until, world.graceMs * 3 + 1000, 'three graces');
  expect(hangups(alice)).toEqual([]);
  // The call is still open: when bob's device goes for good, its duration spans the blip.
  const before = alice.client.serverNow();
  bob.client.close();
  await waitFor(() => hangups(alice).length > 0, 10_000 + world.graceMs * 3, 'the hang-up');
  const [hangup] = hangups(alice);
  expect(hangup?.endReason).toBe('peerLeft');
  expect(hangup?.callEnd).toBeGreaterThanOrEqual(Math.round((before - at) / 1000));
  alice.client.close();
}
