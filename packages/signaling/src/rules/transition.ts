import { ActionType, checkData, checkInviteeList, checkTimeout, envelopeOf } from '../envelope.js';
import {
  ErrorCode as Code,
  type ErrorCode,
  type ErrorDetails,
  errorInfo,
  type SignalingErrorInfo,
} from '../errors.js';
import { MAX_INVITEES } from '../limits.js';
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

/** Key of a ringing one-to-one invitation in the glare index. */
function ringingKey(record: InvitationRecord): string | undefined {
  const only = record.invitees.length === 1 ? record.invitees[0] : undefined;
  return record.groupID === '' && record.timeout > 0 && only
    ? `${record.inviter}\n${only.userID}`
    : undefined;
}

/** `inviter`'s ringing one-to-one invitation to `invitee`, if any (glare). */
function findRinging(state: SignalingState, inviter: string, invitee: string): InvitationRecord | undefined {
  const key = `${inviter}\n${invitee}`;
  if (state.ringing !== undefined) {
    for (const id of state.ringing.get(key) ?? []) {
      const record = state.invitations.get(id);
      if (record && ringingKey(record) === key && record.invitees[0]?.state === 'pending') return record;
    }
    return undefined;
  }
  for (const record of state.invitations.values()) {
    if (ringingKey(record) === key && record.invitees[0]?.state === 'pending') return record;
  }
  return undefined;
}

function nextDeadline(record: InvitationRecord): number {
  let next = 0;
  for (const i of record.invitees) {
    if (i.state === 'pending' && i.deadline > 0 && (next === 0 || i.deadline < next)) next = i.deadline;
  }
  return next;
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

function uniqueInvitees(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** Membership rules of group invitations; null when they hold. */
function membershipError(
  input: CommandInput,
  groupID: string,
  invitees: readonly string[],
): SignalingErrorInfo | null {
  if (groupID === '') return null;
  const group = input.group;
  if (group === undefined) return errorInfo(Code.GROUP_NOT_FOUND, `group "${groupID}" does not exist`);
  if (!group.members.has(input.actor)) {
    return errorInfo(Code.NOT_GROUP_MEMBER, `${input.actor} is not a member of group "${groupID}"`);
  }
  const outsider = invitees.find((id) => !group.members.has(id));
  if (outsider === undefined) return null;
  return errorInfo(Code.NOT_GROUP_MEMBER, `invitee ${outsider} is not a member of group "${groupID}"`, {
    field: 'inviteeList',
  });
}

function invite(state: SignalingState, input: CommandInput, command: Extract<Command, { op: 'invite' }>) {
  const maxInvitees = input.maxInvitees ?? MAX_INVITEES;
  const checked = checkInviteeList(command.inviteeList, 'inviteeList', maxInvitees);
  if (!checked.ok) return refuse(state, checked.error.code, checked.error.message, { field: 'inviteeList' });
  for (const check of [checkData(command.data), checkTimeout(command.timeout)]) {
    if (!check.ok) return refuse(state, check.error.code, check.error.message, check.error.details);
  }
  if (typeof command.groupID !== 'string')
    return refuse(state, Code.INVALID_PARAMETERS, 'groupID must be a string');
  if (typeof command.onlineUserOnly !== 'boolean') {
    return refuse(state, Code.INVALID_PARAMETERS, 'onlineUserOnly must be a boolean');
  }
  const invitees = uniqueInvitees(checked.value);
  if (invitees.length === 0) return refuse(state, Code.INVALID_PARAMETERS, 'inviteeList must not be empty');
  if (invitees.includes(input.actor))
    return refuse(state, Code.INVALID_PARAMETERS, 'an inviter cannot invite itself');
  if (command.groupID === '' && invitees.length !== 1) {
    return refuse(state, Code.INVALID_PARAMETERS, 'a one-to-one invitation has exactly one invitee');
  }
  const membership = membershipError(input, command.groupID, invitees);
  if (membership) return refuse(state, membership.code, membership.message, membership.details);
  const inviteID = input.newInviteID;
  if (inviteID === undefined)
    return refuse(state, Code.INTERNAL, 'no id was provided for the new invitation');
  if (state.invitations.has(inviteID))
    return refuse(state, Code.ALREADY_EXISTS, `invitation ${inviteID} exists`);

  if (command.groupID === '' && command.timeout > 0) {
    // Glare: the callee is already ringing us. No second invitation; the caller learns the id.
    const callee = invitees[0] ?? '';
    const other = findRinging(state, callee, input.actor);
    if (other !== undefined) {
      return refuse(state, Code.ALREADY_EXISTS, `${callee} is already inviting ${input.actor}`, {
        inviteID: other.inviteID,
      });
    }
  }

  const deadline = command.timeout > 0 ? input.now + command.timeout * 1000 : 0;
  const record: InvitationRecord = {
    inviteID,
    inviter: input.actor,
    groupID: command.groupID,
    data: command.data,
    timeout: command.timeout,
    onlineUserOnly: command.onlineUserOnly,
    createdAt: input.now,
    ...(input.newSerial === undefined ? {} : { serial: input.newSerial }),
    invitees: invitees.map((userID) => ({ userID, state: 'pending', deadline, delivered: false })),
    answers: 0,
  };
  const event: SignalingEvent = {
    kind: 'invite',
    envelope: envelopeOf(record, ActionType.INVITE, invitees, command.data),
    at: input.now,
    invitation: record,
  };
  return commit(state, record, event, audienceOf(record), inviteID);
}

function onCommand(state: SignalingState, input: CommandInput): TransitionResult {
  const { command, actor, now } = input;
  if (command.op === 'invite') return invite(state, input, command);

  const record = state.invitations.get(command.inviteID);
  if (record === undefined) {
    return refuse(
      state,
      Code.INVITATION_INVALID,
      `invitation ${command.inviteID} does not exist or has ended`,
    );
  }

  switch (command.op) {
    case 'cancel':
    case 'modify': {
      if (actor !== record.inviter) {
        return refuse(
          state,
          Code.NO_PERMISSION,
          `only the inviter can ${command.op} invitation ${record.inviteID}`,
        );
      }
      const data = checkData(command.data);
      if (!data.ok) return refuse(state, data.error.code, data.error.message, data.error.details);
      if (command.op === 'modify') {
        const all = record.invitees.map((i) => i.userID);
        const event: SignalingEvent = {
          kind: 'modify',
          envelope: envelopeOf(record, ActionType.INVITE, all, command.data),
          at: now,
        };
        return commit(state, record, event, audienceOf(record), record.inviteID);
      }
      const pending = record.invitees.filter((i) => i.state === 'pending').map((i) => i.userID);
      const event: SignalingEvent = {
        kind: 'cancel',
        envelope: envelopeOf(record, ActionType.CANCEL, pending, command.data),
        at: now,
      };
      return commit(state, record, event, audienceOf(record), record.inviteID);
    }
    case 'accept':
    case 'reject': {
      const me = record.invitees.find((i) => i.userID === actor);
      if (me === undefined) {
        return refuse(
          state,
          Code.NO_PERMISSION,
          `${actor} is not an invitee of invitation ${record.inviteID}`,
        );
      }
      if (me.state !== 'pending') {
        return refuse(
          state,
          Code.INVITATION_INVALID,
          `invitation ${record.inviteID} was already ${me.state} by ${actor}`,
        );
      }
      const data = checkData(command.data);
      if (!data.ok) return refuse(state, data.error.code, data.error.message, data.error.details);
      const event: SignalingEvent = {
        kind: command.op,
        envelope: envelopeOf(
          record,
          command.op === 'accept' ? ActionType.ACCEPT : ActionType.REJECT,
          [actor],
          command.data,
        ),
        at: now,
        device: input.device,
      };
      return commit(state, record, event, audienceOf(record), record.inviteID);
    }
    case 'addInvitees': {
      if (actor !== record.inviter) {
        return refuse(state, Code.NO_PERMISSION, `only the inviter can add invitees to ${record.inviteID}`);
      }
      const maxInvitees = input.maxInvitees ?? MAX_INVITEES;
      const checked = checkInviteeList(command.inviteeList, 'inviteeList', maxInvitees);
      if (!checked.ok)
        return refuse(state, checked.error.code, checked.error.message, { field: 'inviteeList' });
      const known = new Set(record.invitees.map((i) => i.userID));
      const added = uniqueInvitees(checked.value).filter((id) => !known.has(id) && id !== record.inviter);
      if (added.length === 0) return refuse(state, Code.INVALID_PARAMETERS, 'no new invitee to add');
      if (known.size + added.length > maxInvitees) {
        return refuse(state, Code.INVALID_PARAMETERS, `an invitation has at most ${maxInvitees} invitees`);
      }
      const membership = membershipError(input, record.groupID, added);
      if (membership) return refuse(state, membership.code, membership.message, membership.details);
      const deadline = record.timeout > 0 ? now + record.timeout * 1000 : 0;
      const grown: InvitationRecord = {
        ...record,
        invitees: [
          ...record.invitees,
          ...added.map((userID) => ({ userID, state: 'pending' as const, deadline, delivered: false })),
        ],
      };
      const event: SignalingEvent = {
        kind: 'addInvitees',
        envelope: envelopeOf(grown, ActionType.INVITE, added, grown.data),
        at: now,
        invitation: grown,
      };
      return commit(state, record, event, audienceOf(grown), record.inviteID);
    }
  }
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
      const due = record.invitees
        .filter((i) => i.state === 'pending' && i.deadline > 0 && i.deadline <= input.now)
        .map((i) => i.userID);
      if (due.length === 0) {
        const at = nextDeadline(record);
        return { state, effects: at > 0 ? [{ type: 'schedule', inviteID: record.inviteID, at }] : [] };
      }
      const event: SignalingEvent = {
        kind: 'timeout',
        envelope: envelopeOf(record, ActionType.TIMEOUT, due, ''),
        at: input.now,
      };
      return commit(state, record, event);
    }
    case 'delivered': {
      const record = state.invitations.get(input.inviteID);
      const invitee = record?.invitees.find((i) => i.userID === input.invitee);
      if (record === undefined || invitee === undefined || invitee.delivered) return { state, effects: [] };
      const event: SignalingEvent = {
        kind: 'delivered',
        envelope: envelopeOf(record, ActionType.INVITE, [input.invitee], record.data),
        at: input.now,
      };
      // Receipts go to the inviter only: a class of 500 must not hear about 500 deliveries each.
      return commit(state, record, event, { users: [record.inviter] });
    }
  }
}
