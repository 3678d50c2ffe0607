import { type SignalingClient, SignalingError } from '@beckon/signaling';
import fc from 'fast-check';
import { modifiedData, type Op } from './model.js';
import type { Runner } from './property.js';

/** Six devices: every user has one, users 0 and 1 have a second one. */
export const DEVICE_USERS = [0, 1, 2, 3, 0, 1] as const;

export type Step =
  | { readonly type: 'ops'; readonly ops: ReadonlyArray<{ readonly device: number; readonly op: Op }> }
  | { readonly type: 'advance'; readonly ms: number }
  | { readonly type: 'offline'; readonly device: number };

/** Random plans: bursts of commands from the six devices, time passing, devices going away. */
export function steps(runner: Pick<Runner, 'time' | 'offline' | 'maxSteps'>): fc.Arbitrary<Step[]> {
  const userIndex = fc.integer({ min: 0, max: 3 });
  // More ids than a run usually creates: some commands name an invitation that never existed.
  const idArb = fc.integer({ min: 1, max: 6 });
  const timeouts = runner.time === 'manual' ? [0, 1, 3, 5] : [0, 30];
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('invite' as const),
        group: fc.boolean(),
        invitees: fc.uniqueArray(userIndex, { minLength: 1, maxLength: 3 }),
        timeout: fc.constantFrom(...timeouts),
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
        invitees: fc.uniqueArray(userIndex, { minLength: 1, maxLength: 2 }),
      }),
    },
  );
  const deviceArb = fc.integer({ min: 0, max: DEVICE_USERS.length - 1 });
  const kinds: Array<fc.WeightedArbitrary<Step>> = [
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constant('ops' as const),
        ops: fc.array(fc.record({ device: deviceArb, op: opArb }), { minLength: 1, maxLength: 3 }),
      }),
    },
  ];
  if (runner.time === 'manual')
    kinds.push({
      weight: 2,
      arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 4000 }) }),
    });
  if (runner.offline !== 'none')
    kinds.push({
      weight: 1,
      arbitrary: fc.record({ type: fc.constant('offline' as const), device: deviceArb }),
    });
  return fc.array(fc.oneof(...kinds), { minLength: 1, maxLength: runner.maxSteps });
}

/** Sends one command through the client's public API; resolves with its error code (0: done). */
export async function send(
  client: SignalingClient,
  op: Op,
  id: string,
  users: readonly string[],
  groupID: string,
) {
  try {
    if (op.kind === 'invite') {
      const opts = { timeout: op.timeout, onlineUserOnly: op.onlineUserOnly };
      const list = op.invitees.map((i) => users[i] ?? '');
      const created = op.group
        ? await client.inviteInGroup(groupID, list, 'd', opts)
        : await client.invite(list[0] ?? '', 'd', opts);
      return { code: 0, id: created };
    }
    if (op.kind === 'add')
      await client.addInvitees(
        id,
        op.invitees.map((i) => users[i] ?? ''),
      );
    else if (op.kind === 'modify') await client.modify(id, modifiedData(client.userID ?? ''));
    else await client[op.kind](id, '');
    return { code: 0, id };
  } catch (e) {
    if (e instanceof SignalingError) return { code: e.code as number, id };
    throw e;
  }
}
