import {
  type CallType,
  type Command,
  createHangupData,
  type InvitationRecord,
  isGroupCall,
  parseCallData,
  type SignalingEvent,
} from '@beckon/signaling';
import type { Logger } from 'pino';
import { DeviceWatch } from './deviceWatch.js';
import type { Metrics } from './metrics.js';
import { CALL_ROOM_TTL_MS } from './rooms.js';
import type { Store } from './store/types.js';

/** How long a party of an answered call may have no device of the call connected. */
export const DEFAULT_CALL_GRACE_MS = 10_000;

/** The device the server acts from when it hangs up in a party's name (no client's id). */
export const SERVER_DEVICE = 'beckon-server';

/** One party's device in a one-to-one call, as the process that holds that device's socket sees it. */
interface Side {
  readonly inviteID: string;
  readonly roomID: string;
  readonly callType: CallType;
  readonly user: string;
  readonly device: string;
  readonly peer: string;
  /** The callee (call data lists callees only). */
  readonly callee: string;
  /** Past this, an unanswered call can no longer be answered: the side is dropped. */
  readonly answerBy: number;
  /** Past this, the side is forgotten whatever happened (the media room's own limit). */
  readonly forgetAt: number;
}

export interface CallWatchOptions {
  readonly store: Store;
  readonly graceMs: number;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Whether a socket of this device is open on this process. */
  readonly connectedHere: (userID: string, deviceID: string) => boolean;
}

/**
 * The one-to-one call an invitation without a group places. A group call's invitations (one
 * per callee, `userIDs` listing them all) are not watched here: its room has users coming and
 * going (rooms.ts), and the group watch (groupWatch.ts) leaves for a participant who vanishes.
 */
function callOf(data: string, sender: string): { roomID: string; callType: CallType } | undefined {
  if (!data.includes('av_call')) return undefined;
  const call = parseCallData(data);
  if (!call.ok || (call.value.cmd !== 'audioCall' && call.value.cmd !== 'videoCall')) return undefined;
  if (isGroupCall('', call.value, sender)) return undefined;
  if (call.value.roomID === '' || call.value.callType === undefined) return undefined;
  return { roomID: call.value.roomID, callType: call.value.callType };
}

/**
 * Ends one-to-one calls whose party is gone (issue 14). A party is its device of the call: the
 * one that placed the call, or the one that answered it. Each process watches the devices whose
 * request it handled; when the last socket of such a device closes here, a grace period starts;
 * at its end the process asks the deployment (the store) whether the device is connected
 * anywhere (it may have reconnected to another process) and whether the call is still open, and
 * if not, sends the ordinary call-end invitation in the gone party's name (`end_reason:
 * 'peerLeft'`, duration from the answer to the loss), through the ordinary command path.
 */
export class CallWatch {
  readonly #o: CallWatchOptions;
  /** Sides by device, then by inviteID. */
  readonly #sides: DeviceWatch<Side>;
  /** Rooms this process is ending (two parties gone at once must not hang up twice). */
  readonly #ending = new Set<string>();
  /** Calls whose peer user the survey found with no socket anywhere, since when. */
  readonly #absent = new Map<string, number>();

  constructor(options: CallWatchOptions) {
    this.#o = options;
    this.#sides = new DeviceWatch<Side>({
      ...options,
      name: 'call watch',
      idOf: (side) => side.inviteID,
      check: (side, lostAt, now) => this.#checkSide(side, lostAt, now),
      survey: () => this.#survey(),
    });
  }

  /** `user` placed a call invitation from `device` (its reply was ok). */
  placed(user: string, device: string, command: Command, inviteID: string, now = Date.now()): void {
    if (command.op !== 'invite' || command.groupID !== '' || command.inviteeList.length !== 1) return;
    const call = callOf(command.data, user);
    const callee = command.inviteeList[0];
    if (call === undefined || callee === undefined) return;
    const answerBy = command.timeout > 0 ? now + command.timeout * 1000 : now + CALL_ROOM_TTL_MS;
    this.#sides.add({
      inviteID,
      ...call,
      user,
      device,
      peer: callee,
      callee,
      answerBy,
      forgetAt: answerBy + CALL_ROOM_TTL_MS,
    });
  }

  /** An invitation ended on this process: an accepted call starts watching the answering device. */
  ended(record: InvitationRecord, now = Date.now()): void {
    const callee = record.invitees[0];
    if (record.groupID !== '' || callee === undefined) return;
    if (callee.state !== 'accepted') {
      this.#drop(record.inviteID);
      return;
    }
    const call = callOf(record.data, record.inviter);
    if (call === undefined || callee.device === undefined || callee.device === SERVER_DEVICE) return;
    const side = {
      inviteID: record.inviteID,
      ...call,
      user: callee.userID,
      device: callee.device,
      peer: record.inviter,
      callee: callee.userID,
      answerBy: now,
      forgetAt: now + CALL_ROOM_TTL_MS,
    };
    this.#sides.add(side);
  }

  /** An event reached this process: a call that ended otherwise stops being watched. */
  event(event: SignalingEvent): void {
    const { kind, envelope } = event;
    if (kind === 'cancel' || kind === 'reject' || kind === 'timeout') this.#drop(envelope.inviteID);
    else if (kind === 'invite' && envelope.groupID === '' && envelope.data.includes('hangup')) {
      const call = parseCallData(envelope.data);
      if (!call.ok || call.value.cmd !== 'hangup') return;
      for (const user of [envelope.inviter, ...envelope.inviteeList])
        for (const side of this.#sides.entries(user))
          if (side.roomID === call.value.roomID || call.value.roomID === '') this.#drop(side.inviteID);
    }
  }

  /** A socket of the device authenticated here: a loss in progress is over. */
  connected(user: string, device: string): void {
    this.#sides.connected(user, device);
  }

  /** The last socket of the device closed here. */
  disconnected(user: string, device: string, now = Date.now()): void {
    this.#sides.disconnected(user, device, now);
  }

  /** Forgets sides past their limits (called from the server's heartbeat). */
  sweep(now = Date.now()): void {
    this.#sides.sweep(now);
  }

  close(): void {
    this.#sides.close();
  }

  /** Stops watching the call, on every device. */
  #drop(inviteID: string): void {
    for (const side of this.#sides.entries()) if (side.inviteID === inviteID) this.#sides.delete(side);
  }

  /** Ends the side's call if its party is gone; returns when to look again, if ever. */
  async #checkSide(side: Side, lostAt: number, now: number): Promise<number | undefined> {
    const { store, graceMs } = this.#o;
    const room = await store.room(side.roomID);
    if (room === undefined || (room.inviteID !== undefined && room.inviteID !== side.inviteID)) {
      // Not answered yet (it may still be), or over (hung up, declined, timed out).
      if (now < side.answerBy) return Math.min(side.answerBy, now + graceMs);
      this.#drop(side.inviteID);
      return undefined;
    }
    const presence = await store.devicePresence(side.user, side.device);
    if (this.#o.connectedHere(side.user, side.device)) return undefined;
    // Reconnected to another process: look again a grace later (it may leave there too).
    if (presence.connected) return now + graceMs;
    const answeredAt = room.answeredAt ?? now;
    const lossAt = Math.max(answeredAt, presence.goneAt ?? lostAt);
    if (now < lossAt + graceMs) return lossAt + graceMs;
    await this.#hangUp(side, side.user, side.peer, lossAt, answeredAt);
    return undefined;
  }

  /**
   * Ends the side's call in `gone`'s name, once across the deployment: whoever takes the room
   * sends the call-end (the other party's process, gone too, or the survey, does not).
   */
  async #hangUp(side: Side, gone: string, peer: string, lossAt: number, answeredAt: number): Promise<void> {
    const { store } = this.#o;
    if (this.#ending.has(side.roomID)) return;
    this.#ending.add(side.roomID);
    try {
      const taken = await store.takeRoom(side.roomID);
      this.#drop(side.inviteID);
      if (taken === undefined) return;
      const durationSeconds = Math.max(0, Math.round((lossAt - answeredAt) / 1000));
      const data = createHangupData({
        callType: side.callType,
        roomID: side.roomID,
        userIDs: [side.callee],
        durationSeconds,
        endReason: 'peerLeft',
      });
      const reply = await store.dispatch(gone, SERVER_DEVICE, {
        op: 'invite',
        groupID: '',
        inviteeList: [peer],
        data,
        timeout: 0,
        onlineUserOnly: false,
      });
      if (!reply.ok) {
        this.#o.log.warn({ error: reply.error, roomID: side.roomID }, 'call watch: hang-up refused');
        return;
      }
      this.#o.metrics.inc('beckon_calls_ended_by_server_total', 'peer_left');
      this.#o.log.info({ roomID: side.roomID, user: gone, durationSeconds }, 'call ended: party gone');
    } finally {
      this.#ending.delete(side.roomID);
    }
  }

  /**
   * The fallback for a peer whose process died (its grace died with it): every grace period,
   * for each answered call whose own device is here and whose peer's device is watched
   * elsewhere, a peer user with no socket anywhere in the deployment for two graces is hung up
   * in its name, from when it was first seen gone. A process that is alive ends its own party's
   * call a grace earlier, by the device, and takes the room first.
   */
  async #survey(): Promise<void> {
    const mine = this.#sides
      .entries()
      .filter(
        (side) =>
          this.#o.connectedHere(side.user, side.device) && !this.#sides.watches(side.peer, side.inviteID),
      );
    if (mine.length === 0) {
      this.#absent.clear();
      return;
    }
    const online = await this.#o.store.online([...new Set(mine.map((side) => side.peer))]);
    const now = Date.now();
    const seen = new Set<string>();
    for (const side of mine) {
      if (online.has(side.peer)) continue;
      seen.add(side.inviteID);
      const since = this.#absent.get(side.inviteID);
      if (since === undefined) {
        this.#absent.set(side.inviteID, now);
        continue;
      }
      if (now - since < 2 * this.#o.graceMs) continue;
      const room = await this.#o.store.room(side.roomID);
      if (room === undefined || (room.inviteID !== undefined && room.inviteID !== side.inviteID)) continue;
      const answeredAt = room.answeredAt ?? since;
      await this.#hangUp(side, side.peer, side.user, Math.max(answeredAt, since), answeredAt);
    }
    for (const id of this.#absent.keys()) if (!seen.has(id)) this.#absent.delete(id);
  }
}
