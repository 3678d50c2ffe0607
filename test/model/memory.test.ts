import { type BeckonServer, MemoryStore } from '@beckon/server';
import { ManualClock } from '@beckon/signaling';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { BECKON_RULES } from './model.js';
import { checkAgainstModel, type Plan, type Runner, runPlan } from './property.js';
import { serverWorld, startServers } from './serverWorld.js';

describe('the reference model (test/model) against the server on the memory store', () => {
  // The store's deadlines run on this clock; the sockets and heartbeats on real time.
  const clock = new ManualClock(1_000_000);
  let servers: BeckonServer[] = [];
  beforeAll(async () => {
    servers = await startServers([new MemoryStore({ clock })]);
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  const runner: Runner = {
    name: 'the server on the memory store',
    rules: BECKON_RULES,
    time: 'manual',
    offline: 'move',
    bursts: false,
    settleMs: 10_000,
    runs: 80,
    maxSteps: 16,
    open: (run) => serverWorld(servers, run, clock),
  };

  it('random operations from six devices over WebSockets', () => checkAgainstModel(runner), 180_000);

  // KNOWN DIVERGENCE (expected to fail until fixed; remove `.fails` then). u0 invites u2 with
  // onlineUserOnly, u0's device loses its socket, u2 accepts while it is away: the device resumes
  // by sequence, the accept (an onlineUserOnly event, never logged) is not replayed, and the
  // device goes on showing the invitation as ringing, for ever when its timeout is 0. The hub,
  // which sends a snapshot on every return, drops it instead. Found by the property test above in
  // 'strict' mode (seed -1455212803).
  const staleAfterResume: Plan = [
    {
      type: 'ops',
      ops: [
        { device: 0, op: { kind: 'invite', group: false, invitees: [2], timeout: 0, onlineUserOnly: true } },
      ],
    },
    { type: 'offline', device: 0 },
    { type: 'ops', ops: [{ device: 2, op: { kind: 'accept', id: 1 } }] },
  ];
  it.fails('known divergence: a resumed device keeps an onlineUserOnly invitation that ended while it was away', () =>
    runPlan({ ...runner, settleMs: 2000 }, staleAfterResume, 0, { onlineOnlyAfterReconnect: 'strict' }));
});
