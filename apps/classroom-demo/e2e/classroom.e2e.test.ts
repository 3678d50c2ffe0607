import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoUnderTest, playing, shot } from '../../e2e-browser.js';

const demo = demoUnderTest(join(import.meta.dirname, '..'));

async function connected(page: Page): Promise<Page> {
  await page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
  return page;
}

async function teacher(): Promise<{ page: Page; code: string }> {
  const page = await demo.people().open(`${demo.server().url}/?round=3`);
  await page.getByLabel('Your name').fill('teacher');
  await page.getByLabel('Class name').fill('Physics');
  await page.getByRole('button', { name: 'Create a class' }).click();
  await connected(page);
  return { page, code: (await page.locator('.beckon-joincode-code').textContent()) ?? '' };
}

async function student(name: string, code: string): Promise<Page> {
  const page = await demo.people().open(demo.server().url);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Join code').fill(code);
  await page.getByRole('button', { name: 'Join the class' }).click();
  return connected(page);
}

const queueOf = (page: Page, asTeacher: boolean) =>
  asTeacher
    ? page.locator('.beckon-queue .beckon-name').allTextContents()
    : page.getByTestId('student-queue').locator('li').allTextContents();

describe('classroom demo end to end (real Chromium, a teacher and three students)', () => {
  it('the seed six steps, lowering, a reload mid-round, a speaker seen and heard, and a round that times out', async () => {
    const { page: t, code } = await teacher();
    const [s1, s2, s3] = [await student('s1', code), await student('s2', code), await student('s3', code)];
    await expect.poll(() => t.locator('[data-online="true"]').count()).toBe(4);

    // 1-2: the teacher asks; every student is invited.
    await t.getByRole('button', { name: 'Ask to raise hands' }).click();
    for (const s of [s1, s2, s3]) await s.getByText('teacher asks you to raise your hand').waitFor();
    // 3: hands go up; everyone sees them in the order the server received them.
    await s2.getByRole('button', { name: 'Raise hand' }).click();
    await s2.getByRole('button', { name: 'Lower hand' }).waitFor();
    await s1.getByRole('button', { name: 'Raise hand' }).click();
    await s3.getByRole('button', { name: 'Raise hand' }).click();
    await expect.poll(() => queueOf(t, true)).toEqual(['s2', 's1', 's3']);
    for (const s of [s1, s2, s3]) await expect.poll(() => queueOf(s, false)).toEqual(['s2', 's1', 's3']);
    // Each student reads its own place (a lecture's list shows only the first hands).
    for (const [s, place] of [
      [s2, 1],
      [s1, 2],
      [s3, 3],
    ] as const)
      await expect
        .poll(() => s.getByRole('status').filter({ hasText: 'in the queue' }).textContent())
        .toBe(`Your hand is number ${place} in the queue`);
    await shot(t, 'classroom-demo', 'teacher-queue');

    // Beyond the seed: s3 lowers the hand; s1 reloads and sees the round as it is.
    await s3.getByRole('button', { name: 'Lower hand' }).click();
    await expect.poll(() => queueOf(t, true)).toEqual(['s2', 's1']);
    await s1.reload();
    await connected(s1);
    await expect.poll(() => queueOf(s1, false)).toEqual(['s2', 's1']);
    await s1.getByRole('button', { name: 'Lower hand' }).waitFor();
    await shot(s1, 'classroom-demo', 'student-after-reload');

    // 4-6: the teacher invites s2 to speak; s2 accepts; everyone sees the speaker; the
    // teacher's page plays s2's camera.
    await t.getByRole('button', { name: 'Invite s2 to speak' }).click();
    const prompt = s2.getByRole('alert');
    await prompt.getByText('teacher invites you to speak').waitFor();
    await prompt.getByRole('button', { name: 'Speak' }).click();
    await s2.getByText('You are speaking').waitFor();
    for (const page of [t, s1, s3]) {
      await expect
        .poll(() => page.locator('.beckon-speakers .beckon-name').allTextContents())
        .toEqual(['s2']);
    }
    await playing(t, 'video of s2');
    await playing(s3, 'video of s2');
    await shot(t, 'classroom-demo', 'teacher-speaker');

    // The teacher revokes the speaker and closes the round.
    await t.getByRole('button', { name: 'Stop s2 speaking' }).click();
    await t.getByText('Nobody is speaking').waitFor();
    await t.getByRole('button', { name: 'Close the round' }).click();
    for (const s of [s1, s2, s3])
      await expect.poll(() => s.getByText('teacher asks you to raise your hand').count()).toBe(0);

    // A round with a timeout ends by itself, for everyone.
    await t.getByLabel('Round length').selectOption('3');
    await t.getByRole('button', { name: 'Ask to raise hands' }).click();
    await s1.getByText('teacher asks you to raise your hand').waitFor();
    await s1.getByRole('button', { name: 'Raise hand' }).click();
    await expect.poll(() => queueOf(t, true)).toEqual(['s1']);
    await expect.poll(() => queueOf(t, true), { timeout: 8000 }).toEqual([]);
    await t.getByRole('button', { name: 'Ask to raise hands' }).waitFor();
    for (const s of [s1, s2, s3])
      await expect.poll(() => s.getByText('teacher asks you to raise your hand').count()).toBe(0);
  }, 120_000);
});
