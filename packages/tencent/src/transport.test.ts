import {
  CallType,
  createCallData,
  ErrorCode,
  MAX_DATA_BYTES,
  ManualClock,
  SignalingClient,
  SignalingError,
} from '@beckon/signaling';
import { describe, expect, it } from 'vitest';
import { ChatEventName, KickedOutType, NetState, SignalingEventName } from './sdk.js';
import { device, flush, online } from './test/harness.js';
import { FakeChat, fakeIsAChat, gate, signalingMessage } from './testing/fakeChat.js';
import { TencentTransport } from './transport.js';

const T0 = 1_000_000;
const call = createCallData({ callType: CallType.VIDEO, roomID: 'room-1', userIDs: ['alice', 'bob'] });

async function rejection(promise: Promise<unknown>): Promise<SignalingError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignalingError);
  return error as SignalingError;
}

/** An incoming invitation as the 3.6.6 SDK emits it (no timeout). */
function incoming(
  inviteID: string,
  inviter: string,
  inviteeList: string[],
  extra: Record<string, unknown> = {},
) {
  return { inviteID, inviter, groupID: '', data: call, inviteeList, ...extra };
}

describe('login and connection states', () => {
  it('logs in with userID and userSig, then SDK_READY gives a session, connected and a snapshot', async () => {
    const alice = device('alice');
    alice.client.connect();
    expect(alice.client.connectionState).toBe('connecting');
    await flush();
    expect(alice.chat.callsOf('login')).toEqual([{ userID: 'alice', userSig: 'sig-alice' }]);
    expect(alice.client.connectionState).toBe('connecting');
    alice.chat.becomeReady();
    expect(alice.client.connectionState).toBe('connected');
    expect(alice.client.session).toMatchObject({ userID: 'alice', deviceID: 'alice-device', serverTime: T0 });
    expect(alice.client.clockOffset).toBe(0);
    expect(alice.client.invitations.size).toBe(0);
  });

  it('asks a userSig function for every login', async () => {
    let n = 0;
    const alice = await online('alice', { userSig: () => Promise.resolve(`fresh-${++n}`) });
    expect(alice.chat.callsOf('login')).toEqual([{ userID: 'alice', userSig: 'fresh-1' }]);
  });

  it('creates the SDK instance from the SDKAppID, and logs out on close (never destroys the shared instance)', async () => {
    const chat = new FakeChat();
    const asked: unknown[] = [];
    const transport = new TencentTransport({
      SDKAppID: 1400000001,
      createChat: (options) => {
        asked.push(options);
        return fakeIsAChat(chat);
      },
      userID: 'alice',
      userSig: 'sig',
      clock: new ManualClock(T0),
    });
    const client = new SignalingClient({ transport, clock: new ManualClock(T0) });
    client.connect();
    await flush();
    chat.becomeReady();
    expect(asked).toEqual([{ SDKAppID: 1400000001 }]);
    expect(transport.chat).toBe(chat);
    expect(client.connectionState).toBe('connected');
    client.close();
    await flush();
    expect(chat.callsOf('logout')).toHaveLength(1);
  });

  it('uses an instance the app already logged in (no userSig): no login, no logout', async () => {
    const chat = new FakeChat();
    chat.becomeReady();
    const transport = new TencentTransport({ chat: fakeIsAChat(chat), userID: 'alice' });
    const client = new SignalingClient({ transport });
    client.connect();
    await flush();
    expect(client.connectionState).toBe('connected');
    expect(chat.callsOf('login')).toHaveLength(0);
    client.close();
    await flush();
    expect(chat.callsOf('logout')).toHaveLength(0);
  });

  it('a credential error at login closes with 9003 UNAUTHORIZED and the Tencent code', async () => {
    const alice = device('alice');
    alice.chat.failNext('login', 70001, 'userSig expired');
    alice.client.connect();
    await flush();
    expect(alice.client.connectionState).toBe('closed');
    const last = alice.states.at(-1);
    expect(last?.error?.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(last?.error?.message).toContain('70001');
  });

  it('a network error at login retries with backoff', async () => {
    const alice = device('alice', { retry: { initialDelayMs: 1000 } });
    alice.chat.failNext('login', 2800, 'network error');
    alice.client.connect();
    await flush();
    expect(alice.client.connectionState).toBe('reconnecting');
    expect(alice.states.at(-1)?.error?.code).toBe(ErrorCode.NOT_CONNECTED);
    alice.clock.advance(999);
    expect(alice.chat.callsOf('login')).toHaveLength(1);
    alice.clock.advance(1);
    await flush();
    expect(alice.chat.callsOf('login')).toHaveLength(2);
    alice.chat.becomeReady();
    expect(alice.client.connectionState).toBe('connected');
  });

  it('a repeated login (2025) counts as logged in', async () => {
    const alice = device('alice');
    alice.chat.failNext('login', 2025, 'repeat login');
    await alice.start();
    expect(alice.client.connectionState).toBe('connected');
  });

  it('a login that resolves with a non-zero code is a failure', async () => {
    const alice = device('alice');
    alice.chat.script('login', () => ({ code: 70009, message: 'sig verification failed' }));
    alice.client.connect();
    await flush();
    expect(alice.client.connectionState).toBe('closed');
    expect(alice.states.at(-1)?.error?.code).toBe(ErrorCode.UNAUTHORIZED);
  });

  it('NET_STATE_CHANGE: connecting and disconnected are reconnecting; connected comes back', async () => {
    const alice = await online('alice');
    alice.chat.emit(ChatEventName.NET_STATE_CHANGE, { state: NetState.CONNECTING });
    expect(alice.client.connectionState).toBe('reconnecting');
    alice.chat.emit(ChatEventName.NET_STATE_CHANGE, { state: NetState.DISCONNECTED });
    expect(alice.client.connectionState).toBe('reconnecting');
    alice.chat.emit(ChatEventName.NET_STATE_CHANGE, { state: NetState.CONNECTED });
    expect(alice.client.connectionState).toBe('connected');
    alice.chat.emit(ChatEventName.NET_STATE_CHANGE, { state: 'something new' });
    expect(alice.client.connectionState).toBe('connected');
  });

  it('SDK_NOT_READY is reconnecting; the next SDK_READY starts a new session with a snapshot', async () => {
    const alice = await online('alice');
    await alice.client.invite('bob', call, { timeout: 30 });
    const first = alice.client.session?.sessionID;
    alice.chat.becomeNotReady();
    expect(alice.client.connectionState).toBe('reconnecting');
    expect((await rejection(alice.client.invite('carol', call))).code).toBe(ErrorCode.NOT_CONNECTED);
    alice.chat.becomeReady();
    expect(alice.client.connectionState).toBe('connected');
    expect(alice.client.session?.sessionID).not.toBe(first);
    expect([...alice.client.invitations.keys()]).toEqual(['tc-1']);
  });

  it('KICKED_OUT by another login closes with 9009 and says why', async () => {
    const alice = await online('alice');
    alice.chat.emit(ChatEventName.KICKED_OUT, { type: KickedOutType.MULTIPLE_ACCOUNT });
    expect(alice.client.connectionState).toBe('closed');
    const last = alice.states.at(-1);
    expect(last?.error?.code).toBe(ErrorCode.CLOSED);
    expect(last?.error?.message).toContain('multipleAccount');
    expect(alice.chat.listenerCount).toBe(0);
  });

  it('KICKED_OUT by the REST API closes', async () => {
    const alice = await online('alice');
    alice.chat.emit(ChatEventName.KICKED_OUT, { type: KickedOutType.REST_API });
    expect(alice.states.at(-1)?.error).toMatchObject({ code: ErrorCode.CLOSED });
  });

  it('KICKED_OUT for an expired userSig logs in again with a fresh one when userSig is a function', async () => {
    let n = 0;
    const alice = await online('alice', { userSig: () => `sig-${++n}` });
    alice.chat.emit(ChatEventName.KICKED_OUT, { type: KickedOutType.USERSIG_EXPIRED });
    expect(alice.client.connectionState).toBe('reconnecting');
    await flush();
    expect(alice.chat.callsOf('login')).toEqual([
      { userID: 'alice', userSig: 'sig-1' },
      { userID: 'alice', userSig: 'sig-2' },
    ]);
    alice.chat.becomeReady();
    expect(alice.client.connectionState).toBe('connected');
  });

  it('KICKED_OUT for an expired fixed userSig closes with 9003', async () => {
    const alice = await online('alice');
    alice.chat.emit(ChatEventName.KICKED_OUT, { type: KickedOutType.USERSIG_EXPIRED });
    expect(alice.client.connectionState).toBe('closed');
    expect(alice.states.at(-1)?.error?.code).toBe(ErrorCode.UNAUTHORIZED);
  });

  it('close() removes every listener, logs out, and later requests reject with 9001', async () => {
    const alice = await online('alice');
    expect(alice.chat.listenerCount).toBe(11);
    alice.client.close();
    await flush();
    expect(alice.chat.listenerCount).toBe(0);
    expect(alice.chat.callsOf('logout')).toHaveLength(1);
    await expect(alice.transport.request({ op: 'cancel', inviteID: 'x', data: '' })).rejects.toMatchObject({
      code: ErrorCode.NOT_CONNECTED,
    });
  });

  it('a request before the SDK is ready is refused with 9001, not sent', async () => {
    const alice = device('alice');
    alice.client.connect();
    expect((await rejection(alice.client.invite('bob', call))).code).toBe(ErrorCode.NOT_CONNECTED);
    expect(alice.chat.callsOf('invite')).toHaveLength(0);
  });

  it('events that arrive before the session are in the first snapshot, and ring from it', async () => {
    const bob = device('bob');
    bob.client.connect();
    await flush();
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-9', 'alice', ['bob']));
    expect(bob.seen).toHaveLength(0);
    bob.chat.becomeReady();
    expect([...bob.client.invitations.keys()]).toEqual(['tc-9']);
    expect(bob.events('onReceiveNewInvitation').map((e) => e.inviteID)).toEqual(['tc-9']);
  });
});

describe('commands become SDK calls', () => {
  it('invite (one-to-one) calls chat.invite and the inviter holds the record with a local deadline', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', call, { timeout: 30 });
    expect(id).toBe('tc-1');
    expect(alice.chat.callsOf('invite')).toEqual([
      { userID: 'bob', data: call, timeout: 30, onlineUserOnly: false },
    ]);
    const record = alice.client.getInvitation(id);
    expect(record).toMatchObject({ inviter: 'alice', groupID: '', timeout: 30, createdAt: T0 });
    expect(record?.invitees).toEqual([
      { userID: 'bob', state: 'pending', deadline: T0 + 30_000, delivered: false },
    ]);
    // The inviter does not ring for its own invitation.
    expect(alice.events('onReceiveNewInvitation')).toHaveLength(0);
  });

  it('inviteInGroup calls chat.inviteInGroup with the invitee list', async () => {
    const teacher = await online('teacher');
    const id = await teacher.client.inviteInGroup('class-1', ['s1', 's2', 's1'], 'raise', {
      timeout: 0,
      onlineUserOnly: true,
    });
    expect(teacher.chat.callsOf('inviteInGroup')).toEqual([
      { groupID: 'class-1', inviteeList: ['s1', 's2'], data: 'raise', timeout: 0, onlineUserOnly: true },
    ]);
    expect(teacher.client.getInvitation(id)?.invitees.map((i) => [i.userID, i.deadline])).toEqual([
      ['s1', 0],
      ['s2', 0],
    ]);
  });

  it('passes offlinePushInfo to the SDK', async () => {
    const alice = await online('alice', { offlinePushInfo: { title: 'Call', description: 'alice' } });
    await alice.client.invite('bob', call);
    expect(alice.chat.callsOf('invite')[0]).toMatchObject({
      offlinePushInfo: { title: 'Call', description: 'alice' },
    });
  });

  it.each([
    ['an empty invitee list', { groupID: 'g', inviteeList: [] }],
    ['inviting oneself', { groupID: '', inviteeList: ['alice'] }],
    ['two invitees one-to-one', { groupID: '', inviteeList: ['bob', 'carol'] }],
    ['data over 8 KiB', { groupID: '', inviteeList: ['bob'], data: 'x'.repeat(MAX_DATA_BYTES + 1) }],
    ['a negative timeout', { groupID: '', inviteeList: ['bob'], timeout: -1 }],
    ['a fractional timeout', { groupID: '', inviteeList: ['bob'], timeout: 1.5 }],
  ])('refuses %s with 6017 before calling the SDK', async (_, bad) => {
    const alice = await online('alice');
    const reply = await alice.transport.request({
      op: 'invite',
      data: '',
      timeout: 30,
      onlineUserOnly: false,
      ...bad,
    });
    expect(reply).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PARAMETERS } });
    expect(alice.chat.calls.filter((c) => c.method !== 'login')).toHaveLength(0);
  });

  it('glare: inviting someone who is ringing us is refused with 8012 and their inviteID', async () => {
    const alice = await online('alice');
    alice.chat.signal(
      SignalingEventName.NEW_INVITATION_RECEIVED,
      incoming('tc-bob', 'bob', ['alice'], { timeout: 30 }),
    );
    const error = await rejection(alice.client.invite('bob', call, { timeout: 30 }));
    expect(error.code).toBe(ErrorCode.ALREADY_EXISTS);
    expect(error.details?.inviteID).toBe('tc-bob');
    expect(alice.chat.callsOf('invite')).toHaveLength(0);
    // A timeout-0 invitation (the call-end notice) never glares.
    await alice.client.invite('bob', call, { timeout: 0 });
    expect(alice.chat.callsOf('invite')).toHaveLength(1);
  });

  it('cancel by the inviter calls chat.cancel and cancels every pending invitee', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', call, { timeout: 30 });
    await alice.client.cancel(id, 'bye');
    expect(alice.chat.callsOf('cancel')).toEqual([{ inviteID: id, data: 'bye' }]);
    const [cancelled] = alice.events('onInvitationCancelled');
    expect(cancelled).toMatchObject({ inviteID: id, inviter: 'alice', data: 'bye', inviteeList: ['bob'] });
    expect(cancelled?.invitation.invitees[0]?.state).toBe('cancelled');
    expect(alice.client.invitations.size).toBe(0);
  });

  it('cancel: 8011 for someone else’s invitation, 8010 for an unknown or ended one — nothing sent', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    expect((await rejection(bob.client.cancel('tc-1'))).code).toBe(ErrorCode.NO_PERMISSION);
    expect((await rejection(bob.client.cancel('nope'))).code).toBe(ErrorCode.INVITATION_INVALID);
    expect(bob.chat.callsOf('cancel')).toHaveLength(0);
  });

  it('accept calls chat.accept; the event names this device so other devices stop ringing', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    await bob.client.accept('tc-1', 'ok');
    expect(bob.chat.callsOf('accept')).toEqual([{ inviteID: 'tc-1', data: 'ok' }]);
    const [accepted] = bob.events('onInviteeAccepted');
    expect(accepted).toMatchObject({ inviteID: 'tc-1', invitee: 'bob', data: 'ok', device: 'bob-device' });
    expect(accepted?.invitation.invitees[0]).toMatchObject({ state: 'accepted', answerOrder: 1 });
  });

  it('reject calls chat.reject with the data (a busy reason)', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    await bob.client.reject('tc-1', 'busy');
    expect(bob.chat.callsOf('reject')).toEqual([{ inviteID: 'tc-1', data: 'busy' }]);
    expect(bob.events('onInviteeRejected')[0]).toMatchObject({ invitee: 'bob', data: 'busy' });
  });

  it('accept/reject: 8011 when not an invitee, 8010 when already answered — nothing sent', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, {
      ...incoming('tc-1', 'alice', ['bob', 'carol']),
      groupID: 'g',
    });
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, {
      ...incoming('tc-2', 'alice', ['carol', 'dave']),
      groupID: 'g',
    });
    expect((await rejection(bob.client.accept('tc-2'))).code).toBe(ErrorCode.NO_PERMISSION);
    await bob.client.accept('tc-1');
    expect((await rejection(bob.client.reject('tc-1'))).code).toBe(ErrorCode.INVITATION_INVALID);
    expect(bob.chat.callsOf('accept')).toHaveLength(1);
    expect(bob.chat.callsOf('reject')).toHaveLength(0);
  });

  it('modify calls chat.modifyInvitation; only the inviter may', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', call, { timeout: 30 });
    await alice.client.modify(id, 'v2');
    expect(alice.chat.callsOf('modifyInvitation')).toEqual([{ inviteID: id, data: 'v2' }]);
    expect(alice.events('onInvitationModified')[0]).toMatchObject({ inviteID: id, data: 'v2' });
    expect(alice.client.getInvitation(id)?.data).toBe('v2');

    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    expect((await rejection(bob.client.modify('tc-1', 'x'))).code).toBe(ErrorCode.NO_PERMISSION);
  });

  it('addInvitees does not exist on Tencent: 6017 with a clear message', async () => {
    const alice = await online('alice');
    const id = await alice.client.inviteInGroup('g', ['bob'], 'x');
    const error = await rejection(alice.client.addInvitees(id, ['carol']));
    expect(error.code).toBe(ErrorCode.INVALID_PARAMETERS);
    expect(error.message).toMatch(/addInvitees/);
  });

  it('cancel/accept/reject go to the SDK one at a time (it refuses a second one in flight)', async () => {
    const teacher = await online('teacher');
    const ids = await Promise.all(
      ['s1', 's2', 's3'].map((s) => teacher.client.inviteInGroup('class', [s], 'hand', { timeout: 0 })),
    );
    const held = gate();
    teacher.chat.script('cancel', () => held.promise);
    const done = Promise.all(ids.map((id) => teacher.client.cancel(id)));
    await flush();
    expect(teacher.chat.callsOf('cancel')).toHaveLength(1);
    held.resolve({ code: 0, data: {} });
    await done;
    expect(teacher.chat.callsOf('cancel')).toHaveLength(3);
    expect(teacher.events('onInvitationCancelled')).toHaveLength(3);
  });
});

describe('SDK calls that never answer', () => {
  it('fail with 9002 after requestTimeoutMs; the next one is sent, not held behind it', async () => {
    const teacher = await online('teacher', { requestTimeoutMs: 5000 });
    const a = await teacher.client.inviteInGroup('class', ['s1'], 'hand', { timeout: 0 });
    const b = await teacher.client.inviteInGroup('class', ['s2'], 'hand', { timeout: 0 });
    teacher.chat.script('cancel', () => new Promise(() => {}));
    const stuck = rejection(teacher.client.cancel(a));
    const next = rejection(teacher.client.cancel(b));
    await flush();
    expect(teacher.chat.callsOf('cancel')).toHaveLength(1);
    teacher.clock.advance(5000);
    const error = await stuck;
    expect(error.code).toBe(ErrorCode.REQUEST_TIMEOUT);
    expect(error.message).toContain('cancel');
    // The SDK itself still counts the stuck call as in flight and refuses (8020): a typed error.
    expect((await next).code).toBe(ErrorCode.INVITATION_INVALID);
    expect(teacher.chat.callsOf('cancel')).toHaveLength(2);
    expect(teacher.clock.pendingTimers).toBe(0);
    expect([...teacher.client.invitations.keys()]).toEqual([a, b]);
  });
});

describe('SDK errors become Beckon errors', () => {
  it.each([
    [6017, ErrorCode.INVALID_PARAMETERS],
    [8010, ErrorCode.INVITATION_INVALID],
    [8011, ErrorCode.NO_PERMISSION],
    [8012, ErrorCode.ALREADY_EXISTS],
    [8020, ErrorCode.INVITATION_INVALID],
    [2024, ErrorCode.NOT_CONNECTED],
    [2999, ErrorCode.NOT_CONNECTED],
    [3000, ErrorCode.NOT_CONNECTED],
    [6014, ErrorCode.NOT_CONNECTED],
    [70001, ErrorCode.UNAUTHORIZED],
    [2800, ErrorCode.NOT_CONNECTED],
    [2801, ErrorCode.REQUEST_TIMEOUT],
    [2996, ErrorCode.RATE_LIMITED],
    [60022, ErrorCode.UNAVAILABLE],
    [10007, ErrorCode.NOT_GROUP_MEMBER],
    [10010, ErrorCode.GROUP_NOT_FOUND],
    [20007, ErrorCode.NO_PERMISSION],
  ])('invite rejected with %i -> %i, the Tencent code kept in the message', async (code, expected) => {
    const alice = await online('alice');
    alice.chat.failNext('invite', code, 'from the SDK');
    const error = await rejection(alice.client.invite('bob', call));
    expect(error.code).toBe(expected);
    expect(error.message).toContain(String(code));
    expect(error.message).toContain('from the SDK');
    expect(alice.client.invitations.size).toBe(0);
  });

  it('accept rejected by the SDK (8010: it no longer knows the invitation) leaves the invitee pending', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    bob.chat.failNext('accept', 8010);
    expect((await rejection(bob.client.accept('tc-1'))).code).toBe(ErrorCode.INVITATION_INVALID);
    expect(bob.client.getInvitation('tc-1')?.invitees[0]?.state).toBe('pending');
  });

  it('an unknown code becomes 9010 INTERNAL with the original code in the message', async () => {
    const alice = await online('alice');
    alice.chat.failNext('invite', 123456, 'brand new');
    const error = await rejection(alice.client.invite('bob', call));
    expect(error.code).toBe(ErrorCode.INTERNAL);
    expect(error.message).toMatch(/unknown Tencent error 123456: brand new/);
  });

  it('a response that resolves with a non-zero code is an error', async () => {
    const alice = await online('alice');
    alice.chat.script('invite', () => ({ code: 8011, message: 'not yours' }));
    expect((await rejection(alice.client.invite('bob', call))).code).toBe(ErrorCode.NO_PERMISSION);
  });

  it('the SDK’s parameter check (a plain Error, thrown synchronously) becomes 6017', async () => {
    const alice = await online('alice');
    alice.chat.script('invite', () => {
      throw new Error('Params validate failed.');
    });
    expect((await rejection(alice.client.invite('bob', call))).code).toBe(ErrorCode.INVALID_PARAMETERS);
  });

  it('anything else thrown becomes 9010, never an untyped throw', async () => {
    const alice = await online('alice');
    alice.chat.script('invite', () => Promise.reject('boom'));
    const error = await rejection(alice.client.invite('bob', call));
    expect(error.code).toBe(ErrorCode.INTERNAL);
    expect(error.message).toContain('boom');
  });

  it('an invite that succeeds without an inviteID is 9010', async () => {
    const alice = await online('alice');
    alice.chat.script('invite', () => ({ code: 0, data: {} }));
    expect((await rejection(alice.client.invite('bob', call))).code).toBe(ErrorCode.INTERNAL);
  });

  it('reads the inviteID nested in data too', async () => {
    const alice = await online('alice');
    alice.chat.script('invite', () => ({ code: 0, data: { inviteID: 'nested-1' } }));
    expect(await alice.client.invite('bob', call)).toBe('nested-1');
  });
});

describe('SDK events become Beckon events', () => {
  it('NEW_INVITATION_RECEIVED rings with a record built from the SDK data', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    const [ring] = bob.events('onReceiveNewInvitation');
    expect(ring).toMatchObject({
      inviteID: 'tc-1',
      inviter: 'alice',
      groupID: '',
      inviteeList: ['bob'],
      data: call,
      isInvitee: true,
      envelope: { businessID: 1, actionType: 1, inviteID: 'tc-1', inviter: 'alice', inviteeList: ['bob'] },
    });
    expect(ring?.invitation.invitees).toEqual([
      { userID: 'bob', state: 'pending', deadline: 0, delivered: true },
    ]);
  });

  it('a timeout in the event data gives a local deadline', async () => {
    const bob = await online('bob');
    bob.clock.advance(500);
    bob.chat.signal(
      SignalingEventName.NEW_INVITATION_RECEIVED,
      incoming('tc-1', 'alice', ['bob'], { timeout: 30 }),
    );
    expect(bob.events('onReceiveNewInvitation')[0]).toMatchObject({
      timeout: 30,
      deadline: T0 + 500 + 30_000,
    });
  });

  it('without a timeout in the event, the signaling message that follows refines the record (no second ring)', async () => {
    const bob = await online('bob');
    bob.clock.advance(10_000);
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    expect(bob.client.getInvitation('tc-1')?.invitees[0]?.deadline).toBe(0);
    // Sent 4 s ago by the server's clock: 26 s are left, as the SDK's own timer counts.
    const sent = (T0 + 10_000 - 4000) / 1000;
    bob.chat.emit(ChatEventName.MESSAGE_RECEIVED, [
      signalingMessage(
        { inviteID: 'tc-1', inviter: 'alice', inviteeList: ['bob'], actionType: 1, timeout: 30, data: call },
        sent,
      ),
    ]);
    const record = bob.client.getInvitation('tc-1');
    expect(record?.timeout).toBe(30);
    expect(record?.createdAt).toBe(T0 + 6000);
    expect(record?.invitees[0]?.deadline).toBe(T0 + 36_000);
    expect(bob.events('onReceiveNewInvitation')).toHaveLength(1);
  });

  it('INVITEE_ACCEPTED and INVITEE_REJECTED reach the inviter, without a device (Tencent does not say)', async () => {
    const alice = await online('alice');
    const id = await alice.client.inviteInGroup('g', ['bob', 'carol'], 'x', { timeout: 30 });
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, {
      inviteID: id,
      inviter: 'alice',
      groupID: 'g',
      data: 'yes',
      invitee: 'bob',
    });
    alice.chat.signal(SignalingEventName.INVITEE_REJECTED, {
      inviteID: id,
      inviter: 'alice',
      groupID: 'g',
      data: 'no',
      invitee: 'carol',
    });
    expect(alice.events('onInviteeAccepted')[0]).toMatchObject({
      invitee: 'bob',
      data: 'yes',
      device: undefined,
    });
    expect(alice.events('onInviteeRejected')[0]).toMatchObject({ invitee: 'carol', data: 'no' });
    const final = alice.events('onInviteeRejected')[0]?.invitation;
    expect(final?.invitees.map((i) => [i.userID, i.state, i.answerOrder])).toEqual([
      ['bob', 'accepted', 1],
      ['carol', 'rejected', 2],
    ]);
    expect(alice.client.invitations.size).toBe(0);
  });

  it('INVITATION_CANCELLED cancels every invitee still pending', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    bob.chat.signal(SignalingEventName.INVITATION_CANCELLED, {
      inviteID: 'tc-1',
      inviter: 'alice',
      groupID: '',
      data: 'gone',
    });
    expect(bob.events('onInvitationCancelled')[0]).toMatchObject({
      inviteID: 'tc-1',
      inviter: 'alice',
      data: 'gone',
      inviteeList: ['bob'],
    });
    expect(bob.client.invitations.size).toBe(0);
  });

  it('a cancel naming another inviter is dropped', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    bob.chat.signal(SignalingEventName.INVITATION_CANCELLED, {
      inviteID: 'tc-1',
      inviter: 'mallory',
      data: '',
    });
    expect(bob.events('onInvitationCancelled')).toHaveLength(0);
  });

  it('INVITATION_TIMEOUT times out the listed invitees (the SDK’s own timer, or a peer’s notice)', async () => {
    const alice = await online('alice');
    const id = await alice.client.inviteInGroup('g', ['bob', 'carol'], 'x', { timeout: 30 });
    alice.chat.signal(SignalingEventName.INVITATION_TIMEOUT, {
      inviteID: id,
      inviter: 'alice',
      groupID: 'g',
      data: 'x',
      inviteeList: ['bob'],
      isSelfTimeout: false,
    });
    expect(alice.events('onInvitationTimeout')[0]?.inviteeList).toEqual(['bob']);
    expect(alice.client.getInvitation(id)?.invitees.map((i) => i.state)).toEqual(['timeout', 'pending']);
    alice.chat.signal(SignalingEventName.INVITATION_TIMEOUT, {
      inviteID: id,
      inviter: 'alice',
      groupID: 'g',
      data: 'x',
      inviteeList: ['bob', 'carol'],
      isSelfTimeout: true,
    });
    expect(alice.events('onInvitationTimeout')[1]?.inviteeList).toEqual(['carol']);
    expect(alice.client.invitations.size).toBe(0);
  });

  it('INVITATION_MODIFIED replaces the data', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    bob.chat.signal(SignalingEventName.INVITATION_MODIFIED, { inviteID: 'tc-1', data: 'v2' });
    expect(bob.events('onInvitationModified')[0]).toMatchObject({
      inviteID: 'tc-1',
      data: 'v2',
      addedInvitees: [],
    });
    expect(bob.client.getInvitation('tc-1')?.data).toBe('v2');
  });

  it('a repeated NEW_INVITATION_RECEIVED (history replay) rings once', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-1', 'alice', ['bob']));
    expect(bob.events('onReceiveNewInvitation')).toHaveLength(1);
  });

  it.each([
    ['no data', undefined],
    ['no inviteID', { inviter: 'alice', inviteeList: ['bob'] }],
    ['no invitees', { inviteID: 'tc-1', inviter: 'alice', inviteeList: [] }],
    ['invitees not a list', { inviteID: 'tc-1', inviter: 'alice', inviteeList: 'bob' }],
    [
      'a prototype key',
      JSON.parse('{"inviteID":"tc-1","inviter":"alice","inviteeList":["bob"],"__proto__":{}}'),
    ],
  ])('a malformed invitation (%s) is dropped', async (_, data) => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, data);
    bob.chat.signal(SignalingEventName.INVITEE_ACCEPTED, { invitee: 'bob' });
    bob.chat.signal(SignalingEventName.INVITATION_TIMEOUT, null);
    expect(bob.seen).toHaveLength(0);
    expect(bob.client.invitations.size).toBe(0);
  });

  it('an invitation from another device of ours is held but does not ring', async () => {
    const alice = await online('alice');
    alice.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, incoming('tc-7', 'alice', ['bob']));
    expect(alice.events('onReceiveNewInvitation')).toHaveLength(0);
    expect(alice.client.getInvitation('tc-7')?.inviter).toBe('alice');
  });
});

describe('local timeouts (the safety net under the SDK’s timers)', () => {
  it('times out what is still pending at the deadline plus the grace period, once', async () => {
    const alice = await online('alice', { timeoutGraceMs: 6000 });
    const id = await alice.client.invite('bob', call, { timeout: 30 });
    alice.clock.advance(30_000 + 5999);
    expect(alice.events('onInvitationTimeout')).toHaveLength(0);
    alice.clock.advance(1);
    expect(alice.events('onInvitationTimeout')).toMatchObject([{ inviteID: id, inviteeList: ['bob'] }]);
    expect(alice.clock.pendingTimers).toBe(0);
    // The SDK's timeout arriving afterwards changes nothing.
    alice.chat.signal(SignalingEventName.INVITATION_TIMEOUT, {
      inviteID: id,
      inviter: 'alice',
      inviteeList: ['bob'],
      isSelfTimeout: true,
    });
    expect(alice.events('onInvitationTimeout')).toHaveLength(1);
  });

  it('an invitation that ends leaves no timer behind; timeout 0 never arms one', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', call, { timeout: 30 });
    expect(alice.clock.pendingTimers).toBe(1);
    await alice.client.cancel(id);
    expect(alice.clock.pendingTimers).toBe(0);
    await alice.client.invite('bob', call, { timeout: 0 });
    expect(alice.clock.pendingTimers).toBe(0);
  });

  it('what expired while not ready is ended before the next snapshot', async () => {
    const alice = await online('alice');
    await alice.client.invite('bob', call, { timeout: 30 });
    alice.chat.becomeNotReady();
    alice.clock.advance(60_000);
    alice.chat.becomeReady();
    expect(alice.client.invitations.size).toBe(0);
  });

  it('close() clears every timer', async () => {
    const alice = await online('alice');
    await alice.client.invite('bob', call, { timeout: 30 });
    alice.client.close();
    expect(alice.clock.pendingTimers).toBe(0);
  });
});
