import { describe, expect, it } from 'vitest';
import {
  MAX_CANDIDATE_LENGTH,
  MAX_SDP_LENGTH,
  negotiationRole,
  parseRtcSignal,
  type RtcSignal,
} from './signal.js';

const session = 'a1b2c3';
const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const candidate = {
  candidate: 'candidate:1 1 udp 2122194687 127.0.0.1 51680 typ host generation 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'GvKP',
};

describe('parseRtcSignal accepts every well-formed signal', () => {
  const valid: RtcSignal[] = [
    { type: 'description', session, description: { type: 'offer', sdp } },
    { type: 'description', session, description: { type: 'answer', sdp } },
    { type: 'candidate', session, candidate },
    { type: 'candidate', session, candidate: null },
    { type: 'candidate', session, candidate: { candidate: '', sdpMid: '0' } },
    { type: 'candidate', session, candidate: { candidate: 'c', sdpMid: null, sdpMLineIndex: 1 } },
    { type: 'media', session, audio: true, video: false },
    { type: 'bye', session },
    { type: 'full', session, limit: 6 },
    { type: 'full', session, limit: 2 },
    { type: 'full', session, limit: 1000 },
  ];
  it.each(valid)('$type', (signal) => {
    expect(parseRtcSignal(signal)).toEqual(signal);
    // What a relay delivers went through JSON.
    expect(parseRtcSignal(JSON.parse(JSON.stringify(signal)))).toEqual(signal);
  });

  it('returns a fresh object without unknown fields', () => {
    const input = { type: 'bye', session, extra: 1, __proto__: { polluted: true } };
    const parsed = parseRtcSignal(input);
    expect(parsed).toEqual({ type: 'bye', session });
    expect(parsed).not.toBe(input);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('keeps the largest SDP allowed', () => {
    const big = 'a'.repeat(MAX_SDP_LENGTH);
    expect(
      parseRtcSignal({ type: 'description', session, description: { type: 'offer', sdp: big } }),
    ).toBeDefined();
  });
});

describe('parseRtcSignal ignores malformed input and never throws', () => {
  const malformed: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'offer'],
    ['a number', 42],
    ['an array', [{ type: 'bye', session }]],
    ['no type', { session }],
    ['an unknown type', { type: 'hello', session }],
    ['no session', { type: 'bye' }],
    ['an empty session', { type: 'bye', session: '' }],
    ['a numeric session', { type: 'bye', session: 7 }],
    ['an over-long session', { type: 'bye', session: 'x'.repeat(257) }],
    ['a description without sdp', { type: 'description', session, description: { type: 'offer' } }],
    ['an empty sdp', { type: 'description', session, description: { type: 'offer', sdp: '' } }],
    [
      'an over-long sdp',
      { type: 'description', session, description: { type: 'offer', sdp: 'a'.repeat(MAX_SDP_LENGTH + 1) } },
    ],
    ['a rollback', { type: 'description', session, description: { type: 'rollback', sdp } }],
    ['a pranswer', { type: 'description', session, description: { type: 'pranswer', sdp } }],
    ['a description that is a string', { type: 'description', session, description: sdp }],
    ['a missing candidate', { type: 'candidate', session }],
    ['a candidate without mid or index', { type: 'candidate', session, candidate: { candidate: 'c' } }],
    [
      'a candidate with null mid and index',
      { type: 'candidate', session, candidate: { candidate: 'c', sdpMid: null, sdpMLineIndex: null } },
    ],
    [
      'a negative m-line index',
      { type: 'candidate', session, candidate: { candidate: 'c', sdpMLineIndex: -1 } },
    ],
    [
      'a fractional m-line index',
      { type: 'candidate', session, candidate: { candidate: 'c', sdpMLineIndex: 0.5 } },
    ],
    ['a numeric mid', { type: 'candidate', session, candidate: { candidate: 'c', sdpMid: 0 } }],
    [
      'an over-long candidate',
      {
        type: 'candidate',
        session,
        candidate: { candidate: 'c'.repeat(MAX_CANDIDATE_LENGTH + 1), sdpMid: '0' },
      },
    ],
    ['a numeric candidate', { type: 'candidate', session, candidate: { candidate: 1, sdpMid: '0' } }],
    ['media without video', { type: 'media', session, audio: true }],
    ['media as strings', { type: 'media', session, audio: 'true', video: 'false' }],
    ['full without a limit', { type: 'full', session }],
    ['full for one person', { type: 'full', session, limit: 1 }],
    ['full with a fractional limit', { type: 'full', session, limit: 5.5 }],
    ['full with a limit past 1000', { type: 'full', session, limit: 1001 }],
    ['full with a string limit', { type: 'full', session, limit: '6' }],
  ];
  it.each(malformed)('%s', (_name, value) => {
    expect(parseRtcSignal(value)).toBeUndefined();
  });

  it('survives throwing getters and revoked proxies', () => {
    const hostile = {
      type: 'bye',
      get session(): string {
        throw new Error('boom');
      },
    };
    expect(parseRtcSignal(hostile)).toBeUndefined();
    const { proxy, revoke } = Proxy.revocable({ type: 'bye', session }, {});
    revoke();
    expect(parseRtcSignal(proxy)).toBeUndefined();
  });

  it('holds up under random garbage', () => {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
    const atoms = [null, undefined, 0, -1, 1.5, '', 'offer', 'bye', true, {}, [], session];
    const fields = ['type', 'session', 'description', 'candidate', 'audio', 'video', 'sdp', 'sdpMid'];
    for (let i = 0; i < 2000; i++) {
      const value: Record<string, unknown> = {};
      for (const field of fields) if (Math.random() < 0.6) value[field] = pick(atoms);
      if (Math.random() < 0.3) value.description = { type: pick(['offer', 'answer', 7]), sdp: pick(atoms) };
      const parsed = parseRtcSignal(value);
      if (parsed !== undefined) expect(parseRtcSignal(parsed)).toEqual(parsed);
    }
  });
});

describe('negotiationRole', () => {
  it('makes exactly one side of every pair polite', () => {
    const ids = [
      'alice',
      'bob',
      'Bob',
      'a',
      'aa',
      'b',
      '10',
      '9',
      'zoë',
      'zoe',
      '李',
      '😀',
      'user-1',
      'user-10',
    ];
    for (const a of ids) {
      for (const b of ids) {
        if (a === b) continue;
        const roles = [negotiationRole(a, b), negotiationRole(b, a)];
        expect(roles.sort(), `${a} / ${b}`).toEqual(['impolite', 'polite']);
      }
    }
  });

  it('compares by code units, not by locale (both ends must agree whatever their locale)', () => {
    // localeCompare would put 'a' before 'B'; code units put 'B' (66) before 'a' (97).
    expect(negotiationRole('B', 'a')).toBe('polite');
    expect(negotiationRole('a', 'B')).toBe('impolite');
    expect(negotiationRole('alice', 'bob')).toBe('polite');
    expect(negotiationRole('bob', 'alice')).toBe('impolite');
  });

  it('refuses to negotiate with itself', () => {
    expect(() => negotiationRole('alice', 'alice')).toThrow();
  });
});
