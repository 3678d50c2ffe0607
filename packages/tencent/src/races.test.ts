/**
 * Tencent does not arbitrate: an accept can arrive after a cancel, two devices can both accept,
 * a timeout can arrive after an accept, events can name invitations this client never saw or
 * already ended. These tests drive those orders through a real SignalingClient on the
 * transport and check that the client's view stays consistent: every invitee leaves `pending`
 * at most once, never leaves a terminal state, and ends in exactly one terminal state.
 */
import { type InvitationRecord, type InviteeState, ManualClock, SignalingError } from '@beckon/signaling';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignalingEventName } from './sdk.js';
import { type Device, device, flush, online } from './test/harness.js';
import { gate } from './testing/fakeChat.js';

const T0 = 1_000_000;

function invitation(inviteID: string, inviter: string, inviteeList: string[], groupID = '', timeout = 30) {
  return { inviteID, inviter, groupID, data: 'call', inviteeList, timeout };
}

function answer(inviteID: string, inviter: string, invitee: string, data = '', groupID = '') {
  return { inviteID, inviter, groupID, data, invitee };
}

/**
 * Every state each invitee of each invitation went through, as the client reported it (the
 * record attached to each event), plus the final state when the invitation is still active.
 */
function history(d: Device): Map<string, Map<string, InviteeState[]>> {
  const out = new Map<string, Map<string, InviteeState[]>>();
  const note = (record: InvitationRecord) => {
    const byUser = out.get(record.inviteID) ?? new Map<string, InviteeState[]>();
    out.set(record.inviteID, byUser);
    for (const i of record.invitees) {
      const states = byUser.get(i.userID) ?? [];
      if (states.at(-1) !== i.state) states.push(i.state);
      byUser.set(i.userID, states);
    }
  };
  for (const { event } of d.seen) note((event as { invitation: InvitationRecord }).invitation);
  return out;
}

/**
 * Each invitee: pending, then at most one terminal state, never anything after it; and it is
 * named by at most one ending event (accept, reject, or the list of a cancel or timeout).
 */
function expectConsistent(d: Device): void {
  const ended = new Map<string, string>();
  for (const { name, event } of d.seen) {
    const e = event as { inviteID: string; invitee?: string; inviteeList?: readonly string[] };
    const who =
      name === 'onInviteeAccepted' || name === 'onInviteeRejected'
        ? [e.invitee ?? '']
        : name === 'onInvitationCancelled' || name === 'onInvitationTimeout'
          ? (e.inviteeList ?? [])
          : [];
    for (const user of who) {
      const key = `${e.inviteID}/${user}`;
      expect(ended.get(key), `${key} ended twice: ${ended.get(key)} then ${name}`).toBeUndefined();
      ended.set(key, name);
    }
  }
  for (const [inviteID, byUser] of history(d)) {
    for (const [userID, states] of byUser) {
      const label = `${inviteID}/${userID}: ${states.join(' -> ')}`;
      const terminal = states.filter((s) => s !== 'pending');
      expect(terminal.length, label).toBeLessThanOrEqual(1);
      if (terminal.length === 1) expect(states.at(-1), label).toBe(terminal[0]);
    }
  }
}

/** The final state of each invitee of one invitation, as the client last reported it. */
function outcome(d: Device, inviteID: string): Record<string, InviteeState> {
  const byUser = history(d).get(inviteID) ?? new Map<string, InviteeState[]>();
  return Object.fromEntries([...byUser].map(([user, states]) => [user, states.at(-1) as InviteeState]));
}

async function code(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SignalingError);
    return (error as SignalingError).code;
  }
}

describe('accept after cancel', () => {
  it('invitee: the cancel arrives while the accept is on its way — the accept fails with 8010, the view says cancelled', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, invitation('tc-1', 'alice', ['bob']));
    const held = gate();
    bob.chat.script('accept', () => held.promise);
    const accepting = code(bob.client.accept('tc-1'));
    await flush();
    bob.chat.signal(SignalingEventName.INVITATION_CANCELLED, {
      inviteID: 'tc-1',
      inviter: 'alice',
      data: '',
    });
    held.resolve({ code: 0, data: {} });
    expect(await accepting).toBe(8010);
    expect(bob.events('onInviteeAccepted')).toHaveLength(0);
    expect(outcome(bob, 'tc-1')).toEqual({ bob: 'cancelled' });
    expect(bob.client.invitations.size).toBe(0);
    expectConsistent(bob);
  });

  it('inviter: an accept that arrives after the cancel is dropped', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', 'call', { timeout: 30 });
    await alice.client.cancel(id);
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'bob'));
    expect(alice.events('onInviteeAccepted')).toHaveLength(0);
    expect(outcome(alice, id)).toEqual({ bob: 'cancelled' });
    expectConsistent(alice);
  });

  it('inviter: the accept arrives while the cancel is on its way — the cancel fails with 8010, the view says accepted', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', 'call', { timeout: 30 });
    const held = gate();
    alice.chat.script('cancel', () => held.promise);
    const cancelling = code(alice.client.cancel(id));
    await flush();
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'bob'));
    held.resolve({ code: 0, data: {} });
    expect(await cancelling).toBe(8010);
    expect(alice.events('onInvitationCancelled')).toHaveLength(0);
    expect(outcome(alice, id)).toEqual({ bob: 'accepted' });
    expectConsistent(alice);
  });

  it('group: a cancel ends only who is still pending; a later answer from a cancelled invitee is dropped', async () => {
    const alice = await online('alice');
    const id = await alice.client.inviteInGroup('g', ['bob', 'carol', 'dave'], 'x', { timeout: 30 });
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'bob', '', 'g'));
    await alice.client.cancel(id);
    expect(alice.events('onInvitationCancelled')[0]?.inviteeList).toEqual(['carol', 'dave']);
    alice.chat.signal(SignalingEventName.INVITEE_REJECTED, answer(id, 'alice', 'carol', '', 'g'));
    alice.chat.signal(SignalingEventName.INVITEE_REJECTED, answer(id, 'alice', 'bob', '', 'g'));
    expect(alice.events('onInviteeRejected')).toHaveLength(0);
    expect(outcome(alice, id)).toEqual({ bob: 'accepted', carol: 'cancelled', dave: 'cancelled' });
    expectConsistent(alice);
  });
});

describe('two devices of the same user both answer', () => {
  it('both accept: the inviter counts one accept; the slower device learns it was answered elsewhere', async () => {
    const clock = new ManualClock(T0);
    const alice = await online('alice', {}, clock);
    const phone = await online('bob', { deviceID: 'bob-phone' }, clock);
    const laptop = await online('bob', { deviceID: 'bob-laptop' }, clock);
    const id = await alice.client.invite('bob', 'call', { timeout: 30 });
    for (const d of [phone, laptop]) {
      d.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, invitation(id, 'alice', ['bob']));
    }
    const held = gate();
    laptop.chat.script('accept', () => held.promise);
    await phone.client.accept(id);
    const laptopAccept = code(laptop.client.accept(id));
    await flush();
    // The phone's accept reaches the laptop (same account, other client) and the inviter...
    laptop.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'bob'));
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'bob'));
    // ...and the laptop's accept, sent anyway, reaches the inviter too.
    held.resolve({ code: 0, data: {} });
    expect(await laptopAccept).toBe(8010);
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'bob'));
    laptop.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'bob'));

    expect(alice.events('onInviteeAccepted')).toHaveLength(1);
    expect(phone.events('onInviteeAccepted').map((e) => e.device)).toEqual(['bob-phone']);
    // No device id from Tencent: not this device, so the laptop stops ringing ("answered elsewhere").
    expect(laptop.events('onInviteeAccepted').map((e) => e.device)).toEqual([undefined]);
    for (const d of [alice, phone, laptop]) {
      expect(outcome(d, id)).toEqual({ bob: 'accepted' });
      expectConsistent(d);
    }
  });

  it('one accepts and one rejects: the first to arrive wins in each view, the other is dropped', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', 'call', { timeout: 30 });
    alice.chat.signal(SignalingEventName.INVITEE_REJECTED, answer(id, 'alice', 'bob', 'busy'));
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'bob'));
    expect(alice.events('onInviteeRejected')).toHaveLength(1);
    expect(alice.events('onInviteeAccepted')).toHaveLength(0);
    expect(outcome(alice, id)).toEqual({ bob: 'rejected' });
    expectConsistent(alice);
  });
});

describe('timeout and answers', () => {
  it('inviter: a timeout notice after the accept is dropped', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', 'call', { timeout: 30 });
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'bob'));
    alice.clock.advance(30_000);
    alice.chat.signal(SignalingEventName.INVITATION_TIMEOUT, {
      inviteID: id,
      inviter: 'alice',
      inviteeList: ['bob'],
      isSelfTimeout: true,
    });
    alice.clock.advance(60_000);
    expect(alice.events('onInvitationTimeout')).toHaveLength(0);
    expect(outcome(alice, id)).toEqual({ bob: 'accepted' });
    expectConsistent(alice);
  });

  it('invitee: its own SDK timer firing after it accepted changes nothing', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, invitation('tc-1', 'alice', ['bob']));
    await bob.client.accept('tc-1');
    bob.chat.signal(SignalingEventName.INVITATION_TIMEOUT, {
      inviteID: 'tc-1',
      inviter: 'alice',
      inviteeList: ['bob'],
      isSelfTimeout: true,
    });
    expect(bob.events('onInvitationTimeout')).toHaveLength(0);
    expect(outcome(bob, 'tc-1')).toEqual({ bob: 'accepted' });
  });

  it('inviter: an accept that arrives after the timeout is dropped', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', 'call', { timeout: 30 });
    alice.chat.signal(SignalingEventName.INVITATION_TIMEOUT, {
      inviteID: id,
      inviter: 'alice',
      inviteeList: ['bob'],
      isSelfTimeout: false,
    });
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'bob'));
    expect(alice.events('onInviteeAccepted')).toHaveLength(0);
    expect(outcome(alice, id)).toEqual({ bob: 'timeout' });
  });

  it('invitee: accepting after the local timeout is refused with 8010 and nothing is sent', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, invitation('tc-1', 'alice', ['bob']));
    bob.clock.advance(36_000);
    expect(await code(bob.client.accept('tc-1'))).toBe(8010);
    expect(bob.chat.callsOf('accept')).toHaveLength(0);
    expect(outcome(bob, 'tc-1')).toEqual({ bob: 'timeout' });
  });
});

describe('late events about invitations this client does not hold', () => {
  it('every kind of event for an unknown invitation is dropped without touching the view', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', 'call', { timeout: 30 });
    let views = 0;
    alice.client.on('onViewChange', () => views++);
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer('ghost', 'carol', 'alice'));
    alice.chat.signal(SignalingEventName.INVITEE_REJECTED, answer('ghost', 'carol', 'alice'));
    alice.chat.signal(SignalingEventName.INVITATION_CANCELLED, {
      inviteID: 'ghost',
      inviter: 'carol',
      data: '',
    });
    alice.chat.signal(SignalingEventName.INVITATION_TIMEOUT, {
      inviteID: 'ghost',
      inviter: 'carol',
      inviteeList: ['alice'],
      isSelfTimeout: false,
    });
    alice.chat.signal(SignalingEventName.INVITATION_MODIFIED, { inviteID: 'ghost', data: 'x' });
    // An answer from someone who is not an invitee of a known invitation.
    alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer(id, 'alice', 'mallory'));
    expect(alice.seen).toHaveLength(0);
    expect(views).toBe(0);
    expect([...alice.client.invitations.keys()]).toEqual([id]);
  });

  it('an invitation that ended is never brought back by a replayed invite or a late event', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, invitation('tc-1', 'alice', ['bob']));
    bob.chat.signal(SignalingEventName.INVITATION_CANCELLED, {
      inviteID: 'tc-1',
      inviter: 'alice',
      data: '',
    });
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, invitation('tc-1', 'alice', ['bob']));
    bob.chat.signal(SignalingEventName.INVITATION_MODIFIED, { inviteID: 'tc-1', data: 'late' });
    bob.chat.signal(SignalingEventName.INVITATION_TIMEOUT, {
      inviteID: 'tc-1',
      inviter: 'alice',
      inviteeList: ['bob'],
      isSelfTimeout: true,
    });
    expect(bob.events('onReceiveNewInvitation')).toHaveLength(1);
    expect(bob.seen.map((s) => s.name)).toEqual(['onReceiveNewInvitation', 'onInvitationCancelled']);
    expect(bob.client.invitations.size).toBe(0);
  });

  it('remembers a bounded number of ended ids', async () => {
    const bob = await online('bob', { rememberEnded: 2 });
    for (const id of ['a', 'b', 'c']) {
      bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, invitation(id, 'alice', ['bob']));
      bob.chat.signal(SignalingEventName.INVITATION_CANCELLED, { inviteID: id, inviter: 'alice', data: '' });
    }
    // 'a' was forgotten: a replay of it would ring again (the SDK itself drops such replays after 300 s).
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, invitation('c', 'alice', ['bob']));
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, invitation('a', 'alice', ['bob']));
    expect(bob.events('onReceiveNewInvitation').map((e) => e.inviteID)).toEqual(['a', 'b', 'c', 'a']);
  });
});

describe('any order of SDK events (property)', () => {
  const USERS = ['bob', 'carol', 'dave', 'eve'] as const;
  const ID = 'tc-1';
  type Step =
    | { kind: 'accept' | 'reject'; who: string }
    | { kind: 'cancel' }
    | { kind: 'timeout'; who: string[] }
    | { kind: 'modify'; data: string }
    | { kind: 'replay' }
    | { kind: 'ghost' }
    | { kind: 'tick'; ms: number }
    | { kind: 'cancelCommand' };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      kind: fc.constantFrom('accept' as const, 'reject' as const),
      who: fc.constantFrom(...USERS),
    }),
    fc.constant({ kind: 'cancel' as const }),
    fc.record({
      kind: fc.constant('timeout' as const),
      who: fc.subarray([...USERS], { minLength: 1 }),
    }),
    fc.record({ kind: fc.constant('modify' as const), data: fc.string({ maxLength: 4 }) }),
    fc.constant({ kind: 'replay' as const }),
    fc.constant({ kind: 'ghost' as const }),
    fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
    fc.constant({ kind: 'cancelCommand' as const }),
  );

  it('the inviter’s view: each invitee leaves pending once, stays there, and all end in one terminal state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const alice = await online('alice');
        const id = await alice.client.inviteInGroup('g', ['bob', 'carol', 'dave'], 'x', { timeout: 30 });
        expect(id).toBe(ID);
        for (const s of steps) {
          switch (s.kind) {
            case 'accept':
            case 'reject':
              alice.chat.signal(
                s.kind === 'accept'
                  ? SignalingEventName.INVITEE_ACCEPTED
                  : SignalingEventName.INVITEE_REJECTED,
                answer(ID, 'alice', s.who, '', 'g'),
              );
              break;
            case 'cancel':
              alice.chat.signal(SignalingEventName.INVITATION_CANCELLED, {
                inviteID: ID,
                inviter: 'alice',
                data: '',
              });
              break;
            case 'timeout':
              alice.chat.signal(SignalingEventName.INVITATION_TIMEOUT, {
                inviteID: ID,
                inviter: 'alice',
                inviteeList: s.who,
                isSelfTimeout: false,
              });
              break;
            case 'modify':
              alice.chat.signal(SignalingEventName.INVITATION_MODIFIED, { inviteID: ID, data: s.data });
              break;
            case 'replay':
              alice.chat.signal(
                SignalingEventName.NEW_INVITATION_RECEIVED,
                invitation(ID, 'alice', ['bob', 'carol', 'dave'], 'g'),
              );
              break;
            case 'ghost':
              alice.chat.signal(SignalingEventName.INVITEE_ACCEPTED, answer('ghost', 'x', 'bob'));
              break;
            case 'tick':
              alice.clock.advance(s.ms);
              break;
            case 'cancelCommand':
              await alice.client.cancel(ID).catch(() => undefined);
              break;
          }
          expectConsistent(alice);
        }
        // Whatever happened, the invitation ends: the local safety timer times out the rest.
        alice.clock.advance(120_000);
        expectConsistent(alice);
        const final = outcome(alice, ID);
        expect(Object.keys(final).sort()).toEqual(['bob', 'carol', 'dave']);
        for (const state of Object.values(final)) expect(state).not.toBe('pending');
        expect(alice.client.invitations.size).toBe(0);
        expect(alice.clock.pendingTimers).toBe(0);
        alice.client.close();
      }),
      { numRuns: 200 },
    );
  });
});

it('a device that was never connected holds nothing', () => {
  const d = device('nobody');
  expect(d.client.invitations.size).toBe(0);
});
