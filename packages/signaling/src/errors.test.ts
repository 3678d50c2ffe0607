import { describe, expect, it } from 'vitest';
import * as codes from './errorCodes.js';
import { ErrorCode, isErrorCode } from './errors.js';

describe('error codes', () => {
  it('the public table and the one-constant-each module hold the same codes', () => {
    expect({ ...codes }).toEqual({ ...ErrorCode });
  });

  it('isErrorCode accepts exactly the codes of the table', () => {
    const accepted = Array.from({ length: 20_000 }, (_, n) => n).filter((n) => isErrorCode(n));
    expect(accepted).toEqual(Object.values(ErrorCode).sort((a, b) => a - b));
    for (const value of [8010.5, '8010', Number.NaN, Number.POSITIVE_INFINITY, undefined, null, {}])
      expect(isErrorCode(value)).toBe(false);
  });
});
