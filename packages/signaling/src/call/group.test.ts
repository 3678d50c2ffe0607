import { describe, expect, it } from 'vitest';
import { CallType, createBusyData, createCallData, createHangupData, parseCallData } from '../callData.js';
import { ErrorCode } from '../errors.js';
import { newInvitation } from '../rules/guards.js';
import type { InvitationRecord } from '../rules/types.js';
import { groupCallTransition } from './group.js';
import {
  type GroupCallConfig,
  type GroupCallEffect,
  type GroupCallInput,
  initialGroupCallMachine,
} from './groupMachine.js';

const T0 = 1_700_000_000_000;
const RING = 30_000;
const GRACE = 5_000;
const CONFIG: GroupCallConfig = {
  ringTimeoutSeconds: 30,
  connectTimeoutSeconds: 30,
  watchdogGraceMs: GRACE,
  maxParticipants: 6,
};

type In = GroupCallInput extends infer I
  ? I extends GroupCallInput
    ? Omit<I, 'now' | 'self'>
    : never
  : never;

/** One side of a call, driven input by input; every step checks that it never lists itself. */
function party(userID: string, config: Partial<GroupCallConfig> = {}, deviceID = `${userID}#1`) {
  let m = initialGroupCallMachine({ ...CONFIG, ...config });
  let now = T0;
  const self = { userID, deviceID };
  const sent: GroupCallEffect[] = [];
  return {
    self,
    get state() {
      return m.call;
    },
    get machine() {
      return m;
    },
    at(t: number) {
      now = t;
      return this;
    },
    send(input: In): GroupCallEffect[] {
      const r = groupCallTransition(m, { ...input, now, self } as GroupCallInput);
      m = r.state;
      expect(m.call.participants.map((p) => p.userID)).not.toContain(userID);
      sent.push(...r.effects);
      return [...r.effects];
    },
    sent,
    who(user: string) {
      return m.call.participants.find((p) => p.userID === user);
    },
    states() {
      return Object.fromEntries(m.call.participants.map((p) => [p.userID, p.state]));
    },
  };
}

const of = <T extends GroupCallEffect['type']>(effects: readonly GroupCallEffect[], type: T) =>
  effects.filter((e): e is Extract<GroupCallEffect, { type: T }> => e.type === type);

let ids = 0;
function record(
  inviter: string,
  invitees: readonly string[],
  data: string,
  options: { groupID?: string; timeout?: number; createdAt?: number; inviteID?: string } = {},
): InvitationRecord {
  return newInvitation({
    inviteID: options.inviteID ?? `inv-${++ids}`,
    inviter,
    groupID: options.groupID ?? '',
    invitees,
    data,
    timeout: options.timeout ?? 30,
    onlineUserOnly: false,
    createdAt: options.createdAt ?? T0,
  });
}

const callData = (roomID: string, userIDs: readonly string[], inviter = 'alice') =>
  createCallData({ callType: CallType.AUDIO, roomID, userIDs, inviter });

const hangup = (roomID: string, userIDs: readonly string[], seconds = 0) =>
  createHangupData({ callType: CallType.AUDIO, roomID, userIDs, durationSeconds: seconds });

/** The caller's side: alice starts a call to `invitees` in room r1; the placement replies come back. */
function caller(invitees: readonly string[], groupID = '', config: Partial<GroupCallConfig> = {}) {
  const alice = party('alice', config);
  const effects = alice.send({ type: 'start', invitees, groupID, callType: CallType.AUDIO, roomID: 'r1' });
  const data = of(effects, 'place')[0]?.data ?? '';
  const records =
    groupID === ''
      ? invitees.map((u) => record('alice', [u], data, { inviteID: `a-${u}` }))
      : [record('alice', invitees, data, { groupID, inviteID: 'a-group' })];
  for (const r of records)
    alice.send({
      type: 'placed',
      roomID: 'r1',
      invitees: r.invitees.map((i) => i.userID),
      inviteID: r.inviteID,
    });
  const of_ = (u: string) => records.find((r) => r.invitees.some((i) => i.userID === u)) ?? records[0];
  const answer = (u: string, type: 'accepted' | 'rejected', data = '', device = `${u}#1`) => {
    const r = of_(u) as InvitationRecord;
    return alice.send({ type, invitation: r, inviteID: r.inviteID, invitee: u, device, data });
  };
  const timedOut = (users: readonly string[]) => {
    const r = of_(users[0] ?? '') as InvitationRecord;
    return alice.send({ type: 'timedOut', invitation: r, inviteID: r.inviteID, inviteeList: users });
  };
  return { alice, effects, data, records, answer, timedOut };
}

describe('group call: the caller', () => {
  it('rings three people without a group: one place effect, one request per person, everyone listed', () => {
    const { alice, effects, data } = caller(['bob', 'carol', 'dave']);
    expect(of(effects, 'place')).toMatchObject([
      { groupID: '', roomID: 'r1', invitees: ['bob', 'carol', 'dave'], timeout: 30 },
    ]);
    expect(parseCallData(data)).toMatchObject({
      ok: true,
      value: { cmd: 'audioCall', roomID: 'r1', userIDs: ['bob', 'carol', 'dave'] },
    });
    expect(of(effects, 'watch')).toEqual([{ type: 'watch', at: T0 + RING + GRACE }]);
    expect(alice.state).toMatchObject({
      phase: 'dialing',
      direction: 'outgoing',
      inviter: 'alice',
      deadline: T0 + RING,
    });
    expect(alice.states()).toEqual({ bob: 'ringing', carol: 'ringing', dave: 'ringing' });
    expect(alice.machine.sent.map((s) => s.inviteID)).toEqual(['a-bob', 'a-carol', 'a-dave']);
  });

  it('five people in a group: one invitation; partial accepts, declines, busy and a timeout', () => {
    const c = caller(['bob', 'carol', 'dave', 'erin', 'frank'], 'g1');
    expect(of(c.effects, 'place')).toMatchObject([
      { groupID: 'g1', invitees: ['bob', 'carol', 'dave', 'erin', 'frank'] },
    ]);
    c.answer('bob', 'accepted');
    expect(c.alice.state.phase).toBe('connecting');
    c.answer('carol', 'rejected', createBusyData({ callType: CallType.AUDIO, roomID: 'r1' }));
    c.answer('dave', 'rejected');
    c.alice.send({ type: 'remoteEntered', userID: 'bob' });
    expect(c.alice.state).toMatchObject({ phase: 'inCall', startedAt: T0 });
    c.alice.at(T0 + RING);
    c.timedOut(['erin']);
    expect(c.alice.states()).toEqual({
      bob: 'joined',
      carol: 'busy',
      dave: 'declined',
      erin: 'timedOut',
      frank: 'ringing',
    });
    // Frank accepts late: the call goes on with three.
    c.answer('frank', 'accepted');
    expect(c.alice.who('frank')).toMatchObject({ state: 'joined', joinedAt: T0 + RING });
    expect(c.alice.state.phase).toBe('inCall');
  });

  it('everyone declines or is busy: declined; any timeout among them: timedOut', () => {
    const a = caller(['bob', 'carol', 'dave']);
    a.answer('bob', 'rejected');
    a.answer('carol', 'rejected', createBusyData({ callType: CallType.AUDIO, roomID: 'r1' }));
    expect(a.alice.state.phase).toBe('dialing');
    a.answer('dave', 'rejected');
    expect(a.alice.state).toMatchObject({ phase: 'ended', endReason: 'declined', endedBy: 'remote' });
    expect(of(a.alice.sent, 'sendLeave')).toEqual([]);

    const b = caller(['bob', 'carol']);
    b.answer('bob', 'rejected');
    b.alice.at(T0 + RING);
    b.timedOut(['carol']);
    expect(b.alice.state).toMatchObject({ phase: 'ended', endReason: 'timedOut', endedBy: 'remote' });
  });

  it('timeouts per invitee: an added person rings on after the first ones time out', () => {
    const c = caller(['bob', 'carol']);
    c.alice.at(T0 + 10_000);
    const added = c.alice.send({ type: 'invite', userIDs: ['dave'] });
    expect(of(added, 'place')).toMatchObject([{ invitees: ['dave'] }]);
    expect(c.alice.state.deadline).toBe(T0 + 10_000 + RING);
    c.alice.at(T0 + RING);
    c.timedOut(['bob']);
    c.timedOut(['carol']);
    expect(c.alice.state.phase).toBe('dialing');
    // The server goes silent: the watchdog decides dave's ring a grace after his deadline.
    expect(of(c.alice.sent, 'watch').at(-1)).toEqual({ type: 'watch', at: T0 + 10_000 + RING + GRACE });
    c.alice.at(T0 + 10_000 + RING + GRACE);
    c.alice.send({ type: 'deadlineOver', connected: true });
    expect(c.alice.state).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    expect(of(c.alice.sent, 'watch').at(-1)).toEqual({ type: 'watch', at: undefined });
  });

  it('hanging up while dialing cancels every invitation; a late accept gets a leave notice', () => {
    const c = caller(['bob', 'carol']);
    const effects = c.alice.send({ type: 'hangUp' });
    expect(of(effects, 'cancel').map((e) => e.inviteID)).toEqual(['a-bob', 'a-carol']);
    expect(c.alice.state).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'local' });
    expect(c.alice.states()).toEqual({ bob: 'cancelled', carol: 'cancelled' });
    const late = c.answer('bob', 'accepted');
    expect(of(late, 'sendLeave')).toMatchObject([{ to: ['bob'] }]);
  });

  it('an invitation placed after the call ended is cancelled at once; all placements failed: failed', () => {
    const alice = party('alice');
    alice.send({
      type: 'start',
      invitees: ['bob', 'carol'],
      groupID: '',
      callType: CallType.AUDIO,
      roomID: 'r1',
    });
    alice.send({ type: 'hangUp' });
    expect(alice.send({ type: 'placed', roomID: 'r1', invitees: ['bob'], inviteID: 'x1' })).toEqual([
      { type: 'cancel', inviteID: 'x1' },
    ]);
    const b = party('alice');
    b.send({
      type: 'start',
      invitees: ['bob', 'carol'],
      groupID: '',
      callType: CallType.AUDIO,
      roomID: 'r2',
    });
    const failure = { code: ErrorCode.NOT_CONNECTED, message: 'offline' };
    b.send({ type: 'placeFailed', roomID: 'r2', invitees: ['bob'], failure });
    expect(b.state).toMatchObject({ phase: 'dialing', failure: undefined });
    b.send({ type: 'placeFailed', roomID: 'r2', invitees: ['carol'], failure });
    expect(b.state).toMatchObject({ phase: 'ended', endReason: 'failed', failure: 'offline' });
  });

  it('refuses bad starts with typed errors, and a start past the limit with group-call-full', () => {
    const alice = party('alice', { maxParticipants: 4 });
    const refusal = (invitees: readonly string[], groupID = '') =>
      of(
        alice.send({ type: 'start', invitees, groupID, callType: CallType.AUDIO, roomID: 'r1' }),
        'refuse',
      )[0]?.refusal;
    expect(refusal([])).toMatchObject({ code: ErrorCode.INVALID_PARAMETERS });
    expect(refusal(['alice', 'bob'])).toMatchObject({ code: ErrorCode.INVALID_PARAMETERS });
    expect(refusal(['bob'])).toMatchObject({ code: ErrorCode.INVALID_PARAMETERS });
    expect(refusal(['b', 'c', 'd', 'e'])).toEqual({
      code: 'group-call-full',
      limit: 4,
      message: expect.any(String),
    });
    expect(alice.state.phase).toBe('idle');
    // One person in a group is a group call; three more fit.
    expect(refusal(['bob'], 'g1')).toBeUndefined();
    expect(refusal(['carol', 'dave'])).toMatchObject({
      code: ErrorCode.INVALID_PARAMETERS,
      message: /already in a call/,
    });
  });
});

/** Bob's side of alice's call to `callees` (one-to-one invitations without a group). */
function callee(callees: readonly string[], groupID = '', user = 'bob', deviceID?: string) {
  const bob = party(user, {}, deviceID);
  const data = callData('r1', callees);
  const r =
    groupID === ''
      ? record('alice', [user], data, { inviteID: `a-${user}` })
      : record('alice', callees, data, { groupID, inviteID: 'a-group' });
  bob.send({ type: 'invitation', invitation: r, lineBusy: false });
  return { bob, r };
}

describe('group call: an invitee', () => {
  it('without a group: the inviter is joined, the other callees only listed (invited) until media shows them', () => {
    const { bob, r } = callee(['bob', 'carol', 'dave']);
    expect(bob.state).toMatchObject({
      phase: 'ringing',
      direction: 'incoming',
      inviter: 'alice',
      inviteID: r.inviteID,
      deadline: T0 + RING,
    });
    expect(bob.states()).toEqual({ alice: 'joined', carol: 'invited', dave: 'invited' });
    expect(bob.who('carol')).toMatchObject({ deadline: T0 + RING, invitedBy: 'alice' });
    const accepted = bob.send({ type: 'accept' });
    expect(of(accepted, 'accept')).toMatchObject([{ inviteID: r.inviteID }]);
    expect(bob.state.phase).toBe('connecting');
    bob.send({ type: 'acceptDone', inviteID: r.inviteID });
    bob.at(T0 + 2_000).send({ type: 'remoteEntered', userID: 'alice' });
    bob.send({ type: 'remoteEntered', userID: 'carol' });
    expect(bob.state).toMatchObject({ phase: 'inCall', startedAt: T0 + 2_000 });
    expect(bob.states()).toEqual({ alice: 'joined', carol: 'joined', dave: 'invited' });
    // Dave never comes: his ring window passes, the call goes on.
    bob.at(T0 + RING + GRACE).send({ type: 'deadlineOver', connected: true });
    expect(bob.states()).toMatchObject({ dave: 'timedOut' });
    expect(bob.state.phase).toBe('inCall');
  });

  it('in a group: every answer is seen; the others ring with their own deadlines', () => {
    const { bob, r } = callee(['bob', 'carol', 'dave'], 'g1');
    expect(bob.states()).toEqual({ alice: 'joined', carol: 'ringing', dave: 'ringing' });
    bob.send({ type: 'accept' });
    bob.send({
      type: 'accepted',
      invitation: r,
      inviteID: r.inviteID,
      invitee: 'carol',
      device: 'c',
      data: '',
    });
    bob.send({
      type: 'rejected',
      invitation: r,
      inviteID: r.inviteID,
      invitee: 'dave',
      device: 'd',
      data: '',
    });
    expect(bob.states()).toEqual({ alice: 'joined', carol: 'joined', dave: 'declined' });
  });

  it('declines, or declines busy; the call ends once the server took it', () => {
    const { bob, r } = callee(['bob', 'carol']);
    const effects = bob.send({ type: 'decline', busy: true });
    const data = of(effects, 'decline')[0]?.data ?? '';
    expect(parseCallData(data)).toMatchObject({ ok: true, value: { lineBusy: true } });
    expect(bob.state.phase).toBe('ringing');
    bob.send({ type: 'declineDone', inviteID: r.inviteID });
    expect(bob.state).toMatchObject({ phase: 'ended', endReason: 'busy', endedBy: 'local' });
    const c = callee(['bob', 'carol']);
    c.bob.send({ type: 'hangUp' });
    c.bob.send({
      type: 'rejected',
      invitation: c.r,
      inviteID: c.r.inviteID,
      invitee: 'bob',
      device: 'bob#1',
      data: '',
    });
    expect(c.bob.state).toMatchObject({ phase: 'ended', endReason: 'declined' });
  });

  it('multi-device: the first device to answer wins, the other ends answered elsewhere', () => {
    const phone = callee(['bob', 'carol'], '', 'bob', 'phone');
    const laptop = callee(['bob', 'carol'], '', 'bob', 'laptop');
    const answer = {
      type: 'accepted' as const,
      invitation: phone.r,
      inviteID: phone.r.inviteID,
      invitee: 'bob',
      data: '',
    };
    phone.bob.send({ type: 'accept' });
    laptop.bob.send({ ...answer, device: 'phone' });
    phone.bob.send({ ...answer, device: 'phone' });
    expect(laptop.bob.state).toMatchObject({
      phase: 'ended',
      endReason: 'answeredElsewhere',
      endedBy: 'local',
    });
    expect(phone.bob.state.phase).toBe('connecting');
    expect(phone.bob.machine.pending).toBeUndefined();
    // The loser's accept fails with 8010: the event already decided.
    laptop.bob.send({ type: 'accept' });
    expect(laptop.bob.state.endReason).toBe('answeredElsewhere');
  });

  it('the inviter cancels or the ring times out: ended as such; vanished while away: endedWhileDisconnected', () => {
    const a = callee(['bob', 'carol']);
    a.bob.send({ type: 'cancelled', invitation: a.r, inviteID: a.r.inviteID, inviteeList: ['bob'] });
    expect(a.bob.state).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'remote' });
    const b = callee(['bob', 'carol']);
    b.bob.send({ type: 'timedOut', invitation: b.r, inviteID: b.r.inviteID, inviteeList: ['bob'] });
    expect(b.bob.state).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    const c = callee(['bob', 'carol']);
    c.bob.send({ type: 'vanished', invitation: c.r, inviteID: c.r.inviteID });
    expect(c.bob.state).toMatchObject({ phase: 'ended', endReason: 'endedWhileDisconnected' });
    // The server silent past the ring window and the grace: the watchdog ends it.
    const d = callee(['bob', 'carol']);
    d.bob.at(T0 + RING + GRACE).send({ type: 'deadlineOver', connected: false });
    expect(d.bob.state).toMatchObject({ phase: 'ended', endReason: 'connectionLost' });
  });

  it("someone's media before the accept's word: the timeout or the cancel that won still ends the call", () => {
    const { bob, r } = callee(['bob', 'carol']);
    bob.send({ type: 'accept' });
    bob.send({ type: 'remoteEntered', userID: 'carol' });
    expect(bob.state.phase).toBe('inCall');
    bob.send({
      type: 'acceptFailed',
      inviteID: r.inviteID,
      failure: { code: ErrorCode.INVITATION_INVALID, message: 'gone' },
    });
    expect(bob.state.phase).toBe('inCall');
    bob.send({ type: 'timedOut', invitation: r, inviteID: r.inviteID, inviteeList: ['bob'] });
    expect(bob.state).toMatchObject({ phase: 'ended', endReason: 'timedOut', endedBy: 'remote' });
    expect(of(bob.sent, 'sendLeave')).toEqual([]);
  });

  it('a hang-up while the accept is in flight leaves once the accept won', () => {
    const { bob, r } = callee(['bob', 'carol']);
    bob.send({ type: 'accept' });
    expect(bob.send({ type: 'hangUp' })).toEqual([]);
    const effects = bob.send({ type: 'acceptDone', inviteID: r.inviteID });
    expect(bob.state).toMatchObject({ phase: 'ended', endReason: 'hungUp' });
    expect(of(effects, 'sendLeave')).toMatchObject([{ to: ['alice'] }]);
  });
});

describe('group call: leaving and the end', () => {
  /** Alice, bob and carol in call r1 (no group), seen by each of the three. */
  function threeInCall(groupID = '') {
    const c = caller(['bob', 'carol'], groupID);
    c.answer('bob', 'accepted');
    c.answer('carol', 'accepted');
    c.alice.send({ type: 'remoteEntered', userID: 'bob' });
    c.alice.send({ type: 'remoteEntered', userID: 'carol' });
    const side = (user: 'bob' | 'carol', other: string) => {
      const p = callee(['bob', 'carol'], groupID, user);
      p.bob.send({ type: 'accept' });
      p.bob.send({ type: 'acceptDone', inviteID: p.r.inviteID });
      p.bob.send({ type: 'remoteEntered', userID: 'alice' });
      p.bob.send({ type: 'remoteEntered', userID: other });
      return p.bob;
    };
    return { ...c, bob: side('bob', 'carol'), carol: side('carol', 'bob') };
  }

  it("the server's leave in this user's name (peerLeft: its call device was gone) ends the call on a device still in it", () => {
    const { bob } = threeInCall();
    const serverLeft = (roomID: string, endReason?: 'peerLeft') =>
      record(
        'bob',
        ['alice'],
        createHangupData({
          callType: CallType.AUDIO,
          roomID,
          userIDs: ['alice', 'bob', 'carol'],
          durationSeconds: 20,
          ...(endReason ? { endReason } : {}),
        }),
        { inviteID: 'server-notice', timeout: 0 },
      );
    // Its own notice from another device, or one for another room, changes nothing.
    expect(bob.send({ type: 'invitation', invitation: serverLeft('r1'), lineBusy: false })).toEqual([]);
    expect(
      bob.send({ type: 'invitation', invitation: serverLeft('r9', 'peerLeft'), lineBusy: false }),
    ).toEqual([]);
    expect(bob.state.phase).toBe('inCall');
    const effects = bob.at(T0 + 30_000).send({
      type: 'invitation',
      invitation: serverLeft('r1', 'peerLeft'),
      lineBusy: false,
    });
    expect(bob.state).toMatchObject({ phase: 'ended', endReason: 'connectionLost', endedBy: 'remote' });
    // The others were told by the server: no notice again.
    expect(of(effects, 'sendLeave')).toEqual([]);
  });

  it('a leave: the leaver sends its notice to everyone ever in the call; each marks it left at once', () => {
    const { alice, bob, carol } = threeInCall();
    expect(bob.states()).toEqual({ alice: 'joined', carol: 'joined' });
    bob.at(T0 + 61_000);
    const effects = bob.send({ type: 'hangUp' });
    expect(bob.state).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'local',
      durationSeconds: 61,
    });
    const [leave] = of(effects, 'sendLeave');
    expect(leave).toMatchObject({ groupID: '', to: ['alice', 'carol'] });
    const info = parseCallData(leave?.data ?? '');
    expect(info).toMatchObject({ ok: true, value: { cmd: 'hangup', roomID: 'r1', callEnd: 61 } });
    expect(info.ok && [...info.value.userIDs].sort()).toEqual(['alice', 'bob', 'carol']);
    const n = record('bob', ['alice'], leave?.data ?? '', { timeout: 0 });
    for (const p of [alice, carol]) {
      p.at(T0 + 61_000).send({ type: 'invitation', invitation: n, lineBusy: false });
      expect(p.who('bob')).toMatchObject({ state: 'left', leftAt: T0 + 61_000 });
      expect(p.state.phase).toBe('inCall');
    }
  });

  it('the last two ending it: the one left alone ends everyoneLeft and sends its own notice', () => {
    const { alice, carol } = threeInCall('g1');
    const leaveOf = (from: string, to: readonly string[]) =>
      record(from, to, hangup('r1', ['alice', 'bob', 'carol']), { groupID: 'g1', timeout: 0 });
    carol.send({ type: 'invitation', invitation: leaveOf('bob', ['alice', 'carol']), lineBusy: false });
    expect(carol.state.phase).toBe('inCall');
    const effects = carol.send({
      type: 'invitation',
      invitation: leaveOf('alice', ['bob', 'carol']),
      lineBusy: false,
    });
    expect(carol.state).toMatchObject({ phase: 'ended', endReason: 'everyoneLeft', endedBy: 'remote' });
    expect(of(effects, 'sendLeave')).toMatchObject([{ groupID: 'g1', to: ['alice', 'bob'] }]);
    expect(of(effects, 'disarmLeaveTimer')).toEqual([{ type: 'disarmLeaveTimer', userID: undefined }]);
    expect(alice.state.phase).toBe('inCall');
  });

  it('the lone participant waits for people still being rung, then ends when they time out', () => {
    const c = caller(['bob', 'carol', 'dave'], 'g1');
    c.answer('bob', 'accepted');
    c.alice.send({ type: 'remoteEntered', userID: 'bob' });
    c.alice.send({
      type: 'invitation',
      invitation: record('bob', ['alice'], hangup('r1', ['alice', 'bob', 'carol']), {
        groupID: 'g1',
        timeout: 0,
      }),
      lineBusy: false,
    });
    expect(c.alice.state.phase).toBe('inCall');
    c.alice.at(T0 + RING);
    c.timedOut(['carol', 'dave']);
    expect(c.alice.state).toMatchObject({ phase: 'ended', endReason: 'everyoneLeft' });
  });

  it("someone's media gone: a grace to come back; past it, left (at the time they went)", () => {
    const { alice } = threeInCall();
    alice.at(T0 + 5_000);
    expect(alice.send({ type: 'remoteLeft', userID: 'bob', graceMs: 2_000 })).toEqual([
      { type: 'armLeaveTimer', userID: 'bob', afterMs: 2_000 },
    ]);
    expect(alice.who('bob')?.goneAt).toBe(T0 + 5_000);
    expect(alice.send({ type: 'remoteEntered', userID: 'bob' })).toEqual([
      { type: 'disarmLeaveTimer', userID: 'bob' },
    ]);
    alice.send({ type: 'remoteLeft', userID: 'bob', graceMs: 2_000 });
    alice.at(T0 + 7_000).send({ type: 'leaveGraceOver', userID: 'bob' });
    expect(alice.who('bob')).toMatchObject({ state: 'left', leftAt: T0 + 5_000, goneAt: undefined });
    alice.send({ type: 'remoteLeft', userID: 'carol', graceMs: 2_000 });
    alice.at(T0 + 9_000).send({ type: 'leaveGraceOver', userID: 'carol' });
    expect(alice.state).toMatchObject({ phase: 'ended', endReason: 'everyoneLeft' });
  });

  it('fail: the call ends failed, and the others are told as on a leave', () => {
    const { alice } = threeInCall();
    const effects = alice.send({ type: 'fail', reason: 'ice failed' });
    expect(alice.state).toMatchObject({ phase: 'ended', endReason: 'failed', failure: 'ice failed' });
    expect(of(effects, 'sendLeave')).toMatchObject([{ to: ['bob', 'carol'] }]);
  });
});

describe('group call: adding people', () => {
  it('anyone in the call adds: a new invitation for the new people only, its data listing the callees so far', () => {
    const { bob, r } = callee(['bob', 'carol'], 'g1');
    bob.send({ type: 'accept' });
    bob.send({ type: 'acceptDone', inviteID: r.inviteID });
    bob.send({ type: 'remoteEntered', userID: 'alice' });
    const effects = bob.send({ type: 'invite', userIDs: ['dave', 'alice'] });
    const [place] = of(effects, 'place');
    expect(place).toMatchObject({ groupID: 'g1', roomID: 'r1', invitees: ['dave'] });
    expect(parseCallData(place?.data ?? '')).toMatchObject({
      ok: true,
      value: { userIDs: ['carol', 'bob', 'dave'] },
    });
    expect(bob.who('dave')).toMatchObject({ state: 'ringing', invitedBy: 'bob' });
    expect(of(bob.send({ type: 'invite', userIDs: ['alice'] }), 'refuse')).toHaveLength(1);
  });

  it('without a group, someone only listed (invited: their answer unseen) may be rung again, counted once', () => {
    const bob = party('bob', { maxParticipants: 4 });
    const r = record('alice', ['bob'], callData('r1', ['bob', 'carol', 'dave']), { inviteID: 'a-bob' });
    bob.send({ type: 'invitation', invitation: r, lineBusy: false });
    bob.send({ type: 'accept' });
    bob.send({ type: 'remoteEntered', userID: 'alice' });
    // Four with bob: dave rung again stays four.
    const effects = bob.send({ type: 'invite', userIDs: ['dave'] });
    expect(of(effects, 'place')).toMatchObject([{ groupID: '', invitees: ['dave'] }]);
    expect(bob.states()).toEqual({ alice: 'joined', carol: 'invited', dave: 'ringing' });
    expect(of(bob.send({ type: 'invite', userIDs: ['dave'] }), 'refuse')).toMatchObject([
      { refusal: { message: /already in the call/ } },
    ]);
  });

  it('a group member in the call sees the add: the new people ring in its list', () => {
    const { bob } = callee(['bob', 'carol'], 'g1');
    bob.send({ type: 'accept' });
    const add = record('carol', ['dave', 'erin'], callData('r1', ['bob', 'carol', 'dave', 'erin']), {
      groupID: 'g1',
    });
    bob.send({ type: 'invitation', invitation: add, lineBusy: false });
    expect(bob.states()).toMatchObject({ dave: 'ringing', erin: 'ringing' });
    expect(bob.who('dave')).toMatchObject({ invitedBy: 'carol', deadline: T0 + RING });
    bob.send({
      type: 'accepted',
      invitation: add,
      inviteID: add.inviteID,
      invitee: 'erin',
      device: 'e',
      data: '',
    });
    expect(bob.who('erin')?.state).toBe('joined');
  });

  it('adding past the limit refuses with group-call-full; those who left count no more', () => {
    const c = caller(['bob', 'carol', 'dave'], '', { maxParticipants: 5 });
    c.answer('bob', 'accepted');
    expect(of(c.alice.send({ type: 'invite', userIDs: ['erin', 'frank'] }), 'refuse')).toMatchObject([
      { refusal: { code: 'group-call-full', limit: 5 } },
    ]);
    c.answer('carol', 'rejected');
    expect(of(c.alice.send({ type: 'invite', userIDs: ['erin', 'frank'] }), 'place')).toHaveLength(1);
    expect(c.alice.states()).toMatchObject({ erin: 'ringing', frank: 'ringing' });
  });
});

describe('group call: busy and other calls', () => {
  it('an invitation listing this user while it is in a call, or while the line is busy elsewhere, is rejected busy', () => {
    const { bob } = callee(['bob', 'carol']);
    const other = record('zoe', ['bob', 'yan'], callData('r9', ['bob', 'yan'], 'zoe'), { groupID: 'g9' });
    const effects = bob.send({ type: 'invitation', invitation: other, lineBusy: false });
    const [reject] = of(effects, 'reject');
    expect(reject?.inviteID).toBe(other.inviteID);
    expect(parseCallData(reject?.data ?? '')).toMatchObject({
      ok: true,
      value: { lineBusy: true, roomID: 'r9' },
    });
    expect(bob.state.roomID).toBe('r1');

    const idle = party('bob');
    const busy = idle.send({ type: 'invitation', invitation: other, lineBusy: true });
    expect(of(busy, 'reject')).toHaveLength(1);
    expect(idle.state.phase).toBe('idle');
  });

  it('a one-to-one call is not a group call: ignored (CallController takes it)', () => {
    const bob = party('bob');
    const one = record('alice', ['bob'], callData('r2', ['bob']));
    expect(bob.send({ type: 'invitation', invitation: one, lineBusy: false })).toEqual([]);
    expect(bob.state.phase).toBe('idle');
  });
});

describe('group call: joining again', () => {
  it('after a leave: connecting until someone is there, the time in the call summed over joins', () => {
    const { bob, r } = callee(['bob', 'carol']);
    bob.send({ type: 'accept' });
    bob.send({ type: 'acceptDone', inviteID: r.inviteID });
    bob.send({ type: 'remoteEntered', userID: 'alice' });
    bob.send({ type: 'remoteEntered', userID: 'carol' });
    bob.at(T0 + 10_000).send({ type: 'hangUp' });
    expect(bob.state.durationSeconds).toBe(10);
    bob.at(T0 + 20_000);
    const effects = bob.send({
      type: 'join',
      roomID: 'r1',
      groupID: '',
      callType: CallType.AUDIO,
      participants: [],
    });
    expect(of(effects, 'watch')).toEqual([{ type: 'watch', at: T0 + 20_000 + 30_000 + GRACE }]);
    expect(bob.state).toMatchObject({ phase: 'connecting', roomID: 'r1', inviteID: undefined });
    expect(bob.states()).toEqual({ alice: 'left', carol: 'left' });
    bob.at(T0 + 21_000).send({ type: 'remoteEntered', userID: 'carol' });
    expect(bob.state.phase).toBe('inCall');
    bob.at(T0 + 26_000).send({ type: 'hangUp' });
    expect(bob.state.durationSeconds).toBe(15);
  });

  it('after a decline, nobody there within the connect timeout: timedOut', () => {
    const { bob, r } = callee(['bob', 'carol']);
    bob.send({ type: 'decline', busy: false });
    bob.send({ type: 'declineDone', inviteID: r.inviteID });
    bob.send({
      type: 'join',
      roomID: 'r1',
      groupID: '',
      callType: CallType.AUDIO,
      participants: ['alice', 'carol'],
    });
    expect(bob.state.phase).toBe('connecting');
    bob.at(T0 + 30_000 + GRACE).send({ type: 'deadlineOver', connected: true });
    expect(bob.state).toMatchObject({ phase: 'ended', endReason: 'timedOut', endedBy: 'local' });
  });

  it('joining a call that is full: ended full, and refused with group-call-full', () => {
    const c = caller(['bob', 'carol'], '', { maxParticipants: 3 });
    c.answer('bob', 'accepted');
    c.answer('carol', 'accepted');
    c.alice.send({ type: 'remoteEntered', userID: 'bob' });
    // Alice leaves; while she was out, someone took her place (as she last saw the call, three are in it).
    c.alice.send({ type: 'hangUp' });
    const effects = c.alice.send({
      type: 'join',
      roomID: 'r1',
      groupID: '',
      callType: CallType.AUDIO,
      participants: [],
    });
    expect(of(effects, 'refuse')).toEqual([]);
    expect(c.alice.state.phase).toBe('connecting');
    const crowded = party('dan', { maxParticipants: 3 });
    const r = record('alice', ['dan'], callData('r5', ['dan', 'eve', 'fay']));
    crowded.send({ type: 'invitation', invitation: r, lineBusy: false });
    crowded.send({ type: 'decline', busy: false });
    crowded.send({ type: 'declineDone', inviteID: r.inviteID });
    const refused = crowded.send({
      type: 'join',
      roomID: 'r5',
      groupID: '',
      callType: CallType.AUDIO,
      participants: [],
    });
    // Alice, eve and fay: with dan, four.
    expect(of(refused, 'refuse')).toMatchObject([{ refusal: { code: 'group-call-full', limit: 3 } }]);
    expect(crowded.state).toMatchObject({ phase: 'ended', endReason: 'full' });
  });
});

describe('group call: what TUICallKit sends (docs/group-tuicallkit.md)', () => {
  /** A TUICallKit-shaped hang-up: no room at all (JS engine) or room 0 (2022 Android). */
  const roomless = (room: 0 | undefined) =>
    JSON.stringify({
      version: 4,
      businessID: 'av_call',
      call_type: 1,
      ...(room === undefined ? {} : { room_id: room }),
      data: { cmd: 'hangup', message: '', ...(room === undefined ? {} : { room_id: room }) },
      call_end: 0,
    });

  /** Alice called bob and carol in group g1; both accepted and are in; dave still rings. */
  function aliceWithThree() {
    const c = caller(['bob', 'carol', 'dave'], 'g1');
    c.answer('bob', 'accepted');
    c.answer('carol', 'accepted');
    c.alice.send({ type: 'remoteEntered', userID: 'bob' });
    c.alice.send({ type: 'remoteEntered', userID: 'carol' });
    return c;
  }

  it('leaving never cancels a group invitation someone accepted; it cancels one nobody took', () => {
    const c = aliceWithThree();
    c.alice.send({ type: 'invite', userIDs: ['erin'] });
    c.alice.send({ type: 'placed', roomID: 'r1', invitees: ['erin'], inviteID: 'a-erin' });
    const effects = c.alice.send({ type: 'hangUp' });
    // a-group (bob and carol took it, dave still rings on it) stays; erin's, unanswered, goes.
    expect(of(effects, 'cancel').map((e) => e.inviteID)).toEqual(['a-erin']);
    expect(c.alice.states()).toMatchObject({ dave: 'ringing', erin: 'cancelled' });
    expect(of(effects, 'sendLeave')).toMatchObject([{ groupID: 'g1', to: ['bob', 'carol'] }]);
  });

  it('a group invitation counts as taken once someone’s media entered while it rang them', () => {
    const c = caller(['bob', 'carol'], 'g1');
    c.alice.send({ type: 'remoteEntered', userID: 'bob' });
    expect(c.alice.machine.sent).toMatchObject([{ inviteID: 'a-group', accepted: true }]);
    expect(of(c.alice.send({ type: 'hangUp' }), 'cancel')).toEqual([]);
  });

  it('without a group, per-callee invitations that still ring are cancelled on leaving', () => {
    const c = caller(['bob', 'carol']);
    c.answer('bob', 'accepted');
    c.alice.send({ type: 'remoteEntered', userID: 'bob' });
    const effects = c.alice.send({ type: 'hangUp' });
    expect(of(effects, 'cancel').map((e) => e.inviteID)).toEqual(['a-carol']);
  });

  it('a room-less or room-0 hang-up from someone in the call is their leave, and is acknowledged', () => {
    for (const room of [0, undefined] as const) {
      const c = aliceWithThree();
      const n = record('bob', ['alice', 'carol', 'dave'], roomless(room), { groupID: 'g1', timeout: 0 });
      const effects = c.alice.send({ type: 'invitation', invitation: n, lineBusy: false });
      expect(c.alice.who('bob')).toMatchObject({ state: 'left', leftAt: T0 });
      expect(c.alice.state.phase).toBe('inCall');
      expect(of(effects, 'acknowledge')).toEqual([{ type: 'acknowledge', inviteID: n.inviteID }]);
      expect(of(effects, 'reject')).toEqual([]);
    }
  });

  it('a room-less hang-up from someone not in the call changes nothing; one for another room neither', () => {
    const c = aliceWithThree();
    // dave still rings: not in the call.
    const fromDave = record('dave', ['alice'], roomless(0), { groupID: 'g1', timeout: 0 });
    c.alice.send({ type: 'invitation', invitation: fromDave, lineBusy: false });
    expect(c.alice.states()).toEqual({ bob: 'joined', carol: 'joined', dave: 'ringing' });
    const elsewhere = record('bob', ['alice'], hangup('r9', ['alice', 'bob']), { groupID: 'g1', timeout: 0 });
    const effects = c.alice.send({ type: 'invitation', invitation: elsewhere, lineBusy: false });
    expect(c.alice.who('bob')?.state).toBe('joined');
    // A group call's hang-up is acknowledged all the same: it must not stay active.
    expect(of(effects, 'acknowledge')).toHaveLength(1);
  });

  it('a hang-up that only names other people is not acknowledged; a one-to-one hang-up is left to CallController', () => {
    const c = aliceWithThree();
    const others = record('bob', ['carol'], roomless(0), { groupID: 'g1', timeout: 0 });
    const seen = c.alice.send({ type: 'invitation', invitation: others, lineBusy: false });
    expect(of(seen, 'acknowledge')).toEqual([]);
    // Seen by a group member: bob's leave all the same.
    expect(c.alice.who('bob')?.state).toBe('left');
    const idle = party('alice');
    const one = record('tui', ['alice'], hangup('r5', []), { timeout: 0 });
    expect(idle.send({ type: 'invitation', invitation: one, lineBusy: false })).toEqual([]);
  });

  it('a hang-up after this side left the call is acknowledged and changes nothing', () => {
    const c = aliceWithThree();
    c.alice.send({ type: 'hangUp' });
    const before = c.alice.state;
    const late = record('bob', ['alice'], roomless(0), { groupID: 'g1', timeout: 0 });
    const effects = c.alice.send({ type: 'invitation', invitation: late, lineBusy: false });
    expect(effects).toEqual([{ type: 'acknowledge', inviteID: late.inviteID }]);
    expect(c.alice.state).toBe(before);
  });

  it('the JS engine’s room-less call invitation from someone in the call is their leave: no ring, no busy', () => {
    const c = aliceWithThree();
    const jsLeave = JSON.stringify({
      version: 4,
      businessID: 'av_call',
      call_type: 1,
      data: { cmd: 'audioCall', message: '', userIDs: ['alice', 'carol'] },
    });
    const n = record('bob', ['alice'], jsLeave, { timeout: 30 });
    const effects = c.alice.send({ type: 'invitation', invitation: n, lineBusy: false });
    // Declined, not busy, so that it does not stay active.
    const [no, ...more] = of(effects, 'reject');
    expect(more).toEqual([]);
    expect(no?.inviteID).toBe(n.inviteID);
    expect(parseCallData(no?.data ?? '')).toMatchObject({
      ok: true,
      value: { lineBusy: false, cmd: undefined },
    });
    expect(c.alice.who('bob')?.state).toBe('left');
    expect(c.alice.state).toMatchObject({ phase: 'inCall', roomID: 'r1' });
    // From someone not in the call, or with no call at all: never rung, only declined.
    const stranger = record('zoe', ['alice'], jsLeave, { timeout: 30 });
    const seen = c.alice.send({ type: 'invitation', invitation: stranger, lineBusy: false });
    expect(seen.map((e) => e.type)).toEqual(['reject']);
    expect(c.alice.who('zoe')).toBeUndefined();
    const idle = party('alice');
    expect(
      idle.send({ type: 'invitation', invitation: stranger, lineBusy: false }).map((e) => e.type),
    ).toEqual(['reject']);
    expect(idle.state.phase).toBe('idle');
    // One-to-one call data (a single callee): CallController's.
    const single = record('zoe', ['alice'], jsLeave.replace('"alice","carol"', '"alice"'), { timeout: 30 });
    expect(idle.send({ type: 'invitation', invitation: single, lineBusy: false })).toEqual([]);
  });
});

describe('group call: the inviter re-sends its invitation (TUICallKit adding people)', () => {
  it('ringing: rings on once for the newest, no busy; the answer goes to every invitation of the call', () => {
    const { bob, r } = callee(['bob', 'carol'], 'g1');
    const again = record('alice', ['bob', 'dave'], callData('r1', []), {
      groupID: 'g1',
      inviteID: 'a-again',
      createdAt: T0 + 5_000,
    });
    const effects = bob.at(T0 + 5_000).send({ type: 'invitation', invitation: again, lineBusy: false });
    expect(of(effects, 'reject')).toEqual([]);
    expect(bob.state).toMatchObject({ phase: 'ringing', inviteID: 'a-again', deadline: T0 + 5_000 + RING });
    expect(bob.states()).toEqual({ alice: 'joined', carol: 'ringing', dave: 'ringing' });
    const accepted = bob.send({ type: 'accept' });
    expect(accepted.filter((e) => e.type === 'accept' || e.type === 'acknowledge')).toMatchObject([
      { type: 'accept', inviteID: 'a-again' },
      { type: 'acknowledge', inviteID: r.inviteID },
    ]);
    // In the call, yet another one from the call's inviter is accepted at once.
    const third = record('alice', ['bob'], callData('r1', []), { groupID: 'g1', inviteID: 'a-third' });
    expect(bob.send({ type: 'invitation', invitation: third, lineBusy: false })).toEqual([
      { type: 'acknowledge', inviteID: 'a-third' },
    ]);
  });

  it('a decline answers every invitation of the call; one arriving while it is on its way too', () => {
    const { bob, r } = callee(['bob', 'carol'], 'g1');
    const again = record('alice', ['bob'], callData('r1', []), { groupID: 'g1', inviteID: 'a-again' });
    bob.send({ type: 'invitation', invitation: again, lineBusy: false });
    const declined = bob.send({ type: 'decline', busy: false });
    expect(of(declined, 'decline').map((e) => e.inviteID)).toEqual(['a-again']);
    expect(of(declined, 'reject').map((e) => e.inviteID)).toEqual([r.inviteID]);
    const late = record('alice', ['bob'], callData('r1', []), { groupID: 'g1', inviteID: 'a-late' });
    const [no] = of(bob.send({ type: 'invitation', invitation: late, lineBusy: false }), 'reject');
    expect(no?.inviteID).toBe('a-late');
    expect(parseCallData(no?.data ?? '')).toMatchObject({ ok: true, value: { lineBusy: false } });
  });

  it('without a group, a re-sent invitation listing only the people added (TUICallKit iOS) rings on too', () => {
    const { bob, r } = callee(['bob', 'carol']);
    // One-to-one by its data (one callee, not bob), but it names the call's room.
    const again = record('alice', ['bob'], callData('r1', ['dave']), { inviteID: 'a-again' });
    const effects = bob.send({ type: 'invitation', invitation: again, lineBusy: false });
    expect(of(effects, 'reject')).toEqual([]);
    expect(bob.state).toMatchObject({ phase: 'ringing', inviteID: 'a-again' });
    const accepted = bob.send({ type: 'accept' });
    expect(accepted.filter((e) => e.type === 'accept' || e.type === 'acknowledge')).toMatchObject([
      { type: 'accept', inviteID: 'a-again' },
      { type: 'acknowledge', inviteID: r.inviteID },
    ]);
    // A one-to-one call naming another room is still not this machine's.
    const other = record('alice', ['bob'], callData('r2', ['bob']), { inviteID: 'a-other' });
    expect(bob.send({ type: 'invitation', invitation: other, lineBusy: false })).toEqual([]);
  });

  it('from someone not in the call, the same room is still a busy reject', () => {
    const { bob } = callee(['bob', 'carol'], 'g1');
    const other = record('zoe', ['bob'], callData('r1', [], 'zoe'), { groupID: 'g1' });
    const [busy] = of(bob.send({ type: 'invitation', invitation: other, lineBusy: false }), 'reject');
    expect(parseCallData(busy?.data ?? '')).toMatchObject({ ok: true, value: { lineBusy: true } });
  });
});
