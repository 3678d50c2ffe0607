import { ManualClock, SignalingClient } from '@beckon/signaling';
import { type HubTransport, InMemoryHub } from '@beckon/signaling/hub';
import { describe, it } from 'vitest';
import { BECKON_RULES } from './model.js';
import { checkAgainstModel, DEVICE_USERS, type Runner } from './property.js';

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

describe('the reference model (test/model) against the in-memory hub', () => {
  it(
    'random operations from six devices of four users',
    () =>
      // The hub sends a snapshot on every return, so even what a device that was away still shows of an
      // onlineUserOnly invitation must be right.
      checkAgainstModel(hub, { onlineOnlyAfterReconnect: 'strict' }),
    120_000,
  );
});
