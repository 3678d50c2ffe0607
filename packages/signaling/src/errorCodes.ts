/**
 * Beckon's error codes, one constant each; {@link ErrorCode} (errors.ts) is the public table.
 * The core's own modules read them as `import * as ErrorCode from './errorCodes.js'`: the code
 * reads the same, and a browser bundle carries only the numbers it uses, not the table with
 * all its names (which later references in the hooks bundle cannot reach back to: about
 * 0.2 kB gzip of the hooks row).
 */
export const INVALID_PARAMETERS = 6017;
export const INVITATION_INVALID = 8010;
export const NO_PERMISSION = 8011;
export const ALREADY_EXISTS = 8012;
export const NOT_CONNECTED = 9001;
export const REQUEST_TIMEOUT = 9002;
export const UNAUTHORIZED = 9003;
export const RATE_LIMITED = 9004;
export const UNAVAILABLE = 9005;
export const MALFORMED_FRAME = 9006;
export const GROUP_NOT_FOUND = 9007;
export const NOT_GROUP_MEMBER = 9008;
export const CLOSED = 9009;
export const INTERNAL = 9010;
export const LIMIT_EXCEEDED = 9011;
