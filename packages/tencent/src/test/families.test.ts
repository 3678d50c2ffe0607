// The group-call payload builders of the TUICallKit families (families.ts): what they send
// parses as Beckon reads call data, and what each reads of its own and of Beckon's payloads.
import { CallType, createCallData, createHangupData, isGroupCall, parseCallData } from '@beckon/signaling';
import { describe, expect, it } from 'vitest';
import {
  android2022Group,
  GROUP_FAMILIES,
  type GroupFacts,
  ios2022Group,
  jsEngineGroup,
  type LeaveReading,
} from './families.js';

const inGroup: GroupFacts = { callType: 2, room: 424242, callees: ['alice', 'bob'], groupID: 'G' };
const noGroup: GroupFacts = { ...inGroup, groupID: '' };

function parsed(data: string) {
  const call = parseCallData(data);
  if (!call.ok) throw new Error(`not call data: ${data}`);
  return call.value;
}

describe.each(GROUP_FAMILIES)('group payloads of $name', (family) => {
  it('with a group: one inviteInGroup to every callee, a video call in its room, read back by itself', () => {
    const [sent, ...more] = family.groupInvite(inGroup);
    expect(more).toEqual([]);
    expect(sent).toMatchObject({ method: 'inviteInGroup', inviteeList: ['alice', 'bob'], timeout: 30 });
    const call = parsed(String(sent?.data));
    expect(call).toMatchObject({ cmd: 'videoCall', callType: CallType.VIDEO, roomID: '424242' });
    expect(isGroupCall('G', call, 'tui')).toBe(true);
    expect(family.readsGroupInvite(String(sent?.data), 'alice', ['alice', 'bob'], 'G')).toEqual({
      callType: 2,
      room: 424242,
      others: ['bob'],
    });
  });

  it('without a group: one invite per callee, each listing every callee in userIDs', () => {
    const sent = family.groupInvite(noGroup);
    expect(sent.map((s) => [s.method, s.inviteeList, s.timeout])).toEqual([
      ['invite', ['alice'], 30],
      ['invite', ['bob'], 30],
    ]);
    for (const { data } of sent) {
      const call = parsed(data);
      expect(call.userIDs).toEqual(['alice', 'bob']);
      expect(isGroupCall('', call, 'tui')).toBe(true);
    }
  });

  it("reads Beckon's group invitation as a group call in Beckon's room", () => {
    const data = createCallData({ callType: CallType.VIDEO, roomID: '424242', userIDs: ['alice', 'bob'] });
    expect(family.readsGroupInvite(data, 'alice', ['alice', 'bob'], 'G')).toMatchObject({
      callType: 2,
      room: 424242,
      others: ['bob'],
    });
    // Without a group, each callee's invitation lists only that callee.
    expect(family.readsGroupInvite(data, 'alice', ['alice'], '')).toMatchObject({
      callType: 2,
      room: 424242,
    });
  });

  it("takes Beckon's leave notice as its own kind of hang-up", () => {
    const notice = createHangupData({
      callType: CallType.VIDEO,
      roomID: '424242',
      userIDs: ['alice', 'bob', 'tui'],
      durationSeconds: 42,
    });
    const expected: Record<string, LeaveReading> = {
      [android2022Group.name]: 'check-room',
      [ios2022Group.name]: 'ignored',
      [jsEngineGroup.name]: 'user-left',
    };
    expect(family.readsLeaveNotice(notice)).toBe(expected[family.name]);
    expect(
      family.readsLeaveNotice(createCallData({ callType: CallType.VIDEO, roomID: '1' })),
    ).toBeUndefined();
  });

  it('what it sends on leaving or as the last one out is a hang-up it reads itself, and has no timeout', () => {
    const sends = [
      ...family.leave(inGroup, ['bob'], 30),
      ...family.lastOut(inGroup, 'bob', 30, ['bob']),
      ...family.lastOut(noGroup, 'bob', 30, ['bob']),
    ];
    expect(sends.length).toBeGreaterThan(0);
    for (const { data, timeout } of sends) {
      expect(parsed(data).cmd).toBe('hangup');
      expect(family.readsLeaveNotice(data)).toBeDefined();
      expect(timeout).toBe(0);
    }
  });
});

describe('group payload quirks the interop tests rely on', () => {
  it("Android's group hang-up names no room, and goes to the last invitation's invitees", () => {
    const [sent] = android2022Group.lastOut(inGroup, 'bob', 30, ['alice', 'bob']);
    expect(sent).toMatchObject({ method: 'inviteInGroup', inviteeList: ['alice', 'bob'] });
    expect(parsed(String(sent?.data))).toMatchObject({ cmd: 'hangup', roomID: '', callEnd: 0 });
    const [direct] = android2022Group.lastOut(noGroup, 'bob', 30, []);
    expect(direct).toMatchObject({ method: 'invite', inviteeList: ['bob'] });
    expect(parsed(String(direct?.data))).toMatchObject({ roomID: '', callEnd: 30 });
  });

  it("iOS's group end goes to a made-up invitee and keeps the room; alone it goes to the leaver", () => {
    const [sent] = ios2022Group.lastOut(inGroup, 'bob', 30, []);
    expect(sent).toMatchObject({ method: 'inviteInGroup', inviteeList: ['inviteeList'] });
    expect(parsed(String(sent?.data))).toMatchObject({ cmd: 'hangup', roomID: '424242', callEnd: 0 });
    expect(ios2022Group.lastOut(noGroup, 'bob', 30, [])[0]).toMatchObject({ inviteeList: ['bob'] });
  });

  it('iOS without a group lists only the batch of the latest call in userIDs', () => {
    const sent = ios2022Group.groupInvite({ ...noGroup, callees: ['alice', 'carol'] }, ['carol']);
    expect(sent.map((s) => s.inviteeList)).toEqual([['alice'], ['carol']]);
    for (const { data } of sent) expect(parsed(data).userIDs).toEqual(['carol']);
  });

  it('Android and iOS drop a group invitation that does not list them; the JS engine does not check', () => {
    const [sent] = jsEngineGroup.groupInvite(inGroup);
    const data = String(sent?.data);
    expect(
      android2022Group.readsGroupInvite(
        android2022Group.groupInvite(inGroup)[0]?.data ?? '',
        'carol',
        ['alice', 'bob'],
        'G',
      ),
    ).toBeUndefined();
    expect(
      ios2022Group.readsGroupInvite(
        ios2022Group.groupInvite(inGroup)[0]?.data ?? '',
        'carol',
        ['alice', 'bob'],
        'G',
      ),
    ).toBeUndefined();
    expect(jsEngineGroup.readsGroupInvite(data, 'carol', ['alice', 'bob'], 'G')).toMatchObject({
      others: ['alice', 'bob'],
    });
  });

  it('the JS engine hangs up in a group with no room, the duration only when one other is left', () => {
    const [many] = jsEngineGroup.leave(inGroup, ['bob', 'carol'], 30);
    expect(many).toMatchObject({ method: 'inviteInGroup', inviteeList: ['bob', 'carol'], timeout: 0 });
    expect(parsed(String(many?.data))).toMatchObject({ cmd: 'hangup', roomID: '', callEnd: 0 });
    const [last] = jsEngineGroup.leave(inGroup, ['bob'], 30);
    expect(parsed(String(last?.data)).callEnd).toBe(30);
  });

  it('the JS engine leaving a call of several people without a group rings everyone again, with no room', () => {
    const sent = jsEngineGroup.leave(noGroup, ['bob', 'carol'], 30);
    expect(sent.map((s) => [s.method, s.inviteeList, s.timeout])).toEqual([
      ['invite', ['bob'], 30],
      ['invite', ['carol'], 30],
    ]);
    for (const { data } of sent)
      expect(parsed(data)).toMatchObject({ cmd: 'videoCall', roomID: '', userIDs: ['bob', 'carol'] });
  });

  it('Android and iOS leave a call others are still in without a word', () => {
    expect(android2022Group.leave(inGroup, ['bob'], 30)).toEqual([]);
    expect(ios2022Group.leave(noGroup, ['bob'], 30)).toEqual([]);
    expect(jsEngineGroup.lastOut(inGroup, 'bob', 30, [])).toEqual([]);
  });
});
