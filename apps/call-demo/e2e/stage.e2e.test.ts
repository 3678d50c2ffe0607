import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axe, demoUnderTest, inViewport, playing, shot, VIEWPORTS } from '../../e2e-browser.js';
import { signIn } from './signIn.js';

const demo = demoUnderTest(join(import.meta.dirname, '..'));

async function person(name: string): Promise<Page> {
  return signIn(await demo.people().open(`${demo.server().url}/`), name);
}

/** The accessible name (text or aria-label) of the focused element. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });

/** Presses Tab until the focused element's name is `name` (at most 12 times); false if it never is. */
async function tabTo(page: Page, name: string): Promise<boolean> {
  for (let i = 0; i < 12; i++) {
    if ((await focused(page)) === name) return true;
    await page.keyboard.press('Tab');
  }
  return (await focused(page)) === name;
}

describe('the call stage in the demo, at phone, laptop and desktop sizes', () => {
  it('accept and hang up are in view and reachable by keyboard; axe finds nothing in any state; focus lands sensibly', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    for (const size of VIEWPORTS) {
      const tag = `${size.width}x${size.height}`;
      await alice.setViewportSize(size);
      await bob.setViewportSize(size);

      // Dialing: the stage covers the page; Cancel is in view.
      await alice.getByRole('button', { name: 'Video call bob' }).click();
      const stage = alice.getByRole('region', { name: 'Calling bob…' });
      await stage.waitFor();
      expect(await inViewport(alice, stage.getByRole('button', { name: 'Cancel' }))).toBe(true);
      expect(await axe(alice), `dialing at ${tag}`).toEqual([]);

      // Ringing: a modal dialog, Accept focused and in view, Tab stays inside, the page behind inert.
      const dialog = bob.getByRole('alertdialog', { name: 'alice is video calling you' });
      await dialog.waitFor();
      const accept = dialog.getByRole('button', { name: 'Accept' });
      expect(await inViewport(bob, accept)).toBe(true);
      await expect.poll(() => focused(bob)).toBe('Accept');
      for (let i = 0; i < 4; i++) await bob.keyboard.press('Tab');
      expect(await bob.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
      expect(await axe(bob), `ringing at ${tag}`).toEqual([]);
      await shot(bob, 'call-demo', `stage-ringing-${tag}`);
      expect(await tabTo(bob, 'Accept')).toBe(true);
      await bob.keyboard.press('Enter');

      // In call: focus moved into the bar; Hang up in view and reachable with Tab.
      await playing(alice, 'remote video');
      await playing(bob, 'remote video');
      await bob.getByRole('region', { name: 'In call with alice' }).waitFor();
      await expect.poll(() => focused(bob)).toBe('Microphone');
      const hangUp = bob.getByRole('button', { name: 'Hang up' });
      expect(await inViewport(bob, hangUp)).toBe(true);
      expect(await inViewport(alice, alice.getByRole('button', { name: 'Hang up' }))).toBe(true);
      expect(await axe(bob), `in call at ${tag}`).toEqual([]);
      expect(await axe(alice), `in call at ${tag}`).toEqual([]);

      // Meet's shortcuts: Ctrl+E turns the camera off (your avatar replaces your video), announced.
      await alice.keyboard.press('Control+e');
      const camera = alice.getByRole('button', { name: 'Camera' });
      await expect.poll(() => camera.getAttribute('aria-pressed')).toBe('false');
      await expect.poll(() => alice.getByText('Camera off', { exact: true }).count()).toBe(1);
      await expect.poll(() => alice.locator('.beckon-tile-local').getAttribute('data-camera')).toBe('off');
      await alice.keyboard.press('Control+d');
      await expect
        .poll(() => alice.getByRole('button', { name: 'Microphone' }).getAttribute('aria-pressed'))
        .toBe('false');
      await shot(alice, 'call-demo', `stage-in-call-${tag}`);
      expect(await axe(alice), `camera and microphone off at ${tag}`).toEqual([]);

      // Hang up from the keyboard: focus goes to the summary's Close, then back to the page.
      expect(await tabTo(bob, 'Hang up')).toBe(true);
      await bob.keyboard.press('Enter');
      await expect.poll(() => bob.getByRole('status').first().textContent()).toMatch(/^You hung up after/);
      await expect.poll(() => focused(bob)).toBe('Close');
      await expect.poll(() => alice.getByRole('status').first().textContent()).toMatch(/^bob hung up after/);
      expect(await axe(bob), `ended at ${tag}`).toEqual([]);
      await bob.keyboard.press('Enter');
      await alice.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => focused(alice)).toBe('Video call bob');
      expect(await bob.getByRole('region', { name: /Call with alice ended/ }).count()).toBe(0);
      expect(await axe(alice), `idle at ${tag}`).toEqual([]);
    }
  }, 240_000);
});
