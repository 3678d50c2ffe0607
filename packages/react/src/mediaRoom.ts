/**
 * What one remote user sends, as `@beckon/media`'s rooms report it (its `RemoteMediaState`, kept
 * structural here so the hooks need no media package; `remoteMedia` event):
 * microphone muted, camera off (or no video: an audio call, still connecting), and speaking now
 * (voice activity with hysteresis; never while muted).
 */
export interface PeerMediaState {
  readonly muted: boolean;
  readonly cameraOff: boolean;
  readonly speaking: boolean;
}

/** A kind of device a user can pick. */
export type MediaDeviceKind = 'camera' | 'microphone' | 'speaker';

/** The events the room hooks listen to, as `@beckon/media`'s `RoomEvents` names them. */
export interface MediaRoomEvents {
  remoteUserEntered: [userID: string];
  remoteUserLeft: [userID: string];
  remoteStream: [userID: string, stream: MediaStream, kinds: readonly ('audio' | 'video')[]];
  remoteMedia: [userID: string, state: PeerMediaState];
  localStream: [stream: MediaStream];
  /** `reason` as `@beckon/media`'s `RoomError` gives it (`'ice-failed'`, `'permission-denied'`, ...). */
  failed: [
    error: Error & {
      readonly reason?: string;
      readonly userID?: string | undefined;
      /** `room-full`: whether this room refused someone (`local`) or was refused (`remote`). */
      readonly details?: { readonly refusedBy?: 'local' | 'remote' } | undefined;
    },
  ];
}

/**
 * What `useCallRoom` and `useClassRoom` need of a media room. `@beckon/media`'s `RoomAdapter` (`WebRtcRoom`,
 * `TrtcRoom`) has this shape, so `@beckon/react` needs no dependency on the media package: the
 * app creates the room and passes it in.
 */
export interface MediaRoom {
  join(roomID: string, userID: string): Promise<void>;
  publish(options?: { readonly audio?: boolean; readonly video?: boolean }): Promise<MediaStream>;
  setMicrophoneEnabled(enabled: boolean): Promise<void>;
  setCameraEnabled(enabled: boolean): Promise<void>;
  leave(): Promise<void>;
  /** The last reported state of a remote user (optional for custom rooms). */
  remoteMediaState?(userID: string): PeerMediaState | undefined;
  /** Uses another camera, microphone or speaker, live in a call (optional for custom rooms). */
  switchDevice?(kind: MediaDeviceKind, deviceId: string): Promise<void>;
  on<E extends keyof MediaRoomEvents>(event: E, handler: (...args: MediaRoomEvents[E]) => void): () => void;
}
