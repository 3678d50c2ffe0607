import { CallType, createAnswerData, numericRoomID, parseCallData } from '@beckon/signaling';
import type { OfflinePushInfo } from './sdk.js';

// What TUICallKit's own clients expect around the call data that @beckon/signaling encodes:
// answers that carry call data, offline push for call invitations only, and call-end notices
// that nobody answers.

/**
 * The data an accept, reject or cancel carries. An answer about a TUICallKit call that the app
 * sent without data gets TUICallKit-shaped data: the current engine and 2022 iOS drop an answer
 * without `businessID: "av_call"`, and the JS engine fails to parse an empty one.
 */
export function answerData(invitationData: string, data: string): string {
  if (data !== '' || !invitationData.includes('av_call')) return data;
  const call = parseCallData(invitationData);
  if (!call.ok) return data;
  return createAnswerData({ callType: call.value.callType ?? CallType.AUDIO, roomID: call.value.roomID });
}

interface PushContext {
  readonly sender: string;
  readonly invitees: readonly string[];
  readonly groupID: string;
  readonly timeout: number;
  /** Seconds since the epoch. */
  readonly now: number;
}

/**
 * The offline push info for an invitation: only call invitations get it (not call-end notices,
 * switches or classroom signals), and unless the app gave its own `extension`, it carries the
 * entity TUICallKit's push receivers open the call screen from (2022 Android
 * `OfflineMessageContainerBean`, 2022 iOS `getOfflinePushInfoWithInviteeList`).
 */
export function callPushInfo(
  configured: OfflinePushInfo | undefined,
  data: string,
  context: PushContext,
): OfflinePushInfo | undefined {
  if (configured === undefined || !data.includes('av_call')) return undefined;
  const call = parseCallData(data);
  if (!call.ok || (call.value.cmd !== 'audioCall' && call.value.cmd !== 'videoCall')) return undefined;
  if (configured.extension !== undefined) return configured;
  const room = numericRoomID(call.value.roomID);
  const content = {
    action: 1,
    call_id: '',
    call_type: call.value.callType ?? CallType.AUDIO,
    room_id: room ?? 0,
    ...(room === undefined ? { str_room_id: call.value.roomID } : {}),
    invited_list: context.invitees,
    group_id: context.groupID,
    timeout: context.timeout,
    version: 4,
  };
  const entity = {
    version: 1,
    action: 2,
    chatType: context.groupID === '' ? 1 : 2,
    content: JSON.stringify(content),
    sendTime: Math.floor(context.now),
    sender: context.sender,
  };
  return { ...configured, extension: JSON.stringify({ entity }) };
}
