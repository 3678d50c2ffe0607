import { BeckonError } from '@beckon/signaling';
import type { RemoteMediaState } from './remoteState.js';

/** A kind of media a user can publish. */
export type MediaKind = 'audio' | 'video';

/** A kind of device a user can pick. */
export type DeviceKind = 'camera' | 'microphone' | 'speaker';

/**
 * Why media failed. `ice-failed`: no network path to a peer, even after an ICE restart;
 * `no-relay`: no TURN relay could be allocated (the TURN server refused the credentials, or could
 * not be reached) when media must go through one (relay-only), or nothing else connected;
 * `permission-denied`: the user or the system refused the camera or microphone;
 * `device-error`: no such device, or it is busy; `signaling-error`: the room's signaling could
 * not be opened or carried nonsense; `kicked-out`: the media service removed this user
 * (another login with the same id, or an administrator); `sdk-error`: the media SDK failed;
 * `room-full`: the room has no seat for one more participant (see `maxParticipants`): this room
 * refused a user who came in past its limit, or a user already in refused this one
 * ({@link RoomError.details} says which, and the limit). Only that pair has no connection: the
 * rest of the room goes on.
 */
export type RoomFailureReason =
  | 'ice-failed'
  | 'no-relay'
  | 'permission-denied'
  | 'device-error'
  | 'signaling-error'
  | 'kicked-out'
  | 'sdk-error'
  | 'room-full';

/**
 * What a `room-full` {@link RoomError} carries. `refusedBy: 'local'`: this room is full and refused
 * `userID`; `'remote'`: `userID`'s room is full and refused this one (a room that every user already
 * in refuses, and that has no connection left, is full for this user). `limit`: the refusing side's
 * `maxParticipants` (people, the refusing user included).
 */
export interface RoomFullDetails {
  readonly limit: number;
  readonly refusedBy: 'local' | 'remote';
}

/** The largest `maxParticipants` a room takes (TRTC's call scene itself admits 300 people). */
export const MAX_PARTICIPANT_LIMIT = 1000;

/** A participant limit: whole people, two at least (a room of one has nobody to refuse). */
export function isParticipantLimit(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 2 && value <= MAX_PARTICIPANT_LIMIT;
}

/** Checks a `maxParticipants` option: its value, or `fallback` when not given; `RangeError` when bad. */
export function participantLimit(value: number | undefined, fallback: number): number {
  const limit = value ?? fallback;
  if (!isParticipantLimit(limit))
    throw new RangeError(
      `maxParticipants must be an integer from 2 to ${MAX_PARTICIPANT_LIMIT}, got ${String(limit)}`,
    );
  return limit;
}

/** True when a room of `limit` people that has `others` remote users has no seat for one more. */
export function isRoomFull(others: number, limit: number): boolean {
  return others >= limit - 1;
}

/** The `room-full` error of a room that refused `userID` itself (`refusedBy: 'local'`). */
export function refusedLocally(
  roomID: string | undefined,
  limit: number,
  userID: string,
  what: string,
): RoomError {
  return new RoomError('room-full', `room ${roomID} is full (${limit} people): ${userID} ${what}`, {
    userID,
    details: { limit, refusedBy: 'local' },
  });
}

/**
 * A media failure: the typed reason (also its `code`, as on every {@link BeckonError}), a message
 * for logs, and the peer it concerns, if one.
 */
export class RoomError extends BeckonError<RoomFailureReason> {
  override name = 'RoomError';
  readonly reason: RoomFailureReason;
  /** The remote user the failure concerns (for example the peer whose ICE failed). */
  readonly userID: string | undefined;
  /** For `room-full`: which side refused, and its limit. */
  readonly details: RoomFullDetails | undefined;

  constructor(
    reason: RoomFailureReason,
    message: string,
    options: { userID?: string; cause?: unknown; details?: RoomFullDetails } = {},
  ) {
    super(reason, message, { cause: options.cause });
    this.reason = reason;
    this.userID = options.userID;
    this.details = options.details;
  }
}

/** What to publish; both default to true. */
export interface PublishOptions {
  readonly audio?: boolean;
  readonly video?: boolean;
}

/** Events of a {@link RoomAdapter}, as handler argument lists. */
export interface RoomEvents {
  /** A remote user is in the room (before any media arrives). */
  remoteUserEntered: [userID: string];
  /** A remote user left the room (hung up, closed the page, or the relay lost them). */
  remoteUserLeft: [userID: string];
  /**
   * A remote user's media changed. `stream` is the same object for a user for as long as they
   * stay; `kinds` is what they are sending now (a muted microphone or a switched-off camera is
   * left out, so `[]` means neither).
   */
  remoteStream: [userID: string, stream: MediaStream, kinds: readonly MediaKind[]];
  /**
   * A remote user's microphone, camera or voice activity changed (see {@link RemoteMediaState}).
   * Emitted first when the user enters (everything off), then on every change: the peer's own
   * word (WebRTC: a relay message on mute and camera off, since a disabled track sends silence
   * or black with no event; TRTC: its audio/video available events) and what arrives (a track
   * that stops delivering counts as off), and levels for `speaking`.
   */
  remoteMedia: [userID: string, state: RemoteMediaState];
  /** The local camera/microphone stream, after `publish` and after the camera is switched on or off. */
  localStream: [stream: MediaStream];
  /**
   * Something failed. Every failure is reported here, including those of `join` and `publish`,
   * which also reject with the same error.
   */
  failed: [error: RoomError];
}

export type RoomEventName = keyof RoomEvents;
export type RoomEventHandler<E extends RoomEventName> = (...args: RoomEvents[E]) => void;

/**
 * A media room: join a room id as a user, publish the camera and microphone, see who is there and
 * what they send. Implementations: `WebRtcRoom` (peer to peer, signaling over the Beckon server)
 * and `TrtcRoom` (Tencent's TRTC). Neither touches browser globals before `join`.
 *
 * @example
 * ```ts
 * const room: RoomAdapter = new WebRtcRoom({ signaling: (roomID, userID) => relay.open(roomID, userID) });
 * room.on('remoteStream', (userID, stream, kinds) => {
 *   remoteVideo.srcObject = stream;
 *   remoteVideo.muted = room.playsRemoteAudio; // TRTC plays remote audio itself
 *   cameraOffBadge.hidden = kinds.includes('video');
 * });
 * room.on('remoteUserLeft', () => endCall());
 * room.on('failed', (error) => showError(error.reason)); // 'permission-denied', 'ice-failed', ...
 * await room.join('room-42', 'alice');
 * localVideo.srcObject = await room.publish(); // camera + microphone
 * await room.setMicrophoneEnabled(false); // mute
 * await room.leave();
 * ```
 */
export interface RoomAdapter {
  /** The room joined, or undefined when not in a room. */
  readonly roomID: string | undefined;
  /** True when the adapter plays remote audio itself; render remote streams muted then. */
  readonly playsRemoteAudio: boolean;
  /**
   * The most people this room connects, this user included (`WebRtcRoom`: 6, `TrtcRoom`: 9 by
   * default). Users met past it are refused with a `room-full` {@link RoomError}. Undefined for a
   * room with no limit of its own.
   */
  readonly maxParticipants?: number;
  /** Enters the room. Rejects with a {@link RoomError} (also emitted as `failed`). */
  join(roomID: string, userID: string): Promise<void>;
  /**
   * Starts the camera and/or microphone and sends them to everyone in the room; resolves with
   * the local stream. Call after `join`. Publishing again adds the kinds not yet published.
   */
  publish(options?: PublishOptions): Promise<MediaStream>;
  /** Mutes (false) or unmutes (true) the microphone; the device stays open. */
  setMicrophoneEnabled(enabled: boolean): Promise<void>;
  /** Switches the camera off (false) or on again (true). */
  setCameraEnabled(enabled: boolean): Promise<void>;
  /** The last {@link RemoteMediaState} of a remote user in the room, or undefined. */
  remoteMediaState(userID: string): RemoteMediaState | undefined;
  /**
   * Uses another camera, microphone or speaker (a `deviceId` from `enumerateDevices`), live in a
   * call: the other side keeps its connection and gets the new device's track. A camera that is
   * off, or a device not yet published, is used when it is next started. WebRTC rooms do not play
   * audio (`playsRemoteAudio` is false): route speakers with `HTMLMediaElement.setSinkId` on the
   * elements that play remote streams. Rejects with a {@link RoomError} (`device-error`,
   * `permission-denied`) and keeps the previous device then.
   */
  switchDevice(kind: DeviceKind, deviceId: string): Promise<void>;
  /** Leaves the room and stops the local camera and microphone. Safe to call twice. */
  leave(): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends RoomEventName>(event: E, handler: RoomEventHandler<E>): () => void;
}
