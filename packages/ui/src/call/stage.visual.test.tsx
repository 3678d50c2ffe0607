/**
 * Visual regression of the call's key stories at a phone, a laptop and a desktop size, in
 * Debian's Chromium (the `visual` project). The comparison ignores anti-aliasing and allows a
 * sliver of pixels (0.2 %) to differ, so a font hinting change passes and a moved button does
 * not. Update the references on purpose with `npx vitest run --project visual -u`.
 */
import { composeStories, setProjectAnnotations } from '@storybook/react-vite';
import type { ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import preview from '../../../../.storybook/preview.js';
import * as endedStories from './CallEndedCard.stories.js';
import * as stageStories from './CallStage.stories.js';
import * as groupStories from './GroupCallStage.stories.js';
import * as dialogStories from './IncomingCallDialog.stories.js';

setProjectAnnotations([preview]);
const stage = composeStories(stageStories);
const ended = composeStories(endedStories);
const dialog = composeStories(dialogStories);
const group = composeStories(groupStories);

const SIZES = [
  ['phone', 390, 844],
  ['laptop', 1366, 768],
  ['desktop', 1920, 1080],
] as const;

// Still pictures: no animation or transition caught half-way, and what changes by the second
// (the call's timer, the ringing countdown) kept out of the picture, its place kept.
const still = document.createElement('style');
still.textContent = `*, *::before, *::after, ::backdrop { animation: none !important; transition: none !important; }
  [role="timer"], .beckon-countdown { visibility: hidden; }`;
document.head.append(still);

let root: Root | undefined;
afterEach(() => {
  root?.unmount();
  root = undefined;
  document.body.querySelector('#story')?.remove();
});

async function show(story: ReactElement, width: number, height: number): Promise<void> {
  await page.viewport(width, height);
  const host = document.createElement('div');
  host.id = 'story';
  host.dataset.testid = 'story';
  host.style.minHeight = '100vh';
  document.body.append(host);
  document.body.style.margin = '0';
  root = createRoot(host);
  root.render(story);
}

/** Waits for `selector`, then compares the whole page. */
async function matches(name: string, selector: string): Promise<void> {
  await expect.poll(() => document.querySelector(selector), { timeout: 10_000 }).not.toBeNull();
  await expect.element(page.getByTestId('story')).toMatchScreenshot(name, {
    comparatorName: 'pixelmatch',
    comparatorOptions: { threshold: 0.2, allowedMismatchedPixelRatio: 0.002 },
  });
}

describe.each(SIZES)('the call at %s size (%i x %i)', (size, width, height) => {
  it('dialing', async () => {
    await show(<stage.Dialing />, width, height);
    await matches(`dialing-${size}`, '[data-state="dialing"] .beckon-avatar');
  });

  it('in a video call', async () => {
    await show(<stage.InCall />, width, height);
    await matches(`in-call-${size}`, '[data-state="inCall"] [role="timer"]');
  });

  it('the other camera off, muted', async () => {
    await show(<stage.RemoteCameraOffAndMuted />, width, height);
    await matches(`camera-off-${size}`, '[data-state="inCall"] .beckon-tile-remote .beckon-avatar');
  });

  it('an audio call', async () => {
    await show(<stage.AudioCall />, width, height);
    await matches(`audio-${size}`, '[data-state="inCall"] [role="timer"]');
  });

  it('ringing', async () => {
    await show(<dialog.Ringing />, width, height);
    await matches(`ringing-${size}`, 'dialog[open] .beckon-countdown');
  });

  it('ended', async () => {
    await show(<ended.YouHungUp />, width, height);
    await matches(`ended-${size}`, '.beckon-ended');
  });
});

// The group grid at a phone and a laptop: 3, 6 and 9 people, every tile and the bar in view.
describe.each(SIZES.slice(0, 2))('the group call at %s size (%i x %i)', (size, width, height) => {
  it.each([
    [3, group.ThreeInCall],
    [6, group.SixInCall],
    [9, group.NineInCall],
  ])('%i people', async (count, Story) => {
    await show(<Story />, width, height);
    await matches(`group-${count}-${size}`, '.beckon-group-grid[data-columns]');
  });
});
