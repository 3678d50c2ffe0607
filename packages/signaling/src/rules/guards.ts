import { isCallEndNotice } from '../callData.js';
import { checkData, checkInviteeList, checkTimeout } from '../envelope.js';
import { ErrorCode, errorInfo, type SignalingErrorInfo } from '../errors.js';
import { CALL_END_NOTICE_SECONDS, MAX_INVITEES } from '../limits.js';
import type { Command, GroupMembership, InvitationRecord, InviteeRecord, SignalingEvent } from './types.js';

// The guards of the rules: every decision about whether an action may happen, and about whom
// it concerns. `transition` is built on them, and so is every runner (hub, memory store, Redis
// store, server, Tencent transport): a rule is written here once and nowhere else. Pure
// functions of their arguments; time comes in as `now`.

/** A guard's verdict: the checked value, or the error to refuse with. */
export type Verdict<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: SignalingErrorInfo };

type InviteCommand = Extract<Command, { op: 'invite' }>;
/** The commands that act on an existing invitation with a `data` string. */
export type ActionCommand = Extract<Command, { op: 'cancel' | 'accept' | 'reject' | 'modify' }>;

const refused = (code: ErrorCode, message: string, field?: string): Verdict<never> => ({
  ok: false,
  error: errorInfo(code, message, field === undefined ? undefined : { field }),
});

function checkedList(value: unknown, maxInvitees: number): Verdict<readonly string[]> {
  const list = checkInviteeList(value, 'inviteeList', maxInvitees);
  if (!list.ok) return refused(list.error.code, list.error.message, 'inviteeList');
  return { ok: true, value: [...new Set(list.value)] };
}

/**
 * Checks an invite's parameters as sent by `actor` (one-to-one or in a group) and returns its
 * invitees without repeats. Group membership is {@link checkMembership}'s: a runner whose
 * platform checks membership itself (Tencent) skips it.
 */
export function checkInvite(
  actor: string,
  command: InviteCommand,
  maxInvitees: number = MAX_INVITEES,
): Verdict<readonly string[]> {
  const list = checkedList(command.inviteeList, maxInvitees);
  if (!list.ok) return list;
  for (const check of [checkData(command.data), checkTimeout(command.timeout)]) {
    if (!check.ok)
      return { ok: false, error: errorInfo(check.error.code, check.error.message, check.error.details) };
  }
  if (typeof command.groupID !== 'string')
    return refused(ErrorCode.INVALID_PARAMETERS, 'groupID must be a string');
  if (typeof command.onlineUserOnly !== 'boolean') {
    return refused(ErrorCode.INVALID_PARAMETERS, 'onlineUserOnly must be a boolean');
  }
  const invitees = list.value;
  if (invitees.length === 0) return refused(ErrorCode.INVALID_PARAMETERS, 'inviteeList must not be empty');
  if (invitees.includes(actor))
    return refused(ErrorCode.INVALID_PARAMETERS, 'an inviter cannot invite itself');
  if (command.groupID === '' && invitees.length !== 1) {
    return refused(ErrorCode.INVALID_PARAMETERS, 'a one-to-one invitation has exactly one invitee');
  }
  return list;
}

/** Membership rules of group invitations (`group` undefined: it does not exist); undefined when they hold. */
export function checkMembership(
  actor: string,
  groupID: string,
  invitees: readonly string[],
  group: GroupMembership | undefined,
): SignalingErrorInfo | undefined {
  if (groupID === '') return undefined;
  if (group === undefined) return errorInfo(ErrorCode.GROUP_NOT_FOUND, `group "${groupID}" does not exist`);
  if (!group.members.has(actor)) {
    return errorInfo(ErrorCode.NOT_GROUP_MEMBER, `${actor} is not a member of group "${groupID}"`);
  }
  const outsider = invitees.find((id) => !group.members.has(id));
  if (outsider === undefined) return undefined;
  return errorInfo(ErrorCode.NOT_GROUP_MEMBER, `invitee ${outsider} is not a member of group "${groupID}"`, {
    field: 'inviteeList',
  });
}

function gone(inviteID: string): Verdict<never> {
  return refused(ErrorCode.INVITATION_INVALID, `invitation ${inviteID} does not exist or has ended`);
}

/**
 * Checks `actor` adding invitees to `record` (undefined: unknown or ended); returns the record
 * and the new invitees (known users and the inviter left out).
 */
export function checkAddInvitees(
  record: InvitationRecord | undefined,
  actor: string,
  command: Extract<Command, { op: 'addInvitees' }>,
  maxInvitees: number = MAX_INVITEES,
): Verdict<{ readonly record: InvitationRecord; readonly added: readonly string[] }> {
  if (record === undefined) return gone(command.inviteID);
  if (actor !== record.inviter) {
    return refused(ErrorCode.NO_PERMISSION, `only the inviter can add invitees to ${record.inviteID}`);
  }
  const list = checkedList(command.inviteeList, maxInvitees);
  if (!list.ok) return list;
  const known = new Set(record.invitees.map((i) => i.userID));
  const added = list.value.filter((id) => !known.has(id) && id !== record.inviter);
  if (added.length === 0) return refused(ErrorCode.INVALID_PARAMETERS, 'no new invitee to add');
  if (known.size + added.length > maxInvitees) {
    return refused(ErrorCode.INVALID_PARAMETERS, `an invitation has at most ${maxInvitees} invitees`);
  }
  return { ok: true, value: { record, added } };
}

/**
 * Checks `actor` answering (accept, reject) or acting as inviter (cancel, modify) on `record`
 * (undefined: unknown or ended): existence, permission, the invitee's state, then the data.
 */
export function checkAction(
  record: InvitationRecord | undefined,
  actor: string,
  command: ActionCommand,
): Verdict<{ readonly record: InvitationRecord; readonly data: string }> {
  const { op, inviteID } = command;
  if (record === undefined) return gone(inviteID);
  if (op === 'cancel' || op === 'modify') {
    if (actor !== record.inviter) {
      return refused(ErrorCode.NO_PERMISSION, `only the inviter can ${op} invitation ${inviteID}`);
    }
  } else {
    const me = record.invitees.find((i) => i.userID === actor);
    if (me === undefined)
      return refused(ErrorCode.NO_PERMISSION, `${actor} is not an invitee of invitation ${inviteID}`);
    if (me.state !== 'pending') {
      return refused(
        ErrorCode.INVITATION_INVALID,
        `invitation ${inviteID} was already ${me.state} by ${actor}`,
      );
    }
  }
  const data = checkData(command.data);
  if (!data.ok)
    return { ok: false, error: errorInfo(data.error.code, data.error.message, data.error.details) };
  return { ok: true, value: { record, data: data.value } };
}

/**
 * Whether `invitee` may still answer `record`: listed and pending (a later answer changes
 * nothing). Also what makes an invitation "incoming" for a user.
 *
 * @example
 * const ringing = [...client.invitations.values()].filter((r) => canAnswer(r, client.userID));
 */
export function canAnswer(record: InvitationRecord | undefined, invitee: string | undefined): boolean {
  if (invitee === undefined) return false;
  return record?.invitees.some((i) => i.userID === invitee && i.state === 'pending') === true;
}

/** The listed invitees (all when `who` is undefined) that are still pending, so a cancel or timeout concerns them. */
export function pendingAmong(record: InvitationRecord, who?: readonly string[]): string[] {
  return record.invitees
    .filter((i) => i.state === 'pending' && (who === undefined || who.includes(i.userID)))
    .map((i) => i.userID);
}

// -- glare ---------------------------------------------------------------------------------

/** A one-to-one invitation with a timeout rings (a call): the only kind glare looks at. */
export function isRinging(record: Pick<InvitationRecord, 'groupID' | 'timeout'>): boolean {
  return record.groupID === '' && record.timeout > 0;
}

/** The invitee an invite must be checked for glare against, or undefined when glare does not apply. */
export function glareCallee(command: InviteCommand): string | undefined {
  const callee = command.inviteeList[0];
  return isRinging(command) && typeof callee === 'string' ? callee : undefined;
}

/** Key of a ringing one-to-one invitation in a glare index: `inviter\ninvitee`. */
export function ringingKey(record: InvitationRecord): string | undefined {
  const only = record.invitees.length === 1 ? record.invitees[0] : undefined;
  return isRinging(record) && only ? `${record.inviter}\n${only.userID}` : undefined;
}

export interface FindRingingOptions {
  /** A glare index (see `SignalingState.ringing`): a lookup instead of a scan. */
  readonly index?: ReadonlyMap<string, readonly string[]> | undefined;
  /**
   * Counts a record as ringing although its timeout says otherwise (Tencent: an incoming
   * invitation whose timeout the SDK event did not carry is still a ringing call).
   */
  readonly assumeRinging?: (record: InvitationRecord) => boolean;
}

/** `inviter`'s ringing one-to-one invitation to `invitee`, still pending, if any (glare). */
export function findRinging(
  invitations: ReadonlyMap<string, InvitationRecord>,
  inviter: string,
  invitee: string,
  options: FindRingingOptions = {},
): InvitationRecord | undefined {
  const key = `${inviter}\n${invitee}`;
  const rings = (record: InvitationRecord) => {
    const only = record.invitees.length === 1 ? record.invitees[0] : undefined;
    const pair = record.groupID === '' && record.inviter === inviter && only?.userID === invitee;
    const ringing = ringingKey(record) === key || (pair && options.assumeRinging?.(record) === true);
    return ringing && only?.state === 'pending';
  };
  if (options.index !== undefined && options.assumeRinging === undefined) {
    for (const id of options.index.get(key) ?? []) {
      const record = invitations.get(id);
      if (record && rings(record)) return record;
    }
    return undefined;
  }
  for (const record of invitations.values()) if (rings(record)) return record;
  return undefined;
}

/** Glare: refuses `actor`'s call to a callee who is already calling `actor` (8012, with that invitation's id). */
export function checkGlare(
  invitations: ReadonlyMap<string, InvitationRecord>,
  actor: string,
  command: InviteCommand,
  options: FindRingingOptions = {},
): SignalingErrorInfo | undefined {
  const callee = glareCallee(command);
  const other = callee === undefined ? undefined : findRinging(invitations, callee, actor, options);
  if (other === undefined) return undefined;
  return errorInfo(ErrorCode.ALREADY_EXISTS, `${callee} is already inviting ${actor}`, {
    inviteID: other.inviteID,
  });
}

// -- records and timeouts ------------------------------------------------------------------

/**
 * A new invitation record: every invitee pending, with the deadline its timeout gives (a
 * timeout-0 invitation with `expiresIn`, a call-end notice: that many seconds; the record's
 * timeout stays 0).
 */
export function newInvitation(fields: {
  readonly inviteID: string;
  readonly inviter: string;
  readonly groupID: string;
  readonly invitees: readonly string[];
  readonly data: string;
  readonly timeout: number;
  readonly onlineUserOnly: boolean;
  readonly createdAt: number;
  readonly serial?: number | undefined;
  readonly expiresIn?: number | undefined;
}): InvitationRecord {
  const { invitees, serial, expiresIn, ...rest } = fields;
  const deadline = deadlineOf(fields.timeout > 0 ? fields.timeout : (expiresIn ?? 0), fields.createdAt);
  return {
    ...rest,
    ...(serial === undefined ? {} : { serial }),
    invitees: invitees.map((userID) => ({ userID, state: 'pending', deadline, delivered: false })),
    answers: 0,
  };
}

/** The record with `added` appended as pending invitees, each with the full timeout from `now`. */
export function withInvitees(
  record: InvitationRecord,
  added: readonly string[],
  now: number,
): InvitationRecord {
  const deadline = deadlineOf(record.timeout, now);
  const grown: InviteeRecord[] = added.map((userID) => ({
    userID,
    state: 'pending',
    deadline,
    delivered: false,
  }));
  return { ...record, invitees: [...record.invitees, ...grown] };
}

/** `value` as a timeout the rules accept (whole seconds, 0 to a day), or undefined. */
export function timeoutOf(value: unknown): number | undefined {
  const timeout = checkTimeout(value);
  return timeout.ok ? timeout.value : undefined;
}

/**
 * Seconds after which an unanswered invitation with timeout 0 times out all the same: a call-end
 * notice (seed step 5: a one-to-one hang-up, a group call's leave notice) gets `noticeSeconds`
 * (default `CALL_END_NOTICE_SECONDS`; 0 = never), so one to a receiver who never comes back does
 * not stay active for good; every other timeout-0 invitation (a classroom's signals) gets none.
 */
export function noticeExpiry(
  command: Pick<InviteCommand, 'timeout' | 'data'>,
  noticeSeconds: number = CALL_END_NOTICE_SECONDS,
): number {
  return command.timeout === 0 && noticeSeconds > 0 && isCallEndNotice(command.data) ? noticeSeconds : 0;
}

/** Server time at which an invitee asked at `from` times out; 0 = never. */
export function deadlineOf(timeout: number, from: number): number {
  return timeout > 0 ? from + timeout * 1000 : 0;
}

/**
 * Whether a deadline (server time; undefined or 0: none) is over at `now`, `graceMs` after it:
 * the one "is it due" of the rules, for runners that hold a deadline outside a record (the group
 * call's participants).
 */
export function isOverdue(deadline: number | undefined, now: number, graceMs = 0): boolean {
  return deadline !== undefined && deadline > 0 && deadline + graceMs <= now;
}

/** The pending invitees whose deadline is at or before `now`: they time out. */
export function dueInvitees(record: InvitationRecord, now: number): string[] {
  return record.invitees
    .filter((i) => i.state === 'pending' && isOverdue(i.deadline, now))
    .map((i) => i.userID);
}

/** The earliest deadline of a pending invitee, or 0 when none times out. */
export function nextDeadline(record: InvitationRecord): number {
  let next = 0;
  for (const i of record.invitees) {
    if (i.state === 'pending' && i.deadline > 0 && (next === 0 || i.deadline < next)) next = i.deadline;
  }
  return next;
}

// -- visibility and receipts ---------------------------------------------------------------

/** Whether a device that connects later gets this invitation (snapshot, inbox): onlineUserOnly ones never. */
export function isReplayable(record: Pick<InvitationRecord, 'onlineUserOnly'>): boolean {
  return !record.onlineUserOnly;
}

/** Where one recipient of an event stands when the event is handed out. */
export interface RecipientStanding {
  /** One of the user's devices is connected (the event reaches it now). */
  readonly present: boolean;
  /** The user holds the invitation: an earlier event of it went into the user's log. */
  readonly holds: boolean;
}

/**
 * Whether handing an event of `record` to a recipient goes into the recipient's log, so that a
 * device resuming by sequence gets it. Every event of an ordinary invitation is. An
 * onlineUserOnly invitation's event is logged only for the users who hold it (an earlier event
 * of it was logged for them) and for those connected now, who hold it from then on: an invitee
 * who was away when it was sent never gets it, not even on resume, but a party who had it
 * (always the inviter, and every invitee or group member it reached) hears every later event,
 * answers and endings included, even from a device that was cut meanwhile. Dropping such
 * invitations on resume instead would leave the inviter without an invitation the server still
 * holds (one with timeout 0 would never end for it); logging them for their holders keeps every
 * party's view equal to the server's. Each store applies this to every recipient, atomically
 * with the sequence it hands out (the Redis commit script mirrors it in Lua).
 *
 * @example
 * const seq = isLoggedFor(record, { present, holds }) ? log.append(userID, event) : undefined;
 */
export function isLoggedFor(
  record: Pick<InvitationRecord, 'onlineUserOnly'>,
  recipient: RecipientStanding,
): boolean {
  return isReplayable(record) || recipient.present || recipient.holds;
}

/** Whether `userID` sees `record`: as inviter, invitee, or a member of its group. */
export function canSee(
  record: InvitationRecord,
  userID: string,
  isMember: (groupID: string) => boolean,
): boolean {
  if (record.inviter === userID || record.invitees.some((i) => i.userID === userID)) return true;
  return record.groupID !== '' && isMember(record.groupID);
}

/**
 * Whether `invitee` receiving `record` calls for a delivery receipt: a pending invitee whose
 * devices had not received it yet. The one decision behind every "mark delivered".
 */
export function needsReceipt(record: InvitationRecord | undefined, invitee: string): boolean {
  return record?.invitees.some((i) => i.userID === invitee && i.state === 'pending' && !i.delivered) === true;
}

/**
 * Whether `event` is where `userID` can first have come to hold its invitation: the invitation
 * itself, or an `addInvitees` that names them. A client that missed it cannot have held it.
 */
export function introduces(event: SignalingEvent, userID: string): boolean {
  return (
    event.kind === 'invite' || (event.kind === 'addInvitees' && event.envelope.inviteeList.includes(userID))
  );
}

/** Whether handing `event` to `userID` calls for a receipt: it invited them, and {@link needsReceipt}. */
export function receiptDue(event: SignalingEvent, userID: string): boolean {
  if (event.kind !== 'invite' && event.kind !== 'addInvitees') return false;
  return event.envelope.inviteeList.includes(userID) && needsReceipt(event.invitation, userID);
}
