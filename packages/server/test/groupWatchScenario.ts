import { CallType } from '@beckon/signaling';
import { expect } from 'vitest';
import type { HistoryEntry } from '../src/store/types.js';
import { hangups } from './callGraceScenario.js';
import {
  type GroupWorld,
  groupOf,
  mediaRoom,
  type Party,
  party,
  states,
  until,
} from './groupCallScenario.js';
import { api, type connectUser } from './helpers.js';

// Group calls always end on the server too (groupWatch.ts): a participant whose call device is
// gone past `callGraceMs` leaves in the server's notice. Shared by the memory suite (one server)
// and the Redis suite (two processes). The media room stand-in never reports anyone's media
// leaving: the others learn of a vanished participant from the server's notice only.

export interface WatchWorld extends GroupWorld {
  readonly graceMs: number;
  /** Whether the group room is still open in the store. */
  roomOpen(roomID: string): Promise<boolean>;
  /** Cuts the sockets of `userID`'s device as a network failure would; it reconnects by itself. */
  cut?(userID: string): void;
  /** Options of bob's device (the socket class `cut` acts on). */
  readonly bobDevice?: Parameters<typeof connectUser>[2];
}

const NAMES = ['alice', 'bob', 'carol'];

/** Leave notices `user` received from `from`. */
export const noticesFrom = (user: Party, from: Party) =>
  hangups(user).filter(({ event }) => event.inviter === from.userID);

/** Alice calls bob and carol (in a chat group or not); both accept. When each came in (server time). */
export async function threeInCall(world: WatchWorld, withGroup: boolean) {
  const alice = await party(world, 'alice');
  const bob = await party(world, 'bob', {}, world.bobDevice ?? {});
  const carol = await party(world, 'carol');
  const parties = [alice, bob, carol];
  const groupID = withGroup ? await groupOf(world, parties) : '';
  mediaRoom(parties);
  await alice.group.start(
    [bob.userID, carol.userID],
    withGroup ? { groupID, callType: CallType.VIDEO } : { callType: CallType.VIDEO },
  );
  await until(
    () => bob.group.state.phase === 'ringing' && carol.group.state.phase === 'ringing',
    'both ring',
  );
  await bob.group.accept();
  await carol.group.accept();
  await until(() => parties.every((p) => p.group.state.phase === 'inCall'), 'three in the call');
  const accepts = await alice.waitEvents('onInviteeAccepted', 2);
  const answeredAt = (p: Party) =>
    accepts.flatMap((e) => e.invitation.invitees).find((i) => i.userID === p.userID && i.state === 'accepted')
      ?.answeredAt ?? 0;
  const joined = { bob: answeredAt(bob), carol: answeredAt(carol) };
  const roomID = alice.group.state.roomID ?? '';
  const view = (p: Party) => states(p, world, NAMES);
  return {
    alice,
    bob,
    carol,
    roomID,
    joined: { ...joined, alice: Math.min(joined.bob, joined.carol) },
    view,
  };
}

/** Polls an async condition (state another process writes, or the store) until it holds. */
async function untilAsync(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const roomClosed = (world: WatchWorld, roomID: string, timeoutMs: number) =>
  untilAsync(async () => !(await world.roomOpen(roomID)), timeoutMs, 'the room to close');

/** `p`'s history entry of the room once it is completed. */
async function completedEntry(world: WatchWorld, p: Party, roomID: string): Promise<HistoryEntry> {
  let entry: HistoryEntry | undefined;
  await untilAsync(
    async () => {
      const res = await api(world.http, 'GET', '/history', p.token);
      entry = (res.body.entries as HistoryEntry[]).find((e) => e.roomID === roomID);
      return entry?.outcome === 'completed';
    },
    5000,
    `${p.name}'s entry completed`,
  );
  return entry as HistoryEntry;
}

/** The notice `survivor` got in `gone`'s name: a peerLeft leave notice, `call_end` up to the loss. */
function checkNotice(world: WatchWorld, survivor: Party, gone: Party, joinedAt: number, lostFrom: number) {
  const notices = noticesFrom(survivor, gone);
  expect(notices).toHaveLength(1);
  const [notice] = notices;
  expect(notice?.endReason).toBe('peerLeft');
  expect(notice?.event.timeout).toBe(0);
  // The loss happened between `lostFrom` and the server noticing; never the grace's end.
  const duration = notice?.callEnd ?? -1;
  const now = survivor.client.serverNow();
  expect(duration).toBeGreaterThanOrEqual(Math.round((lostFrom - joinedAt) / 1000));
  expect(duration).toBeLessThanOrEqual(Math.round((now - world.graceMs - joinedAt) / 1000));
  return duration;
}

/**
 * Bob's sockets vanish mid-call (his client gone, no notice): after the grace alice and carol
 * see him `left` at once, with the server's notice in his name, and his history entry has the
 * duration up to the loss. Then alice and carol vanish together: the server leaves for both,
 * the room closes, and their entries are completed too.
 */
export async function vanishedMidCall(
  world: WatchWorld,
  withGroup: boolean,
  /** What happens to bob's device before it goes (a move to another process). */
  before?: (bob: Party) => Promise<void>,
): Promise<void> {
  const { alice, bob, carol, roomID, joined, view } = await threeInCall(world, withGroup);
  await before?.(bob);
  // Let the call run, so the durations and the grace's end round to different seconds.
  await until(() => alice.client.serverNow() - joined.bob >= 1200, 'the call to run');
  const bobLost = alice.client.serverNow();
  bob.client.close();
  await until(
    () => view(alice).bob === 'left' && view(carol).bob === 'left',
    'bob left for the others',
    10_000 + world.graceMs * 3,
  );
  expect([alice.group.state.phase, carol.group.state.phase]).toEqual(['inCall', 'inCall']);
  const bobSeconds = checkNotice(world, alice, bob, joined.bob, bobLost);
  expect(noticesFrom(carol, bob).map((n) => n.callEnd)).toEqual([bobSeconds]);
  // The notices were cancelled once placed: nothing lingers.
  await until(
    () => alice.client.invitations.size === 0 && carol.client.invitations.size === 0,
    'no notice left active',
  );
  expect(await world.roomOpen(roomID)).toBe(true);
  expect(await completedEntry(world, bob, roomID)).toMatchObject({ durationSeconds: bobSeconds });

  // The last two vanish together: the server leaves for each, and the room closes.
  await until(() => alice.client.serverNow() - joined.bob >= 2400, 'the call to run on');
  const lastLost = alice.client.serverNow();
  alice.client.close();
  carol.client.close();
  await roomClosed(world, roomID, 10_000 + world.graceMs * 3);
  for (const [p, joinedAt] of [
    [alice, joined.alice],
    [carol, joined.carol],
  ] as const) {
    const entry = await completedEntry(world, p, roomID);
    expect(entry.durationSeconds).toBeGreaterThanOrEqual(Math.round((lastLost - joinedAt) / 1000));
    expect(entry.durationSeconds).toBeLessThan(Math.round((Date.now() - joinedAt) / 1000) + 1);
  }
  // Bob's entry keeps the duration up to his own loss.
  expect(await completedEntry(world, bob, roomID)).toMatchObject({ durationSeconds: bobSeconds });
}

/**
 * Bob's device drops and comes back inside the grace while carol's goes for good at the same
 * moment on the same process: once carol is `left` for alice and bob (her grace is over, and
 * bob's, started first, too), bob is still `joined`, no notice came in his name, and he leaves by his
 * own hang-up later; alice, alone, ends the call and the room closes.
 */
export async function backInsideGrace(world: WatchWorld): Promise<void> {
  const { alice, bob, carol, roomID, view } = await threeInCall(world, false);
  const sessions = bob.states.filter((s) => s === 'connected').length;
  world.cut?.(bob.userID);
  carol.client.close();
  await until(() => bob.states.filter((s) => s === 'connected').length > sessions, 'bob to reconnect');
  await until(
    () => view(alice).carol === 'left' && view(bob).carol === 'left',
    'carol left for alice and bob',
    10_000 + world.graceMs * 3,
  );
  expect(noticesFrom(alice, carol).map((n) => n.endReason)).toEqual(['peerLeft']);
  expect(view(alice).bob).toBe('joined');
  expect(noticesFrom(alice, bob)).toEqual([]);
  expect(bob.group.state.phase).toBe('inCall');
  expect(await world.roomOpen(roomID)).toBe(true);

  await bob.group.hangUp();
  await until(() => view(alice).bob === 'left', 'bob left by his own hang-up');
  expect(noticesFrom(alice, bob).map((n) => n.endReason)).toEqual([undefined]);
  await until(() => alice.group.state.phase === 'ended', 'alice, alone, ends');
  expect(alice.group.state.endReason).toBe('everyoneLeft');
  await roomClosed(world, roomID, 5000);
}

/**
 * Alice's device goes while her call still rings; bob accepts after: alice is in the room from
 * that accept, and a grace later the server leaves for her (duration 0), so bob sees her `left`
 * and her history entry is completed.
 */
export async function inviterGoneWhileRinging(world: WatchWorld): Promise<void> {
  const alice = await party(world, 'alice', { ringTimeoutSeconds: 30 });
  const bob = await party(world, 'bob');
  const carol = await party(world, 'carol');
  const view = (p: Party) => states(p, world, NAMES);
  mediaRoom([alice, bob, carol]);
  await alice.group.start([bob.userID, carol.userID], { callType: CallType.AUDIO });
  await until(() => bob.group.state.phase === 'ringing', 'bob rings');
  const roomID = alice.group.state.roomID ?? '';
  alice.client.close();
  // Bob answers once alice's grace is over with no room open yet (the watch must wait for the
  // invitation's deadline): nothing shows that moment, so the clock is waited for, as in
  // callGraceScenario's reconnectInsideGrace.
  const late = Date.now() + world.graceMs * 2;
  await until(() => Date.now() >= late, 'two graces', world.graceMs * 2 + 5000);
  await bob.group.accept();
  expect(view(bob).alice).toBe('joined');
  await until(() => view(bob).alice === 'left', 'alice left for bob', 10_000 + world.graceMs * 3);
  expect(noticesFrom(bob, alice).map((n) => [n.endReason, n.callEnd])).toEqual([['peerLeft', 0]]);
  expect(await completedEntry(world, alice, roomID)).toMatchObject({ durationSeconds: 0 });
}
