import { beckonRoomSignaling, type RoomAdapter, TrtcRoom, WebRtcRoom } from '@beckon/media';
import { useCall } from '@beckon/react';
import { CallType } from '@beckon/signaling';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Session } from './session.js';

export interface CallMedia {
  readonly local: MediaStream | undefined;
  readonly remote: MediaStream | undefined;
  readonly setMicrophone: (on: boolean) => void;
  readonly setCamera: (on: boolean) => void;
}

/**
 * The seed's media steps on a peer-to-peer room: the caller enters the room when dialing
 * (step 1), the callee after accepting (step 3); both record the start when the remote user
 * enters (step 3), and the other side sees the remote leave after a hang-up (step 5).
 */
export function useCallMedia(session: Session): CallMedia {
  const { client, userID, trtc } = session;
  const call = useCall();
  const [local, setLocal] = useState<MediaStream>();
  const [remote, setRemote] = useState<MediaStream>();
  const roomRef = useRef<RoomAdapter | undefined>(undefined);
  const callRef = useRef(call);
  callRef.current = call;

  const inRoom =
    (call.phase === 'dialing' && call.direction === 'outgoing') ||
    call.phase === 'connecting' ||
    call.phase === 'inCall';
  const { roomID, peer, callType } = call;

  useEffect(() => {
    if (!inRoom || !roomID || !peer) return;
    // TRTC when the server has credentials; otherwise peer to peer, signaled through Beckon.
    const room: RoomAdapter = trtc
      ? new TrtcRoom({ sdkAppId: trtc.sdkAppId, userSig: () => trtc.userSig() })
      : new WebRtcRoom({ signaling: beckonRoomSignaling(client, () => [peer]) });
    roomRef.current = room;
    const offs = [
      room.on('remoteUserEntered', () => callRef.current.remoteEntered()),
      room.on('remoteUserLeft', () => callRef.current.remoteLeft()),
      room.on('remoteStream', (_user, stream) => setRemote(stream)),
      room.on('localStream', (stream) => setLocal(stream)),
      room.on('failed', (error) => callRef.current.fail(error.message)),
    ];
    room
      .join(roomID, userID)
      .then(() => room.publish({ audio: true, video: callType === CallType.VIDEO }))
      .catch(() => {}); // Reported through 'failed'.
    return () => {
      for (const off of offs) off();
      void room.leave();
      roomRef.current = undefined;
      setLocal(undefined);
      setRemote(undefined);
    };
  }, [inRoom, roomID, peer, callType, client, userID, trtc]);

  const setMicrophone = useCallback((on: boolean) => void roomRef.current?.setMicrophoneEnabled(on), []);
  const setCamera = useCallback((on: boolean) => void roomRef.current?.setCameraEnabled(on), []);
  return { local, remote, setMicrophone, setCamera };
}
