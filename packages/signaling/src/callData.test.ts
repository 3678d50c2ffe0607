import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CallType,
  createBusyData,
  createCallData,
  createClassroomData,
  createHangupData,
  isGroupCall,
  newNumericRoomID,
  parseCallData,
  parseClassroomData,
  readCallData,
} from './callData.js';

// Test vectors written from the TUICallKit call protocol (version 4) as DESIGN.md describes it.
const videoInvite = {
  version: 4,
  businessID: 'av_call',
  platform: 'web',
  extraInfo: '',
  call_type: 2,
  room_id: 8848,
  data: { cmd: 'videoCall', room_id: 8848, cmdInfo: '', message: '', userIDs: ['bob'] },
};

describe('TUICallKit call data', () => {
  it('encodes a video call invitation exactly, a numeric room as TUICallKit does', () => {
    const text = createCallData({ callType: CallType.VIDEO, roomID: '8848', userIDs: ['bob'] });
    expect(JSON.parse(text)).toEqual(videoInvite);
  });

  it('sends string rooms as str_room_id, and only TUICallKit room numbers (1..2^31-1) as room_id', () => {
    const roomOf = (roomID: string) => {
      const wire = JSON.parse(createCallData({ callType: CallType.AUDIO, roomID }));
      expect(wire.data.room_id).toBe(wire.room_id);
      expect(wire.data.str_room_id).toBe(wire.str_room_id);
      return wire.room_id ?? wire.str_room_id;
    };
    expect(roomOf('room-42')).toBe('room-42');
    expect(roomOf('1')).toBe(1);
    expect(roomOf('2147483647')).toBe(2147483647);
    for (const stringRoom of [
      '0',
      '007',
      '-5',
      '1.5',
      '2147483648',
      '4294967294',
      '99999999999',
      ' 12',
      '1e3',
    ]) {
      expect(roomOf(stringRoom)).toBe(stringRoom);
    }
    for (let i = 0; i < 50; i++) {
      const n = Number(newNumericRoomID());
      expect(Number.isInteger(n) && n >= 1 && n <= 2147483647).toBe(true);
    }
    expect(newNumericRoomID(() => 0)).toBe('1');
    expect(newNumericRoomID(() => 0.9999999999)).toBe('2147483646');
    // Either spelling parses to the same room id, so both sides enter the same TRTC room.
    for (const room of ['8848', 8848]) {
      const parsed = parseCallData(
        JSON.stringify({ ...videoInvite, room_id: room, data: { ...videoInvite.data, room_id: room } }),
      );
      expect(parsed).toMatchObject({ ok: true, value: { roomID: '8848' } });
    }
  });

  it('encodes an audio call, a busy reject and a hang-up with call_end', () => {
    expect(JSON.parse(createCallData({ callType: CallType.AUDIO, roomID: 'r' }))).toMatchObject({
      call_type: 1,
      data: { cmd: 'audioCall' },
    });
    expect(JSON.parse(createBusyData({ callType: CallType.AUDIO, roomID: 'r' }))).toMatchObject({
      line_busy: 'line_busy',
      data: { message: 'lineBusy' },
    });
    expect(
      JSON.parse(createHangupData({ callType: CallType.VIDEO, roomID: 'r', durationSeconds: 61.6 })),
    ).toMatchObject({
      call_end: 62,
      data: { cmd: 'hangup' },
    });
  });

  it('parses what TUICallKit sends, including numeric room ids', () => {
    expect(parseCallData(JSON.stringify({ ...videoInvite, platform: 'iOS' }))).toEqual({
      ok: true,
      value: {
        callType: 2,
        roomID: '8848',
        cmd: 'videoCall',
        userIDs: ['bob'],
        lineBusy: false,
        callEnd: undefined,
      },
    });
    const hangup = parseCallData(
      JSON.stringify({ ...videoInvite, call_end: 12, data: { ...videoInvite.data, cmd: 'hangup' } }),
    );
    expect(hangup).toMatchObject({ ok: true, value: { cmd: 'hangup', callEnd: 12 } });
  });

  it.each([
    ['not JSON', '{'],
    ['another business', JSON.stringify({ ...videoInvite, businessID: 'chat' })],
    ['unknown call type', JSON.stringify({ ...videoInvite, call_type: 3 })],
    ['unknown command', JSON.stringify({ ...videoInvite, data: { cmd: 'dance' } })],
    ['prototype pollution', `{"__proto__":{},"businessID":"av_call"}`],
  ])('refuses %s without throwing', (_, text) => {
    expect(parseCallData(text).ok).toBe(false);
  });
});

describe('classroom data', () => {
  it('round-trips both operations and ignores anything else', () => {
    expect(parseClassroomData(createClassroomData('raiseHand'))?.op).toBe('raiseHand');
    expect(parseClassroomData(createClassroomData('speak'))?.op).toBe('speak');
    expect(parseClassroomData(createCallData({ callType: 1, roomID: 'r' }))).toBeUndefined();
    expect(parseClassroomData('nope')).toBeUndefined();
  });
});

describe('readCallData (the call machine reader)', () => {
  // Values TUICallKit payloads carry, and wrong ones, at the keys both readers look at.
  const value = fc.oneof(
    fc.constantFrom(undefined, null, '', '0', 0, 1, 2, 3, -1, 8848, 1.5, true, [], {}, 'x'),
    fc.constantFrom('audioCall', 'videoCall', 'hangup', 'switchToAudio', 'switchToVideo', 'dance'),
    fc.constantFrom('lineBusy', 'line_busy', 'peerLeft', 'room-9', '42', 'av_call'),
  );
  const fields = (keys: readonly string[]) =>
    fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length });
  const INNER = ['cmd', 'room_id', 'str_room_id', 'cmdInfo', 'message', 'userIDs', 'inviter'];
  const OUTER = ['call_type', 'room_id', 'str_room_id', 'call_end', 'end_reason', 'line_busy'];
  const payload = fc.oneof(
    fc
      .record({
        businessID: fc.constantFrom('av_call', 'other'),
        outer: fields(OUTER),
        data: fc.oneof(fields(INNER), value),
        proto: fc.boolean(),
      })
      .map(({ businessID, outer, data, proto }) => {
        const json = JSON.stringify({ businessID, ...outer, data });
        // A forbidden key, as untrusted JSON may carry it.
        return proto ? json.replace('{', '{"__proto__":{},') : json;
      }),
    fc.constantFrom('', 'not json', '[]', 'null', '42'),
  );

  it('refuses exactly what parseCallData refuses, and reads the same facts', () => {
    fc.assert(
      fc.property(payload, (data) => {
        const full = parseCallData(data);
        const lean = readCallData(data);
        expect(lean === undefined, data).toBe(!full.ok);
        if (!full.ok || lean === undefined) return;
        const { callType, roomID, cmd, userIDs, lineBusy, callEnd, endReason } = full.value;
        expect(lean, data).toEqual({
          callType,
          roomID,
          cmd,
          userIDs,
          lineBusy,
          callEnd,
          ...(endReason && { endReason }),
        });
      }),
      { numRuns: 3000 },
    );
  });
});

describe('isGroupCall', () => {
  it('a chat group, or several callees besides the sender; a sender listing itself beside one callee is one-to-one', () => {
    expect(isGroupCall('team', { userIDs: ['bob'] }, 'alice')).toBe(true);
    expect(isGroupCall('', { userIDs: ['bob', 'carol'] }, 'alice')).toBe(true);
    expect(isGroupCall('', { userIDs: ['alice', 'bob', 'carol'] }, 'alice')).toBe(true);
    expect(isGroupCall('', { userIDs: ['bob'] }, 'alice')).toBe(false);
    expect(isGroupCall('', { userIDs: ['alice', 'bob'] }, 'alice')).toBe(false);
    expect(isGroupCall('', { userIDs: [] }, 'alice')).toBe(false);
    // A leave notice lists everyone in the call, its sender too.
    expect(isGroupCall('', { cmd: 'hangup', userIDs: ['bob', 'carol'] }, 'bob')).toBe(true);
    expect(isGroupCall('', { cmd: 'hangup', userIDs: [] }, 'bob')).toBe(false);
  });
});
