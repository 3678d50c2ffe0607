import { CallType } from '@beckon/signaling';
import { useEffect, useRef, useState } from 'react';
import { useBeckonRuntime } from './context.js';
import type { MediaRoom, PeerMediaState } from './mediaRoom.js';
import {
  type CallRoomActions,
  enterRoom,
  needsRoom,
  type RoomDeviceOptions,
  useRoomControls,
} from './roomControls.js';
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

export interface UseCallRoomOptions extends RoomDeviceOptions {
  /**
   * How long the peer may be gone from the room (it left, or the connection to it failed) before
   * the call ends as `peerLeft`; back sooner, the call goes on. Default: the provider's
   * `callOptions.remoteLeaveGraceMs`, else 10 s.
   */
  readonly remoteLeaveGraceMs?: number;
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

  const inRoom = needsRoom(phase, direction);

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
    enterRoom(current, latest.current.devices ?? {}, roomID, userID, kind);
    return () => {
      for (const off of offs) off();
      void current.leave();
      setRoom(undefined);
      setLocal(undefined);
      setRemote(undefined);
      setRemoteState(undefined);
    };
  }, [inRoom, roomID, peer, callType, userID, calls]);

  const actions = useRoomControls(room, options);
  return { room, local, remote, remoteState, actions };
}
