import { type ClassroomOp, parseClassroomData } from '../callData.js';
import { memo } from '../memo.js';
import type { QueueFrame, QueueHand, QueueRound } from '../queue.js';
import type { InvitationRecord, SignalingEvent } from './types.js';

/**
 * What one member of a class receives of a classroom invitation on a Beckon server (issue 19),
 * so a round costs each member work in proportion to the class, not its square:
 *
 * - a raised hand (`op: 'hand'`): its owner and the teacher (the marker's invitee) get every
 *   event; every other member learns the queue's changes from the group's queue stream
 *   (`QueueFrame`, built by {@link queueFrame}), not one event per hand;
 * - the round (`op: 'raiseHand'`) and its marker (`op: 'round'`): the teacher (inviter) gets every
 *   event; each invited student sees the invitation with itself as the only invitee, and only its
 *   own answers and receipts; members the round did not invite (late joiners) see the marker as
 *   it is and nothing of the round's invitation, which they cannot answer;
 * - everything else (calls, invitations to speak, speakers): every event, as the seed says.
 *
 * Transports without a queue stream (the in-memory hub, Tencent Cloud Chat) deliver every event to
 * every member, as before. A member's view is a function of the arbiter's record and event only,
 * so every process of a deployment cuts the same views.
 */
export type MemberViewKind = 'all' | 'hand' | 'round';

const ops = new WeakMap<InvitationRecord, ClassroomOp | null>();
const invited = new WeakMap<InvitationRecord, ReadonlySet<string>>();

/** The classroom op of a record in a group, read once per record object (records are immutable). */
function opOf(record: InvitationRecord): ClassroomOp | null {
  return memo(ops, record, () =>
    record.groupID !== '' && record.data.includes('beckon_classroom')
      ? (parseClassroomData(record.data)?.op ?? null)
      : null,
  );
}

/** Which of the rules above applies to a record. */
export function memberViewKind(record: InvitationRecord): MemberViewKind {
  const op = opOf(record);
  return op === 'hand' ? 'hand' : op === 'raiseHand' || op === 'round' ? 'round' : 'all';
}

/** A round's marker (`op: 'round'`), which members the round did not invite still see. */
export function isRoundMarker(record: InvitationRecord): boolean {
  return opOf(record) === 'round';
}

const inviteesOf = (record: InvitationRecord): ReadonlySet<string> =>
  memo(invited, record, () => new Set(record.invitees.map((i) => i.userID)));

/** The record as `member` sees it (snapshots): undefined when the queue stream covers it. */
export function recordViewFor(record: InvitationRecord, member: string): InvitationRecord | undefined {
  const kind = memberViewKind(record);
  if (kind === 'all' || member === record.inviter) return record;
  const mine = inviteesOf(record).has(member);
  if (kind === 'hand') return mine ? record : undefined;
  if (!mine) return isRoundMarker(record) ? record : undefined;
  const own = record.invitees.filter((i) => i.userID === member);
  return { ...record, invitees: own };
}

/**
 * The event as `member` receives it, or undefined when it receives nothing of it (the queue
 * stream covers it, or it concerns another student's answer). `record` is the invitation the
 * event is about, as the arbiter holds it after the event (for an ending event, its final record).
 */
export function eventViewFor(
  record: InvitationRecord,
  event: SignalingEvent,
  member: string,
): SignalingEvent | undefined {
  const kind = memberViewKind(record);
  if (kind === 'all' || member === record.inviter) return event;
  const mine = inviteesOf(record).has(member);
  if (kind === 'hand') return mine ? event : undefined;
  if (!mine) return isRoundMarker(record) ? event : undefined;
  const { envelope } = event;
  switch (event.kind) {
    case 'invite':
    case 'addInvitees': {
      if (event.kind === 'addInvitees' && !envelope.inviteeList.includes(member)) return undefined;
      const invitation = recordViewFor(event.invitation, member) ?? event.invitation;
      return { ...event, invitation, envelope: { ...envelope, inviteeList: [member] } };
    }
    case 'accept':
    case 'reject':
    case 'delivered':
      return envelope.inviteeList[0] === member ? event : undefined;
    case 'cancel':
    case 'timeout':
      return envelope.inviteeList.includes(member)
        ? { ...event, envelope: { ...envelope, inviteeList: [member] } }
        : undefined;
    case 'modify':
      return { ...event, envelope: { ...envelope, inviteeList: [member] } };
  }
}

/** A pending raised hand as the queue stream tells it (see `QueueFrame`). */
export interface QueuedHand {
  readonly inviteID: string;
  readonly owner: string;
  readonly createdAt: number;
  readonly serial: number;
  /** The marker's data (names its round). */
  readonly data: string;
  /** The marker's invitee. */
  readonly teacher: string;
  readonly deadline: number;
  readonly timeout: number;
}

/** A pending hand marker as a queue entry; undefined for anything else. */
export function queueEntryOf(record: InvitationRecord): QueuedHand | undefined {
  if (memberViewKind(record) !== 'hand') return undefined;
  const teacher = record.invitees[0];
  if (teacher === undefined || teacher.state !== 'pending') return undefined;
  return {
    inviteID: record.inviteID,
    owner: record.inviter,
    createdAt: record.createdAt,
    serial: record.serial ?? 0,
    data: record.data,
    teacher: teacher.userID,
    deadline: teacher.deadline,
    timeout: record.timeout,
  };
}

/**
 * The queue frame that takes a member holding `before` to `after` (both keyed by inviteID), or
 * undefined when nothing changed; `full` sends the whole queue (a member that has none yet).
 * The server builds one per group and batch and sends the same text to every member.
 */
export function queueFrame(
  groupID: string,
  before: ReadonlyMap<string, QueuedHand> | undefined,
  after: ReadonlyMap<string, QueuedHand>,
): QueueFrame | undefined {
  const rounds: QueueRound[] = [];
  const roundIndex = new Map<string, number>();
  const hands: QueueHand[] = [];
  for (const entry of after.values()) {
    if (before?.has(entry.inviteID)) continue;
    const key = `${entry.data}\n${entry.teacher}\n${entry.deadline}\n${entry.timeout}`;
    let index = roundIndex.get(key);
    if (index === undefined) {
      index = rounds.length;
      roundIndex.set(key, index);
      rounds.push({
        groupID,
        data: entry.data,
        timeout: entry.timeout,
        onlineUserOnly: false,
        answers: 0,
        invitees: [{ userID: entry.teacher, state: 'pending', deadline: entry.deadline, delivered: false }],
      });
    }
    hands.push([entry.inviteID, entry.owner, entry.createdAt, entry.serial, index]);
  }
  if (before === undefined) return { t: 'queue', groupID, full: true, hands, rounds, gone: [] };
  const gone: string[] = [];
  for (const id of before.keys()) if (!after.has(id)) gone.push(id);
  if (hands.length === 0 && gone.length === 0) return undefined;
  // Emptying a long queue (a closed round) is cheaper said whole.
  if (after.size === 0) return { t: 'queue', groupID, full: true, hands: [], rounds: [], gone: [] };
  return { t: 'queue', groupID, hands, rounds, gone };
}
