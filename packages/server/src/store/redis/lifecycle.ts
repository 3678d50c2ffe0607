import type { InvitationRecord, SignalingEvent } from '@beckon/signaling';
import { recordViewFor } from '@beckon/signaling/rules';
import { CALL_ROOM_TTL_MS } from '../../rooms.js';
import { withCatchUps } from '../ended.js';
import type { DevicePresence, EndedInvitation } from '../types.js';
import { call } from './errors.js';
import type { LogEntry } from './feeds.js';
import type { Keys } from './keys.js';
import { claimsOf } from './presence.js';
import { logEntries } from './reads.js';
import type { Client } from './scripts.js';

/** How long an ended invitation's final record stays readable for snapshots (issue 14). */
export const DEFAULT_ENDED_TTL_MS = 10 * 60 * 1000;

/** Marks the device gone at ARGV[2] only if this process (ARGV[1]) still holds it. */
const DEVICE_DOWN = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], '-' .. ARGV[2], 'PX', ARGV[3])
end
return 0`;

const TERMINAL: ReadonlySet<string> = new Set(['cancel', 'accept', 'reject', 'timeout']);

/**
 * What the call lifecycle keeps in Redis, apart from the scripts of the rules: which process
 * holds a device (`P dev:["user","device"]`: the process id, or `-<ms>` once its last socket
 * closed there), the final record of each ended invitation (`P ended:{id}`, without its data,
 * for `endedTtlMs`), and the
 * taking of a call's room by the one process that ends the call.
 */
export class Lifecycle {
  readonly #redis: Client;
  readonly #keys: Keys;
  readonly #nodeID: string;
  readonly #warn: (what: string, err: unknown) => void;

  constructor(redis: Client, keys: Keys, nodeID: string, warn: (what: string, err: unknown) => void) {
    this.#redis = redis;
    this.#keys = keys;
    this.#nodeID = nodeID;
    this.#warn = warn;
  }

  #device(userID: string, deviceID: string): string {
    return `${this.#keys.prefix}dev:${JSON.stringify([userID, deviceID])}`;
  }

  #ended(inviteID: string): string {
    return this.#keys.ended(inviteID);
  }

  deviceUp(userID: string, deviceID: string): void {
    this.#redis
      .set(this.#device(userID, deviceID), this.#nodeID, 'PX', CALL_ROOM_TTL_MS)
      .catch((err: unknown) => this.#warn('device presence', err));
  }

  deviceDown(userID: string, deviceID: string, at: number): void {
    this.#redis
      .eval(
        DEVICE_DOWN,
        1,
        this.#device(userID, deviceID),
        this.#nodeID,
        String(at),
        String(CALL_ROOM_TTL_MS),
      )
      .catch((err: unknown) => this.#warn('device presence', err));
  }

  async devicePresence(userID: string, deviceID: string): Promise<DevicePresence> {
    const held = await call(() => this.#redis.get(this.#device(userID, deviceID)));
    if (held === null) return { connected: false };
    if (held.startsWith('-')) return { connected: false, goneAt: Number(held.slice(1)) };
    // The process that holds it must still be alive (its presence claims are renewed).
    const until = claimsOf(await call(() => this.#redis.hget(this.#keys.where, userID))).get(held);
    return { connected: until !== undefined && until > Date.now() };
  }

  async takeRoom(roomID: string): Promise<string | null> {
    return call(() => this.#redis.getdel(this.#keys.room(roomID)));
  }

  /**
   * Final records of the invitations ended by events in the user's log after `seq`, newest
   * first, with their catch-ups from the same part of the log.
   */
  async endedSince(userID: string, seq: number, limit: number): Promise<EndedInvitation[]> {
    const entries = logEntries(
      await call(() => this.#redis.xrange(this.#keys.log(userID), `(0-${seq}`, '+')),
    );
    const ids: string[] = [];
    const events: SignalingEvent[] = [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const { event } = entries[i] as LogEntry;
      events.push(event);
      const id = event.envelope.inviteID;
      if (TERMINAL.has(event.kind) && ids.length < limit && !ids.includes(id)) ids.push(id);
    }
    if (ids.length === 0) return [];
    const records = await call(() => this.#redis.mget(ids.map((id) => this.#ended(id))));
    // As the user saw it (issue 19): a round ends with the user as its only invitee.
    const finals = records.flatMap((json) =>
      json === null ? [] : (recordViewFor(JSON.parse(json) as InvitationRecord, userID) ?? []),
    );
    return withCatchUps(userID, events, finals);
  }
}
