import { CallType, createCallData, createHangupData } from '@beckon/signaling';
import { expect } from 'vitest';
import { CALL_ROOM_TTL_MS } from '../src/rooms.js';
import type { Store } from '../src/store/types.js';

// A one-to-one call's media room, at the store alone (no server): shared by the memory test and
// the Redis test (one Redis and the local cluster).

async function call(store: Store, inviter: string, callee: string, roomID: string): Promise<string> {
  const data = createCallData({ callType: CallType.VIDEO, roomID });
  const reply = await store.dispatch(inviter, `${inviter}-d`, {
    op: 'invite',
    groupID: '',
    inviteeList: [callee],
    data,
    timeout: 30,
    onlineUserOnly: false,
  });
  if (!reply.ok) throw new Error(`invite: ${JSON.stringify(reply.error)}`);
  return reply.inviteID;
}

/**
 * The commit that accepts a call opens its room, for every process: `deciding` decides, `other`
 * (another process on a shared store, or the same one) reads it at once. A rejected call opens
 * none; `closeRoom` closes it.
 */
export async function callRoomOpensWithTheAccept(deciding: Store, other: Store, id: (n: string) => string) {
  const [alice, bob, carol] = [id('alice'), id('bob'), id('carol')];
  const room = id('room');
  const inviteID = await call(deciding, alice, bob, room);
  expect(await other.room(room)).toBeUndefined();
  const before = Date.now();
  const accepted = await deciding.dispatch(bob, `${bob}-d`, { op: 'accept', inviteID, data: '' });
  expect(accepted.ok).toBe(true);
  // No server ran: nothing but the accept's commit can have opened it.
  const open = await other.room(room);
  expect(open).toMatchObject({ users: [alice, bob], inviteID });
  expect(open?.answeredAt).toBeGreaterThanOrEqual(before);
  expect(open?.expiresAt).toBeGreaterThanOrEqual(before + CALL_ROOM_TTL_MS);

  const declined = id('declined');
  const other2 = await call(deciding, alice, carol, declined);
  const rejected = await deciding.dispatch(carol, `${carol}-d`, { op: 'reject', inviteID: other2, data: '' });
  expect(rejected.ok).toBe(true);
  expect(await other.room(declined)).toBeUndefined();
  // The hang-up itself (a call-end invitation) opens nothing.
  const hangup = createHangupData({ callType: CallType.VIDEO, roomID: room, durationSeconds: 1 });
  const hungUp = await deciding.dispatch(bob, `${bob}-d`, {
    op: 'invite',
    groupID: '',
    inviteeList: [alice],
    data: hangup,
    timeout: 0,
    onlineUserOnly: false,
  });
  expect(hungUp.ok).toBe(true);
  expect(await other.room(room)).toMatchObject({ inviteID });
  deciding.closeRoom(room);
  // closeRoom does not wait for the store: wait for the room to go (at most 10 s).
  for (let i = 0; i < 1000 && (await other.room(room)) !== undefined; i++)
    await new Promise((r) => setTimeout(r, 10));
  expect(await other.room(room)).toBeUndefined();
}
