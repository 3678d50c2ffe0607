import { afterEach, describe, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import {
  closeGroupCalls,
  type GroupWorld,
  groupCallBusyBothWays,
  groupCallFull,
  groupCallLifecycle,
} from './groupCallScenario.js';
import { startServer } from './helpers.js';

// Issue 21 over real sockets on one server (memory store): see groupCallScenario.ts. The Redis
// suite runs the same scenarios with the people spread over two processes.

let server: BeckonServer | undefined;
afterEach(async () => {
  await closeGroupCalls();
  await server?.close();
  server = undefined;
});

async function oneServer(): Promise<GroupWorld> {
  const s = await startServer();
  server = s;
  return { at: () => s, http: s, id: (name) => name };
}

describe.each([
  { invitees: 3, withGroup: false },
  { invitees: 3, withGroup: true },
  { invitees: 5, withGroup: false },
  { invitees: 5, withGroup: true },
])('a group call to $invitees people (group: $withGroup) over sockets', ({ invitees, withGroup }) => {
  it('partial accepts, a busy decline, timeouts per invitee, an add, a leave and the last two ending it', async () => {
    await groupCallLifecycle(await oneServer(), invitees, withGroup);
  }, 60_000);
});

describe('group calls and one-to-one calls over sockets', () => {
  it('busy both ways: a group call during a one-to-one call, a one-to-one call during a group call', async () => {
    await groupCallBusyBothWays(await oneServer());
  }, 60_000);

  it('refuses a call past maxParticipants with a typed error (BeckonError group-call-full)', async () => {
    await groupCallFull(await oneServer());
  });
});
