import { describe, expect, it } from 'vitest';
import {
  applyHistory,
  DEFAULT_HISTORY_LIMITS,
  eventOrder,
  foldable,
  HELD_END_MS,
  historyLimits,
  mergeHistory,
  planHistory,
  unsolicited,
} from '../src/history.js';
import { MemoryStore } from '../src/store/memory.js';
import type { HistoryEntry } from '../src/store/types.js';
import { strangerCannotWipeHistory } from './historyScenario.js';

let n = 0;
const entry = (
  peer: string,
  outcome: HistoryEntry['outcome'],
  more: Partial<HistoryEntry> = {},
): HistoryEntry => ({
  inviteID: `i${++n}`,
  roomID: `r${n}`,
  peer,
  direction: 'incoming',
  callType: 2,
  outcome,
  startedAt: n,
  ...more,
});
const build = (entries: HistoryEntry[], limits = DEFAULT_HISTORY_LIMITS) =>
  entries.reduce<HistoryEntry[]>((list, e) => mergeHistory(list, e, limits), []);

describe('history shares (pure)', () => {
  it('counts only incoming calls the user did not answer against the caller', () => {
    expect(unsolicited(entry('x', 'missed'))).toBe(true);
    expect(unsolicited(entry('x', 'cancelled'))).toBe(true);
    expect(unsolicited(entry('x', 'busy'))).toBe(true);
    expect(unsolicited(entry('x', 'declined'))).toBe(true);
    expect(unsolicited(entry('x', 'answered'))).toBe(false);
    expect(unsolicited(entry('x', 'completed'))).toBe(false);
    expect(unsolicited(entry('x', 'missed', { direction: 'outgoing' }))).toBe(false);
  });

  it("a peer's unanswered calls beyond its share push out that peer's oldest, nobody else's", () => {
    const limits = { limit: 10, perPeer: 3 };
    const mine = [entry('alice', 'answered'), entry('carol', 'missed', { direction: 'outgoing' })];
    const spam = Array.from({ length: 50 }, () => entry('mallory', 'cancelled'));
    const list = build([...mine, ...spam], limits);
    expect(list.map((e) => e.inviteID)).toEqual([
      ...spam
        .slice(-3)
        .map((e) => e.inviteID)
        .reverse(),
      ...mine.map((e) => e.inviteID).reverse(),
    ]);
  });

  it('the total limit drops the oldest entries, of any kind', () => {
    const limits = { limit: 4, perPeer: 3 };
    const entries = Array.from({ length: 6 }, (_, i) => entry(`p${i}`, i % 2 ? 'answered' : 'missed'));
    expect(build(entries, limits).map((e) => e.inviteID)).toEqual(
      entries
        .slice(-4)
        .map((e) => e.inviteID)
        .reverse(),
    );
    // Both rules in one step: the share's drop and the limit's drop are distinct entries.
    const full = build([entry('m', 'missed'), entry('a', 'answered'), entry('m', 'missed')], {
      limit: 3,
      perPeer: 2,
    });
    const change = planHistory(full, entry('m', 'missed'), { limit: 3, perPeer: 2 });
    expect(change).toMatchObject({ kind: 'push', drop: [2] });
    const tight = planHistory(full, entry('m', 'missed'), { limit: 2, perPeer: 2 });
    expect(tight).toMatchObject({ kind: 'push', drop: [1, 2] });
  });

  it('a hang-up completes only a call the user answered; a received one that completes nothing is dropped', () => {
    const answered = entry('alice', 'answered', { roomID: 'room' });
    const rang = entry('mallory', 'cancelled', { roomID: 'spam' });
    const list = build([answered, rang]);
    const hangup = (peer: string, roomID: string, direction: HistoryEntry['direction'] = 'incoming') =>
      entry(peer, 'completed', { roomID, direction, durationSeconds: 9, endedBy: peer });
    expect(planHistory(list, hangup('alice', 'room'), DEFAULT_HISTORY_LIMITS)).toMatchObject({
      kind: 'set',
      index: 1,
      entry: { inviteID: answered.inviteID, outcome: 'completed', durationSeconds: 9 },
    });
    // The stranger cannot turn the call it rang into one of bob's own, nor write a forged one.
    expect(planHistory(list, hangup('mallory', 'spam'), DEFAULT_HISTORY_LIMITS)).toEqual({ kind: 'none' });
    expect(planHistory(list, hangup('mallory', 'other'), DEFAULT_HISTORY_LIMITS)).toEqual({ kind: 'none' });
    // The sender's own hang-up is kept even when its call is not in the list.
    expect(planHistory(list, hangup('dave', 'x', 'outgoing'), DEFAULT_HISTORY_LIMITS)).toMatchObject({
      kind: 'push',
      drop: [],
    });
    expect(applyHistory(list, { kind: 'none' })).toEqual(list);
  });

  it('checks its options', () => {
    expect(historyLimits({})).toEqual({ limit: 200, perPeer: 20 });
    expect(historyLimits({ historyLimit: 5, historyPerPeer: 2 })).toEqual({ limit: 5, perPeer: 2 });
    expect(() => historyLimits({ historyPerPeer: 0 })).toThrow(/historyPerPeer must be a positive integer/);
    expect(() => historyLimits({ historyLimit: 1.5 })).toThrow(/historyLimit must be a positive integer/);
    expect(() => new MemoryStore({ historyPerPeer: -1 })).toThrow(TypeError);
  });
});

describe('history over real sockets, memory store', () => {
  it("300 invite+cancel pairs from a stranger leave bob's calls with alice in his history", async () => {
    await strangerCannotWipeHistory(new MemoryStore(), DEFAULT_HISTORY_LIMITS.perPeer);
  }, 120_000);
});

const call = (roomID: string, peer: string, outcome: HistoryEntry['outcome']): HistoryEntry => ({
  inviteID: `inv-${roomID}`,
  roomID,
  peer,
  direction: 'outgoing',
  callType: 1,
  outcome,
  startedAt: 1_000,
});
const hangup = (roomID: string, peer: string): HistoryEntry => ({
  ...call(roomID, peer, 'completed'),
  inviteID: `end-${roomID}`,
  endedAt: 9_000,
  durationSeconds: 8,
  endedBy: 'alice',
});

describe('mergeHistory: a call-end completes its call', () => {
  it('by room and peer; one naming no room completes the newest answered call with that peer', () => {
    const list = [
      call('r2', 'bob', 'cancelled'),
      call('r1', 'bob', 'answered'),
      call('r0', 'carol', 'answered'),
    ];
    const byRoom = mergeHistory(list, hangup('r1', 'bob'), DEFAULT_HISTORY_LIMITS);
    expect(byRoom.map((e) => e.outcome)).toEqual(['cancelled', 'completed', 'answered']);
    expect(byRoom[1]).toMatchObject({ roomID: 'r1', durationSeconds: 8, endedBy: 'alice' });
    const noRoom = mergeHistory(list, hangup('', 'bob'), DEFAULT_HISTORY_LIMITS);
    expect(noRoom.map((e) => [e.roomID, e.outcome])).toEqual([
      ['r2', 'cancelled'],
      ['r1', 'completed'],
      ['r0', 'answered'],
    ]);
    // Nobody answered a call with dan: the call-end is an entry of its own.
    expect(mergeHistory(list, hangup('', 'dan'), DEFAULT_HISTORY_LIMITS)).toHaveLength(4);
  });
});

describe('eventOrder: a call-end recorded before its accept', () => {
  const answered = (roomID: string, peer: string, at: number): HistoryEntry => ({
    ...call(roomID, peer, 'answered'),
    endedAt: at,
  });

  it('goes after the accept it ends, on both sides, and the list comes out as if recorded in order', () => {
    const accept = answered('r1', 'bob', 5_000);
    const end = hangup('r1', 'bob');
    const inOrder = build([call('r0', 'bob', 'missed'), accept, end]);
    expect(build(eventOrder([call('r0', 'bob', 'missed'), end, accept]))).toEqual(inOrder);
    // The receiver's side: a received end that completes nothing yet would be dropped.
    const received = { ...end, direction: 'incoming' as const };
    expect(build(eventOrder([received, accept]))).toEqual(build([accept, received]));
    expect(build([received, accept]).map((e) => e.outcome)).toEqual(['answered']);
  });

  it('leaves alone ends that belong to no later entry: another room, another peer, a later call in the same room', () => {
    const end = hangup('r1', 'bob');
    const others = [answered('r2', 'bob', 5_000), answered('r1', 'carol', 5_000)];
    expect(eventOrder([end, ...others])).toEqual([end, ...others]);
    // The room used again: a call answered after this end is a new call.
    const next = answered('r1', 'bob', 9_500);
    expect(eventOrder([end, next])).toEqual([end, next]);
    expect(eventOrder([end, answered('r1', 'bob', 4_000), next])).toEqual([
      answered('r1', 'bob', 4_000),
      end,
      next,
    ]);
  });

  it("an answered call whose own hang-up is already in the list is completed by it, in the hang-up's place", () => {
    const end = hangup('r1', 'bob');
    const later = call('r9', 'carol', 'missed');
    const list = build([end, later]);
    const accept = answered('r1', 'bob', 5_000);
    expect(mergeHistory(list, accept, DEFAULT_HISTORY_LIMITS)).toEqual([later, build([accept, end])[0]]);
    // Not an end from before this answer (the room used again), nor a received one (never kept).
    expect(mergeHistory(list, answered('r1', 'bob', 9_500), DEFAULT_HISTORY_LIMITS)).toHaveLength(3);
  });

  it("a group call's leave notice goes after the entry of its room it would complete", () => {
    const group = (outcome: HistoryEntry['outcome'], more: Partial<HistoryEntry> = {}): HistoryEntry => ({
      ...call('room-g', 'carol', outcome),
      participants: ['carol', 'dan'],
      ...more,
    });
    const leave = group('completed', { endedAt: 9_000, durationSeconds: 8 });
    const accept = group('answered');
    const ordered = eventOrder([leave, accept]);
    expect(ordered).toEqual([accept, leave]);
    expect(build(ordered)).toMatchObject([{ roomID: 'room-g', outcome: 'completed', durationSeconds: 8 }]);
  });
});

describe('foldable: what a compaction folds for good (Redis)', () => {
  const answered = (roomID: string, peer: string, at: number): HistoryEntry => ({
    ...call(roomID, peer, 'answered'),
    direction: 'incoming',
    endedAt: at,
  });
  const received = (roomID: string, peer: string): HistoryEntry => ({
    ...hangup(roomID, peer),
    direction: 'incoming',
  });
  const now = 9_000 + 1_000;
  const other = call('r5', 'carol', 'missed');

  it('stops before a received hang-up whose accept is neither in the list nor queued, while it is young', () => {
    const end = received('r1', 'bob');
    expect(foldable([], [other, end, other], now)).toBe(1);
    expect(foldable([], [end, other], now)).toBe(0);
    // Old enough: its accept is not coming; folded (and dropped) as before.
    expect(foldable([], [other, end, other], 9_000 + HELD_END_MS)).toBe(3);
  });

  it('folds it when what it completes is in the list or queued before it, or with its accept queued after it', () => {
    const end = received('r1', 'bob');
    const accept = answered('r1', 'bob', 5_000);
    expect(foldable([accept], [end, other], now)).toBe(2);
    expect(foldable([], [accept, end, other], now)).toBe(3);
    expect(foldable([], [end, other, accept], now)).toBe(3);
    // An end waiting for a later accept is never cut off from it by a hold behind it.
    const stray = received('r7', 'dan');
    expect(foldable([], [end, stray, accept], now)).toBe(0);
    expect(foldable([], [end, accept, stray], now)).toBe(2);
    // However old the end, it is not cut off from an accept queued after it.
    expect(foldable([], [end, stray, accept], 9_000 + HELD_END_MS + 1)).toBe(3);
    const late = { ...stray, endedAt: 9_000 + HELD_END_MS };
    expect(foldable([], [end, late, accept], 9_000 + HELD_END_MS + 1)).toBe(0);
  });

  it("holds nothing else: the user's own hang-ups, calls, group leave notices", () => {
    const own = hangup('r1', 'bob');
    const leave = { ...received('room-g', 'carol'), participants: ['carol'] };
    expect(foldable([], [own, other, leave], now)).toBe(3);
  });
});
