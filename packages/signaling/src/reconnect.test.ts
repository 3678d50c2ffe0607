import { describe, expect, it } from 'vitest';
import { SignalingClient, type SignalingClientEventName } from './client.js';
import { ManualClock } from './clock.js';
import { InMemoryHub } from './hub.js';
import { endingEvents } from './rules/events.js';
import { applyEvent } from './rules/reduce.js';
import type { InvitationRecord } from './rules/types.js';

// Issue 14, item 2: after a snapshot, what a client held and the arbiter no longer has ends with
// the events that ended it (where the arbiter can tell), or vanishes; nothing stays pending.

const NAMES = [
  'onInviteeAccepted',
  'onInviteeRejected',
  'onInvitationCancelled',
  'onInvitationTimeout',
  'onInvitationVanished',
] as const satisfies readonly SignalingClientEventName[];

function setup() {
  const clock = new ManualClock(1_000);
  const hub = new InMemoryHub({ clock });
  hub.setGroup('class', ['teacher', 'a', 'b', 'c']);
  const user = (userID: string) => {
    const transport = hub.connect(userID);
    const client = new SignalingClient({ transport, clock });
    const heard: string[] = [];
    for (const name of NAMES)
      client.on(name, (e) => heard.push(`${name}:${'invitee' in e ? e.invitee : ''}:${e.inviteID}`));
    client.connect();
    return { client, transport, heard };
  };
  return { hub, clock, user };
}

describe('a client that comes back to a snapshot', () => {
  it('hears the answers and the timeout it missed, once each, not those it had seen', async () => {
    const { clock, user } = setup();
    const teacher = user('teacher');
    const a = user('a');
    const b = user('b');
    const c = user('c');
    const id = await teacher.client.inviteInGroup('class', ['a', 'b', 'c'], 'round', { timeout: 30 });
    await a.client.accept(id);
    expect(teacher.heard).toEqual([`onInviteeAccepted:a:${id}`]);
    teacher.transport.drop();
    await b.client.reject(id);
    clock.advance(31_000); // c times out: the invitation ends while the teacher is away
    expect(c.client.invitations.size).toBe(0);
    teacher.transport.restore();
    expect(teacher.heard).toEqual([
      `onInviteeAccepted:a:${id}`,
      `onInviteeRejected:b:${id}`,
      `onInvitationTimeout::${id}`,
    ]);
    expect(teacher.client.invitations.size).toBe(0);
  });

  it('a cancel it missed is the cancel; an invitation still running is not touched', async () => {
    const { user } = setup();
    const alice = user('a');
    const bob = user('b');
    const gone = await alice.client.invite('b', 'one', { timeout: 30 });
    const kept = await alice.client.invite('b', 'two', { timeout: 30 });
    bob.transport.drop();
    await alice.client.cancel(gone);
    bob.transport.restore();
    expect(bob.heard).toEqual([`onInvitationCancelled::${gone}`]);
    expect([...bob.client.invitations.keys()]).toEqual([kept]);
  });

  it('an invitee added while it was away ends with the rest (the addInvitees comes first)', async () => {
    const { clock, user } = setup();
    const alice = user('a');
    const bob = user('b');
    const carol = user('c');
    const id = await alice.client.invite('b', 'call', { timeout: 5 });
    bob.transport.drop();
    await alice.client.addInvitees(id, ['c']);
    expect(carol.client.invitations.has(id)).toBe(true);
    clock.advance(5_000);
    const added: string[][] = [];
    let ending: InvitationRecord | undefined;
    bob.client.on('onInvitationModified', (e) => added.push([...e.addedInvitees]));
    bob.client.on('onInvitationTimeout', (e) => {
      ending = e.invitation;
    });
    bob.transport.restore();
    expect(added).toEqual([['c']]);
    expect(bob.heard).toEqual([`onInvitationTimeout::${id}`]);
    expect(ending?.invitees.map((i) => [i.userID, i.state])).toEqual([
      ['b', 'timeout'],
      ['c', 'timeout'],
    ]);
  });

  it('an onlineUserOnly invitation sent while it was away stays unknown, even if it gained invitees', async () => {
    const { hub, user } = setup();
    const teacher = user('teacher');
    const a = user('a');
    const b = user('b');
    a.transport.drop();
    const id = await teacher.client.inviteInGroup('class', ['a', 'b'], 'ping', { onlineUserOnly: true });
    await teacher.client.addInvitees(id, ['c']);
    await teacher.client.cancel(id);
    expect(b.heard).toEqual([`onInvitationCancelled::${id}`]);
    const rang: string[] = [];
    a.client.on('onReceiveNewInvitation', (e) => rang.push(e.inviteID));
    a.client.on('onInvitationModified', (e) => rang.push(e.inviteID));
    a.transport.restore();
    expect({ rang, heard: a.heard, held: a.client.invitations.size }).toEqual({
      rang: [],
      heard: [],
      held: 0,
    });
    hub.close();
  });

  it('without the ending events (beyond what the arbiter keeps), what it held vanishes', () => {
    const clock = new ManualClock(1_000);
    const held: InvitationRecord = {
      inviteID: 'i1',
      inviter: 'alice',
      groupID: '',
      data: 'call',
      timeout: 30,
      onlineUserOnly: false,
      createdAt: 0,
      answers: 0,
      invitees: [{ userID: 'bob', state: 'pending', deadline: 30_000, delivered: true }],
    };
    const session = { userID: 'bob', deviceID: 'd', sessionID: 's', serverTime: 0 };
    let push: ((invitations: InvitationRecord[]) => void) | undefined;
    const client = new SignalingClient({
      clock,
      transport: {
        connect: (l) => {
          l.onSession(session);
          l.onStateChange('connected');
          push = (invitations) => l.onSnapshot({ at: 0, invitations });
        },
        request: () => Promise.reject(new Error('no requests here')),
        close: () => {},
      },
    });
    const vanished: unknown[] = [];
    client.on('onInvitationVanished', (e) => vanished.push(e));
    client.connect();
    push?.([held]);
    push?.([]);
    expect(vanished).toMatchObject([{ inviteID: 'i1', reason: 'endedWhileDisconnected', invitation: held }]);
    expect(client.invitations.size).toBe(0);
  });

  it('endingEvents takes a held record to the final one', async () => {
    const clock = new ManualClock(1_000);
    const ended: InvitationRecord[] = [];
    const hub = new InMemoryHub({ clock, onEnded: (r) => ended.push(r) });
    hub.setGroup('g', ['t', 'x', 'y', 'z']);
    const reply = await hub.dispatch('t', 'd', {
      op: 'invite',
      groupID: 'g',
      inviteeList: ['x', 'y', 'z'],
      data: '',
      timeout: 10,
      onlineUserOnly: false,
    });
    const inviteID = reply.ok ? reply.inviteID : '';
    const start = hub.state.invitations.get(inviteID);
    await hub.dispatch('y', 'dy', { op: 'reject', inviteID, data: 'no' });
    await hub.dispatch('x', 'dx', { op: 'accept', inviteID, data: 'yes' });
    await hub.dispatch('t', 'd', { op: 'cancel', inviteID, data: '' });
    const [final] = ended;
    if (start === undefined || final === undefined) throw new Error('no records');
    const replayed = endingEvents(final).reduce<InvitationRecord | undefined>(
      (r, e) => applyEvent(r, e),
      start,
    );
    expect(replayed?.invitees.map((i) => [i.userID, i.state, i.data, i.device])).toEqual(
      final.invitees.map((i) => [i.userID, i.state, i.data, i.device]),
    );
    expect(endingEvents(final).map((e) => e.kind)).toEqual(['reject', 'accept', 'cancel']);
    hub.close();
  });
});
