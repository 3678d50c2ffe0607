import {
  type InvitationRecord,
  type InviteeRecord,
  isGroupCall,
  parseCallData,
  type SignalingEvent,
} from '@beckon/signaling';
import type { CallOutcome, HistoryEntry } from './store/types.js';

export interface HistoryUpdate {
  readonly userID: string;
  readonly entry: HistoryEntry;
}

/** What an invitee's answer (or its absence) means for a call: answered, declined, busy, missed... */
export function inviteeOutcome(invitee: InviteeRecord): CallOutcome {
  const rejected = invitee.state === 'rejected';
  const answer = invitee.data === undefined ? undefined : parseCallData(invitee.data);
  const busy = rejected && answer?.ok === true && answer.value.lineBusy;
  const outcomes: Record<string, CallOutcome> = {
    accepted: 'answered',
    timeout: 'missed',
    cancelled: 'cancelled',
  };
  return rejected ? (busy ? 'busy' : 'declined') : (outcomes[invitee.state] ?? 'missed');
}

/** Entries for both parties when a one-to-one call invitation ends (answered, declined, missed...). */
export function historyFromEnded(record: InvitationRecord): HistoryUpdate[] {
  // Most invitations are not calls; skip the JSON parse for them.
  if (record.groupID !== '' || !record.data.includes('av_call')) return [];
  const call = parseCallData(record.data);
  const callee = record.invitees[0];
  const isCall = call.ok && (call.value.cmd === 'audioCall' || call.value.cmd === 'videoCall');
  if (!call.ok || !isCall || call.value.callType === undefined || callee === undefined) return [];
  // A group call's invitations (several callees in userIDs) are groupHistory.ts's.
  if (isGroupCall(record.groupID, call.value, record.inviter)) return [];
  const callType = call.value.callType;
  const outcome = inviteeOutcome(callee);
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
  // A group call's leave notice completes its sender's entry only (groupHistory.ts).
  if (isGroupCall(event.envelope.groupID, call.value, event.envelope.inviter)) return [];
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
  if (entry.outcome !== 'completed' || call.peer !== entry.peer || isGroupEntry(call)) return false;
  if (entry.roomID === '') return call.outcome === 'answered';
  return (call.outcome === 'answered' || call.outcome === 'completed') && call.roomID === entry.roomID;
}

/** A group call's entry (issue 21): one per room, however many invitations the user saw. */
export function isGroupEntry(entry: HistoryEntry): boolean {
  return entry.participants !== undefined;
}

/** The user's entry of the same group call: the same room. */
function sameGroupCall(entry: HistoryEntry, call: HistoryEntry): boolean {
  return isGroupEntry(call) && entry.roomID !== '' && call.roomID === entry.roomID;
}

/**
 * A group call's entry with a later piece of the same call merged in: participants united (the
 * first `maxParticipants`); a
 * leave notice (`completed`) completes it with its duration; otherwise an answered (or completed)
 * call stays so, an answer makes it answered, and of unanswered invitations the inviter's entry
 * is `declined` only if everyone declined, else `cancelled` if any was cancelled, else `missed`,
 * while an invitee's takes the latest invitation's outcome.
 */
export function mergeGroupEntry(
  call: HistoryEntry,
  next: HistoryEntry,
  maxParticipants = DEFAULT_HISTORY_PARTICIPANTS,
): HistoryEntry {
  const all = new Set([...(call.participants ?? []), ...(next.participants ?? [])]);
  const participants = [...all].slice(0, maxParticipants);
  const groupID = call.groupID ?? next.groupID;
  const merged = { ...call, participants, ...(groupID === undefined ? {} : { groupID }) };
  if (next.outcome === 'completed') return completeCall(merged, next);
  return { ...merged, outcome: groupOutcome(call, next.outcome) };
}

function groupOutcome(call: HistoryEntry, next: CallOutcome): CallOutcome {
  const now = call.outcome;
  if (now === 'completed' || now === 'answered') return now;
  if (next === 'answered' || call.direction === 'incoming') return next;
  if (now === 'declined' && next === 'declined') return 'declined';
  return now === 'cancelled' || next === 'cancelled' ? 'cancelled' : 'missed';
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

/** A hang-up the user received (the peer's entry of it): it may complete a call, never make one. */
function receivedEnd(entry: HistoryEntry): boolean {
  return entry.outcome === 'completed' && entry.direction === 'incoming';
}

/** How much history a user keeps, and how much of it one peer may fill. */
export interface HistoryLimits {
  /** Entries kept per user; the oldest goes first. */
  readonly limit: number;
  /** Unanswered incoming calls one peer may hold in a user's history; that peer's oldest goes first. */
  readonly perPeer: number;
  /**
   * People a group call's entry lists (`participants`); those seen later are left out. Default
   * `DEFAULT_HISTORY_PARTICIPANTS`.
   */
  readonly participants?: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { limit: 200, perPeer: 20 };

/**
 * People one group call's entry lists at most: an invitation may name up to 1,000 people and a
 * room may be named again and again, but an entry stays small (every invitee gets one).
 */
export const DEFAULT_HISTORY_PARTICIPANTS = 50;

/** A store's history options, checked, with the defaults filled in. */
export function historyLimits(options: {
  historyLimit?: number;
  historyPerPeer?: number;
  historyParticipants?: number;
}): HistoryLimits {
  const check = (name: string, value: number | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer`);
    return value;
  };
  return {
    limit: check('historyLimit', options.historyLimit, DEFAULT_HISTORY_LIMITS.limit),
    perPeer: check('historyPerPeer', options.historyPerPeer, DEFAULT_HISTORY_LIMITS.perPeer),
    ...(options.historyParticipants === undefined
      ? {}
      : { participants: check('historyParticipants', options.historyParticipants, 0) }),
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
 * Decides how `entry` changes `list` (newest first). A group call's entry merges into the
 * user's entry of the same room (`mergeGroupEntry`); a leave notice with no such entry is not
 * recorded. One-to-one: a hang-up completes the call it ends, and an answered call whose
 * hang-up is already in the list (the user's own, recorded first on Redis) is completed by it; a
 * hang-up received for a call the user never answered is not recorded (a peer cannot write a
 * "completed" call into someone's history); an unanswered incoming call pushes out the same
 * peer's oldest unanswered one beyond `perPeer`; beyond `limit`, the oldest entries go.
 */
export function planHistory(
  list: readonly HistoryEntry[],
  entry: HistoryEntry,
  limits: HistoryLimits,
): HistoryChange {
  if (isGroupEntry(entry)) {
    const most = limits.participants ?? DEFAULT_HISTORY_PARTICIPANTS;
    const index = list.findIndex((e) => sameGroupCall(entry, e));
    const call = list[index];
    if (call !== undefined) return { kind: 'set', index, entry: mergeGroupEntry(call, entry, most) };
    // A leave notice completes the entry its sender's accept or invitation made, never makes one.
    if (entry.outcome === 'completed') return { kind: 'none' };
    entry = { ...entry, participants: entry.participants?.slice(0, most) ?? [] };
  } else {
    const index = list.findIndex((e) => completes(entry, e));
    const call = list[index];
    if (call !== undefined) return { kind: 'set', index, entry: completeCall(call, entry) };
    if (receivedEnd(entry)) return { kind: 'none' };
    // The end of this call, decided before its accept reached the list (Redis: see eventOrder).
    const end = list.findIndex((e) => endsCall(e, entry));
    const ended = list[end];
    if (ended !== undefined) return { kind: 'set', index: end, entry: completeCall(entry, ended) };
  }
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

/**
 * Is `end` the end of the call `entry` records: a hang-up (or a group call's leave notice) of the
 * same call, ended no earlier than `entry` was answered? One-to-one: an answered call with the
 * same peer and room (`completes`); a group call: the same room.
 */
function endsCall(end: HistoryEntry, entry: HistoryEntry): boolean {
  return (
    end.outcome === 'completed' &&
    entry.outcome !== 'completed' &&
    (entry.endedAt ?? entry.startedAt) <= (end.endedAt ?? end.startedAt) &&
    (isGroupEntry(end) ? sameGroupCall(end, entry) : entry.outcome === 'answered' && completes(end, entry))
  );
}

/**
 * Entries recorded in parallel (oldest first), put in the order their events happened where it
 * matters: a call's end that was recorded before the accept it ends (two processes, or a command
 * redirected on a cluster, reach Redis in either order) moves to just after that accept. Otherwise
 * `planHistory` would drop a received hang-up that completes nothing yet. An end follows an
 * entry of its call (`endsCall`); the rest keep the order they were recorded in.
 */
export function eventOrder(entries: readonly HistoryEntry[]): HistoryEntry[] {
  const after = new Map<number, HistoryEntry[]>();
  const moved = new Set<number>();
  entries.forEach((end, i) => {
    for (let j = entries.length - 1; j > i; j--) {
      const entry = entries[j] as HistoryEntry;
      if (!endsCall(end, entry)) continue;
      after.set(j, [...(after.get(j) ?? []), end]);
      moved.add(i);
      return;
    }
  });
  return entries.flatMap((entry, i) => (moved.has(i) ? [] : [entry, ...(after.get(i) ?? [])]));
}

/**
 * How long a received hang-up that completes nothing yet is kept out of a compaction (Redis):
 * its accept, recorded by another process, may still be on its way.
 */
export const HELD_END_MS = 60_000;

/**
 * How many of `queued` (oldest first) a compaction may fold into `list` for good. It stops
 * before a received one-to-one hang-up that completes nothing in the list or earlier in the
 * queue and whose call is not queued after it either, while it is younger than `holdMs` at
 * `now`: folded alone, `planHistory` would drop it, and the accept it ends may still arrive (two
 * processes record the two entries). An end whose accept is queued after it is folded with that
 * accept (`eventOrder` puts it after), never without it. Reads fold the whole queue either way.
 */
export function foldable(
  list: readonly HistoryEntry[],
  queued: readonly HistoryEntry[],
  now: number,
  holdMs = HELD_END_MS,
): number {
  /** The first end waiting for an accept queued later, and the last such accept. */
  let open = -1;
  let until = -1;
  for (const [i, end] of queued.entries()) {
    if (i > until) open = -1;
    if (isGroupEntry(end) || !receivedEnd(end)) continue;
    if (list.some((c) => completes(end, c)) || queued.slice(0, i).some((c) => completes(end, c))) continue;
    const later = queued.findIndex((c, j) => j > i && endsCall(end, c));
    if (later >= 0) {
      if (open < 0) open = i;
      until = Math.max(until, later);
    } else if (now - (end.endedAt ?? end.startedAt) < holdMs) return open < 0 ? i : open;
  }
  return queued.length;
}

/** Adds an entry to a user's list (newest first), as `planHistory` decides. */
export function mergeHistory(
  list: readonly HistoryEntry[],
  entry: HistoryEntry,
  limits: HistoryLimits,
): HistoryEntry[] {
  return applyHistory(list, planHistory(list, entry, limits));
}
