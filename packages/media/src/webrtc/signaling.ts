import type { RtcSignal } from './signal.js';

/**
 * One user's channel into one room's signaling: what `WebRtcRoom` needs from a relay. The Beckon
 * server relay (to come) implements it over the signaling WebSocket; {@link createMemoryRoomHub}
 * implements it in memory for tests and single-page demos.
 *
 * A relay delivers messages between the members of a room only, in the order they were sent.
 * It may deliver anything: the room checks every message and ignores what is malformed.
 */
export interface RoomSignaling {
  /** Sends a message to one member of the room. Never throws; undeliverable messages are dropped. */
  send(to: string, message: RtcSignal): void;
  /**
   * Subscribes to messages sent to this user; returns the unsubscribe function. `message` is
   * typed `unknown` on purpose: it comes from the network and the room validates it.
   */
  onMessage(handler: (from: string, message: unknown) => void): () => void;
  /**
   * Subscribes to presence: called once for every member already in the room (`present` true),
   * then for every member who joins or leaves. Never called for the local user.
   */
  onMember(handler: (userID: string, present: boolean) => void): () => void;
  /** Leaves the room's signaling; the other members see this user leave. */
  close(): void;
}

/** Opens a user's signaling channel for a room; `WebRtcRoom.join` calls it. */
export type RoomSignalingFactory = (roomID: string, userID: string) => RoomSignaling | Promise<RoomSignaling>;
