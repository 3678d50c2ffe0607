import * as ErrorCode from './errorCodes.js';
import type { SignalingErrorInfo } from './errors.js';
import {
  isValidId,
  MAX_DATA_BYTES,
  MAX_ID_LENGTH,
  MAX_INVITEES,
  MAX_TIMEOUT_SECONDS,
  utf8Length,
} from './limits.js';
import type { InvitationRecord } from './rules/types.js';

/** Tencent's signaling `actionType`. */
export const ActionType = {
  INVITE: 1,
  CANCEL: 2,
  ACCEPT: 3,
  REJECT: 4,
  TIMEOUT: 5,
} as const;
export type ActionType = (typeof ActionType)[keyof typeof ActionType];

/**
 * The signaling envelope, field for field as Tencent Cloud Chat sends it, so Beckon messages
 * interoperate with Tencent signaling and TUICallKit. Accept, reject and timeout carry
 * `inviteeList: [actor]` (timeout: every invitee that timed out).
 */
export interface Envelope {
  readonly businessID: 1;
  readonly inviteID: string;
  readonly inviter: string;
  readonly actionType: ActionType;
  readonly inviteeList: readonly string[];
  readonly data: string;
  /** Seconds; 0 means the invitation never times out. */
  readonly timeout: number;
  /** '' for one-to-one invitations. */
  readonly groupID: string;
  readonly onlineUserOnly: boolean;
}

export type DecodeErrorReason =
  | 'not_json'
  | 'not_object'
  | 'forbidden_key'
  | 'missing_field'
  | 'wrong_type'
  | 'bad_business_id'
  | 'unknown_action'
  | 'data_too_large'
  | 'too_many_invitees'
  | 'out_of_range';

/** Why an envelope was refused: always code 6017, with the reason and the field at fault. */
export interface DecodeError extends SignalingErrorInfo {
  readonly code: typeof ErrorCode.INVALID_PARAMETERS;
  readonly reason: DecodeErrorReason;
  readonly field?: string;
}

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: DecodeError };

export interface DecodeOptions {
  /** Cap on `inviteeList` length (default 1000). */
  readonly maxInvitees?: number;
}

/** Keys that must never be accepted from untrusted JSON, at any depth we read. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A refusal (6017) naming the field at fault, if any. */
export function fail(
  reason: DecodeErrorReason,
  message: string,
  field?: string,
): { ok: false; error: DecodeError } {
  const error: DecodeError =
    field === undefined
      ? { code: ErrorCode.INVALID_PARAMETERS, reason, message }
      : { code: ErrorCode.INVALID_PARAMETERS, reason, message, field, details: { field } };
  return { ok: false, error };
}

/** A plain JSON object read from untrusted input, refused if it carries a forbidden key. */
export function readRecord(value: unknown): DecodeResult<Readonly<Record<string, unknown>>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('not_object', 'expected a JSON object');
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return fail('forbidden_key', `forbidden key "${key}"`, key);
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** JSON.parse that answers undefined instead of throwing (no JSON text parses to undefined). */
export function readJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A plain JSON object with no forbidden key: what {@link readRecord} accepts, as a yes or no. */
export function isFields(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Object.keys(value).some((key) => FORBIDDEN_KEYS.has(key))
  );
}

function isActionType(value: unknown): value is ActionType {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 5;
}

/** Validates one decoded value as an invitee list. Shared with the server's frame checks. */
export function checkInviteeList(
  value: unknown,
  field: string,
  maxInvitees: number,
): DecodeResult<readonly string[]> {
  if (!Array.isArray(value)) return fail('wrong_type', `${field} must be an array of user ids`, field);
  if (value.length > maxInvitees) {
    return fail('too_many_invitees', `${field} has over ${maxInvitees} entries`, field);
  }
  for (const id of value) {
    if (!isValidId(id)) {
      return fail('wrong_type', `${field} entries must be 1..${MAX_ID_LENGTH} character strings`, field);
    }
  }
  return { ok: true, value: value as string[] };
}

/** Validates a `data` string against the 8 KiB limit. */
export function checkData(value: unknown, field = 'data'): DecodeResult<string> {
  if (typeof value !== 'string') return fail('wrong_type', `${field} must be a string`, field);
  // Cheap bound first: a string of n code units never exceeds 3n UTF-8 bytes.
  if (value.length * 3 > MAX_DATA_BYTES && utf8Length(value) > MAX_DATA_BYTES) {
    return fail('data_too_large', `${field} is over ${MAX_DATA_BYTES} bytes`, field);
  }
  return { ok: true, value };
}

/** Validates an invitation timeout in whole seconds (0 = never). */
export function checkTimeout(value: unknown, field = 'timeout'): DecodeResult<number> {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return fail('wrong_type', `${field} must be whole seconds`, field);
  }
  if (value < 0 || value > MAX_TIMEOUT_SECONDS) {
    return fail('out_of_range', `${field} must be between 0 and ${MAX_TIMEOUT_SECONDS}`, field);
  }
  // -0 passes the range check; normalize it so it encodes and compares as 0.
  return { ok: true, value: value === 0 ? 0 : value };
}

/**
 * Decodes an envelope from untrusted input (a JSON string or an already parsed value).
 * Never throws: every malformed case comes back as `{ ok: false, error }` with code 6017.
 *
 * @example
 * const r = decodeEnvelope(message.payload.data);
 * if (r.ok) handle(r.value); else log(r.error.reason);
 */
export function decodeEnvelope(input: unknown, options: DecodeOptions = {}): DecodeResult<Envelope> {
  const parsed = typeof input === 'string' ? readJSON(input) : input;
  if (parsed === undefined && typeof input === 'string')
    return fail('not_json', 'envelope is not valid JSON');
  const record = readRecord(parsed);
  if (!record.ok) return record;
  const o = record.value;

  for (const field of [
    'businessID',
    'inviteID',
    'inviter',
    'actionType',
    'inviteeList',
    'data',
    'timeout',
    'groupID',
  ]) {
    if (o[field] === undefined) return fail('missing_field', `missing field "${field}"`, field);
  }
  if (typeof o.businessID !== 'number')
    return fail('wrong_type', 'businessID must be a number', 'businessID');
  if (o.businessID !== 1) return fail('bad_business_id', 'businessID must be 1 for signaling', 'businessID');
  if (!isValidId(o.inviteID)) return fail('wrong_type', 'inviteID must be a non-empty string', 'inviteID');
  if (!isValidId(o.inviter)) return fail('wrong_type', 'inviter must be a non-empty string', 'inviter');
  if (typeof o.actionType !== 'number')
    return fail('wrong_type', 'actionType must be a number', 'actionType');
  if (!isActionType(o.actionType))
    return fail('unknown_action', `unknown actionType ${o.actionType}`, 'actionType');
  const invitees = checkInviteeList(o.inviteeList, 'inviteeList', options.maxInvitees ?? MAX_INVITEES);
  if (!invitees.ok) return invitees;
  const data = checkData(o.data);
  if (!data.ok) return data;
  const timeout = checkTimeout(o.timeout);
  if (!timeout.ok) return timeout;
  if (typeof o.groupID !== 'string' || o.groupID.length > MAX_ID_LENGTH) {
    return fail('wrong_type', 'groupID must be a string', 'groupID');
  }
  const onlineUserOnly = o.onlineUserOnly ?? false;
  if (typeof onlineUserOnly !== 'boolean') {
    return fail('wrong_type', 'onlineUserOnly must be a boolean', 'onlineUserOnly');
  }
  return {
    ok: true,
    value: {
      businessID: 1,
      inviteID: o.inviteID,
      inviter: o.inviter,
      actionType: o.actionType,
      inviteeList: [...invitees.value],
      data: data.value,
      timeout: timeout.value,
      groupID: o.groupID,
      onlineUserOnly,
    },
  };
}

/** Encodes an envelope as Tencent's JSON, fields in Tencent's order. */
export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify({
    businessID: 1,
    inviteID: envelope.inviteID,
    inviter: envelope.inviter,
    actionType: envelope.actionType,
    inviteeList: envelope.inviteeList,
    data: envelope.data,
    timeout: envelope.timeout,
    groupID: envelope.groupID,
    onlineUserOnly: envelope.onlineUserOnly,
  });
}

/** The envelope of one action on `record`: the invitation's fields with this action's list and data. */
export function envelopeOf(
  record: InvitationRecord,
  actionType: ActionType,
  inviteeList: readonly string[],
  data: string,
): Envelope {
  return {
    businessID: 1,
    inviteID: record.inviteID,
    inviter: record.inviter,
    actionType,
    inviteeList,
    data,
    timeout: record.timeout,
    groupID: record.groupID,
    onlineUserOnly: record.onlineUserOnly,
  };
}
