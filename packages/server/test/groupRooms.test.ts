import { CallType, createCallData, isGroupCall, parseCallData } from '@beckon/signaling';
import { afterEach, describe, expect, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { MemoryStore } from '../src/store/memory.js';
import { answeredCall, hangups } from './callGraceScenario.js';
import { groupHistoryInGroup, groupHistoryWithoutGroup } from './groupHistoryScenario.js';
import { groupRoomInGroup, groupRoomRules, groupRoomWithoutGroup, Parties } from './groupRoomScenario.js';
import { connectUser, startServer, waitFor } from './helpers.js';

let server: BeckonServer | undefined;
const parties = new Parties();
afterEach(async () => {
  parties.close();
  await server?.close();
  server = undefined;
});

const same = (name: string) => name;

describe('group call media rooms (issue 21)', () => {
  it('open on the first accept, let in later acceptors, refuse outsiders, close when all have left', async () => {
    const s = await startServer();
    server = s;
    await groupRoomWithoutGroup(parties, () => s, same);
  });

  it('in a chat group: each acceptor, and people added later by someone in the room', async () => {
    const s = await startServer();
    server = s;
    await groupRoomInGroup(parties, () => s, same);
  });

  it('the memory store applies the room rules', async () => {
    await groupRoomRules(new MemoryStore(), 'room-1');
  });
});

describe('the call watch and group calls', () => {
  it('a vanished group call participant: the one-to-one call is hung up, the group call gets a leave notice', async () => {
    const s = await startServer({ callGraceMs: 200 });
    server = s;
    const [alice, bob] = [await connectUser(s, 'alice'), await connectUser(s, 'bob')];
    const laptop = await connectUser(s, 'bob');
    try {
      // The group call first: the watch looks at a device's calls in the order they were placed.
      const group = createCallData({ callType: CallType.VIDEO, roomID: 'team', userIDs: ['bob', 'carol'] });
      const inviteID = await alice.client.invite('bob', group, { timeout: 30 });
      await waitFor(() => bob.client.invitations.has(inviteID), 5000, 'bob to ring');
      await bob.client.accept(inviteID);
      const { roomID } = await answeredCall(alice, bob);
      bob.client.close();
      await waitFor(() => hangups(alice).length >= 2, 10_000, 'the hang-up and the leave notice');
      const calls = hangups(alice).map(({ event }) => parseCallData(event.data));
      const rooms = calls.map((info) => (info.ok ? info.value : undefined));
      // The one-to-one call is hung up as one (bob its only callee); the group call's notice
      // reads as a group call's, so it never closes a one-to-one room nor ends one-to-one calls.
      expect(rooms).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ roomID, userIDs: ['bob'], endReason: 'peerLeft' }),
          expect.objectContaining({ roomID: 'team', endReason: 'peerLeft' }),
        ]),
      );
      const notice = rooms.find((r) => r?.roomID === 'team');
      expect(isGroupCall('', notice ?? { userIDs: [] }, 'bob')).toBe(true);
      expect(hangups(alice)).toHaveLength(2);
    } finally {
      for (const u of [alice, bob, laptop]) u.client.close();
    }
  });
});

describe('group call history (issue 21)', () => {
  it('one entry per room per party; a leave notice completes its sender only', async () => {
    const s = await startServer();
    server = s;
    await groupHistoryWithoutGroup(parties, () => s, same);
  });

  it('in a chat group: the group on every entry, none for members who were not invited', async () => {
    const s = await startServer();
    server = s;
    await groupHistoryInGroup(parties, () => s, same);
  });
});
