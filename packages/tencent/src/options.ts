import type { Clock } from '@beckon/signaling';
import type { OfflinePushInfo, TencentChat, TencentChatFactory } from './sdk.js';

interface CommonOptions {
  /** The Tencent Cloud Chat user id this transport logs in as. */
  readonly userID: string;
  /**
   * The UserSig, or a function that fetches one (asked again for every login, so an expired
   * signature is replaced). Leave it out when the app logs the `chat` instance in itself.
   */
  readonly userSig?: string | (() => string | Promise<string>);
  /** Stable id of this device or tab; random by default. Tencent does not carry it to others. */
  readonly deviceID?: string;
  readonly clock?: Clock;
  /**
   * Tencent's SDK times invitations out on each client (the invitee at the deadline, the inviter
   * 5 s later) and tells the others. The transport ends whatever is still pending this long after
   * its local deadline, so a lost notice never leaves an invitation ringing. Default 6000 ms.
   */
  readonly timeoutGraceMs?: number;
  /**
   * After a new session (a login after the first, or `SDK_READY` after `SDK_NOT_READY`), how long
   * the SDK's resync and history replay get to report what happened to the invitations held
   * across the gap. Tencent has no snapshot to ask, so one that never ends by itself (timeout 0)
   * and heard nothing in that time is reported as `onInvitationVanished`
   * (`endedWhileDisconnected`); one with a deadline that passes with no word is reported the same
   * way, not as a timeout. Default 10000 ms.
   */
  readonly resyncWindowMs?: number;
  /** How many ended invitation ids are remembered, so late events about them are dropped. Default 1000. */
  readonly rememberEnded?: number;
  /** Cap on an invitation's invitees, checked before anything is sent. Default `MAX_INVITEES` (1000). */
  readonly maxInvitees?: number;
  /**
   * Offline push (iOS and Android) for call invitations only: not for call-end notices, switches
   * or classroom signals. Without an `extension`, the transport adds the one TUICallKit's push
   * receivers open the call from.
   */
  readonly offlinePushInfo?: OfflinePushInfo;
  /** Login retry backoff after a failure that is not about credentials. */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** An SDK call that has not settled by then fails with 9002 (the next one may go). Default 15 s. */
  readonly requestTimeoutMs?: number;
  /** Log out on `close()`. Default: true when this transport logged in. */
  readonly logoutOnClose?: boolean;
}

/**
 * Either an SDK instance the app already has (`TencentCloudChat.create({ SDKAppID })`, shared
 * with a chat UI for example), or the SDKAppID, and the transport creates the instance on
 * `connect()` (the SDK is loaded then, with a dynamic import).
 */
export type TencentTransportOptions = CommonOptions &
  (
    | { readonly chat: TencentChat }
    | { readonly SDKAppID: number; readonly createChat?: TencentChatFactory | undefined }
  );
