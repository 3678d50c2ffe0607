// The arbiter's side: the pure rules and the effect runner. Clients do not need this entry.
export { type DeliverEffect, EffectRunner, type RunnerOptions } from '../runner.js';
export { Arbiter, type ArbiterOptions } from './arbiter.js';
export {
  addInviteesEvent,
  answerEvent,
  deliveredEvent,
  inviteEvent,
  modifyEvent,
  settleEvent,
} from './events.js';
export { ClientFrameSchema, parseClientFrame, parseServerFrameStrict, ServerFrameSchema } from './frames.js';
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
  isReplayable,
  isRinging,
  needsReceipt,
  newInvitation,
  nextDeadline,
  pendingAmong,
  receiptDue,
  ringingKey,
  timeoutOf,
  type Verdict,
  withInvitees,
} from './guards.js';
export { COMMAND_OPS, commandError, pickCommand } from './params.js';
export { PersistentMap } from './persistentMap.js';
export { applyEvent, isActive } from './reduce.js';
export { transition } from './transition.js';
