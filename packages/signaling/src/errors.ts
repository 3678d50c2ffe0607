import {
  ALREADY_EXISTS,
  CLOSED,
  GROUP_NOT_FOUND,
  INTERNAL,
  INVALID_PARAMETERS,
  INVITATION_INVALID,
  LIMIT_EXCEEDED,
  MALFORMED_FRAME,
  NO_PERMISSION,
  NOT_CONNECTED,
  NOT_GROUP_MEMBER,
  RATE_LIMITED,
  REQUEST_TIMEOUT,
  UNAUTHORIZED,
  UNAVAILABLE,
} from './errorCodes.js';

/**
 * Error codes. The numbers users of Tencent Cloud Chat already know keep their values
 * (6017, 8010, 8011, 8012); Beckon's own codes live in the 9000 range.
 */
export const ErrorCode = {
  /** Bad parameters: wrong types, empty invitee list, data over 8 KiB, too many invitees. */
  INVALID_PARAMETERS,
  /** The invitation does not exist, has ended, or this invitee already answered. */
  INVITATION_INVALID,
  /** The actor may not do this to this invitation (not the inviter, not an invitee). */
  NO_PERMISSION,
  /** An equivalent invitation already exists (glare, or a reused inviteID). */
  ALREADY_EXISTS,
  /** The transport is not connected and the request could not be sent. */
  NOT_CONNECTED,
  /** No response arrived within the request timeout. */
  REQUEST_TIMEOUT,
  /** Missing, forged or expired credentials. */
  UNAUTHORIZED,
  /** Too many requests on this connection; retry later. */
  RATE_LIMITED,
  /** The server's store is temporarily unreachable; nothing was applied. */
  UNAVAILABLE,
  /** A frame that is not valid JSON or does not match the frame schema. */
  MALFORMED_FRAME,
  /** The group does not exist. */
  GROUP_NOT_FOUND,
  /** The actor or an invitee is not a member of the group. */
  NOT_GROUP_MEMBER,
  /** The client was closed. */
  CLOSED,
  /** An unexpected server-side failure. */
  INTERNAL,
  /**
   * A per-user limit of the server was reached (too many active invitations, a snapshot too
   * large to send); `details.field` names the limit. Retrying the same thing fails again.
   */
  LIMIT_EXCEEDED,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

// A range check, not a set built from the table: a bundle that checks codes need not carry the
// table's names. errors.test.ts holds it to the table.
const isKnown = (n: number) =>
  n === INVALID_PARAMETERS ||
  (n >= INVITATION_INVALID && n <= ALREADY_EXISTS) ||
  (n >= NOT_CONNECTED && n <= LIMIT_EXCEEDED);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'number' && Number.isInteger(value) && isKnown(value);
}

/** Extra facts an error can carry, e.g. the existing inviteID on glare (8012). */
export interface ErrorDetails {
  readonly inviteID?: string;
  readonly field?: string;
  readonly retryAfterMs?: number;
  /** The limit that was reached (9011, 9004). */
  readonly limit?: number;
}

/** A plain, serializable error: what transitions return and what travels on the wire. */
export interface SignalingErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: ErrorDetails;
}

/**
 * The base of every error Beckon throws or rejects with, in every package: signaling
 * ({@link SignalingError}, which Tencent Cloud Chat failures become too), media rooms
 * (`RoomError`), the HTTP API (`BeckonApiError`) and the server's store
 * (`StoreUnavailableError`). `code` says what went wrong: a number from {@link ErrorCode} for
 * all but media, whose codes are its failure reasons (`'ice-failed'`, `'permission-denied'`…).
 *
 * @example
 * try { await client.accept(id) } catch (e) {
 *   if (e instanceof BeckonError) log(e.code, e.message);
 * }
 */
export class BeckonError<Code extends number | string = number | string> extends Error {
  override name = 'BeckonError';
  readonly code: Code;

  constructor(code: Code, message: string, options?: { readonly cause?: unknown }) {
    // Error reads only `cause`; without one, no `cause` property at all.
    super(message, options?.cause === undefined ? undefined : options);
    this.code = code;
  }
}

/**
 * The error every signaling promise rejects with.
 *
 * @example
 * try { await client.accept(id) } catch (e) {
 *   if (e instanceof SignalingError && e.code === ErrorCode.INVITATION_INVALID) showGone();
 * }
 */
export class SignalingError extends BeckonError<ErrorCode> {
  override name = 'SignalingError';
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(code, message);
    this.details = details;
  }

  static from(info: SignalingErrorInfo): SignalingError {
    return new SignalingError(info.code, info.message, info.details);
  }

  toJSON(): SignalingErrorInfo {
    return errorInfo(this.code, this.message, this.details);
  }
}

export function errorInfo(code: ErrorCode, message: string, details?: ErrorDetails): SignalingErrorInfo {
  return details === undefined ? { code, message } : { code, message, details };
}
