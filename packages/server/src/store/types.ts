import type { Command, CommandReply, InvitationRecord, SignalingEvent } from '@beckon/signaling';
import type { QueuedHand } from '@beckon/signaling/rules';
import type { Logger } from 'pino';
import type { CallRooms, GroupRooms, SharedRoom } from '../rooms.js';

/**
 * One recipient of an event (issue 19: each recipient gets its own view of a classroom event,
 * `eventViewFor`; recipients of different views are delivered in separate calls); `seq` is undefined where the event is not logged for them (an
 * onlineUserOnly invitation's event for a user who neither holds it nor is connected).
 */
export interface Delivery {
  readonly userID: string;
  readonly seq: number | undefined;
}

/** An invitation that ended while a client was away, as a snapshot tells it (issue 14). */
export interface EndedInvitation {
  /** Its final record: the ending events are rebuilt from it (`endingEvents`). */
  readonly final: InvitationRecord;
  /**
   * The events a client that held it must hear before its ending events, so that they end its
   * whole record: the last `addInvitees` it missed (it carries the whole record, with the
   * invitees added meanwhile) and the last `modify` after that one. Empty when it missed
   * neither, or when it cannot have held the invitation (its `invite` is in the log after the
   * client's sequence, or an `addInvitees` there names the user).
   */
  readonly catchUp: readonly SignalingEvent[];
}

export interface StoreListener {
  /**
   * Events for recipients that may have connections on this process, in each recipient's
   * sequence order, with their sequence numbers. `json` is the event already serialized, when
   * the store has it.
   */
  deliver(deliveries: readonly Delivery[], event: SignalingEvent, json?: string): void;
  /** Once per event across every process sharing the store, on the one that decided it. */
  committed(event: SignalingEvent): void;
  /**
   * An invitee accepted: once per accept across every process sharing the store, on the one
   * that decided it, with the invitation it accepted (its data, inviter and group: the accept
   * event carries only the answer's data). Group call rooms open here (issue 21).
   */
  accepted(invitation: InvitationRecord, event: SignalingEvent): void;
  /** Once per invitation, on the process that ended it. */
  ended(invitation: InvitationRecord): void;
  /** A group's members or their presence changed, on whichever process it happened. */
  groupChanged(groupID: string, members: readonly string[]): void;
  /**
   * A class's raised hands may have changed (a hand marker started or ended; issue 19), on every
   * process (Redis: shortly after, through the broadcast channel). The server reads
   * `handQueue` when the group's next batch is due and streams the difference to its members.
   */
  queueChanged(groupID: string): void;
  /** The user's connections on this process missed events that cannot be replayed: snapshot them. */
  resync(userID: string): void;
  /** The store lost or replaced its data (a new epoch): every connection must start over. */
  reset(): void;
  /** A frame another process relayed to `userID` (media-room messages). */
  relayed(userID: string, text: string): void;
}

export interface Group {
  readonly groupID: string;
  readonly name: string;
  /** Join code handed out by the owner. */
  readonly code: string;
  readonly owner: string;
  readonly members: readonly string[];
  readonly createdAt: number;
}

export type CallOutcome = 'completed' | 'declined' | 'busy' | 'missed' | 'cancelled' | 'answered';

export interface HistoryEntry {
  /** The call invitation's id (or the hang-up invitation's when no call invitation was seen). */
  readonly inviteID: string;
  readonly roomID: string;
  readonly peer: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly callType: 1 | 2;
  readonly outcome: CallOutcome;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly durationSeconds?: number;
  /** Who hung up, for completed one-to-one calls. */
  readonly endedBy?: string;
  /**
   * Group calls (issue 21) only: everyone else invited in the invitations of the call this user
   * saw (one entry per room; `peer` is the inviter, or the inviter's first callee). Its presence
   * is what makes an entry a group call's.
   */
  readonly participants?: readonly string[];
  /** Group calls placed in a chat group: the group. */
  readonly groupID?: string;
}

export interface DevicePresence {
  readonly connected: boolean;
  readonly goneAt?: number;
}

export interface StoreSnapshot {
  readonly seq: number;
  readonly invitations: readonly InvitationRecord[];
}

/**
 * Where the server keeps its state. The memory store is the embedded default; a Redis store
 * lets several processes serve one deployment.
 */
export interface Store extends GroupRooms, CallRooms {
  /** Changes when the store's data is lost or replaced; clients resync when it differs. */
  readonly epoch: string;
  /**
   * Several processes share this store (Redis): events reach a process through it, spread out in
   * time, so a classroom batch waits longer for quiet (`DEFAULT_CLASSROOM_BATCH.sharedQuietMs`).
   */
  readonly shared?: boolean;
  start(listener: StoreListener, log: Logger): Promise<void>;
  /**
   * `cap`: for a user's own invite, the per-inviter cap, given only to a store that
   * `checksInvitationCap` (its commit refuses an invite past it; the server's own invites, such as
   * a hang-up in a gone user's name, are never capped).
   */
  dispatch(actor: string, device: string, command: Command, cap?: number): Promise<CommandReply>;
  /** The invitation reached a device of `invitee`. */
  delivered(inviteID: string, invitee: string): void;
  /** How many invitations `inviter` has active (the per-inviter cap counts them). */
  activeInvitations(inviter: string): Promise<number>;
  /**
   * True when `dispatch` checks the `cap` it is given in the commit that starts the invitation
   * (exact across processes) and answers an invite past it with `invitationCapExceeded`
   * (limits.ts): the server then reads no count before an invite. Otherwise the server asks
   * `activeInvitations` first.
   */
  readonly checksInvitationCap?: boolean;
  /**
   * Active invitations the user can see (not onlineUserOnly), each as the user's view of it
   * (`recordViewFor`: no other student's hand marker, a round with the user as its only invitee),
   * and the user's current sequence.
   */
  snapshot(userID: string): Promise<StoreSnapshot>;
  /** A class's pending hand markers in server order (`queueEntryOf`), for the queue stream (issue 19). */
  handQueue(groupID: string): Promise<readonly QueuedHand[]>;
  /** Events after `seq`, or undefined when the log no longer reaches back that far. */
  eventsSince(
    userID: string,
    seq: number,
  ): Promise<Array<{ seq: number; event: SignalingEvent }> | undefined>;

  /**
   * Makes a group owned by `owner`. With `cap`, refuses (`GroupCapError`, nothing written) when
   * `owner` has already created `cap` groups here: groups are kept, so a token creating groups
   * in a loop must not grow the store without end. Checked in the write itself (exact across
   * processes).
   */
  createGroup(owner: string, name: string, cap?: number): Promise<Group>;
  joinGroup(code: string, userID: string): Promise<Group | undefined>;
  leaveGroup(groupID: string, userID: string): Promise<boolean>;
  getGroup(groupID: string): Promise<Group | undefined>;
  groupsOf(userID: string): Promise<Group[]>;

  /**
   * The first connection of `userID` on this process authenticated. Resolves once the store
   * follows the user (presence, live delivery), so a snapshot read after it misses nothing.
   */
  attach(userID: string): Promise<void>;
  /** The last connection of `userID` on this process closed. */
  detach(userID: string): void;
  /** Those of `userIDs` that have a connection on any process. */
  online(userIDs: readonly string[]): Promise<ReadonlySet<string>>;
  /** Tells the group's connected members, on every process, that the group changed. */
  announceGroup(groupID: string, members: readonly string[]): void;

  /**
   * Closes an open media room and returns it, or undefined if it was not open: of several
   * callers, one gets it (the call watch ends a call once).
   */
  takeRoom(roomID: string): Promise<SharedRoom | undefined>;

  /** A socket of this device authenticated on this process (device-level presence, for calls). */
  deviceUp(userID: string, deviceID: string): void;
  /** The last socket of this device on this process closed at `at`. */
  deviceDown(userID: string, deviceID: string, at: number): void;
  /**
   * Whether the device has a socket on any process; if not, when it was last seen leaving,
   * when the store knows (undefined: it only knows it is gone).
   */
  devicePresence(userID: string, deviceID: string): Promise<DevicePresence>;
  /**
   * Invitations that ended and whose events reached `userID`'s log after `seq` (at most
   * `limit`, newest first): each final record with its catch-up (`EndedInvitation`); the part of
   * the log the store still keeps only.
   */
  endedSince(userID: string, seq: number, limit: number): Promise<EndedInvitation[]>;
  /** Hands a frame to `userID`'s connections on the other processes (`relayed` there). */
  relay(userID: string, text: string): void;

  recordHistory(userID: string, entry: HistoryEntry): Promise<void>;
  history(userID: string): Promise<HistoryEntry[]>;

  close(): Promise<void>;
}
