import {
  CallType,
  createBusyData,
  createCallData,
  createHangupData,
  type InvitationRecord,
  type InviteeRecord,
  type SignalingEvent,
} from '@beckon/signaling';
import { describe, expect, it } from 'vitest';
import {
  groupHistoryFromAccept,
  groupHistoryFromEnded,
  groupHistoryFromLeave,
  inviterOutcome,
} from '../src/groupHistory.js';
import {
  DEFAULT_HISTORY_LIMITS,
  DEFAULT_HISTORY_PARTICIPANTS,
  historyFromEnded,
  historyFromHangup,
  historyLimits,
  mergeGroupEntry,
  planHistory,
} from '../src/history.js';
import { MemoryStore } from '../src/store/memory.js';
import type { HistoryEntry } from '../src/store/types.js';

// Group call history (issue 21), pure: the entries each moment makes and how they merge.

const invitee = (userID: string, state: InviteeRecord['state'], data?: string): InviteeRecord => ({
  userID,
  state,
  deadline: 0,
  delivered: true,
  ...(data === undefined ? {} : { data }),
});

const record = (invitees: InviteeRecord[], userIDs: string[], groupID = ''): InvitationRecord => ({
  inviteID: 'i1',
  inviter: 'alice',
  groupID,
  data: createCallData({ callType: CallType.VIDEO, roomID: 'r1', userIDs }),
  timeout: 30,
  onlineUserOnly: false,
  createdAt: 1000,
  invitees,
  answers: 0,
});

const group = (outcome: HistoryEntry['outcome'], more: Partial<HistoryEntry> = {}): HistoryEntry => ({
  inviteID: 'i1',
  roomID: 'r1',
  peer: 'bob',
  direction: 'outgoing',
  callType: 2,
  outcome,
  startedAt: 1000,
  participants: ['bob'],
  ...more,
});

describe('group call history entries', () => {
  it("the inviter's outcome of an invitation: answered, declined by all, cancelled, else missed", () => {
    const busy = createBusyData({ callType: CallType.VIDEO, roomID: 'r1' });
    const states = (...s: InviteeRecord['state'][]) =>
      record(
        s.map((st, i) => invitee(`u${i}`, st)),
        [],
      );
    expect(inviterOutcome(states('rejected', 'accepted', 'timeout'))).toBe('answered');
    expect(inviterOutcome(record([invitee('u0', 'rejected'), invitee('u1', 'rejected', busy)], []))).toBe(
      'declined',
    );
    expect(inviterOutcome(states('rejected', 'timeout'))).toBe('missed');
    expect(inviterOutcome(states('rejected', 'cancelled'))).toBe('cancelled');
    expect(inviterOutcome(states('timeout'))).toBe('missed');
  });

  it('an ended invitation: each invitee who did not accept, as one-to-one, and the inviter', () => {
    const busy = createBusyData({ callType: CallType.VIDEO, roomID: 'r1' });
    const ended = record(
      [invitee('bob', 'accepted'), invitee('carol', 'rejected', busy), invitee('dave', 'timeout')],
      ['bob', 'carol', 'dave'],
      'g1',
    );
    const byUser = Object.fromEntries(groupHistoryFromEnded(ended).map((u) => [u.userID, u.entry]));
    expect(Object.keys(byUser).sort()).toEqual(['alice', 'carol', 'dave']);
    expect(byUser.carol).toMatchObject({
      outcome: 'busy',
      direction: 'incoming',
      peer: 'alice',
      groupID: 'g1',
    });
    expect(byUser.carol?.participants).toEqual(['alice', 'bob', 'dave']);
    expect(byUser.dave?.outcome).toBe('missed');
    expect(byUser.alice).toMatchObject({ outcome: 'answered', direction: 'outgoing', peer: 'bob' });
    expect(byUser.alice?.participants).toEqual(['bob', 'carol', 'dave']);
    // The one-to-one builder leaves it alone, and the group one leaves one-to-one calls alone.
    expect(historyFromEnded(ended)).toEqual([]);
    expect(groupHistoryFromEnded(record([invitee('bob', 'accepted')], ['bob']))).toEqual([]);
  });

  it('an accept answers the acceptor and the inviter at once', () => {
    const ringing = record([invitee('bob', 'pending'), invitee('carol', 'pending')], ['bob', 'carol']);
    const updates = groupHistoryFromAccept(ringing, 'carol');
    expect(updates.map((u) => [u.userID, u.entry.outcome, u.entry.direction, u.entry.peer])).toEqual([
      ['carol', 'answered', 'incoming', 'alice'],
      ['alice', 'answered', 'outgoing', 'bob'],
    ]);
    expect(groupHistoryFromAccept(record([invitee('bob', 'pending')], ['bob']), 'bob')).toEqual([]);
  });

  it("a leave notice is its sender's only, with its seconds; a one-to-one hang-up is not one", () => {
    const notice = (userIDs: string[]): SignalingEvent => ({
      kind: 'invite',
      at: 100_000,
      envelope: {
        businessID: 1,
        inviteID: 'h1',
        inviter: 'bob',
        actionType: 1,
        inviteeList: ['alice'],
        data: createHangupData({ callType: CallType.VIDEO, roomID: 'r1', userIDs, durationSeconds: 42 }),
        timeout: 0,
        groupID: '',
        onlineUserOnly: false,
      },
      invitation: record([], []),
    });
    const updates = groupHistoryFromLeave(notice(['alice', 'bob', 'carol']));
    expect(updates).toHaveLength(1);
    expect(updates[0]?.userID).toBe('bob');
    expect(updates[0]?.entry).toMatchObject({ outcome: 'completed', durationSeconds: 42, endedAt: 100_000 });
    expect(updates[0]?.entry.participants).toEqual(['alice', 'carol']);
    expect(historyFromHangup(notice(['alice', 'bob', 'carol']))).toEqual([]);
    expect(groupHistoryFromLeave(notice(['alice']))).toEqual([]);
  });
});

describe('merging group call entries (planHistory)', () => {
  const merged = (a: HistoryEntry, b: HistoryEntry) => mergeGroupEntry(a, b).outcome;

  it("the inviter's outcome over several invitations of the room", () => {
    expect(merged(group('declined'), group('declined'))).toBe('declined');
    expect(merged(group('declined'), group('missed'))).toBe('missed');
    expect(merged(group('missed'), group('cancelled'))).toBe('cancelled');
    expect(merged(group('missed'), group('answered'))).toBe('answered');
    expect(merged(group('answered'), group('declined'))).toBe('answered');
    expect(merged(group('completed'), group('missed'))).toBe('completed');
  });

  it("an invitee's takes the latest invitation unless answered", () => {
    const incoming = (o: HistoryEntry['outcome']) => group(o, { direction: 'incoming', peer: 'alice' });
    expect(merged(incoming('declined'), incoming('missed'))).toBe('missed');
    expect(merged(incoming('answered'), incoming('declined'))).toBe('answered');
  });

  it('one entry per room: participants united, the first peer and direction kept', () => {
    const change = planHistory(
      [group('answered'), group('missed', { roomID: 'r0' })],
      group('missed', { peer: 'erin', participants: ['bob', 'erin'], direction: 'incoming' }),
      DEFAULT_HISTORY_LIMITS,
    );
    expect(change).toEqual({
      kind: 'set',
      index: 0,
      entry: group('answered', { participants: ['bob', 'erin'] }),
    });
  });

  it('a leave notice completes the entry of its room, and makes none when there is none', () => {
    const leave = group('completed', {
      peer: '',
      endedAt: 9000,
      durationSeconds: 8,
      participants: ['carol'],
    });
    expect(planHistory([], leave, DEFAULT_HISTORY_LIMITS)).toEqual({ kind: 'none' });
    expect(planHistory([group('answered')], leave, DEFAULT_HISTORY_LIMITS)).toEqual({
      kind: 'set',
      index: 0,
      entry: group('completed', { endedAt: 9000, durationSeconds: 8, participants: ['bob', 'carol'] }),
    });
  });

  it('one-to-one entries and group entries of the same room and peer never mix', () => {
    const { participants: _, ...oneToOne } = group('answered');
    const hangup = { ...oneToOne, outcome: 'completed' as const, durationSeconds: 5 };
    // A one-to-one hang-up does not complete the group entry...
    expect(planHistory([group('answered')], hangup, DEFAULT_HISTORY_LIMITS).kind).toBe('push');
    // ...and a group entry does not merge into the one-to-one one.
    expect(planHistory([oneToOne], group('missed'), DEFAULT_HISTORY_LIMITS).kind).toBe('push');
  });
});

describe('how many people a group call entry lists', () => {
  const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `u${from + i}`);

  it(`${DEFAULT_HISTORY_PARTICIPANTS} by default, the first seen; historyParticipants changes it`, () => {
    const pushed = planHistory([], group('missed', { participants: many(60) }), DEFAULT_HISTORY_LIMITS);
    expect(pushed.kind === 'push' && pushed.entry.participants).toEqual(many(DEFAULT_HISTORY_PARTICIPANTS));
    const limits = historyLimits({ historyParticipants: 3 });
    expect(limits.participants).toBe(3);
    const merged = planHistory(
      [group('answered', { participants: many(2) })],
      group('missed', { participants: many(5, 1) }),
      limits,
    );
    expect(merged.kind === 'set' && merged.entry.participants).toEqual(['u0', 'u1', 'u2']);
  });

  it('must be a positive integer (TypeError, checked when the store is made)', () => {
    for (const bad of [0, -1, 1.5])
      expect(() => new MemoryStore({ historyParticipants: bad })).toThrow(
        new TypeError('historyParticipants must be a positive integer'),
      );
  });
});
