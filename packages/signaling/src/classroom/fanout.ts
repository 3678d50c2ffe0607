import { type ClassroomOp, createClassroomData, parseClassroomData } from '../callData.js';
import type { GroupOperation } from '../protocol.js';
import { canAnswer } from '../rules/guards.js';
import type { Command, InvitationRecord, SignalingEvent } from '../rules/types.js';

/**
 * Which classroom events a Beckon server hands to a member at once, and which it coalesces into
 * the member's next batch (one frame carrying every change in order, a few tens of ms later).
 * Only the teacher's sight of a raised hand is immediate: everyone else learns the queue's
 * changes in batches, so a round costs frames in proportion to the class, not its square.
 * Calls, invitations to speak and speakers (a handful per round) are never held back.
 *
 * @example
 * if (deliverAtOnce('hand', event, 'teacher')) connection.send(event);
 */
export function deliverAtOnce(
  op: ClassroomOp | undefined,
  event: SignalingEvent,
  recipient: string,
): boolean {
  if (op === undefined || op === 'speak' || op === 'speaking') return true;
  if (op !== 'hand' || event.kind !== 'invite') return false;
  return event.invitation.invitees.some((i) => i.userID === recipient);
}

/** The classroom operation an invitation's data names, read only when it looks like one. */
export function classroomOpOf(data: string): ClassroomOp | undefined {
  return data.includes('beckon_classroom') ? parseClassroomData(data)?.op : undefined;
}

/**
 * The commands `actor` sends to carry out `operation` on `groupID`, given the invitations it
 * can see: rejects of what it was asked (raised hands, speakers) and cancels of what it asked
 * (the round, its marker, invitations to speak). Each still goes through the rules as `actor`,
 * so the operation can do nothing the actor could not do one command at a time.
 */
export function planGroupOperation(
  invitations: Iterable<InvitationRecord>,
  groupID: string,
  operation: GroupOperation,
  actor: string,
): Command[] {
  const commands: Command[] = [];
  for (const record of invitations) {
    if (record.groupID !== groupID) continue;
    const data = parseClassroomData(record.data);
    if (data === undefined) continue;
    const asked = canAnswer(record, actor);
    const reject = { op: 'reject', inviteID: record.inviteID, data: '' } as const;
    const cancel = { op: 'cancel', inviteID: record.inviteID, data: '' } as const;
    const mine = record.inviter === actor;
    switch (data.op) {
      case 'hand':
        if (operation !== 'revokeSpeakers' && asked) commands.push(reject);
        break;
      case 'raiseHand':
        if (operation === 'closeRound' && mine) commands.push(cancel);
        break;
      case 'round':
        // The marker's cancel names the round, so every member can tell how it ended.
        if (operation === 'closeRound' && mine)
          commands.push({ ...cancel, data: createClassroomData('round', data.roundID) });
        break;
      case 'speaking':
        if (operation === 'revokeSpeakers' && asked) commands.push(reject);
        break;
      case 'speak':
        if (operation === 'revokeSpeakers' && mine) commands.push(cancel);
        break;
    }
  }
  return commands;
}
