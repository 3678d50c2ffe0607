import * as CallTypes from './callTypes.js';
import type { DecodeResult } from './envelope.js';
import { fail, isFields, readJSON, readRecord } from './envelope.js';

/** TUICallKit `call_type`. */
export const CallType = { AUDIO: CallTypes.AUDIO, VIDEO: CallTypes.VIDEO } as const;
export type CallType = (typeof CallType)[keyof typeof CallType];

/** `data.cmd` of TUICallKit call data. `switchToVideo` is read (TUICallKit sends it), never sent. */
export type CallCommand = 'audioCall' | 'videoCall' | 'hangup' | 'switchToAudio' | 'switchToVideo';
const COMMANDS: ReadonlySet<string> = new Set([
  'audioCall',
  'videoCall',
  'hangup',
  'switchToAudio',
  'switchToVideo',
]);

/**
 * TUICallKit call protocol, version 4: the JSON carried in an invitation's or an answer's
 * `data`. Numeric rooms travel as `room_id` (TUICallKit reads it as a 32-bit integer), string
 * rooms as `str_room_id`. Every field TUICallKit's parsers read is written; readers ignore the rest.
 */
export interface CallDataWire {
  readonly version: 4;
  readonly businessID: 'av_call';
  readonly platform: string;
  readonly extraInfo: string;
  readonly call_type: CallType;
  readonly room_id?: number;
  readonly str_room_id?: string;
  readonly data: {
    readonly cmd: CallCommand | '';
    readonly room_id?: number;
    readonly str_room_id?: string;
    readonly cmdInfo: string;
    readonly message: string;
    readonly userIDs: readonly string[];
    readonly inviter?: string | undefined;
  };
  /** Seconds the call lasted; only on the hang-up invitation (seed step 5). */
  readonly call_end?: number;
  /**
   * Beckon's extension on a hang-up the server sends for a party whose devices are gone
   * (TUICallKit ignores it and sees an ordinary hang-up).
   */
  readonly end_reason?: 'peerLeft' | undefined;
  /** Only on a busy reject. */
  readonly line_busy?: 'line_busy';
  /** Only on a switch-to-audio invitation and its answers (2022 clients read this key). */
  readonly switch_to_audio_call?: 'switch_to_audio_call';
}

/** The facts of TUICallKit call data, normalized from what any TUICallKit family sends. */
export interface CallInfo {
  /** From `call_type`, else from the command; undefined when neither says (a JS-engine busy reject). */
  readonly callType: CallType | undefined;
  /** `str_room_id`, else a positive `room_id`, as a string; '' when the data names no room (a hang-up). */
  readonly roomID: string;
  /** undefined on answers that carry no command (accept, reject, cancel, busy). */
  readonly cmd: CallCommand | undefined;
  /** `data.userIDs`: the callees. */
  readonly userIDs: readonly string[];
  readonly lineBusy: boolean;
  /** Duration in seconds for a hang-up (`call_end`, else `data.cmdInfo`), else undefined. */
  readonly callEnd: number | undefined;
  /** `end_reason` of a hang-up: the server ended the call because this peer's devices were gone. */
  readonly endReason?: 'peerLeft';
  /** Fields current TUICallKit versions add, where present and well typed. */
  readonly inviter?: string;
  readonly inviteTime?: number;
  readonly callAction?: number;
  readonly callID?: string;
  readonly consumed?: boolean;
  readonly initialCallID?: string;
}

export interface CallDataInput {
  readonly callType: CallType;
  readonly roomID: string;
  /** The callees (never the caller: 2022 clients show a group call when the list has two users). */
  readonly userIDs?: readonly string[];
  readonly platform?: string;
  /** The caller, written as `data.inviter` (current TUICallKit versions read it). */
  readonly inviter?: string;
}

/** TUICallKit reads `room_id` as a signed 32-bit integer and picks its own rooms in 1..2^31-1. */
export const MAX_NUMERIC_ROOM = 2_147_483_647;

/**
 * The TRTC numeric room id a room id stands for, or undefined for a string room. TUICallKit
 * reads `room_id` as a 32-bit signed integer and enters it as TRTC's `roomId`, a room apart
 * from the string room (`strRoomId`) with the same digits; so a room id written as a canonical
 * integer in 1..2147483647 (no sign, no leading zero) is numeric everywhere in Beckon, and any
 * other room id travels as `str_room_id`.
 */
export function numericRoomID(roomID: string): number | undefined {
  if (!/^[1-9][0-9]{0,9}$/.test(roomID)) return undefined;
  const n = Number(roomID);
  return n <= MAX_NUMERIC_ROOM ? n : undefined;
}

/**
 * A random room TUICallKit can enter (1..2147483647, as its own clients pick them).
 *
 * @example
 * const runtime = createBeckonRuntime(client, { newRoomID: newNumericRoomID });
 */
export function newNumericRoomID(random: () => number = Math.random): string {
  return String(Math.floor(random() * (MAX_NUMERIC_ROOM - 1)) + 1);
}

type Room = { readonly room_id: number } | { readonly str_room_id: string } | Record<string, never>;

function roomFields(roomID: string): Room {
  if (roomID === '') return {};
  const n = numericRoomID(roomID);
  return n === undefined ? { str_room_id: roomID } : { room_id: n };
}

interface WireParts {
  readonly cmd: CallCommand | '';
  readonly message?: string;
  readonly cmdInfo?: string;
}

function wire(input: CallDataInput, parts: WireParts): CallDataWire {
  const room = roomFields(input.roomID);
  return {
    version: 4,
    businessID: 'av_call',
    platform: input.platform ?? 'web',
    extraInfo: '',
    call_type: input.callType,
    ...room,
    data: {
      cmd: parts.cmd,
      ...room,
      cmdInfo: parts.cmdInfo ?? '',
      message: parts.message ?? '',
      userIDs: input.userIDs ?? [],
      // JSON.stringify leaves it out when undefined, as every writer stringifies what this builds.
      inviter: input.inviter,
    },
  };
}

/** `audioCall` or `videoCall` for a call type. */
export function callCommand(callType: CallType): 'audioCall' | 'videoCall' {
  return callType === CallTypes.VIDEO ? 'videoCall' : 'audioCall';
}

/**
 * Data for a call invitation (seed step 1): the room id travels inside.
 *
 * @example
 * await client.invite('bob', createCallData({ callType: CallType.VIDEO, roomID: '8848', userIDs: ['bob'] }), { timeout: 30 });
 */
export function createCallData(input: CallDataInput): string {
  return JSON.stringify(wire(input, { cmd: callCommand(input.callType) }));
}

/**
 * Data for accepting, rejecting or cancelling a call invitation. Every TUICallKit family but the
 * 2022 Android one drops an answer without it (or fails to parse an empty one).
 */
export function createAnswerData(input: CallDataInput): string {
  return JSON.stringify(wire(input, { cmd: '' }));
}

/** Data for rejecting because the callee is already in a call (seed step 3). */
export function createBusyData(input: CallDataInput): string {
  const busy: CallDataWire = { ...wire(input, { cmd: '', message: 'lineBusy' }), line_busy: 'line_busy' };
  return JSON.stringify(busy);
}

/** Data for the call-end invitation the party who hangs up sends (seed step 5). */
export function createHangupData(
  input: CallDataInput & { readonly durationSeconds: number; readonly endReason?: 'peerLeft' },
): string {
  const seconds = Math.max(0, Math.round(input.durationSeconds));
  const hangup: CallDataWire = {
    ...wire(input, { cmd: 'hangup', cmdInfo: String(seconds) }),
    call_end: seconds,
    // JSON.stringify leaves the key out when there is no reason.
    end_reason: input.endReason,
  };
  return JSON.stringify(hangup);
}

/**
 * Whether the data is a call-end notice (a `hangup` invitation, seed step 5, ours or
 * TUICallKit's): its receiver acknowledges it, nobody has to answer it.
 */
export function isCallEndNotice(data: string): boolean {
  if (!data.includes('hangup')) return false;
  const call = parseCallData(data);
  return call.ok && call.value.cmd === 'hangup';
}

/**
 * Data for the mid-call invitation that switches a video call to audio, and for accepting it
 * (`message` explains a reject).
 */
export function createSwitchToAudioData(input: CallDataInput & { readonly message?: string }): string {
  const parts =
    input.message === undefined
      ? { cmd: 'switchToAudio' as const }
      : { cmd: 'switchToAudio' as const, message: input.message };
  const data: CallDataWire = { ...wire(input, parts), switch_to_audio_call: 'switch_to_audio_call' };
  return JSON.stringify(data);
}

const invalid = (message: string) => fail('wrong_type', message);

type Fields = Readonly<Record<string, unknown>>;

/** The room a TUICallKit payload names: `str_room_id`, else a positive `room_id`; '' for none. */
function readRoom(d: Fields, o: Fields): string | undefined {
  for (const source of [d, o]) {
    const s = source.str_room_id;
    if (typeof s === 'string' && s !== '') return s;
  }
  for (const source of [d, o]) {
    const r = source.room_id;
    if (typeof r === 'number' && Number.isInteger(r) && r > 0) return String(r);
    // Beckon before TUICallKit-shaped rooms wrote string rooms in room_id.
    if (typeof r === 'string' && r !== '' && r !== '0') return r;
  }
  for (const source of [d, o]) {
    const r = source.room_id;
    if (r !== undefined && r !== null && typeof r !== 'number' && typeof r !== 'string') return undefined;
  }
  return '';
}

function readCallType(o: Fields, cmd: CallCommand | undefined): CallType | undefined | 'invalid' {
  const t = o.call_type;
  if (t === CallTypes.AUDIO || t === CallTypes.VIDEO) return t;
  if (t !== undefined && t !== null) return 'invalid';
  if (cmd === 'audioCall') return CallTypes.AUDIO;
  if (cmd === 'videoCall') return CallTypes.VIDEO;
  return undefined;
}

const isText = (v: unknown) => typeof v === 'string' && v !== '';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The fields current TUICallKit versions add, by their name in {@link CallInfo}: the wire key and its check. */
const EXTRAS: readonly (readonly [string, string, (v: unknown) => boolean])[] = [
  ['inviter', 'inviter', isText],
  ['inviteTime', 'inviteTime', isCount],
  ['callAction', 'call_action', isCount],
  ['callID', 'call_id', isText],
  ['consumed', 'consumed', (v) => typeof v === 'boolean'],
  ['initialCallID', 'initialCallId', isText],
];

function readSeconds(o: Fields, d: Fields): number | undefined {
  if (isCount(o.call_end)) return o.call_end;
  if (typeof d.cmdInfo === 'string' && /^[0-9]{1,9}$/.test(d.cmdInfo)) return Number(d.cmdInfo);
  return undefined;
}

/**
 * Parses TUICallKit call data as any TUICallKit family sends it (invitations, answers, busy
 * rejects with no command, hang-ups with no room); never throws. Unknown fields are ignored.
 */
export function parseCallData(data: string): DecodeResult<CallInfo> {
  const parsed = readJSON(data);
  if (parsed === undefined) return fail('not_json', 'not JSON');
  const outer = readRecord(parsed);
  if (!outer.ok) return outer;
  const o = outer.value;
  if (o.businessID !== 'av_call') return invalid('businessID is not "av_call"');
  let d: Fields = {};
  if (o.data !== undefined && o.data !== null) {
    const inner = readRecord(o.data);
    if (!inner.ok) return inner;
    d = inner.value;
  }
  let cmd: CallCommand | undefined;
  if (typeof d.cmd === 'string' && d.cmd !== '') {
    if (!COMMANDS.has(d.cmd)) return invalid('data.cmd is not a known command');
    cmd = d.cmd as CallCommand;
  } else if (d.cmd !== undefined && d.cmd !== null && d.cmd !== '') {
    return invalid('data.cmd must be a string');
  }
  const callType = readCallType(o, cmd);
  if (callType === 'invalid') return invalid('call_type must be 1 or 2');
  const roomID = readRoom(d, o);
  if (roomID === undefined) return invalid('room_id must be a number or a string');
  const value: Record<string, unknown> = facts(o, d, cmd, callType, roomID);
  // Where present and well typed, from `data` first, then the outer object.
  for (const [name, key, ok] of EXTRAS) {
    const found = [d, o].find((source) => ok(source[key]));
    if (found) value[name] = found[key];
  }
  return { ok: true, value: value as unknown as CallInfo };
}

type CallFacts = Omit<
  CallInfo,
  'inviter' | 'inviteTime' | 'callAction' | 'callID' | 'consumed' | 'initialCallID'
>;

function facts(
  o: Fields,
  d: Fields,
  cmd: CallCommand | undefined,
  callType: CallType | undefined,
  roomID: string,
): CallFacts {
  const seconds = readSeconds(o, d);
  return {
    callType,
    roomID,
    cmd,
    userIDs: Array.isArray(d.userIDs) ? d.userIDs.filter((u): u is string => typeof u === 'string') : [],
    lineBusy: d.message === 'lineBusy' || o.line_busy === 'line_busy' || o.line_busy === '',
    callEnd: cmd === 'hangup' ? (seconds ?? 0) : seconds,
    ...(o.end_reason === 'peerLeft' && { endReason: 'peerLeft' as const }),
  };
}

/**
 * What the call machine reads of call data: the facts of {@link parseCallData} without
 * TUICallKit's extra fields and without saying why data is refused, so an app that only runs
 * calls does not ship either. Refuses exactly what parseCallData refuses.
 */
export function readCallData(data: string): CallFacts | undefined {
  const o = readJSON(data);
  if (!isFields(o) || o.businessID !== 'av_call') return undefined;
  const d = o.data ?? {};
  if (!isFields(d)) return undefined;
  const c = d.cmd;
  const cmd = typeof c === 'string' && c !== '' ? (c as CallCommand) : undefined;
  if (cmd ? !COMMANDS.has(cmd) : c !== undefined && c !== null && c !== '') return undefined;
  const callType = readCallType(o, cmd);
  const roomID = readRoom(d, o);
  return callType === 'invalid' || roomID === undefined ? undefined : facts(o, d, cmd, callType, roomID);
}

/**
 * Whether call data belongs to a group call: it was sent in a chat group, or its `data.userIDs`
 * lists several people. A call invitation counts the callees besides its sender (TUICallKit
 * lists the callees of a group call without a group, one invitation per callee; older Beckon
 * clients listed the caller beside the one callee of a one-to-one call); a hang-up (a group
 * call's leave notice) lists everyone in the call, its sender too.
 */
export function isGroupCall(
  groupID: string,
  call: { readonly userIDs: readonly string[]; readonly cmd?: CallCommand | undefined },
  sender: string,
): boolean {
  const listed = call.cmd === 'hangup' ? call.userIDs : call.userIDs.filter((u) => u !== sender);
  return groupID !== '' || listed.length > 1;
}

/**
 * The Beckon classroom operations carried in group invitation data: `raiseHand` opens a round
 * (seed step 1) and `speak` invites a student to speak (seed step 4). `hand` and `speaking` are
 * markers a student keeps pending while the hand is up or while speaking, and `round` one the
 * teacher keeps pending while the round is open, so late joiners see them in their snapshot
 * (see DESIGN.md, "Hand raising").
 */
export type ClassroomOp = 'raiseHand' | 'speak' | 'hand' | 'speaking' | 'round';
const CLASSROOM_OPS: ReadonlySet<unknown> = new Set(['raiseHand', 'speak', 'hand', 'speaking', 'round']);
export const CLASSROOM_BUSINESS_ID = 'beckon_classroom';

export interface ClassroomData {
  readonly businessID: typeof CLASSROOM_BUSINESS_ID;
  readonly op: ClassroomOp;
  /** The round a marker or a speak invitation belongs to. */
  readonly roundID?: string;
}

/** Data for a classroom invitation. */
export function createClassroomData(op: ClassroomOp, roundID?: string): string {
  // JSON.stringify leaves roundID out when there is none.
  return JSON.stringify({ businessID: CLASSROOM_BUSINESS_ID, op, roundID });
}

/** Reads classroom data; undefined when the data is not a Beckon classroom operation. */
export function parseClassroomData(data: string): ClassroomData | undefined {
  const parsed = readJSON(data);
  if (!isFields(parsed) || parsed.businessID !== CLASSROOM_BUSINESS_ID || !CLASSROOM_OPS.has(parsed.op))
    return undefined;
  const op = parsed.op as ClassroomOp;
  const roundID = parsed.roundID;
  return typeof roundID === 'string'
    ? { businessID: CLASSROOM_BUSINESS_ID, op, roundID }
    : { businessID: CLASSROOM_BUSINESS_ID, op };
}
