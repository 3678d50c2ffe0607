import { describe, expect, it } from 'vitest';
import { mergeHistory } from '../src/history.js';
import type { HistoryEntry } from '../src/store/types.js';

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
    const byRoom = mergeHistory(list, hangup('r1', 'bob'), 10);
    expect(byRoom.map((e) => e.outcome)).toEqual(['cancelled', 'completed', 'answered']);
    expect(byRoom[1]).toMatchObject({ roomID: 'r1', durationSeconds: 8, endedBy: 'alice' });
    const noRoom = mergeHistory(list, hangup('', 'bob'), 10);
    expect(noRoom.map((e) => [e.roomID, e.outcome])).toEqual([
      ['r2', 'cancelled'],
      ['r1', 'completed'],
      ['r0', 'answered'],
    ]);
    // Nobody answered a call with dan: the call-end is an entry of its own.
    expect(mergeHistory(list, hangup('', 'dan'), 10)).toHaveLength(4);
  });
});
