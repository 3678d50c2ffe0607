// What apps use: the client and its transports, the call data TUICallKit apps exchange, the
// envelope, errors and limits, and the invitation records every event carries. The arbiter's
// side (the rules, their inputs and effects, the wire frames) is `@beckon/signaling/rules`; the
// in-memory arbiter is `@beckon/signaling/hub`.
export {
  type CallCommand,
  type CallDataInput,
  type CallDataWire,
  type CallInfo,
  CallType,
  CLASSROOM_BUSINESS_ID,
  type ClassroomData,
  type ClassroomOp,
  callCommand,
  createAnswerData,
  createBusyData,
  createCallData,
  createClassroomData,
  createHangupData,
  createSwitchToAudioData,
  isCallEndNotice,
  isGroupCall,
  MAX_NUMERIC_ROOM,
  newNumericRoomID,
  numericRoomID,
  parseCallData,
  parseClassroomData,
} from './callData.js';
export {
  type AnswerEvent,
  type CancelledEvent,
  type ConnectionChangeEvent,
  type DeliveredEvent,
  type InviteOptions,
  type ModifiedEvent,
  type NewInvitationEvent,
  SignalingClient,
  type SignalingClientEventName,
  type SignalingClientEvents,
  type SignalingClientOptions,
  type TimeoutEvent,
  type VanishedEvent,
} from './client.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export {
  ActionType,
  type DecodeError,
  type DecodeErrorReason,
  type DecodeOptions,
  type DecodeResult,
  decodeEnvelope,
  type Envelope,
  encodeEnvelope,
} from './envelope.js';
export {
  BeckonError,
  ErrorCode,
  type ErrorDetails,
  isErrorCode,
  SignalingError,
  type SignalingErrorInfo,
} from './errors.js';
export {
  CALL_END_NOTICE_SECONDS,
  MAX_DATA_BYTES,
  MAX_ID_LENGTH,
  MAX_INVITEES,
  MAX_TIMEOUT_SECONDS,
} from './limits.js';
export type { QueueFrame, QueueHand, QueueRound } from './queue.js';
export { canAnswer } from './rules/guards.js';
export type {
  Command,
  CommandReply,
  InvitationRecord,
  InviteeRecord,
  InviteeState,
  SignalingEvent,
  SignalingEventKind,
} from './rules/types.js';
export type {
  ConnectionState,
  InvitationSnapshot,
  Session,
  Transport,
  TransportListener,
} from './transport.js';
export {
  type WebSocketConstructor,
  type WebSocketLike,
  WebSocketTransport,
  type WebSocketTransportOptions,
} from './wsTransport.js';
