import { BeckonError, CallType } from '@beckon/signaling';
import {
  CallController,
  GroupCallController,
  type GroupCallControllerOptions,
  type GroupCallState,
} from '@beckon/signaling/call';
import { expect } from 'vitest';
import { api, connectUser, type Target, type TestUser, waitFor } from './helpers.js';

// Issue 21 over real sockets: group calls between SignalingClients on a real server, with and
// without a chat group, run by GroupCallController (and CallController for one-to-one calls).
// The media room is a stand-in: everyone live in the same room sees the others enter. Shared by
// the memory suite (one server) and the Redis suite (the people spread over two processes).

/** Where the scenarios' people connect, and their user ids (unique per test on a shared Redis). */
export interface GroupWorld {
  /** The process a person connects to. */
  at(name: string): Target;
  /** The HTTP API (groups, history) of any process. */
  readonly http: { readonly url: string };
  id(name: string): string;
}

const ACTIVE = ['dialing', 'ringing', 'connecting', 'inCall'];
const live = (s: GroupCallState) => s.phase === 'connecting' || s.phase === 'inCall';

const users: TestUser[] = [];
const stops: Array<() => unknown> = [];

/** Closes every person, controller and media room the last scenario opened (afterEach). */
export async function closeGroupCalls(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop();
  for (const u of users.splice(0)) u.client.close();
}

export type Party = Awaited<ReturnType<typeof party>>;

/** A person with a one-to-one and a group call controller, busy for each other. */
export async function party(
  world: GroupWorld,
  name: string,
  options: GroupCallControllerOptions = {},
  device: Parameters<typeof connectUser>[2] = {},
) {
  const u = await connectUser(world.at(name), world.id(name), device);
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
  return { ...u, name, calls, group };
}

/**
 * The media room stand-in: who is live in a room sees the others live there enter (once).
 * Nobody's media ever leaves it: a person whose sockets vanish stays "in" for the others until
 * signaling says otherwise.
 */
export function mediaRoom(parties: readonly Party[]) {
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

/** A person's view of the others, by their names. */
export const states = (p: Party, world: GroupWorld, names: readonly string[]) => {
  const byID = new Map(names.map((n) => [world.id(n), n]));
  return Object.fromEntries(p.group.state.participants.map((q) => [byID.get(q.userID) ?? q.userID, q.state]));
};

export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(check, timeoutMs, what);
}

/** A chat group of everyone (the first one owns it); its id. */
export async function groupOf(world: GroupWorld, parties: readonly Party[]): Promise<string> {
  const [owner, ...rest] = parties;
  if (!owner) throw new Error('no owner');
  const created = await api(world.http, 'POST', '/groups', owner.token, { name: 'Call' });
  expect(created.status).toBe(201);
  for (const p of rest)
    expect((await api(world.http, 'POST', '/groups/join', p.token, { code: created.body.code })).status).toBe(
      200,
    );
  await until(() => parties.every((p) => p.client.connectionState === 'connected'), 'connected');
  return created.body.groupID;
}

/** Partial accepts, a busy decline, timeouts per invitee, an add, a leave and the last two ending it. */
export async function groupCallLifecycle(world: GroupWorld, invitees: number, withGroup: boolean) {
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].slice(0, invitees + 1);
  const parties: Party[] = [];
  for (const name of names) parties.push(await party(world, name));
  const [alice, bob, carol, dave, ...late] = parties;
  if (!alice || !bob || !carol || !dave) throw new Error('parties');
  const view = (p: Party) => states(p, world, names);
  const groupID = withGroup ? await groupOf(world, parties) : '';
  mediaRoom(parties);

  await alice.group.start(
    names.slice(1).map(world.id),
    withGroup ? { groupID, callType: CallType.AUDIO } : { callType: CallType.AUDIO },
  );
  await until(() => parties.slice(1).every((p) => p.group.state.phase === 'ringing'), 'everyone rings');
  // Group calls are the group controller's: no one-to-one call rings.
  expect(parties.every((p) => p.calls.state.phase === 'idle')).toBe(true);
  const roomID = alice.group.state.roomID;
  expect(bob.group.state).toMatchObject({ inviter: world.id('alice'), roomID, groupID });
  expect(view(bob)).toMatchObject({ alice: 'joined', carol: withGroup ? 'ringing' : 'invited' });

  await bob.group.accept();
  await carol.group.accept();
  await dave.group.decline({ busy: true });
  await until(() => [alice, bob, carol].every((p) => p.group.state.phase === 'inCall'), 'three in the call');
  // The rest time out, each on their own invitation's deadline.
  for (const p of late) await until(() => p.group.state.phase === 'ended', `${p.name} times out`);
  for (const p of late) expect(p.group.state.endReason).toBe('timedOut');
  const timedOut = Object.fromEntries(late.map((p) => [p.name, 'timedOut']));
  // Answers decided on another process reach alice a moment after the answerer's reply.
  await until(
    () => view(alice).dave === 'busy' && late.every((p) => view(alice)[p.name] === 'timedOut'),
    'alice sees the busy decline and the timeouts',
  );
  expect(view(alice)).toEqual({ bob: 'joined', carol: 'joined', dave: 'busy', ...timedOut });
  expect(dave.group.state).toMatchObject({ phase: 'ended', endReason: 'busy' });
  if (withGroup) {
    // Group members see every answer.
    await until(
      () => view(bob).dave === 'busy' && late.every((p) => view(bob)[p.name] === 'timedOut'),
      'bob sees the busy decline and the timeouts',
    );
    expect(view(bob)).toEqual({ alice: 'joined', carol: 'joined', dave: 'busy', ...timedOut });
  }

  // An add: bob invites dave again; dave accepts and is in the call with everyone.
  await bob.group.invite([world.id('dave')]);
  await until(() => dave.group.state.phase === 'ringing', 'dave rings again');
  expect(dave.group.state.inviter).toBe(world.id('bob'));
  await dave.group.accept();
  await until(() => dave.group.state.phase === 'inCall', 'dave in the call');
  await until(() => ['alice', 'bob', 'carol'].every((u) => view(dave)[u] === 'joined'), 'dave sees everyone');
  await until(() => view(alice).dave === 'joined' && view(carol).dave === 'joined', 'everyone sees dave');

  // A leave: alice leaves; the three others go on.
  await alice.group.hangUp();
  expect(alice.group.state).toMatchObject({ phase: 'ended', endReason: 'hungUp' });
  await until(() => [bob, carol, dave].every((p) => view(p).alice === 'left'), 'alice left for all');
  expect([bob, carol, dave].map((p) => p.group.state.phase)).toEqual(['inCall', 'inCall', 'inCall']);

  // The last ones: carol leaves, then dave; bob, alone, ends as everyone left.
  await carol.group.hangUp();
  await until(() => view(bob).carol === 'left' && view(dave).carol === 'left', 'carol left');
  expect(bob.group.state.phase).toBe('inCall');
  await dave.group.hangUp();
  await until(() => bob.group.state.phase === 'ended', 'bob ends');
  expect(bob.group.state).toMatchObject({ endReason: 'everyoneLeft', endedBy: 'remote' });
  for (const p of parties) expect(p.group.state.participants.map((q) => q.userID)).not.toContain(p.userID);
  // Every invitation ended, the leave notices too (cancelled after their reply).
  await until(() => parties.every((p) => p.client.invitations.size === 0), 'nothing active');
  return { roomID };
}

/** Busy both ways: a group call during a one-to-one call, a one-to-one call during a group call. */
export async function groupCallBusyBothWays(world: GroupWorld) {
  const names = ['alice', 'bob', 'carol', 'dave', 'eve'];
  const [alice, bob, carol, dave, eve] = await Promise.all(
    names.map((u) => party(world, u, { ringTimeoutSeconds: 30 })),
  );
  if (!alice || !bob || !carol || !dave || !eve) throw new Error('parties');
  const view = (p: Party) => states(p, world, names);
  mediaRoom([alice, bob, carol, dave, eve]);
  await eve.calls.dial(world.id('dave'), { callType: CallType.AUDIO, roomID: world.id('one-to-one') });
  await until(() => dave.calls.state.phase === 'ringing', 'dave rings');
  await dave.calls.accept();
  await until(() => eve.calls.state.phase === 'connecting', 'eve and dave in a call');

  await alice.group.start(['bob', 'carol', 'dave'].map(world.id), {
    callType: CallType.AUDIO,
    roomID: world.id('g-busy'),
  });
  await until(() => view(alice).dave === 'busy', 'dave busy for alice');
  expect(dave.group.state.phase).toBe('idle');
  expect(dave.calls.state.phase).toBe('connecting');

  // Bob is rung in the group call: eve's one-to-one call to him is rejected busy.
  await eve.calls.hangUp();
  await until(() => dave.calls.state.phase === 'ended', 'the one-to-one call ended');
  await eve.calls.dial(world.id('bob'), { callType: CallType.AUDIO, roomID: world.id('to-bob') });
  await until(() => eve.calls.state.phase === 'ended', 'eve hears busy');
  expect(eve.calls.state.endReason).toBe('busy');
  expect(bob.calls.state.missed).toMatchObject([{ peer: world.id('eve') }]);
  expect(bob.group.state.phase).toBe('ringing');

  await bob.group.accept();
  await until(() => [alice, bob].every((p) => p.group.state.phase === 'inCall'), 'alice and bob in the call');
  await carol.group.decline();
  await until(() => view(alice).carol === 'declined', 'carol declined');
  await alice.group.hangUp();
  // Without a group bob cannot see carol's and dave's answers: he waits for them while their
  // ring window lasts, alone in the call.
  await until(() => view(bob).alice === 'left', 'alice left');
  expect(bob.group.state.phase).toBe('inCall');
  expect(view(bob)).toEqual({ alice: 'left', carol: 'invited', dave: 'invited' });
  await bob.group.hangUp();
  expect(bob.group.state.endReason).toBe('hungUp');
  await until(
    () => [alice, bob, carol, dave, eve].every((p) => p.client.invitations.size === 0),
    'nothing active',
  );
}

/** A call past maxParticipants is refused with a typed error (BeckonError group-call-full). */
export async function groupCallFull(world: GroupWorld) {
  const alice = await party(world, 'alice', { maxParticipants: 3 });
  const refused = await alice.group
    .start(['bob', 'carol', 'dave'].map(world.id))
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(BeckonError);
  expect(refused).toMatchObject({ code: 'group-call-full', details: { limit: 3 } });
  expect(alice.client.invitations.size).toBe(0);
}
