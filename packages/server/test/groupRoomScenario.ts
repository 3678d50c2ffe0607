import { CallType, createCallData, createHangupData } from '@beckon/signaling';
import { expect } from 'vitest';
import { createToken } from '../src/auth.js';
import type { GroupRooms } from '../src/rooms.js';
import { api, connectUser, SECRET, type TestUser, waitFor } from './helpers.js';
import { openRaw, type RawClient } from './raw.js';

// Group call rooms (issue 21), shared by the memory tests (one server) and the Redis tests
// (users spread over two server processes).

/** A server process as these scenarios reach it. */
export interface Place {
  readonly url: string;
  readonly wsUrl: string;
}

/** One user: a SignalingClient for invitations, a raw socket to send media-room messages and see refusals. */
export interface Party {
  readonly id: string;
  readonly user: TestUser;
  readonly raw: RawClient;
  /** Media-room messages this user received (`from:data`). */
  readonly inbox: string[];
}

/** Opens users and closes them at the end. */
export class Parties {
  readonly #open: Party[] = [];

  async join(place: Place, id: string): Promise<Party> {
    const user = await connectUser(place, id);
    const raw = await openRaw(place.wsUrl);
    await raw.auth(await createToken({ secret: SECRET, userID: id }), 'probe');
    const inbox: string[] = [];
    user.client.on('onRoomSignal', ({ from, data }) => inbox.push(`${from}:${data}`));
    const party = { id, user, raw, inbox };
    this.#open.push(party);
    return party;
  }

  close(): void {
    for (const p of this.#open.splice(0)) {
      p.user.client.close();
      p.raw.ws.terminate();
    }
  }
}

let probes = 0;

/**
 * Sends one media-room message from `from` to `to` and waits for what the server did with it:
 * `to` receives it, or `from` gets the 8011 refusal. No waiting for time either way.
 */
export async function relays(from: Party, roomID: string, to: Party): Promise<boolean> {
  const data = `probe-${++probes}`;
  const start = from.raw.frames.length;
  from.raw.send({ t: 'rtc', roomID, to: to.id, data });
  const refused = () => from.raw.frames.slice(start).some((f) => f.t === 'error' && f.error?.code === 8011);
  const got = () => to.inbox.includes(`${from.id}:${data}`);
  await waitFor(() => got() || refused(), 5000, `${from.id} -> ${to.id} in ${roomID}`);
  return got();
}

/** Probes until the relay gives `expected` (state another process writes after its reply). */
export async function untilRelays(from: Party, roomID: string, to: Party, expected = true): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await relays(from, roomID, to)) !== expected) {
    if (Date.now() > deadline)
      throw new Error(`${from.id} -> ${to.id} in ${roomID} never became ${expected}`);
  }
}

const groupCall = (roomID: string, userIDs: readonly string[]) =>
  createCallData({ callType: CallType.VIDEO, roomID, userIDs: [...userIDs] });
const leaveNotice = (roomID: string, userIDs: readonly string[]) =>
  createHangupData({ callType: CallType.VIDEO, roomID, userIDs: [...userIDs], durationSeconds: 4 });

async function accepted(by: Party, inviteID: string): Promise<void> {
  await waitFor(() => by.user.client.invitations.has(inviteID), 5000, `${by.id} to see ${inviteID}`);
  await by.user.client.accept(inviteID);
}

/**
 * Without a chat group: alice invites bob and carol one invitation each (same room, `userIDs`
 * both). The first accept opens the room to alice and bob; carol's lets her in; mallory, who
 * names the room in his own invitation that bob accepts (and in eve's to him, which he accepts),
 * gets nothing relayed; a one-to-one
 * hang-up naming the room does not close it; leave notices close it once all three have left.
 */
export async function groupRoomWithoutGroup(
  parties: Parties,
  at: (name: string) => Place,
  id: (name: string) => string,
): Promise<void> {
  const [alice, bob, carol, mallory, eve] = [
    await parties.join(at('alice'), id('alice')),
    await parties.join(at('bob'), id('bob')),
    await parties.join(at('carol'), id('carol')),
    await parties.join(at('mallory'), id('mallory')),
    await parties.join(at('eve'), id('eve')),
  ];
  const room = id('group-room');
  const callees = [bob.id, carol.id];
  const toBob = await alice.user.client.invite(bob.id, groupCall(room, callees), { timeout: 30 });
  const toCarol = await alice.user.client.invite(carol.id, groupCall(room, callees), { timeout: 30 });
  expect(await relays(alice, room, bob)).toBe(false);

  await accepted(bob, toBob);
  await untilRelays(alice, room, bob);
  expect(await relays(bob, room, alice)).toBe(true);
  // Carol is invited but has not accepted: not in the room yet.
  expect(await relays(alice, room, carol)).toBe(false);

  // Mallory names the room in his own invitation, and bob even accepts it.
  const fromMallory = await mallory.user.client.invite(bob.id, groupCall(room, [bob.id, alice.id]), {
    timeout: 30,
  });
  await accepted(bob, fromMallory);
  // And his accomplice invites him to the room: he accepts.
  const fromEve = await eve.user.client.invite(mallory.id, groupCall(room, [mallory.id, bob.id]), {
    timeout: 30,
  });
  await accepted(mallory, fromEve);
  // Carol accepts after: once she is in, mallory's accept (decided before) has been applied too.
  await accepted(carol, toCarol);
  await untilRelays(bob, room, carol);
  expect(await relays(carol, room, alice)).toBe(true);
  expect(await relays(mallory, room, bob)).toBe(false);
  expect(await relays(mallory, room, alice)).toBe(false);
  expect(await relays(bob, room, mallory)).toBe(false);
  expect(await relays(eve, room, mallory)).toBe(false);
  expect(await relays(eve, room, alice)).toBe(false);

  // A one-to-one hang-up naming the room (anyone can send one) closes one-to-one rooms only.
  await mallory.user.client.invite(
    alice.id,
    createHangupData({ callType: CallType.VIDEO, roomID: room, durationSeconds: 1 }),
    { timeout: 0 },
  );
  // Mallory's leave notice for a room he is not in changes nothing either.
  await mallory.user.client.invite(alice.id, leaveNotice(room, [alice.id, bob.id, carol.id]), {
    timeout: 0,
  });
  expect(await relays(alice, room, carol)).toBe(true);

  // Bob leaves: alice and carol go on.
  for (const to of [alice, carol])
    await bob.user.client.invite(to.id, leaveNotice(room, callees), { timeout: 0 });
  expect(await relays(alice, room, carol)).toBe(true);
  await alice.user.client.invite(carol.id, leaveNotice(room, callees), { timeout: 0 });
  expect(await relays(carol, room, alice)).toBe(true);
  // The last one leaves: the room closes for everyone.
  await carol.user.client.invite(alice.id, leaveNotice(room, callees), { timeout: 0 });
  await untilRelays(alice, room, carol, false);
  expect(await relays(bob, room, carol)).toBe(false);
}

/**
 * In a chat group: one inviteInGroup for bob and carol. Each accept lets its acceptor in; dave,
 * added later by carol (a user of the room) in a new invitation, gets in when he accepts.
 */
export async function groupRoomInGroup(
  parties: Parties,
  at: (name: string) => Place,
  id: (name: string) => string,
): Promise<void> {
  const [alice, bob, carol, dave] = [
    await parties.join(at('alice'), id('alice')),
    await parties.join(at('bob'), id('bob')),
    await parties.join(at('carol'), id('carol')),
    await parties.join(at('dave'), id('dave')),
  ];
  const created = await api(at('alice'), 'POST', '/groups', alice.user.token, { name: 'Team' });
  for (const p of [bob, carol, dave])
    expect(
      (await api(at(p.id), 'POST', '/groups/join', p.user.token, { code: created.body.code })).status,
    ).toBe(200);
  const { groupID } = created.body as { groupID: string };
  const room = id('team-room');
  const inviteID = await alice.user.client.inviteInGroup(
    groupID,
    [bob.id, carol.id],
    groupCall(room, [bob.id, carol.id]),
    {
      timeout: 30,
    },
  );
  await accepted(carol, inviteID);
  await untilRelays(alice, room, carol);
  // Dave is a member of the group but was not invited: membership does not open the room.
  expect(await relays(dave, room, alice)).toBe(false);
  await accepted(bob, inviteID);
  await untilRelays(bob, room, carol);

  const added = await carol.user.client.inviteInGroup(
    groupID,
    [dave.id],
    groupCall(room, [bob.id, carol.id, dave.id]),
    { timeout: 30 },
  );
  await accepted(dave, added);
  await untilRelays(dave, room, alice);
  expect(await relays(bob, room, dave)).toBe(true);
}

/** The room rules on a store directly: who gets in, leaving, closing, expiry, and concurrent joins. */
export async function groupRoomRules(store: GroupRooms, room: string): Promise<void> {
  const later = Date.now() + 60_000;
  const [t1, t2, t3] = [1_000, 2_000, 3_000];
  expect(await store.groupRoom(room)).toBeUndefined();
  expect(await store.leaveGroupRoom(room, 'alice')).toBe('absent');
  expect(await store.joinGroupRoom(room, 'alice', 'bob', later, t1)).toBe(true);
  expect(await store.joinGroupRoom(room, 'mallory', 'eve', later, t2)).toBe(false);
  expect(await store.joinGroupRoom(room, 'bob', 'carol', later, t2)).toBe(true);
  const open = await store.groupRoom(room);
  expect([...(open?.users ?? [])].sort()).toEqual(['alice', 'bob', 'carol']);
  expect(open?.left).toEqual([]);
  expect(open?.expiresAt).toBe(later);
  // When each came in: the room's opener with its first acceptor, then each acceptor.
  expect(Object.fromEntries(open?.joinedAt ?? [])).toEqual({ alice: t1, bob: t1, carol: t2 });

  expect(await store.leaveGroupRoom(room, 'mallory')).toBe('absent');
  expect(await store.leaveGroupRoom(room, 'alice')).toBe('left');
  expect((await store.groupRoom(room))?.left).toEqual(['alice']);
  // A second leave of the same user marks nothing (the group watch leaves for a user once).
  expect(await store.leaveGroupRoom(room, 'alice')).toBe('alreadyLeft');
  // Invited again by someone in the room and accepted: alice is back, from the new accept.
  expect(await store.joinGroupRoom(room, 'carol', 'alice', later, t3)).toBe(true);
  expect((await store.groupRoom(room))?.left).toEqual([]);
  expect((await store.groupRoom(room))?.joinedAt.get('alice')).toBe(t3);
  expect(await store.leaveGroupRoom(room, 'alice')).toBe('left');
  expect(await store.leaveGroupRoom(room, 'bob')).toBe('left');
  expect(await store.leaveGroupRoom(room, 'carol')).toBe('closed');
  expect(await store.groupRoom(room)).toBeUndefined();

  // Accepts decided at the same time on several processes: none is lost.
  const crowd = Array.from({ length: 20 }, (_, i) => `u${i}`);
  expect(await store.joinGroupRoom(`${room}-crowd`, 'host', 'first', later, t1)).toBe(true);
  const joins = await Promise.all(
    crowd.map((u) => store.joinGroupRoom(`${room}-crowd`, 'host', u, later, t2)),
  );
  expect(joins.every(Boolean)).toBe(true);
  expect((await store.groupRoom(`${room}-crowd`))?.users).toHaveLength(22);
  // Leaves of one user decided at the same time on several processes: exactly one marks them.
  const leaves = await Promise.all(
    Array.from({ length: 5 }, () => store.leaveGroupRoom(`${room}-crowd`, 'u3')),
  );
  expect(leaves.filter((r) => r === 'left')).toHaveLength(1);
  expect(leaves.filter((r) => r === 'alreadyLeft')).toHaveLength(4);

  // Past CALL_ROOM_TTL_MS (here: an expiry already past) the room is gone.
  expect(await store.joinGroupRoom(`${room}-old`, 'alice', 'bob', Date.now() - 1, t1)).toBe(true);
  expect(await store.groupRoom(`${room}-old`)).toBeUndefined();
  expect(await store.joinGroupRoom(`${room}-old`, 'mallory', 'eve', later, t2)).toBe(true);
  expect((await store.groupRoom(`${room}-old`))?.users).not.toContain('alice');
}
