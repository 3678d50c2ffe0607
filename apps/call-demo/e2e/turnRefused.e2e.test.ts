// When coturn refuses the credentials (here: the Beckon server signs them with a secret coturn
// does not share), a relay-only call cannot connect, and the demo says so instead of hanging.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Coturn, startCoturn } from '../../../scripts/coturn.js';
import { demoUnderTest, shot } from '../../e2e-browser.js';
import { signIn } from './signIn.js';
import { haveTurnserver } from './turnRelay.js';

describe.runIf(haveTurnserver)('call demo when coturn refuses the TURN credentials', () => {
  let turn: Coturn | undefined;
  beforeAll(async () => {
    turn = await startCoturn();
  }, 20_000);
  afterAll(async () => {
    await turn?.stop();
  }, 20_000);
  const demo = demoUnderTest(join(import.meta.dirname, '..'), {
    server: () => {
      if (turn === undefined) throw new Error('coturn did not start');
      return { iceServers: { turnUrls: [turn.turnUrl], secret: `not-${turn.secret}`, relayOnly: true } };
    },
  });

  async function person(name: string): Promise<Page> {
    return signIn(await demo.people().open(`${demo.server().url}/`), name);
  }

  it('the call ends, and the side whose relay failed reads that no TURN relay could be allocated, and why', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await alice.getByRole('button', { name: 'Video call bob' }).click();
    await bob.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
    // Whichever side gives up first ends the call for both; the other one may read a hang-up.
    const failure = async () => {
      for (const page of [alice, bob]) {
        const alert = page.getByTestId('call-failure');
        if ((await alert.count()) > 0) return { page, text: await alert.textContent() };
      }
      return undefined;
    };
    await expect
      .poll(async () => (await failure())?.text, { timeout: 30_000 })
      .toMatch(
        // Chromium reports coturn's 401 to the Allocate as an icecandidateerror, when that event
        // comes before the gathering ends; otherwise the room says no TURN server gave a relay.
        /^no TURN relay could be allocated for the call with (alice|bob) \((turn:127\.0\.0\.1:\d+\?transport=udp answered 401 |no TURN server gave a relay address)/,
      );
    for (const page of [alice, bob]) {
      await expect.poll(() => page.getByRole('button', { name: 'Hang up' }).count()).toBe(0);
    }
    const failed = await failure();
    if (failed) await shot(failed.page, 'call-demo', 'no-turn-relay');
  }, 120_000);
});
