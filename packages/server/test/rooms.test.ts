import { CallType, createCallData, createHangupData } from '@beckon/signaling';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth.js';
import type { BeckonServer } from '../src/server.js';
import { MemoryStore } from '../src/store/memory.js';
import { callRoomOpensWithTheAccept } from './callRoomScenario.js';
import { api, connectUser, SECRET, startServer, type TestUser, waitFor } from './helpers.js';
import { quietListener } from './quietStore.js';
import { openRaw, type RawClient } from './raw.js';

let server: BeckonServer;
const users: TestUser[] = [];
const raws: RawClient[] = [];
afterEach(async () => {
  for (const u of users.splice(0)) u.client.close();
  for (const r of raws.splice(0)) r.ws.terminate();
  await server?.close();
});

async function user(id: string) {
  const u = await connectUser(server, id);
  users.push(u);
  return u;
}

function inbox(u: TestUser) {
  const got: Array<{ roomID: string; from: string; data: string }> = [];
  u.client.on('onRoomSignal', (m) => got.push(m));
  return got;
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('media-room messages (WebRTC negotiation) are relayed only inside a call', () => {
  it("the store opens an answered call's room in the commit that accepts it (no server)", async () => {
    const store = new MemoryStore();
    await store.start(quietListener);
    try {
      await callRoomOpensWithTheAccept(store, store, (n) => n);
    } finally {
      await store.close();
    }
  });

  it('between the two parties from the accept until the call-end invitation', async () => {
    server = await startServer();
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    const bobInbox = inbox(bob);
    const aliceInbox = inbox(alice);
    const id = await alice.client.invite(
      'bob',
      createCallData({ callType: CallType.VIDEO, roomID: 'room-7' }),
    );

    alice.client.sendRoomSignal('room-7', 'bob', 'offer-before-accept');
    await settle();
    expect(bobInbox).toEqual([]);

    await bob.client.accept(id);
    alice.client.sendRoomSignal('room-7', 'bob', '{"type":"offer"}');
    bob.client.sendRoomSignal('room-7', 'alice', '{"type":"answer"}');
    carol.client.sendRoomSignal('room-7', 'bob', 'intruder');
    alice.client.sendRoomSignal('other-room', 'bob', 'wrong room');
    await waitFor(() => bobInbox.length >= 1 && aliceInbox.length >= 1);
    await settle();
    expect(bobInbox).toEqual([{ roomID: 'room-7', from: 'alice', data: '{"type":"offer"}' }]);
    expect(aliceInbox).toEqual([{ roomID: 'room-7', from: 'bob', data: '{"type":"answer"}' }]);

    await alice.client.invite(
      'bob',
      createHangupData({ callType: CallType.VIDEO, roomID: 'room-7', durationSeconds: 3 }),
      {
        timeout: 0,
      },
    );
    alice.client.sendRoomSignal('room-7', 'bob', 'after hang-up');
    await settle();
    expect(bobInbox).toHaveLength(1);
  });

  it('refusals are typed errors (8011), oversize messages 9006, and nobody else is affected', async () => {
    server = await startServer();
    const mallory = await openRaw(server.wsUrl);
    raws.push(mallory);
    await mallory.auth(await createToken({ secret: SECRET, userID: 'mallory' }));
    const from = mallory.frames.length;
    mallory.send({ t: 'rtc', roomID: 'room-1', to: 'bob', data: 'x' });
    const refused = await mallory.waitFrame((f) => f.t === 'error', from);
    expect(refused.error?.code).toBe(8011);
    mallory.send({ t: 'rtc', roomID: 'room-1', to: 'bob', data: 'x'.repeat(16 * 1024 + 1) });
    const oversize = await mallory.waitFrame((f) => f.t === 'error' && f.error?.code === 9006, from);
    expect(oversize.error?.message).toMatch(/16 KiB/);
  });

  it('inside a classroom group room between members only', async () => {
    server = await startServer();
    const teacher = await user('teacher');
    const student = await user('student');
    const outsider = await user('outsider');
    const { groupID, code } = (await api(server, 'POST', '/groups', teacher.token, { name: 'G' })).body;
    await api(server, 'POST', '/groups/join', student.token, { code });
    const teacherInbox = inbox(teacher);
    student.client.sendRoomSignal(`group:${groupID}`, 'teacher', 'student video offer');
    outsider.client.sendRoomSignal(`group:${groupID}`, 'teacher', 'outsider');
    await waitFor(() => teacherInbox.length >= 1);
    await settle();
    expect(teacherInbox).toEqual([
      { roomID: `group:${groupID}`, from: 'student', data: 'student video offer' },
    ]);
  });
});
