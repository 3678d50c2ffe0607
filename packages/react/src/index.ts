// The call and classroom logic lives in @beckon/signaling/call and /classroom; the types the
// hooks return are repeated here so a React app needs one import.
export type {
  CallEndReason,
  CallPhase,
  CallState,
  DialOptions,
  GroupCallEndReason,
  GroupCallPhase,
  GroupCallStartOptions,
  GroupCallState,
  GroupCallTarget,
  GroupParticipant,
  GroupParticipantState,
  MissedCall,
} from '@beckon/signaling/call';
export type {
  ClassroomState,
  HandState,
  OpenRoundOptions,
  QueueEntry,
  SpeakerEntry,
} from '@beckon/signaling/classroom';
export {
  type BeckonApi,
  BeckonApiError,
  type CallHistoryEntry,
  createHttpApi,
  type GroupMember,
  type GroupSummary,
  type HttpApiOptions,
  type IceServers,
} from './api.js';
export {
  type BeckonCallOptions,
  BeckonProvider,
  type BeckonProviderProps,
  type BeckonRuntime,
  createBeckonRuntime,
} from './context.js';
export {
  createDeviceList,
  type DeviceInfo,
  type DeviceList,
  type DeviceListOptions,
  type DeviceListState,
  type DeviceStatus,
  type MediaDevicesLike,
} from './devices.js';
export type { MediaDeviceKind, MediaRoom, MediaRoomEvents, PeerMediaState } from './mediaRoom.js';
export { beckonKeys } from './queryKeys.js';
export type { CallRoomActions, RoomDeviceOptions, SelectedDevices } from './roomControls.js';
export { type BeckonState, type BeckonStore, createBeckonStore, type EndedInvitation } from './store.js';
export { useBeckonClient, useMaybeBeckonClient } from './useBeckonClient.js';
export { useBeckonState } from './useBeckonState.js';
export { type CallActions, type UseCallOptions, type UseCallResult, useCall } from './useCall.js';
export { useCallHistory } from './useCallHistory.js';
export {
  type CallRoomTarget,
  type CreateCallRoom,
  type UseCallRoomOptions,
  type UseCallRoomResult,
  useCallRoom,
} from './useCallRoom.js';
export {
  type ClassRoomTarget,
  type CreateClassRoom,
  type RemoteMedia,
  type UseClassRoomOptions,
  type UseClassRoomResult,
  useClassRoom,
} from './useClassRoom.js';
export { useConnection } from './useConnection.js';
export { useCreateGroup } from './useCreateGroup.js';
export { type UseDevicesOptions, type UseDevicesResult, useDevices } from './useDevices.js';
export {
  type GroupCallActions,
  type UseGroupCallOptions,
  type UseGroupCallResult,
  useGroupCall,
} from './useGroupCall.js';
export {
  type CreateGroupCallRoom,
  type GroupCallRoomTarget,
  type UseGroupCallRoomOptions,
  type UseGroupCallRoomResult,
  useGroupCallRoom,
} from './useGroupCallRoom.js';
export { useGroupMembers } from './useGroupMembers.js';
export { type UseHandRaiseResult, useHandRaise } from './useHandRaise.js';
export { iceServersQuery, type UseIceServersResult, useIceServers } from './useIceServers.js';
export { useIncomingInvitation } from './useIncomingInvitation.js';
export { useIncomingInvitations } from './useIncomingInvitations.js';
export { type InvitationActions, type InvitationHandle, useInvitation } from './useInvitation.js';
export { useJoinGroup } from './useJoinGroup.js';
export { useOutgoingInvitations } from './useOutgoingInvitations.js';
export { useRemoteMediaState } from './useRemoteMediaState.js';
export { useServerNow } from './useServerNow.js';
export { useStudentHand } from './useStudentHand.js';
export { useTeacherActions } from './useTeacherActions.js';
