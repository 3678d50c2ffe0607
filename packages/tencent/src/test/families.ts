/**
 * The four TUICallKit families, as test fixtures: the call data each builds (written the way its
 * source builds it) and predicates that mirror each family's parser checks, so a test can say
 * whether what Beckon sends is understood. Sources (Tencent-RTC/TUICallKit unless noted):
 * - 2022 Android: Android/Source/.../model/impl/TRTCCallingImpl.java (sendModel, convert2CallingData,
 *   isCallingData, isLineBusy, isSwitchAudioData, handleNewSignallingInvite), base/SignallingData.java.
 * - 2022 iOS: iOS/Source/model/Impl/TRTCCalling+Signal.m (invite:action:, check:, handleCallModel:)
 *   and TRTCSignalFactory.m (packagingSignalingWithExtInfo:, convertOldSignalingToNewSignaling:).
 * - JS engine / MiniProgram: MiniProgram/TUICallEngine/tuicall-engine-wx.js (handleNewSignaling,
 *   _handleInviteData, accept, reject, cancel, handleNewInvitationReceived, handleInviteeAccepted,
 *   handleInviteeRejected, judgeSwitchCallMode).
 * - Current engine: closed source. Its data as issue 15 describes it (`version, businessID, platform,
 *   extraInfo, data: { cmd, room_id | str_room_id, cmdInfo, message, userIDs, initialCallId, inviter },
 *   call_action, call_id`), and as TUIKit's chat UI reads it (`callInfo.data.str_room_id`,
 *   `callInfo.data.inviter`, `line_busy` / `data.message`).
 */

export interface CallFacts {
  readonly callType: 1 | 2;
  /** A numeric room (every 2022 family) or a string room (the current engine may use one). */
  readonly room: number | string;
  readonly callees: readonly string[];
}

export interface InviteView {
  readonly callType: number;
  /** The room the family enters: an integer, or a string room. */
  readonly room: number | string;
  /** The family shows a group-call screen. */
  readonly group: boolean;
}

export interface Family {
  readonly name: string;
  readonly invite: (f: CallFacts) => string;
  readonly accept: (f: CallFacts) => string;
  readonly reject: (f: CallFacts) => string;
  readonly busy: (f: CallFacts) => string;
  readonly cancel: (f: CallFacts) => string;
  readonly hangup: (f: CallFacts, seconds: number) => string;
  readonly switchToAudio: (f: CallFacts) => string;
  /** The data it accepts a switch-to-audio invitation with. */
  readonly acceptSwitch: (f: CallFacts) => string;
  /** Its reader of an answer (accept, reject, cancel) acts on it instead of dropping it or throwing. */
  readonly takesAnswer: (data: string) => boolean;
  readonly readsBusy: (data: string) => boolean;
  /** How it reads a call invitation to `me`, or undefined when it ignores it. */
  readonly readsInvite: (data: string, me: string, inviteeList: readonly string[]) => InviteView | undefined;
  /** It handles a hang-up invitation without error (ends the call, or ignores it by design). */
  readsHangup: (data: string) => boolean;
  /** It reads the invitation as a switch to audio for a call in `room`. */
  readsSwitch: (data: string, room: number | string) => boolean;
  /** It reads an accept as "the peer switched to audio". */
  readsSwitchAccepted: (data: string) => boolean;
}

type Json = Record<string, unknown>;
const json = (text: string): Json | undefined => {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
};
const dataOf = (o: Json): Json | undefined =>
  typeof o.data === 'object' && o.data !== null ? (o.data as Json) : undefined;
const command = (callType: 1 | 2) => (callType === 2 ? 'videoCall' : 'audioCall');
/** Java's `((Double) x).intValue()` / Objective-C's `intValue`: a number clamps or wraps, anything else is 0. */
const javaInt = (v: unknown): number =>
  typeof v === 'number' ? Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.trunc(v))) : 0;
const objcInt = (v: unknown): number => (typeof v === 'number' ? Math.trunc(v) | 0 : 0);
const numRoom = (f: CallFacts): number => (typeof f.room === 'number' ? f.room : 0);

// ---------------------------------------------------------------- 2022 Android (Gson of SignallingData)

function androidData(f: CallFacts, data: Json | undefined, extra: Json = {}): string {
  // Field order of SignallingData; Gson writes ints always, leaves null strings and objects out.
  return JSON.stringify({
    version: 4,
    businessID: 'av_call',
    platform: 'Android',
    ...(data === undefined ? {} : { data }),
    call_type: f.callType,
    room_id: numRoom(f),
    ...extra,
  });
}

function androidSignalling(text: string) {
  const o = json(text) ?? {};
  const platform = typeof o.platform === 'string' ? o.platform : '';
  const businessID = typeof o.businessID === 'string' ? o.businessID : '';
  const isNew = platform !== '' && businessID !== '';
  const calling = isNew ? businessID === 'av_call' : businessID === '';
  return { o, d: dataOf(o), isNew, calling };
}

export const android2022: Family = {
  name: '2022 Android (TRTCCallingImpl.java)',
  invite: (f) => androidData(f, { room_id: numRoom(f), cmd: command(f.callType), userIDs: f.callees }),
  accept: (f) => androidData(f, undefined),
  reject: (f) => androidData(f, undefined),
  busy: (f) => androidData(f, { room_id: 0, message: 'lineBusy' }, { call_end: 0, line_busy: 'line_busy' }),
  cancel: (f) => androidData(f, undefined),
  hangup: (f, seconds) => androidData(f, { room_id: 0, cmd: 'hangup' }, { call_end: seconds }),
  switchToAudio: (f) =>
    androidData(f, { room_id: 0, cmd: 'switchToAudio' }, { switch_to_audio_call: 'switchToAudio' }),
  acceptSwitch: (f) =>
    androidData(f, { room_id: 0, cmd: 'switchToAudio' }, { switch_to_audio_call: 'switchToAudio' }),
  takesAnswer: (data) => androidSignalling(data).calling,
  readsBusy: (data) => {
    const s = androidSignalling(data);
    return s.calling && (s.isNew ? s.d?.message === 'lineBusy' : s.o.line_busy === 'line_busy');
  },
  readsInvite: (data, me, inviteeList) => {
    const s = androidSignalling(data);
    if (!s.calling || !inviteeList.includes(me)) return undefined;
    if (!s.isNew || s.d === undefined) return undefined; // 2022 Android: new signalling needs data
    const cmd = s.d.cmd;
    if (cmd !== 'audioCall' && cmd !== 'videoCall') return undefined;
    const invited = Array.isArray(s.d.userIDs) ? (s.d.userIDs as string[]) : [...inviteeList];
    return {
      callType: cmd === 'videoCall' ? 2 : 1,
      room: javaInt(s.d.room_id),
      // handleDialing removes itself from the list; what is left is shown as other callees.
      group: invited.filter((u) => u !== me).length > 0,
    };
  },
  readsHangup: (data) => {
    const s = androidSignalling(data);
    return s.calling && s.isNew && s.d?.cmd === 'hangup';
  },
  readsSwitch: (data) => {
    const s = androidSignalling(data);
    return s.calling && s.isNew && s.d?.cmd === 'switchToAudio';
  },
  readsSwitchAccepted: (data) => {
    const s = androidSignalling(data);
    return (
      s.calling && (s.isNew ? s.d?.cmd === 'switchToAudio' : typeof s.o.switch_to_audio_call === 'string')
    );
  },
};

// ---------------------------------------------------------------- 2022 iOS (TRTCSignalFactory)

function iosData(
  f: CallFacts,
  cmd: string,
  extra: Json = {},
  data: Json = {},
  userIds: readonly string[] = [],
) {
  return JSON.stringify({
    version: 4,
    businessID: 'av_call',
    platform: 'iOS',
    extInfo: '',
    call_type: f.callType,
    data: { room_id: numRoom(f), cmd, userIDs: userIds, cmdInfo: '', message: '', ...data },
    ...extra,
  });
}

/** `check:` of TRTCCalling+Signal.m: nil means the event is dropped. */
function iosCheck(text: string): Json | undefined {
  let o = json(text);
  if (o === undefined) return undefined;
  if (o.platform === undefined || o.data === undefined) {
    // convertOldSignalingToNewSignaling: only old keys give a businessID back.
    const d: Json = {};
    if ('switch_to_audio_call' in o) d.cmd = 'switchToAudio';
    else if ('call_end' in o) d.cmd = 'hangup';
    else if (o.call_type === 2) d.cmd = 'videoCall';
    else if (o.call_type === 1) d.cmd = 'audioCall';
    if (!('businessID' in o) && typeof d.cmd === 'string') o = { ...o, businessID: 'av_call' };
    if ('line_busy' in o) d.message = 'lineBusy';
    o = { ...o, data: d };
  }
  if (o.businessID !== 'av_call') return undefined;
  if (typeof o.version === 'number' && o.version > 4) return undefined;
  if (dataOf(o)?.cmd === 'hangup') return undefined; // "the end event only shows the duration"
  return o;
}

export const ios2022: Family = {
  name: '2022 iOS (TRTCCalling+Signal.m)',
  invite: (f) => {
    const o = JSON.parse(iosData(f, command(f.callType), {}, {}, f.callees)) as Json;
    return JSON.stringify({ ...o, room_id: numRoom(f) });
  },
  accept: (f) => iosData(f, ''),
  reject: (f) => iosData(f, ''),
  busy: (f) => iosData(f, '', { line_busy: 'line_busy' }, { message: 'lineBusy' }),
  cancel: (f) => iosData(f, ''),
  hangup: (f, seconds) => iosData(f, 'hangup', { call_end: seconds }, { cmdInfo: String(seconds) }),
  switchToAudio: (f) => iosData(f, 'switchToAudio', { switch_to_audio_call: 'switch_to_audio_call' }),
  acceptSwitch: (f) => iosData({ ...f, room: 0, callType: 2 }, 'switchToAudio', { switch_to_audio_call: 1 }),
  takesAnswer: (data) => iosCheck(data) !== undefined,
  readsBusy: (data) => {
    const o = iosCheck(data);
    return o !== undefined && dataOf(o)?.message === 'lineBusy';
  },
  readsInvite: (data, me, inviteeList) => {
    const o = iosCheck(data);
    const d = o === undefined ? undefined : dataOf(o);
    if (d === undefined || d.cmd === 'switchToAudio') return undefined;
    const callType = d.cmd === 'videoCall' ? 2 : d.cmd === 'audioCall' ? 1 : 0;
    // onInvited gets the SDK's inviteeList merged with data.userIDs.
    const users = new Set([...inviteeList, ...(Array.isArray(d.userIDs) ? (d.userIDs as string[]) : [])]);
    users.delete(me);
    return { callType, room: objcInt(d.room_id), group: users.size > 0 };
  },
  // check: drops a hang-up by design (the room's exit ends the call); it must not fail on it.
  readsHangup: (data) => json(data)?.businessID === 'av_call' && iosCheck(data) === undefined,
  readsSwitch: (data) => {
    const o = iosCheck(data);
    return o !== undefined && dataOf(o)?.cmd === 'switchToAudio';
  },
  readsSwitchAccepted: (data) => {
    const o = iosCheck(data);
    return o !== undefined && dataOf(o)?.cmd === 'switchToAudio';
  },
};

// ---------------------------------------------------------------- JS engine (tuicall-engine-wx.js)

/** `handleNewSignaling(t, e)`: its own fields after `extraInfo`, then version, business and data. */
function jsSignal(t: Json, e: Json = {}): string {
  const callType = t.call_type;
  const cmd = callType === 1 ? 'audioCall' : callType === 2 ? 'videoCall' : undefined;
  return JSON.stringify({
    extraInfo: '',
    ...t,
    version: 4,
    businessID: 'av_call',
    platform: 'MiniApp',
    data: { cmd, room_id: t.room_id, message: '', ...e },
  });
}

export const jsEngine: Family = {
  name: 'JS engine / MiniProgram (tuicall-engine-wx.js)',
  invite: (f) => jsSignal({ version: 0, call_type: f.callType, room_id: f.room }, { userIDs: f.callees }),
  accept: (f) => jsSignal({ version: 0, call_type: f.callType }),
  reject: (f) => jsSignal({ version: 0, call_type: f.callType }),
  // In a call it answers `reject({ type: data.call_type })` with `data` still a string: no call_type.
  busy: () => jsSignal({ version: 0, call_type: undefined, line_busy: 'line_busy' }, { message: 'lineBusy' }),
  cancel: (f) => jsSignal({ version: 0, call_type: f.callType }),
  hangup: (f, seconds) =>
    jsSignal({ version: 0, call_type: f.callType, call_end: seconds }, { cmd: 'hangup' }),
  switchToAudio: (f) =>
    jsSignal(
      { version: 0, call_type: f.callType, room_id: f.room, switch_to_audio_call: 'switch_to_audio_call' },
      { cmd: 'switchToAudio' },
    ),
  acceptSwitch: (f) =>
    jsSignal(
      { version: 0, call_type: f.callType, switch_to_audio_call: 'switch_to_audio_call' },
      { cmd: 'switchToAudio' },
    ),
  // handleInviteeAccepted / handleInviteeRejected start with JSON.parse(data); cancel does not parse.
  takesAnswer: (data) => json(data) !== undefined,
  readsBusy: (data) => {
    const o = json(data);
    return (
      o !== undefined &&
      (o.line_busy === '' || o.line_busy === 'line_busy' || dataOf(o)?.message === 'lineBusy')
    );
  },
  readsInvite: (data, _me, inviteeList) => {
    const o = json(data);
    if (o === undefined) return undefined;
    const d = dataOf(o);
    if (d?.cmd === 'hangup') return undefined;
    const userIDs = Array.isArray(d?.userIDs) ? (d?.userIDs as string[]) : [];
    return {
      callType: typeof o.call_type === 'number' ? o.call_type : 0,
      room: typeof o.room_id === 'number' || typeof o.room_id === 'string' ? o.room_id : 0,
      group: inviteeList.length >= 2 || userIDs.length >= 2,
    };
  },
  readsHangup: (data) => dataOf(json(data) ?? {})?.cmd === 'hangup',
  readsSwitch: (data, room) => {
    const o = json(data);
    if (o === undefined) return false;
    const d = dataOf(o);
    const isSwitch = o.switch_to_audio_call === 'switch_to_audio_call' || d?.cmd === 'switchToAudio';
    return isSwitch && o.room_id === room;
  },
  readsSwitchAccepted: (data) => {
    const o = json(data);
    return (
      o !== undefined &&
      (o.switch_to_audio_call === 'switch_to_audio_call' || dataOf(o)?.cmd === 'switchToAudio')
    );
  },
};

// ---------------------------------------------------------------- current engine (closed source)

function currentData(f: CallFacts, cmd: string, data: Json = {}, extra: Json = {}): string {
  const room = typeof f.room === 'number' ? { room_id: f.room } : { str_room_id: f.room };
  return JSON.stringify({
    version: 4,
    businessID: 'av_call',
    platform: 'android',
    extraInfo: '',
    call_action: cmd === 'hangup' ? 5 : 1,
    call_id: 'c2b0e3a4-current-engine',
    data: {
      cmd,
      ...room,
      cmdInfo: '',
      message: '',
      userIDs: f.callees,
      initialCallId: 'c2b0e3a4-current-engine',
      inviter: 'tui',
      inviteTime: 1_700_000_000,
      consumed: false,
      ...data,
    },
    ...extra,
  });
}

export const currentEngine: Family = {
  name: 'current engine (closed source)',
  invite: (f) => currentData(f, command(f.callType)),
  accept: (f) => currentData(f, ''),
  reject: (f) => currentData(f, ''),
  busy: (f) => currentData(f, '', { message: 'lineBusy' }, { line_busy: 'line_busy' }),
  cancel: (f) => currentData(f, ''),
  hangup: (f, seconds) => currentData(f, 'hangup', { cmdInfo: String(seconds) }, { call_end: seconds }),
  switchToAudio: (f) => currentData(f, 'switchToAudio'),
  acceptSwitch: (f) => currentData(f, 'switchToAudio'),
  takesAnswer: (data) => json(data)?.businessID === 'av_call',
  readsBusy: (data) => {
    const o = json(data);
    return o?.businessID === 'av_call' && (o.line_busy === 'line_busy' || dataOf(o)?.message === 'lineBusy');
  },
  readsInvite: (data, me, inviteeList) => {
    const o = json(data);
    const d = o === undefined ? undefined : dataOf(o);
    if (o?.businessID !== 'av_call' || d === undefined) return undefined;
    if (d.cmd !== 'audioCall' && d.cmd !== 'videoCall') return undefined;
    const room =
      typeof d.str_room_id === 'string' && d.str_room_id !== '' ? d.str_room_id : javaInt(d.room_id);
    const users = new Set([...inviteeList, ...(Array.isArray(d.userIDs) ? (d.userIDs as string[]) : [])]);
    users.delete(me);
    return { callType: d.cmd === 'videoCall' ? 2 : 1, room, group: users.size > 0 };
  },
  readsHangup: (data) => {
    const o = json(data);
    return o?.businessID === 'av_call' && dataOf(o)?.cmd === 'hangup';
  },
  readsSwitch: (data) => {
    const o = json(data);
    return o?.businessID === 'av_call' && dataOf(o)?.cmd === 'switchToAudio';
  },
  readsSwitchAccepted: (data) => {
    const o = json(data);
    return o?.businessID === 'av_call' && dataOf(o)?.cmd === 'switchToAudio';
  },
};

export const FAMILIES: readonly Family[] = [currentEngine, android2022, ios2022, jsEngine];

// ---------------------------------------------------------------- group calls (issue 21)
//
// What the three families with readable source send and read in a call of several people
// (/work notes: docs/group-tuicallkit.md). Sources as above, plus 2022 Android `internalCall`,
// `preExitRoom`, `groupHangup`, `handleDialing`; 2022 iOS `TRTCCalling.m` (`call:groupID:type:`,
// `hangup`) and `preExitRoom:`; JS engine `groupCall`, `inviteGroup`, `_inviteInGroupTRTC`,
// `lastOneHangup`, `hangup`. The current engine is left out: closed source, and its group
// signaling is not documented.

export interface GroupFacts extends CallFacts {
  /** The chat group the call is made in; `''` for a call of several people without a group. */
  readonly groupID: string;
}

/** One signaling request a family makes: an `inviteInGroup` to `inviteeList`, or an `invite` to its one user. */
export interface GroupSend {
  readonly method: 'invite' | 'inviteInGroup';
  readonly inviteeList: readonly string[];
  readonly data: string;
  readonly timeout: number;
}

export interface GroupInviteView {
  readonly callType: number;
  readonly room: number | string;
  /** The others it shows as invited with it (itself left out). */
  readonly others: readonly string[];
}

/**
 * How a family takes a hang-up invitation in a group call: `check-room` ends its call only when
 * nobody is in the room or ringing (Android `preExitRoom`), `ignored` drops it (iOS `check:`),
 * `user-left` removes the sender from the call and ends it when nobody is left (JS engine).
 */
export type LeaveReading = 'check-room' | 'ignored' | 'user-left';

export interface GroupFamily {
  readonly name: string;
  /**
   * Its invitation to a call of several people: one `inviteInGroup` with a group, one `invite`
   * per callee without. `batch` is the list passed to this call of its API (iOS writes only
   * that in `data.userIDs`); default: all callees.
   */
  readonly groupInvite: (f: GroupFacts, batch?: readonly string[]) => readonly GroupSend[];
  /** What it sends when it hangs up while `others` are still in the call. */
  readonly leave: (f: GroupFacts, others: readonly string[], seconds: number) => readonly GroupSend[];
  /**
   * What it sends when the TRTC room empties because `leaver` left and nobody rings: the "last
   * one out" hang-up. `invitees`: the inviteeList of the last invitation it sent or got (Android).
   */
  readonly lastOut: (
    f: GroupFacts,
    leaver: string,
    seconds: number,
    invitees: readonly string[],
  ) => readonly GroupSend[];
  /** How it reads a call invitation of a group call, or undefined when it drops it (not for `me`, not a call). */
  readonly readsGroupInvite: (
    data: string,
    me: string,
    inviteeList: readonly string[],
    groupID: string,
  ) => GroupInviteView | undefined;
  /** How it takes a hang-up invitation (a leave notice), or undefined when it is no hang-up to it. */
  readonly readsLeaveNotice: (data: string) => LeaveReading | undefined;
}

const send = (
  method: GroupSend['method'],
  inviteeList: readonly string[],
  data: string,
  timeout: number,
): GroupSend => ({ method, inviteeList, data, timeout });
const without = (list: readonly string[], me: string) => list.filter((u) => u !== me);
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string') : undefined;

export const android2022Group: GroupFamily = {
  name: android2022.name,
  // A group invitation carries no userIDs; without a group each callee gets all of them.
  groupInvite: (f) =>
    f.groupID !== ''
      ? [
          send(
            'inviteInGroup',
            f.callees,
            androidData(f, { room_id: numRoom(f), cmd: command(f.callType) }),
            30,
          ),
        ]
      : f.callees.map((callee) => send('invite', [callee], android2022.invite(f), 30)),
  // groupHangup: others still in the call, so only the TRTC exit.
  leave: () => [],
  // preExitRoom(leaver): no room anywhere in the data, and no duration in a group.
  lastOut: (f, leaver, seconds, invitees) => {
    const noRoom = { ...f, room: 0 };
    return f.groupID !== ''
      ? [
          send(
            'inviteInGroup',
            invitees,
            androidData(noRoom, { room_id: 0, cmd: 'hangup' }, { call_end: 0 }),
            0,
          ),
        ]
      : [
          send(
            'invite',
            [leaver],
            androidData(noRoom, { room_id: 0, cmd: 'hangup' }, { call_end: seconds }),
            0,
          ),
        ];
  },
  readsGroupInvite: (data, me, inviteeList, groupID) => {
    const view = android2022.readsInvite(data, me, inviteeList);
    if (view === undefined) return undefined;
    const userIDs = strings(androidSignalling(data).d?.userIDs);
    const invited = groupID === '' && userIDs !== undefined ? userIDs : inviteeList;
    return { callType: view.callType, room: view.room, others: without(invited, me) };
  },
  readsLeaveNotice: (data) => (android2022.readsHangup(data) ? 'check-room' : undefined),
};

export const ios2022Group: GroupFamily = {
  name: ios2022.name,
  // call:groupID:type: — one inviteInGroup with `userIDs: []`, or an invite to every callee
  // still ringing with `userIDs` = this call's batch.
  groupInvite: (f, batch = f.callees) =>
    f.groupID !== ''
      ? [send('inviteInGroup', f.callees, ios2022.invite({ ...f, callees: [] }), 30)]
      : f.callees.map((callee) => send('invite', [callee], ios2022.invite({ ...f, callees: batch }), 30)),
  // hangup with someone else in the group call: only quitRoom.
  leave: () => [],
  // preExitRoom:leaveUser — the group end goes to a made-up invitee, "inviteeList".
  lastOut: (f, leaver, seconds) =>
    f.groupID !== ''
      ? [send('inviteInGroup', ['inviteeList'], iosData(f, 'hangup', { call_end: 0 }, { cmdInfo: '0' }), 0)]
      : [send('invite', [leaver], ios2022.hangup(f, seconds), 0)],
  readsGroupInvite: (data, me, inviteeList, groupID) => {
    // A group invitation that does not list it only updates the list of its own invitation.
    if (groupID !== '' && !inviteeList.includes(me)) return undefined;
    const view = ios2022.readsInvite(data, me, inviteeList);
    const o = iosCheck(data);
    const d = o === undefined ? undefined : dataOf(o);
    if (view === undefined || (d?.cmd !== 'audioCall' && d?.cmd !== 'videoCall')) return undefined;
    const others = new Set([...inviteeList, ...(strings(d.userIDs) ?? [])]);
    return { callType: view.callType, room: view.room, others: without([...others], me) };
  },
  readsLeaveNotice: (data) => (ios2022.readsHangup(data) ? 'ignored' : undefined),
};

export const jsEngineGroup: GroupFamily = {
  name: jsEngine.name,
  // groupCall: inviteInGroup with no userIDs; without a group, _inviteInGroupTRTC: an invite each.
  groupInvite: (f) =>
    f.groupID !== ''
      ? [
          send(
            'inviteInGroup',
            f.callees,
            jsSignal({ version: 0, call_type: f.callType, room_id: f.room }),
            30,
          ),
        ]
      : f.callees.map((callee) => send('invite', [callee], jsEngine.invite(f), 30)),
  // hangup() always signals. With a group: a hang-up to everyone it knows (the duration only
  // when one other is left). Without a group, lastOneHangup goes through _inviteInGroupTRTC,
  // which drops the hang-up flag: every other user gets a new call invitation with no room.
  leave: (f, others, seconds) =>
    f.groupID !== ''
      ? [
          send(
            'inviteInGroup',
            others,
            jsSignal(
              { version: 0, call_type: f.callType, call_end: others.length <= 1 ? seconds : 0 },
              { cmd: 'hangup' },
            ),
            0,
          ),
        ]
      : others.map((user) =>
          send('invite', [user], jsSignal({ version: 0, call_type: f.callType }, { userIDs: others }), 30),
        ),
  // onRemoteUserLeave: the last TRTC leave resets without a word.
  lastOut: () => [],
  readsGroupInvite: (data, me, inviteeList, groupID) => {
    const view = jsEngine.readsInvite(data, me, inviteeList);
    const d = dataOf(json(data) ?? {});
    const userIDs = strings(d?.userIDs) ?? [];
    if (view === undefined || !(groupID !== '' || inviteeList.length >= 2 || userIDs.length >= 2))
      return undefined;
    // _unHandledInviteeList: the SDK's inviteeList less itself (userIDs only set the group flag).
    return { callType: view.callType, room: view.room, others: without(inviteeList, me) };
  },
  readsLeaveNotice: (data) => (jsEngine.readsHangup(data) ? 'user-left' : undefined),
};

export const GROUP_FAMILIES: readonly GroupFamily[] = [android2022Group, ios2022Group, jsEngineGroup];
