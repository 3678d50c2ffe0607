import { type InvitationRecord, parseCallData, type SignalingEvent } from '@beckon/signaling';
import type { CallOutcome, HistoryEntry } from './store/types.js';

export interface HistoryUpdate {
  readonly userID: string;
  readonly entry: HistoryEntry;
}

/** Entries for both parties when a one-to-one call invitation ends (answered, declined, missed...). */
export function historyFromEnded(record: InvitationRecord): HistoryUpdate[] {
  // Most invitations are not calls; skip the JSON parse for them.
  if (record.groupID !== '' || !record.data.includes('av_call')) return [];
  const call = parseCallData(record.data);
  const callee = record.invitees[0];
  const isCall = call.ok && (call.value.cmd === 'audioCall' || call.value.cmd === 'videoCall');
  if (!call.ok || !isCall || call.value.callType === undefined || callee === undefined) return [];
  const callType = call.value.callType;
  const rejected = callee.state === 'rejected';
  const answer = callee.data === undefined ? undefined : parseCallData(callee.data);
  const busy = rejected && answer?.ok === true && answer.value.lineBusy;
  const outcomes: Record<string, CallOutcome> = {
    accepted: 'answered',
    timeout: 'missed',
    cancelled: 'cancelled',
  };
  const outcome: CallOutcome = rejected ? (busy ? 'busy' : 'declined') : (outcomes[callee.state] ?? 'missed');
  const base = {
    inviteID: record.inviteID,
    roomID: call.value.roomID,
    callType,
    outcome,
    startedAt: record.createdAt,
    ...(callee.answeredAt === undefined ? {} : { endedAt: callee.answeredAt }),
  };
  return [
    { userID: record.inviter, entry: { ...base, peer: callee.userID, direction: 'outgoing' } },
    { userID: callee.userID, entry: { ...base, peer: record.inviter, direction: 'incoming' } },
  ];
}

/** Entries for both parties from the call-end invitation (seed step 5): duration and who hung up. */
export function historyFromHangup(event: SignalingEvent): HistoryUpdate[] {
  if (event.kind !== 'invite' || event.envelope.groupID !== '' || !event.envelope.data.includes('hangup'))
    return [];
  const call = parseCallData(event.envelope.data);
  const peer = event.envelope.inviteeList[0];
  if (!call.ok || call.value.cmd !== 'hangup' || call.value.callType === undefined || peer === undefined)
    return [];
  const callType = call.value.callType;
  const { inviter } = event.envelope;
  const base = {
    inviteID: event.envelope.inviteID,
    roomID: call.value.roomID,
    callType,
    outcome: 'completed' as const,
    startedAt: event.at - (call.value.callEnd ?? 0) * 1000,
    endedAt: event.at,
    durationSeconds: call.value.callEnd ?? 0,
    endedBy: inviter,
  };
  return [
    { userID: inviter, entry: { ...base, peer, direction: 'outgoing' } },
    { userID: peer, entry: { ...base, peer: inviter, direction: 'incoming' } },
  ];
}

/**
 * Is `entry` the hang-up that completes `call` (same room, same peer)? A hang-up naming no room
 * (TUICallKit's JS engine; a client that answered a glare before it saw the room) completes the
 * newest answered call with that peer.
 */
export function completes(entry: HistoryEntry, call: HistoryEntry): boolean {
  if (entry.outcome !== 'completed' || call.peer !== entry.peer) return false;
  return entry.roomID === '' ? call.outcome === 'answered' : call.roomID === entry.roomID;
}

/** The call's entry once its hang-up arrived: the outcome, end, duration and who hung up. */
export function completeCall(call: HistoryEntry, hangup: HistoryEntry): HistoryEntry {
  return {
    ...call,
    outcome: hangup.outcome,
    ...(hangup.endedAt === undefined ? {} : { endedAt: hangup.endedAt }),
    ...(hangup.durationSeconds === undefined ? {} : { durationSeconds: hangup.durationSeconds }),
    ...(hangup.endedBy === undefined ? {} : { endedBy: hangup.endedBy }),
  };
}

/** Adds an entry to a user's list (newest first); a hang-up completes the call it ends. */
export function mergeHistory(list: HistoryEntry[], entry: HistoryEntry, limit: number): HistoryEntry[] {
  const index = list.findIndex((e) => completes(entry, e));
  const call = list[index];
  const next =
    call === undefined ? [entry, ...list] : list.map((e, i) => (i === index ? completeCall(call, entry) : e));
  return next.slice(0, limit);
}
