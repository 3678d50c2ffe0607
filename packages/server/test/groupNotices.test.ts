import { afterEach, describe, expect, it, vi } from 'vitest';
import { createToken } from '../src/auth.js';
import { GroupNotices } from '../src/groupNotices.js';
import { MembersCache, type MembersView } from '../src/membersCache.js';
import type { BeckonServer } from '../src/server.js';
import { api, connectUser, SECRET, startServer, type TestUser, waitFor } from './helpers.js';

describe('GroupNotices (at most one notice per group per interval)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells the first change at once and the next ones together at the end of the interval, to all they concerned', () => {
    vi.useFakeTimers();
    const sent: Array<[string, string[]]> = [];
    const notices = new GroupNotices(500, (groupID, members) => sent.push([groupID, [...members].sort()]));
    notices.announce('g', ['a', 'b']);
    expect(sent).toEqual([['g', ['a', 'b']]]);
    notices.announce('g', ['a', 'b', 'c']);
    notices.announce('g', ['a', 'd']);
    notices.announce('h', ['x']);
    expect(sent).toEqual([
      ['g', ['a', 'b']],
      ['h', ['x']],
    ]);
    vi.advanceTimersByTime(499);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sent.at(-1)).toEqual(['g', ['a', 'b', 'c', 'd']]);
    // The trailing notice opened a new interval: a change now waits for its end.
    notices.announce('g', ['e']);
    expect(sent).toHaveLength(3);
    vi.advanceTimersByTime(500);
    expect(sent.at(-1)).toEqual(['g', ['e']]);
    // A quiet interval closes the window: the next change goes out at once again.
    vi.advanceTimersByTime(500);
    notices.announce('g', ['f']);
    expect(sent.at(-1)).toEqual(['g', ['f']]);
    notices.announce('g', ['late']);
    notices.close();
    vi.advanceTimersByTime(5000);
    expect(sent.at(-1)).toEqual(['g', ['f']]);
  });
});

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

describe('group notices and members lists over a real server', () => {
  let server: BeckonServer | undefined;
  const users: TestUser[] = [];
  afterEach(async () => {
    for (const u of users.splice(0)) u.client.close();
    await server?.close();
    server = undefined;
  });

  it('refuses a notice interval that is not a positive integer, naming the option', async () => {
    await expect(startServer({ groupNoticeMs: 0 })).rejects.toThrow(
      'createBeckonServer: groupNoticeMs must be a positive integer',
    );
    await expect(startServer({ groupNoticeMs: 1.5 })).rejects.toThrow(
      'createBeckonServer: groupNoticeMs must be a positive integer',
    );
  });

  it('a class joining and connecting at once costs each member a notice per interval, and the last one comes after the last change', async () => {
    const intervalMs = 1000;
    server = await startServer({ groupNoticeMs: intervalMs });
    const s = server;
    const teacher = await connectUser(s, 'teacher');
    users.push(teacher);
    const { groupID, code } = (await api(s, 'POST', '/groups', teacher.token, { name: 'G' })).body;
    const students = Array.from({ length: 30 }, (_, i) => `s${i}`);
    const notices: number[] = [];
    teacher.client.on('onGroupChanged', (e) => {
      if (e.groupID === groupID) notices.push(Date.now());
    });
    const started = Date.now();
    for (const id of students) {
      const token = await createToken({ secret: SECRET, userID: id });
      expect((await api(s, 'POST', '/groups/join', token, { code })).status).toBe(200);
    }
    const connected = await Promise.all(students.map((id) => connectUser(s, id)));
    users.push(...connected);
    const allOnline = Date.now();
    // Told after the last student came online (the trailing notice), so a refetch shows everyone.
    await waitFor(() => notices.some((at) => at >= allOnline), 5 * intervalMs + 5000, 'the trailing notice');
    const members = (await api(s, 'GET', `/groups/${groupID}/members`, teacher.token)).body.members as Array<{
      userID: string;
      online: boolean;
    }>;
    expect(members.filter((m) => m.online).map((m) => m.userID)).toHaveLength(students.length + 1);
    // One notice per started interval at most, however slow the joins and connects were (60
    // without the throttle: 30 joins and 30 connects).
    const intervals = Math.ceil((Date.now() - started) / intervalMs) + 1;
    expect(notices.length).toBeLessThanOrEqual(intervals);
    expect(notices.length).toBeLessThan(2 * students.length);
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
    // A stranger asking again and again is refused on the group alone: presence is not read.
    online.mockClear();
    const stranger = await token('stranger');
    for (let i = 0; i < 5; i++)
      expect((await api(s, 'GET', `/groups/${groupID}/members`, stranger)).status).toBe(403);
    // (At most the shared view's one read, were it to have expired meanwhile.)
    expect(online.mock.calls.length).toBeLessThanOrEqual(1);

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
