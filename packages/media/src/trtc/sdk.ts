// Types only: nothing of trtc-sdk-v5 is loaded until `loadTrtcSdk` runs.
import type TRTC from 'trtc-sdk-v5';
import type { TRTCEventTypes, TRTCOptions } from 'trtc-sdk-v5';
import { RoomError } from '../roomAdapter.js';

/** The part of a TRTC client object that `TrtcRoom` uses, named from the SDK's own types. */
export type TrtcClient = Pick<
  TRTC,
  | 'enterRoom'
  | 'exitRoom'
  | 'startLocalVideo'
  | 'startLocalAudio'
  | 'updateLocalVideo'
  | 'updateLocalAudio'
  | 'stopLocalVideo'
  | 'stopLocalAudio'
  | 'startRemoteVideo'
  | 'muteRemoteAudio'
  | 'getVideoTrack'
  | 'getAudioTrack'
  | 'enableAudioVolumeEvaluation'
  | 'destroy'
> & {
  // The SDK's own on/off return `this`; only the event map matters here.
  on<T extends keyof TRTCEventTypes>(event: T, handler: (...args: TRTCEventTypes[T]) => void): unknown;
  off<T extends keyof TRTCEventTypes>(event: T, handler: (...args: TRTCEventTypes[T]) => void): unknown;
};

/** The event names and handler arguments of a TRTC client, from the SDK's types. */
export type TrtcEvents = TRTCEventTypes;

/** The part of the SDK's default export (the `TRTC` class) that `TrtcRoom` uses. */
export interface TrtcSdk {
  create(options?: TRTCOptions): TrtcClient;
  /** Routes TRTC's audio playback to a speaker (`TRTC.setCurrentSpeaker`). */
  setCurrentSpeaker(speakerId: string): Promise<void>;
  readonly EVENT: Pick<
    typeof TRTC.EVENT,
    | 'ERROR'
    | 'KICKED_OUT'
    | 'REMOTE_USER_ENTER'
    | 'REMOTE_USER_EXIT'
    | 'REMOTE_VIDEO_AVAILABLE'
    | 'REMOTE_VIDEO_UNAVAILABLE'
    | 'REMOTE_AUDIO_AVAILABLE'
    | 'REMOTE_AUDIO_UNAVAILABLE'
    | 'TRACK'
    | 'AUDIO_VOLUME'
  >;
  readonly ERROR_CODE: Pick<typeof TRTC.ERROR_CODE, 'DEVICE_ERROR'>;
  readonly TYPE: Pick<typeof TRTC.TYPE, 'STREAM_TYPE_MAIN'>;
}

/** Loads `trtc-sdk-v5` on first use (a separate chunk for bundlers). */
export async function loadTrtcSdk(): Promise<TrtcSdk> {
  const sdk = await import('trtc-sdk-v5');
  return sdk.default; // typed: the SDK's TRTC class must fit TrtcSdk, or this does not compile
}

/** TRTC's extra codes for a camera/microphone refused by the user or the system. */
const PERMISSION_EXTRA_CODES = new Set([5302, 5306]);
const PERMISSION_ERROR_NAMES = new Set(['NotAllowedError', 'SecurityError', 'PermissionDeniedError']);

/** Maps an SDK error (an `RtcError`, or anything thrown) to a RoomError. */
export function trtcFailure(error: unknown, sdk: TrtcSdk | undefined, doing: string): RoomError {
  if (error instanceof RoomError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    extraCode?: unknown;
    message?: unknown;
    originError?: { name?: unknown };
  };
  const message = `${doing}: ${typeof e.message === 'string' ? e.message : String(error)}`;
  if (sdk !== undefined && e.code === sdk.ERROR_CODE.DEVICE_ERROR) {
    const permission =
      PERMISSION_EXTRA_CODES.has(e.extraCode as number) ||
      PERMISSION_ERROR_NAMES.has(e.originError?.name as string);
    return new RoomError(permission ? 'permission-denied' : 'device-error', message, { cause: error });
  }
  return new RoomError('sdk-error', message, { cause: error });
}
