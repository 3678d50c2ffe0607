/** The events the room hooks listen to, as `@beckon/media`'s `RoomEvents` names them. */
export interface MediaRoomEvents {
  remoteUserEntered: [userID: string];
  remoteUserLeft: [userID: string];
  remoteStream: [userID: string, stream: MediaStream, kinds: readonly ('audio' | 'video')[]];
  localStream: [stream: MediaStream];
  /** `reason` as `@beckon/media`'s `RoomError` gives it (`'ice-failed'`, `'permission-denied'`, ...). */
  failed: [error: Error & { readonly reason?: string }];
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
  on<E extends keyof MediaRoomEvents>(event: E, handler: (...args: MediaRoomEvents[E]) => void): () => void;
}
