import { ErrorCode, isErrorCode, SignalingError } from '@beckon/signaling';
import { describe, expect, it } from 'vitest';
import { mapTencentError, TENCENT_ERRORS } from './errors.js';

describe('mapTencentError', () => {
  it('maps every listed Tencent code to a Beckon code and keeps the number in the message', () => {
    expect(TENCENT_ERRORS.size).toBeGreaterThan(60);
    for (const [code, { code: beckon }] of TENCENT_ERRORS) {
      const info = mapTencentError({ code, message: 'm' }, 'op');
      expect(info.code, `Tencent ${code}`).toBe(beckon);
      expect(isErrorCode(info.code)).toBe(true);
      expect(info.message).toContain(String(code));
    }
  });

  it('keeps the signaling numbers Tencent users know', () => {
    expect(mapTencentError({ code: 6017 }).code).toBe(ErrorCode.INVALID_PARAMETERS);
    expect(mapTencentError({ code: 8010 }).code).toBe(ErrorCode.INVITATION_INVALID);
    expect(mapTencentError({ code: 8011 }).code).toBe(ErrorCode.NO_PERMISSION);
    expect(mapTencentError({ code: 8012 }).code).toBe(ErrorCode.ALREADY_EXISTS);
  });

  it('reads numeric codes given as strings', () => {
    expect(mapTencentError({ code: '8011', message: 'x' }).code).toBe(ErrorCode.NO_PERMISSION);
  });

  it('unknown codes become 9010 with the code in the message', () => {
    const info = mapTencentError({ code: 424242, message: 'new' }, 'accept');
    expect(info).toEqual({ code: ErrorCode.INTERNAL, message: 'accept: unknown Tencent error 424242: new' });
  });

  it('a SignalingError passes through unchanged', () => {
    const error = new SignalingError(ErrorCode.CLOSED, 'closed');
    expect(mapTencentError(error)).toEqual({ code: ErrorCode.CLOSED, message: 'closed' });
  });

  it('never throws, whatever it is given', () => {
    for (const value of [
      undefined,
      null,
      0,
      'text',
      Symbol('s'),
      [],
      {},
      new Error('e'),
      { code: Number.NaN },
    ]) {
      const info = mapTencentError(value);
      expect(isErrorCode(info.code)).toBe(true);
    }
    expect(mapTencentError(new Error('Params validate failed.')).code).toBe(ErrorCode.INVALID_PARAMETERS);
  });
});
