import type { CallType } from '../callData.js';

export type CallPhase = 'idle' | 'dialing' | 'ringing' | 'connecting' | 'inCall' | 'ended';

export type CallEndReason =
  | 'hungUp'
  | 'declined'
  | 'busy'
  | 'timedOut'
  | 'cancelled'
  | 'answeredElsewhere'
  /** The peer's devices (or media) were gone for longer than the grace period. */
  | 'peerLeft'
  /** This side lost the server (or the call's deadline passed with no word from it). */
  | 'connectionLost'
  /** The call ended while this side was disconnected; the server could not say how. */
  | 'endedWhileDisconnected'
  | 'failed';

export interface MissedCall {
  readonly inviteID: string;
  readonly peer: string;
  readonly callType: CallType;
  /** Server time the call was placed. */
  readonly at: number;
}

/** The one-to-one call of the seed, as a state machine. */
export interface CallState {
  readonly phase: CallPhase;
  readonly direction: 'outgoing' | 'incoming' | undefined;
  readonly peer: string | undefined;
  readonly inviteID: string | undefined;
  readonly roomID: string | undefined;
  readonly callType: CallType | undefined;
  /** Server time when the remote user entered the room (seed step 3), once in call. */
  readonly startedAt: number | undefined;
  /**
   * Server time by which the invitation must be answered (dialing, ringing): the call's watchdog
   * ends it a grace period later if the server has not said how it ended. undefined: no deadline.
   */
  readonly deadline: number | undefined;
  /**
   * Server time the peer's media left the room, while this side waits (the grace period) for it
   * to come back; undefined otherwise. A UI can show "reconnecting" meanwhile.
   */
  readonly peerGoneAt: number | undefined;
  readonly endedAt: number | undefined;
  readonly endReason: CallEndReason | undefined;
  /** Who ended it: this side or the peer. */
  readonly endedBy: 'local' | 'remote' | undefined;
  /** Whole seconds between startedAt and the end. */
  readonly durationSeconds: number | undefined;
  /** A human-readable cause for `failed`. */
  readonly failure: string | undefined;
  readonly missed: readonly MissedCall[];
}

export const idleCall: CallState = {
  phase: 'idle',
  direction: undefined,
  peer: undefined,
  inviteID: undefined,
  roomID: undefined,
  callType: undefined,
  startedAt: undefined,
  deadline: undefined,
  peerGoneAt: undefined,
  endedAt: undefined,
  endReason: undefined,
  endedBy: undefined,
  durationSeconds: undefined,
  failure: undefined,
  missed: [],
};
