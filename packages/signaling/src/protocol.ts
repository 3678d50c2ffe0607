import { readJSON } from './envelope.js';
import * as ErrorCode from './errorCodes.js';
import { isErrorCode, type SignalingErrorInfo } from './errors.js';
import type { QueueFrame } from './queue.js';
import type { Command, CommandReply, InvitationRecord, SignalingEvent } from './rules/types.js';

/**
 * Beckon's own frames: JSON text frames around the Tencent envelope, validated with the same
 * schemas on both ends. A server message may carry several frames, one per line (JSON text has
 * no raw line breaks): coalesced classroom events and the replies due with them. Sizes and semantic rules (8 KiB data, invitee caps) are the rules' job;
 * the schemas check shapes and keep unknown keys out.
 */

/** Largest media-room message (an SDP offer with many candidates fits). */
export const MAX_ROOM_SIGNAL_BYTES = 16_384;

/** WebSocket close codes the server uses. Clients stop reconnecting on 4001-4003 and 4009. */
export const CloseCode = {
  GOING_AWAY: 1001,
  TOO_BIG: 1009,
  UNAUTHORIZED: 4001,
  TOKEN_EXPIRED: 4002,
  ORIGIN_NOT_ALLOWED: 4003,
  AUTH_TIMEOUT: 4004,
  SLOW_CONSUMER: 4008,
  /** The user opened more sockets than the server allows; this, their oldest, was closed. */
  TOO_MANY_CONNECTIONS: 4009,
  DEAD: 4010,
} as const;

/**
 * Classroom operations over a whole group that a Beckon server runs in one request: close the
 * round (its invitation, its marker and every raised hand), lower every hand, revoke every speaker.
 */
export type GroupOperation = 'closeRound' | 'lowerAll' | 'revokeSpeakers';
/** A request carrying a {@link GroupOperation} (Beckon servers only). */
export interface GroupCommand {
  readonly op: GroupOperation;
  readonly groupID: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type ResFrame = { t: 'res'; id: number } & Mutable<CommandReply>;
export type ClientFrame =
  | { t: 'auth'; token: string; device?: string; resume?: { epoch: string; seq: number } | undefined }
  | { t: 'req'; id: number; cmd: Command | GroupCommand }
  | { t: 'ping'; ts: number }
  | { t: 'sync' }
  /** A media-room message (WebRTC offer, answer, candidate) for a user in the same call. */
  | { t: 'rtc'; roomID: string; to: string; data: string };

export type ServerFrame =
  | {
      t: 'hello';
      sessionID: string;
      userID: string;
      deviceID: string;
      serverTime: number;
      epoch: string;
    }
  /**
   * A large snapshot comes in several frames: all but the last say `more`. `missed` (last frame
   * only): the events that ended invitations since the client's last sequence number, as far as
   * the server can still tell, so it learns how the ones it held ended (issue 14).
   */
  | {
      t: 'snapshot';
      seq: number;
      at: number;
      invitations: readonly InvitationRecord[];
      more?: true;
      missed?: readonly SignalingEvent[];
    }
  | { t: 'ev'; seq?: number; ev: SignalingEvent }
  /** A class's raised hands changed (issue 19; see `QueueFrame`). */
  | QueueFrame
  | ResFrame
  | { t: 'pong'; ts: number; serverTime: number }
  /** A group's members or their presence changed; clients refetch what they show of it. */
  | { t: 'group'; groupID: string }
  /** A media-room message relayed from another user in the same call. */
  | { t: 'rtc'; roomID: string; from: string; data: string }
  | { t: 'error'; error: SignalingErrorInfo };

export type FrameResult<T> = { ok: true; frame: T } | { ok: false; error: SignalingErrorInfo; id?: number };

// The browser's parser for server frames: hand-written on top of the envelope decoder because a
// schema library would cost about 2.4 kB gzip of the 6 kB client budget. `frames.test.ts` holds
// it to `ServerFrameSchema` (valibot) on generated frames.

type Obj = Readonly<Record<string, unknown>>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const optional = (x: unknown, check: (y: unknown) => boolean) => x === undefined || check(x);
const INVITEE_STATES: ReadonlySet<unknown> = new Set([
  'pending',
  'accepted',
  'rejected',
  'timeout',
  'cancelled',
]);
const EVENT_KINDS: ReadonlySet<unknown> = new Set([
  'invite',
  'addInvitees',
  'cancel',
  'accept',
  'reject',
  'timeout',
  'modify',
  'delivered',
]);

function isInvitee(x: unknown): boolean {
  return (
    isObj(x) &&
    isStr(x.userID) &&
    INVITEE_STATES.has(x.state) &&
    isNum(x.deadline) &&
    typeof x.delivered === 'boolean' &&
    optional(x.answeredAt, isNum) &&
    optional(x.answerOrder, isNum) &&
    optional(x.device, isStr) &&
    optional(x.data, isStr)
  );
}

export function isRecord(x: unknown): x is InvitationRecord {
  return (
    isObj(x) &&
    isStr(x.inviteID) &&
    isStr(x.inviter) &&
    isStr(x.groupID) &&
    isStr(x.data) &&
    isNum(x.timeout) &&
    typeof x.onlineUserOnly === 'boolean' &&
    isNum(x.createdAt) &&
    optional(x.serial, isNum) &&
    isNum(x.answers) &&
    Array.isArray(x.invitees) &&
    x.invitees.every(isInvitee)
  );
}

// The envelope fields the client reads (the reducer, the events it emits): the server built the
// envelope and checked its limits when it took the request, and the full `decodeEnvelope` would
// cost the hooks row about 0.35 kB gzip.
function isEnvelope(x: unknown): boolean {
  return (
    isObj(x) &&
    isStr(x.inviteID) &&
    isStr(x.inviter) &&
    isStr(x.data) &&
    Array.isArray(x.inviteeList) &&
    x.inviteeList.every(isStr)
  );
}

function isEvent(x: unknown): x is SignalingEvent {
  return (
    isObj(x) &&
    EVENT_KINDS.has(x.kind) &&
    isNum(x.at) &&
    isEnvelope(x.envelope) &&
    // Each kind carries its own fields: the record on invite and addInvitees, the answering
    // device (when known) on accept and reject. Other keys are ignored, as the schema does.
    (x.kind === 'invite' || x.kind === 'addInvitees' ? isRecord(x.invitation) : true) &&
    (x.kind === 'accept' || x.kind === 'reject' ? optional(x.device, isStr) : true)
  );
}

function isError(x: unknown): x is SignalingErrorInfo {
  return isObj(x) && isErrorCode(x.code) && isStr(x.message) && optional(x.details, isObj);
}

function isServerFrame(f: Obj): boolean {
  switch (f.t) {
    case 'hello':
      return (
        isStr(f.sessionID) && isStr(f.userID) && isStr(f.deviceID) && isNum(f.serverTime) && isStr(f.epoch)
      );
    case 'snapshot':
      return (
        isNum(f.seq) &&
        isNum(f.at) &&
        optional(f.more, (m) => m === true) &&
        Array.isArray(f.invitations) &&
        f.invitations.every(isRecord) &&
        optional(f.missed, (m) => Array.isArray(m) && m.every(isEvent))
      );
    case 'ev':
      return optional(f.seq, isNum) && isEvent(f.ev);
    case 'res':
      return isNum(f.id) && (f.ok === true ? isStr(f.inviteID) : f.ok === false && isError(f.error));
    case 'pong':
      return isNum(f.ts) && isNum(f.serverTime);
    case 'group':
      return isStr(f.groupID);
    case 'queue':
      // Its hands are checked as the records they become (`applyQueueFrame`, with isRecord).
      return (
        isStr(f.groupID) &&
        [f.hands, f.rounds, f.gone].every(Array.isArray) &&
        (f.hands as unknown[]).every(Array.isArray)
      );
    case 'rtc':
      return isStr(f.roomID) && isStr(f.from) && isStr(f.data);
    case 'error':
      return isError(f.error);
    default:
      return false;
  }
}

/**
 * A frame the server sent, or undefined when it is not one; never throws. The transport drops
 * what it cannot read, so it takes this: it needs no reasons, nor ships them.
 */
export function readServerFrame(raw: string): ServerFrame | undefined {
  const value = readJSON(raw);
  return isObj(value) && isServerFrame(value) ? (value as unknown as ServerFrame) : undefined;
}

/** Parses a frame the server sent, saying why one is refused; never throws. */
export function parseServerFrame(raw: string): FrameResult<ServerFrame> {
  const value = readJSON(raw);
  if (value === undefined)
    return { ok: false, error: { code: ErrorCode.MALFORMED_FRAME, message: 'frame is not valid JSON' } };
  if (isObj(value) && isServerFrame(value)) return { ok: true, frame: value as unknown as ServerFrame };
  return { ok: false, error: { code: ErrorCode.MALFORMED_FRAME, message: 'not a server frame' } };
}
