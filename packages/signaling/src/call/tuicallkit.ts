import { CallType, createSwitchToAudioData, parseCallData } from '../callData.js';
import type { InvitationRecord } from '../rules/types.js';
import {
  type CallInterop,
  type CallMachineState,
  type CallStep,
  live,
  patch,
  step,
  wire,
} from './transition.js';

/**
 * The peer asks, mid-call, to switch the call's media (TUICallKit's `switchToAudio`): accepted
 * for our own call's peer while connected (the call becomes audio), rejected otherwise; never a
 * busy reject, never a missed call.
 */
function switchAsked(m: CallMachineState, record: InvitationRecord, toAudio: boolean): CallStep {
  const s = m.call;
  const { inviteID } = record;
  const ours = live(s.phase) && record.inviter === s.peer;
  const call = wire(s, CallType.VIDEO);
  if (ours && toAudio)
    return step(patch(m, { callType: CallType.AUDIO }), {
      type: 'acknowledge',
      inviteID,
      data: createSwitchToAudioData(call),
    });
  // Switching to video is not offered by Beckon; a switch outside our call is answered, not ignored.
  const message = ours ? 'switching to video is not supported' : 'not in a call with you';
  return step(m, { type: 'reject', inviteID, data: createSwitchToAudioData({ ...call, message }) });
}

/**
 * TUICallKit's mid-call switch to audio, as an extension of the call machine: the peer's
 * `switchToAudio` (accepted while connected: the call becomes audio) and `switchToVideo`
 * (rejected: Beckon does not offer it), and `CallController.switchToAudio` (useCall's
 * `actions.switchToAudio`). Without it those invitations are left to time out and the action
 * does nothing.
 *
 * The Tencent transport provides it (`transport.callInterop`), so every app in Tencent mode has
 * it; an app on the Beckon server whose users want it passes it in:
 *
 * @example
 * import { tuiCallKitInterop } from '@beckon/signaling/call';
 * <BeckonProvider client={client} callOptions={{ interop: tuiCallKitInterop }}>
 */
export const tuiCallKitInterop: CallInterop = {
  invitation: (m, record, cmd) =>
    cmd === 'switchToAudio' || cmd === 'switchToVideo'
      ? switchAsked(m, record, cmd === 'switchToAudio')
      : undefined,
  answered(m, input) {
    const { invitation, self } = input;
    const info = parseCallData(invitation.data);
    // Not our own switch-to-audio invitation: its answer is about the call itself.
    if (invitation.inviter !== self.userID || !info.ok || info.value.cmd !== 'switchToAudio')
      return undefined;
    const s = m.call;
    // The peer answered our switch to audio: accepted, the call is audio now; rejected, it stays.
    const audio =
      input.type === 'accepted' && input.invitee === s.peer && s.phase !== 'idle' && s.phase !== 'ended';
    return step(audio ? patch(m, { callType: CallType.AUDIO }) : m);
  },
  switchToAudio(m, ringTimeoutSeconds) {
    const { phase, peer, callType, roomID } = m.call;
    if (!live(phase) || peer === undefined || callType !== CallType.VIDEO) return step(m);
    const data = createSwitchToAudioData({ callType, roomID: roomID ?? '', userIDs: [peer] });
    return step(m, { type: 'requestSwitch', peer, data, timeout: ringTimeoutSeconds });
  },
};
