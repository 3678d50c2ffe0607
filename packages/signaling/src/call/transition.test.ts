import { describe, expect, it } from 'vitest';
import {
  CallType,
  createBusyData,
  createCallData,
  createHangupData,
  createSwitchToAudioData,
  parseCallData,
} from '../callData.js';
import { ErrorCode } from '../errors.js';
import type { InvitationRecord } from '../rules/types.js';
import {
  type CallEffect,
  type CallInput,
  type CallInterop,
  type CallMachineState,
  callTransition,
  initialCallMachine,
} from './transition.js';
import { tuiCallKitInterop } from './tuicallkit.js';

// Pure: no client, no clock, no timers. Time is a number in each input.
const ALICE = { userID: 'alice', deviceID: 'a-1' };
const T0 = 1_700_000_000_000;

function record(over: Partial<InvitationRecord> & { data: string }): InvitationRecord {
  return {
    inviteID: 'inv-1',
    inviter: 'bob',
    groupID: '',
    timeout: 30,
    onlineUserOnly: false,
    createdAt: T0,
    invitees: [{ userID: 'alice', state: 'pending', deadline: T0 + 30_000, delivered: true }],
    answers: 0,
    ...over,
  };
}

const videoCall = (roomID: string) => createCallData({ callType: CallType.VIDEO, roomID });

/** Feeds inputs in order; returns the last state and every effect, in order. */
function run(
  inputs: readonly CallInput[],
  from: CallMachineState = initialCallMachine,
  interop?: CallInterop,
) {
  let state = from;
  const effects: CallEffect[] = [];
  for (const input of inputs) {
    const step = callTransition(state, input, interop);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, call: state.call, effects };
}

const dial = (peer = 'bob', roomID = 'room-1', now = T0): CallInput => ({
  type: 'dial',
  now,
  peer,
  roomID,
  callType: CallType.VIDEO,
  self: ALICE,
  ringTimeoutSeconds: 30,
});
const ring = (r: InvitationRecord, now = T0): CallInput => ({
  type: 'invitation',
  now,
  self: ALICE,
  invitation: r,
});
const incoming = record({ data: videoCall('room-b') });

describe('callTransition (pure)', () => {
  it('dial: dialing with a fresh call, and one placeCall effect carrying the call data', () => {
    const { call, effects } = run([dial()]);
    expect(call).toMatchObject({
      phase: 'dialing',
      direction: 'outgoing',
      peer: 'bob',
      roomID: 'room-1',
      deadline: T0 + 30_000,
    });
    expect(effects).toHaveLength(2);
    // The watchdog guards the ringing until the invitation's deadline.
    expect(effects[0]).toEqual({ type: 'watch', phase: 'dialing', deadline: T0 + 30_000 });
    const placed = effects[1];
    expect(placed).toMatchObject({ type: 'placeCall', peer: 'bob', roomID: 'room-1', timeout: 30 });
    const info = placed?.type === 'placeCall' ? parseCallData(placed.data) : undefined;
    expect(info?.ok && info.value).toMatchObject({
      cmd: 'videoCall',
      roomID: 'room-1',
      userIDs: ['bob'],
    });
  });

  it('dial while in a call is refused as data; the state does not move', () => {
    const dialing = run([dial()]);
    const { state, effects } = callTransition(dialing.state, dial('carol', 'room-2'));
    expect(state).toBe(dialing.state);
    expect(effects).toEqual([
      { type: 'refuse', code: ErrorCode.INVALID_PARAMETERS, message: 'already in a call' },
    ]);
  });

  it('the outgoing call: accepted -> connecting, remote entered -> inCall, hang up -> ended with the duration and a call-end', () => {
    const { call, effects } = run([
      dial(),
      { type: 'dialed', now: T0 + 10, roomID: 'room-1', inviteID: 'inv-9' },
      {
        type: 'accepted',
        now: T0 + 500,
        self: ALICE,
        invitation: record({ inviteID: 'inv-9', inviter: 'alice', data: videoCall('room-1') }),
        inviteID: 'inv-9',
        invitee: 'bob',
        device: 'b-1',
        data: '',
      },
      { type: 'remoteEntered', now: T0 + 1_000 },
      { type: 'hangUp', now: T0 + 43_400 },
    ]);
    expect(call).toMatchObject({
      phase: 'ended',
      inviteID: 'inv-9',
      startedAt: T0 + 1_000,
      endedAt: T0 + 43_400,
      durationSeconds: 42,
      endReason: 'hungUp',
      endedBy: 'local',
    });
    const end = effects.find((e) => e.type === 'sendCallEnd');
    expect(end).toMatchObject({ type: 'sendCallEnd', peer: 'bob' });
    const info = end?.type === 'sendCallEnd' ? parseCallData(end.data) : undefined;
    expect(info?.ok && info.value).toMatchObject({ cmd: 'hangup', callEnd: 42, roomID: 'room-1' });
  });

  it('an incoming call rings; accept -> connecting with an accept effect; an accept that lost (8010) waits for the event that says who won', () => {
    const ringing = run([ring(incoming)]);
    expect(ringing.call).toMatchObject({
      phase: 'ringing',
      direction: 'incoming',
      peer: 'bob',
      roomID: 'room-b',
    });
    expect(ringing.effects).toEqual([
      { type: 'watch', phase: 'ringing', deadline: T0 + 30_000 },
      { type: 'disarmLeaveTimer' },
    ]);
    const accepted = run([{ type: 'accept', now: T0 + 1 }], ringing.state);
    expect(accepted.call.phase).toBe('connecting');
    expect(accepted.state.pending).toBe('accept');
    expect(accepted.effects).toEqual([
      { type: 'watch', phase: 'connecting', deadline: T0 + 30_000 },
      { type: 'accept', inviteID: 'inv-1' },
    ]);
    const confirmed = run([{ type: 'acceptDone', now: T0 + 2, inviteID: 'inv-1' }], accepted.state);
    expect(confirmed.state).toEqual({ call: accepted.call, pending: undefined, glare: [] });
    const lost = run(
      [
        {
          type: 'acceptFailed',
          now: T0 + 2,
          inviteID: 'inv-1',
          failure: { code: ErrorCode.INVITATION_INVALID, message: 'gone' },
        },
      ],
      accepted.state,
    );
    expect(lost.state).toBe(accepted.state);
    const seen = { self: ALICE, invitation: incoming, inviteID: 'inv-1' };
    const cancelled = run([{ ...seen, type: 'cancelled', now: T0 + 3, inviter: 'bob' }], lost.state);
    expect(cancelled.call).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'remote' });
    expect(cancelled.call.missed.map((m) => m.peer)).toEqual(['bob']);
    const timedOut = run([{ ...seen, type: 'timedOut', now: T0 + 30_000 }], lost.state);
    expect(timedOut.call).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    const offline = run(
      [
        {
          type: 'acceptFailed',
          now: T0 + 2,
          inviteID: 'inv-1',
          failure: { code: ErrorCode.NOT_CONNECTED, message: 'offline' },
        },
      ],
      accepted.state,
    );
    expect(offline.call).toMatchObject({ phase: 'ended', endReason: 'failed', failure: 'offline' });
  });

  it("the peer's media entered before our accept was confirmed: the accept still decides (inCall, or ended as the winning event says, telling the peer nothing)", () => {
    // The caller waits in the room while dialing, so its media enters as soon as ours starts.
    const entered = run([
      ring(incoming),
      { type: 'accept', now: T0 + 1 },
      { type: 'remoteEntered', now: T0 + 2 },
    ]);
    expect(entered.call).toMatchObject({ phase: 'inCall', startedAt: T0 + 2 });
    expect(entered.state.pending).toBe('accept');
    const seen = { self: ALICE, invitation: incoming, inviteID: 'inv-1' };
    const lost8010: CallInput = {
      type: 'acceptFailed',
      now: T0 + 3,
      inviteID: 'inv-1',
      failure: { code: ErrorCode.INVITATION_INVALID, message: 'gone' },
    };
    const timedOut = run([lost8010, { ...seen, type: 'timedOut', now: T0 + 4 }], entered.state);
    expect(timedOut.call).toMatchObject({ phase: 'ended', endReason: 'timedOut', endedBy: 'remote' });
    expect(timedOut.state.pending).toBeUndefined();
    // Nothing goes to the peer: no call-end for a call it never had.
    expect(timedOut.effects).toEqual([{ type: 'disarmLeaveTimer' }]);
    const cancelled = run([{ ...seen, type: 'cancelled', now: T0 + 4, inviter: 'bob' }], entered.state);
    expect(cancelled.call).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'remote' });
    expect(cancelled.effects).toEqual([{ type: 'disarmLeaveTimer' }]);
    // Hung up while the accept was on its way, then the timeout won: ended as timed out, no call-end.
    const hungUp = run(
      [
        { type: 'hangUp', now: T0 + 3 },
        { ...seen, type: 'timedOut', now: T0 + 4 },
      ],
      entered.state,
    );
    expect(hungUp.call).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    expect(hungUp.effects.map((e) => e.type)).toEqual(['disarmLeaveTimer']);
    // Another device of ours answered first.
    const answer = (device: string): CallInput => ({
      ...seen,
      type: 'accepted',
      now: T0 + 4,
      invitee: 'alice',
      device,
      data: '',
    });
    expect(run([answer('a-2')], entered.state).call).toMatchObject({
      phase: 'ended',
      endReason: 'answeredElsewhere',
    });
    // Confirmed (by the reply or by the server's event): in the call since the media entered.
    for (const confirm of [{ type: 'acceptDone', now: T0 + 4, inviteID: 'inv-1' } as const, answer('a-1')]) {
      const won = run([confirm], entered.state);
      expect(won.state).toEqual({ call: entered.call, pending: undefined, glare: [] });
      expect(won.call).toMatchObject({ phase: 'inCall', startedAt: T0 + 2 });
      expect(won.effects).toEqual([]);
    }
    // Hung up meanwhile and the accept won: ended at once, with the call-end.
    const late = run([{ type: 'hangUp', now: T0 + 3 }, answer('a-1')], entered.state);
    expect(late.call).toMatchObject({ phase: 'ended', endReason: 'hungUp', endedBy: 'local' });
    expect(late.effects.map((e) => e.type)).toEqual(['disarmLeaveTimer', 'sendCallEnd']);
  });

  it("the callee's media entered before the caller heard the answer: the answer still decides", () => {
    const mine = record({ inviteID: 'inv-9', inviter: 'alice', data: videoCall('room-1') });
    const seen = { self: ALICE, invitation: mine, inviteID: 'inv-9' };
    const entered = run([
      dial(),
      { type: 'dialed', now: T0 + 10, roomID: 'room-1', inviteID: 'inv-9' },
      { type: 'remoteEntered', now: T0 + 20 },
    ]);
    expect(entered.call).toMatchObject({ phase: 'inCall', startedAt: T0 + 20 });
    const answer = (type: 'accepted' | 'rejected', device = 'b-1'): CallInput => ({
      ...seen,
      type,
      now: T0 + 30,
      invitee: 'bob',
      device,
      data: '',
    });
    // The answer that won: in the call since the media entered.
    const accepted = run([answer('accepted')], entered.state);
    expect(accepted.call).toMatchObject({ phase: 'inCall', startedAt: T0 + 20 });
    expect(accepted.effects).toEqual([]);
    expect(accepted.state.pending).toBeUndefined();
    // Hung up before the answer came: a cancel, as while dialing (the answer may still lose), no call-end.
    const hungUp = run([{ type: 'hangUp', now: T0 + 25 }], entered.state);
    expect(hungUp.call.phase).toBe('inCall');
    expect(hungUp.state.pending).toBe('cancel');
    expect(hungUp.effects).toEqual([{ type: 'cancel', inviteID: 'inv-9' }]);
    // The callee's accept lost: to the timeout, or to a decline on its other device.
    const timedOut = run([{ ...seen, type: 'timedOut', now: T0 + 30 }], entered.state);
    expect(timedOut.call).toMatchObject({ phase: 'ended', endReason: 'timedOut', endedBy: 'remote' });
    expect(timedOut.effects).toEqual([{ type: 'disarmLeaveTimer' }]);
    const declined = run([answer('rejected', 'b-2')], entered.state);
    expect(declined.call).toMatchObject({ phase: 'ended', endReason: 'declined', endedBy: 'remote' });
    expect(declined.effects).toEqual([{ type: 'disarmLeaveTimer' }]);
    // Hung up while it rang, then the media entered: still waiting for who won.
    const cancelling = run(
      [{ type: 'hangUp', now: T0 + 15 }],
      run([dial(), { type: 'dialed', now: T0 + 10, roomID: 'room-1', inviteID: 'inv-9' }]).state,
    );
    expect(cancelling.effects).toEqual([{ type: 'cancel', inviteID: 'inv-9' }]);
    const inRoom = run(
      [
        { type: 'remoteEntered', now: T0 + 20 },
        {
          type: 'cancelFailed',
          now: T0 + 25,
          inviteID: 'inv-9',
          failure: { code: ErrorCode.INVITATION_INVALID, message: 'answered' },
        },
      ],
      cancelling.state,
    );
    expect(inRoom.call.phase).toBe('inCall');
    expect(inRoom.state.pending).toBe('cancel');
    // The accept won: the user asked to hang up, so the call ends properly, with the call-end.
    const crossed = run([answer('accepted')], inRoom.state);
    expect(crossed.call).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'local',
      durationSeconds: 0,
    });
    expect(crossed.effects.map((e) => e.type)).toEqual(['disarmLeaveTimer', 'sendCallEnd']);
    // The cancel won: ended as cancelled, nothing more to tell.
    const cancelled = run([{ ...seen, type: 'cancelled', now: T0 + 25, inviter: 'alice' }], inRoom.state);
    expect(cancelled.call).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'local' });
    expect(cancelled.effects).toEqual([{ type: 'disarmLeaveTimer' }]);
    // The media can also come before the invite's own reply (no id yet): the call is still ours.
    const early = run([dial(), { type: 'remoteEntered', now: T0 + 20 }]);
    expect(early.call).toMatchObject({ phase: 'inCall', inviteID: undefined });
    const earlyLost = run([{ ...seen, type: 'timedOut', now: T0 + 30 }], early.state);
    expect(earlyLost.call).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    const earlyDeclined = run([answer('rejected', 'b-2')], early.state);
    expect(earlyDeclined.call).toMatchObject({ phase: 'ended', endReason: 'declined' });
    // Hung up before the reply, then the media entered: the reply's id is cancelled all the same.
    const asked = run(
      [
        { type: 'hangUp', now: T0 + 15 },
        { type: 'remoteEntered', now: T0 + 20 },
        { type: 'dialed', now: T0 + 25, roomID: 'room-1', inviteID: 'inv-9' },
      ],
      run([dial()]).state,
    );
    expect(asked.effects).toContainEqual({ type: 'cancel', inviteID: 'inv-9' });
  });

  it('busy: a call during a call is rejected with the line-busy data and listed as missed', () => {
    const inCall = run([ring(incoming), { type: 'accept', now: T0 }]);
    const carol = record({
      inviteID: 'inv-2',
      inviter: 'carol',
      data: createCallData({ callType: CallType.AUDIO, roomID: 'room-c' }),
    });
    const { call, effects } = run([ring(carol, T0 + 5)], inCall.state);
    expect(call.phase).toBe('connecting');
    expect(call.missed).toEqual([{ inviteID: 'inv-2', peer: 'carol', callType: CallType.AUDIO, at: T0 }]);
    expect(effects).toEqual([
      {
        type: 'reject',
        inviteID: 'inv-2',
        data: createBusyData({ callType: CallType.AUDIO, roomID: 'room-c', userIDs: ['alice'] }),
      },
    ]);
  });

  it('busy elsewhere (lineBusy: a group call runs): a call is rejected busy and listed as missed', () => {
    const { call, effects } = run([
      { type: 'invitation', now: T0, self: ALICE, invitation: incoming, lineBusy: true },
    ]);
    expect(call.phase).toBe('idle');
    expect(call.missed).toMatchObject([{ inviteID: 'inv-1', peer: 'bob' }]);
    expect(effects).toMatchObject([{ type: 'reject', inviteID: 'inv-1' }]);
    expect(parseCallData((effects[0] as { data: string }).data)).toMatchObject({
      ok: true,
      value: { lineBusy: true },
    });
  });

  it('a call invitation with no room, or whose callees do not name this user, neither rings nor is refused busy', () => {
    // TUICallKit iOS re-inviting its group call's ringing callees lists only the people it adds.
    const reinvite = record({
      data: createCallData({ callType: CallType.VIDEO, roomID: 'g-1', userIDs: ['dave'] }),
    });
    // The JS engine leaving a group call without a group sends a call invitation with no room.
    const roomless = record({
      data: createCallData({ callType: CallType.VIDEO, roomID: '', userIDs: ['alice'] }),
    });
    expect(run([ring(reinvite)])).toMatchObject({ call: { phase: 'idle' }, effects: [] });
    expect(
      run([{ type: 'invitation', now: T0, self: ALICE, invitation: reinvite, lineBusy: true }]).effects,
    ).toEqual([]);
    // The room-less one is declined plainly (not busy), so it does not stay active.
    for (const lineBusy of [false, true]) {
      const { call, effects } = run([
        { type: 'invitation', now: T0, self: ALICE, invitation: roomless, lineBusy },
      ]);
      expect(call.phase).toBe('idle');
      expect(effects).toEqual([{ type: 'reject', inviteID: 'inv-1', data: '' }]);
    }
    // A call naming this user (or naming nobody, as some clients send) still rings.
    const named = record({
      data: createCallData({ callType: CallType.VIDEO, roomID: 'r', userIDs: ['alice'] }),
    });
    expect(run([ring(named)]).call.phase).toBe('ringing');
    expect(run([ring(incoming)]).call.phase).toBe('ringing');
  });

  it("a group call's invitations and leave notices are left to the group machine", () => {
    const group = record({
      data: createCallData({ callType: CallType.AUDIO, roomID: 'g-1', userIDs: ['alice', 'carol'] }),
    });
    expect(run([ring(group)]).effects).toEqual([]);
    expect(run([ring({ ...incoming, groupID: 'team' })]).effects).toEqual([]);
    // A leave notice of a group call during a one-to-one call with its sender: not our call-end.
    const inCall = run([ring(incoming), { type: 'accept', now: T0 }]);
    const leave = record({
      inviteID: 'inv-9',
      timeout: 0,
      data: createHangupData({
        callType: CallType.VIDEO,
        roomID: 'room-b',
        userIDs: ['alice', 'bob', 'carol'],
        durationSeconds: 3,
      }),
    });
    const after = run([ring(leave)], inCall.state);
    expect(after.effects).toEqual([]);
    expect(after.call.phase).toBe('connecting');
  });

  it('decline as busy rejects with the line-busy reason and ends locally once the server took it', () => {
    const asked = run([ring(incoming), { type: 'decline', now: T0 + 1, busy: true }]);
    expect(asked.call.phase).toBe('ringing');
    expect(asked.state.pending).toBe('busy');
    expect(asked.effects.at(-1)).toEqual({
      type: 'decline',
      inviteID: 'inv-1',
      data: createBusyData({ callType: CallType.VIDEO, roomID: 'room-b' }),
    });
    const done = run([{ type: 'declineDone', now: T0 + 2, inviteID: 'inv-1' }], asked.state);
    expect(done.call).toMatchObject({ phase: 'ended', endReason: 'busy', endedBy: 'local' });
    expect(done.state.pending).toBeUndefined();
  });

  it('the caller rejected with line busy sees busy; without it, declined', () => {
    const answer = (data: string): CallInput => ({
      type: 'rejected',
      now: T0 + 1,
      self: ALICE,
      invitation: record({ inviteID: 'inv-9', inviter: 'alice', data: videoCall('room-1') }),
      inviteID: 'inv-9',
      invitee: 'bob',
      device: 'b-1',
      data,
    });
    const busy = createBusyData({ callType: CallType.VIDEO, roomID: 'room-1' });
    expect(run([dial(), answer(busy)]).call.endReason).toBe('busy');
    expect(run([dial(), answer('')]).call.endReason).toBe('declined');
  });

  it('an answer from another device of this user: answered elsewhere; from this device: nothing', () => {
    const answer = (device: string): CallInput => ({
      type: 'accepted',
      now: T0 + 1,
      self: ALICE,
      invitation: incoming,
      inviteID: 'inv-1',
      invitee: 'alice',
      device,
      data: '',
    });
    expect(run([ring(incoming), answer('a-2')]).call).toMatchObject({
      phase: 'ended',
      endReason: 'answeredElsewhere',
    });
    expect(run([ring(incoming), answer('a-1')]).call.phase).toBe('ringing');
  });

  it('cancelled or timed out while ringing: a missed call; timed out while dialing: timedOut', () => {
    const seen = { self: ALICE, invitation: incoming, inviteID: 'inv-1' };
    const cancelled = run([ring(incoming), { ...seen, type: 'cancelled', now: T0 + 5, inviter: 'bob' }]);
    expect(cancelled.call).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'remote' });
    expect(cancelled.call.missed.map((m) => m.peer)).toEqual(['bob']);
    const timedOut = run([ring(incoming), { ...seen, type: 'timedOut', now: T0 + 30_000 }]);
    expect(timedOut.call).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    expect(timedOut.call.missed).toHaveLength(1);
    const mine = record({ inviteID: 'inv-9', inviter: 'alice', data: videoCall('room-1') });
    const caller = run([
      dial(),
      { type: 'timedOut', now: T0 + 30_000, self: ALICE, invitation: mine, inviteID: 'inv-9' },
    ]);
    expect(caller.call).toMatchObject({
      phase: 'ended',
      endReason: 'timedOut',
      missed: [],
    });
  });

  it('hang up before the invite is answered waits for the id, then cancels it', () => {
    const early = run([dial(), { type: 'hangUp', now: T0 + 1 }]);
    expect(early.call.phase).toBe('dialing');
    expect(early.state.pending).toBe('cancel');
    const later = run([{ type: 'dialed', now: T0 + 2, roomID: 'room-1', inviteID: 'inv-9' }], early.state);
    expect(later.call).toMatchObject({ phase: 'dialing', inviteID: 'inv-9' });
    expect(later.effects).toEqual([{ type: 'cancel', inviteID: 'inv-9' }]);
    const done = run([{ type: 'cancelDone', now: T0 + 3, inviteID: 'inv-9' }], later.state);
    expect(done.call).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'local' });
  });

  it('glare on the server (8012): the caller rings the existing invitation and accepts it', () => {
    const { call, effects } = run([
      dial('bob', 'room-a'),
      {
        type: 'dialFailed',
        now: T0 + 1,
        roomID: 'room-a',
        failure: { code: ErrorCode.ALREADY_EXISTS, message: 'glare' },
        existing: { inviteID: 'inv-1', record: incoming },
      },
    ]);
    expect(call).toMatchObject({
      phase: 'connecting',
      direction: 'incoming',
      inviteID: 'inv-1',
      roomID: 'room-b',
    });
    expect(effects.at(-1)).toEqual({ type: 'accept', inviteID: 'inv-1' });
  });

  it('glare on this side: dialing the peer who is ringing us answers them', () => {
    const { call, effects } = run([ring(incoming), dial('bob', 'room-a')]);
    expect(call).toMatchObject({ phase: 'connecting', roomID: 'room-b' });
    expect(effects.at(-1)).toEqual({ type: 'accept', inviteID: 'inv-1' });
  });

  it('any other dial failure ends the call as failed with the message', () => {
    const { call } = run([
      dial(),
      {
        type: 'dialFailed',
        now: T0 + 1,
        roomID: 'room-1',
        failure: { code: undefined, message: 'offline' },
        existing: undefined,
      },
    ]);
    expect(call).toMatchObject({ phase: 'ended', endReason: 'failed', endedBy: 'local', failure: 'offline' });
  });

  it("the peer's call-end ends ours with its duration and is acknowledged", () => {
    const inCall = run([ring(incoming), { type: 'accept', now: T0 }, { type: 'remoteEntered', now: T0 }]);
    const hangup = record({
      inviteID: 'inv-end',
      timeout: 0,
      data: createHangupData({ callType: CallType.VIDEO, roomID: 'room-b', durationSeconds: 17 }),
    });
    const { call, effects } = run([ring(hangup, T0 + 17_000)], inCall.state);
    expect(call).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'remote',
      durationSeconds: 17,
    });
    expect(effects).toContainEqual({ type: 'acknowledge', inviteID: 'inv-end', data: '' });
    // A stray call-end (another room) is acknowledged and changes nothing.
    const stray = record({
      inviteID: 'inv-x',
      timeout: 0,
      data: createHangupData({ callType: CallType.VIDEO, roomID: 'elsewhere', durationSeconds: 1 }),
    });
    const after = callTransition(inCall.state, ring(stray));
    expect(after.state).toBe(inCall.state);
    expect(after.effects).toEqual([{ type: 'acknowledge', inviteID: 'inv-x', data: '' }]);
  });

  it('remote left arms the grace timer; when it runs out the call ends as peerLeft with the duration up to the loss, and this side sends the call-end', () => {
    const inCall = run([ring(incoming), { type: 'accept', now: T0 }, { type: 'remoteEntered', now: T0 }]);
    const left = callTransition(inCall.state, { type: 'remoteLeft', now: T0 + 5_000, graceMs: 10_000 });
    expect(left.state.call).toMatchObject({ phase: 'inCall', peerGoneAt: T0 + 5_000 });
    expect(left.effects).toEqual([{ type: 'armLeaveTimer', afterMs: 10_000, inviteID: 'inv-1' }]);
    // A second report while waiting keeps the first loss time and timer.
    const again = callTransition(left.state, { type: 'remoteLeft', now: T0 + 6_000, graceMs: 10_000 });
    expect(again).toEqual({ state: left.state, effects: [] });
    const over = run([{ type: 'leaveGraceOver', now: T0 + 15_000, inviteID: 'inv-1' }], left.state);
    expect(over.call).toMatchObject({
      phase: 'ended',
      endReason: 'peerLeft',
      endedBy: 'remote',
      endedAt: T0 + 15_000,
      durationSeconds: 5,
    });
    expect(over.effects.map((e) => e.type)).toEqual(['disarmLeaveTimer', 'sendCallEnd']);
    const sent = over.effects[1]?.type === 'sendCallEnd' ? parseCallData(over.effects[1].data) : undefined;
    // Our own call-end is an ordinary hang-up: the peer who vanished is not told it left.
    expect(sent?.ok && sent.value).toMatchObject({ cmd: 'hangup', callEnd: 5 });
    expect(sent?.ok && sent.value.endReason).toBeUndefined();
    // A timer of an older call does nothing.
    const stale = callTransition(left.state, {
      type: 'leaveGraceOver',
      now: T0 + 15_000,
      inviteID: 'inv-0',
    });
    expect(stale).toEqual({ state: left.state, effects: [] });
  });

  it('the peer back within the grace period: the timer is disarmed and the call goes on', () => {
    const left = run([
      ring(incoming),
      { type: 'accept', now: T0 },
      { type: 'remoteEntered', now: T0 },
      { type: 'remoteLeft', now: T0 + 5_000, graceMs: 10_000 },
    ]);
    const back = callTransition(left.state, { type: 'remoteEntered', now: T0 + 8_000 });
    expect(back.state.call).toMatchObject({ phase: 'inCall', startedAt: T0, peerGoneAt: undefined });
    expect(back.effects).toEqual([{ type: 'disarmLeaveTimer' }]);
    // Leaving again later starts a new grace period from the new loss.
    const later = run([{ type: 'remoteLeft', now: T0 + 60_000, graceMs: 10_000 }], back.state);
    expect(later.call.peerGoneAt).toBe(T0 + 60_000);
    expect(later.effects).toEqual([{ type: 'armLeaveTimer', afterMs: 10_000, inviteID: 'inv-1' }]);
  });

  it("the server's peerLeft hang-up ends the call as peerLeft by the remote, with its duration", () => {
    const inCall = run([ring(incoming), { type: 'accept', now: T0 }, { type: 'remoteEntered', now: T0 }]);
    const data = createHangupData({
      callType: CallType.VIDEO,
      roomID: 'room-b',
      durationSeconds: 9,
      endReason: 'peerLeft',
    });
    const ended = run([ring(record({ inviteID: 'inv-h', timeout: 0, data }), T0 + 20_000)], inCall.state);
    expect(ended.call).toMatchObject({
      phase: 'ended',
      endReason: 'peerLeft',
      endedBy: 'remote',
      durationSeconds: 9,
    });
    // Acknowledged, and no call-end of ours (the peer is gone); the leave timer stops.
    expect(ended.effects.map((e) => e.type)).toEqual(['acknowledge', 'disarmLeaveTimer']);
  });

  it('the watchdog: a phase past its deadline ends as connectionLost when disconnected, timedOut when connected', () => {
    const dialing = run([dial(), { type: 'dialed', now: T0 + 10, roomID: 'room-1', inviteID: 'inv-9' }]);
    const lost = run(
      [{ type: 'deadlineOver', now: T0 + 35_000, phase: 'dialing', inviteID: 'inv-9', connected: false }],
      dialing.state,
    );
    expect(lost.call).toMatchObject({ phase: 'ended', endReason: 'connectionLost', endedBy: 'local' });
    // The invitation must not ring on once the server is back: cancelled (a failure is ignored).
    expect(lost.effects).toContainEqual({ type: 'cancel', inviteID: 'inv-9' });
    expect(lost.effects).toContainEqual({ type: 'watch', phase: 'ended', deadline: T0 + 30_000 });

    const ringing = run([ring(incoming)]);
    const timedOut = run(
      [{ type: 'deadlineOver', now: T0 + 35_000, phase: 'ringing', inviteID: 'inv-1', connected: true }],
      ringing.state,
    );
    expect(timedOut.call).toMatchObject({ phase: 'ended', endReason: 'timedOut', endedBy: 'remote' });
    expect(timedOut.call.missed).toMatchObject([{ inviteID: 'inv-1', peer: 'bob' }]);

    // Connecting: the peer is told with a call-end (the call was answered).
    const connecting = run([
      ring(incoming),
      { type: 'accept', now: T0 },
      { type: 'acceptDone', now: T0, inviteID: 'inv-1' },
    ]);
    const stuck = run(
      [{ type: 'deadlineOver', now: T0 + 40_000, phase: 'connecting', inviteID: 'inv-1', connected: true }],
      connecting.state,
    );
    expect(stuck.call).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    expect(stuck.effects.map((e) => e.type)).toContain('sendCallEnd');

    // A watchdog of a phase already left does nothing.
    const inCall = run([{ type: 'remoteEntered', now: T0 + 1_000 }], connecting.state);
    const late = callTransition(inCall.state, {
      type: 'deadlineOver',
      now: T0 + 40_000,
      phase: 'connecting',
      inviteID: 'inv-1',
      connected: true,
    });
    expect(late).toEqual({ state: inCall.state, effects: [] });
    // Reaching inCall stops the watchdog.
    expect(inCall.effects).toEqual([{ type: 'watch', phase: 'inCall', deadline: T0 + 30_000 }]);
  });

  it('an invitation that vanished while disconnected ends a ringing or dialing call as endedWhileDisconnected', () => {
    const ringing = run([ring(incoming)]);
    const gone = run([{ type: 'vanished', now: T0 + 5_000, inviteID: 'inv-1' }], ringing.state);
    expect(gone.call).toMatchObject({
      phase: 'ended',
      endReason: 'endedWhileDisconnected',
      endedBy: 'remote',
    });
    const other = callTransition(ringing.state, { type: 'vanished', now: T0 + 5_000, inviteID: 'inv-x' });
    expect(other).toEqual({ state: ringing.state, effects: [] });
    const dialing = run([dial(), { type: 'dialed', now: T0 + 10, roomID: 'room-1', inviteID: 'inv-9' }]);
    expect(
      run([{ type: 'vanished', now: T0 + 5_000, inviteID: 'inv-9' }], dialing.state).call.endReason,
    ).toBe('endedWhileDisconnected');
    // In a call, the invitation is long answered: the media decides, not the snapshot.
    const inCall = run(
      [
        { type: 'accept', now: T0 },
        { type: 'remoteEntered', now: T0 },
      ],
      ringing.state,
    );
    const ignored = callTransition(inCall.state, { type: 'vanished', now: T0 + 5_000, inviteID: 'inv-1' });
    expect(ignored.state).toBe(inCall.state);
  });

  it('media failure: ends as failed; the peer gets a call-end once connected, a cancel while dialing', () => {
    const connected = run([
      ring(incoming),
      { type: 'accept', now: T0 },
      { type: 'fail', now: T0 + 1, reason: 'camera denied' },
    ]);
    expect(connected.call).toMatchObject({ phase: 'ended', endReason: 'failed', failure: 'camera denied' });
    expect(connected.effects.at(-1)?.type).toBe('sendCallEnd');
    const dialing = run([
      dial(),
      { type: 'dialed', now: T0, roomID: 'room-1', inviteID: 'inv-9' },
      { type: 'fail', now: T0 + 1, reason: 'no camera' },
    ]);
    expect(dialing.effects.at(-1)).toEqual({ type: 'cancel', inviteID: 'inv-9' });
  });

  it('reset keeps missed calls; clearMissed empties them; group invitations never ring', () => {
    const missed = run([
      ring(incoming),
      { type: 'cancelled', now: T0, self: ALICE, invitation: incoming, inviteID: 'inv-1', inviter: 'bob' },
    ]);
    const reset = run([{ type: 'reset', now: T0 }], missed.state);
    expect(reset.call).toMatchObject({ phase: 'idle', peer: undefined, missed: [{ peer: 'bob' }] });
    expect(run([{ type: 'clearMissed', now: T0 }], reset.state).call.missed).toEqual([]);
    const group = callTransition(
      initialCallMachine,
      ring(record({ groupID: 'class-1', data: videoCall('r') })),
    );
    expect(group).toEqual({ state: initialCallMachine, effects: [] });
  });

  it('switch to audio: asked by the peer mid-call it is accepted and the call becomes audio; outside our call it is rejected', () => {
    const inCall = run([ring(incoming), { type: 'accept', now: T0 }, { type: 'remoteEntered', now: T0 }]);
    const ask = (inviter: string) =>
      record({
        inviteID: 'inv-s',
        inviter,
        data: createSwitchToAudioData({ callType: CallType.VIDEO, roomID: 'room-b' }),
      });
    // Without the interop the core leaves a switch alone.
    expect(callTransition(inCall.state, ring(ask('bob')))).toEqual({ state: inCall.state, effects: [] });
    expect(
      callTransition(inCall.state, { type: 'switchToAudio', now: T0, ringTimeoutSeconds: 30 }).effects,
    ).toEqual([]);
    const accepted = callTransition(inCall.state, ring(ask('bob')), tuiCallKitInterop);
    expect(accepted.state.call).toMatchObject({ phase: 'inCall', callType: CallType.AUDIO, missed: [] });
    expect(accepted.effects).toMatchObject([{ type: 'acknowledge', inviteID: 'inv-s' }]);
    const stranger = callTransition(inCall.state, ring(ask('carol')), tuiCallKitInterop);
    expect(stranger.state).toBe(inCall.state);
    expect(stranger.effects).toMatchObject([{ type: 'reject', inviteID: 'inv-s' }]);

    // Asked by this side: one request; the peer's accept makes the call audio.
    const asked = callTransition(
      inCall.state,
      { type: 'switchToAudio', now: T0, ringTimeoutSeconds: 30 },
      tuiCallKitInterop,
    );
    expect(asked.effects).toMatchObject([{ type: 'requestSwitch', peer: 'bob', timeout: 30 }]);
    const mine = record({
      inviteID: 'inv-m',
      inviter: 'alice',
      data: createSwitchToAudioData({ callType: CallType.VIDEO, roomID: 'room-b', userIDs: ['bob'] }),
    });
    const answer = {
      now: T0,
      self: ALICE,
      invitation: mine,
      inviteID: 'inv-m',
      invitee: 'bob',
      device: 'b-1',
      data: '',
    };
    expect(run([{ ...answer, type: 'accepted' }], inCall.state, tuiCallKitInterop).call.callType).toBe(
      CallType.AUDIO,
    );
    expect(run([{ ...answer, type: 'rejected' }], inCall.state, tuiCallKitInterop).call).toBe(inCall.call);
  });
});
