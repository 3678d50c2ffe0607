import { describe, expect, it } from 'vitest';
import { SignalingClient } from '../client.js';
import { ErrorCode, SignalingError } from '../errors.js';
import type { Transport } from '../transport.js';
import { commandError, pickCommand } from './params.js';
import type { Command } from './types.js';

const invite = (over: Record<string, unknown> = {}) => ({
  op: 'invite',
  groupID: '',
  inviteeList: ['bob'],
  data: '',
  timeout: 30,
  onlineUserOnly: false,
  ...over,
});

describe('commandError', () => {
  it.each([
    [invite({ timeout: -1 }), 'timeout'],
    [invite({ timeout: 1.5 }), 'timeout'],
    [invite({ timeout: Number.NaN }), 'timeout'],
    [invite({ timeout: 86_401 }), 'timeout'],
    [invite({ data: 1 }), 'data'],
    [invite({ data: 'x'.repeat(8 * 1024 + 1) }), 'data'],
    [invite({ inviteeList: [''] }), 'inviteeList'],
    [invite({ inviteeList: ['x'.repeat(129)] }), 'inviteeList'],
    [invite({ inviteeList: ['\uDC00'] }), 'inviteeList'],
    [invite({ onlineUserOnly: 'yes' }), 'onlineUserOnly'],
    [invite({ groupID: 'g'.repeat(129) }), 'groupID'],
    [{ op: 'accept', inviteID: '', data: '' }, 'inviteID'],
    [{ op: 'reject', inviteID: 'i', data: null }, 'data'],
    [{ op: 'addInvitees', inviteID: 'i', inviteeList: [3] }, 'inviteeList'],
  ])('%j: 6017 on %s', (command, field) => {
    expect(commandError(command)).toMatchObject({ code: ErrorCode.INVALID_PARAMETERS, details: { field } });
  });

  it('passes good commands, including a well-formed surrogate pair and the limits themselves', () => {
    for (const command of [
      invite(),
      invite({ timeout: 0, inviteeList: ['😀'.repeat(64)], data: 'x'.repeat(8 * 1024) }),
      invite({ timeout: 86_400, groupID: 'g', onlineUserOnly: true }),
      { op: 'cancel', inviteID: 'i', data: '' },
      { op: 'addInvitees', inviteID: 'i', inviteeList: ['c'] },
    ])
      expect(commandError(command)).toBeUndefined();
  });

  it('pickCommand keeps only the keys of the operation', () => {
    expect(pickCommand({ ...invite({ timeout: -0 }), admin: true })).toEqual(invite({ timeout: 0 }));
    expect(Object.is((pickCommand(invite({ timeout: -0 })) as { timeout: number }).timeout, 0)).toBe(true);
    expect(pickCommand({ op: 'accept', inviteID: 'i', data: 'd', inviteeList: ['x'] })).toEqual({
      op: 'accept',
      inviteID: 'i',
      data: 'd',
    });
  });
});

describe('the client checks before sending', () => {
  it('a bad call fails with 6017 and never reaches the transport', async () => {
    const sent: Command[] = [];
    const transport: Transport = {
      connect() {},
      request(command) {
        sent.push(command);
        return Promise.resolve({ ok: true, inviteID: 'i1' });
      },
      close() {},
    };
    const client = new SignalingClient({ transport });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['accept("")', () => client.accept('')],
      ['invite("")', () => client.invite('')],
      ['timeout -1', () => client.invite('bob', '', { timeout: -1 })],
      ['timeout 1.5', () => client.invite('bob', '', { timeout: 1.5 })],
      ['data not a string', () => client.invite('bob', 5 as unknown as string)],
      [
        'onlineUserOnly "yes"',
        () => client.invite('bob', '', { onlineUserOnly: 'yes' as unknown as boolean }),
      ],
      ['129-character invitee', () => client.inviteInGroup('g', ['x'.repeat(129)])],
    ];
    for (const [name, call] of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(SignalingError);
      expect((error as SignalingError).code, name).toBe(ErrorCode.INVALID_PARAMETERS);
    }
    expect(sent).toEqual([]);
    await client.accept('i1');
    expect(sent).toEqual([{ op: 'accept', inviteID: 'i1', data: '' }]);
  });
});
