import {
  CallType,
  createAnswerData,
  createBusyData,
  createCallData,
  createHangupData,
  isGroupCall,
  readCallData,
} from '../callData.js';
import { ErrorCode } from '../errors.js';
import { canAnswer, isOverdue, pendingAmong } from '../rules/guards.js';
import type { InvitationRecord } from '../rules/types.js';
import {
  changed,
  earliest,
  everJoined,
  inviteesOf,
  isExpected,
  isWaiting,
  person,
  upsert,
} from './groupPeople.js';
import {
  type GroupCallEndReason,
  type GroupCallPhase,
  type GroupCallState,
  type GroupParticipant,
  idleGroupCall,
} from './groupState.js';
import type { CallRequestFailure, CallSelf } from './transition.js';

/** What the group machine is told once, by its runner: the options of {@link GroupCallController}. */
export interface GroupCallConfig {
  /** Seconds an invitation rings (0: it never times out). */
  readonly ringTimeoutSeconds: number;
  /** Seconds this side may stay `connecting` before anyone's media is there (0: no limit). */
  readonly connectTimeoutSeconds: number;
  /** How long past a deadline the machine waits for the server's word before it decides itself. */
  readonly watchdogGraceMs: number;
  /** Everyone in the call at once, this side included: joined, ringing or invited. */
  readonly maxParticipants: number;
}

/**
 * An action of this side whose request is in flight: `hangUp` is an accept still in flight when
 * the user hung up (the call is left once the accept is known to have won).
 */
export type PendingGroupAction = 'accept' | 'decline' | 'busy' | 'hangUp';

/** One invitation this side placed for the call; `inviteID` undefined until the invite's reply. */
export interface SentInvitation {
  readonly inviteID: string | undefined;
  readonly invitees: readonly string[];
}

/** The group machine's whole state: the call everyone sees, and what only the machine needs. */
export interface GroupCallMachineState {
  readonly call: GroupCallState;
  readonly config: GroupCallConfig;
  readonly pending: PendingGroupAction | undefined;
  readonly sent: readonly SentInvitation[];
  /** Server time by which someone's media must be there while `connecting`; undefined: no limit. */
  readonly connectBy: number | undefined;
  /** Joined again (no invitation): the others' states are unknown until someone's media enters. */
  readonly rejoining: boolean;
  /** Server time this side's current stretch in the call began (someone's media was there). */
  readonly since: number | undefined;
  /** Milliseconds spent in the call in earlier stretches (before a leave and a join again). */
  readonly spentMs: number;
}

interface Base {
  /** Server time (ms) when the input happens. */
  readonly now: number;
  readonly self: CallSelf;
}

interface Seen extends Base {
  readonly inviteID: string;
  readonly invitation: InvitationRecord;
}

/**
 * Everything that moves a group call: the user's actions, the client's events on any invitation
 * of the call, leave notices (as new invitations), the media layer's reports per user, the
 * outcomes of the machine's requests and its watchdog.
 */
export type GroupCallInput =
  | (Base & {
      readonly type: 'start';
      readonly invitees: readonly string[];
      readonly groupID: string;
      readonly callType: CallType;
      readonly roomID: string;
    })
  | (Base & { readonly type: 'accept' })
  | (Base & { readonly type: 'decline'; readonly busy: boolean })
  | (Base & { readonly type: 'hangUp' })
  /** Adds people to the call (anyone in it may). */
  | (Base & { readonly type: 'invite'; readonly userIDs: readonly string[] })
  /** Enters the call's room again, without an invitation. */
  | (Base & {
      readonly type: 'join';
      readonly roomID: string;
      readonly groupID: string;
      readonly callType: CallType;
      readonly participants: readonly string[];
    })
  /** A new invitation this user can see; `lineBusy`: this user is in another kind of call. */
  | (Base & {
      readonly type: 'invitation';
      readonly invitation: InvitationRecord;
      readonly lineBusy: boolean;
    })
  | (Seen & {
      readonly type: 'accepted' | 'rejected';
      readonly invitee: string;
      readonly device: string | undefined;
      readonly data: string;
    })
  | (Seen & { readonly type: 'cancelled' | 'timedOut'; readonly inviteeList: readonly string[] })
  | (Seen & { readonly type: 'vanished' })
  | (Base & { readonly type: 'remoteEntered'; readonly userID: string })
  | (Base & { readonly type: 'remoteLeft'; readonly userID: string; readonly graceMs: number })
  | (Base & { readonly type: 'leaveGraceOver'; readonly userID: string })
  | (Base & { readonly type: 'fail'; readonly reason: string })
  | (Base & { readonly type: 'reset' })
  | (Base & {
      readonly type: 'placed';
      readonly roomID: string;
      readonly invitees: readonly string[];
      readonly inviteID: string;
    })
  | (Base & {
      readonly type: 'placeFailed';
      readonly roomID: string;
      readonly invitees: readonly string[];
      readonly failure: CallRequestFailure;
    })
  | (Base & { readonly type: 'acceptDone' | 'declineDone'; readonly inviteID: string })
  | (Base & {
      readonly type: 'acceptFailed' | 'declineFailed';
      readonly inviteID: string;
      readonly failure: CallRequestFailure;
    })
  /** The watchdog's timer (see the `watch` effect); `connected`: the client is connected now. */
  | (Base & { readonly type: 'deadlineOver'; readonly connected: boolean });

/** Why the group machine refuses an action: a signaling code, or the participant limit. */
export type GroupCallRefusal =
  | { readonly code: ErrorCode; readonly message: string }
  | { readonly code: 'group-call-full'; readonly message: string; readonly limit: number };

/**
 * What the machine asks for, as data; {@link GroupCallController} carries it out. `place`
 * reports back as `placed` / `placeFailed` per request, `accept` and `decline` as
 * `<action>Done` / `<action>Failed`; the others ignore failures.
 */
export type GroupCallEffect =
  /** With a group: one inviteInGroup; without: one invite per invitee (each its own request). */
  | {
      readonly type: 'place';
      readonly groupID: string;
      readonly roomID: string;
      readonly invitees: readonly string[];
      readonly data: string;
      readonly timeout: number;
    }
  | { readonly type: 'accept'; readonly inviteID: string; readonly data: string }
  | { readonly type: 'decline'; readonly inviteID: string; readonly data: string }
  /** Rejects an invitation that is not this call (busy). */
  | { readonly type: 'reject'; readonly inviteID: string; readonly data: string }
  | { readonly type: 'cancel'; readonly inviteID: string }
  /**
   * The leave notice: an invitation with timeout 0 carrying the hang-up data (one inviteInGroup
   * with a group, one invite each without), each cancelled as soon as its reply arrives.
   */
  | {
      readonly type: 'sendLeave';
      readonly groupID: string;
      readonly to: readonly string[];
      readonly data: string;
    }
  | { readonly type: 'armLeaveTimer'; readonly userID: string; readonly afterMs: number }
  /** Stops one user's leave timer, or every one (`userID` undefined). */
  | { readonly type: 'disarmLeaveTimer'; readonly userID: string | undefined }
  /** The watchdog: report `deadlineOver` at `at` (server time), or stop (undefined). */
  | { readonly type: 'watch'; readonly at: number | undefined }
  /** The action is refused: its promise rejects with this. */
  | { readonly type: 'refuse'; readonly refusal: GroupCallRefusal };

export interface GroupCallStep {
  readonly state: GroupCallMachineState;
  readonly effects: readonly GroupCallEffect[];
}

type M = GroupCallMachineState;
type Step = GroupCallStep;
type Input<T extends GroupCallInput['type']> = Extract<GroupCallInput, { type: T }>;

const ACTIVE: ReadonlySet<GroupCallPhase> = new Set(['dialing', 'ringing', 'connecting', 'inCall']);
const live = (phase: GroupCallPhase) => phase === 'connecting' || phase === 'inCall';
const inRoom = (phase: GroupCallPhase) => phase === 'dialing' || live(phase);

const step = (state: M, ...effects: GroupCallEffect[]): Step => ({ state, effects });

function then(first: Step, next: (state: M) => Step): Step {
  const second = next(first.state);
  return step(second.state, ...first.effects, ...second.effects);
}

const patch = (m: M, p: Partial<GroupCallState>): M => ({ ...m, call: { ...m.call, ...p } });

const people = (m: M, list: readonly GroupParticipant[]): M =>
  list === m.call.participants ? m : patch(m, { participants: list });

const find = (m: M, userID: string) => m.call.participants.find((p) => p.userID === userID);

function refuse(m: M, message: string, code: ErrorCode = ErrorCode.INVALID_PARAMETERS): Step {
  return step(m, { type: 'refuse', refusal: { code, message } });
}

function full(m: M): Step {
  const limit = m.config.maxParticipants;
  const message = `a group call has at most ${limit} participants`;
  return step(m, { type: 'refuse', refusal: { code: 'group-call-full', message, limit } });
}

/** A new call on this machine: its config kept, everything else as given. */
function fresh(m: M, call: Partial<GroupCallState>): M {
  return { ...initial(m.config), call: { ...idleGroupCall, ...call } };
}

const wire = (s: GroupCallState) => ({ callType: s.callType ?? CallType.AUDIO, roomID: s.roomID ?? '' });

const roomOf = (record: InvitationRecord) => readCallData(record.data);

/** An invitation of this call (not a leave notice): same room, a call command. */
function isCallOf(m: M, record: InvitationRecord): boolean {
  const info = roomOf(record);
  const { phase, roomID } = m.call;
  return (
    phase !== 'idle' &&
    roomID !== undefined &&
    info?.roomID === roomID &&
    (info.cmd === 'audioCall' || info.cmd === 'videoCall')
  );
}

/** Ringing here, or accepted here but not confirmed: another device or the inviter may still win. */
const undecided = (m: M) =>
  m.call.phase === 'ringing' ||
  (m.call.phase === 'connecting' && (m.pending === 'accept' || m.pending === 'hangUp'));

function spent(m: M, now: number): number | undefined {
  if (m.call.startedAt === undefined) return undefined;
  const stretch = m.since === undefined ? 0 : Math.max(0, now - m.since);
  return Math.round((m.spentMs + stretch) / 1000);
}

/** Ends the call for this side (nobody is told: see {@link leave}). */
function finish(
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

/** This side's invitations that still ring, cancelled (and their invitees marked so). */
function cancelRinging(m: M): Step {
  const ringing = new Set(m.call.participants.filter((p) => p.state === 'ringing').map((p) => p.userID));
  const effects: GroupCallEffect[] = [];
  for (const sent of m.sent) {
    if (sent.inviteID !== undefined && sent.invitees.some((u) => ringing.has(u)))
      effects.push({ type: 'cancel', inviteID: sent.inviteID });
  }
  const mine = new Set(m.sent.flatMap((s) => s.invitees));
  const list = changed(m.call.participants, (p) =>
    p.state === 'ringing' && mine.has(p.userID)
      ? { ...p, state: 'cancelled', deadline: undefined }
      : undefined,
  );
  return step(people(m, list), ...effects);
}

/** The call data's `userIDs` of a leave notice: everyone ever in the call, this side too. */
function everyone(m: M, self: CallSelf): string[] {
  const ids = m.call.participants.map((p) => p.userID);
  return self.userID === undefined ? ids : [self.userID, ...ids];
}

/** The leave notice to everyone else who was ever in the call (none when nobody was). */
function notice(m: M, self: CallSelf, to: readonly string[]): Step {
  if (to.length === 0) return step(m);
  const data = createHangupData({
    ...wire(m.call),
    userIDs: everyone(m, self),
    durationSeconds: m.call.durationSeconds ?? 0,
  });
  return step(m, { type: 'sendLeave', groupID: m.call.groupID, to, data });
}

/** Ends the call and tells the others: its ringing invitations cancelled, the leave notice sent. */
function leave(
  m: M,
  now: number,
  self: CallSelf,
  reason: GroupCallEndReason,
  by: 'local' | 'remote',
  failure?: string,
): Step {
  return then(
    then(cancelRinging(m), (c) => finish(c, now, reason, by, failure)),
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
function settle(m: M, now: number, self: CallSelf, lost = false): Step {
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

/** `then` the end rules. */
const settled = (first: Step, now: number, self: CallSelf) => then(first, (m) => settle(m, now, self));

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
  if (ACTIVE.has(m.call.phase)) return refuse(m, 'already in a call; hang up first');
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
  const sent = [...m.sent, ...batches.map((b) => ({ inviteID: undefined, invitees: b }))];
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

function placed(m: M, input: Input<'placed'>): Step {
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

function placeFailed(m: M, input: Input<'placeFailed'>): Step {
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

/** A new invitation: a call rings (or is refused busy), a leave notice, or people added to ours. */
function invitation(m: M, input: Input<'invitation'>): Step {
  const { invitation: record, self, now } = input;
  const info = readCallData(record.data);
  if (!info || record.inviter === self.userID || !isGroupCall(record.groupID, info)) return step(m);
  const s = m.call;
  const ours = ACTIVE.has(s.phase) && s.roomID !== undefined;
  if (info.cmd === 'hangup') {
    // TUICallKit's hang-up may name no room: the sender being one of ours decides then.
    const sameRoom =
      info.roomID === s.roomID || (info.roomID === '' && find(m, record.inviter) !== undefined);
    return ours && sameRoom ? gone(m, now, self, record.inviter, now) : step(m);
  }
  if (info.cmd !== 'audioCall' && info.cmd !== 'videoCall') return step(m);
  if (record.inviteID === s.inviteID) return step(m);
  if (!canAnswer(record, self.userID)) return ours && info.roomID === s.roomID ? added(m, record) : step(m);
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

/** Someone in the call added people (a group member sees it): they ring. */
function added(m: M, record: InvitationRecord): Step {
  let list = m.call.participants;
  for (const p of inviteesOf(record, undefined)) {
    if (!pendingAmong(record, [p.userID]).length) continue;
    const known = find(m, p.userID);
    if (known?.state !== 'joined') list = upsert(list, { ...p, joinedAt: known?.joinedAt });
  }
  return step(people(m, list));
}

/** A participant left for good (their leave notice, or their media gone past the grace). */
function gone(m: M, now: number, self: CallSelf, userID: string, leftAt: number): Step {
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

function accept(m: M, now: number): Step {
  const { phase, inviteID } = m.call;
  if (phase !== 'ringing' || m.pending !== undefined || inviteID === undefined) return step(m);
  const connect = m.config.connectTimeoutSeconds;
  const next: M = {
    ...patch(m, { phase: 'connecting' }),
    pending: 'accept',
    connectBy: connect > 0 ? now + connect * 1000 : undefined,
  };
  return step(next, { type: 'accept', inviteID, data: createAnswerData({ ...wire(m.call), userIDs: [] }) });
}

function decline(m: M, busy: boolean): Step {
  const { phase, inviteID } = m.call;
  if (phase !== 'ringing' || m.pending !== undefined || inviteID === undefined) return step(m);
  const call = { ...wire(m.call), userIDs: [] };
  const data = busy ? createBusyData(call) : createAnswerData(call);
  return step({ ...m, pending: busy ? 'busy' : 'decline' }, { type: 'decline', inviteID, data });
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

/** Our accept won: in the call, or out of it at once if the user hung up meanwhile. */
function acceptWon(m: M, now: number, self: CallSelf): Step {
  if (m.pending === 'hangUp') return leave(m, now, self, 'hungUp', 'local');
  return step(m.pending === 'accept' ? { ...m, pending: undefined } : m);
}

function declined(m: M, now: number): Step {
  return finish(m, now, m.pending === 'busy' ? 'busy' : 'declined', 'local');
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

function answered(m: M, input: Input<'accepted' | 'rejected'>): Step {
  const { now, self, invitee, invitation: record } = input;
  const accepted = input.type === 'accepted';
  if (!isCallOf(m, record)) return step(m);
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

function lost(m: M, input: Input<'cancelled' | 'timedOut'>): Step {
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

function vanished(m: M, input: Input<'vanished'>): Step {
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
  let next = people(m, list);
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
  if (ACTIVE.has(s.phase)) return refuse(m, 'already in a call; hang up first');
  if (roomID === '') return refuse(m, 'roomID must not be empty');
  // The last call's people where it is the same call; the others named, until media tells.
  const base = s.roomID === roomID ? s.participants : [];
  if (
    1 + base.filter((p) => p.state === 'joined' || isExpected(p, now, m.config.watchdogGraceMs)).length >
    m.config.maxParticipants
  )
    return then(finish(patch(m, { roomID }), now, 'full', 'local'), (e) => full(e));
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
  return then(step(people(m, list)), (n) => settle(n, now, self, !connected));
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
      return step(m.call.phase === 'ended' ? initial(m.config) : m);
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

export const DEFAULT_GROUP_CONFIG: GroupCallConfig = {
  ringTimeoutSeconds: 30,
  connectTimeoutSeconds: 30,
  watchdogGraceMs: 5000,
  maxParticipants: 6,
};

/** The machine before anything happened. */
export function initialGroupCallMachine(config: Partial<GroupCallConfig> = {}): GroupCallMachineState {
  return initial({ ...DEFAULT_GROUP_CONFIG, ...config });
}

function initial(config: GroupCallConfig): M {
  return {
    call: idleGroupCall,
    config,
    pending: undefined,
    sent: [],
    connectBy: undefined,
    rejoining: false,
    since: undefined,
    spentMs: 0,
  };
}
