import type { DecodeResult } from './envelope.js';
import { readRecord } from './envelope.js';
import { ErrorCode } from './errors.js';

/** TUICallKit `call_type`. */
export const CallType = { AUDIO: 1, VIDEO: 2 } as const;
export type CallType = (typeof CallType)[keyof typeof CallType];

export type CallCommand = 'audioCall' | 'videoCall' | 'hangup' | 'switchToAudio';
const COMMANDS: ReadonlySet<string> = new Set(['audioCall', 'videoCall', 'hangup', 'switchToAudio']);

/** TUICallKit call protocol, version 4: the JSON carried in an invitation's `data`. */
export interface CallDataWire {
  readonly version: 4;
  readonly businessID: 'av_call';
  readonly platform: string;
  readonly extraInfo: string;
  readonly call_type: CallType;
  readonly room_id: string | number;
  readonly data: {
    readonly cmd: CallCommand;
    readonly room_id: string | number;
    readonly message: '' | 'lineBusy';
    readonly userIDs: readonly string[];
  };
  /** Seconds the call lasted; only on the hang-up invitation (seed step 5). */
  readonly call_end?: number;
  /** Only on a busy reject. */
  readonly line_busy?: 'line_busy';
}

/** The facts of a call invitation, normalized from {@link CallDataWire}. */
export interface CallInfo {
  readonly callType: CallType;
  readonly roomID: string;
  readonly cmd: CallCommand;
  readonly userIDs: readonly string[];
  readonly lineBusy: boolean;
  /** Duration in seconds for a hang-up, else undefined. */
  readonly callEnd: number | undefined;
}

export interface CallDataInput {
  readonly callType: CallType;
  readonly roomID: string;
  readonly userIDs?: readonly string[];
  readonly platform?: string;
}

/** TRTC's largest numeric room id; 0 and 4294967295 are reserved. */
const MAX_NUMERIC_ROOM = 4_294_967_294;

/**
 * The TRTC numeric room id a room id stands for, or undefined for a string room. TUICallKit
 * puts numeric rooms in its call data as JSON numbers and enters them as TRTC's `roomId`, a
 * room apart from the string room (`strRoomId`) with the same digits; so a room id written as
 * a canonical integer in 1..4294967294 (no sign, no leading zero) is numeric everywhere in Beckon.
 */
export function numericRoomID(roomID: string): number | undefined {
  if (!/^[1-9][0-9]{0,9}$/.test(roomID)) return undefined;
  const n = Number(roomID);
  return n <= MAX_NUMERIC_ROOM ? n : undefined;
}

function wire(input: CallDataInput, cmd: CallCommand, message: '' | 'lineBusy'): CallDataWire {
  const room = numericRoomID(input.roomID) ?? input.roomID;
  return {
    version: 4,
    businessID: 'av_call',
    platform: input.platform ?? 'web',
    extraInfo: '',
    call_type: input.callType,
    room_id: room,
    data: { cmd, room_id: room, message, userIDs: input.userIDs ?? [] },
  };
}

function callCommand(callType: CallType): CallCommand {
  return callType === CallType.VIDEO ? 'videoCall' : 'audioCall';
}

/**
 * Data for a call invitation (seed step 1): the room id travels inside.
 *
 * @example
 * await client.invite('bob', createCallData({ callType: CallType.VIDEO, roomID: 'r-42' }), { timeout: 30 });
 */
export function createCallData(input: CallDataInput): string {
  return JSON.stringify(wire(input, callCommand(input.callType), ''));
}

/** Data for rejecting because the callee is already in a call (seed step 3). */
export function createBusyData(input: CallDataInput): string {
  return JSON.stringify({ ...wire(input, callCommand(input.callType), 'lineBusy'), line_busy: 'line_busy' });
}

/** Data for the call-end invitation the party who hangs up sends (seed step 5). */
export function createHangupData(input: CallDataInput & { readonly durationSeconds: number }): string {
  return JSON.stringify({
    ...wire(input, 'hangup', ''),
    call_end: Math.max(0, Math.round(input.durationSeconds)),
  });
}

function invalid(message: string): {
  ok: false;
  error: { code: 6017; reason: 'wrong_type'; message: string };
} {
  return { ok: false, error: { code: ErrorCode.INVALID_PARAMETERS, reason: 'wrong_type', message } };
}

/** Parses invitation data as TUICallKit call data; never throws. */
export function parseCallData(data: string): DecodeResult<CallInfo> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return {
      ok: false,
      error: { code: ErrorCode.INVALID_PARAMETERS, reason: 'not_json', message: 'not JSON' },
    };
  }
  const outer = readRecord(parsed);
  if (!outer.ok) return outer;
  const o = outer.value;
  if (o.businessID !== 'av_call') return invalid('businessID is not "av_call"');
  if (o.call_type !== CallType.AUDIO && o.call_type !== CallType.VIDEO)
    return invalid('call_type must be 1 or 2');
  const inner = readRecord(o.data);
  if (!inner.ok) return inner;
  const d = inner.value;
  if (typeof d.cmd !== 'string' || !COMMANDS.has(d.cmd)) return invalid('data.cmd is not a known command');
  const room = d.room_id ?? o.room_id;
  if (typeof room !== 'string' && typeof room !== 'number')
    return invalid('room_id must be a string or number');
  const userIDs = Array.isArray(d.userIDs) ? d.userIDs.filter((u): u is string => typeof u === 'string') : [];
  const callEnd = typeof o.call_end === 'number' && Number.isFinite(o.call_end) ? o.call_end : undefined;
  return {
    ok: true,
    value: {
      callType: o.call_type,
      roomID: String(room),
      cmd: d.cmd as CallCommand,
      userIDs,
      lineBusy: d.message === 'lineBusy' || o.line_busy === 'line_busy',
      callEnd: d.cmd === 'hangup' ? (callEnd ?? 0) : callEnd,
    },
  };
}

/**
 * The Beckon classroom operations carried in group invitation data: `raiseHand` opens a round
 * (seed step 1) and `speak` invites a student to speak (seed step 4). `hand` and `speaking` are
 * markers a student keeps pending while the hand is up or while speaking, so late joiners see
 * them in their snapshot (see DESIGN.md, "Hand raising").
 */
export type ClassroomOp = 'raiseHand' | 'speak' | 'hand' | 'speaking';
const CLASSROOM_OPS: ReadonlySet<unknown> = new Set(['raiseHand', 'speak', 'hand', 'speaking']);
export const CLASSROOM_BUSINESS_ID = 'beckon_classroom';

export interface ClassroomData {
  readonly businessID: typeof CLASSROOM_BUSINESS_ID;
  readonly op: ClassroomOp;
  /** The round a marker or a speak invitation belongs to. */
  readonly roundID?: string;
}

/** Data for a classroom invitation. */
export function createClassroomData(op: ClassroomOp, roundID?: string): string {
  const data: ClassroomData =
    roundID === undefined
      ? { businessID: CLASSROOM_BUSINESS_ID, op }
      : { businessID: CLASSROOM_BUSINESS_ID, op, roundID };
  return JSON.stringify(data);
}

/** Reads classroom data; undefined when the data is not a Beckon classroom operation. */
export function parseClassroomData(data: string): ClassroomData | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    const r = readRecord(parsed);
    if (!r.ok || r.value.businessID !== CLASSROOM_BUSINESS_ID || !CLASSROOM_OPS.has(r.value.op))
      return undefined;
    const op = r.value.op as ClassroomOp;
    const roundID = r.value.roundID;
    return typeof roundID === 'string'
      ? { businessID: CLASSROOM_BUSINESS_ID, op, roundID }
      : { businessID: CLASSROOM_BUSINESS_ID, op };
  } catch {
    return undefined;
  }
}
