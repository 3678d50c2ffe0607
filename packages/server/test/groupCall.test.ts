import { BeckonError, CallType } from '@beckon/signaling';
import {
  CallController,
  GroupCallController,
  type GroupCallControllerOptions,
  type GroupCallState,
} from '@beckon/signaling/call';
import { afterEach, describe, expect, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { api, connectUser, startServer, type TestUser, waitFor } from './helpers.js';

// Issue 21 over real sockets: group calls between SignalingClients on a real server, with and
// without a chat group, run by GroupCallController (and CallController for one-to-one calls).
// The media room is a stand-in: everyone live in the same room sees the others enter. These
// tests check signaling and the controllers' states (the server's rooms and history for group
// calls are another change).

const ACTIVE = ['dialing', 'ringing', 'connecting', 'inCall'];
const live = (s: GroupCallState) => s.phase === 'connecting' || s.phase === 'inCall';

const users: TestUser[] = [];
const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  for (const u of users.splice(0)) u.client.close();
});

type Party = Awaited<ReturnType<typeof party>>;

async function party(server: BeckonServer, userID: string, options: GroupCallControllerOptions = {}) {
  const u = await connectUser(server, userID);
  users.push(u);
  const calls = new CallController(u.client, { ringTimeoutSeconds: 30 });
  const group = new GroupCallController(u.client, {
    ringTimeoutSeconds: 3,
    watchdogGraceMs: 300,
    lineBusy: () => ACTIVE.includes(calls.state.phase),
    ...options,
  });
  const offBusy = calls.busyWhen(() => ACTIVE.includes(group.state.phase));
  stops.push(calls.start(), group.listen(), offBusy);
  return { ...u, calls, group };
}

/** The media room stand-in: who is live in a room sees the others live there enter (once). */
function mediaRoom(parties: readonly Party[]) {
  const seen = new Map<string, Set<string>>();
  const sync = () => {
    for (const p of parties) {
      const s = p.group.state;
      if (!live(s)) {
        seen.delete(p.userID);
        continue;
      }
      const mine = seen.get(p.userID) ?? new Set<string>();
      seen.set(p.userID, mine);
      for (const q of parties) {
        const other = q.group.state;
        if (q === p || !live(other) || other.roomID !== s.roomID || mine.has(q.userID)) continue;
        mine.add(q.userID);
        p.group.remoteEntered(q.userID);
      }
    }
  };
  const timer = setInterval(sync, 5);
  stops.push(() => clearInterval(timer));
  return sync;
}

const states = (p: Party) => Object.fromEntries(p.group.state.participants.map((q) => [q.userID, q.state]));

async function until(check: () => boolean, what: string): Promise<void> {
  await waitFor(check, 10_000, what);
}

async function groupOf(server: BeckonServer, parties: readonly Party[]): Promise<string> {
  const [owner, ...rest] = parties;
  if (!owner) throw new Error('no owner');
  const created = await api(server, 'POST', '/groups', owner.token, { name: 'Call' });
  expect(created.status).toBe(201);
  for (const p of rest)
    expect((await api(server, 'POST', '/groups/join', p.token, { code: created.body.code })).status).toBe(
      200,
    );
  await until(() => parties.every((p) => p.client.connectionState === 'connected'), 'connected');
  return created.body.groupID;
}

describe.each([
  { invitees: 3, withGroup: false },
  { invitees: 3, withGroup: true },
  { invitees: 5, withGroup: false },
  { invitees: 5, withGroup: true },
])('a group call to $invitees people (group: $withGroup) over sockets', ({ invitees, withGroup }) => {
  it('partial accepts, a busy decline, timeouts per invitee, an add, a leave and the last two ending it', async () => {
    const server = await startServer();
    stops.push(() => server.close());
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].slice(0, invitees + 1);
    const parties: Party[] = [];
    for (const name of names) parties.push(await party(server, name));
    const [alice, bob, carol, dave, ...late] = parties;
    if (!alice || !bob || !carol || !dave) throw new Error('parties');
    const groupID = withGroup ? await groupOf(server, parties) : '';
    mediaRoom(parties);

    await alice.group.start(
      names.slice(1),
      withGroup ? { groupID, callType: CallType.AUDIO } : { callType: CallType.AUDIO },
    );
    await until(() => parties.slice(1).every((p) => p.group.state.phase === 'ringing'), 'everyone rings');
    // Group calls are the group controller's: no one-to-one call rings.
    expect(parties.every((p) => p.calls.state.phase === 'idle')).toBe(true);
    const roomID = alice.group.state.roomID;
    expect(bob.group.state).toMatchObject({ inviter: 'alice', roomID, groupID });
    expect(states(bob)).toMatchObject({ alice: 'joined', carol: withGroup ? 'ringing' : 'invited' });

    await bob.group.accept();
    await carol.group.accept();
    await dave.group.decline({ busy: true });
    await until(
      () => [alice, bob, carol].every((p) => p.group.state.phase === 'inCall'),
      'three in the call',
    );
    // The rest time out, each on their own invitation's deadline.
    for (const p of late) await until(() => p.group.state.phase === 'ended', `${p.userID} times out`);
    for (const p of late) expect(p.group.state.endReason).toBe('timedOut');
    const timedOut = Object.fromEntries(late.map((p) => [p.userID, 'timedOut']));
    await until(() => late.every((p) => states(alice)[p.userID] === 'timedOut'), 'alice sees the timeouts');
    expect(states(alice)).toEqual({ bob: 'joined', carol: 'joined', dave: 'busy', ...timedOut });
    expect(dave.group.state).toMatchObject({ phase: 'ended', endReason: 'busy' });
    if (withGroup) {
      // Group members see every answer.
      await until(() => late.every((p) => states(bob)[p.userID] === 'timedOut'), 'bob sees the timeouts');
      expect(states(bob)).toEqual({ alice: 'joined', carol: 'joined', dave: 'busy', ...timedOut });
    }

    // An add: bob invites dave again; dave accepts and is in the call with everyone.
    await bob.group.invite(['dave']);
    await until(() => dave.group.state.phase === 'ringing', 'dave rings again');
    expect(dave.group.state.inviter).toBe('bob');
    await dave.group.accept();
    await until(() => dave.group.state.phase === 'inCall', 'dave in the call');
    await until(
      () => ['alice', 'bob', 'carol'].every((u) => states(dave)[u] === 'joined'),
      'dave sees everyone',
    );
    await until(
      () => states(alice).dave === 'joined' && states(carol).dave === 'joined',
      'everyone sees dave',
    );

    // A leave: alice leaves; the three others go on.
    await alice.group.hangUp();
    expect(alice.group.state).toMatchObject({ phase: 'ended', endReason: 'hungUp' });
    await until(() => [bob, carol, dave].every((p) => states(p).alice === 'left'), 'alice left for all');
    expect([bob, carol, dave].map((p) => p.group.state.phase)).toEqual(['inCall', 'inCall', 'inCall']);

    // The last ones: carol leaves, then dave; bob, alone, ends as everyone left.
    await carol.group.hangUp();
    await until(() => states(bob).carol === 'left' && states(dave).carol === 'left', 'carol left');
    expect(bob.group.state.phase).toBe('inCall');
    await dave.group.hangUp();
    await until(() => bob.group.state.phase === 'ended', 'bob ends');
    expect(bob.group.state).toMatchObject({ endReason: 'everyoneLeft', endedBy: 'remote' });
    for (const p of parties) expect(p.group.state.participants.map((q) => q.userID)).not.toContain(p.userID);
    // Every invitation ended, the leave notices too (cancelled after their reply).
    await until(() => parties.every((p) => p.client.invitations.size === 0), 'nothing active');
  }, 60_000);
});

describe('group calls and one-to-one calls over sockets', () => {
  it('busy both ways: a group call during a one-to-one call, a one-to-one call during a group call', async () => {
    const server = await startServer();
    stops.push(() => server.close());
    const [alice, bob, carol, dave, eve] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave', 'eve'].map((u) => party(server, u, { ringTimeoutSeconds: 30 })),
    );
    if (!alice || !bob || !carol || !dave || !eve) throw new Error('parties');
    mediaRoom([alice, bob, carol, dave, eve]);
    await eve.calls.dial('dave', { callType: CallType.AUDIO, roomID: 'one-to-one' });
    await until(() => dave.calls.state.phase === 'ringing', 'dave rings');
    await dave.calls.accept();
    await until(() => eve.calls.state.phase === 'connecting', 'eve and dave in a call');

    await alice.group.start(['bob', 'carol', 'dave'], { callType: CallType.AUDIO, roomID: 'g-busy' });
    await until(() => states(alice).dave === 'busy', 'dave busy for alice');
    expect(dave.group.state.phase).toBe('idle');
    expect(dave.calls.state.phase).toBe('connecting');

    // Bob is rung in the group call: eve's one-to-one call to him is rejected busy.
    await eve.calls.hangUp();
    await until(() => dave.calls.state.phase === 'ended', 'the one-to-one call ended');
    await eve.calls.dial('bob', { callType: CallType.AUDIO, roomID: 'to-bob' });
    await until(() => eve.calls.state.phase === 'ended', 'eve hears busy');
    expect(eve.calls.state.endReason).toBe('busy');
    expect(bob.calls.state.missed).toMatchObject([{ peer: 'eve' }]);
    expect(bob.group.state.phase).toBe('ringing');

    await bob.group.accept();
    await until(
      () => [alice, bob].every((p) => p.group.state.phase === 'inCall'),
      'alice and bob in the call',
    );
    await carol.group.decline();
    await until(() => states(alice).carol === 'declined', 'carol declined');
    await alice.group.hangUp();
    // Without a group bob cannot see carol's and dave's answers: he waits for them while their
    // ring window lasts, alone in the call.
    await until(() => states(bob).alice === 'left', 'alice left');
    expect(bob.group.state.phase).toBe('inCall');
    expect(states(bob)).toEqual({ alice: 'left', carol: 'invited', dave: 'invited' });
    await bob.group.hangUp();
    expect(bob.group.state.endReason).toBe('hungUp');
    await until(
      () => [alice, bob, carol, dave, eve].every((p) => p.client.invitations.size === 0),
      'nothing active',
    );
  }, 60_000);

  it('refuses a call past maxParticipants with a typed error (BeckonError group-call-full)', async () => {
    const server = await startServer();
    stops.push(() => server.close());
    const alice = await party(server, 'alice', { maxParticipants: 3 });
    const refused = await alice.group.start(['bob', 'carol', 'dave']).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BeckonError);
    expect(refused).toMatchObject({ code: 'group-call-full', details: { limit: 3 } });
    expect(alice.client.invitations.size).toBe(0);
  });
});
