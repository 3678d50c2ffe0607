import {
  type CallInfo,
  type InvitationRecord,
  isGroupCall,
  parseCallData,
  type SignalingEvent,
} from '@beckon/signaling';

/** How long a call's media room stays open without a call-end invitation (a crashed client). */
export const CALL_ROOM_TTL_MS = 6 * 60 * 60 * 1000;

/** Prefix of the media rooms of classroom groups: every member may reach every other. */
export const GROUP_ROOM_PREFIX = 'group:';

/** A call's media room as every process sees it. */
export interface SharedRoom {
  readonly users: readonly string[];
  readonly expiresAt: number;
  /** The call invitation, and the server time it was answered (the call watch's duration). */
  readonly inviteID?: string;
  readonly answeredAt?: number;
}

/**
 * A group call's media room as every process sees it: everyone who was let in (the inviter of
 * the first accepted invitation, then each acceptor), and those of them who sent their leave
 * notice. Kept apart from one-to-one rooms: a one-to-one hang-up naming the room cannot close it
 * and the call watch never sees it.
 */
export interface GroupRoom {
  readonly users: readonly string[];
  readonly left: readonly string[];
  readonly expiresAt: number;
  /** When each user came in (server time): their last accept, or the first one for its inviter. */
  readonly joinedAt: ReadonlyMap<string, number>;
}

/**
 * What a leave did to a group room: `left` or `closed` (the last one in left) when it marked
 * the user left; `alreadyLeft` when they had left before; `absent` when they are not a user of
 * an open room. Of several leaves of one user at once, exactly one marks them.
 */
export type GroupRoomLeave = 'absent' | 'alreadyLeft' | 'left' | 'closed';

/** The store's group rooms; each change is atomic across the processes sharing the store. */
export interface GroupRooms {
  /**
   * `acceptor` accepted an invitation of `inviter` naming the room at `at`: opens it to both
   * when it is not open; when it is, lets `acceptor` in only if `inviter` is already a user
   * (else false).
   */
  joinGroupRoom(
    roomID: string,
    inviter: string,
    acceptor: string,
    expiresAt: number,
    at: number,
  ): Promise<boolean>;
  /**
   * `user` sent a leave notice (or the group watch acts as theirs): marks them left; the room
   * closes once every user has left.
   */
  leaveGroupRoom(roomID: string, user: string): Promise<GroupRoomLeave>;
  /** The group room, while it is open. */
  groupRoom(roomID: string): Promise<GroupRoom | undefined>;
}

/** The call a call invitation (not a hang-up, not an answer) places, if its data is a call. */
function placedCall(data: string): CallInfo | undefined {
  if (!data.includes('av_call')) return undefined;
  const call = parseCallData(data);
  if (!call.ok || (call.value.cmd !== 'audioCall' && call.value.cmd !== 'videoCall')) return undefined;
  return call.value;
}

/**
 * The store's one-to-one call rooms, as every process sees them: opened by the commit that
 * accepts a call (`callRoomOf`), on every store.
 */
export interface CallRooms {
  /** Closes a call's media room for every process (its call-end invitation). */
  closeRoom(roomID: string): void;
  /** A call's media room, if it is open (another process may have opened it). */
  room(roomID: string): Promise<SharedRoom | undefined>;
}

/** Whether `from` may send media-room messages to `to` in an open room (a call's or a group call's). */
export function roomAllows(
  room: { readonly users: readonly string[]; readonly expiresAt: number } | undefined,
  from: string,
  to: string,
  now = Date.now(),
): boolean {
  return (
    room !== undefined &&
    room.expiresAt > now &&
    from !== to &&
    room.users.includes(from) &&
    room.users.includes(to)
  );
}

/**
 * The media room an invitation's end opens: an accepted one-to-one call's, to its inviter and
 * callee, until the call-end invitation or `CALL_ROOM_TTL_MS`. Both stores open it in the commit
 * that ends the invitation (on Redis, in the same script), so a party that hears of the accept
 * on any process finds the room open.
 */
export function callRoomOf(
  record: InvitationRecord,
  now: number,
): { readonly roomID: string; readonly room: SharedRoom } | undefined {
  const callee = record.invitees[0];
  if (record.groupID !== '' || callee?.state !== 'accepted') return undefined;
  const call = placedCall(record.data);
  if (call === undefined || isGroupCall(record.groupID, call, record.inviter)) return undefined;
  return {
    roomID: call.roomID,
    room: {
      users: [record.inviter, callee.userID],
      expiresAt: now + CALL_ROOM_TTL_MS,
      inviteID: record.inviteID,
      answeredAt: callee.answeredAt ?? now,
    },
  };
}

/**
 * Who may exchange media-room messages: the two parties of an answered one-to-one call, from
 * the accept until the call-end invitation (seed step 5) or a time limit; the users of a group
 * call's room (issue 21) from its first accept until every user has left or the time limit.
 * The store keeps both for every process (`store`): a one-to-one room is opened by the commit
 * that accepts the call, so this process knows the rooms of the accepts it decided and reads the
 * others from the store; group rooms are read from the store only.
 */
export class RoomGrants {
  /** The one-to-one rooms of the accepts decided here, so their messages read nothing. */
  readonly #rooms = new Map<string, SharedRoom>();
  readonly #store: (CallRooms & GroupRooms) | undefined;

  constructor(store?: CallRooms & GroupRooms) {
    this.#store = store;
  }

  /** An invitation ended here: an accepted one-to-one call's room, as the store opened it. */
  onEnded(record: InvitationRecord, now = Date.now()): void {
    const opened = callRoomOf(record, now);
    if (opened === undefined) return;
    this.#sweep(now);
    this.#rooms.set(opened.roomID, opened.room);
  }

  /**
   * `acceptor` accepted an invitation of `inviter` to the group call of `roomID` (on the process
   * that decided it): opens the room or lets the acceptor in. Resolves to whether the acceptor is in.
   */
  async onAccepted(roomID: string, inviter: string, acceptor: string, now = Date.now()): Promise<boolean> {
    if (this.#store === undefined) return false;
    return this.#store.joinGroupRoom(roomID, inviter, acceptor, now + CALL_ROOM_TTL_MS, now);
  }

  /** A call-end invitation closes the one-to-one room it names (a group call's is `onLeft`'s). */
  onCommitted(event: SignalingEvent): void {
    if (event.kind !== 'invite' || !event.envelope.data.includes('hangup')) return;
    const call = parseCallData(event.envelope.data);
    if (!call.ok || call.value.cmd !== 'hangup' || call.value.roomID === '') return;
    if (isGroupCall(event.envelope.groupID, call.value, event.envelope.inviter)) return;
    this.#rooms.delete(call.value.roomID);
    this.#store?.closeRoom(call.value.roomID);
  }

  /**
   * `user` sent a leave notice (a group call's hang-up): marks them left in the group room,
   * which closes when everyone has left.
   */
  async onLeft(roomID: string, user: string): Promise<void> {
    await this.#store?.leaveGroupRoom(roomID, user);
  }

  /**
   * Whether `from` and `to` are both in the one-to-one call that owns `roomID` (known here, else
   * read from the store: another process accepted it) or both users of its open group room.
   */
  async allows(roomID: string, from: string, to: string, now = Date.now()): Promise<boolean> {
    if (roomAllows(this.#rooms.get(roomID), from, to, now)) return true;
    if (this.#store === undefined || from === to) return false;
    return (
      roomAllows(await this.#store.room(roomID), from, to, now) ||
      roomAllows(await this.#store.groupRoom(roomID), from, to, now)
    );
  }

  #sweep(now: number): void {
    for (const [id, room] of this.#rooms) if (room.expiresAt <= now) this.#rooms.delete(id);
  }
}
