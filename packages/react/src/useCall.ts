import { useMemo } from 'react';
import type { CallController } from './callController.js';
import type { CallState } from './callState.js';
import { useBeckonRuntime } from './context.js';
import { useBeckonState } from './useBeckonState.js';

export interface UseCallResult extends CallState {
  readonly dial: CallController['dial'];
  readonly accept: () => Promise<void>;
  readonly decline: (options?: { busy?: boolean }) => Promise<void>;
  readonly hangUp: () => Promise<void>;
  /** Asks the peer to switch the video call to audio (TUICallKit's `switchToAudio`). */
  readonly switchToAudio: () => Promise<void>;
  /** Media callbacks: the remote user entered or left the room, or the media failed. */
  readonly remoteEntered: () => void;
  readonly remoteLeft: () => void;
  readonly fail: (reason: string) => void;
  readonly reset: () => void;
  readonly clearMissed: () => void;
}

/**
 * The seed's one-to-one call: idle -> dialing/ringing -> connecting -> inCall -> ended, with the
 * end reason and the peer. Busy rejects, glare and the call-end invitation are handled for you.
 *
 * @example
 * const call = useCall();
 * <button onClick={() => call.dial('bob', { callType: CallType.VIDEO })}>Call Bob</button>
 * {call.phase === 'ringing' && <button onClick={call.accept}>Answer {call.peer}</button>}
 */
export function useCall(): UseCallResult {
  const { calls } = useBeckonRuntime('useCall');
  const state = useBeckonState((s) => s.call);
  const actions = useMemo(
    () => ({
      dial: calls.dial.bind(calls),
      accept: () => calls.accept(),
      decline: (options?: { busy?: boolean }) => calls.decline(options),
      hangUp: () => calls.hangUp(),
      switchToAudio: () => calls.switchToAudio(),
      remoteEntered: () => calls.remoteEntered(),
      remoteLeft: () => calls.remoteLeft(),
      fail: (reason: string) => calls.fail(reason),
      reset: () => calls.reset(),
      clearMissed: () => calls.clearMissed(),
    }),
    [calls],
  );
  return { ...state, ...actions };
}
