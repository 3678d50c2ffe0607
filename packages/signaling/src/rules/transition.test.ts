import { describe, expect, it } from 'vitest';
import { CallType, createClassroomData, createHangupData } from '../callData.js';
import { ErrorCode } from '../errors.js';
import { CALL_END_NOTICE_SECONDS } from '../limits.js';
import { noticeExpiry, ringingKey } from './guards.js';
import { transition } from './transition.js';
import {
  type Command,
  type Effect,
  emptyState,
  type InvitationRecord,
  type SignalingState,
  type TransitionInput,
} from './types.js';

const call = (
  actor: string,
  command: Command,
  now = 0,
  newInviteID?: string,
  members?: string[],
): TransitionInput => ({
  type: 'command',
  actor,
  device: `${actor}-d`,
  now,
  command,
  ...(newInviteID ? { newInviteID } : {}),
  ...(members ? { group: { members: new Set(members) } } : {}),
});

const invite = (invitee: string, timeout = 30): Command => ({
  op: 'invite',
  groupID: '',
  inviteeList: [invitee],
  data: '',
  timeout,
  onlineUserOnly: false,
});

function replyOf(effects: readonly Effect[]) {
  const reply = effects.find((e) => e.type === 'reply');
  return reply?.type === 'reply' ? reply.reply : undefined;
}

function invited(): SignalingState {
  return transition(emptyState, call('alice', invite('bob'), 1000, 'i1')).state;
}

describe('transition (pure: no timers, no sockets)', () => {
  it('invite emits a delivery to inviter and invitee, a timer at the deadline, and the reply', () => {
    const { state, effects } = transition(emptyState, call('alice', invite('bob'), 1000, 'i1'));
    expect(effects.map((e) => e.type)).toEqual(['deliver', 'schedule', 'reply']);
    expect(effects[0]).toMatchObject({
      to: { users: ['alice', 'bob'] },
      event: { kind: 'invite', at: 1000 },
    });
    expect(effects[1]).toEqual({ type: 'schedule', inviteID: 'i1', at: 31_000 });
    expect(state.invitations.get('i1')?.invitees).toEqual([
      { userID: 'bob', state: 'pending', deadline: 31_000, delivered: false },
    ]);
    expect(emptyState.invitations.size).toBe(0);
  });

  it('does not mutate the input state', () => {
    const before = invited();
    const snapshot = structuredClone([...before.invitations]);
    transition(before, call('bob', { op: 'accept', inviteID: 'i1', data: '' }, 2000));
    expect([...before.invitations]).toEqual(snapshot);
  });

  it('a timeout input before the deadline only re-arms the timer', () => {
    const { state, effects } = transition(invited(), { type: 'timeout', inviteID: 'i1', now: 30_999 });
    expect(effects).toEqual([{ type: 'schedule', inviteID: 'i1', at: 31_000 }]);
    expect(state.invitations.get('i1')?.invitees[0]?.state).toBe('pending');
  });

  it('a timeout at the deadline ends the invitation for the listed invitees', () => {
    const { state, effects } = transition(invited(), { type: 'timeout', inviteID: 'i1', now: 31_000 });
    expect(effects.map((e) => e.type)).toEqual(['deliver', 'unschedule', 'ended']);
    expect(effects[0]).toMatchObject({
      event: { kind: 'timeout', envelope: { actionType: 5, inviteeList: ['bob'] } },
    });
    expect(state.invitations.size).toBe(0);
  });

  it('accept after the end is 8010; a stranger gets 8011; an unknown id is 8010', () => {
    const ended = transition(invited(), call('bob', { op: 'accept', inviteID: 'i1', data: '' })).state;
    expect(
      replyOf(transition(ended, call('bob', { op: 'accept', inviteID: 'i1', data: '' })).effects),
    ).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVITATION_INVALID },
    });
    expect(
      replyOf(transition(invited(), call('eve', { op: 'reject', inviteID: 'i1', data: '' })).effects),
    ).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NO_PERMISSION },
    });
  });

  it('glare returns 8012 with the pending invitation and creates nothing', () => {
    const { state, effects } = transition(invited(), call('bob', invite('alice'), 2000, 'i2'));
    expect(replyOf(effects)).toEqual({
      ok: false,
      error: {
        code: ErrorCode.ALREADY_EXISTS,
        message: 'alice is already inviting bob',
        details: { inviteID: 'i1' },
      },
    });
    expect(state.invitations.has('i2')).toBe(false);
  });

  it('glare index: an invitation that grew past one invitee no longer glares (found by the property test)', () => {
    const grown = transition(
      invited(),
      call('alice', { op: 'addInvitees', inviteID: 'i1', inviteeList: ['carol'] }),
    ).state;
    const { effects } = transition(grown, call('bob', invite('alice'), 2000, 'i2'));
    expect(replyOf(effects)).toEqual({ ok: true, inviteID: 'i2' });
  });

  it('glare index: a caller ringing twice still glares after one of the two ends (found by the property test)', () => {
    let state = transition(invited(), call('alice', invite('bob'), 1000, 'i2')).state;
    state = transition(state, call('alice', { op: 'cancel', inviteID: 'i2', data: '' })).state;
    const { effects } = transition(state, call('bob', invite('alice'), 2000, 'i3'));
    expect(replyOf(effects)).toMatchObject({
      ok: false,
      error: { code: ErrorCode.ALREADY_EXISTS, details: { inviteID: 'i1' } },
    });
  });

  it('an answer in a group goes to the whole group and keeps the server order', () => {
    const members = ['t', 's1', 's2'];
    const round: Command = {
      op: 'invite',
      groupID: 'c',
      inviteeList: ['s1', 's2'],
      data: '',
      timeout: 0,
      onlineUserOnly: false,
    };
    let state = transition(emptyState, call('t', round, 0, 'r1', members)).state;
    const second = transition(
      state,
      call('s2', { op: 'accept', inviteID: 'r1', data: '' }, 5, undefined, members),
    );
    expect(second.effects[0]).toMatchObject({ to: { users: ['t', 's1', 's2'], group: 'c' } });
    state = transition(
      second.state,
      call('s1', { op: 'accept', inviteID: 'r1', data: '' }, 9, undefined, members),
    ).state;
    expect(state.invitations.size).toBe(0);
  });

  it('onlineUserOnly invitations are marked ephemeral', () => {
    const command: Command = { ...invite('bob'), onlineUserOnly: true } as Command;
    const { effects } = transition(emptyState, call('alice', command, 0, 'i1'));
    expect(effects[0]).toMatchObject({ type: 'deliver', ephemeral: true });
  });

  it('delivery receipts go to the inviter only, once', () => {
    const first = transition(invited(), { type: 'delivered', inviteID: 'i1', invitee: 'bob', now: 1001 });
    expect(first.effects[0]).toMatchObject({ to: { users: ['alice'] }, event: { kind: 'delivered' } });
    expect(
      transition(first.state, { type: 'delivered', inviteID: 'i1', invitee: 'bob', now: 1002 }).effects,
    ).toEqual([]);
  });
});

describe('call-end notices (noticeExpiry)', () => {
  const hangup = createHangupData({ callType: CallType.VIDEO, roomID: 'r', durationSeconds: 3 });
  const notice = (data: string): Command => ({
    op: 'invite',
    groupID: '',
    inviteeList: ['bob'],
    data,
    timeout: 0,
    onlineUserOnly: false,
  });

  it('a hang-up with timeout 0 waits CALL_END_NOTICE_SECONDS for its acknowledgement, then times out; its timeout stays 0', () => {
    const { state, effects } = transition(emptyState, call('alice', notice(hangup), 1000, 'n1'));
    const record = state.invitations.get('n1');
    expect(record?.timeout).toBe(0);
    const deadline = 1000 + CALL_END_NOTICE_SECONDS * 1000;
    expect(record?.invitees[0]?.deadline).toBe(deadline);
    expect(effects).toContainEqual({ type: 'schedule', inviteID: 'n1', at: deadline });
    // Not a ringing call: glare never looks at it.
    expect(ringingKey(record as InvitationRecord)).toBeUndefined();
    const over = transition(state, { type: 'timeout', inviteID: 'n1', now: deadline });
    expect(over.state.invitations.size).toBe(0);
    expect(over.effects.some((e) => e.type === 'deliver' && e.event.kind === 'timeout')).toBe(true);
  });

  it('only call-end notices, only with timeout 0, and never with callEndNoticeSeconds 0', () => {
    expect(noticeExpiry({ timeout: 0, data: hangup })).toBe(CALL_END_NOTICE_SECONDS);
    expect(noticeExpiry({ timeout: 0, data: hangup }, 5)).toBe(5);
    expect(noticeExpiry({ timeout: 0, data: hangup }, 0)).toBe(0);
    expect(noticeExpiry({ timeout: 20, data: hangup })).toBe(0);
    expect(noticeExpiry({ timeout: 0, data: createClassroomData('raiseHand') })).toBe(0);
    expect(noticeExpiry({ timeout: 0, data: '{"data":"hangup"}' })).toBe(0);
    const configured = { ...call('alice', notice(hangup), 0, 'n2'), callEndNoticeSeconds: 0 };
    expect(transition(emptyState, configured).state.invitations.get('n2')?.invitees[0]?.deadline).toBe(0);
  });
});
