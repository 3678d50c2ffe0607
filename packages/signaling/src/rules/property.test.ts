import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SignalingClient } from '../client.js';
import { ErrorCode, SignalingError } from '../errors.js';
import { createTestHub, type TestDevice } from '../test/harness.js';
import type { InvitationRecord, InviteeState } from './types.js';

/**
 * A deliberately small reference model of the rules, written independently of transition.ts:
 * invitations with per-invitee states and deadlines, nothing else.
 */
interface ModelInvitation {
  readonly inviter: string;
  readonly oneToOne: boolean;
  readonly timeout: number;
  readonly invitees: Map<string, { state: InviteeState; deadline: number }>;
}

/** `invite` is one-to-one: the client sends only the first invitee. */
function inviteesOf(op: Extract<Op, { kind: 'invite' }>): string[] {
  return op.group === '' ? op.invitees.slice(0, 1) : op.invitees;
}

class Model {
  readonly invitations = new Map<string, ModelInvitation>();

  active(id: string): ModelInvitation | undefined {
    const inv = this.invitations.get(id);
    return inv && [...inv.invitees.values()].some((i) => i.state === 'pending') ? inv : undefined;
  }

  /** Expected error code of a command, or 0 for success. */
  expect(actor: string, op: Op): number {
    if (op.kind === 'invite') {
      if (inviteesOf(op).includes(actor)) return ErrorCode.INVALID_PARAMETERS;
      if (op.group === '' && op.timeout > 0) {
        const callee = op.invitees[0];
        for (const [id, inv] of this.invitations) {
          const only = inv.invitees.size === 1 ? inv.invitees.get(actor) : undefined;
          if (
            this.active(id) &&
            inv.oneToOne &&
            inv.timeout > 0 &&
            inv.inviter === callee &&
            only?.state === 'pending'
          ) {
            return ErrorCode.ALREADY_EXISTS;
          }
        }
      }
      return 0;
    }
    const inv = this.active(op.id);
    if (!inv) return ErrorCode.INVITATION_INVALID;
    if (op.kind === 'cancel' || op.kind === 'modify' || op.kind === 'add') {
      if (actor !== inv.inviter) return ErrorCode.NO_PERMISSION;
      if (op.kind === 'add' && op.invitees.every((u) => inv.invitees.has(u) || u === inv.inviter)) {
        return ErrorCode.INVALID_PARAMETERS;
      }
      return 0;
    }
    const me = inv.invitees.get(actor);
    if (!me) return ErrorCode.NO_PERMISSION;
    return me.state === 'pending' ? 0 : ErrorCode.INVITATION_INVALID;
  }

  apply(actor: string, op: Op, now: number, newID: string): void {
    if (op.kind === 'invite') {
      const deadline = op.timeout > 0 ? now + op.timeout * 1000 : 0;
      this.invitations.set(newID, {
        inviter: actor,
        oneToOne: op.group === '',
        timeout: op.timeout,
        invitees: new Map(inviteesOf(op).map((u) => [u, { state: 'pending' as const, deadline }])),
      });
      return;
    }
    const inv = this.invitations.get(op.id);
    if (!inv) return;
    if (op.kind === 'cancel')
      for (const i of inv.invitees.values()) if (i.state === 'pending') i.state = 'cancelled';
    if (op.kind === 'accept' || op.kind === 'reject') {
      const me = inv.invitees.get(actor);
      if (me) me.state = op.kind === 'accept' ? 'accepted' : 'rejected';
    }
    if (op.kind === 'add') {
      const deadline = inv.timeout > 0 ? now + inv.timeout * 1000 : 0;
      for (const u of op.invitees) {
        if (!inv.invitees.has(u) && u !== inv.inviter) inv.invitees.set(u, { state: 'pending', deadline });
      }
    }
  }

  advance(now: number): void {
    for (const inv of this.invitations.values()) {
      for (const i of inv.invitees.values())
        if (i.state === 'pending' && i.deadline > 0 && i.deadline <= now) i.state = 'timeout';
    }
  }
}

const USERS = ['u0', 'u1', 'u2', 'u3'] as const;
const GROUP = 'g';

type Op =
  | { kind: 'invite'; group: string; invitees: string[]; timeout: number; onlineUserOnly: boolean }
  | { kind: 'cancel' | 'accept' | 'reject' | 'modify'; id: string }
  | { kind: 'add'; id: string; invitees: string[] };

type Step =
  | { type: 'ops'; ops: Array<{ device: number; op: Op }> }
  | { type: 'advance'; ms: number }
  | { type: 'toggle'; device: number };

const user = fc.constantFrom(...USERS);
const idArb = fc.integer({ min: 1, max: 6 }).map((n) => `inv-${n}`);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('invite' as const),
      group: fc.constantFrom('', GROUP),
      invitees: fc.uniqueArray(user, { minLength: 1, maxLength: 3 }),
      timeout: fc.constantFrom(0, 1, 3, 5),
      onlineUserOnly: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constantFrom('accept' as const, 'reject' as const), id: idArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('cancel' as const, 'modify' as const), id: idArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      id: idArb,
      invitees: fc.uniqueArray(user, { minLength: 1, maxLength: 2 }),
    }),
  },
);
// Six devices: every user has one, u0 and u1 have a second one.
const DEVICE_USERS = ['u0', 'u1', 'u2', 'u3', 'u0', 'u1'];
const deviceArb = fc.integer({ min: 0, max: DEVICE_USERS.length - 1 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('ops' as const),
      ops: fc.array(fc.record({ device: deviceArb, op: opArb }), { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 4000 }) }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('toggle' as const), device: deviceArb }) },
);

function normalize(record: InvitationRecord, viewer: string) {
  // Delivery receipts go to the inviter only; other viewers keep the marks they were sent.
  return viewer === record.inviter
    ? record
    : { ...record, invitees: record.invitees.map((i) => ({ ...i, delivered: false })) };
}

async function send(client: SignalingClient, actor: string, op: Op): Promise<number> {
  try {
    if (op.kind === 'invite') {
      const opts = { timeout: op.timeout, onlineUserOnly: op.onlineUserOnly };
      if (op.group === '') await client.invite(op.invitees[0] ?? actor, 'd', opts);
      else await client.inviteInGroup(op.group, op.invitees, 'd', opts);
    } else if (op.kind === 'add') await client.addInvitees(op.id, op.invitees);
    else if (op.kind === 'modify') await client.modify(op.id, `m-${actor}`);
    else await client[op.kind](op.id, '');
    return 0;
  } catch (e) {
    if (e instanceof SignalingError) return e.code;
    throw e;
  }
}

describe('rules against a reference model (fast-check)', () => {
  const runs = Number(process.env.BECKON_PROPERTY_RUNS ?? 3000);

  it(`random interleavings from several users and devices, ${runs} runs`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 30 }), async (steps) => {
        const { hub, clock, device } = createTestHub(0);
        hub.setGroup(GROUP, USERS);
        const model = new Model();
        const devices: TestDevice[] = DEVICE_USERS.map((u) => device(u));
        const online = devices.map(() => true);
        let created = 0;
        const endedAt = new Map<string, number>();
        const finalStates = new Map<string, Map<string, InviteeState>>();

        for (const step of steps) {
          if (step.type === 'advance') {
            clock.advance(step.ms);
            model.advance(clock.now());
          } else if (step.type === 'toggle') {
            const d = devices[step.device];
            if (online[step.device]) d?.transport.drop();
            else d?.transport.restore();
            online[step.device] = !online[step.device];
          } else {
            // A burst: the requests are all in flight before any reply comes back.
            const expected: number[] = [];
            const sent: Array<Promise<number>> = [];
            for (const { device: index, op } of step.ops) {
              const actor = DEVICE_USERS[index] ?? 'u0';
              const code = online[index] ? model.expect(actor, op) : ErrorCode.NOT_CONNECTED;
              // The hub draws a fresh id for every invite it receives, refused or not.
              if (online[index] && op.kind === 'invite') created++;
              if (code === 0) model.apply(actor, op, clock.now(), `inv-${created}`);
              expected.push(code);
              sent.push(send(devices[index]?.client as SignalingClient, actor, op));
            }
            expect(await Promise.all(sent)).toEqual(expected);
          }

          // The arbiter agrees with the model on every invitee of every active invitation.
          for (const [id, inv] of model.invitations) {
            const record = hub.state.invitations.get(id);
            if (!model.active(id)) {
              expect(record).toBeUndefined();
              if (!endedAt.has(id)) {
                endedAt.set(id, steps.indexOf(step));
                finalStates.set(id, new Map([...inv.invitees].map(([u, i]) => [u, i.state])));
              }
              continue;
            }
            expect(Object.fromEntries(record?.invitees.map((i) => [i.userID, i.state]) ?? [])).toEqual(
              Object.fromEntries([...inv.invitees].map(([u, i]) => [u, i.state])),
            );
          }
          // Every attached device sees exactly what the arbiter shows its user.
          devices.forEach((d, index) => {
            if (!online[index]) return;
            const u = DEVICE_USERS[index] ?? '';
            const expectedView = hub.visibleTo(u).map((r) => normalize(r, u));
            const view = [...d.client.invitations.values()].map((r) => normalize(r, u));
            const byId = (a: InvitationRecord, b: InvitationRecord) => a.inviteID.localeCompare(b.inviteID);
            // onlineUserOnly invitations made while this device was away are legitimately unknown to it.
            const known = new Set(view.map((r) => r.inviteID));
            expect(view.sort(byId)).toEqual(
              expectedView.filter((r) => !r.onlineUserOnly || known.has(r.inviteID)).sort(byId),
            );
          });
        }

        for (const [id, states] of finalStates) {
          // Each invitee ended in exactly one terminal state.
          for (const state of states.values()) expect(state).not.toBe('pending');
          // Nothing happened to the invitation after it ended.
          for (const d of devices) {
            const last = d.seen.map((s) => (s.event as { inviteID?: string }).inviteID).lastIndexOf(id);
            if (last < 0) continue;
            const after = d.seen
              .slice(last + 1)
              .some((s) => (s.event as { inviteID?: string }).inviteID === id);
            expect(after).toBe(false);
          }
        }
        // Cancel and accept never both succeed for the same invitee.
        for (const d of devices) {
          const accepted = new Set(d.events('onInviteeAccepted').map((e) => `${e.inviteID}/${e.invitee}`));
          for (const c of d.events('onInvitationCancelled')) {
            for (const u of c.inviteeList) expect(accepted.has(`${c.inviteID}/${u}`)).toBe(false);
          }
        }
        hub.close();
      }),
      { numRuns: runs },
    );
  }, 120_000);
});
