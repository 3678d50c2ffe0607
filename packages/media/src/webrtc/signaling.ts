import type { RtcSignal } from './signal.js';

/**
 * One user's channel into one room's signaling: what `WebRtcRoom` needs from a relay. An adapter
 * over the Beckon server's media-room relay (to come) implements it over the signaling WebSocket;
 * {@link createMemoryRoomHub} implements it in memory for tests and single-page demos.
 *
 * The contract:
 * - messages go only between members of the room, each pair in the order sent;
 * - a member is reported present only once it can receive (it has joined the room and
 *   subscribed), because perfect negotiation assumes no offer is lost. A relay without presence
 *   of its own derives it, for example from a hello exchange between the call's two parties;
 * - anything may arrive: the room checks every message and ignores what is malformed.
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
