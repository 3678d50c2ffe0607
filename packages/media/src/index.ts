export {
  type RemoteMediaState,
  rmsToLevel,
  SpeakingDetector,
  type SpeakingOptions,
} from './remoteState.js';
export {
  type DeviceKind,
  type MediaKind,
  type PublishOptions,
  type RoomAdapter,
  RoomError,
  type RoomEventHandler,
  type RoomEventName,
  type RoomEvents,
  type RoomFailureReason,
} from './roomAdapter.js';
export type { TrtcClient, TrtcSdk } from './trtc/sdk.js';
export { TrtcRoom, type TrtcRoomOptions } from './trtc/trtcRoom.js';
export { beckonRoomSignaling, type RoomRelay } from './webrtc/beckonSignaling.js';
export { createMemoryRoomHub, type MemoryRoomHub, type MemoryRoomHubOptions } from './webrtc/memoryHub.js';
export {
  MAX_CANDIDATE_LENGTH,
  MAX_SDP_LENGTH,
  negotiationRole,
  parseRtcSignal,
  type RtcCandidate,
  type RtcDescription,
  type RtcSignal,
  type RtcSignalType,
} from './webrtc/signal.js';
export type { RoomSignaling, RoomSignalingFactory } from './webrtc/signaling.js';
export { type IceServersProvider, WebRtcRoom, type WebRtcRoomOptions } from './webrtc/webRtcRoom.js';
