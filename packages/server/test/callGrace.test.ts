import { afterEach, describe, expect, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { peerGonePastGrace, reconnectInsideGrace } from './callGraceScenario.js';
import { startServer } from './helpers.js';

// Issue 14, item 1 on the memory store: see callGraceScenario.ts.

const GRACE_MS = 1000;
let server: BeckonServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a party of an answered call that is gone past the grace (memory store)', () => {
  it('is hung up by the server in its name, with the duration up to the loss, in both histories', async () => {
    const s = await startServer({ callGraceMs: GRACE_MS });
    server = s;
    await peerGonePastGrace({ alice: s, bob: s, http: s, graceMs: GRACE_MS });
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain('beckon_calls_ended_by_server_total{outcome="peer_left"} 1');
  });

  it("the caller gone: the callee gets the hang-up in the caller's name", async () => {
    const s = await startServer({ callGraceMs: GRACE_MS });
    server = s;
    await peerGonePastGrace({ alice: s, bob: s, http: s, graceMs: GRACE_MS }, ['alice', 'bob'], 'caller');
  });

  it('a reconnect of the call device inside the grace keeps the call', async () => {
    const s = await startServer({ callGraceMs: GRACE_MS });
    server = s;
    await reconnectInsideGrace({ alice: s, bob: s, http: s, graceMs: GRACE_MS, cut: (u) => s.terminate(u) });
  });

  it('callGraceMs must be a positive integer', async () => {
    await expect(startServer({ callGraceMs: 0 })).rejects.toThrow('callGraceMs must be a positive integer');
  });
});
