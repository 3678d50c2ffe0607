/**
 * The call demo built for Tencent Cloud Chat (an SDKAppID and a UserSig endpoint), in Chromium.
 * Tests stay on this machine: every request and WebSocket to anywhere else is refused and
 * recorded, so the real `@tencentcloud/chat` SDK shows that it was loaded and tried to log in,
 * without reaching Tencent. Calls between Tencent-mode users are tested below the UI, on the
 * typed fake of the SDK (src/session.test.ts).
 */
import { join } from 'node:path';
import { TENCENT_HOSTS } from '@beckon/server';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoUnderTest, shot } from '../../e2e-browser.js';

const SDK_APP_ID = 1400000001;
const demo = demoUnderTest(join(import.meta.dirname, '..'), {
  env: { VITE_TENCENT_SDK_APP_ID: String(SDK_APP_ID), VITE_TENCENT_USERSIG_URL: '/dev/usersig' },
  server: { trtc: { sdkAppId: SDK_APP_ID, secretKey: 'e2e-secret-key' } },
});

/** Opens the demo with everything off this machine refused; returns what was refused. */
async function offline(): Promise<{ page: Page; refused: string[] }> {
  const refused: string[] = [];
  const local = (url: URL) => url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  const page = await demo.people().open('about:blank');
  await page.route(
    (url) => !local(url),
    (route) => {
      refused.push(route.request().url());
      return route.abort('internetdisconnected');
    },
  );
  await page.routeWebSocket(
    (url) => !local(url),
    (ws) => {
      refused.push(ws.url());
      return ws.close({ code: 1011, reason: 'offline test' });
    },
  );
  await page.goto(`${demo.server().url}/`);
  return { page, refused };
}

describe('call demo in Tencent mode (real Chromium, real SDK, no network)', () => {
  it('says so, fetches the UserSig from the endpoint, loads the chat SDK and logs in with it', async () => {
    const { page, refused } = await offline();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await expect
      .poll(() => page.getByTestId('mode').textContent())
      .toContain(`On Tencent Cloud Chat (SDKAppID ${SDK_APP_ID})`);

    const sig = page.waitForRequest((r) => r.url().includes('/dev/usersig?userID=alice'));
    await page.getByLabel('Your name').fill('alice');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await sig;
    await page.getByRole('region', { name: 'Call someone' }).waitFor();
    await expect.poll(() => page.locator('header').textContent()).toContain('Tencent Cloud Chat');
    // No Beckon server in a call: no lobby and no history are asked for.
    expect(await page.getByRole('region', { name: 'People' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Call history' }).count()).toBe(0);
    // The real SDK tried to reach Tencent to log in, and was refused.
    await expect.poll(() => refused.length, { timeout: 20_000 }).toBeGreaterThan(0);
    // Every host it tried is one of Tencent's (the SDK also probes *.my-imcloud.com).
    const tencent = (host: string) => TENCENT_HOSTS.some((h) => host.endsWith(h.slice(1)));
    expect(refused.filter((url) => !tencent(new URL(url).hostname))).toEqual([]);
    expect(await page.getByTestId('connection').textContent()).not.toBe('connected');

    await page.getByLabel('User ID to call').fill('bob');
    // Not logged in (Tencent is out of reach): calling waits for the connection.
    expect(await page.getByRole('button', { name: 'Video call bob' }).isDisabled()).toBe(true);
    await shot(page, 'call-demo', 'tencent-mode');
    expect(errors).toEqual([]);
  }, 60_000);

  it("a name the endpoint refuses gets the endpoint's reason, and nothing logs in", async () => {
    const { page, refused } = await offline();
    await page.getByLabel('Your name').fill('x'.repeat(129));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/dev\/usersig answered 400: userID must be a 1\.\.128 character name/);
    expect(refused).toEqual([]);
  }, 60_000);
});
