import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createToken } from '../../src/auth.js';
import type { BeckonServer } from '../../src/server.js';
import { RedisStore } from '../../src/store/redis.js';
import { api, connectUser, SECRET, startServer, type TestUser, waitFor } from '../helpers.js';
import { describeRedis, freshPrefix, purge, REDIS_URL } from './cluster.js';

// A process that shuts down with users connected tells their groups, on every process, that they
// left: the announcements finish before the store closes.

const servers: BeckonServer[] = [];
const users: TestUser[] = [];
let prefix = '';

afterEach(async () => {
  for (const u of users.splice(0)) u.client.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await purge(prefix);
});

/** A pino logger that keeps the messages of warnings and errors. */
function capture(): { logger: pino.Logger; warnings: string[] } {
  const warnings: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        const { level, msg } = JSON.parse(line) as { level: number; msg: string };
        if (level >= 40) warnings.push(msg);
      }
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), warnings };
}

/**
 * A Redis store whose group reads wait until the process starts closing it (or 300 ms): the
 * announcements of users who left with the sockets are still under way when the shutdown gets
 * to the store, as with a class of 1,000 (each announcement reads the user's groups).
 */
class SlowGroupReads extends RedisStore {
  #closing = false;

  override async groupsOf(userID: string) {
    for (let waited = 0; !this.#closing && waited < 300; waited += 5)
      await new Promise((r) => setTimeout(r, 5));
    return super.groupsOf(userID);
  }

  override close() {
    this.#closing = true;
    return super.close();
  }
}

describeRedis('a process shutting down, on Redis', () => {
  it("tells the other processes' class members that its students left, with no warning", async () => {
    prefix = freshPrefix();
    const log = capture();
    const leaving = await startServer({
      store: new SlowGroupReads({ url: REDIS_URL, prefix }),
      logger: log.logger,
      groupNoticeMs: 50,
    });
    const staying = await startServer({
      store: new RedisStore({ url: REDIS_URL, prefix }),
      groupNoticeMs: 50,
    });
    servers.push(leaving, staying);
    const teacher = await connectUser(staying, 'teacher');
    users.push(teacher);
    const { groupID, code } = (await api(staying, 'POST', '/groups', teacher.token, { name: 'G' })).body;
    const students = Array.from({ length: 20 }, (_, i) => `s${i}`);
    for (const id of students) {
      const token = await createToken({ secret: SECRET, userID: id });
      expect((await api(staying, 'POST', '/groups/join', token, { code })).status).toBe(200);
      users.push(await connectUser(leaving, id));
    }
    const online = async () => {
      const { body } = await api(staying, 'GET', `/groups/${groupID}/members`, teacher.token);
      return (body.members as Array<{ userID: string; online: boolean }>).filter((m) => m.online).length;
    };
    expect(await online()).toBe(students.length + 1);
    let notices = 0;
    teacher.client.on('onGroupChanged', (e) => {
      if (e.groupID === groupID) notices++;
    });

    await leaving.close();
    servers.splice(servers.indexOf(leaving), 1);
    await waitFor(() => notices > 0, 20_000, "the teacher's notice that the class left");
    expect(log.warnings).toEqual([]);
    expect(await online()).toBe(1);
  }, 30_000);
});
