/**
 * Shared by the demos' end-to-end tests: Debian's Chromium with fake camera and microphone, one
 * persistent profile per person (as separate browsers would be), screenshots, and a check that a
 * <video> really plays.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BeckonServer, type BeckonServerOptions, createBeckonServer } from '@beckon/server';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { CHROMIUM, CHROMIUM_MEDIA_ARGS } from '../scripts/chromium.js';

export interface Browsers {
  /**
   * A new person: their own browser profile, on `url`. `args` add Chromium flags, replacing a
   * default flag of the same name (`--use-fake-device-for-media-stream=device-count=2`: two cameras).
   */
  open(url: string, args?: readonly string[]): Promise<Page>;
  /** Closes every person opened so far (their browsers and profiles); more may be opened after. */
  close(): Promise<void>;
}

export function browsers(): Browsers {
  if (!existsSync(CHROMIUM)) throw new Error(`the demos' end-to-end tests need Chromium at ${CHROMIUM}`);
  const contexts: BrowserContext[] = [];
  const profiles: string[] = [];
  return {
    async open(url, args = []) {
      const name = (flag: string) => flag.split('=')[0];
      const flags = [...CHROMIUM_MEDIA_ARGS.filter((f) => !args.some((a) => name(a) === name(f))), ...args];
      const profile = mkdtempSync(join(tmpdir(), 'beckon-e2e-'));
      profiles.push(profile);
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        args: flags,
        viewport: { width: 900, height: 900 },
      });
      contexts.push(context);
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(url);
      return page;
    },
    async close() {
      for (const context of contexts.splice(0)) await context.close();
      for (const dir of profiles.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface DemoUnderTest {
  /** The server, in dev mode, serving the freshly built demo. */
  readonly server: () => BeckonServer;
  readonly people: () => Browsers;
}

export type DemoServerOptions = Pick<BeckonServerOptions, 'trtc' | 'iceServers'>;

export interface DemoOptions {
  /** The build's environment (`VITE_…` variables), written to a `.env` file only this build reads. */
  readonly env?: Readonly<Record<string, string>>;
  /** More options for the demo's server, or a function that makes them (after other setup, e.g. coturn). */
  readonly server?: DemoServerOptions | (() => DemoServerOptions | Promise<DemoServerOptions>);
}

/**
 * Builds the demo in `root` (into a folder of its own, so test files build in parallel) and
 * serves it from a dev-mode Beckon server for this test file; everything is closed after the
 * file's tests.
 */
export function demoUnderTest(root: string, options: DemoOptions = {}): DemoUnderTest {
  let server: BeckonServer | undefined;
  let people: Browsers | undefined;
  const folders: string[] = [];
  beforeAll(async () => {
    people = browsers();
    const [outDir, envDir] = [
      mkdtempSync(join(tmpdir(), 'beckon-demo-')),
      mkdtempSync(join(tmpdir(), 'beckon-env-')),
    ];
    folders.push(outDir, envDir);
    const env = Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}\n`);
    writeFileSync(join(envDir, '.env'), env.join(''));
    await build({
      root,
      configFile: join(root, 'vite.config.ts'),
      envDir,
      build: { outDir, emptyOutDir: true },
      logLevel: 'silent',
    });
    const extra = typeof options.server === 'function' ? await options.server() : options.server;
    server = await createBeckonServer({
      ...extra,
      port: 0,
      dev: true,
      staticDir: outDir,
      logLevel: 'silent',
    });
  }, 60_000);
  // Each test's people leave with it: a call left running (fake camera, encoder and decoder) in
  // a browser of an earlier test slowed the next tests on a 2-core machine until they failed.
  afterEach(async () => {
    await people?.close();
  }, 60_000);
  afterAll(async () => {
    await people?.close();
    await server?.close();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  }, 60_000);
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready (beforeAll failed)`);
    return value;
  };
  return { server: () => need(server, 'the demo server'), people: () => need(people, 'the browsers') };
}

/** Saves a screenshot of a key state under test-results/ (kept as CI artifacts). */
export async function shot(page: Page, demo: string, name: string): Promise<void> {
  const dir = join(import.meta.dirname, '..', 'test-results', demo);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** Waits until the <video> labelled `label` plays real frames: a size, and time moving on. */
export async function playing(page: Page, label: string): Promise<void> {
  const read = () =>
    page.evaluate((l) => {
      const video = document.querySelector<HTMLVideoElement>(`video[aria-label="${l}"]`);
      return { width: video?.videoWidth ?? 0, time: video?.currentTime ?? 0 };
    }, label);
  await expect.poll(async () => (await read()).width, { timeout: 15_000 }).toBeGreaterThan(0);
  const before = (await read()).time;
  await expect.poll(async () => (await read()).time, { timeout: 5_000 }).toBeGreaterThan(before);
}

/** The sizes the layout tests check: a phone, a laptop, a desktop. */
export const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

let axeSource: string | undefined;

/** axe-core's violations on the whole page (run through the DevTools protocol, so the CSP allows it). */
export async function axe(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await (
      globalThis as unknown as {
        axe: {
          run: (c: Document) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** The element is entirely inside the viewport (`fromTop`: with the page scrolled to the top). */
export async function inViewport(
  page: Page,
  target: Locator,
  options: { fromTop?: boolean } = {},
): Promise<boolean> {
  if (options.fromTop) await page.evaluate(() => window.scrollTo(0, 0));
  const box = await target.boundingBox();
  const size = page.viewportSize();
  if (!box || !size) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width && box.y + box.height <= size.height;
}
