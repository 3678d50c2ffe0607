import { describe, expect, it } from 'vitest';
import { createClassroomData } from '../callData.js';
import {
  addInviteesEvent,
  answerEvent,
  deliveredEvent,
  inviteEvent,
  modifyEvent,
  settleEvent,
} from './events.js';
import { newInvitation, withInvitees } from './guards.js';
import { applyEvent } from './reduce.js';
import type { InvitationRecord, SignalingEvent } from './types.js';
import {
  eventViewFor,
  memberViewKind,
  type QueuedHand,
  queueEntryOf,
  queueFrame,
  recordViewFor,
} from './views.js';

// A class: the teacher, students s1 and s2 (invited to the round), and `late`, a member the
// round did not invite.
const T = 't';
const STUDENTS = ['s1', 's2'];

function record(inviter: string, invitees: readonly string[], data: string, inviteID = 'i1') {
  return newInvitation({
    inviteID,
    inviter,
    groupID: 'g',
    invitees,
    data,
    timeout: 30,
    onlineUserOnly: false,
    createdAt: 1000,
    serial: 1,
  });
}

/** The record after `event`, as the arbiter hands it to `eventViewFor`. */
const after = (r: InvitationRecord, event: SignalingEvent) => applyEvent(r, event) ?? r;

/** What each of the teacher, s1, s2 and `late` receives of `event`. */
function views(r: InvitationRecord, event: SignalingEvent) {
  const next = after(r, event);
  return Object.fromEntries([T, 's1', 's2', 'late'].map((m) => [m, eventViewFor(next, event, m)]));
}

describe('member views of classroom invitations (issue 19)', () => {
  it('reads the kind once per record: hands, rounds and their markers; anything else, and no group, is all', () => {
    expect(memberViewKind(record('s1', [T], createClassroomData('hand', 'r')))).toBe('hand');
    expect(memberViewKind(record(T, STUDENTS, createClassroomData('raiseHand')))).toBe('round');
    expect(memberViewKind(record(T, STUDENTS, createClassroomData('round', 'r')))).toBe('round');
    expect(memberViewKind(record(T, ['s1'], createClassroomData('speak', 'r')))).toBe('all');
    expect(memberViewKind(record(T, STUDENTS, '{"call":1}'))).toBe('all');
    const noGroup = { ...record('s1', [T], createClassroomData('hand', 'r')), groupID: '' };
    expect(memberViewKind(noGroup)).toBe('all');
  });

  it('a call or an invitation to speak: every member gets the same event', () => {
    const r = record(T, ['s1'], createClassroomData('speak', 'r'));
    const event = inviteEvent(r, 1000);
    for (const view of Object.values(views(r, event))) expect(view).toBe(event);
    expect(recordViewFor(r, 's2')).toBe(r);
  });

  it('a hand: its owner and the teacher get every event, other members none', () => {
    const r = record('s1', [T], createClassroomData('hand', 'r'));
    const events = [
      inviteEvent(r, 1000),
      deliveredEvent(r, T, 1001),
      modifyEvent(r, r.data, 1002),
      answerEvent(r, 'reject', T, '', 1003),
      settleEvent(r, 'cancel', [T], '', 1003),
      settleEvent(r, 'timeout', [T], '', 1003),
    ];
    for (const event of events)
      expect(views(r, event)).toEqual({ t: event, s1: event, s2: undefined, late: undefined });
    expect(recordViewFor(r, T)).toBe(r);
    expect(recordViewFor(r, 's1')).toBe(r);
    expect(recordViewFor(r, 's2')).toBeUndefined();
  });

  it('the round: the teacher gets it whole, each student with itself as the only invitee, a non-invited member nothing', () => {
    const r = record(T, STUDENTS, createClassroomData('raiseHand'));
    const invite = inviteEvent(r, 1000);
    const seen = views(r, invite);
    expect(seen.t).toBe(invite);
    expect(seen.late).toBeUndefined();
    for (const s of STUDENTS) {
      const view = seen[s];
      expect(view?.envelope.inviteeList).toEqual([s]);
      expect(view?.kind === 'invite' && view.invitation.invitees.map((i) => i.userID)).toEqual([s]);
    }
    expect(recordViewFor(r, 's1')?.invitees.map((i) => i.userID)).toEqual(['s1']);
    expect(recordViewFor(r, T)).toBe(r);
    expect(recordViewFor(r, 'late')).toBeUndefined();
  });

  it('the round: an answer or a receipt reaches the teacher and the student who gave it', () => {
    const r = record(T, STUDENTS, createClassroomData('raiseHand'));
    const accept = answerEvent(r, 'accept', 's1', '', 1001);
    expect(views(r, accept)).toEqual({ t: accept, s1: accept, s2: undefined, late: undefined });
    const reject = answerEvent(r, 'reject', 's2', '', 1001);
    expect(views(r, reject)).toEqual({ t: reject, s1: undefined, s2: reject, late: undefined });
    const receipt = deliveredEvent(r, 's2', 1001);
    expect(views(r, receipt)).toEqual({ t: receipt, s1: undefined, s2: receipt, late: undefined });
  });

  it('the round: a cancel, a timeout or a modify names only the student receiving it, when it concerns it', () => {
    const answered = after(
      record(T, STUDENTS, createClassroomData('raiseHand')),
      answerEvent(record(T, STUDENTS, createClassroomData('raiseHand')), 'accept', 's1', '', 1001),
    );
    for (const kind of ['cancel', 'timeout'] as const) {
      // s1 answered: the settle names only s2, the one still pending.
      const event = settleEvent(answered, kind, ['s2'], '', 1002);
      const seen = views(answered, event);
      expect(seen.t).toBe(event);
      expect(seen.s1).toBeUndefined();
      expect(seen.s2).toMatchObject({ kind, envelope: { inviteeList: ['s2'] } });
      expect(seen.late).toBeUndefined();
    }
    const modify = modifyEvent(answered, answered.data, 1002);
    const seen = views(answered, modify);
    expect(seen.t).toBe(modify);
    expect(seen.s1?.envelope.inviteeList).toEqual(['s1']);
    expect(seen.s2?.envelope.inviteeList).toEqual(['s2']);
  });

  it('the round grown: the added student gets itself, the others nothing', () => {
    const r = record(T, STUDENTS, createClassroomData('raiseHand'));
    const grown = withInvitees(r, ['s3'], 1001);
    const event = addInviteesEvent(grown, ['s3'], 1001);
    expect(eventViewFor(grown, event, T)).toBe(event);
    expect(eventViewFor(grown, event, 's1')).toBeUndefined();
    const view = eventViewFor(grown, event, 's3');
    expect(view?.envelope.inviteeList).toEqual(['s3']);
    expect(view?.kind === 'addInvitees' && view.invitation.invitees.map((i) => i.userID)).toEqual(['s3']);
  });

  it("the round's marker: a student sees it with itself only; a member it did not invite sees it whole", () => {
    const r = record(T, STUDENTS, createClassroomData('round', 'r'));
    const invite = inviteEvent(r, 1000);
    const seen = views(r, invite);
    expect(seen.t).toBe(invite);
    expect(seen.late).toBe(invite);
    expect(seen.s2?.envelope.inviteeList).toEqual(['s2']);
    expect(recordViewFor(r, 'late')).toBe(r);
    expect(recordViewFor(r, 's2')?.invitees.map((i) => i.userID)).toEqual(['s2']);
  });
});

describe('the queue stream frame (issue 19)', () => {
  const hand = (owner: string, id: string, serial: number) => ({
    ...record(owner, [T], createClassroomData('hand', 'r'), id),
    serial,
  });

  it('a pending hand is a queue entry; an answered hand or anything else is not', () => {
    const h = hand('s1', 'h1', 7);
    expect(queueEntryOf(h)).toEqual({
      inviteID: 'h1',
      owner: 's1',
      createdAt: 1000,
      serial: 7,
      data: h.data,
      teacher: T,
      deadline: 31_000,
      timeout: 30,
    });
    expect(queueEntryOf(after(h, answerEvent(h, 'reject', T, '', 1001)))).toBeUndefined();
    expect(queueEntryOf(record(T, STUDENTS, createClassroomData('raiseHand')))).toBeUndefined();
  });

  it('full, delta, nothing, and an emptied queue said whole; hands of one round share it', () => {
    const entry = (h: InvitationRecord): QueuedHand => {
      const e = queueEntryOf(h);
      if (e === undefined) throw new Error(`${h.inviteID} is no queue entry`);
      return e;
    };
    const [a, b, c] = [entry(hand('s1', 'h1', 1)), entry(hand('s2', 'h2', 2)), entry(hand('s3', 'h3', 3))];
    const map = (...entries: QueuedHand[]) => new Map(entries.map((e) => [e.inviteID, e]));
    const round = {
      groupID: 'g',
      data: a.data,
      timeout: 30,
      onlineUserOnly: false,
      answers: 0,
      invitees: [{ userID: T, state: 'pending', deadline: 31_000, delivered: false }],
    };
    const full = queueFrame('g', undefined, map(a, b));
    expect(full).toEqual({
      t: 'queue',
      groupID: 'g',
      full: true,
      hands: [
        ['h1', 's1', 1000, 1, 0],
        ['h2', 's2', 1000, 2, 0],
      ],
      rounds: [round],
      gone: [],
    });
    expect(queueFrame('g', map(a, b), map(b, c))).toEqual({
      t: 'queue',
      groupID: 'g',
      hands: [['h3', 's3', 1000, 3, 0]],
      rounds: [round],
      gone: ['h1'],
    });
    expect(queueFrame('g', map(a), map(a))).toBeUndefined();
    expect(queueFrame('g', map(a, b), map())).toEqual({
      t: 'queue',
      groupID: 'g',
      full: true,
      hands: [],
      rounds: [],
      gone: [],
    });
  });
});
