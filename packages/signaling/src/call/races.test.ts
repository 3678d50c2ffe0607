import { describe, expect, it } from 'vitest';
import { CallType, createCallData, parseCallData } from '../callData.js';
import { ErrorCode } from '../errors.js';
import type { InvitationRecord } from '../rules/types.js';
import {
  type CallEffect,
  type CallInput,
  type CallMachineState,
  callTransition,
  initialCallMachine,
} from './transition.js';

// Pure: the races of one invitation, where the server's decision, not the action, moves the state.
const ALICE = { userID: 'alice', deviceID: 'a-1' };
const T0 = 1_700_000_000_000;
const lost = { code: ErrorCode.INVITATION_INVALID, message: 'already processed' };

function record(inviter: string, invitee: string, roomID: string, inviteID: string): InvitationRecord {
  return {
    inviteID,
    inviter,
    groupID: '',
    timeout: 30,
    onlineUserOnly: false,
    createdAt: T0,
    invitees: [{ userID: invitee, state: 'pending', deadline: T0 + 30_000, delivered: true }],
    answers: 0,
    data: createCallData({ callType: CallType.VIDEO, roomID }),
  };
}

function run(inputs: readonly CallInput[], from: CallMachineState = initialCallMachine) {
  let state = from;
  const effects: CallEffect[] = [];
  for (const input of inputs) {
    const step = callTransition(state, input);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, call: state.call, effects };
}

const mine = record('alice', 'bob', 'room-1', 'inv-9');
const theirs = record('bob', 'alice', 'room-b', 'inv-1');
const dialing = run([
  {
    type: 'dial',
    now: T0,
    peer: 'bob',
    roomID: 'room-1',
    callType: CallType.VIDEO,
    self: ALICE,
    ringTimeoutSeconds: 30,
  },
  { type: 'dialed', now: T0 + 1, roomID: 'room-1', inviteID: 'inv-9' },
]);
const bobAnswers = (type: 'accepted' | 'rejected', now = T0 + 5): CallInput => ({
  type,
  now,
  self: ALICE,
  invitation: mine,
  inviteID: 'inv-9',
  invitee: 'bob',
  device: 'b-1',
  data: '',
});
const ringing = run([{ type: 'invitation', now: T0, self: ALICE, invitation: theirs }]);
const aliceAnswers = (type: 'accepted' | 'rejected', device: string): CallInput => ({
  type,
  now: T0 + 5,
  self: ALICE,
  invitation: theirs,
  inviteID: 'inv-1',
  invitee: 'alice',
  device,
  data: '',
});

describe('callTransition races (the server decides)', () => {
  it("hang-up while ringing: the cancel is pending, not done; the callee's accept won, so the caller ends with a call-end", () => {
    const asked = run([{ type: 'hangUp', now: T0 + 4 }], dialing.state);
    expect(asked.call.phase).toBe('dialing');
    expect(asked.state.pending).toBe('cancel');
    expect(asked.effects).toEqual([{ type: 'cancel', inviteID: 'inv-9' }]);
    // Either order: the accepted event, then the 8010; or the 8010, then the event.
    for (const order of [
      [bobAnswers('accepted'), { type: 'cancelFailed', now: T0 + 6, inviteID: 'inv-9', failure: lost }],
      [{ type: 'cancelFailed', now: T0 + 6, inviteID: 'inv-9', failure: lost }, bobAnswers('accepted')],
    ] as CallInput[][]) {
      const { call, state, effects } = run(order, asked.state);
      expect(call).toMatchObject({
        phase: 'ended',
        endReason: 'hungUp',
        endedBy: 'local',
        durationSeconds: 0,
      });
      expect(state.pending).toBeUndefined();
      const end = effects.find((e) => e.type === 'sendCallEnd');
      const info = end?.type === 'sendCallEnd' ? parseCallData(end.data) : undefined;
      expect(info?.ok && info.value).toMatchObject({ cmd: 'hangup', callEnd: 0, roomID: 'room-1' });
    }
  });

  it("hang-up while ringing: the callee's decline or the timeout won, and the caller ends the way the server says", () => {
    const asked = run([{ type: 'hangUp', now: T0 + 4 }], dialing.state);
    expect(run([bobAnswers('rejected')], asked.state).call).toMatchObject({
      endReason: 'declined',
      endedBy: 'remote',
    });
    const timeout: CallInput = {
      type: 'timedOut',
      now: T0 + 30_000,
      self: ALICE,
      invitation: mine,
      inviteID: 'inv-9',
    };
    expect(run([timeout], asked.state).call).toMatchObject({ endReason: 'timedOut' });
    expect(run([{ type: 'cancelDone', now: T0 + 5, inviteID: 'inv-9' }], asked.state).call).toMatchObject({
      endReason: 'cancelled',
      endedBy: 'local',
    });
    // Pressing again sends nothing more.
    expect(callTransition(asked.state, { type: 'hangUp', now: T0 + 5 })).toEqual({
      state: asked.state,
      effects: [],
    });
  });

  it('decline that lost to the caller’s cancel ends as cancelled (a missed call), not declined', () => {
    const asked = run([{ type: 'decline', now: T0 + 4, busy: false }], ringing.state);
    const cancelled: CallInput = {
      type: 'cancelled',
      now: T0 + 5,
      self: ALICE,
      invitation: theirs,
      inviteID: 'inv-1',
      inviter: 'bob',
    };
    const { call } = run(
      [{ type: 'declineFailed', now: T0 + 5, inviteID: 'inv-1', failure: lost }, cancelled],
      asked.state,
    );
    expect(call).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'remote' });
    expect(call.missed).toHaveLength(1);
    // This device's own reject, seen as an event, decides it as well.
    expect(run([aliceAnswers('rejected', 'a-1')], asked.state).call).toMatchObject({ endReason: 'declined' });
  });

  it("an accept or decline that lost to another device's accept ends as answered elsewhere", () => {
    const accepting = run([{ type: 'accept', now: T0 + 4 }], ringing.state);
    const declining = run([{ type: 'decline', now: T0 + 4, busy: false }], ringing.state);
    for (const from of [accepting.state, declining.state]) {
      const { call } = run(
        [
          aliceAnswers('accepted', 'a-2'),
          { type: 'acceptFailed', now: T0 + 6, inviteID: 'inv-1', failure: lost },
        ],
        from,
      );
      expect(call).toMatchObject({ phase: 'ended', endReason: 'answeredElsewhere' });
    }
    // Our own accept, confirmed by the event: in the call.
    const won = run([aliceAnswers('accepted', 'a-1')], accepting.state);
    expect(won.call.phase).toBe('connecting');
    expect(won.state.pending).toBeUndefined();
  });

  it('glare after a hang-up: the peer’s invitation is declined, not joined', () => {
    const asked = run([
      {
        type: 'dial',
        now: T0,
        peer: 'bob',
        roomID: 'room-a',
        callType: CallType.VIDEO,
        self: ALICE,
        ringTimeoutSeconds: 30,
      },
      { type: 'hangUp', now: T0 + 1 },
      {
        type: 'dialFailed',
        now: T0 + 2,
        roomID: 'room-a',
        failure: { code: ErrorCode.ALREADY_EXISTS, message: 'glare' },
        existing: { inviteID: 'inv-1', record: theirs },
      },
    ]);
    expect(asked.call).toMatchObject({ phase: 'ringing', inviteID: 'inv-1' });
    expect(asked.state.pending).toBe('decline');
    expect(asked.effects.at(-1)).toMatchObject({ type: 'decline', inviteID: 'inv-1' });
  });

  it('a call that failed while ringing sends a call-end when the answer beat its cancel', () => {
    const failed = run([{ type: 'fail', now: T0 + 2, reason: 'camera denied' }], dialing.state);
    expect(failed.effects.at(-1)).toEqual({ type: 'cancel', inviteID: 'inv-9' });
    const answered = run([bobAnswers('accepted')], failed.state);
    expect(answered.call).toBe(failed.call);
    expect(answered.effects.map((e) => e.type)).toEqual(['sendCallEnd']);
  });
});
