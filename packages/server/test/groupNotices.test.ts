import { afterEach, describe, expect, it, vi } from 'vitest';
import { createToken } from '../src/auth.js';
import { GroupNotices } from '../src/groupNotices.js';
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

describe('group notices over real sockets', () => {
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
});
