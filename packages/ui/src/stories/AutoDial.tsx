import { useCall } from '@beckon/react';
import type { CallType } from '@beckon/signaling';
import { useEffect, useRef } from 'react';

export interface AutoDialProps {
  readonly peer: string;
  readonly callType?: CallType;
  /** Stand in for the media layer: report the remote user in the room once connecting. */
  readonly mediaJoins?: boolean;
}

/** Story fixture: the viewer places a call on mount, as a click on “Call” would. */
export function AutoDial({ peer, callType, mediaJoins = false }: AutoDialProps) {
  const call = useCall();
  const dialed = useRef(false);
  useEffect(() => {
    if (dialed.current) return;
    dialed.current = true;
    void call.actions.dial(peer, callType === undefined ? {} : { callType });
  }, [call, peer, callType]);
  useEffect(() => {
    if (mediaJoins && call.phase === 'connecting') call.actions.remoteEntered();
  }, [mediaJoins, call]);
  return null;
}
