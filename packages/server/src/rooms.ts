import { type InvitationRecord, parseCallData, type SignalingEvent } from '@beckon/signaling';

/** How long a call's media room stays open without a call-end invitation (a crashed client). */
const CALL_ROOM_TTL_MS = 6 * 60 * 60 * 1000;

/** Prefix of the media rooms of classroom groups: every member may reach every other. */
export const GROUP_ROOM_PREFIX = 'group:';

/**
 * Who may exchange media-room messages: the two parties of an answered one-to-one call, from
 * the accept until the call-end invitation (seed step 5) or a time limit.
 */
export class RoomGrants {
  readonly #rooms = new Map<string, { users: ReadonlySet<string>; expiresAt: number }>();

  /** An invitation ended: an accepted call opens its room to inviter and callee. */
  onEnded(record: InvitationRecord, now = Date.now()): void {
    const callee = record.invitees[0];
    if (record.groupID !== '' || callee?.state !== 'accepted' || !record.data.includes('av_call')) return;
    const call = parseCallData(record.data);
    if (!call.ok || call.value.cmd === 'hangup') return;
    this.#sweep(now);
    this.#rooms.set(call.value.roomID, {
      users: new Set([record.inviter, callee.userID]),
      expiresAt: now + CALL_ROOM_TTL_MS,
    });
  }

  /** A call-end invitation closes the room it names. */
  onCommitted(event: SignalingEvent): void {
    if (event.kind !== 'invite' || !event.envelope.data.includes('hangup')) return;
    const call = parseCallData(event.envelope.data);
    if (call.ok && call.value.cmd === 'hangup') this.#rooms.delete(call.value.roomID);
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
