import type { Command, InvitationRecord, SignalingEvent } from '@beckon/signaling';
import type { Logger } from 'pino';
import { SERVER_DEVICE } from './callWatch.js';
import { type GroupCall, groupCallOf, leaveInTheirName, leaveNoticeRoom } from './groupLeave.js';
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

const key = (user: string, device: string) => `${user}\n${device}`;

/**
 * Makes group calls end on the server too (issue 21): a user of an open group room whose call
 * device (the one that placed its invitation, or that accepted) has had no socket anywhere for
 * the grace is taken as leaving: the process marks them left in the room (`leaveGroupRoom`, of
 * which exactly one caller marks) and sends, in their name, the leave notice their client would
 * have sent (timeout 0, `end_reason: 'peerLeft'`, `call_end` from their joining to the loss) to
 * everyone else in the room, then cancels it. The notice takes the ordinary command path, so
 * the room, the histories and the others' group machines see an ordinary leave. The grace and
 * the presence checks are the call watch's (callWatch.ts), by device.
 */
export class GroupWatch {
  readonly #o: GroupWatchOptions;
  /** Seats by device, then by room. */
  readonly #seats = new Map<string, Map<string, Seat>>();
  /** Devices whose sockets all closed here: when, and the timer that checks them. */
  readonly #lost = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  /** Users of rooms the survey found with no socket anywhere, since when (`room\nuser`). */
  readonly #absent = new Map<string, number>();
  readonly #surveyTimer: NodeJS.Timeout;
  #closed = false;

  constructor(options: GroupWatchOptions) {
    this.#o = options;
    let surveying = false;
    this.#surveyTimer = setInterval(() => {
      if (surveying) return;
      surveying = true;
      this.#survey()
        .catch((err: unknown) => options.log.warn({ err }, 'group watch: survey failed'))
        .finally(() => {
          surveying = false;
        });
    }, options.graceMs);
    this.#surveyTimer.unref();
  }

  /** `user` placed an invitation from `device` (its reply was ok): a group call's inviter is watched. */
  placed(user: string, device: string, command: Command, now = Date.now()): void {
    if (command.op !== 'invite') return;
    const call = groupCallOf(command.data, command.groupID, user);
    if (call === undefined) return;
    const answerBy = command.timeout > 0 ? now + command.timeout * 1000 : now + CALL_ROOM_TTL_MS;
    const before = this.#seats.get(key(user, device))?.get(call.roomID);
    this.#add({
      ...call,
      groupID: command.groupID,
      user,
      device,
      acceptedAt: before?.acceptedAt,
      answerBy: Math.max(answerBy, before?.answerBy ?? 0),
      forgetAt: Math.max(answerBy + CALL_ROOM_TTL_MS, before?.forgetAt ?? 0),
    });
  }

  /** An accept decided here (once across the deployment): a group call's acceptor is watched. */
  accepted(invitation: InvitationRecord, event: SignalingEvent): void {
    const acceptor = event.envelope.inviteeList[0];
    const device = event.kind === 'accept' ? event.device : undefined;
    if (acceptor === undefined || device === undefined || device === SERVER_DEVICE) return;
    const call = groupCallOf(invitation.data, invitation.groupID, invitation.inviter);
    if (call === undefined) return;
    // The user is in through this device now: a seat of another device here is over.
    this.#dropUser(acceptor, call.roomID);
    this.#add({
      ...call,
      groupID: invitation.groupID,
      user: acceptor,
      device,
      acceptedAt: event.at,
      answerBy: event.at,
      forgetAt: event.at + CALL_ROOM_TTL_MS,
    });
  }

  /** An event committed here: a leave notice ends its sender's seats in that room. */
  committed(event: SignalingEvent): void {
    const roomID = leaveNoticeRoom(event);
    if (roomID !== undefined) this.#dropUser(event.envelope.inviter, roomID);
  }

  /** A socket of the device authenticated here: a loss in progress is over. */
  connected(user: string, device: string): void {
    const k = key(user, device);
    const lost = this.#lost.get(k);
    if (lost === undefined) return;
    clearTimeout(lost.timer);
    this.#lost.delete(k);
  }

  /** The last socket of the device closed here. */
  disconnected(user: string, device: string, now = Date.now()): void {
    const k = key(user, device);
    if (this.#seats.has(k) && !this.#lost.has(k)) this.#arm(k, now, now + this.#o.graceMs);
  }

  /** Forgets seats past their limits (called from the server's heartbeat). */
  sweep(now = Date.now()): void {
    for (const [k, seats] of this.#seats) {
      for (const [roomID, seat] of seats) if (seat.forgetAt <= now) seats.delete(roomID);
      if (seats.size === 0) this.#forget(k);
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#surveyTimer);
    for (const { timer } of this.#lost.values()) clearTimeout(timer);
    this.#lost.clear();
  }

  #add(seat: Seat): void {
    const k = key(seat.user, seat.device);
    let seats = this.#seats.get(k);
    if (seats === undefined) {
      seats = new Map();
      this.#seats.set(k, seats);
    }
    seats.set(seat.roomID, seat);
    // The device went away between its request and now: its grace starts now.
    if (!this.#o.connectedHere(seat.user, seat.device)) this.disconnected(seat.user, seat.device);
  }

  #drop(seat: Seat): void {
    const k = key(seat.user, seat.device);
    const seats = this.#seats.get(k);
    if (seats?.get(seat.roomID) === seat) seats.delete(seat.roomID);
    if (seats?.size === 0) this.#forget(k);
  }

  #dropUser(user: string, roomID: string): void {
    for (const [k, seats] of this.#seats)
      if (k.startsWith(`${user}\n`) && seats.delete(roomID) && seats.size === 0) this.#forget(k);
  }

  #forget(k: string): void {
    this.#seats.delete(k);
    const lost = this.#lost.get(k);
    if (lost !== undefined) clearTimeout(lost.timer);
    this.#lost.delete(k);
  }

  #arm(k: string, lostAt: number, at: number): void {
    if (this.#closed) return;
    const previous = this.#lost.get(k);
    if (previous !== undefined) clearTimeout(previous.timer);
    const timer = setTimeout(
      () => {
        this.#check(k, lostAt).catch((err: unknown) => {
          this.#o.log.warn({ err }, 'group watch: check failed; trying again after the grace');
          if (this.#lost.get(k)?.timer === timer) this.#arm(k, lostAt, Date.now() + this.#o.graceMs);
        });
      },
      Math.max(0, at - Date.now()),
    );
    timer.unref();
    this.#lost.set(k, { at: lostAt, timer });
  }

  /** The grace of a device ran out: its user leaves each group call they are still in. */
  async #check(k: string, lostAt: number): Promise<void> {
    const seats = [...(this.#seats.get(k)?.values() ?? [])];
    let next = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (const seat of seats) {
      const again = await this.#checkSeat(seat, lostAt, now);
      if (again !== undefined) next = Math.min(next, again);
    }
    if (this.#lost.get(k)?.at !== lostAt) return; // reconnected meanwhile
    if (next < Number.POSITIVE_INFINITY && this.#seats.has(k)) this.#arm(k, lostAt, next);
    else this.#lost.delete(k);
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
      this.#drop(seat);
      return undefined;
    }
    // Let in again later by another accept (from another device): this seat is over.
    if (seat.acceptedAt !== undefined && joinedAt > seat.acceptedAt) {
      this.#drop(seat);
      return undefined;
    }
    const presence = await store.devicePresence(seat.user, seat.device);
    if (this.#o.connectedHere(seat.user, seat.device)) return undefined;
    // Reconnected to another process: look again a grace later (it may leave there too).
    if (presence.connected) return now + graceMs;
    const lossAt = Math.max(joinedAt, presence.goneAt ?? lostAt);
    if (now < lossAt + graceMs) return lossAt + graceMs;
    await this.#leave(seat, seat.user, room, lossAt);
    this.#drop(seat);
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
    for (const seats of this.#seats.values())
      for (const seat of seats.values())
        if (this.#o.connectedHere(seat.user, seat.device)) mine.set(seat.roomID, seat);
    const seen = new Set<string>();
    const now = Date.now();
    for (const [roomID, seat] of mine) {
      const room = await this.#o.store.groupRoom(roomID);
      if (room === undefined) continue;
      const others = room.users.filter(
        (u) => !room.left.includes(u) && !this.#watches(u, roomID) && u !== seat.user,
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

  /** Whether this process watches a device of `user` in the room (then its grace decides). */
  #watches(user: string, roomID: string): boolean {
    for (const [k, seats] of this.#seats) if (k.startsWith(`${user}\n`) && seats.has(roomID)) return true;
    return false;
  }
}
