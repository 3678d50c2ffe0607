import { afterEach, describe, expect, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { closeGroupCalls } from './groupCallScenario.js';
import {
  backInsideGrace,
  inviterGoneWhileRinging,
  vanishedMidCall,
  type WatchWorld,
} from './groupWatchScenario.js';
import { startServer } from './helpers.js';

// Group calls always end on the server too (memory store): see groupWatchScenario.ts.

const GRACE_MS = 500;
let server: BeckonServer | undefined;
afterEach(async () => {
  await closeGroupCalls();
  await server?.close();
  server = undefined;
});

async function oneServer(): Promise<{ s: BeckonServer; world: WatchWorld }> {
  const s = await startServer({ callGraceMs: GRACE_MS });
  server = s;
  return {
    s,
    world: {
      at: () => s,
      http: s,
      id: (name) => name,
      graceMs: GRACE_MS,
      roomOpen: async (roomID) => (await s.store.groupRoom(roomID)) !== undefined,
      cut: (userID) => s.terminate(userID),
    },
  };
}

describe('a group call participant gone past the grace (memory store)', () => {
  it.each([{ withGroup: false }, { withGroup: true }])(
    'leaves in the server notice: the others see them left, history has the duration, the room closes with the last (group: $withGroup)',
    async ({ withGroup }) => {
      const { s, world } = await oneServer();
      await vanishedMidCall(world, withGroup);
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      expect(metrics).toContain('beckon_calls_ended_by_server_total{outcome="group_peer_left"} 3');
    },
    30_000,
  );

  it('an inviter gone while the call rings leaves once someone accepts, a grace later', async () => {
    const { world } = await oneServer();
    await inviterGoneWhileRinging(world);
  }, 30_000);

  it('a participant back inside the grace stays in the call', async () => {
    const { world } = await oneServer();
    await backInsideGrace(world);
  }, 30_000);
});
