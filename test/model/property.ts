import {
  ErrorCode,
  type InvitationRecord,
  type SignalingClient,
  type SignalingClientEventName,
} from '@beckon/signaling';
import fc from 'fast-check';
import { expect } from 'vitest';
import { RECORDED } from '../../packages/server/test/helpers.js';
import { type ExpectedRecord, Model, type ModelOptions, type Presence } from './model.js';
import { DEVICE_USERS, type Step, send, steps } from './steps.js';

export { DEVICE_USERS };

/**
 * The one random-operation property test, run against every runner. It drives the runner only
 * through `SignalingClient` (and the runner's clock and network controls) and compares what each
 * device shows with the reference model.
 */

export interface RunnerDevice {
  readonly client: SignalingClient;
}

/** One fresh set of four users (all members of one group) and their six devices, not yet connected. */
export interface World {
  readonly users: readonly string[];
  readonly groupID: string;
  /** In the order of {@link DEVICE_USERS}. */
  readonly devices: readonly RunnerDevice[];
  /** Connects every device and resolves once all are connected. */
  connect(): Promise<void>;
  /** Moves the clock every component of the runner reads (runners with `time: 'manual'`). */
  advance?(ms: number): void;
  now?(): number;
  /** 'toggle': takes a device offline until `restore`; 'move': cuts its socket, it reconnects by itself. */
  drop?(device: number): void;
  restore?(device: number): void;
  /** Checks of this runner's own (sequence numbers on a socket...) at the end of a run. */
  finish?(): void;
  close(): Promise<void>;
}

export interface Runner {
  readonly name: string;
  /** The model's switches for this runner. */
  readonly rules: ModelOptions;
  /** 'manual': the test moves a clock; 'none': time does not pass (timeouts are 0 or 30 s). */
  readonly time: 'manual' | 'none';
  /** How a device goes away: see {@link World.drop}. */
  readonly offline: 'toggle' | 'move' | 'none';
  /** Requests from several devices in flight at once (the runner orders them deterministically). */
  readonly bursts: boolean;
  /** How long the devices get to agree with the model after a step. */
  readonly settleMs: number;
  /** Default number of runs; BECKON_MODEL_RUNS overrides it for every runner (BECKON_MODEL_SEED sets the seed). */
  readonly runs: number;
  /** Steps per run at most. */
  readonly maxSteps: number;
  open(run: number): Promise<World>;
}

interface Seen {
  readonly name: SignalingClientEventName;
  readonly record: InvitationRecord;
  readonly invitee?: string;
  readonly inviteeList?: readonly string[];
}

/** What a client shows of a record, in the model's terms. */
function shown(record: InvitationRecord, expected: ExpectedRecord | undefined, rules: ModelOptions) {
  return {
    inviteID: record.inviteID,
    inviter: record.inviter,
    groupID: record.groupID,
    data: record.data,
    ...(rules.onlineUserOnlyShown ? { onlineUserOnly: record.onlineUserOnly } : {}),
    states: Object.fromEntries(record.invitees.map((i) => [i.userID, i.state])),
    ...(expected?.reached === undefined
      ? {}
      : {
          // Where the model cannot say whether an invitee was reached, the client's mark is taken.
          reached: Object.fromEntries(
            record.invitees.map((i) => {
              const want = expected.reached?.[i.userID];
              return [i.userID, want === 'maybe' ? 'maybe' : i.delivered ? 'yes' : 'no'];
            }),
          ),
        }),
  };
}

const NO_SUCH_INVITATION = 'no-such-invitation';
const NOT_CONNECTED: number = ErrorCode.NOT_CONNECTED;

const byId = (a: { inviteID: string }, b: { inviteID: string }) => a.inviteID.localeCompare(b.inviteID);

export interface CheckOptions {
  /**
   * 'lenient' (default): a device that was away is not held to the onlineUserOnly invitations it
   * may have missed events of. 'strict' also holds it to those it still shows: the hub (a
   * snapshot on every return) and the servers (a resume replays an onlineUserOnly invitation's
   * events to the users who held it, `isLoggedFor`) both must pass it. Lenient is for runners
   * that lose such events for good.
   */
  readonly onlineOnlyAfterReconnect?: 'lenient' | 'strict';
}

export type Plan = Step[];

/** Runs the property against one runner; call it inside an `it`. */
export async function checkAgainstModel(runner: Runner, options: CheckOptions = {}): Promise<void> {
  const runs = Number(process.env.BECKON_MODEL_RUNS ?? runner.runs);
  let run = 0;
  // BECKON_MODEL_SEED (and BECKON_MODEL_PATH) replay a failure fast-check reported.
  const seed = process.env.BECKON_MODEL_SEED;
  const path = process.env.BECKON_MODEL_PATH;
  await fc.assert(
    fc.asyncProperty(steps(runner), (plan) => runPlan(runner, plan, ++run, options)),
    {
      numRuns: runs,
      ...(seed === undefined ? {} : { seed: Number(seed) }),
      ...(path === undefined ? {} : { path }),
    },
  );
}

/** One run of the property: a fresh world, the steps, the checks. */
export async function runPlan(
  runner: Runner,
  plan: Plan,
  run: number,
  options: CheckOptions = {},
): Promise<void> {
  const strict = options.onlineOnlyAfterReconnect === 'strict';
  const world = await runner.open(run);
  const { users, groupID, devices } = world;
  const status: Presence[] = devices.map(() => 'online');
  /** onlineUserOnly invitations a device may legitimately not know (it was away). */
  const mayMiss = devices.map(() => new Set<string>());
  const presence = (user: string): Presence => {
    const mine = status.filter((_, d) => users[DEVICE_USERS[d] ?? 0] === user);
    return mine.includes('online') ? 'online' : mine.includes('unsure') ? 'unsure' : 'offline';
  };
  const model = new Model(runner.rules, { groupID, members: users }, presence);
  const seen: Seen[][] = devices.map(() => []);
  /** How often each device has left 'connected': a moved device is back only once it left. */
  const leaves = devices.map(() => 0);
  const leftAt = devices.map(() => 0);
  devices.forEach((d, i) => {
    d.client.on('onConnectionChange', ({ state }) => {
      if (state !== 'connected') leaves[i] = (leaves[i] ?? 0) + 1;
    });
    for (const name of RECORDED)
      d.client.on(name, (event) => {
        const e = event as {
          invitation: InvitationRecord;
          invitee?: string;
          inviteeList?: readonly string[];
        };
        seen[i]?.push({
          name,
          record: e.invitation,
          ...(e.invitee === undefined ? {} : { invitee: e.invitee }),
          ...(e.inviteeList === undefined ? {} : { inviteeList: e.inviteeList }),
        });
      });
  });
  const created: string[] = [];
  const now = () => world.now?.() ?? 0;
  const userOf = (device: number) => users[DEVICE_USERS[device] ?? 0] ?? '';

  /** A new onlineUserOnly invitation may never reach the devices that are away. */
  const awayMayMiss = (id: string) => {
    if (!model.onlineOnly(id)) return;
    for (const [d, s] of status.entries()) if (s !== 'online') mayMiss[d]?.add(id);
  };
  const markAway = (device: number) => {
    for (const id of model.ids) if (model.onlineOnly(id)) mayMiss[device]?.add(id);
  };
  /** A moved device that is back counts as online again. */
  const noticeReturns = () => {
    devices.forEach((d, i) => {
      const back = (leaves[i] ?? 0) > (leftAt[i] ?? 0) && d.client.connectionState === 'connected';
      if (status[i] === 'unsure' && back) {
        status[i] = 'online';
        model.connected(userOf(i));
      }
    });
  };

  const compare = () => {
    noticeReturns();
    return devices.map((d, i) => {
      const user = userOf(i);
      if (status[i] !== 'online') return { device: i, user, view: [], expected: [] };
      const expected = new Map(model.view(user).map((r) => [r.inviteID, r]));
      const view = [...d.client.invitations.values()];
      const known = new Set(view.map((r) => r.inviteID));
      // An onlineUserOnly invitation sent while this device was away may be unknown to it
      // (and, leniently, what it shows of one may be stale).
      const keep = (id: string) => (strict && known.has(id)) || !mayMiss[i]?.has(id);
      return {
        device: i,
        user,
        view: view
          .filter((r) => keep(r.inviteID))
          .map((r) => shown(r, expected.get(r.inviteID), runner.rules))
          .sort(byId),
        expected: [...expected.values()].filter((r) => keep(r.inviteID)).sort(byId),
      };
    });
  };
  /** Waits (on conditions, not time) until every online device shows what the model says. */
  const settle = async () => {
    const start = Date.now();
    let last = compare();
    while (!last.every((m) => JSON.stringify(m.view) === JSON.stringify(m.expected))) {
      if (Date.now() - start > runner.settleMs) break;
      await new Promise((r) => setTimeout(r, 2));
      last = compare();
    }
    for (const m of last)
      expect({ device: m.device, user: m.user, view: m.view }).toEqual({
        device: m.device,
        user: m.user,
        view: m.expected,
      });
  };

  try {
    await world.connect();
    for (const step of plan) {
      if (step.type === 'advance') {
        world.advance?.(step.ms);
        model.advance(now());
      } else if (step.type === 'offline') {
        const i = step.device;
        if (runner.offline === 'toggle') {
          if (status[i] === 'online') {
            world.drop?.(i);
            status[i] = 'offline';
            markAway(i);
          } else {
            world.restore?.(i);
            status[i] = 'online';
            model.connected(userOf(i));
          }
        } else if (status[i] === 'online') {
          // The device reconnects by itself while the next operations go on.
          leftAt[i] = leaves[i] ?? 0;
          world.drop?.(i);
          status[i] = 'unsure';
          markAway(i);
        }
      } else if (runner.bursts) {
        // Every request is in flight before any reply comes back; the runner orders them as sent.
        const expected: number[] = [];
        const sent: Array<Promise<{ code: number; id: string }>> = [];
        /** New invitations go into the model under a stand-in id until their reply names them. */
        const standIns = new Map<number, string>();
        step.ops.forEach(({ device, op }, k) => {
          const user = userOf(device);
          const id = op.kind === 'invite' ? '' : (created[op.id - 1] ?? NO_SUCH_INVITATION);
          const code = status[device] === 'online' ? model.expect(user, op, id, users) : NOT_CONNECTED;
          expected.push(code);
          sent.push(send(devices[device]?.client as SignalingClient, op, id, users, groupID));
          if (code !== 0) return;
          const target = op.kind === 'invite' ? `stand-in-${k}` : id;
          if (op.kind === 'invite') standIns.set(k, target);
          model.apply(user, op, target, users, now());
        });
        const results = await Promise.all(sent);
        expect(results.map((r) => r.code)).toEqual(expected);
        for (const [k, standIn] of standIns) {
          const newID = results[k]?.id ?? '';
          model.rename(standIn, newID);
          created.push(newID);
          awayMayMiss(newID);
        }
      } else {
        for (const { device, op } of step.ops) {
          const user = userOf(device);
          // A moving device's own requests wait for its new session (one sent on the socket being
          // cut fails with 9001, its outcome unknown: the client's documented behaviour).
          if (status[device] === 'unsure')
            await waitFor(() => {
              noticeReturns();
              return status[device] === 'online';
            }, runner.settleMs);
          const id = op.kind === 'invite' ? '' : (created[op.id - 1] ?? NO_SUCH_INVITATION);
          const code = status[device] === 'online' ? model.expect(user, op, id, users) : NOT_CONNECTED;
          const result = await send(devices[device]?.client as SignalingClient, op, id, users, groupID);
          expect({ op, user, code: result.code }).toEqual({ op, user, code });
          if (code === 0) {
            model.apply(user, op, result.id, users, now());
            if (op.kind === 'invite') {
              created.push(result.id);
              awayMayMiss(result.id);
            }
          }
          // Without a shared arbiter a client judges the next command from its own view, so
          // everyone has to have heard of this one first.
          if (runner.rules.arbitration === 'local') await settle();
        }
      }
      await settle();
    }
    // Every device comes back before the run ends, and then agrees with the model.
    for (const [i, s] of status.entries()) {
      if (s === 'offline') {
        world.restore?.(i);
        status[i] = 'online';
        model.connected(userOf(i));
      }
    }
    await waitFor(() => {
      noticeReturns();
      return status.every((s) => s === 'online');
    }, runner.settleMs);
    await settle();

    // Invariants over what each device heard.
    for (const [i, events] of seen.entries()) {
      // Nothing happens to an invitation after the event that ended it.
      events.forEach((e, k) => {
        if (e.record.invitees.some((x) => x.state === 'pending')) return;
        const later = events.slice(k + 1).filter((x) => x.record.inviteID === e.record.inviteID);
        expect({ device: i, after: e.name, later: later.map((x) => x.name) }).toEqual({
          device: i,
          after: e.name,
          later: [],
        });
      });
      // Cancel and accept never both succeed for the same invitee.
      const accepted = new Set(
        events.filter((e) => e.name === 'onInviteeAccepted').map((e) => `${e.record.inviteID}/${e.invitee}`),
      );
      for (const c of events.filter((e) => e.name === 'onInvitationCancelled'))
        for (const u of c.inviteeList ?? []) expect(accepted.has(`${c.record.inviteID}/${u}`)).toBe(false);
      // Delivery receipts reach the inviter's devices only, and only where the runner has them.
      const receipts = events.filter((e) => e.name === 'onInvitationDelivered');
      if (!runner.rules.deliveryReceipts) expect(receipts).toEqual([]);
      for (const r of receipts) expect(r.record.inviter).toBe(userOf(i));
    }
    // A device that heard an invitation end heard the outcome the model has.
    for (const [i, events] of seen.entries()) {
      const last = new Map<string, InvitationRecord>();
      for (const e of events) last.set(e.record.inviteID, e.record);
      for (const [id, record] of last) {
        if (record.invitees.some((x) => x.state === 'pending')) continue;
        const states = Object.fromEntries(record.invitees.map((x) => [x.userID, x.state]));
        expect({ device: i, id, states }).toEqual({ device: i, id, states: model.states(id) });
      }
    }
    world.finish?.();
  } finally {
    await world.close();
  }
}

/** Polls a condition; throws after `ms`. */
export async function waitFor(check: () => boolean, ms: number, what = 'a condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
