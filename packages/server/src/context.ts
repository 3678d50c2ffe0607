import type { Command, CommandReply, SignalingEvent } from '@beckon/signaling';
import type { GroupOperation } from '@beckon/signaling/rules';
import type { Logger } from 'pino';
import type { VerifyResult } from './auth.js';
import type { Connection } from './connection.js';
import type { InvitationCap, UserBuckets } from './limits.js';
import type { Metrics } from './metrics.js';
import type { Store } from './store/types.js';

export interface ResolvedOptions {
  readonly maxPayloadBytes: number;
  readonly maxBufferedBytes: number;
  /** What one burst (one tick's corked writes) may queue on a socket. */
  readonly maxBurstBytes: number;
  /** A replay larger than this is replaced by a snapshot. */
  readonly maxReplayBytes: number;
  /** Snapshots go out in frames of about this size, each after the reader took the last. */
  readonly snapshotPageBytes: number;
  /** A snapshot asked for while one is in flight follows this long after it. */
  readonly resyncIntervalMs: number;
  readonly authTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly rateLimit: { readonly burst: number; readonly perSecond: number };
  readonly maxTokenLifetimeSeconds: number;
}

/** What a connection needs from the server that owns it. */
export interface ServerContext {
  readonly options: ResolvedOptions;
  /** Requests per user across their sockets. */
  readonly userBuckets: UserBuckets;
  /** Active invitations per inviter. */
  readonly invitationCap: InvitationCap;
  readonly store: Store;
  readonly metrics: Metrics;
  readonly log: Logger;
  verify(token: string): Promise<VerifyResult>;
  /** Registers an authenticated connection; resolves once the store follows its user. */
  attach(connection: Connection): Promise<void>;
  detach(connection: Connection): void;
  /** Relays a media-room message if `from` may reach `to` in that room; false when refused. */
  relayRoomSignal(roomID: string, from: string, to: string, data: string): Promise<boolean>;
  /** `userID` placed an invitation from `deviceID` (the call watch follows calls' devices). */
  placed(userID: string, deviceID: string, command: Command, inviteID: string): void;
  /**
   * The connection's snapshot or replay went out: it gets the queue of each of its user's classes
   * (a full queue frame; `resumed`: even an empty one, its client may hold hands from before).
   */
  synced(connection: Connection, resumed: boolean): void;
  /** Asks the store for a delivery receipt when handing `event` to `userID` calls for one (`receiptDue`). */
  markDelivered(event: SignalingEvent, userID: string): void;
  /** Runs a classroom operation over a group as `actor`, one command per marker, in one request. */
  groupOperation(actor: string, device: string, groupID: string, op: GroupOperation): Promise<CommandReply>;
}
