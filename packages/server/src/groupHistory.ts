import type { CallInfo, InvitationRecord, SignalingEvent } from '@beckon/signaling';
import { type GroupCall, groupCallOf, leaveNoticeOf } from './groupLeave.js';
import { type HistoryUpdate, inviteeOutcome } from './history.js';
import type { CallOutcome, HistoryEntry } from './store/types.js';

// Group call history (issue 21): one entry per room per party, built from three moments: an
// accept (the acceptor's and the inviter's entries, answered), an invitation's end (everyone it
// did not reach, and the inviter's outcome) and a leave notice (its sender's entry, completed).
// `planHistory` merges each into the entry of the same room (history.ts, `mergeGroupEntry`).

/** The group call an invitation places (groupLeave.ts, `groupCallOf`). */
type PlacedGroupCall = Omit<GroupCall, 'groupID'>;

/** Everyone else an invitation shows `userID`: its inviter, its invitees and the callees its data lists. */
function othersIn(record: InvitationRecord, call: PlacedGroupCall, userID: string): string[] {
  const all = [record.inviter, ...record.invitees.map((i) => i.userID), ...call.callees];
  return [...new Set(all)].filter((u) => u !== userID);
}

function entryOf(
  record: InvitationRecord,
  call: PlacedGroupCall,
  userID: string,
  outcome: CallOutcome,
): HistoryEntry {
  const incoming = userID !== record.inviter;
  return {
    inviteID: record.inviteID,
    roomID: call.roomID,
    // The inviter's: the first callee its data lists (every invitation of the call lists them in
    // the same order), so the entry names the same peer whichever piece of it was written first.
    peer: incoming
      ? record.inviter
      : (call.callees.find((u) => u !== record.inviter) ?? record.invitees[0]?.userID ?? ''),
    direction: incoming ? 'incoming' : 'outgoing',
    callType: call.callType,
    outcome,
    startedAt: record.createdAt,
    participants: othersIn(record, call, userID),
    ...(record.groupID === '' ? {} : { groupID: record.groupID }),
  };
}

/**
 * `acceptor` accepted a group call invitation: both the acceptor's and the inviter's entries
 * are answered at once (the call may end before the invitation does, which waits for the
 * others' answers).
 */
export function groupHistoryFromAccept(
  record: InvitationRecord,
  acceptor: string,
  call: PlacedGroupCall | undefined = groupCallOf(record.data, record.groupID, record.inviter),
): HistoryUpdate[] {
  if (call === undefined || acceptor === record.inviter) return [];
  return [
    { userID: acceptor, entry: entryOf(record, call, acceptor, 'answered') },
    { userID: record.inviter, entry: entryOf(record, call, record.inviter, 'answered') },
  ];
}

/**
 * The inviter's outcome of one invitation: answered if anyone accepted, else declined if
 * everyone declined (or was busy), else cancelled if any was cancelled, else missed.
 */
export function inviterOutcome(record: InvitationRecord): CallOutcome {
  const states = record.invitees.map((i) => i.state);
  if (states.includes('accepted')) return 'answered';
  if (states.length > 0 && states.every((s) => s === 'rejected')) return 'declined';
  return states.includes('cancelled') ? 'cancelled' : 'missed';
}

/**
 * A group call invitation ended: an entry for each invitee who did not accept (declined, busy,
 * missed, cancelled, as one-to-one) and the inviter's, with the inviter's outcome. Acceptors'
 * entries came with their accept.
 */
export function groupHistoryFromEnded(record: InvitationRecord): HistoryUpdate[] {
  const call = groupCallOf(record.data, record.groupID, record.inviter);
  if (call === undefined) return [];
  const updates: HistoryUpdate[] = record.invitees
    .filter((i) => i.state !== 'accepted' && i.userID !== record.inviter)
    .map((i) => ({ userID: i.userID, entry: entryOf(record, call, i.userID, inviteeOutcome(i)) }));
  updates.push({
    userID: record.inviter,
    entry: entryOf(record, call, record.inviter, inviterOutcome(record)),
  });
  return updates;
}

/**
 * A leave notice (a group call's hang-up): completes its sender's entry of the room with the
 * seconds it says the sender spent in the call. Nobody else's: a participant cannot end the call
 * for the others, and a stranger's notice finds no entry of the room in his own history.
 */
export function groupHistoryFromLeave(
  event: SignalingEvent,
  notice: CallInfo | undefined = leaveNoticeOf(event),
): HistoryUpdate[] {
  if (notice?.callType === undefined) return [];
  const { envelope } = event;
  const seconds = notice.callEnd ?? 0;
  const participants = [...new Set([...notice.userIDs, ...envelope.inviteeList])].filter(
    (u) => u !== envelope.inviter,
  );
  const entry: HistoryEntry = {
    inviteID: envelope.inviteID,
    roomID: notice.roomID,
    // Only ever merged into an existing entry, which keeps its own peer and direction.
    peer: '',
    direction: 'outgoing',
    callType: notice.callType,
    outcome: 'completed',
    startedAt: event.at - seconds * 1000,
    endedAt: event.at,
    durationSeconds: seconds,
    participants,
    ...(envelope.groupID === '' ? {} : { groupID: envelope.groupID }),
  };
  return [{ userID: envelope.inviter, entry }];
}
