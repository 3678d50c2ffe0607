import { ManualClock, SignalingClient } from '@beckon/signaling';
import { type HubTransport, InMemoryHub } from '@beckon/signaling/hub';
import { describe, it } from 'vitest';
import { BECKON_RULES } from './model.js';
import { checkAgainstModel, DEVICE_USERS, type Plan, type Runner, runPlan } from './property.js';

/** The in-memory hub: one arbiter in this process, exact offline and online, bursts of requests. */
const hub: Runner = {
  name: 'the in-memory hub',
  rules: BECKON_RULES,
  time: 'manual',
  offline: 'toggle',
  bursts: true,
  settleMs: 1000,
  runs: 600,
  maxSteps: 30,
  async open(run) {
    const clock = new ManualClock(0);
    const arbiter = new InMemoryHub({ clock });
    const users = [0, 1, 2, 3].map((i) => `r${run}-u${i}`);
    const groupID = `r${run}-g`;
    arbiter.setGroup(groupID, users);
    const transports: HubTransport[] = [];
    const devices = DEVICE_USERS.map((u) => {
      const transport = arbiter.connect(users[u] ?? '');
      transports.push(transport);
      return { client: new SignalingClient({ transport, clock }) };
    });
    return {
      users,
      groupID,
      devices,
      async connect() {
        for (const d of devices) d.client.connect();
      },
      advance: (ms) => clock.advance(ms),
      now: () => clock.now(),
      drop: (i) => transports[i]?.drop(),
      restore: (i) => transports[i]?.restore(),
      async close() {
        for (const d of devices) d.client.close();
        arbiter.close();
      },
    };
  },
};

/**
 * Plans the property once failed on (fast-check's shrunk counterexamples), replayed on every run.
 * Devices 0-3 are users 0-3, devices 4 and 5 the second devices of users 0 and 1.
 */
const REGRESSIONS: ReadonlyArray<{ readonly name: string; readonly plan: Plan }> = [
  {
    // The model kept an answer's invitee unreached: the rules mark it delivered (rules/reduce.ts).
    name: 'an invitee answers an onlineUserOnly invitation its device was away for (seed 1)',
    plan: [
      { type: 'offline', device: 2 },
      {
        type: 'ops',
        ops: [
          {
            device: 1,
            op: { kind: 'invite', group: true, invitees: [2, 0], timeout: 0, onlineUserOnly: true },
          },
        ],
      },
      { type: 'offline', device: 2 },
      { type: 'ops', ops: [{ device: 2, op: { kind: 'accept', id: 1 } }] },
      { type: 'ops', ops: [{ device: 0, op: { kind: 'accept', id: 1 } }] },
    ],
  },
  {
    // The hub told a returning device only the ending events, which it applied to its record from
    // before an addInvitees: it heard the invitation end without the added invitee.
    name: 'addInvitees while an invitee is away, then a cancel (seed 2)',
    plan: [
      {
        type: 'ops',
        ops: [
          {
            device: 3,
            op: { kind: 'invite', group: false, invitees: [1], timeout: 0, onlineUserOnly: false },
          },
        ],
      },
      { type: 'offline', device: 1 },
      { type: 'ops', ops: [{ device: 3, op: { kind: 'add', id: 1, invitees: [0] } }] },
      { type: 'ops', ops: [{ device: 3, op: { kind: 'cancel', id: 1 } }] },
    ],
  },
  {
    name: "addInvitees while the inviter's second device is away, then the answers (seed 3)",
    plan: [
      {
        type: 'ops',
        ops: [
          {
            device: 1,
            op: { kind: 'invite', group: false, invitees: [2], timeout: 0, onlineUserOnly: false },
          },
        ],
      },
      { type: 'offline', device: 5 },
      { type: 'ops', ops: [{ device: 1, op: { kind: 'add', id: 1, invitees: [0] } }] },
      { type: 'ops', ops: [{ device: 0, op: { kind: 'accept', id: 1 } }] },
      { type: 'ops', ops: [{ device: 2, op: { kind: 'accept', id: 1 } }] },
    ],
  },
  {
    name: 'addInvitees while an invitee is away, then a timeout',
    plan: [
      {
        type: 'ops',
        ops: [
          {
            device: 3,
            op: { kind: 'invite', group: false, invitees: [1], timeout: 1, onlineUserOnly: false },
          },
        ],
      },
      { type: 'offline', device: 1 },
      { type: 'ops', ops: [{ device: 3, op: { kind: 'add', id: 1, invitees: [0] } }] },
      { type: 'advance', ms: 1000 },
    ],
  },
];

describe('the reference model (test/model) against the in-memory hub', () => {
  it.each(REGRESSIONS)('regression: $name', ({ plan }) =>
    runPlan(hub, plan, 0, { onlineOnlyAfterReconnect: 'strict' }),
  );

  it(
    'random operations from six devices of four users',
    () =>
      // The hub sends a snapshot on every return, so even what a device that was away still shows of an
      // onlineUserOnly invitation must be right.
      checkAgainstModel(hub, { onlineOnlyAfterReconnect: 'strict' }),
    120_000,
  );
});
