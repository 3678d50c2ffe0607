import { createAnswerData, createBusyData, createCallData } from '../callData.js';
import { ErrorCode } from '../errors.js';
import { isOverdue } from '../rules/guards.js';
import {
  ACTIVE,
  acceptWon,
  andThen,
  declined,
  find,
  finish,
  fresh,
  full,
  type Input,
  inRoom,
  leave,
  type M,
  markAccepted,
  patch,
  people,
  refuse,
  type Step,
  settle,
  step,
  wire,
} from './groupEnd.js';
import { answered, gone, invitation, lost, placed, placeFailed, vanished } from './groupEvents.js';
import {
  type GroupCallEffect,
  type GroupCallInput,
  type GroupCallMachineState,
  type GroupCallStep,
  initialGroupCallMachine,
} from './groupMachine.js';
import { changed, earliest, isExpected, isWaiting, person, upsert } from './groupPeople.js';
import { type CallSelf, live } from './transition.js';

// The group call's transition: the user's actions, the media layer's reports and the watchdog
// here; the client's events in groupEvents.ts; the end rules in groupEnd.ts.

function newUsers(m: M, userIDs: readonly string[], self: CallSelf): string[] | Step {
  if (userIDs.length === 0) return refuse(m, 'name at least one person to invite');
  if (self.userID === undefined) return refuse(m, 'not connected', ErrorCode.NOT_CONNECTED);
  if (userIDs.includes(self.userID)) return refuse(m, 'a call cannot invite its own user');
  if (userIDs.some((u) => typeof u !== 'string' || u === ''))
    return refuse(m, 'every invitee must be a non-empty user id');
  return [...new Set(userIDs)];
}

function start(m: M, input: Input<'start'>): Step {
  const { now, self, groupID, roomID, callType } = input;
  if (ACTIVE.has(m.call.phase)) return refuse(m, 'already in a call');
  const invitees = newUsers(m, input.invitees, self);
  if (!Array.isArray(invitees)) return invitees;
  if (groupID === '' && invitees.length < 2)
    return refuse(
      m,
      'a group call without a group needs two invitees or more (CallController calls one person)',
    );
  if (roomID === '') return refuse(m, 'roomID must not be empty');
  if (1 + invitees.length > m.config.maxParticipants) return full(m);
  const ring = m.config.ringTimeoutSeconds;
  const deadline = ring > 0 ? now + ring * 1000 : undefined;
  const inviter = self.userID ?? '';
  const call = fresh(m, {
    phase: 'dialing',
    direction: 'outgoing',
    roomID,
    groupID,
    callType,
    inviter,
    deadline,
    participants: invitees.map((u) => person(u, 'ringing', { invitedBy: inviter, deadline })),
  });
  return place({ ...call, sent: [] }, invitees, invitees, now);
}

/** Rings `invitees` (the data lists `callees`): one invitation with a group, one each without. */
function place(m: M, invitees: readonly string[], callees: readonly string[], now: number): Step {
  const s = m.call;
  const ring = m.config.ringTimeoutSeconds;
  const data = createCallData({ ...wire(s), userIDs: callees, inviter: s.inviter ?? '' });
  const batches = s.groupID === '' ? invitees.map((u) => [u]) : [invitees];
  const sent = [...m.sent, ...batches.map((b) => ({ inviteID: undefined, invitees: b, accepted: false }))];
  const deadline = ring > 0 ? now + ring * 1000 : undefined;
  const next = s.phase === 'dialing' ? patch({ ...m, sent }, { deadline }) : { ...m, sent };
  return step(next, {
    type: 'place',
    groupID: s.groupID,
    roomID: s.roomID ?? '',
    invitees,
    data,
    timeout: ring,
  });
}

/** Adds people to the call: a new invitation for the same room, listing only them. */
function invite(m: M, input: Input<'invite'>): Step {
  const { now, self } = input;
  const s = m.call;
  if (!inRoom(s.phase)) return refuse(m, 'not in a group call');
  const named = newUsers(m, input.userIDs, self);
  if (!Array.isArray(named)) return named;
  // Not those joined or visibly rung; those only listed (`invited`) may have declined unseen.
  const added = named.filter((u) => {
    const state = find(m, u)?.state;
    return state !== 'joined' && state !== 'ringing';
  });
  if (added.length === 0) return refuse(m, 'everyone named is already in the call');
  const grace = m.config.watchdogGraceMs;
  const counted = s.participants.filter(
    (p) => !added.includes(p.userID) && (p.state === 'joined' || isExpected(p, now, grace)),
  );
  if (1 + counted.length + added.length > m.config.maxParticipants) return full(m);
  const ring = m.config.ringTimeoutSeconds;
  const deadline = ring > 0 ? now + ring * 1000 : undefined;
  let list = s.participants;
  for (const u of added)
    list = upsert(
      list,
      person(u, 'ringing', { invitedBy: self.userID, deadline, joinedAt: find(m, u)?.joinedAt }),
    );
  // The callees so far (never the call's inviter), this side among them, then the new people.
  const callees = [
    ...new Set(
      [...s.participants.map((p) => p.userID), self.userID ?? '', ...added].filter(
        (u) => u !== '' && u !== s.inviter,
      ),
    ),
  ];
  return place(people(m, list), added, callees, now);
}

function accept(m: M, now: number): Step {
  const { phase, inviteID } = m.call;
  if (phase !== 'ringing' || m.pending !== undefined || inviteID === undefined) return step(m);
  const connect = m.config.connectTimeoutSeconds;
  const next: M = {
    ...patch(m, { phase: 'connecting' }),
    pending: 'accept',
    connectBy: connect > 0 ? now + connect * 1000 : undefined,
  };
  const also = m.rungAgain.map((id): GroupCallEffect => ({ type: 'acknowledge', inviteID: id }));
  return step(
    { ...next, rungAgain: [] },
    { type: 'accept', inviteID, data: createAnswerData({ ...wire(m.call), userIDs: [] }) },
    ...also,
  );
}

function decline(m: M, busy: boolean): Step {
  const { phase, inviteID } = m.call;
  if (phase !== 'ringing' || m.pending !== undefined || inviteID === undefined) return step(m);
  const call = { ...wire(m.call), userIDs: [] };
  const data = busy ? createBusyData(call) : createAnswerData(call);
  const also = m.rungAgain.map((id): GroupCallEffect => ({ type: 'reject', inviteID: id, data }));
  return step(
    { ...m, pending: busy ? 'busy' : 'decline', rungAgain: [] },
    { type: 'decline', inviteID, data },
    ...also,
  );
}

function hangUp(m: M, now: number, self: CallSelf): Step {
  const { phase } = m.call;
  if (phase === 'ringing') return decline(m, false);
  if (phase === 'dialing') return leave(m, now, self, 'cancelled', 'local');
  if (!live(phase)) return step(m);
  // Our accept may still lose to another device or to the inviter's cancel.
  if (m.pending === 'accept') return step({ ...m, pending: 'hangUp' });
  if (m.pending === 'hangUp') return step(m);
  return leave(m, now, self, 'hungUp', 'local');
}

type Reply = Input<'acceptDone' | 'declineDone' | 'acceptFailed' | 'declineFailed'>;

function replied(m: M, input: Reply): Step {
  const { now, self } = input;
  if (input.inviteID !== m.call.inviteID || m.call.phase === 'ended') return step(m);
  const accepting = m.pending === 'accept' || m.pending === 'hangUp';
  const mine = input.type.startsWith('accept') ? accepting : m.pending === 'decline' || m.pending === 'busy';
  if (!mine) return step(m);
  if (!('failure' in input)) return input.type === 'acceptDone' ? acceptWon(m, now, self) : declined(m, now);
  // The other side's action won (8010): the event that says so decides.
  if (input.failure.code === ErrorCode.INVITATION_INVALID) return step(m);
  return finish(m, now, 'failed', 'local', input.failure.message);
}

function entered(m: M, now: number, userID: string): Step {
  const s = m.call;
  if (!inRoom(s.phase)) return step(m);
  const p = find(m, userID) ?? person(userID, 'left');
  const back = p.state === 'joined';
  const list = upsert(s.participants, {
    ...p,
    state: 'joined',
    joinedAt: back ? (p.joinedAt ?? now) : now,
    leftAt: undefined,
    goneAt: undefined,
    deadline: undefined,
  });
  // Their media while our invitation rang them: they took it (the accept's word may come later).
  let next = people(
    p.state === 'ringing' ? markAccepted(m, (sent) => sent.invitees.includes(userID)) : m,
    list,
  );
  if (s.phase !== 'inCall')
    next = {
      ...patch(next, { phase: 'inCall', startedAt: s.startedAt ?? now }),
      since: now,
      connectBy: undefined,
      rejoining: false,
    };
  return p.goneAt === undefined ? step(next) : step(next, { type: 'disarmLeaveTimer', userID });
}

function left(m: M, now: number, userID: string, graceMs: number): Step {
  const p = find(m, userID);
  if (!live(m.call.phase) || p?.state !== 'joined' || p.goneAt !== undefined) return step(m);
  return step(people(m, upsert(m.call.participants, { ...p, goneAt: now })), {
    type: 'armLeaveTimer',
    userID,
    afterMs: graceMs,
  });
}

function join(m: M, input: Input<'join'>): Step {
  const { now, self, roomID } = input;
  const s = m.call;
  if (ACTIVE.has(s.phase)) return refuse(m, 'already in a call');
  if (roomID === '') return refuse(m, 'roomID must not be empty');
  // The last call's people where it is the same call; the others named, until media tells.
  const base = s.roomID === roomID ? s.participants : [];
  if (
    1 + base.filter((p) => p.state === 'joined' || isExpected(p, now, m.config.watchdogGraceMs)).length >
    m.config.maxParticipants
  )
    return andThen(finish(patch(m, { roomID }), now, 'full', 'local'), (e) => full(e));
  const connect = m.config.connectTimeoutSeconds;
  const connectBy = connect > 0 ? now + connect * 1000 : undefined;
  let list = changed(base, (p) =>
    p.state === 'joined' ? { ...p, state: 'left', goneAt: undefined } : undefined,
  );
  for (const u of input.participants) {
    if (u !== self.userID && u !== '' && !list.some((p) => p.userID === u))
      list = upsert(list, person(u, 'invited', { deadline: connectBy ?? now }));
  }
  const same = s.roomID === roomID;
  const next: M = {
    ...fresh(m, {
      phase: 'connecting',
      direction: same ? (s.direction ?? 'incoming') : 'incoming',
      roomID,
      groupID: input.groupID,
      callType: input.callType,
      inviter: same ? s.inviter : undefined,
      participants: list,
      startedAt: same ? s.startedAt : undefined,
    }),
    connectBy,
    rejoining: true,
    spentMs: same ? m.spentMs : 0,
  };
  return step(next, { type: 'disarmLeaveTimer', userID: undefined });
}

function fail(m: M, now: number, self: CallSelf, reason: string): Step {
  const { phase } = m.call;
  if (!ACTIVE.has(phase)) return step(m);
  if (phase === 'ringing') return finish(m, now, 'failed', 'local', reason);
  return leave(m, now, self, 'failed', 'local', reason);
}

/** The watchdog fired: whatever is overdue (with the grace) is decided here. */
function overdue(m: M, input: Input<'deadlineOver'>): Step {
  const { now, self, connected } = input;
  const s = m.call;
  const grace = m.config.watchdogGraceMs;
  const reason = connected ? 'timedOut' : 'connectionLost';
  if (s.phase === 'ringing')
    return isOverdue(s.deadline, now, grace) ? finish(m, now, reason, 'remote') : step(m);
  if (!inRoom(s.phase)) return step(m);
  if (s.phase === 'connecting' && isOverdue(m.connectBy, now, grace))
    return leave(m, now, self, reason, 'local');
  const list = changed(s.participants, (p) =>
    isWaiting(p) && isOverdue(p.deadline, now, grace)
      ? { ...p, state: 'timedOut', deadline: undefined }
      : undefined,
  );
  return andThen(step(people(m, list)), (n) => settle(n, now, self, !connected));
}

/** When the watchdog must look next (server time), or undefined. */
function wakeAt(m: M): number | undefined {
  const s = m.call;
  const grace = m.config.watchdogGraceMs;
  const plus = (t: number | undefined) => (t === undefined ? undefined : t + grace);
  if (s.phase === 'ringing') return plus(s.deadline);
  if (!inRoom(s.phase)) return undefined;
  const rung = s.participants.filter(isWaiting).map((p) => plus(p.deadline));
  return earliest(s.phase === 'connecting' ? plus(m.connectBy) : undefined, ...rung);
}

function apply(m: M, input: GroupCallInput): Step {
  const { now, self } = input;
  switch (input.type) {
    case 'start':
      return start(m, input);
    case 'accept':
      return accept(m, now);
    case 'decline':
      return decline(m, input.busy);
    case 'hangUp':
      return hangUp(m, now, self);
    case 'invite':
      return invite(m, input);
    case 'join':
      return join(m, input);
    case 'invitation':
      return invitation(m, input);
    case 'accepted':
    case 'rejected':
      return answered(m, input);
    case 'cancelled':
    case 'timedOut':
      return lost(m, input);
    case 'vanished':
      return vanished(m, input);
    case 'remoteEntered':
      return entered(m, now, input.userID);
    case 'remoteLeft':
      return left(m, now, input.userID, input.graceMs);
    case 'leaveGraceOver': {
      const p = find(m, input.userID);
      if (!live(m.call.phase) || p?.state !== 'joined' || p.goneAt === undefined) return step(m);
      return gone(m, now, self, input.userID, p.goneAt);
    }
    case 'fail':
      return fail(m, now, self, input.reason);
    case 'reset':
      return step(m.call.phase === 'ended' ? initialGroupCallMachine(m.config) : m);
    case 'placed':
      return placed(m, input);
    case 'placeFailed':
      return placeFailed(m, input);
    case 'deadlineOver':
      return overdue(m, input);
    default:
      return replied(m, input);
  }
}

/**
 * The group call (issue 21) as a pure transition: one media room, one or more invitations
 * carrying it (TUICallKit's group call), each person answering on their own. No clock, no
 * client: time and identity come in the input; requests and timers go out as effects.
 *
 * @example
 * let m = initialGroupCallMachine();
 * const { state, effects } = groupCallTransition(m, {
 *   type: 'start', invitees: ['bob', 'carol'], groupID: '', callType: CallType.AUDIO,
 *   roomID: 'r1', now: serverNow, self: { userID: 'alice', deviceID: 'd1' },
 * });
 * // effects: [{ type: 'watch', at }, { type: 'place', invitees: ['bob', 'carol'], ... }]
 */
export function groupCallTransition(m: GroupCallMachineState, input: GroupCallInput): GroupCallStep {
  const next = apply(m, input);
  const at = wakeAt(next.state);
  // Every change of what the watchdog guards re-arms it; its own firing always does.
  if (at === wakeAt(m) && input.type !== 'deadlineOver') return next;
  return step(next.state, { type: 'watch', at }, ...next.effects);
}
