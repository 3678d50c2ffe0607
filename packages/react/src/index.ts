export {
  type BeckonApi,
  BeckonApiError,
  type CallHistoryEntry,
  createHttpApi,
  type GroupInfo,
  type GroupMember,
  type HttpApiOptions,
} from './api.js';
export { CallController, type CallControllerOptions, type DialOptions } from './callController.js';
export type { CallEndReason, CallPhase, CallState, MissedCall } from './callState.js';
export {
  ClassroomActions,
  type ClassroomState,
  deriveClassroom,
  type HandState,
  type OpenRoundOptions,
  type QueueEntry,
  type SpeakerEntry,
  selectClassroom,
} from './classroom.js';
export {
  BeckonProvider,
  type BeckonProviderProps,
  type BeckonRuntime,
  createBeckonRuntime,
} from './context.js';
export { beckonKeys } from './queryKeys.js';
export { type BeckonState, type BeckonStore, createBeckonStore, type EndedInvitation } from './store.js';
export { useBeckonClient, useMaybeBeckonClient } from './useBeckonClient.js';
export { useBeckonState } from './useBeckonState.js';
export { type UseCallResult, useCall } from './useCall.js';
export { useCallHistory } from './useCallHistory.js';
export { useConnection } from './useConnection.js';
export { useCreateGroup } from './useCreateGroup.js';
export { useGroupMembers } from './useGroupMembers.js';
export { type UseHandRaiseResult, useHandRaise } from './useHandRaise.js';
export { useIncomingInvitations } from './useIncomingInvitations.js';
export { type InvitationHandle, useInvitation } from './useInvitation.js';
export { useJoinGroup } from './useJoinGroup.js';
export { useOutgoingInvitations } from './useOutgoingInvitations.js';
export { useServerNow } from './useServerNow.js';
export { useStudentHand } from './useStudentHand.js';
