import {
  type CallInfo,
  type CallType,
  type Command,
  createHangupData,
  isGroupCall,
  parseCallData,
  type SignalingEvent,
} from '@beckon/signaling';
import type { Logger } from 'pino';
import { SERVER_DEVICE } from './callWatch.js';
import type { GroupRoom } from './rooms.js';
import type { Store } from './store/types.js';

// What the server says when it leaves a group call in a participant's name (groupWatch.ts):
// the leave notice their client would have sent, through the ordinary command path.

/** What the leave notice of a group call says besides who leaves. */
export interface GroupCall {
  readonly roomID: string;
  readonly groupID: string;
  readonly callType: CallType;
  /** The callees the call's data listed (a notice lists everyone ever in the call). */
  readonly callees: readonly string[];
}

/** The group call a call invitation (not a hang-up, not an answer) places, if it is one. */
export function groupCallOf(
  data: string,
  groupID: string,
  sender: string,
): Omit<GroupCall, 'groupID'> | undefined {
  if (!data.includes('av_call')) return undefined;
  const call = parseCallData(data);
  if (!call.ok || (call.value.cmd !== 'audioCall' && call.value.cmd !== 'videoCall')) return undefined;
  const { roomID, callType, userIDs } = call.value;
  if (roomID === '' || callType === undefined || !isGroupCall(groupID, call.value, sender)) return undefined;
  return { roomID, callType, callees: userIDs };
}

/**
 * The call data of a leave notice (a group call's hang-up naming its room), if the event is one.
 * The server reads it once per event for the room, the group watch and the history.
 */
export function leaveNoticeOf(event: SignalingEvent): CallInfo | undefined {
  const { envelope } = event;
  if (event.kind !== 'invite' || !envelope.data.includes('hangup')) return undefined;
  const call = parseCallData(envelope.data);
  if (!call.ok || call.value.cmd !== 'hangup' || call.value.roomID === '') return undefined;
  return isGroupCall(envelope.groupID, call.value, envelope.inviter) ? call.value : undefined;
}

/**
 * Marks `gone` left in the room and, if this caller is the one that marked them (of several
 * processes, exactly one is: `leaveGroupRoom`), sends their leave notice to everyone else in the
 * room: `end_reason: 'peerLeft'`, `call_end` from their joining to `lossAt`, timeout 0 (one
 * `inviteInGroup` in a chat group, else one `invite` each), each cancelled once placed. The
 * room, the histories and the others' group machines take it as their own notice. Resolves to
 * what it did, or undefined when someone else had marked them.
 */
export async function leaveInTheirName(
  store: Store,
  log: Logger,
  call: GroupCall,
  gone: string,
  room: GroupRoom,
  lossAt: number,
): Promise<{ durationSeconds: number; room: 'left' | 'closed' } | undefined> {
  const taken = await store.leaveGroupRoom(call.roomID, gone);
  if (taken !== 'left' && taken !== 'closed') return undefined;
  const joinedAt = room.joinedAt.get(gone) ?? lossAt;
  const durationSeconds = Math.max(0, Math.round((lossAt - joinedAt) / 1000));
  const to = room.users.filter((u) => u !== gone);
  const data = createHangupData({
    callType: call.callType,
    roomID: call.roomID,
    userIDs: [...new Set([gone, ...room.users, ...call.callees])],
    durationSeconds,
    endReason: 'peerLeft',
  });
  const notice = (groupID: string, inviteeList: readonly string[]): Command => ({
    op: 'invite',
    groupID,
    inviteeList,
    data,
    timeout: 0,
    onlineUserOnly: false,
  });
  const commands = call.groupID === '' ? to.map((u) => notice('', [u])) : [notice(call.groupID, to)];
  const replies = await Promise.all(commands.map((c) => store.dispatch(gone, SERVER_DEVICE, c)));
  // Notices never linger as active invitations: the sender cancels each once it is placed.
  const cancels: Array<Promise<unknown>> = [];
  for (const reply of replies) {
    if (!reply.ok) log.warn({ error: reply.error, roomID: call.roomID }, 'group watch: leave notice refused');
    else
      cancels.push(store.dispatch(gone, SERVER_DEVICE, { op: 'cancel', inviteID: reply.inviteID, data: '' }));
  }
  await Promise.all(cancels);
  return { durationSeconds, room: taken };
}
