import type { CallType } from '../callData.js';
import type { CallEndReason } from './state.js';

/**
 * A group call as one side sees it: `dialing` (the caller, until someone accepts), `ringing`
 * (an invitee), `connecting` (accepted, or joined again, until another person's media is
 * there), `inCall`, `ended`.
 */
export type GroupCallPhase = 'idle' | 'dialing' | 'ringing' | 'connecting' | 'inCall' | 'ended';

/**
 * Why a group call ended for this side: the one-to-one reasons, plus `everyoneLeft` (nobody else
 * is in the call and nobody is still being rung) and `full` (joining would pass the call's
 * participant limit).
 */
export type GroupCallEndReason = CallEndReason | 'everyoneLeft' | 'full';

/**
 * Where another person stands in the call. `invited`: listed in the call (its data's `userIDs`)
 * but their invitation is not visible to this side (a call without a group: only the inviter
 * hears the answers), so it becomes `joined` when their media enters, or `timedOut` once the
 * ring window is over; `ringing`: their invitation is pending and visible here.
 */
export type GroupParticipantState =
  | 'invited'
  | 'ringing'
  | 'joined'
  | 'declined'
  | 'busy'
  | 'timedOut'
  | 'cancelled'
  | 'left';

export interface GroupParticipant {
  readonly userID: string;
  readonly state: GroupParticipantState;
  /** Who invited them (the call's inviter, or whoever added them). */
  readonly invitedBy: string | undefined;
  /** Server time by which a `ringing` or `invited` participant must answer; undefined: none known. */
  readonly deadline: number | undefined;
  /** Server time they joined (their accept, or their media entering); undefined until then. */
  readonly joinedAt: number | undefined;
  /** Server time they left (their leave notice, or their media gone past the grace period). */
  readonly leftAt: number | undefined;
  /**
   * Server time their media left while they are still `joined`: the call waits a grace period for
   * it to come back (a UI shows "reconnecting"). undefined otherwise.
   */
  readonly goneAt: number | undefined;
}

/** The seed's multi-person call: one room, several invitations, each invitee answering on their own. */
export interface GroupCallState {
  readonly phase: GroupCallPhase;
  /** outgoing: this side started the call; incoming: this side was invited (or joined it). */
  readonly direction: 'outgoing' | 'incoming' | undefined;
  /** The media room every participant enters; it names the call. */
  readonly roomID: string | undefined;
  /** The chat group the call belongs to ('' for a call without a group). */
  readonly groupID: string;
  readonly callType: CallType | undefined;
  /** Who started the call (for an incoming call: who rang this side). */
  readonly inviter: string | undefined;
  /** The invitation that rings (or rang) this side; undefined for the caller and after a join. */
  readonly inviteID: string | undefined;
  /** Everyone else in the call, in the order they were invited; never this side. */
  readonly participants: readonly GroupParticipant[];
  /** Server time this side's ring deadline (ringing) or the last invitee's (dialing) passes. */
  readonly deadline: number | undefined;
  /** Server time another person's media first entered while this side was in the room. */
  readonly startedAt: number | undefined;
  readonly endedAt: number | undefined;
  readonly endReason: GroupCallEndReason | undefined;
  readonly endedBy: 'local' | 'remote' | undefined;
  /** Whole seconds this side spent in the call (summed over joins). */
  readonly durationSeconds: number | undefined;
  /** A human-readable cause for `failed`. */
  readonly failure: string | undefined;
}

export const idleGroupCall: GroupCallState = {
  phase: 'idle',
  direction: undefined,
  roomID: undefined,
  groupID: '',
  callType: undefined,
  inviter: undefined,
  inviteID: undefined,
  participants: [],
  deadline: undefined,
  startedAt: undefined,
  endedAt: undefined,
  endReason: undefined,
  endedBy: undefined,
  durationSeconds: undefined,
  failure: undefined,
};
