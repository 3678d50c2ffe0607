export {
  type MediaKind,
  type PublishOptions,
  type RoomAdapter,
  RoomError,
  type RoomEventHandler,
  type RoomEventName,
  type RoomEvents,
  type RoomFailureReason,
} from './roomAdapter.js';
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
