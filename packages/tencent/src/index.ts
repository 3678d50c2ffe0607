export { mapTencentError, TENCENT_ERRORS } from './errors.js';
export {
  ChatEventName,
  KickedOutType,
  NetState,
  type OfflinePushInfo,
  SignalingEventName,
  type TencentAnswerData,
  type TencentCancelData,
  type TencentChat,
  type TencentChatFactory,
  type TencentEvent,
  type TencentInvitationData,
  type TencentInvitationHandleOptions,
  type TencentInviteInGroupOptions,
  type TencentInviteOptions,
  type TencentInviteResponse,
  type TencentLoginOptions,
  type TencentMessage,
  type TencentModifiedData,
  type TencentModifyInvitationOptions,
  type TencentTimeoutData,
} from './sdk.js';
export { TENCENT_EVENT_KINDS, TencentTransport, type TencentTransportOptions } from './transport.js';
