import { CallType } from '@beckon/signaling';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useBeckonRuntime } from './context.js';
import type { MediaDeviceKind, MediaRoom, PeerMediaState } from './mediaRoom.js';
import { useBeckonState } from './useBeckonState.js';

/** The call a room is created for. */
export interface CallRoomTarget {
  readonly roomID: string;
  readonly peer: string;
  readonly callType: CallType;
  /** This user, as the room is joined. */
  readonly userID: string;
}

/** Creates the media room of one call; called once per call, when the call needs media. */
export type CreateCallRoom = (call: CallRoomTarget) => MediaRoom;

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

export interface UseCallRoomResult {
  /** The room of the current call, while there is one. */
  readonly room: MediaRoom | undefined;
  readonly local: MediaStream | undefined;
  readonly remote: MediaStream | undefined;
  /**
   * The peer's microphone, camera and voice activity (undefined until the room reports it, or
   * when the room does not): show a placeholder instead of a frozen frame when `cameraOff`, and a
   * muted mark when `muted`.
   */
  readonly remoteState: PeerMediaState | undefined;
  readonly actions: CallRoomActions;
}

export interface UseCallRoomOptions {
  /**
   * How long the peer may be gone from the room (it left, or the connection to it failed) before
   * the call ends as `peerLeft`; back sooner, the call goes on. Default: the provider's
   * `callOptions.remoteLeaveGraceMs`, else 10 s.
   */
  readonly remoteLeaveGraceMs?: number;
  /**
   * The camera, microphone and speaker to use: applied to the room before it publishes, and
   * switched live when they change during the call.
   */
  readonly devices?: SelectedDevices;
  /** Called when a device switch fails (the call goes on with the previous device). */
  readonly onDeviceError?: (error: Error, kind: MediaDeviceKind) => void;
}

/**
 * The seed's media steps for `useCall`'s call: the caller enters the room when dialing (step 1),
 * the callee after accepting (step 3); the call starts when the remote user enters (step 3). If
 * the peer leaves the room without a call-end, or the connection to it fails mid-call, the call
 * waits a grace period for it to come back, then ends as `peerLeft` and sends the call-end
 * (step 5); any other media failure ends it at once and tells the peer. The room is left when
 * the call ends. `createRoom` may change on every render; the one current when a call needs
 * media is used.
 *
 * @example
 * const media = useCallRoom(({ peer }) =>
 *   new WebRtcRoom({ signaling: beckonRoomSignaling(client, () => [peer]) }),
 * );
 * <CallView remoteMedia={<Video stream={media.remote} />} localMedia={<Video stream={media.local} muted />} />
 */
export function useCallRoom(createRoom: CreateCallRoom, options: UseCallRoomOptions = {}): UseCallRoomResult {
  const grace = useRef(options.remoteLeaveGraceMs);
  grace.current = options.remoteLeaveGraceMs;
  const { calls } = useBeckonRuntime('useCallRoom');
  const userID = useBeckonState((s) => s.userID);
  const { phase, direction, roomID, peer, callType } = useBeckonState((s) => s.call);
  const [room, setRoom] = useState<MediaRoom>();
  const [local, setLocal] = useState<MediaStream>();
  const [remote, setRemote] = useState<MediaStream>();
  const [remoteState, setRemoteState] = useState<PeerMediaState>();
  const create = useRef(createRoom);
  create.current = createRoom;
  const latest = useRef(options);
  latest.current = options;

  const inRoom =
    (phase === 'dialing' && direction === 'outgoing') || phase === 'connecting' || phase === 'inCall';

  useEffect(() => {
    if (!inRoom || !roomID || !peer || !userID) return;
    const kind = callType ?? CallType.AUDIO;
    const current = create.current({ roomID, peer, callType: kind, userID });
    setRoom(current);
    const offs = [
      current.on('remoteUserEntered', () => calls.remoteEntered()),
      current.on('remoteUserLeft', () => calls.remoteLeft(grace.current)),
      current.on('remoteStream', (_user, stream) => setRemote(stream)),
      current.on('remoteMedia', (user, state) => {
        if (user === peer) setRemoteState(state);
      }),
      current.on('localStream', (stream) => setLocal(stream)),
      current.on('failed', (error) => {
        // The connection to the peer died mid-call (its network went): as good as gone, unless
        // it comes back within the grace period. Other failures (camera, TURN) end the call.
        if (error.reason === 'ice-failed' && calls.state.phase === 'inCall') calls.remoteLeft(grace.current);
        else calls.fail(error.message);
      }),
    ];
    // Devices picked before the call: the room opens them when it publishes.
    const picked = latest.current.devices ?? {};
    const first = Promise.all(
      (Object.keys(picked) as MediaDeviceKind[]).map((k) => {
        const id = picked[k];
        return id && current.switchDevice ? current.switchDevice(k, id).catch(() => {}) : undefined;
      }),
    );
    first
      .then(() => current.join(roomID, userID))
      .then(() => current.publish({ audio: true, video: kind === CallType.VIDEO }))
      .catch(() => {}); // Reported through 'failed'.
    return () => {
      for (const off of offs) off();
      void current.leave();
      setRoom(undefined);
      setLocal(undefined);
      setRemote(undefined);
      setRemoteState(undefined);
    };
  }, [inRoom, roomID, peer, callType, userID, calls]);

  // A device picked during the call is switched live; the first render of a room applied them.
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

  const actions = useMemo<CallRoomActions>(
    () => ({
      setMicrophoneEnabled: (on) => void room?.setMicrophoneEnabled(on).catch(() => {}),
      setCameraEnabled: (on) => void room?.setCameraEnabled(on).catch(() => {}),
      switchDevice: (k, id) => room?.switchDevice?.(k, id) ?? Promise.resolve(),
    }),
    [room],
  );
  return { room, local, remote, remoteState, actions };
}
