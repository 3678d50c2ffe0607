/**
 * Test vectors for the TUICallKit call protocol (version 4) as DESIGN.md's "Wire format"
 * describes it, checked both ways through the transport: what Beckon sends is what a
 * TUICallKit app expects, and what a TUICallKit app sends parses in Beckon.
 */
import {
  CallType,
  createBusyData,
  createCallData,
  createHangupData,
  decodeEnvelope,
  parseCallData,
} from '@beckon/signaling';
import { describe, expect, it } from 'vitest';
import { SignalingEventName } from './sdk.js';
import { online } from './test/harness.js';

/** Seed step 1: alice calls bob (video) in the string room "room-42" (`str_room_id`); bob is the callee list. */
const VIDEO_CALL =
  '{"version":4,"businessID":"av_call","platform":"web","extraInfo":"","call_type":2,"str_room_id":"room-42",' +
  '"data":{"cmd":"videoCall","str_room_id":"room-42","cmdInfo":"","message":"","userIDs":["bob"]}}';

/** Seed step 3: bob is in another call and rejects as busy. */
const BUSY_REJECT =
  '{"version":4,"businessID":"av_call","platform":"web","extraInfo":"","call_type":2,"str_room_id":"room-42",' +
  '"data":{"cmd":"","str_room_id":"room-42","cmdInfo":"","message":"lineBusy","userIDs":["bob"]},"line_busy":"line_busy"}';

/** Seed step 5: the party who hangs up sends a timeout-0 invitation with the call's duration. */
const HANGUP =
  '{"version":4,"businessID":"av_call","platform":"web","extraInfo":"","call_type":2,"str_room_id":"room-42",' +
  '"data":{"cmd":"hangup","str_room_id":"room-42","cmdInfo":"42","message":"","userIDs":["bob"]},"call_end":42}';

/** The same three as a TUICallKit app on a phone sends them: numeric room id, another platform. */
const TUI_AUDIO_CALL =
  '{"version":4,"businessID":"av_call","platform":"iOS","extraInfo":"","call_type":1,"room_id":98765,' +
  '"data":{"cmd":"audioCall","room_id":98765,"message":"","userIDs":["carol","alice"]}}';
const TUI_BUSY =
  '{"version":4,"businessID":"av_call","platform":"android","extraInfo":"","call_type":1,"room_id":98765,' +
  '"data":{"cmd":"audioCall","room_id":98765,"message":"lineBusy","userIDs":[]},"line_busy":"line_busy"}';
const TUI_HANGUP =
  '{"version":4,"businessID":"av_call","platform":"iOS","extraInfo":"","call_type":1,"room_id":98765,' +
  '"data":{"cmd":"hangup","room_id":98765,"message":"","userIDs":["carol","alice"]},"call_end":125}';

const room = { callType: CallType.VIDEO, roomID: 'room-42', userIDs: ['bob'] } as const;

/**
 * The custom data the SDK puts in the signaling message for `chat.invite` (its
 * `createInviteCustomData`: businessID 1, no onlineUserOnly), which TUICallKit reads.
 */
function tencentInviteMessage(inviteID: string, inviter: string, options: Record<string, unknown>): string {
  return JSON.stringify({
    businessID: 1,
    timeout: options.timeout,
    data: options.data,
    inviteID,
    groupID: '',
    actionType: 1,
    inviter,
    inviteeList: [options.userID],
  });
}

describe('Beckon -> TUICallKit', () => {
  it('a video call invite is sent as the TUICallKit v4 invite, byte for byte', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('bob', createCallData(room), { timeout: 30 });
    const [sent] = alice.chat.callsOf('invite') as Array<Record<string, unknown>>;
    expect(sent).toEqual({ userID: 'bob', data: VIDEO_CALL, timeout: 30, onlineUserOnly: false });
    // What a TUICallKit app receives: Tencent's envelope around that data.
    const envelope = decodeEnvelope(tencentInviteMessage(id, 'alice', sent ?? {}));
    expect(envelope).toMatchObject({
      ok: true,
      value: {
        businessID: 1,
        actionType: 1,
        inviteID: id,
        inviter: 'alice',
        inviteeList: ['bob'],
        timeout: 30,
      },
    });
    const data = JSON.parse(VIDEO_CALL);
    expect(data).toMatchObject({
      version: 4,
      businessID: 'av_call',
      call_type: 2,
      str_room_id: 'room-42',
      data: { cmd: 'videoCall', str_room_id: 'room-42' },
    });
  });

  it('a busy reject carries message "lineBusy" and line_busy "line_busy"', async () => {
    const bob = await online('bob');
    bob.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, {
      inviteID: 'tc-1',
      inviter: 'alice',
      groupID: '',
      data: VIDEO_CALL,
      inviteeList: ['bob'],
    });
    await bob.client.reject('tc-1', createBusyData(room));
    expect(bob.chat.callsOf('reject')).toEqual([{ inviteID: 'tc-1', data: BUSY_REJECT }]);
  });

  it('the hang-up is a timeout-0 invitation with call_end in seconds', async () => {
    const alice = await online('alice');
    await alice.client.invite('bob', createHangupData({ ...room, durationSeconds: 41.6 }), { timeout: 0 });
    expect(alice.chat.callsOf('invite')).toEqual([
      { userID: 'bob', data: HANGUP, timeout: 0, onlineUserOnly: false },
    ]);
  });
});

describe('TUICallKit -> Beckon', () => {
  it('an audio call from a TUICallKit app rings with the call facts', async () => {
    const alice = await online('alice');
    alice.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, {
      inviteID: 'tui-1',
      inviter: 'carol',
      groupID: '',
      data: TUI_AUDIO_CALL,
      inviteeList: ['alice'],
    });
    const [ring] = alice.events('onReceiveNewInvitation');
    expect(ring?.isInvitee).toBe(true);
    expect(parseCallData(ring?.data ?? '')).toEqual({
      ok: true,
      value: {
        callType: CallType.AUDIO,
        roomID: '98765',
        cmd: 'audioCall',
        userIDs: ['carol', 'alice'],
        lineBusy: false,
        callEnd: undefined,
      },
    });
  });

  it('a busy reject from a TUICallKit app reads as busy', async () => {
    const alice = await online('alice');
    const id = await alice.client.invite('carol', createCallData(room), { timeout: 30 });
    alice.chat.signal(SignalingEventName.INVITEE_REJECTED, {
      inviteID: id,
      inviter: 'alice',
      groupID: '',
      data: TUI_BUSY,
      invitee: 'carol',
    });
    const [rejected] = alice.events('onInviteeRejected');
    expect(parseCallData(rejected?.data ?? '')).toMatchObject({ ok: true, value: { lineBusy: true } });
  });

  it('a hang-up from a TUICallKit app gives the duration', async () => {
    const alice = await online('alice');
    alice.chat.signal(SignalingEventName.NEW_INVITATION_RECEIVED, {
      inviteID: 'tui-2',
      inviter: 'carol',
      groupID: '',
      data: TUI_HANGUP,
      inviteeList: ['alice'],
      timeout: 0,
    });
    const [notice] = alice.events('onReceiveNewInvitation');
    expect(notice?.timeout).toBe(0);
    expect(notice?.deadline).toBe(0);
    expect(parseCallData(notice?.data ?? '')).toMatchObject({
      ok: true,
      value: { cmd: 'hangup', callEnd: 125, roomID: '98765' },
    });
  });

  it('Tencent’s signaling envelope (no onlineUserOnly field) decodes in Beckon', () => {
    const raw = tencentInviteMessage('tui-3', 'carol', {
      userID: 'alice',
      timeout: 30,
      data: TUI_AUDIO_CALL,
    });
    expect(decodeEnvelope(raw)).toMatchObject({
      ok: true,
      value: { inviteID: 'tui-3', inviter: 'carol', onlineUserOnly: false, data: TUI_AUDIO_CALL },
    });
  });

  it('Beckon’s own vectors parse back to the same facts', () => {
    expect(parseCallData(VIDEO_CALL)).toMatchObject({
      ok: true,
      value: { callType: CallType.VIDEO, roomID: 'room-42', cmd: 'videoCall', lineBusy: false },
    });
    expect(parseCallData(BUSY_REJECT)).toMatchObject({ ok: true, value: { lineBusy: true } });
    expect(parseCallData(HANGUP)).toMatchObject({ ok: true, value: { cmd: 'hangup', callEnd: 42 } });
  });
});
