import type { Command, InvitationRecord, SignalingEvent } from '@beckon/signaling';
import type { Logger } from 'pino';
import { SERVER_DEVICE } from './callWatch.js';
import { DeviceWatch } from './deviceWatch.js';
import { type GroupCall, groupCallOf, leaveInTheirName } from './groupLeave.js';
import type { Metrics } from './metrics.js';
import { CALL_ROOM_TTL_MS, type GroupRoom } from './rooms.js';
import type { Store } from './store/types.js';

/** One user's device in a group call, on the process that handled its invitation or accept. */
interface Seat extends GroupCall {
  readonly user: string;
  readonly device: string;
  /** The accept that let this device's user in (undefined for an inviter). */
  readonly acceptedAt: number | undefined;
  /** Until then the room may still open with this user in it (an inviter whose call rings). */
  readonly answerBy: number;
  /** Past this, the seat is forgotten whatever happened (the room's own limit). */
  readonly forgetAt: number;
}

export interface GroupWatchOptions {
  readonly store: Store;
  readonly graceMs: number;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Whether a socket of this device is open on this process. */
  readonly connectedHere: (userID: string, deviceID: string) => boolean;
}

/**
 * Makes group calls end on the server too (issue 21): a user of an open group room whose call
 * device (the one that placed its invitation, or that accepted) has had no socket anywhere for
 * the grace is taken as leaving: the process marks them left in the room (`leaveGroupRoom`, of
 * which exactly one caller marks) and sends, in their name, the leave notice their client would
 * have sent (timeout 0, `end_reason: 'peerLeft'`, `call_end` from their joining to the loss) to
 * everyone else in the room, then cancels it. The notice takes the ordinary command path, so
 * the room, the histories and the others' group machines see an ordinary leave. The grace, by
 * device, is the one the call watch (callWatch.ts) uses too (deviceWatch.ts).
 */
export class GroupWatch {
  readonly #o: GroupWatchOptions;
  /** Seats by device, then by room. */
  readonly #seats: DeviceWatch<Seat>;
  /** Users of rooms the survey found with no socket anywhere, since when (`room\nuser`). */
  readonly #absent = new Map<string, number>();

  constructor(options: GroupWatchOptions) {
    this.#o = options;
    this.#seats = new DeviceWatch<Seat>({
      ...options,
      name: 'group watch',
      idOf: (seat) => seat.roomID,
      check: (seat, lostAt, now) => this.#checkSeat(seat, lostAt, now),
      survey: () => this.#survey(),
    });
  }

  /** `user` placed an invitation from `device` (its reply was ok): a group call's inviter is watched. */
  placed(user: string, device: string, command: Command, now = Date.now()): void {
    if (command.op !== 'invite') return;
    const call = groupCallOf(command.data, command.groupID, user);
    if (call === undefined) return;
    const answerBy = command.timeout > 0 ? now + command.timeout * 1000 : now + CALL_ROOM_TTL_MS;
    const before = this.#seats.get(user, device, call.roomID);
    this.#seats.add({
      ...call,
      groupID: command.groupID,
      user,
      device,
      acceptedAt: before?.acceptedAt,
      answerBy: Math.max(answerBy, before?.answerBy ?? 0),
      forgetAt: Math.max(answerBy + CALL_ROOM_TTL_MS, before?.forgetAt ?? 0),
    });
  }

  /**
   * An accept of a group call's invitation (`call`, its `groupCallOf`) decided here (once across
   * the deployment): its acceptor is watched.
   */
  accepted(invitation: InvitationRecord, event: SignalingEvent, call: Omit<GroupCall, 'groupID'>): void {
    const acceptor = event.envelope.inviteeList[0];
    const device = event.kind === 'accept' ? event.device : undefined;
    if (acceptor === undefined || device === undefined || device === SERVER_DEVICE) return;
    // The user is in through this device now: a seat of another device here is over.
    this.#dropUser(acceptor, call.roomID);
    this.#seats.add({
      ...call,
      groupID: invitation.groupID,
      user: acceptor,
      device,
      acceptedAt: event.at,
      answerBy: event.at,
      forgetAt: event.at + CALL_ROOM_TTL_MS,
    });
  }

  /** A leave notice of `user` committed here: it ends their seats in that room. */
  left(user: string, roomID: string): void {
    this.#dropUser(user, roomID);
  }

  /** A socket of the device authenticated here: a loss in progress is over. */
  connected(user: string, device: string): void {
    this.#seats.connected(user, device);
  }

  /** The last socket of the device closed here. */
  disconnected(user: string, device: string, now = Date.now()): void {
    this.#seats.disconnected(user, device, now);
  }

  /** Forgets seats past their limits (called from the server's heartbeat). */
  sweep(now = Date.now()): void {
    this.#seats.sweep(now);
  }

  close(): void {
    this.#seats.close();
  }

  /** Stops watching `user` in the room, on every device. */
  #dropUser(user: string, roomID: string): void {
    for (const seat of this.#seats.entries(user)) if (seat.roomID === roomID) this.#seats.delete(seat);
  }

  /** Leaves the seat's call in its user's name if they are in it and gone; returns when to look again. */
  async #checkSeat(seat: Seat, lostAt: number, now: number): Promise<number | undefined> {
    const { store, graceMs } = this.#o;
    const room = await store.groupRoom(seat.roomID);
    const joinedAt = room?.joinedAt.get(seat.user);
    const inRoom =
      room !== undefined &&
      joinedAt !== undefined &&
      room.users.includes(seat.user) &&
      !room.left.includes(seat.user);
    if (!inRoom) {
      // Not in yet (an inviter whose call still rings may be let in by an accept), or out.
      if (room?.left.includes(seat.user) !== true && now < seat.answerBy)
        return Math.min(seat.answerBy, now + graceMs);
      this.#seats.delete(seat);
      return undefined;
    }
    // Let in again later by another accept (from another device): this seat is over.
    if (seat.acceptedAt !== undefined && joinedAt > seat.acceptedAt) {
      this.#seats.delete(seat);
      return undefined;
    }
    const presence = await store.devicePresence(seat.user, seat.device);
    if (this.#o.connectedHere(seat.user, seat.device)) return undefined;
    // Reconnected to another process: look again a grace later (it may leave there too).
    if (presence.connected) return now + graceMs;
    const lossAt = Math.max(joinedAt, presence.goneAt ?? lostAt);
    if (now < lossAt + graceMs) return lossAt + graceMs;
    await this.#leave(seat, seat.user, room, lossAt);
    this.#seats.delete(seat);
    return undefined;
  }

  /** Leaves in `gone`'s name (groupLeave.ts), counted and logged when this process did it. */
  async #leave(call: GroupCall, gone: string, room: GroupRoom, lossAt: number): Promise<void> {
    const left = await leaveInTheirName(this.#o.store, this.#o.log, call, gone, room, lossAt);
    if (left === undefined) return;
    this.#o.metrics.inc('beckon_calls_ended_by_server_total', 'group_peer_left');
    this.#o.log.info({ roomID: call.roomID, user: gone, ...left }, 'group call left: party gone');
  }

  /**
   * The fallback for a user whose process died (the grace died with it), as the call watch's:
   * every grace period, for each group room of a device connected here, a user of the room not
   * watched here who has no socket anywhere in the deployment for two graces leaves in their
   * name, from when they were first seen gone. A live process acts a grace earlier, by device.
   */
  async #survey(): Promise<void> {
    const mine = new Map<string, Seat>();
    for (const seat of this.#seats.entries())
      if (this.#o.connectedHere(seat.user, seat.device)) mine.set(seat.roomID, seat);
    const seen = new Set<string>();
    const now = Date.now();
    for (const [roomID, seat] of mine) {
      const room = await this.#o.store.groupRoom(roomID);
      if (room === undefined) continue;
      const others = room.users.filter(
        (u) => !room.left.includes(u) && !this.#seats.watches(u, roomID) && u !== seat.user,
      );
      if (others.length === 0) continue;
      const online = await this.#o.store.online(others);
      for (const user of others) {
        if (online.has(user)) continue;
        const k = `${roomID}\n${user}`;
        seen.add(k);
        const since = this.#absent.get(k);
        if (since === undefined) this.#absent.set(k, now);
        else if (now - since >= 2 * this.#o.graceMs)
          await this.#leave(seat, user, room, Math.max(room.joinedAt.get(user) ?? since, since));
      }
    }
    for (const k of this.#absent.keys()) if (!seen.has(k)) this.#absent.delete(k);
  }
}
