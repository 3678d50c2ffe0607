import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axe, demoUnderTest, playing, shot as saveShot } from '../../e2e-browser.js';
import { signIn } from './signIn.js';

const demo = demoUnderTest(join(import.meta.dirname, '..'));

async function person(name: string): Promise<Page> {
  return signIn(await demo.people().open(`${demo.server().url}/`), name);
}

const shot = (page: Page, name: string) => saveShot(page, 'call-demo', name);

/** The sentence of the group stage's ended card: how the call ended for this person. */
const ended = (page: Page) => page.getByRole('region', { name: 'Group call' }).getByRole('status');

/** Bytes still arriving in `page`'s video of `user` (the connection is alive, not a frozen frame). */
async function flowing(page: Page, user: string): Promise<void> {
  await playing(page, `video of ${user}`);
}

describe('group call end to end (three people in real Chromium, fake camera and microphone)', () => {
  it('alice calls bob and carol: each sees the other two; carol leaves and alice and bob go on; the last two ending it', async () => {
    const alice = await person('gina');
    const bob = await person('hal');
    const carol = await person('iris');

    // Pick both once the lobby lists them online.
    for (const name of ['hal', 'iris']) {
      const box = alice.getByRole('checkbox', { name: `Pick ${name} for a group call` });
      await expect.poll(() => box.isEnabled()).toBe(true);
      await box.check();
    }
    await alice.getByRole('button', { name: 'Video call hal, iris' }).click();

    // Each invitee's dialog says who else is invited.
    for (const [page, other] of [
      [bob, 'iris'],
      [carol, 'hal'],
    ] as const) {
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor();
      await expect.poll(() => dialog.textContent()).toContain('gina');
      await expect.poll(() => dialog.textContent()).toContain(other);
    }
    await shot(bob, 'group-ringing');
    await bob.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
    await carol.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();

    // Everyone sees the other two.
    await flowing(alice, 'hal');
    await flowing(alice, 'iris');
    await flowing(bob, 'gina');
    await flowing(bob, 'iris');
    await flowing(carol, 'gina');
    await flowing(carol, 'hal');
    await shot(alice, 'group-in-call');
    expect(await axe(alice)).toEqual([]);

    // Carol leaves: alice and bob go on, still seeing each other.
    await carol.getByRole('button', { name: 'Leave' }).click();
    await expect.poll(() => ended(carol).textContent()).toContain('You left the call');
    for (const page of [alice, bob]) {
      await expect.poll(() => page.locator('video[aria-label="video of iris"]').count()).toBe(0);
      await expect.poll(() => page.getByRole('button', { name: 'Leave' }).count()).toBe(1);
    }
    await flowing(alice, 'hal');
    await flowing(bob, 'gina');

    // The last two: bob leaves, and alice's call ends too.
    await bob.getByRole('button', { name: 'Leave' }).click();
    await expect.poll(() => ended(alice).textContent()).toContain('Everyone else left');
    await expect.poll(() => ended(bob).textContent()).toContain('You left the call');

    // Everyone's history lists the group call with the other two in it.
    for (const [page, others] of [
      [alice, ['hal', 'iris']],
      [bob, ['gina', 'iris']],
      [carol, ['gina', 'hal']],
    ] as const) {
      const history = page.getByRole('region', { name: 'Call history' });
      for (const other of others)
        await expect.poll(() => history.textContent(), { timeout: 10_000 }).toContain(other);
    }
  }, 120_000);
});
