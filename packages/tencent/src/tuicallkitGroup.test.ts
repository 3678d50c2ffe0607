/**
 * Group calls between a Beckon app (SignalingClient + TencentTransport + GroupCallController,
 * with the one-to-one controller beside it as `@beckon/react`'s group runtime wires them) and
 * TUICallKit apps of each family whose source is readable, both ways, on the typed fake. The
 * TUICallKit side sends what its source builds (test/families.ts) and reads what Beckon sends
 * with predicates that mirror its parser. Cases: /work notes docs/group-tuicallkit.md.
 */
import { type BeckonRuntime, createBeckonRuntime } from '@beckon/react';
import { CallType, ManualClock, parseCallData } from '@beckon/signaling';
import { GroupCallController } from '@beckon/signaling/call';
import { afterEach, describe, expect, it } from 'vitest';
import { SignalingEventName } from './sdk.js';
import {
  android2022,
  android2022Group,
  type Family,
  type GroupFacts,
  type GroupFamily,
  type GroupSend,
  ios2022,
  ios2022Group,
  jsEngine,
  jsEngineGroup,
} from './test/families.js';
import { device } from './test/harness.js';
import { FakeCloud } from './testing/cloud.js';
import { FakeChat } from './testing/fakeChat.js';

const T0 = 1_000_000;
const ROOM = 424242;
const GRACE_MS = 10_000;
const PEOPLE = ['tui', 'bob', 'carol', 'zed'] as const;
type Person = (typeof PEOPLE)[number];

const running: Array<() => void> = [];
afterEach(() => {
  for (const stop of running.splice(0)) stop();
});

/** Each readable family: its group payloads and the one-to-one answers it sends. */
const PAIRS: ReadonlyArray<{ name: string; group: GroupFamily; one: Family }> = [
  { name: android2022Group.name, group: android2022Group, one: android2022 },
  { name: ios2022Group.name, group: ios2022Group, one: ios2022 },
  { name: jsEngineGroup.name, group: jsEngineGroup, one: jsEngine },
];

interface Heard {
  readonly name: string;
  readonly data: Record<string, unknown>;
}

const active = (phase: string) => phase !== 'idle' && phase !== 'ended';

/**
 * alice on Beckon; tui, bob, carol and zed, TUICallKit apps of one family, straight on chat
 * instances. With `groupID`, all five are members of that group; the TUICallKit apps (native
 * SDKs) get its signaling whether it lists them or not, alice (the web SDK) only what lists her.
 */
async function world(groupID: string) {
  const clock = new ManualClock(T0);
  const cloud = new FakeCloud(clock);
  const alice = device('alice', {}, clock);
  cloud.join('alice', alice.chat);
  const runtime: BeckonRuntime = createBeckonRuntime(alice.client);
  const group = new GroupCallController(alice.client, {
    maxParticipants: 9,
    remoteLeaveGraceMs: GRACE_MS,
    lineBusy: () => active(runtime.calls.state.phase),
  });
  running.push(
    runtime.start(),
    group.listen(),
    runtime.calls.busyWhen(() => active(group.state.phase)),
  );
  await alice.start();
  const chats = new Map<string, FakeChat>();
  const heard = new Map<string, Heard[]>();
  for (const name of PEOPLE) {
    const chat = new FakeChat();
    cloud.join(name, chat);
    chats.set(name, chat);
    const list: Heard[] = [];
    heard.set(name, list);
    for (const event of Object.values(SignalingEventName))
      chat.addSignalingListener(event, (e: unknown) =>
        list.push({ name: event, data: (e as { data: Record<string, unknown> }).data }),
      );
  }
  if (groupID !== '') cloud.group(groupID, PEOPLE);
  const chat = (who: Person) => chats.get(who) as FakeChat;
  /** What `who` heard of one SDK event, oldest first. */
  const got = (who: Person, event: string) =>
    (heard.get(who) ?? []).filter((h) => h.name === event).map((h) => h.data);
  /** Sends what a family builds, from `who`; returns the invitation ids. */
  const send = async (who: Person, sends: readonly GroupSend[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const s of sends) {
      const reply =
        s.method === 'invite'
          ? await chat(who).invite({ userID: s.inviteeList[0] ?? '', data: s.data, timeout: s.timeout })
          : await chat(who).inviteInGroup({
              groupID,
              inviteeList: [...s.inviteeList],
              data: s.data,
              timeout: s.timeout,
            });
      ids.push((reply as { inviteID: string }).inviteID);
    }
    await cloud.settle();
    return ids;
  };
  const states = () => Object.fromEntries(group.state.participants.map((p) => [p.userID, p.state]));
  const pending = () => [...alice.client.invitations.keys()];
  return { clock, cloud, alice, runtime, group, chat, got, send, states, pending };
}

type World = Awaited<ReturnType<typeof world>>;

/** tui starts a video call to `callees` (with the world's group, or one invite each). */
async function tuiCalls(w: World, family: GroupFamily, groupID: string, callees = ['alice', 'bob']) {
  const facts: GroupFacts = { callType: 2, room: ROOM, callees, groupID };
  const ids = await w.send('tui', family.groupInvite(facts));
  return { facts, ids };
}

/** tui called alice and bob; both accepted and their media is in: a call of three. */
async function inCallOfThree(w: World, pair: (typeof PAIRS)[number], groupID: string) {
  const { facts, ids } = await tuiCalls(w, pair.group, groupID);
  await w.group.accept();
  // bob answers his own invitation (the group one, or the one that names him).
  const bobs = groupID === '' ? ids[1] : ids[0];
  await w.chat('bob').accept({ inviteID: String(bobs), data: pair.one.accept(facts) });
  await w.cloud.settle();
  w.group.remoteEntered('tui');
  w.group.remoteEntered('bob');
  return { facts, ids };
}

/** alice starts a video call to `invitees`; returns the facts of the call as TUICallKit sees it. */
async function aliceCalls(w: World, invitees: readonly string[], groupID: string) {
  await w.group.start(invitees, { groupID, callType: CallType.VIDEO });
  await w.cloud.settle();
  const room = Number(w.group.state.roomID);
  const facts: GroupFacts = { callType: 2, room, callees: [...invitees], groupID };
  return facts;
}

/** The newest invitation `who` heard, as the SDK gave it. */
function invitationOf(w: World, who: Person) {
  const e = w.got(who, SignalingEventName.NEW_INVITATION_RECEIVED).at(-1);
  return {
    inviteID: String(e?.inviteID),
    data: String(e?.data),
    inviteeList: (e?.inviteeList ?? []) as string[],
    groupID: String(e?.groupID ?? ''),
  };
}

describe.each(PAIRS)('TUICallKit group calls: $name', (pair) => {
  const { group: family, one } = pair;

  it('the family calls in a group: Beckon rings with the others listed, accepts, and sees each answer', async () => {
    const w = await world('G');
    const { ids } = await tuiCalls(w, family, 'G');
    expect(ids).toHaveLength(1);
    expect(w.group.state).toMatchObject({
      phase: 'ringing',
      direction: 'incoming',
      roomID: String(ROOM),
      groupID: 'G',
      callType: 2,
      inviter: 'tui',
      inviteID: ids[0],
    });
    expect(w.states()).toEqual({ tui: 'joined', bob: 'ringing' });
    // The one-to-one controller leaves it alone.
    expect(w.runtime.calls.state.phase).toBe('idle');
    await w.group.accept();
    await w.cloud.settle();
    const accepted = w.got('tui', SignalingEventName.INVITEE_ACCEPTED).at(-1);
    expect(accepted).toMatchObject({ inviteID: ids[0], invitee: 'alice' });
    expect(one.takesAnswer(String(accepted?.data))).toBe(true);
    // Every member sees every answer: bob's accept reaches alice.
    await w.chat('bob').accept({
      inviteID: String(ids[0]),
      data: one.accept({ callType: 2, room: ROOM, callees: ['alice', 'bob'] }),
    });
    await w.cloud.settle();
    expect(w.states()).toEqual({ tui: 'joined', bob: 'joined' });
    w.group.remoteEntered('tui');
    expect(w.group.state.phase).toBe('inCall');
    expect(w.got('tui', SignalingEventName.INVITEE_REJECTED)).toEqual([]);
    expect(w.pending()).toEqual([]);
  });

  it('the family calls without a group (one invite each): Beckon rings as a group call, the others listed', async () => {
    const w = await world('');
    const { ids } = await tuiCalls(w, family, '', ['alice', 'bob', 'carol']);
    expect(ids).toHaveLength(3);
    expect(w.group.state).toMatchObject({ phase: 'ringing', groupID: '', inviter: 'tui', inviteID: ids[0] });
    expect(w.states()).toEqual({ tui: 'joined', bob: 'invited', carol: 'invited' });
    expect(w.runtime.calls.state.phase).toBe('idle');
    await w.group.accept();
    await w.cloud.settle();
    expect(one.takesAnswer(String(w.got('tui', SignalingEventName.INVITEE_ACCEPTED).at(-1)?.data))).toBe(
      true,
    );
    w.group.remoteEntered('tui');
    w.group.remoteEntered('carol');
    expect(w.group.state.phase).toBe('inCall');
    expect(w.states()).toEqual({ tui: 'joined', bob: 'invited', carol: 'joined' });
    expect(w.pending()).toEqual([]);
  });

  it('Beckon calls in a group: the family reads a group call it can enter; its accept and decline count', async () => {
    const w = await world('G');
    const facts = await aliceCalls(w, ['tui', 'bob'], 'G');
    expect(Number.isInteger(facts.room) && Number(facts.room) >= 1).toBe(true);
    const invite = invitationOf(w, 'tui');
    expect(invite.inviteeList).toEqual(['tui', 'bob']);
    expect(invite.groupID).toBe('G');
    expect(family.readsGroupInvite(invite.data, 'tui', invite.inviteeList, 'G')).toEqual({
      callType: 2,
      room: facts.room,
      others: ['bob'],
    });
    await w.chat('tui').accept({ inviteID: invite.inviteID, data: one.accept(facts) });
    await w.chat('bob').reject({ inviteID: invite.inviteID, data: one.reject(facts) });
    await w.cloud.settle();
    expect(w.states()).toEqual({ tui: 'joined', bob: 'declined' });
    w.group.remoteEntered('tui');
    expect(w.group.state.phase).toBe('inCall');
    expect(w.pending()).toEqual([]);
  });

  it('Beckon calls without a group: one invite each, every callee in userIDs, read as a group call', async () => {
    const w = await world('');
    const facts = await aliceCalls(w, ['tui', 'bob'], '');
    const invite = invitationOf(w, 'tui');
    expect(invite.inviteeList).toEqual(['tui']);
    const call = parseCallData(invite.data);
    expect(call.ok && call.value.userIDs).toEqual(['tui', 'bob']);
    const view = family.readsGroupInvite(invite.data, 'tui', invite.inviteeList, '');
    // Android and iOS list bob from userIDs; the JS engine shows a group call of its inviteeList.
    expect(view).toEqual({ callType: 2, room: facts.room, others: family === jsEngineGroup ? [] : ['bob'] });
    await w.chat('tui').accept({ inviteID: invite.inviteID, data: one.accept(facts) });
    await w.cloud.settle();
    expect(w.states()).toMatchObject({ tui: 'joined', bob: 'ringing' });
  });

  for (const groupID of ['G', '']) {
    const how = groupID === '' ? 'without a group' : 'in a group';
    it(`${how}: a TUICallKit participant leaves, the call goes on with two; the last two ending it`, async () => {
      const w = await world(groupID);
      const { facts } = await inCallOfThree(w, pair, groupID);
      expect(w.group.state.phase).toBe('inCall');
      w.clock.advance(20_000);
      // tui hangs up: what its family sends (Android, iOS: nothing), and its TRTC exit.
      const leaving = family.leave(facts, ['alice', 'bob'], 20);
      await w.send('tui', leaving);
      w.group.remoteLeft('tui');
      if (leaving.length === 0) {
        expect(w.states()).toEqual({ tui: 'joined', bob: 'joined' });
        w.clock.advance(GRACE_MS);
        await w.cloud.settle();
      }
      expect(w.states()).toEqual({ tui: 'left', bob: 'joined' });
      expect(w.group.state.phase).toBe('inCall');
      // Neither a new call nor a busy answer for what the JS engine sent (its room-less
      // re-invitations are declined so that they do not stay active).
      expect(w.runtime.calls.state.phase).toBe('idle');
      const answers = w.got('tui', SignalingEventName.INVITEE_REJECTED);
      expect(answers).toHaveLength(family === jsEngineGroup && groupID === '' ? 1 : 0);
      for (const a of answers) expect(one.readsBusy(String(a.data))).toBe(false);
      // bob goes too: alice is alone, the call ends and she tells everyone who was in it.
      const last = family.leave({ ...facts, callees: ['alice', 'bob'] }, ['alice'], 25);
      await w.send('bob', last);
      w.group.remoteLeft('bob');
      w.clock.advance(GRACE_MS);
      await w.cloud.settle();
      expect(w.group.state).toMatchObject({ phase: 'ended', endReason: 'everyoneLeft', endedBy: 'remote' });
      const notice = invitationOf(w, 'bob');
      expect(family.readsLeaveNotice(notice.data)).toBeDefined();
      expect(parseCallData(notice.data)).toMatchObject({ ok: true, value: { roomID: String(ROOM) } });
      // TUICallKit's hang-ups were acknowledged or ended here; alice's own notices were cancelled.
      w.clock.advance(7_000);
      await w.cloud.settle();
      expect(w.pending()).toEqual([]);
    });
  }

  it('the last one out: TUICallKit’s hang-up after alice left changes nothing, rings nothing', async () => {
    const w = await world('G');
    const { facts } = await inCallOfThree(w, pair, 'G');
    await w.group.hangUp();
    await w.cloud.settle();
    const ended = w.group.state;
    expect(ended).toMatchObject({ phase: 'ended', endReason: 'hungUp' });
    // tui (or bob) sees the room empty out later and sends its last-one-out hang-up.
    const lastOut = family.lastOut(facts, 'alice', 30, ['alice', 'bob']);
    const ids = await w.send('tui', lastOut);
    expect(w.group.state).toBe(ended);
    // A hang-up addressed to alice is acknowledged (TUICallKit never cancels its own); one that
    // only reaches her as a group member (iOS's made-up invitee "inviteeList") is not hers to answer.
    const toAlice = ids.filter((_, i) => lastOut[i]?.inviteeList.includes('alice'));
    const acks = w
      .got('tui', SignalingEventName.INVITEE_ACCEPTED)
      .filter((a) => a.invitee === 'alice' && ids.includes(String(a.inviteID)));
    expect(acks.map((a) => a.inviteID)).toEqual(toAlice);
    if (family === android2022Group) expect(toAlice).toHaveLength(1);
    expect(w.runtime.calls.state.phase).toBe('idle');
    expect(w.got('tui', SignalingEventName.INVITEE_REJECTED)).toEqual([]);
    w.clock.advance(7_000);
    await w.cloud.settle();
    expect(w.pending()).toEqual([]);
  });

  it('Beckon leaves while two remain: a notice each reads, no cancel of the taken group invitation', async () => {
    const w = await world('G');
    const facts = await aliceCalls(w, ['tui', 'bob', 'carol'], 'G');
    const call = invitationOf(w, 'tui');
    await w.chat('tui').accept({ inviteID: call.inviteID, data: one.accept(facts) });
    await w.chat('bob').accept({ inviteID: call.inviteID, data: one.accept(facts) });
    await w.cloud.settle();
    w.group.remoteEntered('tui');
    w.group.remoteEntered('bob');
    // alice adds zed: a new invitation listing only him; tui and bob (members) see it too.
    await w.group.invite(['zed']);
    await w.cloud.settle();
    const add = invitationOf(w, 'zed');
    expect(add.inviteeList).toEqual(['zed']);
    const added = parseCallData(add.data);
    expect(added.ok && added.value.userIDs).toEqual(['tui', 'bob', 'carol', 'zed']);
    expect(family.readsGroupInvite(add.data, 'zed', add.inviteeList, 'G')).toMatchObject({
      room: facts.room,
    });
    // Android and iOS drop an invitation that does not list them; the JS engine does not check.
    const seenByTui = family.readsGroupInvite(add.data, 'tui', add.inviteeList, 'G');
    if (family === jsEngineGroup) expect(seenByTui).toBeDefined();
    else expect(seenByTui).toBeUndefined();
    if (family === jsEngineGroup) {
      // The JS engine, in a call, answers any call invitation busy: not an invitee, it is dropped.
      await w.chat('tui').reject({ inviteID: add.inviteID, data: one.busy(facts) });
      await w.cloud.settle();
    }
    w.clock.advance(15_000);
    // carol still rings on the group invitation tui and bob took, zed on his own.
    expect(w.states()).toEqual({ tui: 'joined', bob: 'joined', carol: 'ringing', zed: 'ringing' });
    await w.group.hangUp();
    await w.cloud.settle();
    const notice = invitationOf(w, 'tui');
    expect(notice.inviteeList).toEqual(['tui', 'bob']);
    expect(family.readsLeaveNotice(notice.data)).toBe(
      family === android2022Group ? 'check-room' : family === ios2022Group ? 'ignored' : 'user-left',
    );
    // Every family would end its call on a cancel of the invitation it took: none comes.
    for (const who of ['tui', 'bob', 'carol'] as const)
      expect(w.got(who, SignalingEventName.INVITATION_CANCELLED).map((c) => c.inviteID)).not.toContain(
        call.inviteID,
      );
    // zed's invitation, which nobody took, is cancelled; so is alice's notice, once placed.
    expect(w.got('zed', SignalingEventName.INVITATION_CANCELLED).map((c) => c.inviteID)).toContain(
      add.inviteID,
    );
    expect(w.got('tui', SignalingEventName.INVITATION_CANCELLED).map((c) => c.inviteID)).toContain(
      notice.inviteID,
    );
    // The group invitation rings carol on until it times out (then nothing is left here).
    expect(w.pending()).toEqual([call.inviteID]);
    w.cloud.timeout(call.inviteID, ['carol']);
    await w.cloud.settle();
    expect(w.pending()).toEqual([]);
  });

  it('adding people, the family’s way: alice learns of them from their media (nothing lists her)', async () => {
    for (const groupID of ['G', '']) {
      const w = await world(groupID);
      const { facts } = await inCallOfThree(w, pair, groupID);
      // tui adds carol: a new invitation that lists carol (Android: and anyone still ringing).
      const [addID] = await w.send('tui', family.groupInvite({ ...facts, callees: ['carol'] }, ['carol']));
      expect(w.got('carol', SignalingEventName.NEW_INVITATION_RECEIVED).at(-1)?.inviteID).toBe(addID);
      // The web SDK drops group signaling that does not list alice; without a group she is not sent it.
      expect(w.states()).toEqual({ tui: 'joined', bob: 'joined' });
      await w.chat('carol').accept({ inviteID: String(addID), data: one.accept(facts) });
      await w.cloud.settle();
      w.group.remoteEntered('carol');
      expect(w.states()).toEqual({ tui: 'joined', bob: 'joined', carol: 'joined' });
      expect(w.got('tui', SignalingEventName.INVITEE_REJECTED)).toEqual([]);
      expect(w.pending()).toEqual([]);
    }
  });

  it('busy both ways: alice in a group call rejects the family’s calls busy; a busy tui reads as busy', async () => {
    const w = await world('G');
    await inCallOfThree(w, pair, 'G');
    // zed calls alice one-to-one, then in a group call of another room.
    const single = { callType: 2 as const, room: 777, callees: ['alice'] };
    await w.chat('zed').invite({ userID: 'alice', data: one.invite(single), timeout: 30 });
    await w.cloud.settle();
    await w.send(
      'zed',
      family.groupInvite({ callType: 2, room: 778, callees: ['alice', 'carol'], groupID: 'G' }),
    );
    const rejects = w.got('zed', SignalingEventName.INVITEE_REJECTED).filter((r) => r.invitee === 'alice');
    expect(rejects).toHaveLength(2);
    for (const r of rejects) expect(one.readsBusy(String(r.data))).toBe(true);
    expect(w.runtime.calls.state.missed.map((m) => m.peer)).toEqual(['zed']);
    expect(w.group.state).toMatchObject({ phase: 'inCall', roomID: String(ROOM) });

    // tui is in another call: it answers alice's group invitation busy.
    const v = await world('G');
    const facts = await aliceCalls(v, ['tui', 'bob'], 'G');
    const call = invitationOf(v, 'tui');
    await v.chat('tui').reject({ inviteID: call.inviteID, data: one.busy(facts) });
    await v.chat('bob').accept({ inviteID: call.inviteID, data: one.accept(facts) });
    await v.cloud.settle();
    expect(v.states()).toEqual({ tui: 'busy', bob: 'joined' });
  });

  it('the family’s invitation times out for bob while alice is in: the call goes on; for alice ringing: timedOut', async () => {
    const w = await world('G');
    const { ids } = await tuiCalls(w, family, 'G');
    await w.group.accept();
    await w.cloud.settle();
    w.group.remoteEntered('tui');
    w.cloud.timeout(String(ids[0]), ['bob']);
    await w.cloud.settle();
    expect(w.states()).toEqual({ tui: 'joined', bob: 'timedOut' });
    expect(w.group.state.phase).toBe('inCall');

    const v = await world('G');
    const ringing = await tuiCalls(v, family, 'G');
    v.cloud.timeout(String(ringing.ids[0]));
    await v.cloud.settle();
    expect(v.group.state).toMatchObject({ phase: 'ended', endReason: 'timedOut', endedBy: 'remote' });
    expect(v.pending()).toEqual([]);
  });

  it('a callee that never answers (the JS engine’s ring may stop silently): timedOut at its deadline', async () => {
    const w = await world('G');
    const facts = await aliceCalls(w, ['tui', 'bob'], 'G');
    const call = invitationOf(w, 'tui');
    await w.chat('bob').reject({ inviteID: call.inviteID, data: one.reject(facts) });
    await w.cloud.settle();
    expect(w.states()).toEqual({ tui: 'ringing', bob: 'declined' });
    // 30 s of ringing, then the watchdog's grace for the SDK's word, which never comes.
    w.clock.advance(30_000 + 6_000);
    await w.cloud.settle();
    expect(w.states()).toEqual({ tui: 'timedOut', bob: 'declined' });
    expect(w.group.state).toMatchObject({ phase: 'ended', endReason: 'timedOut' });
    expect(w.pending()).toEqual([]);
  });

  it('the family cancels: before anyone accepted alice’s ring ends cancelled; after, only the ringing go', async () => {
    const w = await world('G');
    const { facts, ids } = await tuiCalls(w, family, 'G');
    await w.chat('tui').cancel({ inviteID: String(ids[0]), data: one.cancel(facts) });
    await w.cloud.settle();
    expect(w.group.state).toMatchObject({ phase: 'ended', endReason: 'cancelled', endedBy: 'remote' });
    expect(w.pending()).toEqual([]);

    // A cancel after alice took it (for the others still ringing) does not end her call.
    const v = await world('G');
    const call = await tuiCalls(v, family, 'G', ['alice', 'bob', 'carol']);
    await v.group.accept();
    await v.chat('bob').accept({ inviteID: String(call.ids[0]), data: one.accept(call.facts) });
    await v.cloud.settle();
    v.group.remoteEntered('tui');
    v.group.remoteEntered('bob');
    await v.chat('tui').cancel({ inviteID: String(call.ids[0]), data: one.cancel(call.facts) });
    await v.cloud.settle();
    expect(v.group.state.phase).toBe('inCall');
    expect(v.states()).toEqual({ tui: 'joined', bob: 'joined', carol: 'cancelled' });
  });
});

// The JS engine has no way to add people to a call; Android and iOS re-send their invitation.
describe.each(PAIRS.filter((p) => p.group !== jsEngineGroup))('TUICallKit adds people: $name', (pair) => {
  const { group: family, one } = pair;

  it('adding people while alice still rings: the re-sent invitation rings her once, her answer reaches the newest', async () => {
    const w = await world('G');
    const { facts, ids } = await tuiCalls(w, family, 'G');
    // tui adds carol: Android and iOS re-list everyone still ringing in a new group invitation.
    const [again] = await w.send('tui', family.groupInvite({ ...facts, callees: ['alice', 'bob', 'carol'] }));
    expect(w.group.state).toMatchObject({ phase: 'ringing', inviteID: again });
    expect(w.states()).toEqual({ tui: 'joined', bob: 'ringing', carol: 'ringing' });
    expect(w.got('tui', SignalingEventName.INVITEE_REJECTED)).toEqual([]);
    expect(w.runtime.calls.state.missed).toEqual([]);
    await w.group.decline();
    await w.cloud.settle();
    const rejects = w.got('tui', SignalingEventName.INVITEE_REJECTED).filter((r) => r.invitee === 'alice');
    expect(rejects.map((r) => r.inviteID).sort()).toEqual([String(ids[0]), String(again)].sort());
    for (const r of rejects) expect(one.takesAnswer(String(r.data))).toBe(true);
    expect(w.group.state).toMatchObject({ phase: 'ended', endReason: 'declined' });
    // Nothing rings alice any more (the invitations wait for bob and carol).
    const hers = [...w.alice.client.invitations.values()].flatMap((r) =>
      r.invitees.filter((i) => i.userID === 'alice' && i.state === 'pending'),
    );
    expect(hers).toEqual([]);
  });
});
