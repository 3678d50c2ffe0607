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
 * Is `entry` the hang-up that completes `call` (same peer, same room)? Only a call the user
 * answered can be completed: a peer must not turn a call it merely rang into one of the user's
 * own. A hang-up naming no room (TUICallKit's JS engine; a client that answered a glare before it
 * saw the room) completes the newest answered call with that peer.
 */
export function completes(entry: HistoryEntry, call: HistoryEntry): boolean {
  if (entry.outcome !== 'completed' || call.peer !== entry.peer) return false;
  if (entry.roomID === '') return call.outcome === 'answered';
  return (call.outcome === 'answered' || call.outcome === 'completed') && call.roomID === entry.roomID;
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

/** How much history a user keeps, and how much of it one peer may fill. */
export interface HistoryLimits {
  /** Entries kept per user; the oldest goes first. */
  readonly limit: number;
  /** Unanswered incoming calls one peer may hold in a user's history; that peer's oldest goes first. */
  readonly perPeer: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { limit: 200, perPeer: 20 };

/** A store's history options, checked, with the defaults filled in. */
export function historyLimits(options: { historyLimit?: number; historyPerPeer?: number }): HistoryLimits {
  const check = (name: string, value: number | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer`);
    return value;
  };
  return {
    limit: check('historyLimit', options.historyLimit, DEFAULT_HISTORY_LIMITS.limit),
    perPeer: check('historyPerPeer', options.historyPerPeer, DEFAULT_HISTORY_LIMITS.perPeer),
  };
}

/**
 * An entry the peer made alone: an incoming call the user never answered (missed, cancelled,
 * declined, busy). Anyone can ring anyone, so these count against the caller's share; calls
 * the user placed or answered are the user's own and only newer entries push them out.
 */
export function unsolicited(entry: HistoryEntry): boolean {
  return entry.direction === 'incoming' && entry.outcome !== 'answered' && entry.outcome !== 'completed';
}

/** What one new entry does to a user's list; both stores apply it (memory directly, Redis by script). */
export type HistoryChange =
  | { readonly kind: 'none' }
  /** Replace the entry at `index` (a call its hang-up completed). */
  | { readonly kind: 'set'; readonly index: number; readonly entry: HistoryEntry }
  /** Remove the entries at `drop` (indexes in the list as read, ascending), then put `entry` first. */
  | { readonly kind: 'push'; readonly entry: HistoryEntry; readonly drop: readonly number[] };

/**
 * Decides how `entry` changes `list` (newest first): a hang-up completes the call it ends; a
 * hang-up received for a call the user never answered is not recorded (a peer cannot write a
 * "completed" call into someone's history); an unanswered incoming call pushes out the same
 * peer's oldest unanswered one beyond `perPeer`; beyond `limit`, the oldest entries go.
 */
export function planHistory(
  list: readonly HistoryEntry[],
  entry: HistoryEntry,
  limits: HistoryLimits,
): HistoryChange {
  const index = list.findIndex((e) => completes(entry, e));
  const call = list[index];
  if (call !== undefined) return { kind: 'set', index, entry: completeCall(call, entry) };
  if (entry.outcome === 'completed' && entry.direction === 'incoming') return { kind: 'none' };
  const drop = new Set<number>();
  if (unsolicited(entry)) {
    let held = 0;
    list.forEach((e, i) => {
      if (e.peer === entry.peer && unsolicited(e) && ++held >= limits.perPeer) drop.add(i);
    });
  }
  let size = list.length + 1 - drop.size;
  for (let i = list.length - 1; i >= 0 && size > limits.limit; i--) {
    if (!drop.has(i)) {
      drop.add(i);
      size--;
    }
  }
  return { kind: 'push', entry, drop: [...drop].sort((a, b) => a - b) };
}

/** The list after `change`. */
export function applyHistory(list: readonly HistoryEntry[], change: HistoryChange): HistoryEntry[] {
  if (change.kind === 'none') return [...list];
  if (change.kind === 'set') return list.map((e, i) => (i === change.index ? change.entry : e));
  const drop = new Set(change.drop);
  return [change.entry, ...list.filter((_, i) => !drop.has(i))];
}

/** Adds an entry to a user's list (newest first), as `planHistory` decides. */
export function mergeHistory(
  list: readonly HistoryEntry[],
  entry: HistoryEntry,
  limits: HistoryLimits,
): HistoryEntry[] {
  return applyHistory(list, planHistory(list, entry, limits));
}
