import { describe, expect, it } from 'vitest';
import { createClassroomData } from './callData.js';
import { deriveClassroom } from './classroom/derive.js';
import { applyQueueFrame, type QueueFrame } from './queue.js';
import type { InvitationRecord } from './rules/types.js';
import { type QueuedHand, queueEntryOf, queueFrame } from './rules/views.js';

const DATA = createClassroomData('hand', 'r1');
const DEADLINE = 1_700_000_060_000;

function marker(id: string, owner: string, createdAt: number, serial: number, group = 'g'): InvitationRecord {
  return {
    inviteID: id,
    inviter: owner,
    groupID: group,
    data: DATA,
    timeout: 60,
    onlineUserOnly: false,
    createdAt,
    serial,
    answers: 0,
    invitees: [{ userID: 'teacher', state: 'pending', deadline: DEADLINE, delivered: true }],
  };
}

const entries = (...records: InvitationRecord[]) =>
  new Map(records.map((r) => [r.inviteID, queueEntryOf(r) as QueuedHand]));

describe('the queue stream: server frames, client view', () => {
  it('a full frame gives a member the queue in server order, as markers it can derive', () => {
    const a = marker('h-a', 'amy', 1000, 2);
    const b = marker('h-b', 'ben', 1000, 1);
    const c = marker('h-c', 'cat', 900, 9);
    const frame = queueFrame('g', undefined, entries(a, b, c)) as QueueFrame;
    expect(frame.full).toBe(true);
    expect(frame.rounds).toEqual([
      {
        groupID: 'g',
        data: DATA,
        timeout: 60,
        onlineUserOnly: false,
        answers: 0,
        invitees: [{ userID: 'teacher', state: 'pending', deadline: DEADLINE, delivered: false }],
      },
    ]);
    const view = new Map<string, InvitationRecord>();
    applyQueueFrame(view, new Set(), JSON.parse(JSON.stringify(frame)));
    expect(deriveClassroom(Object.fromEntries(view), 'g').queue.map((q) => q.userID)).toEqual([
      'cat',
      'ben',
      'amy',
    ]);
    // The streamed record is the marker as a non-party sees it: same order keys, same round.
    expect(view.get('h-a')).toMatchObject({ inviter: 'amy', createdAt: 1000, serial: 2, data: DATA });
    expect(view.get('h-a')?.invitees).toEqual([
      { userID: 'teacher', state: 'pending', deadline: DEADLINE, delivered: false },
    ]);
  });

  it('deltas add and remove; nothing changed is no frame; an emptied queue is said whole', () => {
    const a = marker('h-a', 'amy', 1000, 1);
    const b = marker('h-b', 'ben', 1001, 2);
    expect(queueFrame('g', entries(a), entries(a))).toBeUndefined();
    const delta = queueFrame('g', entries(a), entries(b)) as QueueFrame;
    expect(delta.full).toBeUndefined();
    expect(delta.hands.map((h) => h[0])).toEqual(['h-b']);
    expect(delta.gone).toEqual(['h-a']);
    expect(queueFrame('g', entries(a, b), new Map())).toEqual({
      t: 'queue',
      groupID: 'g',
      full: true,
      hands: [],
      rounds: [],
      gone: [],
    });
  });

  it('the client keeps the records it holds in full and only drops what the stream put there', () => {
    const own = marker('h-own', 'me', 1000, 1);
    const other = marker('h-other', 'ben', 1001, 2);
    const elsewhere = marker('h-x', 'zoe', 1002, 3, 'other-class');
    const view = new Map<string, InvitationRecord>([[own.inviteID, own]]);
    const streamed = new Set<string>();
    applyQueueFrame(view, streamed, queueFrame('g', undefined, entries(own, other)) as QueueFrame);
    applyQueueFrame(view, streamed, queueFrame('other-class', undefined, entries(elsewhere)) as QueueFrame);
    expect(view.get('h-own')).toBe(own);
    expect([...streamed].sort()).toEqual(['h-other', 'h-x']);
    // A full frame of one class replaces that class's streamed hands only.
    applyQueueFrame(view, streamed, queueFrame('g', entries(own, other), new Map()) as QueueFrame);
    expect([...view.keys()].sort()).toEqual(['h-own', 'h-x']);
    // A gone hand the member holds in full stays: its own events end it.
    applyQueueFrame(view, streamed, { t: 'queue', groupID: 'g', hands: [], rounds: [], gone: ['h-own'] });
    expect(view.get('h-own')).toBe(own);
  });

  it('a hand whose round index is missing is skipped, not guessed', () => {
    const view = new Map<string, InvitationRecord>();
    applyQueueFrame(view, new Set(), {
      t: 'queue',
      groupID: 'g',
      hands: [['h', 'amy', 1, 1, 3]],
      rounds: [],
      gone: [],
    });
    expect(view.size).toBe(0);
  });
});
