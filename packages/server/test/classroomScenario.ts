import { deriveClassroom, onRoundEnded, type RoundEnd, TeacherActions } from '@beckon/signaling/classroom';
import { WebSocket } from 'ws';
import { api, connectUser, type NodeWebSocket, type Target, type TestUser, waitFor } from './helpers.js';

// The classroom over real sockets, for the memory store and for processes sharing Redis: every
// client's queue equals the server's, the group operations, and how rounds end.

/** Frames a client's socket received. */
export interface Counted {
  frames: number;
  /** The queue stream's frames received (issue 19), as sent. */
  readonly queueFrames: string[];
}

/** A `ws` WebSocket that counts the frames it receives. */
function countingSocket(counter: Counted) {
  return class extends WebSocket {
    constructor(url: string) {
      super(url);
      this.on('message', (data) => {
        counter.frames++;
        for (const line of String(data).split('\n'))
          if (line.startsWith('{"t":"queue"')) counter.queueFrames.push(line);
      });
    }
  } as unknown as typeof NodeWebSocket;
}

export interface Member {
  readonly user: TestUser;
  readonly actions: TeacherActions;
  readonly counted: Counted;
  readonly ends: RoundEnd[];
  queue(): string[];
  roundID(): string | undefined;
  /** Speakers, and students invited to speak. */
  speakers(): { speaking: string[]; invited: string[] };
}

export interface Class {
  readonly groupID: string;
  readonly teacher: Member;
  readonly students: readonly Member[];
  /** The server's queue: a fresh device of the teacher, whose first frame is a snapshot. */
  authority(): Promise<string[]>;
}

const view = (user: TestUser, groupID: string) =>
  deriveClassroom(Object.fromEntries(user.client.invitations), groupID);

export async function member(target: Target, userID: string, groupID: () => string): Promise<Member> {
  const counted: Counted = { frames: 0, queueFrames: [] };
  const user = await connectUser(target, userID, { WebSocket: countingSocket(counted) });
  const ends: RoundEnd[] = [];
  let actions: TeacherActions | undefined;
  return {
    user,
    counted,
    ends,
    get actions() {
      if (actions === undefined) {
        actions = new TeacherActions(user.client, groupID(), () => view(user, groupID()));
        onRoundEnded(user.client, groupID(), (end) => ends.push(end));
      }
      return actions;
    },
    queue: () => view(user, groupID()).queue.map((q) => `${q.userID}/${q.inviteID}`),
    roundID: () => view(user, groupID()).roundID,
    speakers: () => {
      const state = view(user, groupID());
      return { speaking: state.speakers.map((s) => s.userID), invited: [...state.speakInvitations.keys()] };
    },
  };
}

/** A teacher and `students` students, each on `on(i)` (the teacher is i = 0), in one group. */
export async function makeClass(
  on: (i: number) => { readonly url: string; readonly wsUrl: string },
  prefix: string,
  students: number,
): Promise<Class> {
  let groupID = '';
  const teacher = await member(on(0), `${prefix}teacher`, () => groupID);
  const created = await api(on(0), 'POST', '/groups', teacher.user.token, { name: 'Lecture' });
  groupID = created.body.groupID;
  const list: Member[] = [];
  for (let i = 1; i <= students; i++) {
    const m = await member(on(i), `${prefix}s${i}`, () => groupID);
    await api(on(i), 'POST', '/groups/join', m.user.token, { code: created.body.code });
    list.push(m);
  }
  // Touch the actions so every member listens for round ends from now on.
  for (const m of [teacher, ...list]) void m.actions;
  return {
    groupID,
    teacher,
    students: list,
    async authority() {
      const probe = await connectUser(on(0), `${prefix}teacher`, { deviceID: `probe-${Date.now()}` });
      try {
        return view(probe, groupID).queue.map((q) => `${q.userID}/${q.inviteID}`);
      } finally {
        probe.client.close();
      }
    },
  };
}

export async function everyone(c: Class, check: (m: Member) => boolean, what: string): Promise<void> {
  await waitFor(() => [c.teacher, ...c.students].every(check), 20_000, what);
}

export function close(c: Class): void {
  for (const m of [c.teacher, ...c.students]) m.user.client.close();
}

/**
 * Every student raises at once; every client's queue (the teacher's from immediate frames, the
 * students' from coalesced batches) equals the server's. Then the round outlives every answer:
 * all hands come down, the round stays open until the teacher closes it in one request, and
 * every member is told it was closed by the teacher.
 */
export async function raiseLowerClose(c: Class): Promise<{ closeFrames: number[] }> {
  const ids = c.students.map((s) => s.user.userID);
  const roundID = await c.teacher.actions.openRound(ids);
  await everyone(c, (m) => m.roundID() === roundID, 'the round everywhere');
  await Promise.all(c.students.map((s) => s.actions.raiseHand()));
  const authority = await c.authority();
  if (authority.length !== ids.length) throw new Error(`the server holds ${authority.length} hands`);
  await everyone(c, (m) => m.queue().join() === authority.join(), 'every queue equal to the server');

  // The teacher lowers every hand in one request: the round stays open (every student answered).
  await c.teacher.actions.lowerAll();
  await everyone(c, (m) => m.queue().length === 0, 'every queue empty');
  for (const m of [c.teacher, ...c.students]) {
    if (m.roundID() !== roundID) throw new Error(`${m.user.userID} sees the round closed`);
    if (m.ends.length > 0) throw new Error(`${m.user.userID} was told the round ended`);
  }

  // A student raises again; the teacher closes the round in one request.
  await c.students[0]?.actions.raiseHand();
  await everyone(c, (m) => m.queue().length === 1, 'the raised hand everywhere');
  const before = c.students.map((s) => s.counted.frames);
  await c.teacher.actions.closeRound();
  await everyone(c, (m) => m.ends.length === 1 && m.roundID() === undefined, 'every member told');
  for (const m of [c.teacher, ...c.students]) {
    const [end] = m.ends;
    if (end?.reason !== 'closedByTeacher' || end.roundID !== roundID)
      throw new Error(`${m.user.userID} was told ${JSON.stringify(end)}`);
    if (m.queue().length !== 0) throw new Error(`${m.user.userID} still sees hands`);
  }
  return { closeFrames: c.students.map((s, i) => s.counted.frames - (before[i] ?? 0)) };
}
