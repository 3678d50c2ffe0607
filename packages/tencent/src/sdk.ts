/**
 * The part of `@tencentcloud/chat` this package uses, typed from the SDK's own declarations:
 * if a signature or an event name changes in the SDK, this file (and the fake used by the
 * tests) stops compiling instead of breaking users at run time.
 *
 * The SDK types its event handlers as `Function`; the payloads below are what the 3.6.6
 * signaling module emits (read from its source), and the transport reads them defensively.
 */
import type TencentCloudChat from '@tencentcloud/chat';
import type { ChatSDK, Message } from '@tencentcloud/chat';

/** The methods of a chat instance (`TencentCloudChat.create(...)`) that the transport calls. */
export type TencentChat = Pick<
  ChatSDK,
  | 'login'
  | 'logout'
  | 'isReady'
  | 'on'
  | 'off'
  | 'addSignalingListener'
  | 'removeSignalingListener'
  | 'invite'
  | 'inviteInGroup'
  | 'cancel'
  | 'accept'
  | 'reject'
  | 'modifyInvitation'
  | 'getSignalingInfo'
>;

/** What creates a chat instance: `TencentCloudChat.create`, or a stand-in. */
export type TencentChatFactory = (options: Parameters<typeof TencentCloudChat.create>[0]) => TencentChat;

export type TencentMessage = Message;
export type TencentInviteOptions = Parameters<ChatSDK['invite']>[0];
export type TencentInviteInGroupOptions = Parameters<ChatSDK['inviteInGroup']>[0];
export type TencentInvitationHandleOptions = Parameters<ChatSDK['accept']>[0];
export type TencentModifyInvitationOptions = Parameters<ChatSDK['modifyInvitation']>[0];
export type TencentLoginOptions = Parameters<ChatSDK['login']>[0];
export type OfflinePushInfo = NonNullable<TencentInviteOptions['offlinePushInfo']>;

type Value<E> = `${E & string}`;

/** `TencentCloudChat.TSignaling` event names, checked against the SDK's enum. */
export const SignalingEventName = {
  NEW_INVITATION_RECEIVED: 'newInvitationReceived',
  INVITEE_ACCEPTED: 'ts_invitee_accepted',
  INVITEE_REJECTED: 'ts_invitee_rejected',
  INVITATION_CANCELLED: 'ts_invitation_cancelled',
  INVITATION_TIMEOUT: 'ts_invitation_timeout',
  INVITATION_MODIFIED: 'ts_invitation_modified',
} as const satisfies {
  readonly NEW_INVITATION_RECEIVED: Value<TencentCloudChat.TSignaling.NEW_INVITATION_RECEIVED>;
  readonly INVITEE_ACCEPTED: Value<TencentCloudChat.TSignaling.INVITEE_ACCEPTED>;
  readonly INVITEE_REJECTED: Value<TencentCloudChat.TSignaling.INVITEE_REJECTED>;
  readonly INVITATION_CANCELLED: Value<TencentCloudChat.TSignaling.INVITATION_CANCELLED>;
  readonly INVITATION_TIMEOUT: Value<TencentCloudChat.TSignaling.INVITATION_TIMEOUT>;
  readonly INVITATION_MODIFIED: Value<TencentCloudChat.TSignaling.INVITATION_MODIFIED>;
};
export type SignalingEventName = (typeof SignalingEventName)[keyof typeof SignalingEventName];

/** The `TencentCloudChat.EVENT` names the transport listens to, checked against the SDK's enum. */
export const ChatEventName = {
  SDK_READY: 'sdkStateReady',
  SDK_NOT_READY: 'sdkStateNotReady',
  KICKED_OUT: 'kickedOut',
  NET_STATE_CHANGE: 'netStateChange',
  MESSAGE_RECEIVED: 'onMessageReceived',
} as const satisfies {
  readonly SDK_READY: Value<TencentCloudChat.EVENT.SDK_READY>;
  readonly SDK_NOT_READY: Value<TencentCloudChat.EVENT.SDK_NOT_READY>;
  readonly KICKED_OUT: Value<TencentCloudChat.EVENT.KICKED_OUT>;
  readonly NET_STATE_CHANGE: Value<TencentCloudChat.EVENT.NET_STATE_CHANGE>;
  readonly MESSAGE_RECEIVED: Value<TencentCloudChat.EVENT.MESSAGE_RECEIVED>;
};
export type ChatEventName = (typeof ChatEventName)[keyof typeof ChatEventName];

/** `event.data.state` of NET_STATE_CHANGE, checked against `TencentCloudChat.TYPES`. */
export const NetState = {
  CONNECTED: 'connected',
  CONNECTING: 'connecting',
  DISCONNECTED: 'disconnected',
} as const satisfies {
  readonly CONNECTED: Value<TencentCloudChat.TYPES.NET_STATE_CONNECTED>;
  readonly CONNECTING: Value<TencentCloudChat.TYPES.NET_STATE_CONNECTING>;
  readonly DISCONNECTED: Value<TencentCloudChat.TYPES.NET_STATE_DISCONNECTED>;
};

/** `event.data.type` of KICKED_OUT, checked against `TencentCloudChat.TYPES`. */
export const KickedOutType = {
  MULTIPLE_ACCOUNT: 'multipleAccount',
  MULTIPLE_DEVICE: 'multipleDevice',
  USERSIG_EXPIRED: 'userSigExpired',
  REST_API: 'REST_API_Kick',
} as const satisfies {
  readonly MULTIPLE_ACCOUNT: Value<TencentCloudChat.TYPES.KICKED_OUT_MULT_ACCOUNT>;
  readonly MULTIPLE_DEVICE: Value<TencentCloudChat.TYPES.KICKED_OUT_MULT_DEVICE>;
  readonly USERSIG_EXPIRED: Value<TencentCloudChat.TYPES.KICKED_OUT_USERSIG_EXPIRED>;
  readonly REST_API: Value<TencentCloudChat.TYPES.KICKED_OUT_REST_API>;
};

/** Every SDK event handler receives `{ name, data }`. */
export interface TencentEvent<T = unknown> {
  readonly name: string;
  readonly data: T;
}

/** NEW_INVITATION_RECEIVED. 3.6.6 does not include `timeout`; other builds may. */
export interface TencentInvitationData {
  readonly inviteID: string;
  readonly inviter: string;
  readonly groupID: string;
  readonly data: string;
  readonly inviteeList: readonly string[];
  readonly timeout?: number;
}

/** INVITEE_ACCEPTED and INVITEE_REJECTED. */
export interface TencentAnswerData {
  readonly inviteID: string;
  readonly inviter: string;
  readonly groupID: string;
  readonly data: string;
  readonly invitee: string;
}

/** INVITATION_CANCELLED (no invitee list: every invitee still pending is cancelled). */
export interface TencentCancelData {
  readonly inviteID: string;
  readonly inviter: string;
  readonly groupID: string;
  readonly data: string;
}

/** INVITATION_TIMEOUT. `isSelfTimeout`: this client's own SDK timer fired (and told the others). */
export interface TencentTimeoutData {
  readonly inviteID: string;
  readonly inviter: string;
  readonly groupID: string;
  readonly data: string;
  readonly inviteeList: readonly string[];
  readonly isSelfTimeout: boolean;
}

/** INVITATION_MODIFIED. */
export interface TencentModifiedData {
  readonly inviteID: string;
  readonly data: string;
}

/** What `chat.invite` / `chat.inviteInGroup` resolve with: the IM response plus the new id. */
export interface TencentInviteResponse {
  readonly code: number;
  readonly inviteID?: string;
  readonly data?: { readonly inviteID?: string };
}
