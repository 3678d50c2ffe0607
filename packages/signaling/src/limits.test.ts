import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DATA_BYTES, utf8Length } from './limits.js';

// Any UTF-16 code unit, so lone and paired surrogates both occur.
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)) });

describe('utf8Length', () => {
  it('counts the bytes Node sends for any string, lone surrogates as U+FFFD (3 bytes)', () => {
    fc.assert(
      fc.property(fc.oneof(codeUnits, fc.string({ unit: 'binary' })), (text) => {
        expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 2000 },
    );
    expect(utf8Length('\uD800')).toBe(3);
    expect(utf8Length('\uD83D\uDE00')).toBe(4);
    expect(utf8Length('\uDE00\uD83D')).toBe(6);
  });

  it('puts a 8 KiB payload of 3-byte characters just over the data limit', () => {
    expect(utf8Length('€'.repeat(2730))).toBe(8190);
    expect(utf8Length('€'.repeat(2731))).toBeGreaterThan(MAX_DATA_BYTES);
  });
});
