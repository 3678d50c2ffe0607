import type { CallRoomActions } from '@beckon/react';
import { useEffect, useState } from 'react';

/**
 * The microphone and camera toggles of a call, so your own tile shows your avatar while your
 * camera is off. Every call starts with both on (the media room publishes both): they are set on
 * again when a new call dials or rings.
 */
export function useMediaToggles(actions: CallRoomActions, phase: string) {
  const [microphoneOn, setMicrophoneOn] = useState(true);
  const [cameraOn, setCameraOn] = useState(true);
  const fresh = phase === 'dialing' || phase === 'ringing';
  useEffect(() => {
    if (!fresh) return;
    setMicrophoneOn(true);
    setCameraOn(true);
  }, [fresh]);
  return {
    local: { cameraOff: !cameraOn, muted: !microphoneOn },
    controls: {
      microphoneOn,
      onMicrophoneChange: (on: boolean) => {
        setMicrophoneOn(on);
        actions.setMicrophoneEnabled(on);
      },
      cameraOn,
      onCameraChange: (on: boolean) => {
        setCameraOn(on);
        actions.setCameraEnabled(on);
      },
    },
  };
}
