import type { Envelope } from '../envelope.js';
import type { SignalingErrorInfo } from '../errors.js';

export type InviteeState = 'pending' | 'accepted' | 'rejected' | 'timeout' | 'cancelled';

export interface InviteeRecord {
  readonly userID: string;
  readonly state: InviteeState;
  /** Server time (ms) at which this invitee times out; 0 = never. */
  readonly deadline: number;
  /** Whether a device of this invitee has received the invitation. */
  readonly delivered: boolean;
  /** Server time the invitee left `pending`. */
  readonly answeredAt?: number;
  /** 1-based position among the answers, in the order the arbiter took them (the hand-raise queue). */
  readonly answerOrder?: number;
  /** The device that answered (multi-device: the others stop ringing). */
  readonly device?: string;
  /** The data sent with the accept or reject (a busy reason, for example). */
  readonly data?: string;
}

/** One invitation as the arbiter stores it; every field is server-decided. */
export interface InvitationRecord {
  readonly inviteID: string;
  readonly inviter: string;
  /** '' for one-to-one invitations. */
  readonly groupID: string;
  readonly data: string;
  /** Seconds, as asked; 0 = never times out. */
  readonly timeout: number;
  readonly onlineUserOnly: boolean;
  /** Server time (ms) of creation. */
  readonly createdAt: number;
  /**
   * Creation order on the arbiter, strictly increasing: orders invitations created in the same
   * millisecond (a burst of raised hands). Absent on records from arbiters that do not count.
   */
  readonly serial?: number;
  /** In invitation order (addInvitees appends). */
  readonly invitees: readonly InviteeRecord[];
  /** How many invitees have answered so far. */
  readonly answers: number;
}

/** The arbiter's state: only invitations that still have a pending invitee. */
export interface SignalingState {
  /** Transitions return a `PersistentMap` here; callers may pass any map (it is converted once). */
  readonly invitations: ReadonlyMap<string, InvitationRecord>;
  /**
   * Ringing one-to-one invitations (timeout > 0) by `inviter\ninvitee`, so the glare check is a
   * lookup. Optional for callers that build a state from a few loaded records: then it scans.
   */
  readonly ringing?: ReadonlyMap<string, readonly string[]>;
}

export const emptyState: SignalingState = { invitations: new Map(), ringing: new Map() };

/** What a user asks for. Names follow the seed's API. */
export type Command =
  | {
      readonly op: 'invite';
      /** '' for a one-to-one invitation (exactly one invitee). */
      readonly groupID: string;
      readonly inviteeList: readonly string[];
      readonly data: string;
      readonly timeout: number;
      readonly onlineUserOnly: boolean;
    }
  | { readonly op: 'cancel'; readonly inviteID: string; readonly data: string }
  | { readonly op: 'accept'; readonly inviteID: string; readonly data: string }
  | { readonly op: 'reject'; readonly inviteID: string; readonly data: string }
  | { readonly op: 'modify'; readonly inviteID: string; readonly data: string }
  | { readonly op: 'addInvitees'; readonly inviteID: string; readonly inviteeList: readonly string[] };

export type CommandOp = Command['op'];

/** Group facts the caller resolved before the transition (membership lives outside the rules). */
export interface GroupMembership {
  readonly members: ReadonlySet<string>;
}

/** Inputs of the transition function. Time and fresh ids come in; nothing is read from the platform. */
export type TransitionInput =
  | {
      readonly type: 'command';
      readonly actor: string;
      readonly device: string;
      readonly now: number;
      readonly command: Command;
      /** The id to give a new invitation (used by `invite` only). */
      readonly newInviteID?: string;
      /** Its creation serial (see {@link InvitationRecord.serial}). */
      readonly newSerial?: number;
      /** The group named by the invitation, when it has one and it exists. */
      readonly group?: GroupMembership;
      readonly maxInvitees?: number;
      /** Seconds a call-end notice waits for its acknowledgement (`noticeExpiry`); default 60, 0 = never. */
      readonly callEndNoticeSeconds?: number | undefined;
    }
  /** A timer fired: time out every pending invitee whose deadline has passed. */
  | { readonly type: 'timeout'; readonly inviteID: string; readonly now: number }
  /** The invitation reached one of the invitee's devices. */
  | { readonly type: 'delivered'; readonly inviteID: string; readonly invitee: string; readonly now: number };

interface EventBase {
  /** Tencent's envelope for this action (modify, addInvitees and delivered reuse actionType 1). */
  readonly envelope: Envelope;
  /** Server time of the transition. */
  readonly at: number;
}

/**
 * What the arbiter tells clients, told apart by `kind`. `invite` and `addInvitees` carry the
 * whole record, so a receiver needs nothing else; the other kinds are deltas on a record the
 * receiver holds.
 *
 * @example
 * if (event.kind === 'invite') show(event.invitation);
 */
export type SignalingEvent =
  | (EventBase & { readonly kind: 'invite' | 'addInvitees'; readonly invitation: InvitationRecord })
  | (EventBase & {
      readonly kind: 'accept' | 'reject';
      /** The answering device. Absent when the transport cannot tell (Tencent carries no device id). */
      readonly device?: string;
    })
  | (EventBase & { readonly kind: 'cancel' | 'timeout' | 'modify' | 'delivered' });

export type SignalingEventKind = SignalingEvent['kind'];

/** Who receives an event: these users, plus every current member of `group` when set. */
export interface Audience {
  readonly users: readonly string[];
  readonly group?: string;
}

export type CommandReply =
  | { readonly ok: true; readonly inviteID: string }
  | { readonly ok: false; readonly error: SignalingErrorInfo };

/** Effects are data: the runner (hub or server) carries them out. */
export type Effect =
  | { readonly type: 'reply'; readonly reply: CommandReply }
  /**
   * `ephemeral`: an onlineUserOnly invitation's event: logged only for the users who hold the
   * invitation or are connected now (see `isLoggedFor`), never kept for a snapshot.
   */
  | {
      readonly type: 'deliver';
      readonly to: Audience;
      readonly event: SignalingEvent;
      readonly ephemeral: boolean;
    }
  | { readonly type: 'schedule'; readonly inviteID: string; readonly at: number }
  | { readonly type: 'unschedule'; readonly inviteID: string }
  /** The invitation has no pending invitee left (feeds history and metrics). */
  | { readonly type: 'ended'; readonly invitation: InvitationRecord };

export interface TransitionResult {
  readonly state: SignalingState;
  readonly effects: readonly Effect[];
}
