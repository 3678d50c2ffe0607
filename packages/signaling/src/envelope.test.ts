import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ActionType,
  type DecodeErrorReason,
  decodeEnvelope,
  type Envelope,
  encodeEnvelope,
} from './envelope.js';
import { ErrorCode } from './errors.js';

const valid: Envelope = {
  businessID: 1,
  inviteID: '1d0d8b6c-44f4-4a55-8c55-0b0cbd9a3c11',
  inviter: 'alice',
  actionType: ActionType.INVITE,
  inviteeList: ['bob'],
  data: '{"version":4}',
  timeout: 30,
  groupID: '',
  onlineUserOnly: false,
};

function reasonOf(input: unknown, maxInvitees?: number): DecodeErrorReason | 'ok' {
  const result = decodeEnvelope(input, maxInvitees === undefined ? {} : { maxInvitees });
  if (result.ok) return 'ok';
  expect(result.error.code).toBe(ErrorCode.INVALID_PARAMETERS);
  expect(result.error.message).toBeTypeOf('string');
  return result.error.reason;
}

describe('envelope wire format', () => {
  it('round-trips, field for field, in Tencent order', () => {
    const text = encodeEnvelope(valid);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'businessID',
      'inviteID',
      'inviter',
      'actionType',
      'inviteeList',
      'data',
      'timeout',
      'groupID',
      'onlineUserOnly',
    ]);
    expect(decodeEnvelope(text)).toEqual({ ok: true, value: valid });
  });

  it('accepts a Tencent message without onlineUserOnly (defaults to false)', () => {
    const { onlineUserOnly: _, ...tencent } = valid;
    expect(decodeEnvelope(JSON.stringify(tencent))).toMatchObject({
      ok: true,
      value: { onlineUserOnly: false },
    });
  });

  it.each<[string, unknown, DecodeErrorReason]>([
    ['not JSON', '{"businessID":1', 'not_json'],
    ['an array', '[1,2]', 'not_object'],
    ['null', 'null', 'not_object'],
    ['a number', 42, 'not_object'],
    ['__proto__ key', `{"__proto__":{"polluted":true},${encodeEnvelope(valid).slice(1)}`, 'forbidden_key'],
    ['constructor key', { ...valid, constructor: 1 }, 'forbidden_key'],
    ['missing inviteID', { ...valid, inviteID: undefined }, 'missing_field'],
    ['missing data', JSON.stringify({ ...valid, data: undefined }), 'missing_field'],
    ['string businessID', { ...valid, businessID: '1' }, 'wrong_type'],
    ['businessID 2', { ...valid, businessID: 2 }, 'bad_business_id'],
    ['actionType 6', { ...valid, actionType: 6 }, 'unknown_action'],
    ['actionType 0', { ...valid, actionType: 0 }, 'unknown_action'],
    ['actionType as string', { ...valid, actionType: '1' }, 'wrong_type'],
    ['inviteeList not array', { ...valid, inviteeList: 'bob' }, 'wrong_type'],
    ['invitee not string', { ...valid, inviteeList: [1] }, 'wrong_type'],
    ['empty invitee', { ...valid, inviteeList: [''] }, 'wrong_type'],
    ['data not string', { ...valid, data: { a: 1 } }, 'wrong_type'],
    ['data over 8 KiB', { ...valid, data: 'x'.repeat(8193) }, 'data_too_large'],
    ['data over 8 KiB in UTF-8', { ...valid, data: '中'.repeat(2731) }, 'data_too_large'],
    ['negative timeout', { ...valid, timeout: -1 }, 'out_of_range'],
    ['fractional timeout', { ...valid, timeout: 1.5 }, 'wrong_type'],
    ['timeout NaN-ish', { ...valid, timeout: '30' }, 'wrong_type'],
    ['groupID number', { ...valid, groupID: 5 }, 'wrong_type'],
    ['onlineUserOnly string', { ...valid, onlineUserOnly: 'yes' }, 'wrong_type'],
  ])('refuses %s', (_, input, reason) => {
    expect(reasonOf(input)).toBe(reason);
  });

  it('reads a timeout of -0 as 0 (found by the fuzz test below)', () => {
    const result = decodeEnvelope({ ...valid, timeout: -0 });
    expect(result.ok && Object.is(result.value.timeout, 0)).toBe(true);
  });

  it('keeps data of exactly 8 KiB', () => {
    expect(reasonOf({ ...valid, data: 'x'.repeat(8192) })).toBe('ok');
  });

  it('caps the invitee list (1000 by default, configurable)', () => {
    const many = Array.from({ length: 1001 }, (_, i) => `u${i}`);
    expect(reasonOf({ ...valid, inviteeList: many })).toBe('too_many_invitees');
    expect(reasonOf({ ...valid, inviteeList: many.slice(0, 1000) })).toBe('ok');
    expect(reasonOf({ ...valid, inviteeList: many.slice(0, 3) }, 2)).toBe('too_many_invitees');
  });

  it('returns a fresh object that never carries a polluted prototype', () => {
    const result = decodeEnvelope(`{"__proto__":{"x":1},"businessID":1}`);
    expect(result.ok).toBe(false);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('decoder fuzz', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const result = decodeEnvelope(text);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  }, 120_000); // 5,000 runs: seconds on a loaded machine

  it('never throws on arbitrary JSON, as text or as a value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(typeof decodeEnvelope(value).ok).toBe('boolean');
        expect(typeof decodeEnvelope(JSON.stringify(value)).ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  }, 120_000); // 5,000 runs: seconds on a loaded machine

  it('never throws on mutated envelopes, and whatever it accepts re-encodes to the same value', () => {
    const field = fc.constantFrom(...Object.keys(valid), '__proto__', 'extra');
    fc.assert(
      fc.property(
        fc.dictionary(field, fc.anything({ withNullPrototype: true, withObjectString: true })),
        (patch) => {
          const input = { ...valid, ...patch };
          const result = decodeEnvelope(input);
          if (result.ok) expect(decodeEnvelope(encodeEnvelope(result.value))).toEqual(result);
        },
      ),
      { numRuns: 5000 },
    );
  }, 120_000); // 5,000 runs: seconds on a loaded machine
});
