import { type InvitationRecord, parseCallData, type SignalingEvent } from '@beckon/signaling';

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
 * Who may exchange media-room messages: the two parties of an answered one-to-one call, from
 * the accept until the call-end invitation (seed step 5) or a time limit. Only the process that
 * decided the accept or the hang-up sees them happen; `share` tells the others (the store).
 */
export class RoomGrants {
  readonly #rooms = new Map<string, { users: ReadonlySet<string>; expiresAt: number }>();
  readonly #share: ((roomID: string, room: SharedRoom | undefined) => void) | undefined;

  constructor(share?: (roomID: string, room: SharedRoom | undefined) => void) {
    this.#share = share;
  }

  /** An invitation ended: an accepted call opens its room to inviter and callee. */
  onEnded(record: InvitationRecord, now = Date.now()): void {
    const callee = record.invitees[0];
    if (record.groupID !== '' || callee?.state !== 'accepted' || !record.data.includes('av_call')) return;
    const call = parseCallData(record.data);
    if (!call.ok || (call.value.cmd !== 'audioCall' && call.value.cmd !== 'videoCall')) return;
    this.#sweep(now);
    const room = {
      users: [record.inviter, callee.userID],
      expiresAt: now + CALL_ROOM_TTL_MS,
      inviteID: record.inviteID,
      answeredAt: callee.answeredAt ?? now,
    };
    this.#rooms.set(call.value.roomID, { users: new Set(room.users), expiresAt: room.expiresAt });
    this.#share?.(call.value.roomID, room);
  }

  /** A call-end invitation closes the room it names. */
  onCommitted(event: SignalingEvent): void {
    if (event.kind !== 'invite' || !event.envelope.data.includes('hangup')) return;
    const call = parseCallData(event.envelope.data);
    if (!call.ok || call.value.cmd !== 'hangup' || call.value.roomID === '') return;
    this.#rooms.delete(call.value.roomID);
    this.#share?.(call.value.roomID, undefined);
  }

  /** Whether `from` and `to` are both in the call that owns `roomID`. */
  allowed(roomID: string, from: string, to: string, now = Date.now()): boolean {
    const room = this.#rooms.get(roomID);
    if (room === undefined || room.expiresAt <= now) return false;
    return from !== to && room.users.has(from) && room.users.has(to);
  }

  #sweep(now: number): void {
    for (const [id, room] of this.#rooms) if (room.expiresAt <= now) this.#rooms.delete(id);
  }
}
