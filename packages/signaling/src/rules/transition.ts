import {
  ErrorCode as Code,
  type ErrorCode,
  type ErrorDetails,
  errorInfo,
  type SignalingErrorInfo,
} from '../errors.js';
import { MAX_INVITEES } from '../limits.js';
import {
  addInviteesEvent,
  answerEvent,
  deliveredEvent,
  inviteEvent,
  modifyEvent,
  settleEvent,
} from './events.js';
import {
  checkAction,
  checkAddInvitees,
  checkGlare,
  checkInvite,
  checkMembership,
  dueInvitees,
  needsReceipt,
  newInvitation,
  nextDeadline,
  noticeExpiry,
  pendingAmong,
  ringingKey,
  withInvitees,
} from './guards.js';
import { PersistentMap } from './persistentMap.js';
import { applyEvent, isActive } from './reduce.js';
import type {
  Audience,
  Command,
  Effect,
  InvitationRecord,
  SignalingEvent,
  SignalingState,
  TransitionInput,
  TransitionResult,
} from './types.js';

type CommandInput = Extract<TransitionInput, { type: 'command' }>;

function refuse(
  state: SignalingState,
  code: ErrorCode,
  message: string,
  details?: ErrorDetails,
): TransitionResult {
  return {
    state,
    effects: [{ type: 'reply', reply: { ok: false, error: errorInfo(code, message, details) } }],
  };
}

/** Everyone who sees every action on this invitation: inviter, invitees, and the group. */
function audienceOf(record: InvitationRecord): Audience {
  const users = [record.inviter, ...record.invitees.map((i) => i.userID)];
  return record.groupID === '' ? { users } : { users, group: record.groupID };
}

/**
 * Applies an event to the state and emits what follows: the delivery to the audience, the
 * timer bookkeeping and the end of the invitation when no invitee is pending any more.
 */
function commit(
  state: SignalingState,
  record: InvitationRecord,
  event: SignalingEvent,
  to: Audience = audienceOf(record),
  reply?: string,
): TransitionResult {
  const next = applyEvent(record, event) ?? record;
  let invitations = PersistentMap.from(state.invitations);
  let ringing = state.ringing === undefined ? undefined : PersistentMap.from(state.ringing);
  const effects: Effect[] = [{ type: 'deliver', to, event, ephemeral: record.onlineUserOnly }];
  const hadTimer = nextDeadline(record) > 0;
  const at = nextDeadline(next);
  const pair = isActive(next) ? ringingKey(next) : undefined;
  // A new invitation has no index entry yet, whatever its key.
  const before = state.invitations.has(record.inviteID) ? ringingKey(record) : undefined;
  // Keep the glare index exact: the ids ringing per pair (a caller may ring twice).
  if (ringing !== undefined && before !== pair) {
    if (before !== undefined) {
      const rest = (ringing.get(before) ?? []).filter((id) => id !== record.inviteID);
      ringing = rest.length > 0 ? ringing.set(before, rest) : ringing.delete(before);
    }
    if (pair !== undefined) ringing = ringing.set(pair, [...(ringing.get(pair) ?? []), next.inviteID]);
  }
  if (isActive(next)) {
    invitations = invitations.set(next.inviteID, next);
    // The runner keeps one timer per invitation; scheduling again replaces it.
    if (at > 0) effects.push({ type: 'schedule', inviteID: next.inviteID, at });
    else if (hadTimer) effects.push({ type: 'unschedule', inviteID: next.inviteID });
  } else {
    invitations = invitations.delete(next.inviteID);
    if (hadTimer) effects.push({ type: 'unschedule', inviteID: next.inviteID });
    effects.push({ type: 'ended', invitation: next });
  }
  if (reply !== undefined) effects.push({ type: 'reply', reply: { ok: true, inviteID: reply } });
  return { state: ringing === undefined ? { invitations } : { invitations, ringing }, effects };
}

function refuseWith(state: SignalingState, error: SignalingErrorInfo): TransitionResult {
  return { state, effects: [{ type: 'reply', reply: { ok: false, error } }] };
}

function invite(state: SignalingState, input: CommandInput, command: Extract<Command, { op: 'invite' }>) {
  const checked = checkInvite(input.actor, command, input.maxInvitees ?? MAX_INVITEES);
  if (!checked.ok) return refuseWith(state, checked.error);
  const invitees = checked.value;
  const membership = checkMembership(input.actor, command.groupID, invitees, input.group);
  if (membership) return refuseWith(state, membership);
  const inviteID = input.newInviteID;
  if (inviteID === undefined)
    return refuse(state, Code.INTERNAL, 'no id was provided for the new invitation');
  if (state.invitations.has(inviteID))
    return refuse(state, Code.ALREADY_EXISTS, `invitation ${inviteID} exists`);
  // Glare: the callee is already ringing us. No second invitation; the caller learns the id.
  const glare = checkGlare(state.invitations, input.actor, command, { index: state.ringing });
  if (glare) return refuseWith(state, glare);

  const record = newInvitation({
    inviteID,
    inviter: input.actor,
    groupID: command.groupID,
    invitees,
    data: command.data,
    timeout: command.timeout,
    onlineUserOnly: command.onlineUserOnly,
    createdAt: input.now,
    serial: input.newSerial,
    expiresIn: noticeExpiry(command, input.callEndNoticeSeconds),
  });
  return commit(state, record, inviteEvent(record, input.now), audienceOf(record), inviteID);
}

function onCommand(state: SignalingState, input: CommandInput): TransitionResult {
  const { command, actor, now } = input;
  if (command.op === 'invite') return invite(state, input, command);

  const record = state.invitations.get(command.inviteID);
  if (command.op === 'addInvitees') {
    const checked = checkAddInvitees(record, actor, command, input.maxInvitees ?? MAX_INVITEES);
    if (!checked.ok) return refuseWith(state, checked.error);
    const { added, record: before } = checked.value;
    const membership = checkMembership(actor, before.groupID, added, input.group);
    if (membership) return refuseWith(state, membership);
    const grown = withInvitees(before, added, now);
    return commit(state, before, addInviteesEvent(grown, added, now), audienceOf(grown), before.inviteID);
  }
  const checked = checkAction(record, actor, command);
  if (!checked.ok) return refuseWith(state, checked.error);
  const { data, record: acted } = checked.value;
  const event =
    command.op === 'modify'
      ? modifyEvent(acted, data, now)
      : command.op === 'cancel'
        ? settleEvent(acted, 'cancel', pendingAmong(acted), data, now)
        : answerEvent(acted, command.op, actor, data, now, input.device);
  return commit(state, acted, event, audienceOf(acted), acted.inviteID);
}

/**
 * The invitation rules, as one pure function. It never reads a clock, a socket or a random
 * source: time and new ids arrive in the input, and everything that should happen next
 * (replies, deliveries, timers, the end of an invitation) comes back as data.
 *
 * @example
 * const { state: next, effects } = transition(state, {
 *   type: 'command', actor: 'alice', device: 'd1', now: clock.now(), newInviteID: uuid(),
 *   command: { op: 'invite', groupID: '', inviteeList: ['bob'], data, timeout: 30, onlineUserOnly: false },
 * });
 */
export function transition(state: SignalingState, input: TransitionInput): TransitionResult {
  switch (input.type) {
    case 'command':
      return onCommand(state, input);
    case 'timeout': {
      const record = state.invitations.get(input.inviteID);
      if (record === undefined) return { state, effects: [] };
      const due = dueInvitees(record, input.now);
      if (due.length === 0) {
        const at = nextDeadline(record);
        return { state, effects: at > 0 ? [{ type: 'schedule', inviteID: record.inviteID, at }] : [] };
      }
      return commit(state, record, settleEvent(record, 'timeout', due, '', input.now));
    }
    case 'delivered': {
      const record = state.invitations.get(input.inviteID);
      if (record === undefined || !needsReceipt(record, input.invitee)) return { state, effects: [] };
      // Receipts go to the inviter only: a class of 500 must not hear about 500 deliveries each.
      const event = deliveredEvent(record, input.invitee, input.now);
      return commit(state, record, event, { users: [record.inviter] });
    }
  }
}
