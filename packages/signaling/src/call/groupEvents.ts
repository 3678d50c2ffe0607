import { CallType, createAnswerData, createBusyData, isGroupCall, readCallData } from '../callData.js';
import { canAnswer, pendingAmong } from '../rules/guards.js';
import type { InvitationRecord } from '../rules/types.js';
import {
  ACTIVE,
  acceptWon,
  declined,
  find,
  finish,
  fresh,
  type Input,
  isCallOf,
  type M,
  markAccepted,
  notice,
  patch,
  people,
  type Step,
  settle,
  settled,
  step,
  undecided,
} from './groupEnd.js';
import type { GroupCallEffect } from './groupMachine.js';
import { changed, inviteesOf, isWaiting, person, upsert } from './groupPeople.js';
import type { GroupParticipant } from './groupState.js';
import type { CallSelf } from './transition.js';

// The group machine's inputs from the client: new invitations (calls, leave notices, people
// added), answers, cancels, timeouts, invitations gone while away, and its own placements.

export function placed(m: M, input: Input<'placed'>): Step {
  const { inviteID, invitees, roomID } = input;
  const cancel: GroupCallEffect = { type: 'cancel', inviteID };
  // An invitation of a call this side has left (or of an earlier call) must not ring on.
  if (roomID !== m.call.roomID || m.call.phase === 'ended') return step(m, cancel);
  let named = false;
  const sent = m.sent.map((s) => {
    if (named || s.inviteID !== undefined || s.invitees.join('\n') !== invitees.join('\n')) return s;
    named = true;
    return { ...s, inviteID };
  });
  return step({ ...m, sent });
}

export function placeFailed(m: M, input: Input<'placeFailed'>): Step {
  const { invitees, roomID, now, self } = input;
  if (roomID !== m.call.roomID || m.call.phase === 'ended') return step(m);
  const key = invitees.join('\n');
  const sent = m.sent.filter((s) => s.inviteID !== undefined || s.invitees.join('\n') !== key);
  const list = changed(m.call.participants, (p) =>
    p.state === 'ringing' && invitees.includes(p.userID)
      ? { ...p, state: 'cancelled', deadline: undefined }
      : undefined,
  );
  const failedOnce = patch({ ...people(m, list), sent }, { failure: input.failure.message });
  const next = settle(failedOnce, now, self);
  // The call goes on: the failure was about some of the people only.
  return next.state.call.phase === 'ended'
    ? next
    : step({ ...next.state, call: { ...next.state.call, failure: undefined } }, ...next.effects);
}

type Facts = NonNullable<ReturnType<typeof readCallData>>;

/** A new invitation: a call rings (or is refused busy), a leave notice, or people added to ours. */
export function invitation(m: M, input: Input<'invitation'>): Step {
  const { invitation: record, self, now } = input;
  const info = readCallData(record.data);
  if (!info) return step(m);
  if (record.inviter === self.userID) {
    // The server left this user's call in its name (its call device was gone past the grace,
    // `peerLeft`) and told the others: this device, back and still in that call, is out of it.
    const s = m.call;
    const leftForUs =
      info.cmd === 'hangup' &&
      info.endReason === 'peerLeft' &&
      info.roomID === s.roomID &&
      ACTIVE.has(s.phase);
    return leftForUs ? finish(m, now, 'connectionLost', 'remote') : step(m);
  }
  if (info.cmd === 'hangup') return hungUp(m, input, info);
  if (info.cmd !== 'audioCall' && info.cmd !== 'videoCall') return step(m);
  const s = m.call;
  const ours = ACTIVE.has(s.phase) && s.roomID !== undefined;
  const group = isGroupCall(record.groupID, info, record.inviter);
  if (info.roomID === '') {
    // Nobody can join a call with no room. The JS engine sends one to everyone when it leaves a
    // call of several people without a group (its hang-up flag lost): from someone in our call,
    // it is their leave. It never rings, and is declined (not busy) so it does not stay active.
    const leaving = ours && find(m, record.inviter)?.state === 'joined';
    const data = createAnswerData({ callType: info.callType ?? CallType.AUDIO, roomID: '', userIDs: [] });
    const no: GroupCallEffect[] =
      group && canAnswer(record, self.userID) ? [{ type: 'reject', inviteID: record.inviteID, data }] : [];
    const next = leaving ? gone(m, now, self, record.inviter, now) : step(m);
    return step(next.state, ...no, ...next.effects);
  }
  const ourRoom = ours && info.roomID === s.roomID;
  // TUICallKit iOS re-invites its call's ringing callees listing only the people it adds (one,
  // often): one-to-one by its data, yet it names our room.
  if (!group && !ourRoom) return step(m);
  if (record.inviteID === s.inviteID) return step(m);
  if (!canAnswer(record, self.userID)) return ourRoom ? added(m, record, undefined) : step(m);
  if (ourRoom && (record.inviter === s.inviter || find(m, record.inviter)?.state === 'joined'))
    return rungAgain(m, record, self);
  if (ACTIVE.has(s.phase) || input.lineBusy) {
    const data = createBusyData({
      callType: info.callType ?? CallType.AUDIO,
      roomID: info.roomID,
      userIDs: info.userIDs,
    });
    return step(m, { type: 'reject', inviteID: record.inviteID, data });
  }
  return ring(m, record, self);
}

/**
 * A hang-up: the leave notice of someone in our call when it names our room, or no room (2022
 * Android writes room 0, the JS engine none) and comes from someone in the call. A group call's
 * hang-up addressed to this user is acknowledged either way (one-to-one ones are the one-to-one
 * machine's): TUICallKit never cancels its own, so unanswered they would stay active.
 */
function hungUp(m: M, input: Input<'invitation'>, info: Facts): Step {
  const { invitation: record, self, now } = input;
  const s = m.call;
  const sameRoom =
    info.roomID === s.roomID || (info.roomID === '' && find(m, record.inviter)?.state === 'joined');
  const ours = ACTIVE.has(s.phase) && s.roomID !== undefined && sameRoom;
  const ack: GroupCallEffect[] =
    (ours || isGroupCall(record.groupID, info, record.inviter)) && canAnswer(record, self.userID)
      ? [{ type: 'acknowledge', inviteID: record.inviteID }]
      : [];
  const next = ours ? gone(m, now, self, record.inviter, now) : step(m);
  return step(next.state, ...ack, ...next.effects);
}

/** Our call rings: the inviter is in it, the others as the invitation shows them. */
function ring(m: M, record: InvitationRecord, self: CallSelf): Step {
  const info = readCallData(record.data);
  const me = self.userID;
  const deadline = record.invitees.find((i) => i.userID === me)?.deadline || undefined;
  let list: readonly GroupParticipant[] = [person(record.inviter, 'joined', { joinedAt: record.createdAt })];
  // In a group every member sees every answer (and the invitation's invitees are the ones it
  // rings: TUICallKit ignores userIDs there); without one the others are only listed.
  if (record.groupID !== '') for (const p of inviteesOf(record, me)) list = upsert(list, p);
  else
    for (const u of info?.userIDs ?? []) {
      if (u !== me && !list.some((p) => p.userID === u))
        list = upsert(list, person(u, 'invited', { invitedBy: record.inviter, deadline }));
    }
  const cmdType = info?.cmd === 'videoCall' ? CallType.VIDEO : CallType.AUDIO;
  const call = fresh(m, {
    phase: 'ringing',
    direction: 'incoming',
    roomID: info?.roomID,
    groupID: record.groupID,
    callType: info?.callType ?? cmdType,
    inviter: record.inviter,
    inviteID: record.inviteID,
    participants: list,
    deadline,
  });
  return step(call, { type: 'disarmLeaveTimer', userID: undefined });
}

/**
 * Our call's room again, from someone in it, listing this side: TUICallKit re-sends its
 * invitation to everyone still ringing when it adds people (2022 Android re-lists them in a new
 * inviteInGroup, 2022 iOS re-invites each), and reads only the answer to the newest. Ringing,
 * this side rings on once and answers the newest (and every earlier one) alike; already
 * answering or in the call, it answers the new one as it did the first. Never busy.
 */
function rungAgain(m: M, record: InvitationRecord, self: CallSelf): Step {
  const { inviteID } = record;
  const next = added(m, record, self.userID).state;
  const s = next.call;
  const call = { callType: s.callType ?? CallType.AUDIO, roomID: s.roomID ?? '', userIDs: [] };
  if (m.pending === 'decline' || m.pending === 'busy') {
    const data = m.pending === 'busy' ? createBusyData(call) : createAnswerData(call);
    return step(next, { type: 'reject', inviteID, data });
  }
  if (s.phase !== 'ringing') return step(next, { type: 'acknowledge', inviteID });
  const deadline = record.invitees.find((i) => i.userID === self.userID)?.deadline || s.deadline;
  const older = s.inviteID === undefined ? [] : [s.inviteID];
  return step({ ...patch(next, { inviteID, deadline }), rungAgain: [...next.rungAgain, ...older] });
}

/** Someone in the call added people (a group member sees it): they ring. */
function added(m: M, record: InvitationRecord, me: string | undefined): Step {
  let list = m.call.participants;
  for (const p of inviteesOf(record, me)) {
    if (!pendingAmong(record, [p.userID]).length) continue;
    const known = find(m, p.userID);
    if (known?.state !== 'joined') list = upsert(list, { ...p, joinedAt: known?.joinedAt });
  }
  return step(people(m, list));
}

/** A participant left for good (their leave notice, or their media gone past the grace). */
export function gone(m: M, now: number, self: CallSelf, userID: string, leftAt: number): Step {
  const p = find(m, userID);
  if (p === undefined || p.state === 'left') return step(m);
  const list = upsert(m.call.participants, {
    ...p,
    state: 'left',
    leftAt,
    goneAt: undefined,
    deadline: undefined,
  });
  const stop: GroupCallEffect[] = p.goneAt === undefined ? [] : [{ type: 'disarmLeaveTimer', userID }];
  return settled(step(people(m, list), ...stop), now, self);
}

export function answered(m0: M, input: Input<'accepted' | 'rejected'>): Step {
  const { now, self, invitee, invitation: record } = input;
  const accepted = input.type === 'accepted';
  if (!isCallOf(m0, record)) return step(m0);
  // Our own invitation taken: never cancelled from now on if it is a group invitation.
  const m =
    accepted && record.inviter === self.userID
      ? markAccepted(m0, (sent) => sent.inviteID === input.inviteID)
      : m0;
  const s = m.call;
  if (invitee === self.userID) {
    if (input.inviteID !== s.inviteID || !undecided(m)) return step(m);
    if (input.device !== self.deviceID) return finish(m, now, 'answeredElsewhere', 'local');
    if (accepted) return acceptWon(m, now, self);
    return m.pending === 'decline' || m.pending === 'busy' ? declined(m, now) : step(m);
  }
  if (s.phase === 'ended') {
    // Someone accepted our invitation after this side left: they must not wait for us.
    return accepted && record.inviter === self.userID ? notice(m, self, [invitee]) : step(m);
  }
  const before = find(m, invitee) ?? person(invitee, 'ringing', { invitedBy: record.inviter });
  const busy = !accepted && readCallData(input.data)?.lineBusy === true;
  const answer: GroupParticipant = accepted
    ? { ...before, state: 'joined', joinedAt: now, leftAt: undefined, deadline: undefined }
    : { ...before, state: busy ? 'busy' : 'declined', deadline: undefined };
  let next = people(m, upsert(s.participants, answer));
  if (accepted && s.phase === 'dialing') {
    const connect = m.config.connectTimeoutSeconds;
    next = {
      ...patch(next, { phase: 'connecting' }),
      connectBy: connect > 0 ? now + connect * 1000 : undefined,
    };
  }
  return settle(next, now, self);
}

export function lost(m: M, input: Input<'cancelled' | 'timedOut'>): Step {
  const { now, self, inviteeList, invitation: record } = input;
  if (!isCallOf(m, record)) return step(m);
  const s = m.call;
  const reason = input.type;
  if (self.userID !== undefined && inviteeList.includes(self.userID) && input.inviteID === s.inviteID)
    return undecided(m) ? finish(m, now, reason, 'remote') : step(m);
  if (s.phase === 'ended') return step(m);
  const list = changed(s.participants, (p) =>
    isWaiting(p) && inviteeList.includes(p.userID) ? { ...p, state: reason, deadline: undefined } : undefined,
  );
  return settle(people(m, list), now, self);
}

export function vanished(m: M, input: Input<'vanished'>): Step {
  const { now, self, inviteID, invitation: record } = input;
  const s = m.call;
  if (inviteID === s.inviteID && undecided(m)) return finish(m, now, 'endedWhileDisconnected', 'remote');
  if (!isCallOf(m, record) || s.phase === 'ended') return step(m);
  // How it ended is unknown: its people are listed, no longer visible (media or their deadline tell).
  const unknown = pendingAmong(record);
  const list = changed(s.participants, (p) =>
    p.state === 'ringing' && unknown.includes(p.userID) ? { ...p, state: 'invited' } : undefined,
  );
  return settle(people(m, list), now, self);
}
