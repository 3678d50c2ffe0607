import { checkData, checkInviteeList, checkTimeout, type DecodeError, fail } from '../envelope.js';
import { isValidId, MAX_ID_LENGTH } from '../limits.js';
import type { Command } from './types.js';

/** The operations a request may carry; anything else is not a Beckon frame (9006). */
export const COMMAND_OPS = ['invite', 'cancel', 'accept', 'reject', 'modify', 'addInvitees'] as const;

const bad = (field: string, message: string): DecodeError => fail('wrong_type', message, field).error;

/**
 * What is wrong with a command's parameters, as Tencent's SDK answers it (6017, with the field
 * at fault), or undefined. The client runs it before sending, so a bad call fails without a
 * round trip, and the server on every request frame: both refuse the same things.
 * `maxInvitees` bounds lists here; the rules apply the server's configured cap.
 *
 * @example
 * commandError({ op: 'accept', inviteID: '', data: '' }); // { code: 6017, field: 'inviteID', ... }
 */
export function commandError(
  command: Readonly<Record<string, unknown>>,
  maxInvitees = Infinity,
): DecodeError | undefined {
  const { op } = command;
  if (op !== 'invite' && !isValidId(command.inviteID))
    return bad('inviteID', `inviteID must be a 1..${MAX_ID_LENGTH} character string`);
  const checks = [];
  if (op === 'invite' || op === 'addInvitees')
    checks.push(checkInviteeList(command.inviteeList, 'inviteeList', maxInvitees));
  if (op !== 'addInvitees') checks.push(checkData(command.data));
  if (op === 'invite') {
    checks.push(checkTimeout(command.timeout));
    const { groupID } = command;
    if (typeof groupID !== 'string' || groupID.length > MAX_ID_LENGTH)
      return bad('groupID', `groupID must be a 0..${MAX_ID_LENGTH} character string`);
    if (typeof command.onlineUserOnly !== 'boolean')
      return bad('onlineUserOnly', 'onlineUserOnly must be a boolean');
  }
  for (const check of checks) if (!check.ok) return check.error;
  return undefined;
}

/** Every parameter any command has, as {@link commandError} guarantees them. */
interface CheckedParams {
  readonly op: Command['op'];
  readonly inviteID: string;
  readonly inviteeList: readonly string[];
  readonly data: string;
  readonly groupID: string;
  readonly timeout: number;
  readonly onlineUserOnly: boolean;
}

/** The command with only the keys of its operation (call after {@link commandError} passed). */
export function pickCommand(command: Readonly<Record<string, unknown>>): Command {
  const c = command as unknown as CheckedParams;
  switch (c.op) {
    case 'invite':
      return {
        op: c.op,
        groupID: c.groupID,
        inviteeList: c.inviteeList,
        data: c.data,
        // -0 passed the timeout check; it is stored as 0.
        timeout: c.timeout === 0 ? 0 : c.timeout,
        onlineUserOnly: c.onlineUserOnly,
      };
    case 'addInvitees':
      return { op: c.op, inviteID: c.inviteID, inviteeList: c.inviteeList };
    default:
      return { op: c.op, inviteID: c.inviteID, data: c.data };
  }
}
