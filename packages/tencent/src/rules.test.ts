import { CallType, createCallData, ErrorCode } from '@beckon/signaling';
import { describe, expect, it } from 'vitest';
import { SignalingEventName } from './sdk.js';
import { online } from './test/harness.js';

// The transport checks commands with the rules' own guards (`@beckon/signaling/rules`); these
// are the places where its former copy of the rules had drifted from the arbiter.

const call = createCallData({ callType: CallType.VIDEO, roomID: 'room-1', userIDs: ['alice', 'bob'] });
const sent = (chat: { calls: ReadonlyArray<{ method: string }> }) =>
  chat.calls.filter((c) => c.method !== 'login');

describe('the rules’ guards on Tencent (former drift)', () => {
  it('refuses an invite whose onlineUserOnly is not a boolean with 6017, before calling the SDK', async () => {
    const alice = await online('alice');
    const reply = await alice.transport.request({
      op: 'invite',
      groupID: '',
      inviteeList: ['bob'],
      data: call,
      timeout: 30,
      onlineUserOnly: 'yes' as unknown as boolean,
    });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_PARAMETERS, message: 'onlineUserOnly must be a boolean' },
    });
    expect(sent(alice.chat)).toHaveLength(0);
  });

  it('glare: a call whose timeout the 3.6.6 event did not carry rings, so calling back is refused with 8012', async () => {
    const alice = await online('alice');
    // The invitation event without its timeout, and no signaling message (yet) to refine it.
    alice.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, {
      inviteID: 'tc-bob',
      inviter: 'bob',
      groupID: '',
      data: call,
      inviteeList: ['alice'],
    });
    expect(alice.client.getInvitation('tc-bob')?.timeout).toBe(0);
    const reply = await alice.transport.request({
      op: 'invite',
      groupID: '',
      inviteeList: ['bob'],
      data: call,
      timeout: 30,
      onlineUserOnly: false,
    });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: ErrorCode.ALREADY_EXISTS, details: { inviteID: 'tc-bob' } },
    });
    expect(alice.chat.callsOf('invite')).toHaveLength(0);
  });

  it('glare: an invitation still without a timeout after the grace period (a replayed notice) no longer rings', async () => {
    const alice = await online('alice', { timeoutGraceMs: 6000 });
    alice.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, {
      inviteID: 'tc-notice',
      inviter: 'bob',
      groupID: '',
      data: call,
      inviteeList: ['alice'],
    });
    alice.clock.advance(6001);
    const id = await alice.client.invite('bob', call, { timeout: 30 });
    expect(alice.chat.callsOf('invite')).toHaveLength(1);
    expect(id).toBe('tc-1');
  });

  it('the invitee cap is the transport’s maxInvitees option, like the arbiter’s, not a fixed 1000', async () => {
    const teacher = await online('teacher', { maxInvitees: 2 });
    const reply = await teacher.transport.request({
      op: 'invite',
      groupID: 'class-1',
      inviteeList: ['s1', 's2', 's3'],
      data: 'raise',
      timeout: 0,
      onlineUserOnly: true,
    });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_PARAMETERS, details: { field: 'inviteeList' } },
    });
    expect(sent(teacher.chat)).toHaveLength(0);
    await teacher.client.inviteInGroup('class-1', ['s1', 's2'], 'raise', { timeout: 0 });
    expect(teacher.chat.callsOf('inviteInGroup')).toHaveLength(1);
  });
});
