// The arbiter's side: the pure rules, their inputs and effects, the effect runner, the checks an
// arbiter makes, and the wire frames between clients and a server. Clients do not need this entry.

export { checkData, checkInviteeList, checkTimeout, envelopeOf, readRecord } from '../envelope.js';
export { errorInfo } from '../errors.js';
export { callEndNoticeSecondsOption, isValidId, utf8Length } from '../limits.js';
export {
  type ClientFrame,
  CloseCode,
  type FrameResult,
  type GroupCommand,
  type GroupOperation,
  MAX_ROOM_SIGNAL_BYTES,
  parseServerFrame,
  type ServerFrame,
} from '../protocol.js';
export { type DeliverEffect, EffectRunner, type RunnerOptions } from '../runner.js';
export { Arbiter, type ArbiterOptions } from './arbiter.js';
export {
  addInviteesEvent,
  answerEvent,
  deliveredEvent,
  endingEvents,
  inviteEvent,
  modifyEvent,
  settleEvent,
} from './events.js';
export {
  ClientFrameSchema,
  GROUP_OPERATIONS,
  isGroupCommand,
  parseClientFrame,
  parseServerFrameStrict,
  ServerFrameSchema,
} from './frames.js';
export {
  type ActionCommand,
  canAnswer,
  canSee,
  checkAction,
  checkAddInvitees,
  checkGlare,
  checkInvite,
  checkMembership,
  deadlineOf,
  dueInvitees,
  type FindRingingOptions,
  findRinging,
  glareCallee,
  introduces,
  isLoggedFor,
  isOverdue,
  isReplayable,
  isRinging,
  needsReceipt,
  newInvitation,
  nextDeadline,
  noticeExpiry,
  pendingAmong,
  type RecipientStanding,
  receiptDue,
  ringingKey,
  timeoutOf,
  type Verdict,
  withInvitees,
} from './guards.js';
export { byServerOrder } from './order.js';
export { COMMAND_OPS, commandError, pickCommand } from './params.js';
export { PersistentMap } from './persistentMap.js';
export { applyEvent, isActive } from './reduce.js';
export { transition } from './transition.js';
export {
  type Audience,
  type CommandOp,
  type Effect,
  emptyState,
  type GroupMembership,
  type SignalingState,
  type TransitionInput,
  type TransitionResult,
} from './types.js';
export {
  eventViewFor,
  isRoundMarker,
  type MemberViewKind,
  memberViewKind,
  type QueuedHand,
  queueEntryOf,
  queueFrame,
  recordViewFor,
} from './views.js';
