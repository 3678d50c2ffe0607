import type { Page } from 'playwright-core';

/** Signs `name` in on the call demo's page and waits until the client is connected. */
export async function signIn(page: Page, name: string): Promise<Page> {
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
  return page;
}
