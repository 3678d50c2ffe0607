import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { demoUnderTest, playing, shot as saveShot } from '../../e2e-browser.js';
import { signIn } from './signIn.js';

const demo = demoUnderTest(join(import.meta.dirname, '..'));

/** What Chromium reported about the pages' Content-Security-Policy (it logs every violation). */
const cspReports: string[] = [];

afterEach(() => {
  expect(cspReports.splice(0)).toEqual([]);
});

/** One person: a browser profile of their own, signed in to the demo. */
async function person(name: string, query = ''): Promise<Page> {
  const page = await demo.people().open(`${demo.server().url}/${query}`);
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspReports.push(`${name}: ${message.text()}`);
  });
  return signInAt(page, name, query);
}

async function signInAt(page: Page, name: string, query = ''): Promise<Page> {
  await page.goto(`${demo.server().url}/${query}`);
  return signIn(page, name);
}

const shot = (page: Page, name: string) => saveShot(page, 'call-demo', name);

describe('call demo end to end (real Chromium, fake camera and microphone)', () => {
  it('the seed five steps: ring, accept, both videos play, timer, hang up with the duration in both UIs and histories', async () => {
    const alice = await person('alice');
    const bob = await person('bob');

    await alice.getByRole('button', { name: 'Video call bob' }).click();
    await expect.poll(() => alice.getByRole('status').first().textContent()).toBe('Calling bob…');

    const dialog = bob.getByRole('alertdialog', { name: 'alice is video calling you' });
    await dialog.waitFor();
    await shot(bob, 'ringing');
    await dialog.getByRole('button', { name: 'Accept' }).click();
    const acceptedAt = Date.now();

    await playing(alice, 'remote video');
    await playing(bob, 'remote video');
    await shot(alice, 'in-call');
    await alice.getByRole('timer').waitFor();
    await bob.getByRole('timer').waitFor();
    await alice.waitForTimeout(2100);

    await alice.getByRole('button', { name: 'Hang up' }).click();
    // At least the 2 s waited with the timer running; at most the time since Accept (a loaded
    // machine makes the call longer, never shorter). Both sides show the same duration.
    const mostSeconds = Math.ceil((Date.now() - acceptedAt) / 1000) + 1;
    const seconds = async (page: Page, text: RegExp) =>
      Number(
        /after (\d+) seconds?/.exec((await page.getByText(text).textContent()) ?? '')?.[1] ?? Number.NaN,
      );
    await expect.poll(() => seconds(alice, /^You hung up after/)).toBeGreaterThanOrEqual(2);
    const took = await seconds(alice, /^You hung up after/);
    expect(took).toBeLessThanOrEqual(mostSeconds);
    await expect.poll(() => seconds(bob, /^alice hung up after/)).toBe(took);
    for (const page of [alice, bob]) {
      await expect
        .poll(() => page.getByRole('region', { name: 'Call history' }).textContent(), { timeout: 5000 })
        .toMatch(/Completed · \d+ seconds?/);
    }
    // All of it under the demo's CSP, and nothing it refused.
    const policy = (await fetch(`${demo.server().url}/`)).headers.get('content-security-policy');
    expect(policy).toContain("script-src 'self'");
    expect(cspReports).toEqual([]);
  }, 90_000);

  it('decline, and busy when already in a call', async () => {
    const carol = await person('carol');
    const dan = await person('dan');
    const erin = await person('erin');

    await carol.getByRole('button', { name: 'Audio call dan' }).click();
    await dan.getByRole('alertdialog').getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => carol.getByRole('status').first().textContent()).toBe('dan declined the call');
    await carol.getByRole('button', { name: 'Close' }).click();

    await carol.getByRole('button', { name: 'Video call dan' }).click();
    await dan.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
    await playing(carol, 'remote video');
    await erin.getByRole('button', { name: 'Video call dan' }).click();
    await expect.poll(() => erin.getByRole('status').first().textContent()).toBe('dan is busy');
    await expect
      .poll(() => dan.getByRole('region', { name: 'Missed calls' }).textContent())
      .toContain('erin');
    await shot(erin, 'busy');
  }, 90_000);

  it('no answer until the timeout, and cancel while ringing', async () => {
    const fay = await person('fay', '?ring=2');
    const gus = await person('gus');
    await fay.getByRole('button', { name: 'Audio call gus' }).click();
    await gus.getByRole('alertdialog').waitFor();
    await expect
      .poll(() => fay.getByRole('status').first().textContent(), { timeout: 6000 })
      .toBe('No answer from gus');
    await expect.poll(() => gus.getByRole('region', { name: 'Missed calls' }).textContent()).toContain('fay');
    await expect.poll(() => gus.getByRole('alertdialog').count()).toBe(0);
    await fay.getByRole('button', { name: 'Close' }).click();

    await fay.getByRole('button', { name: 'Audio call gus' }).click();
    await gus.getByRole('alertdialog').waitFor();
    await fay.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => fay.getByRole('status').first().textContent()).toBe('Call cancelled');
    await expect.poll(() => gus.getByRole('alertdialog').count()).toBe(0);
  }, 90_000);

  it('signed in on two tabs: both ring, accepting in one stops the other', async () => {
    const hal = await person('hal');
    const ivy = await person('ivy');
    const secondTab = await signInAt(await ivy.context().newPage(), 'ivy');
    await hal.getByRole('button', { name: 'Video call ivy' }).click();
    await ivy.getByRole('alertdialog').waitFor();
    await secondTab.getByRole('alertdialog').waitFor();
    await secondTab.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => ivy.getByRole('alertdialog').count()).toBe(0);
    // The tab that did not answer says where the call went.
    await expect
      .poll(() => ivy.getByRole('region', { name: 'Call with hal ended' }).getByRole('status').textContent())
      .toBe('Answered on another device');
    await shot(ivy, 'answered-elsewhere');
    await playing(hal, 'remote video');
    await playing(secondTab, 'remote video');
  }, 90_000);

  it('a tab closed mid-call: after the grace period the other side ends with "left the call", and both histories keep the answered call with its duration', async () => {
    const jo = await person('jo', '?grace=3');
    const kim = await person('kim');
    await jo.getByRole('button', { name: 'Video call kim' }).click();
    await kim.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
    const acceptedAt = Date.now();
    await playing(jo, 'remote video');
    await playing(kim, 'remote video');
    await jo.waitForTimeout(2100);
    // Kim's tab goes away without hanging up (no call-end is sent).
    const kimContext = kim.context();
    await kim.close();
    const closedAt = Date.now();
    const left = jo.getByRole('region', { name: 'Call with kim ended' }).getByRole('status');
    // The media layer notices kim is gone (the room's peer leaves or its connection fails), then
    // the 3 s grace runs out; a server that ends the call for kim first says the same.
    await expect
      .poll(() => left.textContent(), { timeout: 90_000, interval: 500 })
      .toMatch(/^kim left the call after/);
    const endedAt = Date.now();
    const seconds = Number(/after (\d+) seconds?/.exec((await left.textContent()) ?? '')?.[1] ?? Number.NaN);
    // The duration runs up to the loss as it was noticed (the server's socket close, or the
    // media's failed connection, which Chromium reports some 20 s after the tab closed), never
    // through the grace period.
    expect(seconds).toBeGreaterThanOrEqual(Math.floor((closedAt - acceptedAt) / 1000) - 1);
    expect(seconds).toBeLessThanOrEqual(Math.ceil((endedAt - acceptedAt) / 1000) - 3 + 1);
    await shot(jo, 'peer-left');
    const history = (page: Page) => page.getByRole('region', { name: 'Call history' });
    await expect
      .poll(() => history(jo).textContent(), { timeout: 10_000 })
      .toMatch(/Completed · \d+ seconds?/);
    // Kim comes back in a new tab: the server kept the call answered, with a duration.
    const again = await signInAt(await kimContext.newPage(), 'kim');
    await expect
      .poll(() => history(again).textContent(), { timeout: 10_000 })
      .toMatch(/Completed · \d+ seconds?/);
  }, 150_000);
});
