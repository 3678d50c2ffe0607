import { afterEach, describe, expect, it, vi } from 'vitest';
import { createToken } from '../src/auth.js';
import { MembersCache, type MembersView } from '../src/membersCache.js';
import type { BeckonServer } from '../src/server.js';
import { api, connectUser, SECRET, startServer, type TestUser } from './helpers.js';

const view = (members: string[]): MembersView => ({
  group: { groupID: 'g', name: 'G', code: 'c', owner: members[0] ?? '', members, createdAt: 0 },
  online: new Set(),
});

describe('MembersCache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shares one read among the requests that come together, until a change or the maximum age', async () => {
    vi.useFakeTimers();
    const cache = new MembersCache(500);
    let reads = 0;
    const read = async () => {
      reads++;
      return view(['a', 'b']);
    };
    const views = await Promise.all(Array.from({ length: 50 }, () => cache.get('g', read)));
    expect(reads).toBe(1);
    expect(new Set(views).size).toBe(1);
    cache.invalidate('g');
    await cache.get('g', read);
    expect(reads).toBe(2);
    vi.advanceTimersByTime(499);
    await cache.get('g', read);
    expect(reads).toBe(2);
    vi.advanceTimersByTime(1);
    await cache.get('g', read);
    expect(reads).toBe(3);
    // Expired views of other groups are swept, not kept forever.
    await cache.get('h', read);
    vi.advanceTimersByTime(500);
    await cache.get('g', read);
    expect(cache.size).toBe(1);
  });

  it('does not share a failed read', async () => {
    const cache = new MembersCache(500);
    await expect(cache.get('g', () => Promise.reject(new Error('redis down')))).rejects.toThrow('redis down');
    await expect(cache.get('g', async () => view(['a']))).resolves.toMatchObject({
      group: { members: ['a'] },
    });
  });
});

describe('GET /groups/:id/members over a real server', () => {
  let server: BeckonServer | undefined;
  const users: TestUser[] = [];
  afterEach(async () => {
    for (const u of users.splice(0)) u.client.close();
    await server?.close();
    server = undefined;
  });

  it('a refetch of the whole class reads presence once; joins, leaves and connects show at once', async () => {
    server = await startServer({ groupNoticeMs: 10_000 });
    const s = server;
    const token = (userID: string) => createToken({ secret: SECRET, userID });
    const teacher = await token('teacher');
    const { groupID, code } = (await api(s, 'POST', '/groups', teacher, { name: 'G' })).body;
    const students = Array.from({ length: 20 }, (_, i) => `s${i}`);
    for (const id of students) await api(s, 'POST', '/groups/join', await token(id), { code });
    const online = vi.spyOn(s.store, 'online');

    const tokens = await Promise.all(students.map(token));
    const answers = await Promise.all(tokens.map((t) => api(s, 'GET', `/groups/${groupID}/members`, t)));
    expect(answers.map((a) => a.status)).toEqual(students.map(() => 200));
    expect(answers[0]?.body.members).toHaveLength(21);
    expect(online).toHaveBeenCalledTimes(1);

    // A join is in the joiner's own next read (and everyone's), not a notice interval later.
    const late = await token('late');
    expect((await api(s, 'POST', '/groups/join', late, { code })).status).toBe(200);
    const after = await api(s, 'GET', `/groups/${groupID}/members`, late);
    expect(after.status).toBe(200);
    expect(after.body.members.map((m: { userID: string }) => m.userID)).toContain('late');

    // Who left is refused at once.
    expect((await api(s, 'POST', `/groups/${groupID}/leave`, late)).status).toBe(204);
    expect((await api(s, 'GET', `/groups/${groupID}/members`, late)).status).toBe(403);

    // A member coming online shows in the next read.
    const onlineOf = async (userID: string) =>
      (await api(s, 'GET', `/groups/${groupID}/members`, teacher)).body.members.find(
        (m: { userID: string }) => m.userID === userID,
      )?.online;
    expect(await onlineOf('s3')).toBe(false);
    const s3 = await connectUser(s, 's3');
    users.push(s3);
    // The connect's presence notice drops the shared view (the notice interval here is 10 s).
    const deadline = Date.now() + 5000;
    while ((await onlineOf('s3')) !== true) {
      if (Date.now() > deadline) throw new Error('s3 never shown online');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
});
