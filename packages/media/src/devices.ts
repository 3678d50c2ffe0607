import { type DeviceKind, type MediaKind, RoomError } from './roomAdapter.js';

/** Opens camera and/or microphone; by default `navigator.mediaDevices.getUserMedia`, looked up at call time. */
export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

export const defaultGetUserMedia: GetUserMedia = (constraints) => {
  const devices = (globalThis as { navigator?: { mediaDevices?: MediaDevices } }).navigator?.mediaDevices;
  if (devices === undefined) {
    return Promise.reject(
      new RoomError('device-error', 'this environment has no navigator.mediaDevices (an insecure page?)'),
    );
  }
  return devices.getUserMedia(constraints);
};

/** Maps a getUserMedia rejection (a DOMException by name) to a RoomError. */
export function deviceFailure(error: unknown, kinds: readonly MediaKind[]): RoomError {
  if (error instanceof RoomError) return error;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  const what = kinds.join(' and ') || 'media';
  const detail = error instanceof Error ? `: ${error.message}` : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return new RoomError('permission-denied', `access to ${what} was denied${detail}`, { cause: error });
  }
  return new RoomError('device-error', `could not open ${what} (${String(name ?? 'error')})${detail}`, {
    cause: error,
  });
}

/** `new MediaStream(tracks)`, with the global looked up at call time (never at module load). */
export function createMediaStream(tracks: readonly MediaStreamTrack[] = []): MediaStream {
  const Ctor = (globalThis as { MediaStream?: typeof MediaStream }).MediaStream;
  if (Ctor === undefined) throw new RoomError('device-error', 'this environment has no MediaStream');
  return new Ctor([...tracks]);
}

/** The kinds in a fixed order, for stable `kinds` arrays. */
export function kindsOf(audio: boolean, video: boolean): MediaKind[] {
  const kinds: MediaKind[] = [];
  if (audio) kinds.push('audio');
  if (video) kinds.push('video');
  return kinds;
}

/**
 * Undoes the pick of `deviceId` for `kind` after switching to it failed: `previous` again, unless
 * another device was picked meanwhile.
 */
export function undoDevicePick(
  picks: Partial<Record<DeviceKind, string>>,
  kind: DeviceKind,
  deviceId: string,
  previous: string | undefined,
): void {
  if (picks[kind] !== deviceId) return;
  if (previous === undefined) delete picks[kind];
  else picks[kind] = previous;
}
