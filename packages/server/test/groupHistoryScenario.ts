import { CallType, createCallData, createHangupData } from '@beckon/signaling';
import { expect } from 'vitest';
import type { HistoryEntry } from '../src/store/types.js';
import type { Parties, Party, Place } from './groupRoomScenario.js';
import { api, waitFor } from './helpers.js';

// Group call history (issue 21) over real sockets, shared by the memory and Redis suites.

const groupCall = (roomID: string, userIDs: readonly string[]) =>
  createCallData({ callType: CallType.AUDIO, roomID, userIDs: [...userIDs] });
const leaveNotice = (roomID: string, userIDs: readonly string[], durationSeconds: number) =>
  createHangupData({ callType: CallType.AUDIO, roomID, userIDs: [...userIDs], durationSeconds });

async function history(place: Place, p: Party): Promise<HistoryEntry[]> {
  return (await api(place, 'GET', '/history', p.user.token)).body.entries as HistoryEntry[];
}

/** Polls `p`'s history until its entries of `roomID` pass `check` (history is written after the reply). */
async function entriesOf(
  place: Place,
  p: Party,
  roomID: string,
  check: (entries: HistoryEntry[]) => boolean,
): Promise<HistoryEntry[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const entries = (await history(place, p)).filter((e) => e.roomID === roomID);
    if (check(entries)) return entries;
    if (Date.now() > deadline) throw new Error(`${p.id}'s history of ${roomID}: ${JSON.stringify(entries)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const one = (outcome: HistoryEntry['outcome']) => (entries: HistoryEntry[]) =>
  entries.length === 1 && entries[0]?.outcome === outcome;

async function ringing(by: Party, inviteID: string): Promise<void> {
  await waitFor(() => by.user.client.invitations.has(inviteID), 5000, `${by.id} to see ${inviteID}`);
}

/**
 * Alice calls bob, carol and dave (no chat group: one invitation each). Bob accepts, carol
 * declines, alice cancels dave's; bob adds erin, who accepts. Each has one entry for the room;
 * bob's leave notice completes bob's only, alice's hers; mallory's notice naming the room
 * changes nobody's.
 */
export async function groupHistoryWithoutGroup(
  parties: Parties,
  at: (name: string) => Place,
  id: (name: string) => string,
): Promise<void> {
  const [alice, bob, carol, dave, erin, mallory] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory'].map((n) => parties.join(at(n), id(n))),
  );
  if (!alice || !bob || !carol || !dave || !erin || !mallory) throw new Error('parties');
  const room = id('history-room');
  const callees = [bob.id, carol.id, dave.id];
  const [toBob, toCarol, toDave] = await Promise.all(
    callees.map((c) => alice.user.client.invite(c, groupCall(room, callees), { timeout: 30 })),
  );
  await ringing(bob, toBob ?? '');
  await bob.user.client.accept(toBob ?? '');
  await ringing(carol, toCarol ?? '');
  await carol.user.client.reject(toCarol ?? '');
  await alice.user.client.cancel(toDave ?? '');
  const toErin = await bob.user.client.invite(erin.id, groupCall(room, [...callees, erin.id]), {
    timeout: 30,
  });
  await ringing(erin, toErin);
  await erin.user.client.accept(toErin);

  const [aliceEntry] = await entriesOf(at('alice'), alice, room, (e) => {
    const p = e[0]?.participants ?? [];
    return one('answered')(e) && [bob.id, carol.id, dave.id].every((u) => p.includes(u));
  });
  expect(aliceEntry).toMatchObject({ direction: 'outgoing', peer: bob.id, callType: CallType.AUDIO });
  expect(aliceEntry?.groupID).toBeUndefined();
  expect(aliceEntry?.durationSeconds).toBeUndefined();
  const [carolEntry] = await entriesOf(at('carol'), carol, room, one('declined'));
  expect(carolEntry).toMatchObject({ direction: 'incoming', peer: alice.id });
  expect([...(carolEntry?.participants ?? [])].sort()).toEqual([alice.id, bob.id, dave.id].sort());
  await entriesOf(at('dave'), dave, room, one('cancelled'));
  const [erinEntry] = await entriesOf(at('erin'), erin, room, one('answered'));
  expect(erinEntry).toMatchObject({ direction: 'incoming', peer: bob.id });
  // Bob's invitation lists the callees, not alice who placed the call: erin learns of her when she leaves.
  expect([...(erinEntry?.participants ?? [])].sort()).toEqual([bob.id, carol.id, dave.id].sort());
  // Bob answered alice, then invited erin: still one entry, incoming from alice, erin added.
  await entriesOf(
    at('bob'),
    bob,
    room,
    (e) => one('answered')(e) && e[0]?.participants?.includes(erin.id) === true,
  );

  // Bob leaves after 42 s: his entry only.
  const everyone = [bob.id, carol.id, dave.id, erin.id];
  for (const to of [alice, erin])
    await bob.user.client.invite(to.id, leaveNotice(room, everyone, 42), { timeout: 0 });
  const [bobEntry] = await entriesOf(at('bob'), bob, room, one('completed'));
  expect(bobEntry).toMatchObject({ direction: 'incoming', peer: alice.id, durationSeconds: 42 });
  expect(bobEntry?.endedBy).toBeUndefined();
  // The notice went to alice and erin: their entries stay answered.
  await entriesOf(at('alice'), alice, room, one('answered'));
  await entriesOf(at('erin'), erin, room, one('answered'));
  // Mallory names the room in a leave notice to alice: nothing changes, he gets no entry.
  await mallory.user.client.invite(alice.id, leaveNotice(room, everyone, 999), { timeout: 0 });
  // Alice leaves after 50 s (sent after mallory's: once hers is in, his was decided).
  await alice.user.client.invite(erin.id, leaveNotice(room, everyone, 50), { timeout: 0 });
  const [aliceDone] = await entriesOf(at('alice'), alice, room, one('completed'));
  expect(aliceDone).toMatchObject({ direction: 'outgoing', peer: bob.id, durationSeconds: 50 });
  expect(await entriesOf(at('mallory'), mallory, room, () => true)).toEqual([]);
  await entriesOf(at('carol'), carol, room, one('declined'));
  // Erin leaves last: her notice lists everyone ever in the call, alice too.
  await erin.user.client.invite(alice.id, leaveNotice(room, [alice.id, ...everyone], 30), { timeout: 0 });
  const [erinDone] = await entriesOf(at('erin'), erin, room, one('completed'));
  expect(erinDone).toMatchObject({ peer: bob.id, durationSeconds: 30 });
  expect([...(erinDone?.participants ?? [])].sort()).toEqual([alice.id, bob.id, carol.id, dave.id].sort());
}

/**
 * In a chat group, one inviteInGroup for bob and carol: bob accepts, carol lets it time out.
 * Both entries carry the group; dave, a member who was not invited, has none.
 */
export async function groupHistoryInGroup(
  parties: Parties,
  at: (name: string) => Place,
  id: (name: string) => string,
): Promise<void> {
  const [alice, bob, carol, dave] = await Promise.all(
    ['alice', 'bob', 'carol', 'dave'].map((n) => parties.join(at(n), id(n))),
  );
  if (!alice || !bob || !carol || !dave) throw new Error('parties');
  const created = await api(at('alice'), 'POST', '/groups', alice.user.token, { name: 'History' });
  for (const p of [bob, carol, dave])
    await api(at(p.id), 'POST', '/groups/join', p.user.token, { code: created.body.code });
  const { groupID } = created.body as { groupID: string };
  const room = id('group-history-room');
  const inviteID = await alice.user.client.inviteInGroup(
    groupID,
    [bob.id, carol.id],
    groupCall(room, [bob.id, carol.id]),
    {
      timeout: 1,
    },
  );
  await ringing(bob, inviteID);
  await bob.user.client.accept(inviteID);
  // Answered at the accept, before carol's answer (here: her timeout) ends the invitation.
  const [bobEntry] = await entriesOf(at('bob'), bob, room, one('answered'));
  expect(bobEntry).toMatchObject({ groupID, peer: alice.id, direction: 'incoming' });
  expect(bobEntry?.participants).toEqual([alice.id, carol.id]);
  const [carolEntry] = await entriesOf(at('carol'), carol, room, one('missed'));
  expect(carolEntry).toMatchObject({ groupID, peer: alice.id });
  const [aliceEntry] = await entriesOf(at('alice'), alice, room, one('answered'));
  expect(aliceEntry).toMatchObject({ groupID, direction: 'outgoing' });
  expect(await entriesOf(at('dave'), dave, room, () => true)).toEqual([]);
}
