/**
 * A group call among three to five people (one of them on two devices) over the in-memory hub,
 * with every request, reply and event held in flight and let through in an order fast-check
 * picks, the arbiter's clock moved at random, and a media room that reports who is there.
 * Whatever the order of the others' answers, leaves and joins, the call ends for every side;
 * nobody's participant list ever contains themselves; no invitation (leave notices included)
 * stays active. And if the server goes silent at any point, the watchdog still ends every call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallType } from '../callData.js';
import { SignalingClient } from '../client.js';
import { ManualClock } from '../clock.js';
import { BeckonError } from '../errors.js';
import { InMemoryHub } from '../hub.js';
import { Network } from '../test/delayedTransport.js';
import { createGroupCallStore, GroupCallController } from './groupController.js';
import type { GroupCallState } from './groupState.js';

const T0 = 1_700_000_000_000;
const RING_SECONDS = 30;
const CONNECT_SECONDS = 30;
const GRACE = 5_000;
const LEAVE_GRACE = 2_000;
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;

type Op =
  | { readonly kind: 'deliver'; readonly pick: number }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'accept' | 'decline' | 'busy' | 'hangUp' | 'crash' | 'join'; readonly who: number }
  | { readonly kind: 'invite'; readonly who: number; readonly whom: number };

const who = fc.nat(5);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(11) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.constantFrom(1_000, 3_000, 30_000),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('accept' as const), who }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('decline' as const, 'busy' as const, 'hangUp' as const),
      who,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('crash' as const, 'join' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('invite' as const), who, whom: fc.nat(4) }) },
);

const scenario = fc.record({
  /** How many people alice rings at first (more may be added). */
  invitees: fc.integer({ min: 2, max: 4 }),
  group: fc.boolean(),
  /** Bob on a second device. */
  secondDevice: fc.boolean(),
  /** Everyone rings before the operations start (else the start races them too). */
  ringFirst: fc.boolean(),
  ops: fc.array(op, { maxLength: 40 }),
  /** Whoever still rings after the operations accepts (else declines). */
  acceptLate: fc.boolean(),
  drain: fc.array(fc.nat(11), { maxLength: 30 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

async function ticks(): Promise<void> {
  for (let i = 0; i < 12; i++) await Promise.resolve();
}

const live = (s: GroupCallState) => s.phase === 'connecting' || s.phase === 'inCall';

interface Party {
  readonly name: string;
  readonly userID: string;
  readonly group: GroupCallController;
  /** Every participant list this party ever held contained only others. */
  selfListed: boolean;
  rang: boolean;
}

function world(sc: Scenario) {
  const clock = new ManualClock(T0);
  let n = 0;
  const hub = new InMemoryHub({ clock, generateId: () => `inv-${++n}` });
  hub.setGroup('team', USERS);
  const network = new Network();
  const failures: unknown[] = [];
  const parties: Party[] = [];
  const party = (userID: string, name = userID) => {
    const client = new SignalingClient({ transport: network.wrap(hub.connect(userID, name)), clock });
    const store = createGroupCallStore();
    const group = new GroupCallController(client, {
      store,
      ringTimeoutSeconds: RING_SECONDS,
      connectTimeoutSeconds: CONNECT_SECONDS,
      watchdogGraceMs: GRACE,
      remoteLeaveGraceMs: LEAVE_GRACE,
      maxParticipants: 6,
    });
    const p: Party = { name, userID, group, selfListed: false, rang: false };
    store.subscribe((s) => {
      if (s.participants.some((q) => q.userID === userID)) p.selfListed = true;
      if (s.phase !== 'idle') p.rang = true;
    });
    group.listen();
    client.connect();
    parties.push(p);
    return p;
  };
  const everyone = USERS.slice(0, sc.invitees + 1).map((u) => party(u));
  if (sc.secondDevice) party('bob', 'bob2');
  // Refusals (an action at the wrong time, the limit) are typed; anything else is a failure.
  const act = (p: Promise<void>) =>
    p.catch((error: unknown) => {
      if (!(error instanceof BeckonError)) failures.push(error);
    });
  /** The media room: who is live in a room sees the others live there enter, and leave. */
  const seen = new Map<Party, Set<string>>();
  const crashed = new Set<Party>();
  const media = () => {
    for (const p of parties) {
      const s = p.group.state;
      const mine = seen.get(p) ?? new Set<string>();
      seen.set(p, mine);
      if (!live(s)) {
        mine.clear();
        continue;
      }
      const there = new Set(
        parties
          .filter((q) => q.userID !== p.userID && !crashed.has(q) && live(q.group.state))
          .filter((q) => q.group.state.roomID === s.roomID)
          .map((q) => q.userID),
      );
      for (const u of there) if (!mine.has(u)) p.group.remoteEntered(u);
      for (const u of mine) if (!there.has(u)) p.group.remoteLeft(u);
      seen.set(p, there);
    }
  };
  const settle = async (order: readonly number[] = []) => {
    let i = 0;
    await ticks();
    media();
    while (network.deliver(order[i++] ?? 0)) {
      await ticks();
      media();
    }
    await ticks();
    media();
  };
  return { clock, hub, network, parties, everyone, failures, act, media, settle, crashed };
}

type World = ReturnType<typeof world>;

async function drive(w: World, sc: Scenario, withMedia: boolean) {
  const [alice, ...others] = w.everyone;
  if (!alice) return;
  w.act(
    alice.group.start(
      others.map((p) => p.userID),
      { callType: CallType.AUDIO, roomID: 'room-1', ...(sc.group ? { groupID: 'team' } : {}) },
    ),
  );
  if (sc.ringFirst) await w.settle();
  for (const o of sc.ops) {
    if (o.kind === 'deliver') w.network.deliver(o.pick);
    else if (o.kind === 'advance') w.clock.advance(o.ms);
    else {
      const p = w.parties[o.who % w.parties.length];
      if (p === undefined) continue;
      if (o.kind === 'busy') w.act(p.group.decline({ busy: true }));
      else if (o.kind === 'join') {
        // Back into the last call (after a decline, a timeout or a leave) while it may last.
        if (p.group.state.phase === 'ended') w.act(p.group.join());
      } else if (o.kind === 'invite') w.act(p.group.invite([USERS[o.whom % USERS.length] ?? 'bob']));
      else if (o.kind === 'crash') {
        // Its media goes away (the others see it leave); its own signaling carries on.
        if (withMedia) w.crashed.add(p);
      } else w.act(p.group[o.kind]());
    }
    await ticks();
    if (withMedia) w.media();
  }
}

function trace(w: World): string {
  return w.parties
    .map((p) => {
      const s = p.group.state;
      const list = s.participants.map((q) => `${q.userID}:${q.state}`).join(',');
      return `${p.name}: ${s.phase}/${s.endReason ?? '-'} [${list}]`;
    })
    .join('; ');
}

describe('group call races over the hub (property)', () => {
  it('whatever the order of answers and leaves, the call ends for every side, listing only others', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const w = world(sc);
        await drive(w, sc, true);
        await w.settle(sc.drain);
        if (sc.acceptLate) {
          for (const p of w.parties) if (p.group.state.phase === 'ringing') w.act(p.group.accept());
          await w.settle();
        }
        // Everyone still in the call but one hangs up, one after the other: the last one's call
        // ends by itself (everyone left); whoever still rings declines. Then every window passes.
        const staying = w.parties.filter((p) => live(p.group.state)).at(-1);
        const alone = staying?.group.state.phase;
        for (const p of w.parties) {
          const { phase } = p.group.state;
          if (p !== staying && phase !== 'ended' && phase !== 'idle') w.act(p.group.hangUp());
          await w.settle();
        }
        w.clock.advance((RING_SECONDS + CONNECT_SECONDS) * 1000 + GRACE + LEAVE_GRACE);
        await w.settle();
        w.clock.advance((RING_SECONDS + CONNECT_SECONDS) * 1000 + GRACE + LEAVE_GRACE);
        await w.settle();
        const t = trace(w);
        expect(w.failures, t).toEqual([]);
        // Alone in the call, it ended when the others had left and the rest were no longer rung
        // (or, never having seen anyone's media, at its connect timeout).
        if (staying !== undefined)
          expect(alone === 'connecting' ? ['everyoneLeft', 'timedOut'] : ['everyoneLeft'], t).toContain(
            staying.group.state.endReason,
          );
        for (const p of w.parties) {
          expect(p.selfListed, `${p.name} listed itself: ${t}`).toBe(false);
          expect(p.group.state.phase, `${p.name}: ${t}`).toBe(p.rang ? 'ended' : 'idle');
        }
        // Every invitation ended, the leave notices too (each cancelled right after it was placed).
        expect([...w.hub.state.invitations.values()], t).toEqual([]);
      }),
      { numRuns: Number(process.env.GROUP_RACE_RUNS ?? 400) },
    );
  }, 120_000);

  it('a server gone silent at any point: every group call still ends (the watchdog)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const w = world(sc);
        await drive(w, sc, false);
        // From here on nothing reaches anyone; nobody's media ever came (no one is in a call).
        w.clock.advance(Math.max(RING_SECONDS, CONNECT_SECONDS) * 1000 + GRACE);
        await ticks();
        const t = trace(w);
        for (const p of w.parties) {
          expect(p.selfListed, t).toBe(false);
          expect(['idle', 'ended'], `${p.name}: ${t}`).toContain(p.group.state.phase);
        }
      }),
      { numRuns: Number(process.env.GROUP_RACE_RUNS ?? 400) },
    );
  }, 120_000);
});
