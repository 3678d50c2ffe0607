export {
  type RemoteMediaState,
  rmsToLevel,
  SpeakingDetector,
  type SpeakingOptions,
} from './remoteState.js';
export {
  type DeviceKind,
  MAX_PARTICIPANT_LIMIT,
  type MediaKind,
  type PublishOptions,
  type RoomAdapter,
  RoomError,
  type RoomEventHandler,
  type RoomEventName,
  type RoomEvents,
  type RoomFailureReason,
  type RoomFullDetails,
} from './roomAdapter.js';
export type { TrtcClient, TrtcSdk } from './trtc/sdk.js';
export { TRTC_GROUP_CALL_LIMIT, TrtcRoom, type TrtcRoomOptions } from './trtc/trtcRoom.js';
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
export {
  type IceServersProvider,
  WEBRTC_MESH_LIMIT,
  WebRtcRoom,
  type WebRtcRoomOptions,
} from './webrtc/webRtcRoom.js';
