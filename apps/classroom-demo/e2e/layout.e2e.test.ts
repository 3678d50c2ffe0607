import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axe, demoUnderTest, inViewport, playing, shot, VIEWPORTS } from '../../e2e-browser.js';

const demo = demoUnderTest(join(import.meta.dirname, '..'));

/** Nothing is wider than the viewport (no sideways scrolling on a phone). */
const noSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });

/** From the top of the page, Tab reaches the control named `name` (within 40 presses). */
async function tabReaches(page: Page, name: string): Promise<boolean> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if ((await focusedName(page)) === name) return true;
  }
  return false;
}

const connected = (page: Page) => page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();

describe('the classroom demo at phone, laptop and desktop sizes (real Chromium)', () => {
  it('join link, the teacher seen and heard (and seen with the camera off), a timed round counting down, an invited row waiting; key controls in view and on the keyboard; axe finds nothing', async () => {
    const url = demo.server().url;
    const t = await demo.people().open(`${url}/?round=90`);
    await t.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    expect(await axe(t), 'landing').toEqual([]);
    await t.getByLabel('Your name').fill('teacher');
    await t.getByLabel('Class name').fill('Physics');
    await t.getByRole('button', { name: 'Create a class' }).click();
    await connected(t);
    const code = (await t.locator('.beckon-joincode-code').textContent()) ?? '';
    expect(code).not.toBe('');

    // The join link: copied, and opening it fills the code; Enter after the name joins.
    await t.getByRole('button', { name: 'Copy join link' }).click();
    await t.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    const link = await t.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(`${url}/?join=${code}`);
    await t.getByRole('button', { name: 'Copy code' }).click();
    await expect.poll(() => t.evaluate(() => navigator.clipboard.readText())).toBe(code);

    const s1 = await demo.people().open(link);
    await expect.poll(() => s1.getByLabel('Join code').inputValue()).toBe(code);
    expect(await axe(s1), 'landing from a join link').toEqual([]);
    await s1.getByLabel('Your name').fill('s1');
    await s1.getByLabel('Your name').press('Enter');
    await connected(s1);
    expect(new URL(s1.url()).searchParams.has('join')).toBe(false);
    const s2 = await demo.people().open(url);
    await s2.getByLabel('Your name').fill('s2');
    await s2.getByLabel('Join code').fill(code);
    await s2.getByRole('button', { name: 'Join the class' }).click();
    await connected(s2);
    await expect.poll(() => t.locator('[data-online="true"]').count()).toBe(3);

    // The teacher's camera and microphone reach the class from the start.
    await playing(t, 'video of teacher');
    await playing(s1, 'video of teacher');
    await playing(s2, 'video of teacher');
    const audio = await s2.evaluate(
      () =>
        (
          document.querySelector<HTMLVideoElement>('video[aria-label="video of teacher"]')
            ?.srcObject as MediaStream
        )
          ?.getAudioTracks()
          .filter((a) => a.readyState === 'live').length ?? 0,
    );
    expect(audio).toBe(1);

    // A timed round counts down, the same on both sides.
    await t.getByLabel('Round length').selectOption('90');
    await t.getByRole('button', { name: 'Ask to raise hands' }).click();
    for (const page of [t, s1, s2]) {
      await expect.poll(() => page.getByRole('timer').textContent()).toMatch(/^Round ends in 1:[23]\d$/);
    }
    const seconds = async (page: Page) => {
      const [, m, s] = /(\d+):(\d\d)$/.exec((await page.getByRole('timer').textContent()) ?? '') ?? [];
      return Number(m) * 60 + Number(s);
    };
    const first = await seconds(t);
    await expect.poll(() => seconds(t), { timeout: 5000 }).toBeLessThan(first);

    // Hands up; the teacher invites s1, whose row is invited and waiting until s1 answers.
    await s1.getByRole('button', { name: 'Raise hand' }).click();
    await s1.getByRole('button', { name: 'Lower hand' }).waitFor();
    await s2.getByRole('button', { name: 'Raise hand' }).click();
    await s2.getByRole('button', { name: 'Lower hand' }).waitFor();
    await t.getByRole('button', { name: 'Invite s1 to speak' }).click();
    const row = t.locator('.beckon-queue .beckon-row[data-state="invitedToSpeak"]');
    await row.getByText('Invited, waiting').waitFor();
    await row.getByRole('button', { name: 'Withdraw s1’s invitation' }).waitFor();
    await s1.getByRole('alert').getByRole('button', { name: 'Speak' }).waitFor();

    for (const size of VIEWPORTS) {
      const tag = `${size.width}x${size.height}`;
      for (const page of [t, s1, s2]) await page.setViewportSize(size);
      // The teacher: the round, the queue's first row and Leave in view and on the keyboard.
      for (const name of ['Close the round', 'Withdraw s1’s invitation', 'Invite s2 to speak', 'Leave']) {
        expect(
          await inViewport(t, t.getByRole('button', { name, exact: true }), { fromTop: true }),
          `${name} at ${tag}`,
        ).toBe(true);
        expect(await tabReaches(t, name), `Tab to ${name} at ${tag}`).toBe(true);
      }
      expect(await tabReaches(t, 'Microphone'), `Tab to Microphone at ${tag}`).toBe(true);
      // The students: answer the invitation, lower the hand.
      for (const [page, name] of [
        [s1, 'Speak'],
        [s2, 'Lower hand'],
      ] as const) {
        expect(
          await inViewport(page, page.getByRole('button', { name, exact: true }), { fromTop: true }),
          `${name} at ${tag}`,
        ).toBe(true);
        expect(await tabReaches(page, name), `Tab to ${name} at ${tag}`).toBe(true);
      }
      for (const page of [t, s1, s2])
        expect(await noSideways(page), `no sideways scroll at ${tag}`).toBe(true);
      expect(await axe(t), `teacher at ${tag}`).toEqual([]);
      expect(await axe(s1), `invited student at ${tag}`).toEqual([]);
      expect(await axe(s2), `student with a hand up at ${tag}`).toEqual([]);
      await shot(t, 'classroom-demo', `teacher-${tag}`);
      await shot(s2, 'classroom-demo', `student-${tag}`);
    }

    // s1 speaks (from the keyboard): seen by everyone; the teacher's row is gone from the queue.
    await s1.getByRole('button', { name: 'Speak' }).focus();
    await s1.keyboard.press('Enter');
    await s1.getByText('You are speaking').waitFor();
    await playing(s2, 'video of s1');
    await expect.poll(() => row.count()).toBe(0);
    for (const page of [t, s1, s2]) expect(await axe(page), 'while s1 speaks').toEqual([]);

    // The teacher turns the camera off: the self view shows the avatar; the button says so.
    const camera = t.getByRole('button', { name: 'Camera', exact: true });
    await camera.click();
    await expect.poll(() => camera.getAttribute('aria-pressed')).toBe('false');
    await t.getByText('Camera off').waitFor();
    expect(await axe(t), 'teacher camera off').toEqual([]);
    // The students see the teacher's camera is off (no frozen frame), and the video again when on.
    await s2.locator('.classroom-teacher').getByText('Camera off').waitFor();
    expect(await axe(s2), 'student, teacher camera off').toEqual([]);
    await shot(s2, 'classroom-demo', 'student-teacher-camera-off');
    await camera.click();
    await expect.poll(() => camera.getAttribute('aria-pressed')).toBe('true');
    await playing(s2, 'video of teacher');
  }, 180_000);
});
