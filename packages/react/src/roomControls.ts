import { CallType } from '@beckon/signaling';
import { useEffect, useMemo, useRef } from 'react';
import type { MediaDeviceKind, MediaRoom } from './mediaRoom.js';

export interface CallRoomActions {
  /** Mutes (false) or unmutes (true) the microphone. */
  readonly setMicrophoneEnabled: (on: boolean) => void;
  /** Switches the camera off (false) or on (true). */
  readonly setCameraEnabled: (on: boolean) => void;
  /**
   * Uses another device now (the room's `switchDevice`); rejects when it cannot be opened, and
   * the call goes on with the previous one. Prefer the `devices` option, which also applies
   * devices picked before the room exists.
   */
  readonly switchDevice: (kind: MediaDeviceKind, deviceId: string) => Promise<void>;
}

/** Devices to use, by `deviceId` (`useDevices().selected`); undefined is the browser's default. */
export type SelectedDevices = Partial<Readonly<Record<MediaDeviceKind, string | undefined>>>;

export interface RoomDeviceOptions {
  /**
   * The camera, microphone and speaker to use: applied to the room before it publishes, and
   * switched live when they change during the call.
   */
  readonly devices?: SelectedDevices;
  /** Called when a device switch fails (the call goes on with the previous device). */
  readonly onDeviceError?: (error: Error, kind: MediaDeviceKind) => void;
}

/**
 * Whether a call in `phase` has its media room: from dialing out (the caller waits in the room)
 * through connecting to the end of the call.
 */
export const needsRoom = (phase: string, direction: string | undefined): boolean =>
  (phase === 'dialing' && direction === 'outgoing') || phase === 'connecting' || phase === 'inCall';

/**
 * Opens the devices picked before the call, then joins and publishes (audio, and video for a
 * video call); failures come through `failed`.
 */
export function enterRoom(
  room: MediaRoom,
  picked: SelectedDevices,
  roomID: string,
  userID: string,
  callType: CallType,
): void {
  const first = Promise.all(
    (Object.keys(picked) as MediaDeviceKind[]).map((k) => {
      const id = picked[k];
      return id && room.switchDevice ? room.switchDevice(k, id).catch(() => {}) : undefined;
    }),
  );
  first
    .then(() => room.join(roomID, userID))
    .then(() => room.publish({ audio: true, video: callType === CallType.VIDEO }))
    .catch(() => {}); // Reported through 'failed'.
}

/**
 * The room's controls, and the devices picked during the call switched live (the room's first
 * render applied the ones picked before it, see {@link enterRoom}).
 */
export function useRoomControls(room: MediaRoom | undefined, options: RoomDeviceOptions): CallRoomActions {
  const latest = useRef(options);
  latest.current = options;
  const { camera, microphone, speaker } = options.devices ?? {};
  const applied = useRef<{ room: MediaRoom | undefined; devices: SelectedDevices }>({
    room: undefined,
    devices: {},
  });
  useEffect(() => {
    const devices: SelectedDevices = { camera, microphone, speaker };
    const before = applied.current;
    applied.current = { room, devices };
    if (room === undefined || before.room !== room || !room.switchDevice) return;
    for (const k of ['camera', 'microphone', 'speaker'] as const) {
      const id = devices[k];
      if (!id || id === before.devices[k]) continue;
      room.switchDevice(k, id).catch((error: unknown) => {
        latest.current.onDeviceError?.(error instanceof Error ? error : new Error(String(error)), k);
      });
    }
  }, [room, camera, microphone, speaker]);

  return useMemo<CallRoomActions>(
    () => ({
      setMicrophoneEnabled: (on) => void room?.setMicrophoneEnabled(on).catch(() => {}),
      setCameraEnabled: (on) => void room?.setCameraEnabled(on).catch(() => {}),
      switchDevice: (k, id) => room?.switchDevice?.(k, id) ?? Promise.resolve(),
    }),
    [room],
  );
}
