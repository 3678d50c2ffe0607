/** Largest `data` string, in UTF-8 bytes (Tencent's limit for custom signaling data). */
export const MAX_DATA_BYTES = 8 * 1024;
/** Default cap on `inviteeList` length; servers may configure their own. */
export const MAX_INVITEES = 1000;
/** Longest user, group or invitation id, in UTF-16 code units. */
export const MAX_ID_LENGTH = 128;
/** Longest timeout an invitation may ask for: one day, in seconds. */
export const MAX_TIMEOUT_SECONDS = 24 * 60 * 60;

/** UTF-8 byte length without TextEncoder, so the core needs no platform global. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** In `u` mode a surrogate pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * A user, group or invitation id: 1..128 UTF-16 code units, well formed (a lone surrogate has
 * no UTF-8 form, and stores would map two such ids to one key).
 */
export function isValidId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_ID_LENGTH &&
    !LONE_SURROGATE.test(value)
  );
}
