import type { CallState, DialOptions } from '@beckon/signaling/call';
import { useMemo } from 'react';
import { useBeckonRuntime } from './context.js';
import { useBeckonState } from './useBeckonState.js';

/** What `useCall` can do; the same object for as long as the provider's client stays. */
export interface CallActions {
  readonly dial: (peer: string, options?: DialOptions) => Promise<void>;
  readonly accept: () => Promise<void>;
  readonly decline: (options?: { busy?: boolean }) => Promise<void>;
  readonly hangUp: () => Promise<void>;
  /** Asks the peer to switch the video call to audio (TUICallKit's `switchToAudio`). */
  readonly switchToAudio: () => Promise<void>;
  /**
   * Media callbacks: the remote user entered or left the room (or the connection to them
   * failed), or the media failed. `useCallRoom` calls them. After `remoteLeft` the call waits
   * the grace period for the peer to come back, then ends as `peerLeft`.
   */
  readonly remoteEntered: () => void;
  readonly remoteLeft: () => void;
  readonly fail: (reason: string) => void;
  readonly reset: () => void;
  readonly clearMissed: () => void;
}

/** The actions that are the controller's methods as they are (all but `remoteLeft`). */
const BOUND = [
  'dial',
  'accept',
  'decline',
  'hangUp',
  'switchToAudio',
  'remoteEntered',
  'fail',
  'reset',
  'clearMissed',
] as const satisfies readonly Exclude<keyof CallActions, 'remoteLeft'>[];

export interface UseCallResult extends CallState {
  readonly actions: CallActions;
}

export interface UseCallOptions {
  /**
   * How long the peer's media may be gone before the call ends as `peerLeft` (for this hook's
   * `remoteLeft`). Default: the provider's `callOptions.remoteLeaveGraceMs`, else 10 s.
   */
  readonly remoteLeaveGraceMs?: number;
}

/**
 * The seed's one-to-one call: idle -> dialing/ringing -> connecting -> inCall -> ended, with the
 * end reason and the peer. Busy rejects, glare and the call-end invitation are handled for you
 * (by `CallController` from `@beckon/signaling/call`).
 *
 * @example
 * const { phase, peer, actions } = useCall();
 * <button onClick={() => actions.dial('bob', { callType: CallType.VIDEO })}>Call Bob</button>
 * {phase === 'ringing' && <button onClick={actions.accept}>Answer {peer}</button>}
 */
export function useCall(options: UseCallOptions = {}): UseCallResult {
  const grace = options.remoteLeaveGraceMs;
  const { calls } = useBeckonRuntime('useCall');
  const state = useBeckonState((s) => s.call);
  const actions = useMemo(() => {
    // The controller's methods, bound; those without parameters ignore a click event passed on.
    const bound: Record<string, unknown> = { remoteLeft: () => calls.remoteLeft(grace) };
    for (const name of BOUND) bound[name] = calls[name].bind(calls);
    return bound as unknown as CallActions;
  }, [calls, grace]);
  return useMemo(() => ({ ...state, actions }), [state, actions]);
}
