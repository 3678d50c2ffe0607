export { mapTencentError, TENCENT_ERRORS } from './errors.js';
export {
  ChatEventName,
  type InvitationHandleOptions,
  type InviteInGroupOptions,
  type InviteOptions,
  KickedOutType,
  type LoginOptions,
  type ModifyInvitationOptions,
  NetState,
  type OfflinePushInfo,
  SignalingEventName,
  type TencentAnswerData,
  type TencentCancelData,
  type TencentChat,
  type TencentChatFactory,
  type TencentEvent,
  type TencentInvitationData,
  type TencentInviteResponse,
  type TencentMessage,
  type TencentModifiedData,
  type TencentTimeoutData,
} from './sdk.js';
export { TENCENT_EVENT_KINDS, TencentTransport, type TencentTransportOptions } from './transport.js';
