import { describe, expect, it } from 'vitest';
import { CallType, parseCallData } from '../callData.js';
import { SignalingClient } from '../client.js';
import { ManualClock } from '../clock.js';
import { BeckonError } from '../errors.js';
import { InMemoryHub } from '../hub.js';
import type { InvitationRecord } from '../rules/types.js';
import { CallController } from './controller.js';
import {
  createGroupCallStore,
  GroupCallController,
  type GroupCallControllerOptions,
} from './groupController.js';
import type { GroupCallState } from './groupState.js';

/** Lets hub replies and the requests that follow them settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 40; i++) await Promise.resolve();
}

const live = (s: GroupCallState) => s.phase === 'connecting' || s.phase === 'inCall';

function world(options: GroupCallControllerOptions = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  const ended: InvitationRecord[] = [];
  const hub = new InMemoryHub({ clock, onEnded: (r) => ended.push(r) });
  const users = new Map<string, ReturnType<typeof user>>();
  const user = (userID: string) => {
    const client = new SignalingClient({ transport: hub.connect(userID), clock });
    const calls = new CallController(client);
    const group: GroupCallController = new GroupCallController(client, {
      store: createGroupCallStore(),
      lineBusy: () => ['dialing', 'ringing', 'connecting', 'inCall'].includes(calls.state.phase),
      ...options,
    });
    calls.busyWhen(() => ['dialing', 'ringing', 'connecting', 'inCall'].includes(group.state.phase));
    const stops = [calls.start(), group.listen()];
    client.connect();
    const u = {
      userID,
      client,
      calls,
      group,
      stop: () => {
        for (const s of stops) s();
      },
    };
    users.set(userID, u);
    return u;
  };
  /** A media room stand-in: everyone live in the same room sees everyone else's media enter. */
  const seen = new Map<string, Set<string>>();
  const media = () => {
    for (const u of users.values()) {
      const s = u.group.state;
      if (!live(s)) {
        seen.delete(u.userID);
        continue;
      }
      const mine = seen.get(u.userID) ?? new Set<string>();
      seen.set(u.userID, mine);
      for (const v of users.values()) {
        if (v === u || !live(v.group.state) || v.group.state.roomID !== s.roomID || mine.has(v.userID))
          continue;
        mine.add(v.userID);
        u.group.remoteEntered(v.userID);
      }
    }
  };
  const states = (u: { group: GroupCallController }) =>
    Object.fromEntries(u.group.state.participants.map((p) => [p.userID, p.state]));
  return { clock, hub, ended, user, media, states };
}

describe('GroupCallController over the in-memory hub', () => {
  it('three people without a group: accepts, a leave, and the last two ending it; no notice lingers', async () => {
    const { clock, hub, ended, user, media, states } = world();
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(user) as [
      ReturnType<typeof user>,
      ...ReturnType<typeof user>[],
    ];
    if (!bob || !carol) throw new Error('users');
    await settle();
    await alice.group.start(['bob', 'carol'], { callType: CallType.AUDIO, roomID: 'r3' });
    await settle();
    expect(bob.group.state).toMatchObject({ phase: 'ringing', inviter: 'alice', roomID: 'r3' });
    expect(states(bob)).toEqual({ alice: 'joined', carol: 'invited' });
    // The one-to-one controller leaves the group call alone.
    expect(bob.calls.state.phase).toBe('idle');
    await bob.group.accept();
    await carol.group.accept();
    await settle();
    media();
    await settle();
    for (const u of [alice, bob, carol]) expect(u.group.state.phase).toBe('inCall');
    expect(states(alice)).toEqual({ bob: 'joined', carol: 'joined' });
    expect(states(bob)).toEqual({ alice: 'joined', carol: 'joined' });
    clock.advance(20_000);
    await bob.group.hangUp();
    await settle();
    expect(bob.group.state).toMatchObject({ phase: 'ended', endReason: 'hungUp', durationSeconds: 20 });
    expect(states(alice)).toEqual({ bob: 'left', carol: 'joined' });
    expect(states(carol)).toEqual({ alice: 'joined', bob: 'left' });
    expect(alice.group.state.phase).toBe('inCall');
    await carol.group.hangUp();
    await settle();
    expect(alice.group.state).toMatchObject({ phase: 'ended', endReason: 'everyoneLeft', endedBy: 'remote' });
    // Every leave notice was cancelled by its sender right after it was placed, or acknowledged
    // by its receiver first: nothing is active.
    expect(hub.state.invitations.size).toBe(0);
    const notices = ended.filter((r) => parseCallData(r.data).ok && r.timeout === 0);
    expect(notices.map((r) => r.inviter).sort()).toEqual(['alice', 'alice', 'bob', 'bob', 'carol', 'carol']);
    const ends = notices.flatMap((r) => r.invitees.map((i) => i.state));
    expect(ends.every((state) => state === 'cancelled' || state === 'accepted')).toBe(true);
    for (const u of [alice, bob, carol]) u.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('five people in a group: partial accepts, busy, a timeout per invitee, an add and the end', async () => {
    const { clock, hub, user, media, states } = world();
    const names = ['alice', 'bob', 'carol', 'dave', 'erin'];
    hub.setGroup('team', names);
    const [alice, bob, carol, dave, erin] = names.map(user);
    if (!alice || !bob || !carol || !dave || !erin) throw new Error('users');
    await settle();
    await alice.group.start(['bob', 'carol', 'dave', 'erin'], { groupID: 'team', roomID: 'r5' });
    await settle();
    expect(hub.state.invitations.size).toBe(1);
    expect(states(bob)).toEqual({ alice: 'joined', carol: 'ringing', dave: 'ringing', erin: 'ringing' });
    await bob.group.accept();
    await carol.group.decline();
    await dave.group.decline({ busy: true });
    await settle();
    media();
    await settle();
    expect(states(bob)).toEqual({ alice: 'joined', carol: 'declined', dave: 'busy', erin: 'ringing' });
    expect(carol.group.state).toMatchObject({ phase: 'ended', endReason: 'declined' });
    clock.advance(30_000);
    await settle();
    expect(erin.group.state.endReason).toBe('timedOut');
    expect(states(alice)).toEqual({ bob: 'joined', carol: 'declined', dave: 'busy', erin: 'timedOut' });
    // Bob adds erin again: she rings with a new invitation; alice sees it in the group.
    await bob.group.invite(['erin']);
    await settle();
    expect(erin.group.state).toMatchObject({ phase: 'ringing', inviter: 'bob', roomID: 'r5' });
    expect(states(alice)).toMatchObject({ erin: 'ringing' });
    await erin.group.accept();
    await settle();
    media();
    await settle();
    expect(states(alice)).toMatchObject({ erin: 'joined' });
    expect(states(erin)).toMatchObject({ alice: 'joined', bob: 'joined' });
    await alice.group.hangUp();
    await bob.group.hangUp();
    await settle();
    expect(erin.group.state).toMatchObject({ phase: 'ended', endReason: 'everyoneLeft' });
    expect(hub.state.invitations.size).toBe(0);
  });

  it('busy both ways: a group call during a one-to-one call, and a one-to-one call during a group call', async () => {
    const { user, hub } = world();
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(user);
    if (!alice || !bob || !carol || !dave) throw new Error('users');
    await settle();
    await dave.calls.dial('carol', { roomID: 'one' });
    await settle();
    await carol.calls.accept();
    await settle();
    await alice.group.start(['bob', 'carol'], { roomID: 'g' });
    await settle();
    expect(carol.group.state.phase).toBe('idle');
    expect(states(alice)).toEqual({ bob: 'ringing', carol: 'busy' });
    // Bob is ringing in the group call: a one-to-one call to him is rejected busy.
    await dave.calls.hangUp();
    await settle();
    await dave.calls.dial('bob', { roomID: 'two' });
    await settle();
    expect(dave.calls.state).toMatchObject({ phase: 'ended', endReason: 'busy' });
    expect(bob.calls.state.missed).toMatchObject([{ peer: 'dave' }]);
    expect(bob.group.state.phase).toBe('ringing');
    await bob.group.decline();
    await settle();
    expect(alice.group.state).toMatchObject({ phase: 'ended', endReason: 'declined' });
    expect(hub.state.invitations.size).toBe(0);

    function states(u: { group: GroupCallController }) {
      return Object.fromEntries(u.group.state.participants.map((p) => [p.userID, p.state]));
    }
  });

  it('multi-device: the first device to accept wins; the other ends answered elsewhere', async () => {
    const { user, hub, clock } = world();
    const alice = user('alice');
    user('carol');
    const phone = user('bob');
    const laptopClient = new SignalingClient({ transport: hub.connect('bob', 'laptop'), clock });
    const laptop = new GroupCallController(laptopClient);
    laptop.listen();
    laptopClient.connect();
    await settle();
    await alice.group.start(['bob', 'carol'], { roomID: 'md' });
    await settle();
    expect(laptop.state.phase).toBe('ringing');
    await phone.group.accept();
    await settle();
    expect(laptop.state).toMatchObject({ phase: 'ended', endReason: 'answeredElsewhere' });
    expect(phone.group.state.phase).toBe('connecting');
  });

  it('join again after a leave; limits refuse with typed errors', async () => {
    const { user, media } = world({ maxParticipants: 3 });
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(user);
    if (!alice || !bob || !carol) throw new Error('users');
    await settle();
    const refused = await alice.group.start(['bob', 'carol', 'dave']).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BeckonError);
    expect(refused).toMatchObject({ code: 'group-call-full', details: { limit: 3 } });
    await expect(alice.group.start(['bob'])).rejects.toMatchObject({ name: 'SignalingError', code: 6017 });
    await alice.group.start(['bob', 'carol'], { roomID: 'j' });
    await settle();
    await bob.group.accept();
    await carol.group.accept();
    await settle();
    media();
    await settle();
    await expect(alice.group.invite(['dave'])).rejects.toMatchObject({ code: 'group-call-full' });
    await bob.group.hangUp();
    await settle();
    media();
    await bob.group.join();
    expect(bob.group.state).toMatchObject({ phase: 'connecting', roomID: 'j' });
    media();
    await settle();
    expect(bob.group.state.phase).toBe('inCall');
    expect(Object.fromEntries(bob.group.state.participants.map((p) => [p.userID, p.state]))).toEqual({
      alice: 'joined',
      carol: 'joined',
    });
    expect(() => new GroupCallController(alice.client, { maxParticipants: 1 })).toThrow(/maxParticipants/);
    await expect(new GroupCallController(alice.client).join()).rejects.toMatchObject({ code: 6017 });
  });

  it('the watchdog ends a call whose server went silent: ringing, dialing and a lone participant', async () => {
    const { clock, user } = world({ watchdogGraceMs: 1_000 });
    const [alice, bob] = ['alice', 'bob'].map(user);
    user('carol');
    if (!alice || !bob) throw new Error('users');
    await settle();
    await alice.group.start(['bob', 'carol'], { roomID: 'w' });
    await settle();
    expect(bob.group.state.phase).toBe('ringing');
    alice.client.transport.close();
    bob.client.transport.close();
    clock.advance(31_000);
    await settle();
    expect(alice.group.state).toMatchObject({ phase: 'ended' });
    expect(bob.group.state).toMatchObject({ phase: 'ended' });
    expect(['timedOut', 'connectionLost']).toContain(bob.group.state.endReason);
  });
});
