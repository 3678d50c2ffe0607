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
} from './client.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export {
  ActionType,
  checkData,
  checkInviteeList,
  checkTimeout,
  type DecodeError,
  type DecodeErrorReason,
  type DecodeOptions,
  type DecodeResult,
  decodeEnvelope,
  type Envelope,
  encodeEnvelope,
  envelopeOf,
  readRecord,
} from './envelope.js';
export {
  BeckonError,
  ErrorCode,
  type ErrorDetails,
  errorInfo,
  isErrorCode,
  SignalingError,
  type SignalingErrorInfo,
} from './errors.js';
export {
  isValidId,
  MAX_DATA_BYTES,
  MAX_ID_LENGTH,
  MAX_INVITEES,
  MAX_TIMEOUT_SECONDS,
  utf8Length,
} from './limits.js';
export {
  type ClientFrame,
  CloseCode,
  type FrameResult,
  parseServerFrame,
  type ServerFrame,
} from './protocol.js';
export { canAnswer } from './rules/guards.js';
export { applyEvent, isActive } from './rules/reduce.js';
export {
  type Audience,
  type Command,
  type CommandOp,
  type CommandReply,
  type Effect,
  emptyState,
  type GroupInfo,
  type InvitationRecord,
  type InviteeRecord,
  type InviteeState,
  type SignalingEvent,
  type SignalingEventKind,
  type SignalingState,
  type TransitionInput,
  type TransitionResult,
} from './rules/types.js';
export type { ConnectionState, Session, Snapshot, Transport, TransportListener } from './transport.js';
export {
  type WebSocketConstructor,
  type WebSocketLike,
  WebSocketTransport,
  type WebSocketTransportOptions,
} from './wsTransport.js';
