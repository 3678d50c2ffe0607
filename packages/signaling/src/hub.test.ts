import { describe, expect, it } from 'vitest';
import {
  CallType,
  createBusyData,
  createCallData,
  createClassroomData,
  createHangupData,
  parseCallData,
  parseClassroomData,
} from './callData.js';
import { SignalingClient } from './client.js';
import { ManualClock } from './clock.js';
import { ErrorCode, SignalingError } from './errors.js';
import { InMemoryHub } from './hub.js';
import { CALL_END_NOTICE_SECONDS, MAX_TIMEOUT_SECONDS } from './limits.js';
import { createTestHub } from './test/harness.js';

const call = createCallData({ callType: CallType.VIDEO, roomID: 'room-1', userIDs: ['alice', 'bob'] });

async function rejection(promise: Promise<unknown>): Promise<SignalingError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignalingError);
  return error as SignalingError;
}

describe('one-to-one call (seed: audio/video call)', () => {
  it('invite -> ring with the room id -> accept: both sides see the accept', async () => {
    const { device, ended } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const id = await alice.client.invite('bob', call, { timeout: 30 });

    const [ring] = bob.events('onReceiveNewInvitation');
    expect(ring?.inviteID).toBe(id);
    expect(ring?.isInvitee).toBe(true);
    expect(parseCallData(ring?.data ?? '')).toMatchObject({
      ok: true,
      value: { roomID: 'room-1', cmd: 'videoCall' },
    });
    expect(alice.events('onInvitationDelivered').map((e) => e.invitee)).toEqual(['bob']);

    await bob.client.accept(id);
    expect(alice.events('onInviteeAccepted').map((e) => e.invitee)).toEqual(['bob']);
    expect(bob.events('onInviteeAccepted')).toHaveLength(1);
    expect(alice.client.invitations.size).toBe(0);
    expect(bob.client.invitations.size).toBe(0);
    expect(ended).toEqual([id]);
  });

  it('reject ends the invitation for both', async () => {
    const { device } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const id = await alice.client.invite('bob', call);
    await bob.client.reject(id);
    expect(alice.events('onInviteeRejected')).toMatchObject([{ inviteID: id, invitee: 'bob' }]);
    expect((await rejection(bob.client.accept(id))).code).toBe(ErrorCode.INVITATION_INVALID);
  });

  it('a callee already in a call rejects with the line-busy reason', async () => {
    const { device } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const id = await alice.client.invite('bob', call);
    await bob.client.reject(id, createBusyData({ callType: CallType.VIDEO, roomID: 'room-1' }));
    const [rejected] = alice.events('onInviteeRejected');
    const info = parseCallData(rejected?.data ?? '');
    expect(info.ok && info.value.lineBusy).toBe(true);
    expect(JSON.parse(rejected?.data ?? '{}')).toMatchObject({
      line_busy: 'line_busy',
      data: { message: 'lineBusy' },
    });
  });

  it('cancel: the invitee hears it, and a late accept gets 8010', async () => {
    const { device } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const id = await alice.client.invite('bob', call);
    await alice.client.cancel(id, 'changed my mind');
    expect(bob.events('onInvitationCancelled')).toMatchObject([
      { inviteID: id, inviter: 'alice', data: 'changed my mind' },
    ]);
    expect((await rejection(bob.client.accept(id))).code).toBe(ErrorCode.INVITATION_INVALID);
    expect((await rejection(alice.client.cancel(id))).code).toBe(ErrorCode.INVITATION_INVALID);
  });

  it('timeout is decided by the arbiter clock and seen by both sides', async () => {
    const { device, clock } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const id = await alice.client.invite('bob', call, { timeout: 30 });
    clock.advance(29_999);
    expect(alice.events('onInvitationTimeout')).toHaveLength(0);
    clock.advance(1);
    for (const side of [alice, bob]) {
      expect(side.events('onInvitationTimeout')).toMatchObject([{ inviteID: id, inviteeList: ['bob'] }]);
    }
    expect((await rejection(bob.client.accept(id))).code).toBe(ErrorCode.INVITATION_INVALID);
    expect(clock.pendingTimers).toBe(0);
  });

  it('timeout 0 never fires', async () => {
    const { device, clock } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const id = await alice.client.invite('bob', call, { timeout: 0 });
    clock.advance(365 * 24 * 3600 * 1000);
    expect(bob.events('onInvitationTimeout')).toHaveLength(0);
    expect(bob.client.getInvitation(id)?.invitees[0]?.state).toBe('pending');
    expect(clock.pendingTimers).toBe(0);
  });

  it('hang-up (seed step 5): a new invitation with timeout 0 carries the duration', async () => {
    const { device } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const id = await alice.client.invite('bob', call);
    await bob.client.accept(id);
    await bob.client.invite(
      'alice',
      createHangupData({ callType: CallType.VIDEO, roomID: 'room-1', durationSeconds: 83 }),
      {
        timeout: 0,
      },
    );
    const hangup = alice.events('onReceiveNewInvitation').at(-1);
    expect(hangup?.timeout).toBe(0);
    expect(parseCallData(hangup?.data ?? '')).toMatchObject({
      ok: true,
      value: { cmd: 'hangup', callEnd: 83 },
    });
    expect(JSON.parse(hangup?.data ?? '{}')).toMatchObject({ call_end: 83 });
  });

  it('a call-end notice nobody acknowledges times out after CALL_END_NOTICE_SECONDS: the sender holds nothing', async () => {
    const { device, clock, hub } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const hangup = createHangupData({ callType: CallType.VIDEO, roomID: 'room-1', durationSeconds: 5 });
    const id = await alice.client.invite('bob', hangup, { timeout: 0 });
    // Bob's device never acknowledges it (its app is gone, or runs no call controller).
    expect(bob.events('onReceiveNewInvitation').at(-1)?.timeout).toBe(0);
    clock.advance(CALL_END_NOTICE_SECONDS * 1000 - 1);
    expect(alice.client.getInvitation(id)?.invitees[0]?.state).toBe('pending');
    clock.advance(1);
    expect(alice.events('onInvitationTimeout')).toMatchObject([{ inviteID: id, inviteeList: ['bob'] }]);
    expect(bob.events('onInvitationTimeout')).toMatchObject([{ inviteID: id }]);
    expect(alice.client.invitations.size).toBe(0);
    expect(hub.state.invitations.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    // Any other timeout-0 invitation still never times out.
    const plain = await alice.client.invite('bob', createClassroomData('raiseHand'), { timeout: 0 });
    clock.advance(365 * 24 * 3600 * 1000);
    expect(alice.client.getInvitation(plain)?.invitees[0]?.state).toBe('pending');
  });

  it('callEndNoticeSeconds: 0 leaves call-end notices without a timeout; a value out of range is a TypeError', async () => {
    const clock = new ManualClock(1_000);
    const hub = new InMemoryHub({ clock, callEndNoticeSeconds: 0 });
    const alice = new SignalingClient({ transport: hub.connect('alice'), clock });
    alice.connect();
    hub.connect('bob');
    const hangup = createHangupData({ callType: CallType.AUDIO, roomID: 'r', durationSeconds: 1 });
    const id = await alice.invite('bob', hangup, { timeout: 0 });
    clock.advance(365 * 24 * 3600 * 1000);
    expect(alice.getInvitation(id)?.invitees[0]?.state).toBe('pending');
    for (const bad of [-1, 1.5, Number.NaN, MAX_TIMEOUT_SECONDS + 1])
      expect(() => new InMemoryHub({ callEndNoticeSeconds: bad })).toThrow(TypeError);
  });

  it('glare: the second caller is told about the pending invitation instead of creating one', async () => {
    const { device, hub } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const id = await alice.client.invite('bob', call);
    const error = await rejection(bob.client.invite('alice', call));
    expect(error.code).toBe(ErrorCode.ALREADY_EXISTS);
    expect(error.details?.inviteID).toBe(id);
    expect(hub.state.invitations.size).toBe(1);
    await bob.client.accept(error.details?.inviteID ?? '');
    expect(alice.events('onInviteeAccepted')).toHaveLength(1);
  });

  it('permissions: 8011 for someone else, 6017 for bad parameters', async () => {
    const { device } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const carol = device('carol');
    const id = await alice.client.invite('bob', call);
    expect((await rejection(carol.client.accept(id))).code).toBe(ErrorCode.NO_PERMISSION);
    expect((await rejection(bob.client.cancel(id))).code).toBe(ErrorCode.NO_PERMISSION);
    expect((await rejection(alice.client.invite('alice'))).code).toBe(ErrorCode.INVALID_PARAMETERS);
    expect((await rejection(alice.client.invite('bob', 'x'.repeat(8193)))).code).toBe(
      ErrorCode.INVALID_PARAMETERS,
    );
    expect((await rejection(alice.client.invite('bob', '', { timeout: -1 }))).code).toBe(
      ErrorCode.INVALID_PARAMETERS,
    );
    expect((await rejection(alice.client.inviteInGroup('nope', ['bob']))).code).toBe(
      ErrorCode.GROUP_NOT_FOUND,
    );
  });
});

describe('multi-device', () => {
  it('all devices ring; the first answer wins; the other device learns it was answered elsewhere', async () => {
    const { device } = createTestHub();
    const alice = device('alice');
    const phone = device('bob');
    const laptop = device('bob');
    const id = await alice.client.invite('bob', call);
    expect(phone.events('onReceiveNewInvitation')).toHaveLength(1);
    expect(laptop.events('onReceiveNewInvitation')).toHaveLength(1);

    await phone.client.accept(id);
    const [elsewhere] = laptop.events('onInviteeAccepted');
    expect(elsewhere?.invitee).toBe('bob');
    expect(elsewhere?.device).toBe(phone.transport.deviceID);
    expect(laptop.client.invitations.size).toBe(0);
    expect((await rejection(laptop.client.accept(id))).code).toBe(ErrorCode.INVITATION_INVALID);
  });
});

describe('offline delivery', () => {
  it('a user who comes back while the invitation is valid receives it with the remaining time', async () => {
    const { device, clock } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    bob.transport.drop();
    const id = await alice.client.invite('bob', call, { timeout: 30 });
    expect(alice.events('onInvitationDelivered')).toHaveLength(0);
    clock.advance(10_000);
    bob.transport.restore();
    const [ring] = bob.events('onReceiveNewInvitation');
    expect(ring?.inviteID).toBe(id);
    expect((ring?.deadline ?? 0) - bob.client.serverNow()).toBe(20_000);
    expect(alice.events('onInvitationDelivered')).toHaveLength(1);
  });

  it('an expired invitation is not delivered, and onlineUserOnly ones are never replayed', async () => {
    const { device, clock } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    bob.transport.drop();
    await alice.client.invite('bob', call, { timeout: 5 });
    await alice.client.invite('bob', 'ping', { timeout: 60, onlineUserOnly: true });
    clock.advance(6_000);
    bob.transport.restore();
    expect(bob.events('onReceiveNewInvitation')).toHaveLength(0);
  });
});

describe('classroom (seed: raise hands and invite to speak)', () => {
  it('runs the six steps with every member seeing every answer', async () => {
    const { device, hub } = createTestHub();
    hub.setGroup('class-1', ['teacher', 's1', 's2', 's3']);
    const teacher = device('teacher');
    const [s1, s2, s3] = [device('s1'), device('s2'), device('s3')];

    // 1. inviteInGroup with the raise-hand operation.
    const round = await teacher.client.inviteInGroup(
      'class-1',
      ['s1', 's2', 's3'],
      createClassroomData('raiseHand'),
      {
        timeout: 0,
      },
    );
    // 2. every student receives it and sees that they are an invitee.
    for (const s of [s1, s2, s3]) {
      const [event] = s.events('onReceiveNewInvitation');
      expect(event?.inviteeList).toEqual(['s1', 's2', 's3']);
      expect(event?.isInvitee).toBe(true);
      expect(parseClassroomData(event?.data ?? '')?.op).toBe('raiseHand');
    }
    // 3. two students raise their hands; everyone sees the queue in server order.
    await s2.client.accept(round);
    await s1.client.accept(round);
    for (const viewer of [teacher, s1, s2, s3]) {
      expect(viewer.events('onInviteeAccepted').map((e) => e.invitee)).toEqual(['s2', 's1']);
      const queue = viewer.client
        .getInvitation(round)
        ?.invitees.filter((i) => i.state === 'accepted')
        .sort((a, b) => (a.answerOrder ?? 0) - (b.answerOrder ?? 0))
        .map((i) => i.userID);
      expect(queue).toEqual(['s2', 's1']);
    }
    // 4. the teacher invites s2 to speak; 5. s2 accepts; 6. everyone sees the speaker.
    const speak = await teacher.client.inviteInGroup('class-1', ['s2'], createClassroomData('speak'), {
      timeout: 0,
    });
    const seenBy = [s1, s3].map((s) => s.events('onReceiveNewInvitation').at(-1));
    for (const event of seenBy)
      expect(event).toMatchObject({ inviteID: speak, inviteeList: ['s2'], isInvitee: false });
    await s2.client.accept(speak);
    for (const viewer of [teacher, s1, s3]) {
      expect(viewer.events('onInviteeAccepted').at(-1)).toMatchObject({ inviteID: speak, invitee: 's2' });
    }
  });

  it('refuses invitees and inviters outside the group', async () => {
    const { device, hub } = createTestHub();
    hub.setGroup('class-1', ['teacher', 's1']);
    const teacher = device('teacher');
    const outsider = device('outsider');
    expect((await rejection(teacher.client.inviteInGroup('class-1', ['s1', 'x']))).code).toBe(
      ErrorCode.NOT_GROUP_MEMBER,
    );
    expect((await rejection(outsider.client.inviteInGroup('class-1', ['s1']))).code).toBe(
      ErrorCode.NOT_GROUP_MEMBER,
    );
  });
});

describe('media-room messages', () => {
  it('the hub relays them to every device of the recipient', async () => {
    const { device } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const got: string[] = [];
    bob.client.on('onRoomSignal', (m) => got.push(`${m.roomID}/${m.from}/${m.data}`));
    alice.client.sendRoomSignal('room-1', 'bob', 'offer');
    expect(got).toEqual(['room-1/alice/offer']);
  });
});

describe('beyond the seed', () => {
  it('modify replaces the data for everyone', async () => {
    const { device } = createTestHub();
    const alice = device('alice');
    const bob = device('bob');
    const id = await alice.client.invite('bob', 'v1');
    await alice.client.modify(id, 'v2');
    expect(bob.events('onInvitationModified')).toMatchObject([
      { inviteID: id, data: 'v2', addedInvitees: [] },
    ]);
    expect(bob.client.getInvitation(id)?.data).toBe('v2');
  });

  it('addInvitees gives the newcomers their own full timeout', async () => {
    const { device, hub, clock } = createTestHub();
    hub.setGroup('g', ['a', 'b', 'c']);
    const a = device('a');
    const b = device('b');
    const c = device('c');
    const id = await a.client.inviteInGroup('g', ['b'], 'x', { timeout: 10 });
    clock.advance(5_000);
    await a.client.addInvitees(id, ['c']);
    expect(c.events('onReceiveNewInvitation').at(-1)).toMatchObject({ inviteID: id, isInvitee: true });
    expect(b.events('onInvitationModified')).toMatchObject([{ addedInvitees: ['c'] }]);
    clock.advance(5_000);
    expect(a.events('onInvitationTimeout')).toMatchObject([{ inviteeList: ['b'] }]);
    clock.advance(5_000);
    expect(a.events('onInvitationTimeout')).toMatchObject([{ inviteeList: ['b'] }, { inviteeList: ['c'] }]);
    expect(clock.pendingTimers).toBe(0);
  });
});
