import {
  type CallCommand,
  type CallType,
  createAnswerData,
  createBusyData,
  createCallData,
  createHangupData,
  isGroupCall,
  readCallData,
} from '../callData.js';
import * as CallTypes from '../callTypes.js';
import * as Code from '../errorCodes.js';
import type { ErrorCode } from '../errors.js';
import { canAnswer } from '../rules/guards.js';
import type { InvitationRecord } from '../rules/types.js';
import { type CallEndReason, type CallPhase, type CallState, idleCall, type MissedCall } from './state.js';

/**
 * An action of this side whose request is in flight (or failed with 8010 and waits for the
 * server's event that says who won): `cancel` also while the invitation has no id yet;
 * `hangUp`: an accept still in flight when the user hung up (ended once the accept is known).
 * `answer`: not an action but its mirror on the caller's side: the callee's media entered
 * (the call is `inCall`) before the callee's answer reached this side, which still decides.
 */
export type PendingCallAction = 'accept' | 'hangUp' | 'decline' | 'busy' | 'cancel' | 'answer';

/** The machine's whole state: the call everyone sees, and the action awaiting the server. */
export interface CallMachineState {
  readonly call: CallState;
  readonly pending: PendingCallAction | undefined;
  /**
   * The peer's invitations that reached us while ours was on its way (glare): ours fails with
   * 8012 naming one of them, which we take up unless we saw it end (`over`: how); or ours went
   * through because theirs had ended.
   */
  readonly glare: readonly GlareCall[];
}

export interface GlareCall {
  readonly inviteID: string;
  readonly roomID: string;
  readonly over: 'cancelled' | 'timedOut' | 'answeredElsewhere' | undefined;
}

/** Who this side is when an event arrives. */
export interface CallSelf {
  readonly userID: string | undefined;
  readonly deviceID: string | undefined;
}

/** A request that failed, as the machine needs to know it. */
export interface CallRequestFailure {
  readonly code: ErrorCode | undefined;
  readonly message: string;
}

interface Base {
  /** Server time (ms) when the input happens. */
  readonly now: number;
}

interface Seen extends Base {
  readonly self: CallSelf;
  readonly invitation: InvitationRecord;
  readonly inviteID: string;
}

/**
 * Everything that moves a call: the user's actions, the client's events, the media layer's
 * reports, and the outcome of the requests the machine asked for (`dialed`, `dialFailed`,
 * `acceptFailed`) or of its timers (`leaveGraceOver`, `deadlineOver`).
 */
export type CallInput =
  | (Base & {
      readonly type: 'dial';
      readonly peer: string;
      readonly callType: CallType;
      readonly roomID: string;
      readonly self: CallSelf;
      readonly ringTimeoutSeconds: number;
    })
  | (Base & { readonly type: 'accept' })
  | (Base & { readonly type: 'decline'; readonly busy: boolean })
  | (Base & { readonly type: 'hangUp' })
  | (Base & { readonly type: 'switchToAudio'; readonly ringTimeoutSeconds: number })
  | (Base & { readonly type: 'remoteEntered' })
  /** The peer's media left (or its connection failed): the call waits `graceMs` for it to come back. */
  | (Base & { readonly type: 'remoteLeft'; readonly graceMs: number })
  | (Base & { readonly type: 'fail'; readonly reason: string })
  | (Base & { readonly type: 'reset' })
  | (Base & { readonly type: 'clearMissed' })
  /** `lineBusy`: this user is in a call the machine does not run (a group call): a call rings busy. */
  | (Base & {
      readonly type: 'invitation';
      readonly self: CallSelf;
      readonly invitation: InvitationRecord;
      readonly lineBusy?: boolean;
    })
  | (Seen & {
      readonly type: 'accepted' | 'rejected';
      readonly invitee: string;
      readonly device: string | undefined;
      readonly data: string;
    })
  | (Seen & { readonly type: 'cancelled'; readonly inviter: string })
  | (Seen & { readonly type: 'timedOut' })
  /** The client's `onInvitationVanished`: the invitation ended while this side was away. */
  | (Base & { readonly type: 'vanished'; readonly inviteID: string })
  | (Base & { readonly type: 'dialed'; readonly roomID: string; readonly inviteID: string })
  | (Base & {
      readonly type: 'dialFailed';
      readonly roomID: string;
      readonly failure: CallRequestFailure;
      /** On glare (8012): the peer's invitation that already exists, as this client sees it. */
      readonly existing:
        | { readonly inviteID: string; readonly record: InvitationRecord | undefined }
        | undefined;
    })
  | (Base & { readonly type: 'acceptDone' | 'declineDone' | 'cancelDone'; readonly inviteID: string })
  | (Base & {
      readonly type: 'acceptFailed' | 'declineFailed' | 'cancelFailed';
      readonly inviteID: string;
      readonly failure: CallRequestFailure;
    })
  | (Base & { readonly type: 'leaveGraceOver'; readonly inviteID: string | undefined })
  /**
   * The watchdog: `phase` outlived its deadline plus the grace with no word from the server.
   * `connected`: whether the client is connected to the server now.
   */
  | (Base & {
      readonly type: 'deadlineOver';
      readonly phase: CallPhase;
      readonly inviteID: string | undefined;
      readonly connected: boolean;
    });

/**
 * What the machine asks for, as data; a runner ({@link CallController}) carries it out.
 * `placeCall` reports back as `dialed` or `dialFailed`; `accept`, `decline` and `cancel` as
 * `<action>Done` or `<action>Failed`; the others ignore failures (the goal is reached either
 * way, or there is nobody left to tell).
 */
export type CallEffect =
  | {
      readonly type: 'placeCall';
      readonly peer: string;
      readonly roomID: string;
      readonly data: string;
      readonly timeout: number;
    }
  | { readonly type: 'accept'; readonly inviteID: string }
  /** Accepts a notice (a call-end, the peer's switch to audio); failures are ignored. */
  | { readonly type: 'acknowledge'; readonly inviteID: string; readonly data: string }
  /** Asks the peer to switch to audio (TUICallKit's `switchToAudio`); a failure rejects the action. */
  | { readonly type: 'requestSwitch'; readonly peer: string; readonly data: string; readonly timeout: number }
  /** Declines our ringing call; reports back. */
  | { readonly type: 'decline'; readonly inviteID: string; readonly data: string }
  /** Rejects an invitation that is not our call (busy, a switch we refuse); failures are ignored. */
  | { readonly type: 'reject'; readonly inviteID: string; readonly data: string }
  | { readonly type: 'cancel'; readonly inviteID: string }
  /** The seed's step 5: a new invitation with timeout 0 carrying the hang-up and the duration. */
  | { readonly type: 'sendCallEnd'; readonly peer: string; readonly data: string }
  | { readonly type: 'armLeaveTimer'; readonly afterMs: number; readonly inviteID: string | undefined }
  | { readonly type: 'disarmLeaveTimer' }
  /**
   * The phase changed: the runner's watchdog now guards `phase` (dialing and ringing until
   * `deadline`, server time; connecting for the runner's connect timeout) or, for any other
   * phase, stops. It reports `deadlineOver` a grace period after the deadline.
   */
  | { readonly type: 'watch'; readonly phase: CallPhase; readonly deadline: number | undefined }
  /** The action is refused: the promise of the action that caused it rejects with this. */
  | { readonly type: 'refuse'; readonly code: ErrorCode; readonly message: string };

export interface CallStep {
  readonly state: CallMachineState;
  readonly effects: readonly CallEffect[];
}

type Input<T extends CallInput['type']> = Extract<CallInput, { type: T }>;
type AnswerInput = Input<'accepted' | 'rejected'>;

/**
 * Behaviour only some apps need, kept out of the core machine so the others do not ship it:
 * TUICallKit's mid-call switch to audio ({@link tuiCallKitInterop}). Each hook returns
 * undefined when the input is not its business; the core then handles it.
 */
export interface CallInterop {
  /** A new invitation carrying a command the core does not handle (`switchToAudio`, `switchToVideo`). */
  readonly invitation: (
    m: CallMachineState,
    record: InvitationRecord,
    cmd: CallCommand,
  ) => CallStep | undefined;
  /** An answer to an invitation of this user's that is not the call itself. */
  readonly answered: (m: CallMachineState, input: AnswerInput) => CallStep | undefined;
  /** The `switchToAudio` action. */
  readonly switchToAudio: (m: CallMachineState, ringTimeoutSeconds: number) => CallStep;
}

const GLARE_KEPT = 4;
const MISSED_KEPT = 20;
const ACTIVE: ReadonlySet<string> = new Set(['dialing', 'ringing', 'connecting', 'inCall']);
/** The phases with a deadline, which the watchdog guards. */
const WATCHED: ReadonlySet<CallPhase> = new Set(['dialing', 'ringing', 'connecting']);

/** Connected: the media is starting or up. */
export const live = (phase: CallPhase) => phase === 'connecting' || phase === 'inCall';

export const step = (state: CallMachineState, ...effects: CallEffect[]): CallStep => ({ state, effects });
const cancel = (inviteID: string): CallEffect => ({ type: 'cancel', inviteID });

function glareOver(m: CallMachineState, inviteID: string, over: GlareCall['over']): CallStep {
  return step({ ...m, glare: m.glare.map((g) => (g.inviteID === inviteID ? { ...g, over } : g)) });
}

const glareOf = (m: CallMachineState, inviteID: string) => m.glare.find((g) => g.inviteID === inviteID);

export function patch(m: CallMachineState, p: Partial<CallState>): CallMachineState {
  return { ...m, call: { ...m.call, ...p } };
}

/** A new call, keeping the missed calls. */
function fresh(m: CallMachineState, p: Partial<CallState>): CallState {
  return { ...idleCall, missed: m.call.missed, ...p };
}

/** The call's type and room as the call data carries them. */
export function wire(s: CallState, callType: CallType = CallTypes.AUDIO) {
  return { callType: s.callType ?? callType, roomID: s.roomID ?? '' };
}

function settled(m: CallMachineState): CallMachineState {
  return m.pending === undefined ? m : { ...m, pending: undefined };
}

function then(first: CallStep, next: (state: CallMachineState) => CallStep): CallStep {
  const second = next(first.state);
  return step(second.state, ...first.effects, ...second.effects);
}

function roomOf(record: InvitationRecord | undefined): string | undefined {
  return record && readCallData(record.data)?.roomID;
}

function end(
  m: CallMachineState,
  now: number,
  reason: CallEndReason,
  by: 'local' | 'remote',
  extra: Partial<CallState> = {},
): CallStep {
  const { startedAt, peerGoneAt } = m.call;
  // A call whose peer vanished lasted until the peer was gone.
  const until = peerGoneAt ?? now;
  const duration = startedAt === undefined ? undefined : Math.max(0, Math.round((until - startedAt) / 1000));
  const state = patch(settled(m), {
    phase: 'ended',
    endReason: reason,
    endedBy: by,
    endedAt: now,
    durationSeconds: duration,
    ...extra,
  });
  return step(state, { type: 'disarmLeaveTimer' });
}

const failed = (m: CallMachineState, now: number, failure: string) =>
  end(m, now, 'failed', 'local', { failure });

/** Our decline is confirmed: the call ended as the user asked (busy or declined). */
const declined = (m: CallMachineState, now: number) =>
  end(m, now, m.pending === 'busy' ? 'busy' : 'declined', 'local');

function miss(m: CallMachineState, call: MissedCall): CallMachineState {
  return patch(m, { missed: [call, ...m.call.missed].slice(0, MISSED_KEPT) });
}

/** Sends the call-end notice for the call as it ended (nothing without a peer). */
function callEnd(m: CallMachineState): CallStep {
  const { peer, durationSeconds } = m.call;
  if (!peer) return step(m);
  const data = createHangupData({ ...wire(m.call), durationSeconds: durationSeconds ?? 0 });
  return step(m, { type: 'sendCallEnd', peer, data });
}

/** Ends the call as hung up and sends the call-end. */
const hungUp = (m: CallMachineState, now: number) => then(end(m, now, 'hungUp', 'local'), callEnd);

/** Tells the peer about a call this side ended: a call-end once connected, a cancel while our invitation rings. */
function tell(ended: CallStep, phase: CallPhase, inviteID: string | undefined): CallStep {
  if (live(phase)) return then(ended, callEnd);
  return phase === 'dialing' && inviteID !== undefined
    ? then(ended, (s) => step(s, cancel(inviteID)))
    : ended;
}

/** Is this record the call we are in (also before the invite's reply has arrived)? */
function ours(m: CallMachineState, record: InvitationRecord, self: CallSelf): boolean {
  const s = m.call;
  if (s.inviteID !== undefined) return record.inviteID === s.inviteID;
  // Only our outgoing call lacks an id: dialing, or in the call already (the callee's media can
  // enter before the invite's reply).
  return ACTIVE.has(s.phase) && record.inviter === self.userID && roomOf(record) === s.roomID;
}

// The user's actions on a ringing invitation (accept, decline, cancel) race the other party's:
// the server lets one win and fails the others with 8010. So an action only marks itself
// `pending`; its success reply or the server's event (accepted, rejected, cancelled, timed out)
// decides the state, and an 8010 leaves the state to the event that says who won.

/** Can this side still act on the ringing call (no action of ours in flight)? */
function ringing(m: CallMachineState): string | undefined {
  const { phase, inviteID } = m.call;
  return phase === 'ringing' && m.pending === undefined ? inviteID : undefined;
}

function accept(m: CallMachineState): CallStep {
  const inviteID = ringing(m);
  if (inviteID === undefined) return step(m);
  // Connecting at once lets the media start; the accept is confirmed or lost later.
  return step({ ...patch(m, { phase: 'connecting' }), pending: 'accept' }, { type: 'accept', inviteID });
}

function decline(m: CallMachineState, busy: boolean): CallStep {
  const inviteID = ringing(m);
  if (inviteID === undefined) return step(m);
  const call = wire(m.call);
  const data = busy ? createBusyData(call) : createAnswerData(call);
  return step({ ...m, pending: busy ? 'busy' : 'decline' }, { type: 'decline', inviteID, data });
}

function hangUp(m: CallMachineState, { now }: Base): CallStep {
  const s = m.call;
  if (s.phase === 'ringing') return decline(m, false);
  // Dialing, or in the call through the media before the answer came (`answer`, or `cancel` if
  // the user hung up already: a caller has no other pending action): the answer may still lose.
  if (s.phase === 'dialing' || (s.direction === 'outgoing' && m.pending)) {
    if (m.pending === 'cancel') return step(m);
    const asked: CallMachineState = { ...m, pending: 'cancel' };
    // Without an id yet (or on glare, with the peer's invitation): wait for the invite's reply.
    if (s.inviteID === undefined || s.direction === 'incoming') return step(asked);
    return step(asked, cancel(s.inviteID));
  }
  if (!live(s.phase)) return step(m);
  // Our accept may still lose: only a call that was answered gets a call-end.
  if (accepting(m)) return step({ ...m, pending: 'hangUp' });
  return hungUp(m, now);
}

/** Our accept is confirmed: in the call, or out of it at once if the user hung up meanwhile. */
function acceptWon(m: CallMachineState, now: number): CallStep {
  return m.pending === 'hangUp' ? hungUp(m, now) : step(settled(m));
}

const accepting = (m: CallMachineState) => m.pending === 'accept' || m.pending === 'hangUp';

/**
 * Ringing here, or accepted here but not confirmed: the other party's action may still win (also
 * once the peer's media entered: the caller waits in the room, so it can come before the word).
 */
const undecided = (m: CallMachineState) => m.call.phase === 'ringing' || (live(m.call.phase) && accepting(m));

type Reply = Extract<
  CallInput,
  { type: 'acceptDone' | 'declineDone' | 'cancelDone' | 'acceptFailed' | 'declineFailed' | 'cancelFailed' }
>;

/** The reply to one of the pending actions. */
function replied(m: CallMachineState, input: Reply): CallStep {
  const s = m.call;
  const { now } = input;
  if (s.inviteID !== input.inviteID || s.phase === 'ended') return step(m);
  const action = input.type.replace(/Done|Failed/, '');
  const mine =
    m.pending === action ||
    (action === 'decline' && m.pending === 'busy') ||
    (action === 'accept' && m.pending === 'hangUp');
  if (!mine) return step(m);
  if (!('failure' in input)) {
    if (action === 'accept') return acceptWon(m, now);
    return action === 'cancel' ? end(m, now, 'cancelled', 'local') : declined(m, now);
  }
  // Refused because the other party's action won (8010): the event that says so decides.
  if (input.failure.code === Code.INVITATION_INVALID) return step(m);
  return failed(m, now, input.failure.message);
}

function dial(m: CallMachineState, input: Input<'dial'>): CallStep {
  const { peer, callType, roomID } = input;
  // Calling the person who is ringing us is answering them (glare, seen from this side).
  if (m.call.phase === 'ringing' && m.call.peer === peer) return accept(m);
  if (ACTIVE.has(m.call.phase))
    return step(m, {
      type: 'refuse',
      code: Code.INVALID_PARAMETERS,
      message: 'already in a call',
    });
  const { now, ringTimeoutSeconds: ring } = input;
  const deadline = ring > 0 ? now + ring * 1000 : undefined;
  const call = fresh(m, { phase: 'dialing', direction: 'outgoing', peer, roomID, callType, deadline });
  // The callees only: TUICallKit 2022 shows a group call when the caller is listed too.
  const data = createCallData({ callType, roomID, userIDs: [peer], inviter: input.self.userID ?? '' });
  return step(
    { pending: undefined, glare: [], call },
    { type: 'placeCall', peer, roomID, data, timeout: ring },
  );
}

function dialed(m: CallMachineState, { roomID, inviteID }: Input<'dialed'>): CallStep {
  const s = m.call;
  if (s.roomID !== roomID || s.direction !== 'outgoing') return step(m); // Glare took over meanwhile.
  const known = s.inviteID === undefined ? patch({ ...m, glare: [] }, { inviteID }) : m;
  // Failed before the id was known: the invitation must not ring on.
  if (s.phase === 'ended' && s.inviteID === undefined && s.endReason === 'failed')
    return step(known, cancel(inviteID));
  // Hung up before the id was known (also if the callee's media entered meanwhile): cancel now.
  if (!ACTIVE.has(s.phase) || known.pending !== 'cancel') return step(known);
  return step(known, cancel(s.inviteID ?? inviteID));
}

function dialFailed(m: CallMachineState, input: Input<'dialFailed'>): CallStep {
  if (m.call.roomID !== input.roomID && m.call.phase !== 'dialing') return step(m);
  const { existing, failure } = input;
  if (failure.code === Code.ALREADY_EXISTS && existing) {
    // Glare: the peer is already calling us. Answer their invitation: one call, not two.
    const seen = glareOf(m, existing.inviteID);
    const ringing = patch(
      { ...settled(m), glare: [] },
      {
        inviteID: existing.inviteID,
        direction: 'incoming',
        // Unknown while the 8012 overtakes the peer's invitation: taken from it when it arrives.
        roomID: roomOf(existing.record) ?? seen?.roomID,
        phase: 'ringing',
      },
    );
    // Their invitation already ended (we saw it go): the call is over the way theirs ended.
    const over = seen?.over;
    if (over !== undefined)
      return end(ringing, input.now, over, over === 'answeredElsewhere' ? 'local' : 'remote');
    // Hung up before the reply came: decline the peer's call instead of joining it.
    return m.pending === 'cancel' ? decline(ringing, false) : accept(ringing);
  }
  return failed(m, input.now, failure.message);
}

/** A new invitation to this user: a call rings (or is refused as busy), a call-end ends ours. */
function invitation(
  m: CallMachineState,
  input: Input<'invitation'>,
  interop: CallInterop | undefined,
): CallStep {
  const { now, invitation: record, self } = input;
  if (record.inviter === self.userID || !canAnswer(record, self.userID)) return step(m);
  // An invitee: this user has an id.
  const me = self.userID as string;
  const info = readCallData(record.data);
  // A group call's invitations and leave notices are the group machine's.
  if (!info || isGroupCall(record.groupID, info, record.inviter)) return step(m);
  const s = m.call;
  const { inviteID, inviter: peer } = record;
  const { cmd, roomID } = info;
  if (cmd === 'hangup') {
    // The peer hung up (seed step 5). Acknowledge the notice so it does not linger.
    const ack = step(m, { type: 'acknowledge', inviteID, data: '' });
    // TUICallKit's hang-up may name no room (JS engine) or room 0 (2022 Android): the peer decides.
    const sameRoom = roomID === '' || roomID === s.roomID;
    if (!ACTIVE.has(s.phase) || peer !== s.peer || !sameRoom) return ack;
    // The server sends `peerLeft` in the name of a party whose devices were gone past its grace.
    const reason = info.endReason ?? 'hungUp';
    return then(ack, (a) => end(a, now, reason, 'remote', { durationSeconds: info.callEnd ?? 0 }));
  }
  if (cmd !== 'audioCall' && cmd !== 'videoCall')
    return (cmd && interop?.invitation(m, record, cmd)) || step(m);
  // No room to meet in (the JS engine's leave from a group call): declined, not busy, so it does
  // not stay active. Callees that do not name this user (TUICallKit iOS re-inviting its group
  // call's ringing callees, listing only those it adds): the group machine's, not ours.
  if (!roomID) return step(m, { type: 'reject', inviteID, data: '' });
  if (info.userIDs[0] && !info.userIDs.includes(me)) return step(m);
  const callType = info.callType ?? (cmd === 'videoCall' ? CallTypes.VIDEO : CallTypes.AUDIO);
  // Our call's own invitation, arriving after we took it up (glare answered from the 8012).
  if (inviteID === s.inviteID && s.direction === 'incoming') return step(patch(m, { roomID }));
  if (s.phase === 'dialing' && s.peer === peer && s.inviteID === undefined)
    // Glare seen from this side: if the peer's invitation is still there when ours arrives, ours
    // is answered with 8012 (`dialFailed`), which rings theirs and accepts it.
    return step({ ...m, glare: [...m.glare, { inviteID, roomID, over: undefined }].slice(-GLARE_KEPT) });
  if (ACTIVE.has(s.phase) || input.lineBusy) {
    // Already in a call: reject with the line-busy reason (seed step 3).
    const data = createBusyData({ callType, roomID, userIDs: [me] });
    return step(miss(m, { inviteID, peer, callType, at: record.createdAt }), {
      type: 'reject',
      inviteID,
      data,
    });
  }
  // This user's deadline as the arbiter set it (0: never times out).
  const deadline = record.invitees.find((i) => i.userID === me)?.deadline || undefined;
  const call = fresh(m, {
    phase: 'ringing',
    direction: 'incoming',
    peer,
    inviteID,
    roomID,
    callType,
    deadline,
  });
  return step({ ...m, call }, { type: 'disarmLeaveTimer' });
}

function answered(m: CallMachineState, input: AnswerInput, interop: CallInterop | undefined): CallStep {
  const { now, self, invitee, inviteID } = input;
  const accepted = input.type === 'accepted';
  const s = m.call;
  const extended = interop?.answered(m, input);
  if (extended) return extended;
  if (invitee === self.userID && glareOf(m, inviteID)) return glareOver(m, inviteID, 'answeredElsewhere');
  if (!ours(m, input.invitation, self)) return step(m);
  const known = s.inviteID === undefined ? patch(m, { inviteID }) : m;
  if (s.direction === 'outgoing' && invitee === s.peer) {
    // Also once live: the callee's media may enter before its answer reaches us; the answer decides.
    if (ACTIVE.has(s.phase)) {
      if (!accepted)
        return end(known, now, readCallData(input.data)?.lineBusy ? 'busy' : 'declined', 'remote');
      const answeredNow = s.phase === 'dialing' ? patch(known, { phase: 'connecting' }) : known;
      // Our cancel lost to the callee's accept: the user asked to hang up, so end the call properly.
      if (m.pending === 'cancel') return hungUp(patch(answeredNow, { startedAt: s.startedAt ?? now }), now);
      return step(settled(answeredNow));
    }
    // Our call failed while ringing and the answer beat our cancel: the callee must not wait.
    if (s.phase === 'ended' && s.endReason === 'failed' && accepted) return callEnd(known);
    return step(known);
  }
  if (s.direction !== 'incoming' || invitee !== self.userID || !undecided(m)) return step(known);
  if (input.device !== self.deviceID) return end(known, now, 'answeredElsewhere', 'local');
  // This device's own answer, as the server took it.
  if (accepted) return accepting(m) ? acceptWon(known, now) : step(known);
  if (m.pending === 'decline' || m.pending === 'busy') return declined(known, now);
  return step(known);
}

function lost(m: CallMachineState, input: Input<'cancelled' | 'timedOut'>): CallStep {
  const { now, inviteID } = input;
  const reason = input.type;
  if (glareOf(m, inviteID)) return glareOver(m, inviteID, reason);
  if (!ours(m, input.invitation, input.self)) return step(m);
  const s = m.call;
  // A ringing call, or one whose accept is not confirmed: the caller's cancel or the timeout won.
  if (s.direction === 'incoming' && undecided(m)) {
    const missed = miss(m, {
      inviteID,
      peer: reason === 'cancelled' ? input.inviter : (s.peer ?? ''),
      callType: s.callType ?? CallTypes.AUDIO,
      at: input.invitation.createdAt,
    });
    return end(missed, now, reason, 'remote');
  }
  // Ours, also once the callee's media entered: nobody answered it, whatever the media did.
  if (s.direction !== 'outgoing' || !ACTIVE.has(s.phase)) return step(m);
  return end(m, now, reason, reason === 'timedOut' ? 'remote' : 'local');
}

function fail(m: CallMachineState, { now, reason }: Input<'fail'>): CallStep {
  const { phase, inviteID } = m.call;
  return ACTIVE.has(phase) ? tell(failed(m, now, reason), phase, inviteID) : step(m);
}

/**
 * The watchdog fired: the phase outlived its deadline and the grace with no word from the
 * server. `connectionLost` when the client is disconnected (that is why nothing came), else
 * `timedOut`. The peer is told what it can be: a cancel while dialing, a call-end once answered.
 */
function overdue(m: CallMachineState, input: Input<'deadlineOver'>): CallStep {
  const { now, phase } = input;
  const s = m.call;
  if (s.phase !== phase || (input.inviteID !== undefined && input.inviteID !== s.inviteID)) return step(m);
  const reason = input.connected ? 'timedOut' : 'connectionLost';
  if (phase === 'ringing') {
    const missed = miss(m, {
      inviteID: s.inviteID ?? '',
      peer: s.peer ?? '',
      callType: s.callType ?? CallTypes.AUDIO,
      at: now,
    });
    return end(missed, now, reason, 'remote');
  }
  return tell(end(m, now, reason, 'local'), phase, s.inviteID);
}

/** The peer's media is gone: wait for it to come back, once (a second report keeps the first time). */
function peerGone(m: CallMachineState, { now, graceMs }: Input<'remoteLeft'>): CallStep {
  const { phase, inviteID, peerGoneAt } = m.call;
  if (!live(phase) || peerGoneAt !== undefined) return step(m);
  return step(patch(m, { peerGoneAt: now }), { type: 'armLeaveTimer', afterMs: graceMs, inviteID });
}

type Handler<T extends CallInput['type']> = (
  m: CallMachineState,
  input: Input<T>,
  interop: CallInterop | undefined,
) => CallStep;

/** Each input's handler; the replies to the pending actions go to {@link replied}. */
const handlers: { readonly [T in CallInput['type']]?: Handler<T> } = {
  dial,
  accept,
  decline: (m, input) => decline(m, input.busy),
  hangUp,
  switchToAudio: (m, input, interop) => interop?.switchToAudio(m, input.ringTimeoutSeconds) ?? step(m),
  remoteEntered(m, { now }) {
    const { phase } = m.call;
    const inCall = patch(m, { phase: 'inCall', startedAt: now });
    if (phase === 'connecting') return step(inCall);
    // The caller waits in the room: the callee's media can enter before its answer reaches us.
    if (phase === 'dialing') return step({ ...inCall, pending: m.pending ?? 'answer' });
    // Back within the grace period: the call goes on.
    return phase === 'inCall'
      ? step(patch(m, { peerGoneAt: undefined }), { type: 'disarmLeaveTimer' })
      : step(m);
  },
  remoteLeft: peerGone,
  leaveGraceOver(m, input) {
    // The peer did not come back and sent no call-end (it crashed or lost the network): this
    // side ends the call and sends the call-end with the duration up to the loss (seed step 5).
    if (m.call.inviteID !== input.inviteID || !live(m.call.phase)) return step(m);
    return then(end(m, input.now, 'peerLeft', 'remote'), callEnd);
  },
  deadlineOver: overdue,
  vanished: (m, input) =>
    m.call.inviteID === input.inviteID && WATCHED.has(m.call.phase)
      ? end(m, input.now, 'endedWhileDisconnected', 'remote')
      : step(m),
  fail,
  reset: (m) => step(m.call.phase === 'ended' ? { ...m, call: fresh(m, {}) } : m),
  clearMissed: (m) => step(patch(m, { missed: [] })),
  invitation,
  accepted: answered,
  rejected: answered,
  cancelled: lost,
  timedOut: lost,
  dialed,
  dialFailed,
};

/**
 * The seed's one-to-one call as a pure transition: idle -> dialing | ringing -> connecting ->
 * inCall -> ended, with busy, glare (on either side), answered elsewhere, missed calls, the
 * call-end invitation, the peer's vanishing (a grace period) and a watchdog on the phases with a
 * deadline. No clock, no client: time and identity come in the input; requests and timers go
 * out as effects. `interop` adds what only some apps need ({@link tuiCallKitInterop}).
 *
 * @example
 * const { state, effects } = callTransition(machine, { type: 'hangUp', now: serverNow });
 * // effects: [{ type: 'disarmLeaveTimer' }, { type: 'watch', phase: 'ended', ... }, { type: 'sendCallEnd', peer: 'bob', data }]
 */
export function callTransition(m: CallMachineState, input: CallInput, interop?: CallInterop): CallStep {
  const handler = handlers[input.type] as Handler<CallInput['type']> | undefined;
  const next = handler ? handler(m, input, interop) : replied(m, input as Reply);
  const { phase, deadline } = next.state.call;
  // Every change of phase re-arms (or stops) the watchdog.
  if (phase === m.call.phase || (!WATCHED.has(phase) && !WATCHED.has(m.call.phase))) return next;
  return step(next.state, { type: 'watch', phase, deadline }, ...next.effects);
}

/** The machine before anything happened. */
export const initialCallMachine: CallMachineState = { call: idleCall, pending: undefined, glare: [] };
