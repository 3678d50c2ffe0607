/** Largest `data` string, in UTF-8 bytes (Tencent's limit for custom signaling data). */
export const MAX_DATA_BYTES = 8 * 1024;
/** Default cap on `inviteeList` length; servers may configure their own. */
export const MAX_INVITEES = 1000;
/** Longest user, group or invitation id, in UTF-16 code units. */
export const MAX_ID_LENGTH = 128;
/** Longest timeout an invitation may ask for: one day, in seconds. */
export const MAX_TIMEOUT_SECONDS = 24 * 60 * 60;
/**
 * How long a call-end notice (a `hangup` invitation with timeout 0, seed step 5) waits for its
 * receiver's acknowledgement before it times out, in seconds. Without it a notice to a peer who
 * never comes back would stay active for good and count towards its sender's cap.
 */
export const CALL_END_NOTICE_SECONDS = 60;

/**
 * A `callEndNoticeSeconds` option, checked (whole seconds from 0, never, to `MAX_TIMEOUT_SECONDS`,
 * else a TypeError naming `owner`), or `CALL_END_NOTICE_SECONDS` when not given.
 */
export function callEndNoticeSecondsOption(value: number | undefined, owner: string): number {
  if (value === undefined) return CALL_END_NOTICE_SECONDS;
  if (!Number.isInteger(value) || value < 0 || value > MAX_TIMEOUT_SECONDS)
    throw new TypeError(
      `${owner}: callEndNoticeSeconds must be a whole number of seconds from 0 to ${MAX_TIMEOUT_SECONDS}`,
    );
  return value;
}

let encoder: { encode(text: string): Uint8Array } | undefined;

/**
 * UTF-8 byte length, as sent (a lone surrogate counts as U+FFFD, 3 bytes). TextEncoder is in
 * every runtime the client supports (browsers, Node, Deno, Bun, Hermes); a hand-written counter
 * cost the browser bundle about 0.09 kB gzip.
 */
export function utf8Length(text: string): number {
  encoder ??= new TextEncoder();
  return encoder.encode(text).length;
}

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
