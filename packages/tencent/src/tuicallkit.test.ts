/**
 * A Beckon app (SignalingClient + TencentTransport + the call controller) and a TUICallKit app
 * of each family call each other, both ways, on the typed fake. The TUICallKit side sends the
 * payloads its source builds (test/families.ts) and reads what Beckon sends with predicates
 * that mirror its parser.
 */
import { type BeckonRuntime, createBeckonRuntime } from '@beckon/react';
import { ManualClock } from '@beckon/signaling';
import { afterEach, describe, expect, it } from 'vitest';
import { SignalingEventName } from './sdk.js';
import { FAMILIES, type Family } from './test/families.js';
import { device } from './test/harness.js';
import { FakeCloud } from './testing/cloud.js';
import { FakeChat } from './testing/fakeChat.js';

const T0 = 1_000_000;
const running: Array<() => void> = [];
afterEach(() => {
  for (const stop of running.splice(0)) stop();
});

interface Heard {
  readonly name: string;
  readonly data: Record<string, unknown>;
}

/** alice on Beckon; "tui", a TUICallKit app, straight on a chat instance. */
async function world() {
  const clock = new ManualClock(T0);
  const cloud = new FakeCloud(clock);
  const alice = device('alice', {}, clock);
  cloud.join('alice', alice.chat);
  const runtime: BeckonRuntime = createBeckonRuntime(alice.client);
  running.push(runtime.start());
  await alice.start();
  const tui = new FakeChat();
  cloud.join('tui', tui);
  const heard: Heard[] = [];
  for (const name of Object.values(SignalingEventName)) {
    tui.addSignalingListener(name, (event: unknown) =>
      heard.push({ name, data: (event as { data: Record<string, unknown> }).data }),
    );
  }
  const call = () => runtime.store.getState().call;
  const pending = () => Object.keys(runtime.store.getState().invitations);
  const lastHeard = (name: string) => heard.filter((h) => h.name === name).at(-1)?.data;
  return { clock, cloud, alice, runtime, tui, heard, call, pending, lastHeard };
}

type World = Awaited<ReturnType<typeof world>>;

/** tui calls alice; returns the invitation id. */
async function tuiCalls(w: World, family: Family, callType: 1 | 2 = 2): Promise<string> {
  const facts = { callType, room: 424242, callees: ['alice'] } as const;
  const sent = (await w.tui.invite({ userID: 'alice', data: family.invite(facts), timeout: 30 })) as {
    inviteID: string;
  };
  await w.cloud.settle();
  return sent.inviteID;
}

/** alice calls tui and tui accepts: a connected video call. */
async function aliceCallsAndTuiAccepts(w: World, family: Family) {
  await w.runtime.calls.dial('tui', { callType: 2 });
  await w.cloud.settle();
  const invite = w.lastHeard(SignalingEventName.NEW_INVITATION_RECEIVED);
  const facts = { callType: 2, room: Number(w.call().roomID), callees: ['tui'] } as const;
  await w.tui.accept({ inviteID: String(invite?.inviteID), data: family.accept(facts) });
  await w.cloud.settle();
  w.runtime.calls.remoteEntered();
  return { invite, facts };
}

describe.each(FAMILIES)('TUICallKit interop: $name', (family) => {
  it('Beckon calls: the family reads a 1:1 call in a room it can enter; its accept connects', async () => {
    const w = await world();
    const { invite } = await aliceCallsAndTuiAccepts(w, family);
    const view = family.readsInvite(String(invite?.data), 'tui', invite?.inviteeList as string[]);
    const room = Number(w.call().roomID);
    expect(Number.isInteger(room) && room >= 1 && room <= 2 ** 31 - 1).toBe(true);
    expect(view).toEqual({ callType: 2, room, group: false });
    expect(w.call().phase).toBe('inCall');
  });

  it('Beckon calls: the family’s reject declines, its busy reject reads as busy', async () => {
    for (const [answer, reason] of [
      ['reject', 'declined'],
      ['busy', 'busy'],
    ] as const) {
      const w = await world();
      await w.runtime.calls.dial('tui', { callType: 1 });
      await w.cloud.settle();
      const invite = w.lastHeard(SignalingEventName.NEW_INVITATION_RECEIVED);
      const facts = { callType: 1, room: Number(w.call().roomID), callees: ['tui'] } as const;
      await w.tui.reject({ inviteID: String(invite?.inviteID), data: family[answer](facts) });
      await w.cloud.settle();
      expect(w.call()).toMatchObject({ phase: 'ended', endReason: reason });
      expect(w.pending()).toEqual([]);
    }
  });

  it('Beckon cancels while it rings: the family takes the cancel', async () => {
    const w = await world();
    await w.runtime.calls.dial('tui');
    await w.cloud.settle();
    await w.runtime.calls.hangUp();
    await w.cloud.settle();
    const cancel = w.lastHeard(SignalingEventName.INVITATION_CANCELLED);
    expect(family.takesAnswer(String(cancel?.data))).toBe(true);
  });

  it('the family calls: Beckon rings in its room; Beckon’s accept, decline and busy are understood', async () => {
    const w = await world();
    await tuiCalls(w, family);
    expect(w.call()).toMatchObject({ phase: 'ringing', peer: 'tui', roomID: '424242', callType: 2 });
    await w.runtime.calls.accept();
    await w.cloud.settle();
    const accepted = w.lastHeard(SignalingEventName.INVITEE_ACCEPTED);
    expect(family.takesAnswer(String(accepted?.data))).toBe(true);
    expect(family.readsSwitchAccepted(String(accepted?.data))).toBe(false);

    const w2 = await world();
    await tuiCalls(w2, family);
    await w2.runtime.calls.decline();
    await w2.cloud.settle();
    const declined = String(w2.lastHeard(SignalingEventName.INVITEE_REJECTED)?.data);
    expect(family.takesAnswer(declined)).toBe(true);
    expect(family.readsBusy(declined)).toBe(false);

    // A second call while alice is in one: Beckon answers busy and lists a missed call.
    await aliceCallsAndTuiAccepts(w2, family);
    await tuiCalls(w2, family);
    const busy = String(w2.lastHeard(SignalingEventName.INVITEE_REJECTED)?.data);
    expect(family.takesAnswer(busy)).toBe(true);
    expect(family.readsBusy(busy)).toBe(true);
    expect(w2.call().missed.map((m) => m.peer)).toEqual(['tui']);
  });

  it('the family cancels while Beckon rings: cancelled, a missed call, nothing pending', async () => {
    const w = await world();
    const id = await tuiCalls(w, family);
    await w.tui.cancel({
      inviteID: id,
      data: family.cancel({ callType: 2, room: 424242, callees: ['alice'] }),
    });
    await w.cloud.settle();
    expect(w.call()).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'remote' });
    expect(w.call().missed).toHaveLength(1);
    expect(w.pending()).toEqual([]);
  });

  it('the family hangs up: Beckon’s call ends and its notice does not stay', async () => {
    const w = await world();
    const { facts } = await aliceCallsAndTuiAccepts(w, family);
    w.clock.advance(17_000);
    await w.tui.invite({ userID: 'alice', data: family.hangup(facts, 17), timeout: 0 });
    await w.cloud.settle();
    expect(w.call()).toMatchObject({
      phase: 'ended',
      endReason: 'hungUp',
      endedBy: 'remote',
      durationSeconds: 17,
    });
    expect(w.pending()).toEqual([]);
  });

  it('Beckon hangs up: the family reads the hang-up, and Beckon’s unanswered notice ends', async () => {
    const w = await world();
    await aliceCallsAndTuiAccepts(w, family);
    w.clock.advance(5_000);
    await w.runtime.calls.hangUp();
    await w.cloud.settle();
    const notice = w.lastHeard(SignalingEventName.NEW_INVITATION_RECEIVED);
    expect(family.readsHangup(String(notice?.data))).toBe(true);
    expect(w.alice.chat.callsOf('invite').at(-1)).not.toHaveProperty('offlinePushInfo');
    // TUICallKit never answers the notice: it ends here after the grace period.
    expect(w.pending()).toHaveLength(1);
    w.clock.advance(6_001);
    await w.cloud.settle();
    expect(w.pending()).toEqual([]);
  });

  it('the family switches to audio mid-call: Beckon accepts as the family reads it, the call becomes audio', async () => {
    const w = await world();
    const { facts } = await aliceCallsAndTuiAccepts(w, family);
    await w.tui.invite({ userID: 'alice', data: family.switchToAudio(facts), timeout: 30 });
    await w.cloud.settle();
    expect(w.call()).toMatchObject({ phase: 'inCall', callType: 1 });
    expect(w.call().missed).toEqual([]);
    expect(w.heard.filter((h) => h.name === SignalingEventName.INVITEE_REJECTED)).toEqual([]);
    const accepted = w.lastHeard(SignalingEventName.INVITEE_ACCEPTED);
    expect(family.readsSwitchAccepted(String(accepted?.data))).toBe(true);
    expect(w.pending()).toEqual([]);
  });

  it('Beckon switches to audio: the family reads the switch; its accept makes Beckon’s call audio', async () => {
    const w = await world();
    const { facts } = await aliceCallsAndTuiAccepts(w, family);
    await w.runtime.calls.switchToAudio();
    await w.cloud.settle();
    const ask = w.lastHeard(SignalingEventName.NEW_INVITATION_RECEIVED);
    expect(family.readsSwitch(String(ask?.data), facts.room)).toBe(true);
    expect(w.call().callType).toBe(2);
    await w.tui.accept({ inviteID: String(ask?.inviteID), data: family.acceptSwitch(facts) });
    await w.cloud.settle();
    expect(w.call()).toMatchObject({ phase: 'inCall', callType: 1 });
  });
});

describe('offline push with TUICallKit', () => {
  it('goes with call invitations only, with the entity TUICallKit’s receivers read', async () => {
    const clock = new ManualClock(T0);
    const cloud = new FakeCloud(clock);
    const alice = device('alice', { offlinePushInfo: { title: 'Alice', description: 'calls you' } }, clock);
    cloud.join('alice', alice.chat);
    const runtime = createBeckonRuntime(alice.client);
    running.push(runtime.start());
    await alice.start();
    const tui = new FakeChat();
    cloud.join('tui', tui);
    await runtime.calls.dial('tui', { callType: 2, roomID: '8848' });
    await cloud.settle();
    await alice.client.invite('tui', '{"businessID":"beckon_classroom","op":"raiseHand"}', { timeout: 30 });
    const [call, classroom] = alice.chat.callsOf('invite') as Array<Record<string, unknown>>;
    expect(classroom).not.toHaveProperty('offlinePushInfo');
    const push = call?.offlinePushInfo as { title: string; description: string; extension: string };
    expect(push).toMatchObject({ title: 'Alice', description: 'calls you' });
    const { entity } = JSON.parse(push.extension) as { entity: Record<string, unknown> };
    expect(entity).toMatchObject({ action: 2, chatType: 1, sender: 'alice', sendTime: T0 / 1000 });
    expect(JSON.parse(String(entity.content))).toMatchObject({
      action: 1,
      call_type: 2,
      room_id: 8848,
      invited_list: ['tui'],
      timeout: 30,
      version: 4,
    });
  });
});
