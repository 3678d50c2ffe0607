import type { CallInterop } from './call/transition.js';
import type { SignalingErrorInfo } from './errors.js';
import type { GroupOperation } from './protocol.js';
import type { QueueFrame } from './queue.js';
import type { Command, CommandReply, InvitationRecord, SignalingEvent } from './rules/types.js';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Who the transport is connected as, and the server's clock at that moment. */
export interface Session {
  readonly userID: string;
  readonly deviceID: string;
  readonly sessionID: string;
  /** The arbiter's clock (ms) when the session started; clients derive their offset from it. */
  readonly serverTime: number;
}

/** Every active invitation the user can see, as the arbiter holds it. */
export interface InvitationSnapshot {
  readonly at: number;
  readonly invitations: readonly InvitationRecord[];
  /**
   * The events that ended invitations while the client was away, where the arbiter can still
   * tell (the client applies them to what it held; what it held and the snapshot lacks after
   * them vanished).
   */
  readonly missed?: readonly SignalingEvent[];
}

export interface TransportListener {
  onStateChange(state: ConnectionState, error?: SignalingErrorInfo): void;
  onSession(session: Session): void;
  /** Replaces everything the client knew (first connect, or a gap too old to replay). */
  onSnapshot(snapshot: InvitationSnapshot): void;
  /** Events in the order the arbiter produced them for this user, each exactly once. */
  onEvent(event: SignalingEvent): void;
  /** A class's raised hands changed (a Beckon server's queue stream, issue 19). */
  onQueue?(frame: QueueFrame): void;
  /** A group's members or their presence changed (servers that have groups). */
  onGroupChange?(groupID: string): void;
  /** A media-room message from another user in the same call. */
  onRoomSignal?(roomID: string, from: string, data: string): void;
}

/**
 * How a {@link SignalingClient} reaches an arbiter. Implementations: the in-memory hub
 * (`@beckon/signaling/hub`) and the WebSocket transport to `@beckon/server`.
 */
export interface Transport {
  connect(listener: TransportListener): void;
  /** Resolves with the arbiter's reply; rejects only with a `SignalingError`. */
  request(command: Command): Promise<CommandReply>;
  /** Sends a media-room message to `to`; the arbiter relays it only between users in that call. */
  sendRoomSignal?(roomID: string, to: string, data: string): void;
  /**
   * A room id for a new call that the other side's apps can enter (the Tencent transport gives a
   * TRTC room number, as TUICallKit reads them). Absent: the caller picks any string.
   */
  newRoomID?(): string;
  /**
   * Call-machine behaviour every app on this transport needs (the Tencent transport: TUICallKit's
   * switch to audio); `CallController` uses it unless given its own.
   */
  readonly callInterop?: CallInterop;
  /** Runs a classroom operation over a whole group in one request (a Beckon server does). */
  groupOperation?(groupID: string, op: GroupOperation): Promise<CommandReply>;
  close(): void;
}
