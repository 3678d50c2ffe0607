import { CallType, createCallData, type VanishedEvent } from '@beckon/signaling';
import { describe, expect, it } from 'vitest';
import { ChatEventName, KickedOutType, SignalingEventName } from './sdk.js';
import { type Device, flush, online } from './test/harness.js';

// Issue 14 in Tencent mode: after a new session (SDK_NOT_READY then SDK_READY, or a login after
// an expired UserSig), Tencent cannot say what ended while the client was away. What the SDK's
// resync reports ends with its real outcome; what nothing is heard about is reported vanished
// (endedWhileDisconnected), never left pending and never claimed as timed out.

const call = createCallData({ callType: CallType.VIDEO, roomID: '8848', userIDs: ['bob'] });
const WINDOW = 10_000;

function vanishedOf(d: Device): VanishedEvent[] {
  const list: VanishedEvent[] = [];
  d.client.on('onInvitationVanished', (e) => list.push(e));
  return list;
}

function ring(bob: Device, inviteID: string, timeout?: number) {
  bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, {
    inviteID,
    inviter: 'alice',
    groupID: '',
    data: call,
    inviteeList: ['bob'],
    ...(timeout === undefined ? {} : { timeout }),
  });
}

describe('Tencent: invitations held across a new session', () => {
  it('a timeout-0 invitation nobody mentions after the resync window vanishes', async () => {
    const bob = await online('bob');
    const vanished = vanishedOf(bob);
    ring(bob, 'tc-1', 0);
    bob.chat.becomeNotReady();
    bob.chat.becomeReady();
    expect([...bob.client.invitations.keys()]).toEqual(['tc-1']);
    bob.clock.advance(WINDOW - 1);
    expect(vanished).toEqual([]);
    bob.clock.advance(1);
    expect(vanished).toMatchObject([{ inviteID: 'tc-1', reason: 'endedWhileDisconnected' }]);
    expect(bob.client.invitations.size).toBe(0);
    expect(bob.events('onInvitationTimeout')).toEqual([]);
  });

  it('what the resync reports ends with its real outcome, and nothing vanishes', async () => {
    const bob = await online('bob');
    const vanished = vanishedOf(bob);
    ring(bob, 'tc-2', 0);
    bob.chat.becomeNotReady();
    bob.chat.becomeReady();
    bob.chat.signal(SignalingEventName.INVITATION_CANCELLED, {
      inviteID: 'tc-2',
      inviter: 'alice',
      groupID: '',
      data: '',
    });
    bob.clock.advance(WINDOW * 2);
    expect(bob.events('onInvitationCancelled').map((e) => e.inviteID)).toEqual(['tc-2']);
    expect(vanished).toEqual([]);
  });

  it('a ringing call whose deadline passes with no word since the gap vanishes instead of timing out', async () => {
    const alice = await online('alice');
    const vanished = vanishedOf(alice);
    const id = await alice.client.invite('bob', call, { timeout: 30 });
    alice.chat.becomeNotReady();
    alice.clock.advance(60_000);
    alice.chat.becomeReady();
    expect(vanished).toMatchObject([{ inviteID: id, reason: 'endedWhileDisconnected' }]);
    expect(alice.events('onInvitationTimeout')).toEqual([]);
    expect(alice.client.invitations.size).toBe(0);
  });

  it('one still ringing after the gap keeps ringing; its deadline, unheard of, ends it as vanished', async () => {
    const alice = await online('alice');
    const vanished = vanishedOf(alice);
    const id = await alice.client.invite('bob', call, { timeout: 30 });
    alice.chat.becomeNotReady();
    alice.chat.becomeReady();
    alice.clock.advance(WINDOW);
    expect([...alice.client.invitations.keys()]).toEqual([id]);
    alice.clock.advance(30_000);
    expect(vanished).toMatchObject([{ inviteID: id }]);
    expect(alice.events('onInvitationTimeout')).toEqual([]);
  });

  it('a login again after an expired UserSig is a gap too', async () => {
    let n = 0;
    const bob = await online('bob', { userSig: () => `sig-${++n}` });
    const vanished = vanishedOf(bob);
    ring(bob, 'tc-3', 0);
    bob.chat.emit(ChatEventName.KICKED_OUT, { type: KickedOutType.USERSIG_EXPIRED });
    await flush();
    bob.chat.becomeReady();
    bob.clock.advance(WINDOW);
    expect(vanished).toMatchObject([{ inviteID: 'tc-3', reason: 'endedWhileDisconnected' }]);
  });

  it('a network blip (no new session) leaves what we hold as it was', async () => {
    const bob = await online('bob');
    const vanished = vanishedOf(bob);
    ring(bob, 'tc-4', 0);
    bob.chat.emit(ChatEventName.NET_STATE_CHANGE, { state: 'disconnected' });
    bob.chat.emit(ChatEventName.NET_STATE_CHANGE, { state: 'connected' });
    bob.clock.advance(WINDOW * 3);
    expect(vanished).toEqual([]);
    expect([...bob.client.invitations.keys()]).toEqual(['tc-4']);
  });

  it('without a gap, the local safety net still says timed out', async () => {
    const alice = await online('alice');
    const vanished = vanishedOf(alice);
    await alice.client.invite('bob', call, { timeout: 30 });
    alice.clock.advance(60_000);
    expect(alice.events('onInvitationTimeout')).toHaveLength(1);
    expect(vanished).toEqual([]);
  });
});
