import {
  CallType,
  createBusyData,
  createCallData,
  createClassroomData,
  createHangupData,
  ErrorCode,
  SignalingError,
} from '@beckon/signaling';
import { afterEach, describe, expect, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { MemoryStore } from '../src/store/memory.js';
import { api, connectUser, startServer, type TestUser, waitFor } from './helpers.js';

const call = (roomID = 'room-1') =>
  createCallData({ callType: CallType.VIDEO, roomID, userIDs: ['alice', 'bob'] });

let server: BeckonServer;
const users: TestUser[] = [];
async function user(userID: string, options: Parameters<typeof connectUser>[2] = {}) {
  const u = await connectUser(server, userID, options);
  users.push(u);
  return u;
}

afterEach(async () => {
  for (const u of users.splice(0)) u.client.close();
  await server?.close();
});

async function codeOf(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SignalingError)) throw new Error(`expected a SignalingError, got ${String(error)}`);
  return error.code;
}

describe('seed flows over real WebSockets', () => {
  it('one-to-one: invite, ring with the room id, accept, hang up with the duration in both histories', async () => {
    server = await startServer();
    const alice = await user('alice');
    const bob = await user('bob');
    const id = await alice.client.invite('bob', call('r-42'), { timeout: 30 });
    const [ring] = await bob.waitEvents('onReceiveNewInvitation');
    expect(ring).toMatchObject({ inviteID: id, inviter: 'alice', isInvitee: true });
    expect(ring?.deadline).toBeGreaterThan(Date.now() + 25_000);
    await alice.waitEvents('onInvitationDelivered');
    await bob.client.accept(id);
    await alice.waitEvents('onInviteeAccepted');

    await bob.client.invite(
      'alice',
      createHangupData({ callType: CallType.VIDEO, roomID: 'r-42', durationSeconds: 75 }),
      {
        timeout: 0,
      },
    );
    const hangup = (await alice.waitEvents('onReceiveNewInvitation'))[0];
    expect(JSON.parse(hangup?.data ?? '{}')).toMatchObject({ call_end: 75, data: { cmd: 'hangup' } });
    for (const u of [alice, bob]) {
      const { body } = await api(server, 'GET', '/history', u.token);
      expect(body.entries).toMatchObject([
        { roomID: 'r-42', outcome: 'completed', durationSeconds: 75, endedBy: 'bob' },
      ]);
    }
  });

  it('reject with lineBusy, cancel, and a timeout decided by the server clock', async () => {
    server = await startServer();
    const alice = await user('alice');
    const bob = await user('bob');
    const busy = await alice.client.invite('bob', call('r1'));
    await bob.client.reject(busy, createBusyData({ callType: CallType.VIDEO, roomID: 'r1' }));
    const [rejected] = await alice.waitEvents('onInviteeRejected');
    expect(JSON.parse(rejected?.data ?? '{}')).toMatchObject({ line_busy: 'line_busy' });

    const cancelled = await alice.client.invite('bob', call('r2'));
    await alice.client.cancel(cancelled);
    await bob.waitEvents('onInvitationCancelled');
    expect(await codeOf(bob.client.accept(cancelled))).toBe(ErrorCode.INVITATION_INVALID);

    const timed = await alice.client.invite('bob', call('r3'), { timeout: 1 });
    const [t1] = await alice.waitEvents('onInvitationTimeout');
    const [t2] = await bob.waitEvents('onInvitationTimeout');
    expect(t1).toMatchObject({ inviteID: timed, inviteeList: ['bob'] });
    expect(t2?.inviteID).toBe(timed);
    const { body } = await api(server, 'GET', '/history', alice.token);
    expect(body.entries.map((e: { outcome: string }) => e.outcome)).toEqual(['missed', 'cancelled', 'busy']);
  });

  it('glare: the second caller learns the pending invitation and both land in one call', async () => {
    server = await startServer();
    const alice = await user('alice');
    const bob = await user('bob');
    const id = await alice.client.invite('bob', call());
    const error = await bob.client.invite('alice', call()).catch((e: SignalingError) => e);
    expect(error).toBeInstanceOf(SignalingError);
    expect((error as SignalingError).code).toBe(ErrorCode.ALREADY_EXISTS);
    expect((error as SignalingError).details?.inviteID).toBe(id);
    await bob.client.accept(id);
    await alice.waitEvents('onInviteeAccepted');
  });

  it('permission errors: 8011 for strangers and non-inviters', async () => {
    server = await startServer();
    const alice = await user('alice');
    await user('bob');
    const eve = await user('eve');
    const id = await alice.client.invite('bob', call());
    expect(await codeOf(eve.client.accept(id))).toBe(ErrorCode.NO_PERMISSION);
    expect(await codeOf(eve.client.cancel(id))).toBe(ErrorCode.NO_PERMISSION);
    expect(await codeOf(eve.client.inviteInGroup('no-such-group', ['bob']))).toBe(ErrorCode.GROUP_NOT_FOUND);
  });
});

describe('groups: classroom fan-out and the HTTP API', () => {
  it('every online member receives the round and every raised hand; presence is reported', async () => {
    server = await startServer();
    const teacher = await user('teacher');
    const created = await api(server, 'POST', '/groups', teacher.token, { name: 'Physics' });
    expect(created.status).toBe(201);
    const { groupID, code } = created.body;
    const students = await Promise.all(['s1', 's2', 's3'].map((id) => user(id)));
    for (const s of students)
      expect((await api(server, 'POST', '/groups/join', s.token, { code })).status).toBe(200);
    expect((await api(server, 'POST', '/groups/join', teacher.token, { code: 'NOPE' })).status).toBe(404);

    const members = await api(server, 'GET', `/groups/${groupID}/members`, students[0]?.token);
    expect(members.body.members).toEqual([
      { userID: 'teacher', online: true, owner: true },
      { userID: 's1', online: true, owner: false },
      { userID: 's2', online: true, owner: false },
      { userID: 's3', online: true, owner: false },
    ]);

    const round = await teacher.client.inviteInGroup(
      groupID,
      ['s1', 's2', 's3'],
      createClassroomData('raiseHand'),
      {
        timeout: 0,
      },
    );
    // Issue 19: each student receives the round with itself as its only invitee.
    for (const s of students) {
      const [event] = await s.waitEvents('onReceiveNewInvitation');
      expect(event).toMatchObject({ inviteID: round, inviteeList: [s.userID], isInvitee: true });
    }
    const [s1, s2, s3] = students as [TestUser, TestUser, TestUser];
    await s3.client.accept(round);
    await s1.client.accept(round);
    // The teacher hears every answer; a student only its own.
    const accepted = await teacher.waitEvents('onInviteeAccepted', 2);
    expect(accepted.map((e) => e.invitee)).toEqual(['s3', 's1']);
    for (const s of [s1, s3])
      expect((await s.waitEvents('onInviteeAccepted')).map((e) => e.invitee)).toEqual([s.userID]);
    expect(s2.events('onInviteeAccepted')).toEqual([]);
    const speak = await teacher.client.inviteInGroup(groupID, ['s3'], createClassroomData('speak'), {
      timeout: 0,
    });
    const seen = await s2.waitEvents('onReceiveNewInvitation', 2);
    expect(seen[1]).toMatchObject({ inviteID: speak, inviteeList: ['s3'], isInvitee: false });

    expect((await api(server, 'POST', `/groups/${groupID}/leave`, s2.token)).status).toBe(204);
    expect((await api(server, 'GET', `/groups/${groupID}/members`, s2.token)).status).toBe(403);
    expect((await api(server, 'GET', '/groups', teacher.token)).body.groups).toHaveLength(1);
    expect((await api(server, 'GET', '/groups', undefined)).status).toBe(401);
    s2.client.close();
    await waitFor(() => server.connectionsOf('s2') === 0);
    const after = await api(server, 'GET', `/groups/${groupID}/members`, teacher.token);
    expect(after.body.members.map((m: { userID: string }) => m.userID)).toEqual(['teacher', 's1', 's3']);
  });

  it('pushes a group notice to online members when someone joins, leaves, connects or disconnects', async () => {
    server = await startServer();
    const teacher = await user('teacher');
    const notices: string[] = [];
    teacher.client.on('onGroupChanged', ({ groupID }) => notices.push(groupID));
    const { groupID, code } = (await api(server, 'POST', '/groups', teacher.token, { name: 'G' })).body;
    const s1 = await user('s1');
    await api(server, 'POST', '/groups/join', s1.token, { code });
    await waitFor(() => notices.length >= 1, 2000, 'join notice');
    s1.client.close();
    await waitFor(() => notices.length >= 2, 2000, 'presence notice');
    expect(new Set(notices)).toEqual(new Set([groupID]));
  });

  it('refuses group invitations from or to non-members', async () => {
    server = await startServer();
    const teacher = await user('teacher');
    const outsider = await user('outsider');
    const { groupID } = (await api(server, 'POST', '/groups', teacher.token, { name: 'G' })).body;
    expect(await codeOf(teacher.client.inviteInGroup(groupID, ['outsider']))).toBe(
      ErrorCode.NOT_GROUP_MEMBER,
    );
    expect(await codeOf(outsider.client.inviteInGroup(groupID, ['teacher']))).toBe(
      ErrorCode.NOT_GROUP_MEMBER,
    );
  });
});

describe('devices, offline users and reconnects', () => {
  it('multi-device: both devices ring, the first answer wins, the other stops ringing', async () => {
    server = await startServer();
    const alice = await user('alice');
    const phone = await user('bob', { deviceID: 'phone' });
    const laptop = await user('bob', { deviceID: 'laptop' });
    const id = await alice.client.invite('bob', call());
    await phone.waitEvents('onReceiveNewInvitation');
    await laptop.waitEvents('onReceiveNewInvitation');
    await phone.client.accept(id);
    const [elsewhere] = await laptop.waitEvents('onInviteeAccepted');
    expect(elsewhere).toMatchObject({ invitee: 'bob', device: 'phone' });
    expect(laptop.client.invitations.size).toBe(0);
    expect(await codeOf(laptop.client.accept(id))).toBe(ErrorCode.INVITATION_INVALID);
  });

  it('races fired concurrently from different sockets: exactly one transition wins', async () => {
    server = await startServer();
    const alice = await user('alice');
    const phone = await user('bob', { deviceID: 'phone' });
    const laptop = await user('bob', { deviceID: 'laptop' });
    for (let round = 0; round < 20; round++) {
      const id = await alice.client.invite('bob', call(`race-${round}`));
      await waitFor(
        () => phone.client.getInvitation(id) !== undefined && laptop.client.getInvitation(id) !== undefined,
      );
      const outcomes = await Promise.allSettled([
        alice.client.cancel(id),
        phone.client.accept(id),
        laptop.client.accept(id),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected')
          expect((o.reason as SignalingError).code).toBe(ErrorCode.INVITATION_INVALID);
      }
    }
  });

  it('an offline user receives a still-valid invitation on login with the remaining time, not an expired one', async () => {
    server = await startServer();
    const alice = await user('alice');
    const valid = await alice.client.invite('carol', call('r-valid'), { timeout: 30 });
    await alice.client.invite('carol', call('r-short'), { timeout: 1 });
    await alice.client.invite('carol', 'ping', { timeout: 30, onlineUserOnly: true });
    await alice.waitEvents('onInvitationTimeout');
    const carol = await user('carol');
    const rings = await carol.waitEvents('onReceiveNewInvitation');
    expect(rings.map((r) => r.inviteID)).toEqual([valid]);
    const remaining = (rings[0]?.deadline ?? 0) - carol.client.serverNow();
    expect(remaining).toBeGreaterThan(25_000);
    expect(remaining).toBeLessThanOrEqual(30_000);
    const [receipt] = await alice.waitEvents('onInvitationDelivered');
    expect(receipt).toMatchObject({ inviteID: valid, invitee: 'carol' });
  });

  it('reconnect: a dropped socket resumes with its sequence number; nothing lost, nothing twice', async () => {
    server = await startServer();
    const alice = await user('alice');
    const steady = await user('bob', { deviceID: 'steady' });
    const flaky = await user('bob', { deviceID: 'flaky' });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i === 10) server.terminate('bob'); // both bob sockets drop mid-stream
      const id = await alice.client.invite('bob', call(`r${i}`), { timeout: 30 });
      ids.push(id);
      if (i % 3 === 0) await alice.client.cancel(id);
    }
    const expected = ids.length + Math.ceil(ids.length / 3);
    for (const device of [steady, flaky]) {
      await waitFor(() => device.seen.length >= expected, 5000, 'every event after the reconnect');
      const keys = device.seen.map((s) => `${s.name}:${(s.event as { inviteID: string }).inviteID}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(device.events('onReceiveNewInvitation').map((e) => e.inviteID)).toEqual(ids);
      expect(device.states).toContain('reconnecting');
    }
    expect(flaky.transport.lastSeq).toBe(steady.transport.lastSeq);
    expect([...flaky.client.invitations.keys()].sort()).toEqual([...steady.client.invitations.keys()].sort());
  });

  it('a gap older than the log gets a snapshot that matches the server', async () => {
    server = await startServer({ store: new MemoryStore({ logLimit: 3 }) });
    const alice = await user('alice');
    const bob = await user('bob');
    bob.transport.close();
    const kept: string[] = [];
    for (let i = 0; i < 10; i++) {
      const id = await alice.client.invite('bob', call(`r${i}`), { timeout: 30 });
      if (i % 2 === 0) await alice.client.cancel(id);
      else kept.push(id);
    }
    const again = await user('bob');
    expect([...again.client.invitations.keys()].sort()).toEqual([...kept].sort());
    expect(
      again
        .events('onReceiveNewInvitation')
        .map((e) => e.inviteID)
        .sort(),
    ).toEqual([...kept].sort());
  });
});

describe('health and metrics', () => {
  it('reports connections, invitations by outcome and the delivery latency histogram', async () => {
    server = await startServer();
    const alice = await user('alice');
    const bob = await user('bob');
    const id = await alice.client.invite('bob', call());
    await bob.waitEvents('onReceiveNewInvitation');
    await bob.client.reject(id);
    await alice.waitEvents('onInviteeRejected');
    expect((await api(server, 'GET', '/healthz')).body).toMatchObject({ ok: true, connections: 2 });
    const text = (await api(server, 'GET', '/metrics')).body as string;
    expect(text).toContain('beckon_connections 2');
    expect(text).toContain('beckon_invitations_ended_total{outcome="rejected"} 1');
    expect(text).toMatch(/beckon_delivery_latency_seconds_count [1-9]/);
  });
});
