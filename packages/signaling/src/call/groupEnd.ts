import { CallType, createHangupData, readCallData } from '../callData.js';
import { ErrorCode } from '../errors.js';
import type { InvitationRecord } from '../rules/types.js';
import {
  type GroupCallEffect,
  type GroupCallInput,
  type GroupCallMachineState,
  type GroupCallStep,
  initialGroupCallMachine,
  type SentInvitation,
} from './groupMachine.js';
import { changed, everJoined, isExpected } from './groupPeople.js';
import {
  type GroupCallEndReason,
  type GroupCallPhase,
  type GroupCallState,
  type GroupParticipant,
  idleGroupCall,
} from './groupState.js';
import { type CallSelf, live } from './transition.js';

// How a group call ends for this side (the end rules, leaving, the leave notice), and the small
// steps every input of the machine shares.

export type M = GroupCallMachineState;
export type Step = GroupCallStep;
export type Input<T extends GroupCallInput['type']> = Extract<GroupCallInput, { type: T }>;

export const ACTIVE: ReadonlySet<GroupCallPhase> = new Set(['dialing', 'ringing', 'connecting', 'inCall']);
export const inRoom = (phase: GroupCallPhase) => phase === 'dialing' || live(phase);

export const step = (state: M, ...effects: GroupCallEffect[]): Step => ({ state, effects });

export function andThen(first: Step, next: (state: M) => Step): Step {
  const second = next(first.state);
  return step(second.state, ...first.effects, ...second.effects);
}

export const patch = (m: M, p: Partial<GroupCallState>): M => ({ ...m, call: { ...m.call, ...p } });

export const people = (m: M, list: readonly GroupParticipant[]): M =>
  list === m.call.participants ? m : patch(m, { participants: list });

export const find = (m: M, userID: string) => m.call.participants.find((p) => p.userID === userID);

export function refuse(m: M, message: string, code: ErrorCode = ErrorCode.INVALID_PARAMETERS): Step {
  return step(m, { type: 'refuse', refusal: { code, message } });
}

export function full(m: M): Step {
  const limit = m.config.maxParticipants;
  const message = `a group call has at most ${limit} participants`;
  return step(m, { type: 'refuse', refusal: { code: 'group-call-full', message, limit } });
}

/** A new call on this machine: its config kept, everything else as given. */
export function fresh(m: M, call: Partial<GroupCallState>): M {
  return { ...initialGroupCallMachine(m.config), call: { ...idleGroupCall, ...call } };
}

export const wire = (s: GroupCallState) => ({
  callType: s.callType ?? CallType.AUDIO,
  roomID: s.roomID ?? '',
});

export const roomOf = (record: InvitationRecord) => readCallData(record.data);

/** An invitation of this call (not a leave notice): same room, a call command. */
export function isCallOf(m: M, record: InvitationRecord): boolean {
  const info = roomOf(record);
  const { phase, roomID } = m.call;
  return (
    phase !== 'idle' &&
    roomID !== undefined &&
    info?.roomID === roomID &&
    (info.cmd === 'audioCall' || info.cmd === 'videoCall')
  );
}

/**
 * Ringing here, or accepted here but not confirmed: another device, the inviter's cancel or the
 * timeout may still win (also once someone's media entered: it can come before the accept's word).
 */
export const undecided = (m: M) =>
  m.call.phase === 'ringing' || (live(m.call.phase) && (m.pending === 'accept' || m.pending === 'hangUp'));

export function spent(m: M, now: number): number | undefined {
  if (m.call.startedAt === undefined) return undefined;
  const stretch = m.since === undefined ? 0 : Math.max(0, now - m.since);
  return Math.round((m.spentMs + stretch) / 1000);
}

/** Ends the call for this side (nobody is told: see {@link leave}). */
export function finish(
  m: M,
  now: number,
  reason: GroupCallEndReason,
  by: 'local' | 'remote',
  failure?: string,
): Step {
  const durationSeconds = spent(m, now);
  const ended: M = {
    ...m,
    pending: undefined,
    connectBy: undefined,
    rejoining: false,
    since: undefined,
    spentMs: (durationSeconds ?? 0) * 1000,
    call: {
      ...m.call,
      phase: 'ended',
      endReason: reason,
      endedBy: by,
      endedAt: now,
      durationSeconds,
      failure,
    },
  };
  return step(ended, { type: 'disarmLeaveTimer', userID: undefined });
}

/**
 * This side's invitations that still ring, cancelled (and their invitees marked so), but never a
 * group invitation someone accepted: every TUICallKit family ends its call on a cancel of the
 * invitation it took (one inviteID for all its invitees), so those ring on until they time out.
 */
export function cancelRinging(m: M): Step {
  const ringing = new Set(m.call.participants.filter((p) => p.state === 'ringing').map((p) => p.userID));
  const kept = (s: SentInvitation) => s.accepted && m.call.groupID !== '';
  const effects: GroupCallEffect[] = [];
  for (const sent of m.sent) {
    if (sent.inviteID !== undefined && !kept(sent) && sent.invitees.some((u) => ringing.has(u)))
      effects.push({ type: 'cancel', inviteID: sent.inviteID });
  }
  const cancelled = new Set(m.sent.filter((s) => !kept(s)).flatMap((s) => s.invitees));
  const list = changed(m.call.participants, (p) =>
    p.state === 'ringing' && cancelled.has(p.userID)
      ? { ...p, state: 'cancelled', deadline: undefined }
      : undefined,
  );
  return step(people(m, list), ...effects);
}

/** The invitations this side sent that `accepts` says someone accepted, marked so. */
export function markAccepted(m: M, accepts: (sent: SentInvitation) => boolean): M {
  if (!m.sent.some((s) => !s.accepted && accepts(s))) return m;
  return { ...m, sent: m.sent.map((s) => (!s.accepted && accepts(s) ? { ...s, accepted: true } : s)) };
}

/** The call data's `userIDs` of a leave notice: everyone ever in the call, this side too. */
export function everyone(m: M, self: CallSelf): string[] {
  const ids = m.call.participants.map((p) => p.userID);
  return self.userID === undefined ? ids : [self.userID, ...ids];
}

/** The leave notice to everyone else who was ever in the call (none when nobody was). */
export function notice(m: M, self: CallSelf, to: readonly string[]): Step {
  if (to.length === 0) return step(m);
  const data = createHangupData({
    ...wire(m.call),
    userIDs: everyone(m, self),
    durationSeconds: m.call.durationSeconds ?? 0,
  });
  return step(m, { type: 'sendLeave', groupID: m.call.groupID, to, data });
}

/** Ends the call and tells the others: its ringing invitations cancelled, the leave notice sent. */
export function leave(
  m: M,
  now: number,
  self: CallSelf,
  reason: GroupCallEndReason,
  by: 'local' | 'remote',
  failure?: string,
): Step {
  return andThen(
    andThen(cancelRinging(m), (c) => finish(c, now, reason, by, failure)),
    (e) =>
      notice(
        e,
        self,
        e.call.participants.filter(everJoined).map((p) => p.userID),
      ),
  );
}

/**
 * The end rules, after anything that changed the participants. Dialing: when nobody is left to
 * answer, the call ends as they answered (any timeout: timedOut, else declined). In the call:
 * when nobody else is joined and nobody is still being rung, everyone left.
 */
export function settle(m: M, now: number, self: CallSelf, lost = false): Step {
  const s = m.call;
  const grace = m.config.watchdogGraceMs;
  const holds = (p: GroupParticipant) => p.state === 'joined' || isExpected(p, now, grace);
  if (s.participants.some(holds)) return step(m);
  if (s.phase === 'dialing') {
    const states = new Set(s.participants.map((p) => p.state));
    if (states.has('timedOut')) return leave(m, now, self, lost ? 'connectionLost' : 'timedOut', 'remote');
    if (states.has('declined') || states.has('busy')) return leave(m, now, self, 'declined', 'remote');
    return leave(m, now, self, 'failed', 'local', s.failure ?? 'no invitation could be placed');
  }
  if (s.phase === 'inCall' || (s.phase === 'connecting' && !m.rejoining))
    return leave(m, now, self, 'everyoneLeft', 'remote');
  return step(m);
}

/** The step, then the end rules. */
export const settled = (first: Step, now: number, self: CallSelf) =>
  andThen(first, (m) => settle(m, now, self));

/** Our accept won: in the call, or out of it at once if the user hung up meanwhile. */
export function acceptWon(m: M, now: number, self: CallSelf): Step {
  if (m.pending === 'hangUp') return leave(m, now, self, 'hungUp', 'local');
  return step(m.pending === 'accept' ? { ...m, pending: undefined } : m);
}

export function declined(m: M, now: number): Step {
  return finish(m, now, m.pending === 'busy' ? 'busy' : 'declined', 'local');
}
