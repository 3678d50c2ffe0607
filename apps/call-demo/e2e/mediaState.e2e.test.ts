// The other side's camera and microphone state, and picking devices, in the call demo: real
// Chromium with fake camera and microphone, a real Beckon server, WebRTC over loopback.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoUnderTest, playing, shot as saveShot } from '../../e2e-browser.js';
import { signIn } from './signIn.js';

const demo = demoUnderTest(join(import.meta.dirname, '..'));
const shot = (page: Page, name: string) => saveShot(page, 'call-demo', name);
/** `expect.poll` with a wait that a loaded machine needs (Vitest's default is 1 s). */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000 });

async function person(name: string, args: readonly string[] = []): Promise<Page> {
  return signIn(await demo.people().open(`${demo.server().url}/`, args), name);
}

/**
 * `playing`, after a first frame that may take long on a loaded machine (two browsers encoding
 * and decoding video on shared cores): the overall wait is generous, the check is the same.
 */
async function plays(page: Page, label: string): Promise<void> {
  const width = () =>
    page.evaluate(
      (l) => document.querySelector<HTMLVideoElement>(`video[aria-label="${l}"]`)?.videoWidth ?? 0,
      label,
    );
  // Chromium does not start (or pauses) autoplaying video that is off screen, and a remote track
  // delivers no frame until played: with the device picker open, the call sits below the fold.
  await page.locator(`video[aria-label="${label}"]`).scrollIntoViewIfNeeded();
  try {
    await expect.poll(width, { timeout: 60_000 }).toBeGreaterThan(0);
  } catch (error) {
    // Say what the page had, for a failure that only a loaded CI machine shows.
    const state = await page.evaluate(() => ({
      activated: navigator.userActivation?.hasBeenActive,
      text: document.querySelector('main')?.textContent,
      videos: [...document.querySelectorAll('video')].map((v) => ({
        label: v.getAttribute('aria-label'),
        width: v.videoWidth,
        paused: v.paused,
        tracks: (v.srcObject as MediaStream | null)
          ?.getTracks()
          .map((t) => `${t.kind}:${t.readyState}:${t.muted}`),
      })),
    }));
    throw new Error(`${label} never showed a frame: ${JSON.stringify(state)}`, { cause: error });
  }
  await playing(page, label);
}

async function videoCall(caller: Page, callee: Page, name: string): Promise<void> {
  await caller.getByRole('button', { name: `Video call ${name}` }).click();
  await callee.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
  await plays(caller, 'remote video');
  await plays(callee, 'remote video');
}

/** The deviceId of the track of a kind in the stream a <video> shows. */
function shownDevice(page: Page, label: string, kind: 'audio' | 'video'): Promise<string | undefined> {
  return page.evaluate(
    ([l, k]) => {
      const stream = document.querySelector<HTMLVideoElement>(`video[aria-label="${l}"]`)?.srcObject as
        | MediaStream
        | null
        | undefined;
      const tracks = k === 'audio' ? stream?.getAudioTracks() : stream?.getVideoTracks();
      return tracks?.[0]?.getSettings().deviceId;
    },
    [label, kind] as const,
  );
}

describe('remote camera off and mute, and devices (real Chromium, fake devices)', () => {
  it('camera off and mute on one side are seen on the other (placeholder, muted mark), and back on', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await videoCall(alice, bob, 'bob');
    // The demo's CallStage: the remote ParticipantTile takes useCallRoom().remoteState.
    const tile = alice.locator('.beckon-tile-remote');
    const caption = tile.locator('figcaption');
    // The tile follows the room's report of bob's video, which may come a moment after the
    // first frames play (the track's unmute, then a render): wait for it, on a loaded machine too.
    await poll(() => tile.getAttribute('data-camera')).toBe('on');
    // The fake microphone beeps, so ", speaking" comes and goes.
    await poll(() => caption.textContent()).toMatch(/^bob(, speaking)?$/);

    await bob.getByRole('button', { name: 'Camera' }).click();
    await poll(() => tile.getAttribute('data-camera')).toBe('off');
    await tile.locator('.beckon-avatar').waitFor(); // the avatar, no frozen frame
    expect(await caption.textContent()).toMatch(/^bob, camera off(, speaking)?$/);

    await bob.getByRole('button', { name: 'Microphone' }).click();
    await poll(() => caption.textContent()).toBe('bob, muted, camera off'); // never speaking while muted
    expect(await tile.getAttribute('data-muted')).toBe('');
    await shot(alice, 'remote-camera-off-muted');

    await bob.getByRole('button', { name: 'Microphone' }).click();
    await bob.getByRole('button', { name: 'Camera' }).click();
    await poll(() => caption.textContent()).toMatch(/^bob(, speaking)?$/);
    await poll(() => tile.getAttribute('data-camera')).toBe('on');
    await plays(alice, 'remote video'); // live frames again, not the last one
    await alice.getByRole('button', { name: 'Hang up' }).click();
  }, 240_000);

  it('the picker lists the fake devices with a preview, and its picks are used and switched live in the call', async () => {
    // Two fake cameras for this person; Chromium always fakes three microphones and speakers.
    const carol = await person('carol', ['--use-fake-device-for-media-stream=device-count=2']);
    const dan = await person('dan');
    await carol.getByText('Camera, microphone and speaker').click();
    const picker = carol.getByRole('group', { name: 'Devices' });
    const options = (label: string) =>
      picker.getByLabel(label, { exact: true }).locator('option').allTextContents();
    await poll(() => options('Camera')).toEqual(['Default', 'fake_device_0', 'fake_device_1']);
    expect(await options('Microphone')).toEqual([
      'Default',
      'Fake Default Audio Input',
      'Fake Audio Input 1',
      'Fake Audio Input 2',
    ]);
    expect(await options('Speaker')).toEqual([
      'Default',
      'Fake Default Audio Output',
      'Fake Audio Output 1',
      'Fake Audio Output 2',
    ]);
    const value = (label: string, option: string) =>
      picker
        .getByLabel(label)
        .locator('option', { hasText: new RegExp(`^${option}$`) })
        .getAttribute('value');
    const [cam0, cam1, mic1, mic2, out1] = await Promise.all([
      value('Camera', 'fake_device_0'),
      value('Camera', 'fake_device_1'),
      value('Microphone', 'Fake Audio Input 1'),
      value('Microphone', 'Fake Audio Input 2'),
      value('Speaker', 'Fake Audio Output 1'),
    ]);

    // Before the call: a preview that follows the picked camera.
    await plays(carol, 'Camera preview');
    await picker.getByLabel('Camera', { exact: true }).selectOption({ label: 'fake_device_1' });
    await poll(() => shownDevice(carol, 'Camera preview', 'video')).toBe(cam1);
    await plays(carol, 'Camera preview');
    await shot(carol, 'device-picker');
    // Chromium's second fake camera plays locally but sends no frames over WebRTC (checked by
    // hand: a loopback connection gets 0x0), so the call starts on the first one.
    await picker.getByLabel('Camera', { exact: true }).selectOption({ label: 'fake_device_0' });
    await picker.getByLabel('Microphone', { exact: true }).selectOption({ label: 'Fake Audio Input 1' });

    // The call opens the picked devices; during it the picker shows the call's own camera.
    await videoCall(carol, dan, 'dan');
    // In the call, the stage's Devices button opens the same picker.
    await carol.getByRole('button', { name: 'Devices' }).click();
    expect(await shownDevice(carol, 'local video', 'video')).toBe(cam0);
    expect(await shownDevice(carol, 'local video', 'audio')).toBe(mic1);
    await poll(() => shownDevice(carol, 'Camera preview', 'video')).toBe(cam0);

    // Switched live: the far end keeps its connection and keeps playing.
    await picker.getByLabel('Microphone', { exact: true }).selectOption({ label: 'Fake Audio Input 2' });
    await poll(() => shownDevice(carol, 'local video', 'audio')).toBe(mic2);
    await picker.getByLabel('Speaker', { exact: true }).selectOption({ label: 'Fake Audio Output 1' });
    await poll(() =>
      carol.locator('video[aria-label="remote video"]').evaluate((v) => (v as HTMLVideoElement).sinkId),
    ).toBe(out1);
    await picker.getByLabel('Camera', { exact: true }).selectOption({ label: 'fake_device_1' });
    await poll(() => shownDevice(carol, 'local video', 'video')).toBe(cam1);
    await picker.getByLabel('Camera', { exact: true }).selectOption({ label: 'fake_device_0' });
    await poll(() => shownDevice(carol, 'local video', 'video')).toBe(cam0);
    await plays(dan, 'remote video'); // frames of the switched-to camera, same connection
    expect(await carol.getByRole('timer').count()).toBe(1); // still the same call
    await carol.getByRole('button', { name: 'Hang up' }).click();
  }, 240_000);
});
