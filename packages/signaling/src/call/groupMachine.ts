import type { CallType } from '../callData.js';
import type { ErrorCode } from '../errors.js';
import type { InvitationRecord } from '../rules/types.js';
import { type GroupCallState, idleGroupCall } from './groupState.js';
import type { CallRequestFailure, CallSelf } from './transition.js';

// The group call machine's state, inputs and effects (the transition is group.ts).

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
  /**
   * Someone accepted it (their accept, or their media while it rang them). A group invitation
   * someone accepted is never cancelled: TUICallKit ends the whole call on a cancel of it.
   */
  readonly accepted: boolean;
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
  /**
   * Earlier invitations of this call that still ring this side: TUICallKit re-sends its
   * invitation to everyone still ringing when it adds people. The newest is `call.inviteID`;
   * these are answered as it is.
   */
  readonly rungAgain: readonly string[];
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
   * Accepts a group call's hang-up addressed to this user, so it does not stay active (its
   * sender may never cancel it, as TUICallKit does not); nobody waits for it, and a failure
   * (8010: its sender cancelled it first) is ignored.
   */
  | { readonly type: 'acknowledge'; readonly inviteID: string }
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

export const DEFAULT_GROUP_CONFIG: GroupCallConfig = {
  ringTimeoutSeconds: 30,
  connectTimeoutSeconds: 30,
  watchdogGraceMs: 5000,
  maxParticipants: 6,
};

/** The machine before anything happened. */
export function initialGroupCallMachine(config: Partial<GroupCallConfig> = {}): GroupCallMachineState {
  return {
    config: { ...DEFAULT_GROUP_CONFIG, ...config },
    call: idleGroupCall,
    pending: undefined,
    sent: [],
    connectBy: undefined,
    rejoining: false,
    since: undefined,
    spentMs: 0,
    rungAgain: [],
  };
}
