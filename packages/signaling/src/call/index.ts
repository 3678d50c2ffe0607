// The one-to-one call flow of the seed, framework free: a pure transition and its runner.
export {
  CallController,
  type CallControllerOptions,
  type CallStore,
  createCallStore,
  type DialOptions,
  type StandaloneCallStore,
} from './controller.js';
export { groupCallTransition } from './group.js';
export {
  createGroupCallStore,
  GroupCallController,
  type GroupCallControllerOptions,
  GroupCallFullError,
  type GroupCallStartOptions,
  type GroupCallStore,
  type GroupCallTarget,
  type StandaloneGroupCallStore,
} from './groupController.js';
export {
  DEFAULT_GROUP_CONFIG,
  type GroupCallConfig,
  type GroupCallEffect,
  type GroupCallInput,
  type GroupCallMachineState,
  type GroupCallRefusal,
  type GroupCallStep,
  initialGroupCallMachine,
  type PendingGroupAction,
  type SentInvitation,
} from './groupMachine.js';
export {
  type GroupCallEndReason,
  type GroupCallPhase,
  type GroupCallState,
  type GroupParticipant,
  type GroupParticipantState,
  idleGroupCall,
} from './groupState.js';
export { type CallEndReason, type CallPhase, type CallState, idleCall, type MissedCall } from './state.js';
export {
  type CallEffect,
  type CallInput,
  type CallInterop,
  type CallMachineState,
  type CallRequestFailure,
  type CallSelf,
  type CallStep,
  callTransition,
  type GlareCall,
  initialCallMachine,
  type PendingCallAction,
} from './transition.js';
export { tuiCallKitInterop } from './tuicallkit.js';
