/**
 * Debian's Chromium and the flags every browser test launches it with (Storybook, media, the
 * demos' end-to-end tests). Nothing downloads a browser.
 */
export const CHROMIUM = process.env.BECKON_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** For calls: fake camera and microphone, and ICE over the loopback interface. */
export const CHROMIUM_MEDIA_ARGS = [
  ...CHROMIUM_ARGS,
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Chromium skips loopback interfaces for ICE unless told; the tests signal 127.0.0.1 candidates only.
  '--allow-loopback-in-peer-connection',
];
