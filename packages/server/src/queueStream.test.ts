import type { QueuedHand } from '@beckon/signaling/rules';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Connection } from './connection.js';
import { QueueStream } from './queueStream.js';
import type { Store } from './store/types.js';

// The queue stream without sockets: fake connections record what they are sent.

interface Fake {
  readonly userID: string;
  readonly sent: string[];
  readonly lines: string[];
  batchLine(text: string): void;
  sendText(text: string): void;
  flushPending(): void;
}

function fake(userID: string): Fake {
  const lines: string[] = [];
  const sent: string[] = [];
  return {
    userID,
    sent,
    lines,
    batchLine: (text) => lines.push(text),
    sendText: (text) => sent.push(text),
    flushPending: () => sent.push(...lines.splice(0)),
  };
}

const entry = (id: string, owner: string, serial: number): QueuedHand => ({
  inviteID: id,
  owner,
  createdAt: 1000,
  serial,
  data: '{"businessID":"beckon_classroom","op":"hand","roundID":"r"}',
  teacher: 't',
  deadline: 0,
  timeout: 0,
});

function setup(members: string[]) {
  const state = { hands: [] as QueuedHand[], members };
  const store = {
    handQueue: async () => state.hands,
    groupsOf: async (userID: string) => (state.members.includes(userID) ? [{ groupID: 'g' }] : []),
    getGroup: async () => ({ groupID: 'g', members: state.members }),
  } as unknown as Store;
  const due: string[] = [];
  const byUser = new Map<string, Fake[]>();
  const stream = new QueueStream({
    store,
    log: pino({ level: 'silent' }),
    touch: (groupID) => due.push(groupID),
    connectionsOf: (userID) => (byUser.get(userID) ?? []) as unknown as Connection[],
  });
  const connect = (userID: string, resumed = false) => {
    const f = fake(userID);
    byUser.set(userID, [...(byUser.get(userID) ?? []), f]);
    stream.synced(f as unknown as Connection, resumed);
    return f;
  };
  /** Runs the batch the stream asked for, as `GroupBatches` would. */
  const runBatch = () => {
    while (due.length > 0) stream.due(due.shift() ?? '', new Set());
  };
  return { state, stream, connect, runBatch, close: (f: Fake) => stream.closed(f as unknown as Connection) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const frames = (f: Fake) => f.sent.map((t) => JSON.parse(t));

describe('QueueStream', () => {
  it('a fresh socket gets nothing for an empty queue, the whole queue otherwise; a resumed one always', async () => {
    const { state, connect } = setup(['a', 'b', 'c']);
    const a = connect('a');
    await settle();
    expect(a.sent).toEqual([]);
    const b = connect('b', true);
    await settle();
    expect(frames(b)).toEqual([{ t: 'queue', groupID: 'g', full: true, hands: [], rounds: [], gone: [] }]);
    state.hands = [entry('h1', 'a', 1)];
    const c = connect('c');
    await settle();
    // Full frames come from the last queue read: the store tells every change (`changed`).
    expect(c.sent).toEqual([]);
  });

  it('one frame per batch for every joined socket, serialized once; nothing when nothing changed', async () => {
    const { state, stream, connect, runBatch } = setup(['a', 'b']);
    const [a, b] = [connect('a'), connect('b')];
    await settle();
    state.hands = [entry('h1', 'a', 1), entry('h2', 'b', 2)];
    stream.changed('g');
    stream.changed('g');
    runBatch();
    await settle();
    expect(a.sent).toHaveLength(1);
    expect(b.sent).toEqual(a.sent);
    expect(frames(a)[0].hands.map((h: unknown[]) => h[0])).toEqual(['h1', 'h2']);
    stream.changed('g');
    runBatch();
    await settle();
    expect(a.sent).toHaveLength(1);
    state.hands = [entry('h2', 'b', 2)];
    stream.changed('g');
    runBatch();
    await settle();
    expect(frames(a)[1]).toEqual({ t: 'queue', groupID: 'g', hands: [], rounds: [], gone: ['h1'] });
  });

  it('a member who joins while connected gets the queue at once; one who leaves, an empty queue and no more', async () => {
    const { state, stream, connect, runBatch } = setup(['a']);
    const a = connect('a');
    state.hands = [entry('h1', 'a', 1)];
    await settle();
    const late = connect('late');
    await settle();
    expect(late.sent).toEqual([]);
    state.members = ['a', 'late'];
    stream.membersChanged('g', state.members);
    await settle();
    expect(frames(late)).toEqual([
      expect.objectContaining({ full: true, hands: [expect.arrayContaining(['h1'])] }),
    ]);

    state.members = ['a'];
    stream.membersChanged('g', ['a', 'late']);
    state.hands = [];
    stream.changed('g');
    runBatch();
    await settle();
    expect(frames(late).at(-1)).toEqual({
      t: 'queue',
      groupID: 'g',
      full: true,
      hands: [],
      rounds: [],
      gone: [],
    });
    expect(frames(a).at(-1)).toMatchObject({ full: true, hands: [] });
    state.hands = [entry('h3', 'a', 3)];
    stream.changed('g');
    runBatch();
    await settle();
    expect(late.sent).toHaveLength(2);
    expect(a.sent).toHaveLength(3);
  });

  it("keeps a class's queue only while one of its members is connected here", async () => {
    const { stream, connect, close } = setup(['a', 'b']);
    const [a, b] = [connect('a'), connect('b')];
    await settle();
    expect(stream.classes).toBe(1);
    close(a);
    expect(stream.classes).toBe(1);
    close(b);
    expect(stream.classes).toBe(0);
    // A change for a class nobody here follows costs nothing.
    stream.changed('g');
    expect(stream.classes).toBe(0);
  });
});
