/**
 * Frame schemas (valibot), used where input is untrusted: the server parses every client frame
 * with them. Browsers parse server frames with the lean parser in protocol.ts, which a property
 * test holds to the same schema.
 */
import * as v from 'valibot';
import { ErrorCode, isErrorCode, type SignalingErrorInfo } from '../errors.js';
import { isValidId, MAX_DATA_BYTES, MAX_ID_LENGTH, MAX_TIMEOUT_SECONDS, utf8Length } from '../limits.js';
import {
  type ClientFrame,
  type FrameResult,
  type GroupCommand,
  type GroupOperation,
  MAX_ROOM_SIGNAL_BYTES,
  type ServerFrame,
} from '../protocol.js';
import { COMMAND_OPS, commandError, pickCommand } from './params.js';
import type { Command } from './types.js';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH));
const text = v.string();
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const time = v.pipe(v.number(), v.finite());

// The frame cap (64 KiB) bounds lists; this only stops absurd lengths before the rules see them.
const MAX_LISTED = 10_000;

/** The classroom operations a server runs over a whole group in one request. */
export const GROUP_OPERATIONS: readonly GroupOperation[] = ['closeRound', 'lowerAll', 'revokeSpeakers'];

/** Whether a request carries a group operation rather than a command of the rules. */
export function isGroupCommand(cmd: Command | GroupCommand): cmd is GroupCommand {
  return GROUP_OPERATIONS.includes(cmd.op as GroupOperation);
}

// Only the operation is the frame's shape: a request with a known op is a Beckon frame, and its
// parameters are checked by `checkCommand` (6017, as Tencent answers them), not here (9006).
const CommandSchema = v.looseObject({ op: v.picklist([...COMMAND_OPS, ...GROUP_OPERATIONS]) });

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Whether a forbidden key could be in this text: a key is spelled out in it, or hidden behind
 * a `\u` escape. Almost every frame has neither, and skips the (4x slower) key-by-key reviver.
 */
function mayHideForbiddenKey(raw: string): boolean {
  return (
    raw.includes('\\u') ||
    raw.includes('__proto__') ||
    raw.includes('constructor') ||
    raw.includes('prototype')
  );
}

/** Echo the request id when there is a usable one, so the caller's promise settles. */
function failure(value: unknown, error: SignalingErrorInfo): FrameResult<never> {
  const reqId = (value as { id?: unknown } | null)?.id;
  return typeof reqId === 'number' && Number.isInteger(reqId) && reqId >= 0
    ? { ok: false, error, id: reqId }
    : { ok: false, error };
}

/** JSON.parse plus a schema check; never throws. */
export function parseFrame<T>(schema: v.GenericSchema, raw: string): FrameResult<T> {
  let value: unknown;
  let forbidden: string | undefined;
  try {
    value = mayHideForbiddenKey(raw)
      ? JSON.parse(raw, (key, v: unknown) => {
          if (FORBIDDEN_KEYS.has(key)) forbidden = key;
          return v;
        })
      : JSON.parse(raw);
  } catch {
    return { ok: false, error: { code: ErrorCode.MALFORMED_FRAME, message: 'frame is not valid JSON' } };
  }
  // Refused at any depth, like the envelope decoder does: no key that could reach a prototype.
  if (forbidden !== undefined) {
    return failure(value, {
      code: ErrorCode.MALFORMED_FRAME,
      message: `forbidden key "${forbidden}" in frame`,
    });
  }
  const result = v.safeParse(schema, value);
  if (result.success) return { ok: true, frame: result.output as T };
  const issue = result.issues[0];
  const path = issue.path?.map((p: { key: unknown }) => String(p.key)).join('.') ?? '';
  return failure(value, {
    code: ErrorCode.MALFORMED_FRAME,
    message: `invalid frame${path ? ` at ${path}` : ''}: ${issue.message}`,
  });
}

/** What a client may send; the server validates every frame against it. */
export const ClientFrameSchema = v.variant('t', [
  v.object({
    t: v.literal('auth'),
    token: v.pipe(v.string(), v.maxLength(4096)),
    device: v.optional(id),
    resume: v.optional(v.object({ epoch: v.pipe(v.string(), v.maxLength(64)), seq: count })),
  }),
  v.object({ t: v.literal('req'), id: count, cmd: CommandSchema }),
  v.object({ t: v.literal('ping'), ts: time }),
  v.object({ t: v.literal('sync') }),
  v.object({
    t: v.literal('rtc'),
    roomID: id,
    to: id,
    data: v.pipe(
      v.string(),
      v.check((d: string) => utf8Length(d) <= MAX_ROOM_SIGNAL_BYTES, 'room message over 16 KiB'),
    ),
  }),
]);

/** Parses a frame a client sent; never throws. Bad command parameters answer 6017. */
export function parseClientFrame(raw: string): FrameResult<ClientFrame> {
  const parsed = parseFrame<ClientFrame>(ClientFrameSchema, raw);
  if (!parsed.ok || parsed.frame.t !== 'req') return parsed;
  const { id } = parsed.frame;
  const cmd = parsed.frame.cmd as unknown as Readonly<Record<string, unknown>>;
  if (isGroupCommand(cmd as unknown as GroupCommand)) {
    if (!isValidId(cmd.groupID)) {
      const message = `groupID must be a 1..${MAX_ID_LENGTH} character string`;
      return {
        ok: false,
        id,
        error: { code: ErrorCode.INVALID_PARAMETERS, message, details: { field: 'groupID' } },
      };
    }
    return { ok: true, frame: { t: 'req', id, cmd: { op: cmd.op as GroupOperation, groupID: cmd.groupID } } };
  }
  const error = commandError(cmd, MAX_LISTED);
  if (error !== undefined) {
    const { code, message, details } = error;
    return { ok: false, id, error: details ? { code, message, details } : { code, message } };
  }
  return { ok: true, frame: { t: 'req', id, cmd: pickCommand(cmd) } };
}

// Server frames come from a trusted server: their schemas check shapes only (no length or range
// pipes), which keeps the browser bundle small. The server's own schemas are stricter.
const num = v.number();

// Envelope limits match decodeEnvelope, so every frame this schema accepts the lean parser accepts.
const EnvelopeSchema = v.object({
  businessID: v.literal(1),
  inviteID: id,
  inviter: id,
  actionType: v.picklist([1, 2, 3, 4, 5] as const),
  inviteeList: v.array(id),
  data: v.pipe(
    v.string(),
    v.check((d: string) => utf8Length(d) <= MAX_DATA_BYTES),
  ),
  timeout: v.pipe(count, v.maxValue(MAX_TIMEOUT_SECONDS)),
  groupID: v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH)),
  onlineUserOnly: v.boolean(),
});

const InviteeSchema = v.object({
  userID: id,
  state: v.picklist(['pending', 'accepted', 'rejected', 'timeout', 'cancelled']),
  deadline: num,
  delivered: v.boolean(),
  answeredAt: v.optional(num),
  answerOrder: v.optional(num),
  device: v.optional(v.string()),
  data: v.optional(text),
});

const RecordSchema = v.object({
  inviteID: id,
  inviter: id,
  groupID: v.string(),
  data: text,
  timeout: num,
  onlineUserOnly: v.boolean(),
  createdAt: num,
  serial: v.optional(num),
  invitees: v.array(InviteeSchema),
  answers: num,
});

// Each kind carries exactly its own fields (see `SignalingEvent`).
const EventSchema = v.variant('kind', [
  v.object({
    kind: v.picklist(['invite', 'addInvitees']),
    envelope: EnvelopeSchema,
    at: num,
    invitation: RecordSchema,
  }),
  v.object({
    kind: v.picklist(['accept', 'reject']),
    envelope: EnvelopeSchema,
    at: num,
    device: v.optional(v.string()),
  }),
  v.object({
    kind: v.picklist(['cancel', 'timeout', 'modify', 'delivered']),
    envelope: EnvelopeSchema,
    at: num,
  }),
]);

const ErrorSchema = v.object({
  code: v.pipe(
    v.number(),
    v.check((n: number) => isErrorCode(n)),
  ),
  message: v.string(),
  // valibot's object() also takes arrays (they have none of these optional keys): refuse them first.
  details: v.optional(
    v.pipe(
      v.custom<object>(
        (d) => typeof d === 'object' && d !== null && !Array.isArray(d),
        'details must be an object',
      ),
      v.object({
        inviteID: v.optional(v.string()),
        field: v.optional(v.string()),
        retryAfterMs: v.optional(num),
        limit: v.optional(num),
      }),
    ),
  ),
});

const EvFrame = v.object({ t: v.literal('ev'), seq: v.optional(num), ev: EventSchema });
const ResOk = v.object({ t: v.literal('res'), id: count, ok: v.literal(true), inviteID: v.string() });
const ResFailed = v.object({ t: v.literal('res'), id: count, ok: v.literal(false), error: ErrorSchema });

/** What the server sends, as a valibot schema; the browser's lean parser is tested against it. */
export const ServerFrameSchema = v.variant('t', [
  v.object({
    t: v.literal('hello'),
    sessionID: v.string(),
    userID: id,
    deviceID: id,
    serverTime: num,
    epoch: v.string(),
  }),
  v.object({
    t: v.literal('snapshot'),
    seq: num,
    at: num,
    more: v.optional(v.literal(true)),
    invitations: v.array(RecordSchema),
    missed: v.optional(v.array(EventSchema)),
  }),
  EvFrame,
  ResOk,
  ResFailed,
  v.object({ t: v.literal('pong'), ts: num, serverTime: num }),
  v.object({ t: v.literal('group'), groupID: v.string() }),
  v.object({
    t: v.literal('queue'),
    groupID: v.string(),
    full: v.optional(v.literal(true)),
    hands: v.array(v.tuple([v.string(), v.string(), num, num, num])),
    rounds: v.array(v.omit(RecordSchema, ['inviteID', 'inviter', 'createdAt', 'serial'])),
    gone: v.array(v.string()),
  }),
  v.object({ t: v.literal('rtc'), roomID: v.string(), from: v.string(), data: v.string() }),
  v.object({ t: v.literal('error'), error: ErrorSchema }),
]);

/** Parses a server frame with the valibot schema (servers, tools, tests); never throws. */
export function parseServerFrameStrict(raw: string): FrameResult<ServerFrame> {
  return parseFrame<ServerFrame>(ServerFrameSchema, raw);
}
