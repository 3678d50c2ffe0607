/**
 * Two parties (the callee on two devices) race their actions on one call over the in-memory hub,
 * with every request, reply and event held in flight and let through in an order fast-check
 * picks, and the arbiter's clock moved at random. After everything settled, every call state
 * must agree with what the arbiter decided and with the other side. The media reports the peer
 * entering at random points too (the caller waits in the room while dialing, the callee enters
 * once it accepted), so it can come before the answer's word. And if the server goes silent at
 * any point, the watchdog still ends every call once its deadline and grace are past (a call
 * whose peer's media entered goes on: its media is the call).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallType, parseCallData } from '../callData.js';
import { SignalingClient } from '../client.js';
import { ManualClock } from '../clock.js';
import { InMemoryHub } from '../hub.js';
import type { InvitationRecord } from '../rules/types.js';
import { Network } from '../test/delayedTransport.js';
import { CallController } from './controller.js';
import type { CallEndReason, CallState } from './state.js';

const T0 = 1_700_000_000_000;
const RING_SECONDS = 30;
const CONNECT_SECONDS = 30;
/** The races property holds messages for any time: its watchdog waits longer than the test runs. */
const PATIENT = 1_000_000_000;
const WATCHDOG_GRACE = 5_000;

type Actor = 'alice' | 'bob1' | 'bob2';
type Op =
  | { readonly kind: 'deliver'; readonly pick: number }
  | { readonly kind: 'advance'; readonly ms: number }
  /** The media layer of `who` sees the peer enter the room, if both are in it. */
  | { readonly kind: 'media'; readonly who: Actor }
  | { readonly kind: 'dial' | 'accept' | 'decline' | 'busy' | 'hangUp'; readonly who: Actor };

const actor = fc.constantFrom<Actor>('alice', 'bob1', 'bob2');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(7) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.constantFrom(1_000, 29_999, 30_000),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('accept' as const, 'decline' as const, 'hangUp' as const),
      who: actor,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constantFrom('dial' as const, 'busy' as const), who: actor }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('media' as const), who: actor }) },
);
const scenario = fc.record({
  /** The callee dials the caller too before anything is delivered (glare). */
  glare: fc.boolean(),
  secondDevice: fc.boolean(),
  ops: fc.array(op, { maxLength: 40 }),
  /** The order in which what is left in flight is delivered at the end. */
  drain: fc.array(fc.nat(7), { maxLength: 20 }),
  /** Which side hangs up a call that both sides are in. */
  hangUpFirst: fc.constantFrom<Actor>('alice', 'bob1', 'bob2'),
});

async function ticks(): Promise<void> {
  for (let i = 0; i < 12; i++) await Promise.resolve();
}

function world(secondDevice: boolean, watchdogGraceMs = PATIENT) {
  const clock = new ManualClock(T0);
  let n = 0;
  const ended: InvitationRecord[] = [];
  const hub = new InMemoryHub({ clock, generateId: () => `inv-${++n}`, onEnded: (r) => ended.push(r) });
  const network = new Network();
  const failures: unknown[] = [];
  let rooms = 0;
  const party = (userID: string) => {
    const client = new SignalingClient({ transport: network.wrap(hub.connect(userID)), clock });
    const calls = new CallController(client, {
      ringTimeoutSeconds: RING_SECONDS,
      connectTimeoutSeconds: CONNECT_SECONDS,
      watchdogGraceMs,
      newRoomID: () => `room-${userID}-${++rooms}`,
    });
    calls.start();
    client.connect();
    return calls;
  };
  const parties = new Map<Actor, CallController>([
    ['alice', party('alice')],
    ['bob1', party('bob')],
  ]);
  if (secondDevice) parties.set('bob2', party('bob'));
  /** Who saw the peer's media enter. */
  const entered = new Set<Actor>();
  /** As `useCallRoom` joins: the caller while dialing, both sides once answered. */
  const inRoom = (s: CallState) =>
    s.roomID !== undefined &&
    ((s.phase === 'dialing' && s.direction === 'outgoing') ||
      s.phase === 'connecting' ||
      s.phase === 'inCall');
  const media = (who: Actor) => {
    const s = parties.get(who)?.state;
    if (s === undefined || !inRoom(s)) return;
    const peers = [...parties].filter(([other]) => (other === 'alice') !== (who === 'alice'));
    if (!peers.some(([, c]) => inRoom(c.state) && c.state.roomID === s.roomID)) return;
    entered.add(who);
    parties.get(who)?.remoteEntered();
  };
  // Actions the machine refuses (dial during a call) reject; nothing else may.
  const act = (p: Promise<void>) => p.catch((error: unknown) => failures.push(error));
  const settle = async (order: readonly number[] = []) => {
    let i = 0;
    await ticks();
    while (network.deliver(order[i++] ?? 0)) await ticks();
  };
  return { clock, hub, network, parties, ended, failures, act, settle, media, entered };
}

const peerOf = (who: Actor) => (who === 'alice' ? 'bob' : 'alice');

/** The reasons each party may end with, given how the arbiter ended the call invitation. */
function allowed(record: InvitationRecord, role: 'inviter' | 'invitee'): readonly CallEndReason[] {
  const callee = record.invitees[0];
  const answer = callee?.data === undefined ? undefined : parseCallData(callee.data);
  switch (callee?.state) {
    case 'accepted':
      return role === 'inviter' ? ['hungUp'] : ['hungUp', 'answeredElsewhere'];
    case 'rejected': {
      const busy = answer?.ok === true && answer.value.lineBusy;
      const reason = busy ? 'busy' : 'declined';
      return role === 'inviter' ? [reason] : [reason, 'answeredElsewhere'];
    }
    case 'cancelled':
      return ['cancelled'];
    case 'timeout':
      return ['timedOut'];
    default:
      return [];
  }
}

function describeState(who: Actor, s: CallState): string {
  return `${who}: ${s.phase}/${s.endReason ?? '-'} ${s.direction ?? ''} ${s.inviteID ?? ''}`;
}

type World = ReturnType<typeof world>;

/** The dial (and the glare call-back), then the scenario's operations. */
async function drive(w: World, sc: Scenario) {
  const { parties, act } = w;
  const get = (who: Actor) => parties.get(who);
  act(parties.get('alice')?.dial('bob', { callType: CallType.AUDIO }) ?? Promise.resolve());
  // The callee calls back at most once (at the start: glare; later: a glare or a call after the first).
  let calledBack = sc.glare;
  if (sc.glare) act(parties.get('bob1')?.dial('alice', { callType: CallType.AUDIO }) ?? Promise.resolve());
  for (const o of sc.ops) {
    if (o.kind === 'deliver') w.network.deliver(o.pick);
    else if (o.kind === 'advance') w.clock.advance(o.ms);
    else if (o.kind === 'media') w.media(o.who);
    else {
      const calls = get(o.who);
      if (calls === undefined) continue;
      if (o.kind === 'dial') {
        if (calledBack || o.who === 'alice' || !['idle', 'ringing'].includes(calls.state.phase)) continue;
        calledBack = true;
        act(calls.dial(peerOf(o.who), { callType: CallType.AUDIO }));
      } else if (o.kind === 'busy') act(calls.decline({ busy: true }));
      else act(calls[o.kind]());
    }
    await ticks();
  }
}

async function play(sc: Scenario) {
  const w = world(sc.secondDevice);
  const { parties, act } = w;
  await drive(w, sc);
  await w.settle(sc.drain);
  // Whatever still rings times out.
  w.clock.advance(RING_SECONDS * 1000);
  await w.settle();

  const trace = () => [...parties].map(([who, c]) => describeState(who, c.state)).join('; ');
  const inCall = [...parties].filter(([, c]) => c.state.phase === 'connecting' || c.state.phase === 'inCall');
  if (inCall.length > 0) {
    // Both sides are in the call, one device each; hanging up either ends both.
    expect(inCall.map(([who]) => (who === 'alice' ? 'alice' : 'bob')).sort(), trace()).toEqual([
      'alice',
      'bob',
    ]);
    const hanger = inCall.find(([who]) => who === sc.hangUpFirst) ?? inCall[0];
    if (hanger) act(hanger[1].hangUp());
    await w.settle();
  }
  expect(w.failures, trace()).toEqual([]);
  expect(w.hub.state.invitations.size, trace()).toBe(0);
  expect(w.clock.pendingTimers, trace()).toBe(0);

  const calls = w.ended.filter((r) => {
    const info = parseCallData(r.data);
    return info.ok && (info.value.cmd === 'audioCall' || info.value.cmd === 'videoCall');
  });
  const hangups = w.ended.filter((r) => {
    const info = parseCallData(r.data);
    return info.ok && info.value.cmd === 'hangup';
  });
  for (const [who, c] of parties) {
    const s = c.state;
    if (s.phase === 'idle') {
      // Only a device of a caller that was never called itself stays out of it.
      expect(who, trace()).not.toBe('alice');
      expect(
        calls.filter((r) => r.inviter === 'alice'),
        trace(),
      ).toEqual([]);
      continue;
    }
    expect(s.phase, trace()).toBe('ended');
    const record = calls.find((r) => r.inviteID === s.inviteID);
    expect(record, `${trace()}: ${who}'s call is not an invitation the arbiter ended`).toBeDefined();
    if (record === undefined) continue;
    const role = record.inviter === (who === 'alice' ? 'alice' : 'bob') ? 'inviter' : 'invitee';
    expect(allowed(record, role), trace()).toContain(s.endReason);
  }
  for (const record of calls) {
    const accepted = record.invitees[0]?.state === 'accepted';
    const [roomID] = [parseCallData(record.data)].map((i) => (i.ok ? i.value.roomID : ''));
    const ends = hangups.filter((h) => {
      const info = parseCallData(h.data);
      // A side that answered a glare before it saw the room ends it without naming one.
      const between = new Set([h.inviter, ...h.invitees.map((i) => i.userID)]);
      const sameCall = between.has(record.inviter) && record.invitees.every((i) => between.has(i.userID));
      return info.ok && sameCall && (info.value.roomID === roomID || info.value.roomID === '');
    });
    // An answered call is ended by a call-end (the server's history: answered, then completed);
    // both sides send one when both hang up at once. A call that was not answered gets none.
    if (accepted) expect([1, 2], trace()).toContain(ends.length);
    else expect(ends, trace()).toEqual([]);
    if (!accepted) continue;
    // Exactly one device of the callee was in it and hung up; the other saw it answered elsewhere.
    const callee = [...parties.values()].filter(
      (c) => c.state.inviteID === record.inviteID && c.state.direction === 'incoming',
    );
    expect(callee.filter((c) => c.state.endReason === 'hungUp').length, trace()).toBe(1);
  }
}

type Scenario = {
  readonly glare: boolean;
  readonly secondDevice: boolean;
  readonly ops: readonly Op[];
  readonly drain: readonly number[];
  readonly hangUpFirst: Actor;
};

describe('call races over the hub (property)', () => {
  it('whatever the interleaving, both sides end the way the arbiter decided', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (sc) => play(sc)),
      { numRuns: Number(process.env.CALL_RACE_RUNS ?? 5000) },
    );
  }, 120_000);

  it('a server gone silent at any point: no call outlives its deadline plus the grace', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const w = world(sc.secondDevice, WATCHDOG_GRACE);
        await drive(w, sc);
        // From here on nothing reaches anyone (what is in flight stays there), the server's
        // timeouts included; the user does nothing more.
        w.clock.advance(Math.max(RING_SECONDS, CONNECT_SECONDS) * 1000 + WATCHDOG_GRACE);
        await ticks();
        for (const [who, c] of w.parties) {
          const s = c.state;
          const trace = describeState(who, s);
          expect(['idle', 'ended', ...(w.entered.has(who) ? ['inCall'] : [])], trace).toContain(s.phase);
          // The client is still connected to a server that says nothing: timed out, never lost.
          if (s.phase === 'ended') expect(s.endReason, trace).not.toBe('connectionLost');
        }
      }),
      { numRuns: Number(process.env.CALL_RACE_RUNS ?? 5000) / 10 },
    );
  }, 120_000);
});
