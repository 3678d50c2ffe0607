import {
  CallType,
  createAnswerData,
  createBusyData,
  createCallData,
  createHangupData,
  createSwitchToAudioData,
  parseCallData,
} from '../callData.js';
import { ErrorCode } from '../errors.js';
import { canAnswer } from '../rules/guards.js';
import type { InvitationRecord } from '../rules/types.js';
import { type CallEndReason, type CallState, idleCall, type MissedCall } from './state.js';

/**
 * An action of this side whose request is in flight (or failed with 8010 and waits for the
 * server's event that says who won): `cancel` also while the invitation has no id yet;
 * `hangUp`: an accept still in flight when the user hung up (ended once the accept is known).
 */
export type PendingCallAction = 'accept' | 'hangUp' | 'decline' | 'busy' | 'cancel';

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
 * `acceptFailed`) or of its timer (`leaveGraceOver`).
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
  | (Base & { readonly type: 'remoteLeft'; readonly graceMs: number })
  | (Base & { readonly type: 'fail'; readonly reason: string })
  | (Base & { readonly type: 'reset' })
  | (Base & { readonly type: 'clearMissed' })
  | (Base & { readonly type: 'invitation'; readonly self: CallSelf; readonly invitation: InvitationRecord })
  | (Seen & {
      readonly type: 'accepted' | 'rejected';
      readonly invitee: string;
      readonly device: string | undefined;
      readonly data: string;
    })
  | (Seen & { readonly type: 'cancelled'; readonly inviter: string })
  | (Seen & { readonly type: 'timedOut' })
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
  | (Base & { readonly type: 'leaveGraceOver'; readonly inviteID: string | undefined });

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
  /** The action is refused: the promise of the action that caused it rejects with this. */
  | { readonly type: 'refuse'; readonly code: ErrorCode; readonly message: string };

export interface CallStep {
  readonly state: CallMachineState;
  readonly effects: readonly CallEffect[];
}

const GLARE_KEPT = 4;

function glareOver(m: CallMachineState, inviteID: string, over: GlareCall['over']): CallMachineState {
  return { ...m, glare: m.glare.map((g) => (g.inviteID === inviteID ? { ...g, over } : g)) };
}

const ACTIVE: ReadonlySet<string> = new Set(['dialing', 'ringing', 'connecting', 'inCall']);
const MISSED_KEPT = 20;

const stay = (state: CallMachineState): CallStep => ({ state, effects: [] });

function patch(m: CallMachineState, p: Partial<CallState>): CallMachineState {
  return { ...m, call: { ...m.call, ...p } };
}

function settled(m: CallMachineState): CallMachineState {
  return m.pending === undefined ? m : { ...m, pending: undefined };
}

function then(first: CallStep, next: (state: CallMachineState) => CallStep): CallStep {
  const second = next(first.state);
  return { state: second.state, effects: [...first.effects, ...second.effects] };
}

function roomOf(record: InvitationRecord | undefined): string | undefined {
  const info = record ? parseCallData(record.data) : undefined;
  return info?.ok ? info.value.roomID : undefined;
}

function end(
  m: CallMachineState,
  now: number,
  reason: CallEndReason,
  by: 'local' | 'remote',
  extra: Partial<CallState> = {},
): CallStep {
  const { startedAt } = m.call;
  const duration = startedAt === undefined ? undefined : Math.max(0, Math.round((now - startedAt) / 1000));
  const state = patch(settled(m), {
    phase: 'ended',
    endReason: reason,
    endedBy: by,
    endedAt: now,
    durationSeconds: duration,
    ...extra,
  });
  return { state, effects: [{ type: 'disarmLeaveTimer' }] };
}

function miss(m: CallMachineState, call: MissedCall): CallMachineState {
  return patch(m, { missed: [call, ...m.call.missed].slice(0, MISSED_KEPT) });
}

/** Sends the call-end notice for the call as it ended (nothing without a peer). */
function callEnd(m: CallMachineState): CallStep {
  const { peer, callType, roomID, durationSeconds } = m.call;
  if (!peer) return stay(m);
  const data = createHangupData({
    callType: callType ?? CallType.AUDIO,
    roomID: roomID ?? '',
    durationSeconds: durationSeconds ?? 0,
  });
  return { state: m, effects: [{ type: 'sendCallEnd', peer, data }] };
}

/** Is this record the call we are in (also before the invite's reply has arrived)? */
function ours(m: CallMachineState, record: InvitationRecord, self: CallSelf): boolean {
  const s = m.call;
  if (s.inviteID !== undefined) return record.inviteID === s.inviteID;
  return s.phase === 'dialing' && record.inviter === self.userID && roomOf(record) === s.roomID;
}

// The user's actions on a ringing invitation (accept, decline, cancel) race the other party's:
// the server lets one win and fails the others with 8010. So an action only marks itself
// `pending`; its success reply or the server's event (accepted, rejected, cancelled, timed out)
// decides the state, and an 8010 leaves the state to the event that says who won.

function accept(m: CallMachineState): CallStep {
  const { phase, inviteID } = m.call;
  if (phase !== 'ringing' || inviteID === undefined || m.pending !== undefined) return stay(m);
  // Connecting at once lets the media start; the accept is confirmed or lost later.
  const state = { ...patch(m, { phase: 'connecting' }), pending: 'accept' as const };
  return { state, effects: [{ type: 'accept', inviteID }] };
}

function decline(m: CallMachineState, busy: boolean): CallStep {
  const { phase, inviteID, callType, roomID } = m.call;
  if (phase !== 'ringing' || inviteID === undefined || m.pending !== undefined) return stay(m);
  const call = { callType: callType ?? CallType.AUDIO, roomID: roomID ?? '' };
  const data = busy ? createBusyData(call) : createAnswerData(call);
  return {
    state: { ...m, pending: busy ? 'busy' : 'decline' },
    effects: [{ type: 'decline', inviteID, data }],
  };
}

function hangUp(m: CallMachineState, now: number): CallStep {
  const s = m.call;
  if (s.phase === 'ringing') return decline(m, false);
  if (s.phase === 'dialing') {
    if (m.pending === 'cancel') return stay(m);
    const asked: CallMachineState = { ...m, pending: 'cancel' };
    // Without an id yet (or on glare, with the peer's invitation): wait for the invite's reply.
    if (s.inviteID === undefined || s.direction === 'incoming') return stay(asked);
    return { state: asked, effects: [{ type: 'cancel', inviteID: s.inviteID }] };
  }
  if (s.phase !== 'connecting' && s.phase !== 'inCall') return stay(m);
  // Our accept may still lose: only a call that was answered gets a call-end.
  if (accepting(m)) return stay({ ...m, pending: 'hangUp' });
  return then(end(m, now, 'hungUp', 'local'), callEnd);
}

/** Our accept is confirmed: in the call, or out of it at once if the user hung up meanwhile. */
function acceptWon(m: CallMachineState, now: number): CallStep {
  return m.pending === 'hangUp' ? then(end(m, now, 'hungUp', 'local'), callEnd) : stay(settled(m));
}

/** The caller's cancel lost to the callee's accept: the user asked to hang up, so end the call properly. */
function hangUpAnswered(m: CallMachineState, now: number): CallStep {
  return then(end(patch(m, { phase: 'connecting', startedAt: now }), now, 'hungUp', 'local'), callEnd);
}

const accepting = (m: CallMachineState) => m.pending === 'accept' || m.pending === 'hangUp';

/** Was our request refused because the other party's action won (8010)? Then an event decides. */
const lostRace = (failure: CallRequestFailure) => failure.code === ErrorCode.INVITATION_INVALID;

type Reply = Extract<
  CallInput,
  { type: 'acceptDone' | 'declineDone' | 'cancelDone' | 'acceptFailed' | 'declineFailed' | 'cancelFailed' }
>;

/** The reply to one of the pending actions. */
function replied(m: CallMachineState, input: Reply): CallStep {
  const s = m.call;
  if (s.inviteID !== input.inviteID || s.phase === 'ended') return stay(m);
  const action = input.type.startsWith('accept')
    ? 'accept'
    : input.type.startsWith('decline')
      ? 'decline'
      : 'cancel';
  const mine =
    m.pending === action ||
    (action === 'decline' && m.pending === 'busy') ||
    (action === 'accept' && m.pending === 'hangUp');
  if (!mine) return stay(m);
  if (!('failure' in input)) {
    if (action === 'accept') return acceptWon(m, input.now);
    if (action === 'cancel') return end(m, input.now, 'cancelled', 'local');
    return end(m, input.now, m.pending === 'busy' ? 'busy' : 'declined', 'local');
  }
  if (lostRace(input.failure)) return stay(m);
  return end(m, input.now, 'failed', 'local', { failure: input.failure.message });
}

function dial(m: CallMachineState, input: Extract<CallInput, { type: 'dial' }>): CallStep {
  const { peer, callType, roomID } = input;
  // Calling the person who is ringing us is answering them (glare, seen from this side).
  if (m.call.phase === 'ringing' && m.call.peer === peer) return accept(m);
  if (ACTIVE.has(m.call.phase)) {
    const refusal: CallEffect = {
      type: 'refuse',
      code: ErrorCode.INVALID_PARAMETERS,
      message: 'already in a call; hang up first',
    };
    return { state: m, effects: [refusal] };
  }
  const state: CallMachineState = {
    pending: undefined,
    glare: [],
    call: {
      ...idleCall,
      missed: m.call.missed,
      phase: 'dialing',
      direction: 'outgoing',
      peer,
      roomID,
      callType,
    },
  };
  // The callees only: TUICallKit 2022 shows a group call when the caller is listed too.
  const data = createCallData({ callType, roomID, userIDs: [peer], inviter: input.self.userID ?? '' });
  return { state, effects: [{ type: 'placeCall', peer, roomID, data, timeout: input.ringTimeoutSeconds }] };
}

function dialed(m: CallMachineState, roomID: string, inviteID: string): CallStep {
  const s = m.call;
  if (s.roomID !== roomID || s.direction !== 'outgoing') return stay(m); // Glare took over meanwhile.
  const known = s.inviteID === undefined ? patch({ ...m, glare: [] }, { inviteID }) : m;
  // Failed before the id was known: the invitation must not ring on.
  if (s.phase === 'ended' && s.inviteID === undefined && s.endReason === 'failed')
    return { state: known, effects: [{ type: 'cancel', inviteID }] };
  if (s.phase !== 'dialing' || known.pending !== 'cancel') return stay(known);
  return { state: known, effects: [{ type: 'cancel', inviteID: known.call.inviteID ?? inviteID }] };
}

function dialFailed(m: CallMachineState, input: Extract<CallInput, { type: 'dialFailed' }>): CallStep {
  if (m.call.roomID !== input.roomID && m.call.phase !== 'dialing') return stay(m);
  const { existing, failure } = input;
  if (failure.code === ErrorCode.ALREADY_EXISTS && existing) {
    // Glare: the peer is already calling us. Answer their invitation: one call, not two.
    const seen = m.glare.find((g) => g.inviteID === existing.inviteID);
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
    if (seen?.over !== undefined)
      return end(ringing, input.now, seen.over, seen.over === 'answeredElsewhere' ? 'local' : 'remote');
    // Hung up before the reply came: decline the peer's call instead of joining it.
    return m.pending === 'cancel' ? decline(ringing, false) : accept(ringing);
  }
  return end(m, input.now, 'failed', 'local', { failure: failure.message });
}

/** A new invitation to this user: a call rings (or is refused as busy), a call-end ends ours. */
function invitation(m: CallMachineState, now: number, record: InvitationRecord, self: CallSelf): CallStep {
  if (record.groupID !== '' || record.inviter === self.userID || !canAnswer(record, self.userID))
    return stay(m);
  const info = parseCallData(record.data);
  if (!info.ok) return stay(m);
  const s = m.call;
  const { cmd, roomID } = info.value;
  if (cmd === 'hangup') {
    // The peer hung up (seed step 5). Acknowledge the notice so it does not linger.
    const ack: CallStep = {
      state: m,
      effects: [{ type: 'acknowledge', inviteID: record.inviteID, data: '' }],
    };
    // TUICallKit's hang-up may name no room (JS engine) or room 0 (2022 Android): the peer decides.
    const sameRoom = roomID === '' || roomID === s.roomID;
    if (!ACTIVE.has(s.phase) || record.inviter !== s.peer || !sameRoom) return ack;
    return then(ack, (a) => end(a, now, 'hungUp', 'remote', { durationSeconds: info.value.callEnd ?? 0 }));
  }
  if (cmd === 'switchToAudio' || cmd === 'switchToVideo') return switchAsked(m, record, cmd);
  if (cmd !== 'audioCall' && cmd !== 'videoCall') return stay(m);
  const callType = info.value.callType ?? (cmd === 'videoCall' ? CallType.VIDEO : CallType.AUDIO);
  // Our call's own invitation, arriving after we took it up (glare answered from the 8012).
  if (record.inviteID === s.inviteID && s.direction === 'incoming') return stay(patch(m, { roomID }));
  if (s.phase === 'dialing' && s.peer === record.inviter && s.inviteID === undefined) {
    // Glare seen from this side: if the peer's invitation is still there when ours arrives, ours
    // is answered with 8012 (`dialFailed`), which rings theirs and accepts it.
    const seen = { inviteID: record.inviteID, roomID, over: undefined };
    return stay({ ...m, glare: [...m.glare, seen].slice(-GLARE_KEPT) });
  }
  if (ACTIVE.has(s.phase)) {
    // Already in a call: reject with the line-busy reason (seed step 3).
    const missed = miss(m, {
      inviteID: record.inviteID,
      peer: record.inviter,
      callType,
      at: record.createdAt,
    });
    return {
      state: missed,
      effects: [
        {
          type: 'reject',
          inviteID: record.inviteID,
          data: createBusyData({ callType, roomID, userIDs: self.userID === undefined ? [] : [self.userID] }),
        },
      ],
    };
  }
  const call: CallState = {
    ...idleCall,
    missed: s.missed,
    phase: 'ringing',
    direction: 'incoming',
    peer: record.inviter,
    inviteID: record.inviteID,
    roomID,
    callType,
  };
  return { state: { ...m, call }, effects: [{ type: 'disarmLeaveTimer' }] };
}

/**
 * The peer asks, mid-call, to switch the call's media (TUICallKit's `switchToAudio`): accepted
 * for our own call's peer while connected (the call becomes audio), rejected otherwise; never a
 * busy reject, never a missed call.
 */
function switchAsked(
  m: CallMachineState,
  record: InvitationRecord,
  cmd: 'switchToAudio' | 'switchToVideo',
): CallStep {
  const s = m.call;
  const ours = (s.phase === 'connecting' || s.phase === 'inCall') && record.inviter === s.peer;
  const call = { callType: s.callType ?? CallType.VIDEO, roomID: s.roomID ?? '' };
  if (ours && cmd === 'switchToAudio') {
    const data = createSwitchToAudioData(call);
    return {
      state: patch(m, { callType: CallType.AUDIO }),
      effects: [{ type: 'acknowledge', inviteID: record.inviteID, data }],
    };
  }
  // Switching to video is not offered by Beckon; a switch outside our call is answered, not ignored.
  const message = ours ? 'switching to video is not supported' : 'not in a call with you';
  const data = createSwitchToAudioData({ ...call, message });
  return { state: m, effects: [{ type: 'reject', inviteID: record.inviteID, data }] };
}

/** Is this our own switch-to-audio invitation (its answer is not about the call itself)? */
function switchOf(record: InvitationRecord, self: CallSelf): boolean {
  if (record.inviter !== self.userID || !record.data.includes('switchToAudio')) return false;
  const info = parseCallData(record.data);
  return info.ok && info.value.cmd === 'switchToAudio';
}

function switchToAudio(m: CallMachineState, ringTimeoutSeconds: number): CallStep {
  const { phase, peer, callType, roomID } = m.call;
  if ((phase !== 'connecting' && phase !== 'inCall') || peer === undefined || callType !== CallType.VIDEO)
    return stay(m);
  const data = createSwitchToAudioData({ callType, roomID: roomID ?? '', userIDs: [peer] });
  return { state: m, effects: [{ type: 'requestSwitch', peer, data, timeout: ringTimeoutSeconds }] };
}

function answered(
  m: CallMachineState,
  input: Extract<CallInput, { type: 'accepted' | 'rejected' }>,
): CallStep {
  if (switchOf(input.invitation, input.self)) {
    // The peer answered our switch to audio: accepted, the call is audio now; rejected, it stays.
    const { peer, phase } = m.call;
    if (input.type === 'accepted' && input.invitee === peer && ACTIVE.has(phase))
      return stay(patch(m, { callType: CallType.AUDIO }));
    return stay(m);
  }
  if (input.invitee === input.self.userID && m.glare.some((g) => g.inviteID === input.inviteID))
    return stay(glareOver(m, input.inviteID, 'answeredElsewhere'));
  if (!ours(m, input.invitation, input.self)) return stay(m);
  const s = m.call;
  const known = s.inviteID === undefined ? patch(m, { inviteID: input.inviteID }) : m;
  if (s.direction === 'outgoing' && input.invitee === s.peer) {
    if (s.phase === 'dialing') {
      if (input.type === 'accepted')
        return m.pending === 'cancel'
          ? hangUpAnswered(known, input.now)
          : stay(patch(known, { phase: 'connecting' }));
      const info = parseCallData(input.data);
      return end(known, input.now, info.ok && info.value.lineBusy ? 'busy' : 'declined', 'remote');
    }
    // Our call failed while ringing and the answer beat our cancel: the callee must not wait.
    if (s.phase === 'ended' && s.endReason === 'failed' && input.type === 'accepted') return callEnd(known);
    return stay(known);
  }
  if (s.direction !== 'incoming' || input.invitee !== input.self.userID) return stay(known);
  const undecided = s.phase === 'ringing' || (s.phase === 'connecting' && accepting(m));
  if (!undecided) return stay(known);
  if (input.device !== input.self.deviceID) return end(known, input.now, 'answeredElsewhere', 'local');
  // This device's own answer, as the server took it.
  if (input.type === 'accepted') return accepting(m) ? acceptWon(known, input.now) : stay(known);
  if (m.pending === 'decline' || m.pending === 'busy')
    return end(known, input.now, m.pending === 'busy' ? 'busy' : 'declined', 'local');
  return stay(known);
}

function lost(m: CallMachineState, input: Extract<CallInput, { type: 'cancelled' | 'timedOut' }>): CallStep {
  if (m.glare.some((g) => g.inviteID === input.inviteID))
    return stay(glareOver(m, input.inviteID, input.type === 'cancelled' ? 'cancelled' : 'timedOut'));
  if (!ours(m, input.invitation, input.self)) return stay(m);
  const s = m.call;
  const reason = input.type === 'cancelled' ? 'cancelled' : 'timedOut';
  // A ringing call, or one whose accept is not confirmed: the caller's cancel or the timeout won.
  if (s.direction === 'incoming' && (s.phase === 'ringing' || (s.phase === 'connecting' && accepting(m)))) {
    const missed = miss(m, {
      inviteID: input.inviteID,
      peer: input.type === 'cancelled' ? input.inviter : (s.peer ?? ''),
      callType: s.callType ?? CallType.AUDIO,
      at: input.invitation.createdAt,
    });
    return end(missed, input.now, reason, 'remote');
  }
  if (s.direction !== 'outgoing' || s.phase !== 'dialing') return stay(m);
  if (input.type === 'timedOut') return end(m, input.now, 'timedOut', 'remote');
  return end(m, input.now, 'cancelled', 'local');
}

function fail(m: CallMachineState, now: number, reason: string): CallStep {
  const { phase, inviteID } = m.call;
  if (!ACTIVE.has(phase)) return stay(m);
  const ended = end(m, now, 'failed', 'local', { failure: reason });
  // Tell the peer: a call-end once connected, a cancel while our invitation rings.
  if (phase === 'connecting' || phase === 'inCall') return then(ended, callEnd);
  if (phase !== 'dialing' || inviteID === undefined) return ended;
  return then(ended, (s) => ({ state: s, effects: [{ type: 'cancel', inviteID }] }));
}

/**
 * The seed's one-to-one call as a pure transition: idle -> dialing | ringing -> connecting ->
 * inCall -> ended, with busy, glare (on either side), answered elsewhere, missed calls and the
 * call-end invitation. No clock, no client: time and identity come in the input; requests and
 * timers go out as effects.
 *
 * @example
 * const { state, effects } = callTransition(machine, { type: 'hangUp', now: serverNow });
 * // effects: [{ type: 'disarmLeaveTimer' }, { type: 'sendCallEnd', peer: 'bob', data }]
 */
export function callTransition(m: CallMachineState, input: CallInput): CallStep {
  switch (input.type) {
    case 'dial':
      return dial(m, input);
    case 'accept':
      return accept(m);
    case 'decline':
      return decline(m, input.busy);
    case 'hangUp':
      return hangUp(m, input.now);
    case 'switchToAudio':
      return switchToAudio(m, input.ringTimeoutSeconds);
    case 'remoteEntered': {
      const { phase } = m.call;
      if (phase !== 'connecting' && phase !== 'dialing') return stay(m);
      return stay(patch(m, { phase: 'inCall', startedAt: input.now }));
    }
    case 'remoteLeft':
      // If no call-end follows shortly (the peer crashed or lost the network), this side ends
      // the call and sends it (seed step 5).
      if (m.call.phase !== 'inCall' && m.call.phase !== 'connecting') return stay(m);
      return {
        state: m,
        effects: [
          { type: 'disarmLeaveTimer' },
          { type: 'armLeaveTimer', afterMs: input.graceMs, inviteID: m.call.inviteID },
        ],
      };
    case 'leaveGraceOver':
      if (m.call.inviteID !== input.inviteID || !ACTIVE.has(m.call.phase)) return stay(m);
      return then(end(m, input.now, 'hungUp', 'remote'), callEnd);
    case 'fail':
      return fail(m, input.now, input.reason);
    case 'reset':
      if (m.call.phase !== 'ended') return stay(m);
      return stay({ ...m, call: { ...idleCall, missed: m.call.missed } });
    case 'clearMissed':
      return stay(patch(m, { missed: [] }));
    case 'invitation':
      return invitation(m, input.now, input.invitation, input.self);
    case 'accepted':
    case 'rejected':
      return answered(m, input);
    case 'cancelled':
    case 'timedOut':
      return lost(m, input);
    case 'dialed':
      return dialed(m, input.roomID, input.inviteID);
    case 'dialFailed':
      return dialFailed(m, input);
    case 'acceptDone':
    case 'declineDone':
    case 'cancelDone':
    case 'acceptFailed':
    case 'declineFailed':
    case 'cancelFailed':
      return replied(m, input);
  }
}

/** The machine before anything happened. */
export const initialCallMachine: CallMachineState = { call: idleCall, pending: undefined, glare: [] };
