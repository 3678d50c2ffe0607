// A call that can only connect through coturn: the server hands out TURN credentials and
// relay-only (iceTransportPolicy 'relay'), coturn runs on 127.0.0.1 (deploy/coturn/test.conf
// allows loopback peers), and the test reads the selected candidate pair from getStats().
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Coturn, startCoturn } from '../../../scripts/coturn.js';
import { demoUnderTest, playing, shot } from '../../e2e-browser.js';
import { signIn } from './signIn.js';
import { haveTurnserver, recordPeerConnections, selectedPaths } from './turnRelay.js';

describe.runIf(haveTurnserver)('call demo through a TURN relay (coturn, relay-only)', () => {
  let turn: Coturn | undefined;
  // Registered before the demo's hooks, so coturn is up when the demo's server is made.
  beforeAll(async () => {
    turn = await startCoturn();
  }, 20_000);
  afterAll(async () => {
    await turn?.stop();
  }, 20_000);
  const coturn = () => {
    if (turn === undefined) throw new Error('coturn did not start');
    return turn;
  };
  const demo = demoUnderTest(join(import.meta.dirname, '..'), {
    server: () => ({
      iceServers: { turnUrls: [coturn().turnUrl], secret: coturn().secret, relayOnly: true },
    }),
  });

  async function person(name: string): Promise<Page> {
    const page = await demo.people().open('about:blank');
    await recordPeerConnections(page);
    await page.goto(`${demo.server().url}/`);
    return signIn(page, name);
  }

  it('both videos play, and every selected candidate pair is relay to relay through our coturn', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await alice.getByRole('button', { name: 'Video call bob' }).click();
    await bob.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
    await playing(alice, 'remote video');
    await playing(bob, 'remote video');
    await shot(alice, 'call-demo', 'in-call-through-turn');

    for (const page of [alice, bob]) {
      // Media keep flowing: the bytes received on the selected pair grow.
      const [first] = await selectedPaths(page);
      await expect
        .poll(async () => (await selectedPaths(page))[0]?.bytesReceived ?? 0, { timeout: 5000 })
        .toBeGreaterThan(first?.bytesReceived ?? 0);
      const paths = await selectedPaths(page);
      expect(paths, coturn().log()).toHaveLength(1);
      expect(paths[0]).toMatchObject({
        policy: 'relay',
        connection: 'connected',
        local: 'relay',
        remote: 'relay',
        localUrl: expect.stringContaining(`127.0.0.1:${coturn().port}`),
      });
      // Real media both ways through the relay: waited for, not assumed (a loaded machine sends
      // slowly at first).
      const bytes = async () => {
        const [path] = await selectedPaths(page);
        return Math.min(path?.bytesReceived ?? 0, path?.bytesSent ?? 0);
      };
      await expect.poll(bytes, { timeout: 30_000 }).toBeGreaterThan(10_000);
    }
  }, 120_000);
});
