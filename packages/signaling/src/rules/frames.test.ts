import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { InMemoryHub } from '../hub.js';
import { parseServerFrame, type ServerFrame } from '../protocol.js';
import { parseClientFrame, parseServerFrameStrict } from './frames.js';
import type { SignalingEvent } from './types.js';

/** Real frames: every event kind, produced by the rules, wrapped as the server wraps them. */
async function realFrames(): Promise<ServerFrame[]> {
  const hub = new InMemoryHub({ clock: new ManualClock(1_700_000_000_000) });
  hub.setGroup('g', ['t', 'a', 'b']);
  const events: SignalingEvent[] = [];
  const attach = (user: string) =>
    hub.connect(user).connect({
      onStateChange: () => {},
      onSession: () => {},
      onSnapshot: () => {},
      onEvent: (e) => events.push(e),
    });
  for (const u of ['t', 'a', 'b']) attach(u);
  const id = (await hub.dispatch('t', 'd', {
    op: 'invite',
    groupID: 'g',
    inviteeList: ['a'],
    data: 'x',
    timeout: 5,
    onlineUserOnly: false,
  })) as { inviteID: string };
  await hub.dispatch('t', 'd', { op: 'modify', inviteID: id.inviteID, data: 'y' });
  await hub.dispatch('t', 'd', { op: 'addInvitees', inviteID: id.inviteID, inviteeList: ['b'] });
  await hub.dispatch('a', 'phone', { op: 'accept', inviteID: id.inviteID, data: '' });
  await hub.dispatch('b', 'd', { op: 'reject', inviteID: id.inviteID, data: 'no' });
  const two = (await hub.dispatch('a', 'd', {
    op: 'invite',
    groupID: '',
    inviteeList: ['b'],
    data: '',
    timeout: 1,
    onlineUserOnly: true,
  })) as { inviteID: string };
  await hub.dispatch('a', 'd', { op: 'cancel', inviteID: two.inviteID, data: '' });
  await hub.dispatch('a', 'd', {
    op: 'invite',
    groupID: '',
    inviteeList: ['t'],
    data: '',
    timeout: 1,
    onlineUserOnly: false,
  });
  (hub.clock as ManualClock).advance(1000);
  const kinds = new Set(events.map((e) => e.kind));
  expect(kinds).toEqual(
    new Set(['invite', 'modify', 'addInvitees', 'accept', 'reject', 'cancel', 'timeout', 'delivered']),
  );
  return [
    { t: 'hello', sessionID: 's', userID: 'a', deviceID: 'd', serverTime: 1, epoch: 'e' },
    {
      t: 'snapshot',
      seq: 3,
      at: 2,
      invitations: [
        ...hub.state.invitations.values(),
        ...events.flatMap((e) => ('invitation' in e ? [e.invitation] : [])),
      ],
      missed: events.filter((e) => e.kind !== 'invite'),
    },
    ...events.map((ev, i): ServerFrame => (i % 2 ? { t: 'ev', seq: i + 1, ev } : { t: 'ev', ev })),
    { t: 'res', id: 1, ok: true, inviteID: 'x' },
    { t: 'res', id: 2, ok: false, error: { code: 8010, message: 'gone', details: { inviteID: 'x' } } },
    { t: 'pong', ts: 1, serverTime: 2 },
    { t: 'error', error: { code: 9006, message: 'bad' } },
    {
      t: 'queue',
      groupID: 'g',
      hands: [['h1', 'a', 1_700_000_000_000, 7, 0]],
      rounds: [
        {
          groupID: 'g',
          data: 'd',
          timeout: 30,
          onlineUserOnly: false,
          answers: 0,
          invitees: [{ userID: 't', state: 'pending', deadline: 1_700_000_030_000, delivered: false }],
        },
      ],
      gone: ['h0'],
    },
    { t: 'queue', groupID: 'g', full: true, hands: [], rounds: [], gone: [] },
  ];
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Replaces the value at one random path of `value` with `replacement`. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return replacement;
  const entries = Object.entries(value).filter(([k]) => !FORBIDDEN.has(k));
  if (entries.length === 0) return replacement;
  const [head = 0, ...rest] = path;
  const [key, child] = entries[head % entries.length] ?? ['', undefined];
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
  (copy as Record<string, unknown>)[key] = mutate(child, rest, replacement);
  return copy;
}

describe('server frames: the lean browser parser against the valibot schema', () => {
  it('both accept every real frame and read it the same way', async () => {
    for (const frame of await realFrames()) {
      const raw = JSON.stringify(frame);
      const strict = parseServerFrameStrict(raw);
      const lean = parseServerFrame(raw);
      expect(strict.ok, raw).toBe(true);
      expect(lean).toEqual({ ok: true, frame: JSON.parse(raw) });
    }
  });

  it('whatever the schema accepts, the lean parser accepts too (mutated frames, 5000 runs)', async () => {
    const frames = await realFrames();
    fc.assert(
      fc.property(
        fc.constantFrom(...frames),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.oneof(fc.jsonValue(), fc.constant(undefined)),
        (frame, path, replacement) => {
          const raw = JSON.stringify(mutate(frame, path, replacement));
          if (raw === undefined) return;
          if (parseServerFrameStrict(raw).ok) expect(parseServerFrame(raw).ok).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('a message of several frames, one per line, splits back into them (JSON has no raw line breaks)', async () => {
    const frames = await realFrames();
    const weird = { t: 'error', error: { code: 9006, message: 'two\nlines \u2028 and \r' } } as const;
    const message = [...frames, weird].map((f) => JSON.stringify(f)).join('\n');
    const lines = message.split('\n');
    expect(lines).toHaveLength(frames.length + 1);
    for (const line of lines) expect(parseServerFrame(line).ok).toBe(true);
    expect(lines.map((l) => JSON.parse(l))).toEqual(JSON.parse(JSON.stringify([...frames, weird])));
  });

  it('an error frame whose details is an array is refused by both (found by the property above)', () => {
    const raw = JSON.stringify({
      t: 'res',
      id: 2,
      ok: false,
      error: { code: 8010, message: 'gone', details: [] },
    });
    expect(parseServerFrameStrict(raw).ok).toBe(false);
    expect(parseServerFrame(raw).ok).toBe(false);
  });

  it('neither parser throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
        expect(typeof parseServerFrame(raw).ok).toBe('boolean');
        expect(typeof parseServerFrameStrict(raw).ok).toBe('boolean');
        expect(typeof parseClientFrame(raw).ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('client frames: prototype keys', () => {
  const invite = (extra: string) =>
    `{"t":"req","id":7,"cmd":{"op":"cancel","inviteID":"i1","data":""${extra}}}`;

  it('refuses them however they are spelled, escapes included, with the request id', () => {
    expect(parseClientFrame(invite('')).ok).toBe(true);
    for (const key of [
      '__proto__',
      'constructor',
      'prototype',
      '\\u005f_proto__',
      '__prot\\u006f__',
      '\\u0063onstructor',
      'prototyp\\u0065',
    ]) {
      const parsed = parseClientFrame(invite(`,"${key}":{"polluted":true}`));
      expect(parsed, key).toMatchObject({ ok: false, id: 7, error: { code: 9006 } });
      expect(parsed.ok || parsed.error.message).toMatch(/forbidden key "(__proto__|constructor|prototype)"/);
    }
    // An escape that spells an ordinary key is fine.
    expect(parseClientFrame(invite(',"\\u0078":1')).ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('client frames: group operations', () => {
  const req = (cmd: object) => JSON.stringify({ t: 'req', id: 9, cmd });
  it('accepts the three operations with a group id, and refuses any other with the request id', () => {
    for (const op of ['closeRound', 'lowerAll', 'revokeSpeakers'])
      expect(parseClientFrame(req({ op, groupID: 'g', extra: 1 }))).toEqual({
        ok: true,
        frame: { t: 'req', id: 9, cmd: { op, groupID: 'g' } },
      });
    expect(parseClientFrame(req({ op: 'kickAll', groupID: 'g' }))).toMatchObject({
      ok: false,
      id: 9,
      error: { code: 9006 },
    });
    expect(parseClientFrame(req({ op: 'lowerAll', groupID: '' }))).toMatchObject({
      ok: false,
      id: 9,
      error: { code: 6017, details: { field: 'groupID' } },
    });
  });
});
