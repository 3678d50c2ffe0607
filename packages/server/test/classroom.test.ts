import { afterEach, describe, expect, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { type Class, close, everyone, type Member, makeClass, raiseLowerClose } from './classroomScenario.js';
import { startServer } from './helpers.js';

let server: BeckonServer;
let lecture: Class | undefined;
afterEach(async () => {
  if (lecture) close(lecture);
  lecture = undefined;
  await server?.close();
});

describe('classroom over real sockets (memory store)', () => {
  it('refuses a classroom batch window that is not a positive integer, naming the option', async () => {
    await expect(startServer({ classroomBatch: { quietMs: 0 } })).rejects.toThrow(
      'createBeckonServer: classroomBatch.quietMs must be a positive integer',
    );
    await expect(startServer({ classroomBatch: { maxDelayMs: 2.5 } })).rejects.toThrow(
      'createBeckonServer: classroomBatch.maxDelayMs must be a positive integer',
    );
  });

  it('coalesced batches give every student the server queue; lower all and close are one request, every member told', async () => {
    server = await startServer();
    lecture = await makeClass(() => server, '', 6);
    const sent = server.metrics.framesSent;
    const { closeFrames } = await raiseLowerClose(lecture);
    // The close (round, marker, the hand) reaches each student in exactly one frame: the
    // commands run in one turn of the arbiter, before the batch is due.
    expect(closeFrames).toEqual([1, 1, 1, 1, 1, 1]);
    // One event per hand per member would be 7 members x (6 hands + 6 answers), plus replies.
    expect(server.metrics.framesSent - sent).toBeLessThan(7 * 12);
  });

  it('a round with a timeout ends by itself, every member told it timed out, after every student answered', async () => {
    server = await startServer();
    const c = await makeClass(() => server, '', 3);
    lecture = c;
    const ids = c.students.map((s) => s.user.userID);
    const roundID = await c.teacher.actions.openRound(ids, { timeout: 1 });
    await everyone(c, (m) => m.roundID() === roundID, 'the round everywhere');
    for (const s of c.students) {
      await s.actions.raiseHand();
      await s.actions.lowerHand();
    }
    await everyone(c, (m) => m.ends.length === 1, 'every member told');
    for (const m of [c.teacher, ...c.students]) {
      expect(m.ends).toEqual([{ groupID: c.groupID, roundID, reason: 'timedOut' }]);
      expect(m.roundID()).toBeUndefined();
    }
  });

  it('revoking every speaker is one request; a student cannot close the teacher round', async () => {
    server = await startServer();
    const c = await makeClass(() => server, '', 3);
    lecture = c;
    const [s1, s2, s3] = c.students as [Member, Member, Member];
    await c.teacher.actions.openRound(c.students.map((s) => s.user.userID));
    await everyone(c, (m) => m.roundID() !== undefined, 'the round everywhere');
    await s1.actions.raiseHand();
    await s2.actions.raiseHand();
    for (const s of [s1, s2, s3]) await c.teacher.actions.inviteToSpeak(s.user.userID);
    for (const s of [s1, s2]) {
      await everyone(c, () => s.speakers().invited.includes(s.user.userID), 'the invitation to speak');
      await s.actions.acceptSpeak();
    }
    const two = [s1.user.userID, s2.user.userID];
    await everyone(
      c,
      (m) => m.speakers().speaking.join() === two.join() && m.speakers().invited.join() === s3.user.userID,
      'two speakers and one invitation everywhere',
    );

    // A student's close touches only what the student may touch: the teacher's round stays.
    await s3.actions.closeRound();
    expect(c.teacher.roundID()).toBeDefined();

    await c.teacher.actions.revokeAllSpeakers();
    await everyone(
      c,
      (m) => m.speakers().speaking.length === 0 && m.speakers().invited.length === 0,
      'no speaker and no invitation to speak anywhere',
    );
    expect(c.teacher.roundID()).toBeDefined();
  });
});
