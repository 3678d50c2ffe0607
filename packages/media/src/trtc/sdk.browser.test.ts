// The real trtc-sdk-v5 in Chromium (the 'media' Vitest project), loaded the way TrtcRoom loads it:
// the dynamic import works through the bundler and the runtime values are the ones the typed fake
// uses. Nothing is created, so nothing connects anywhere. Skipped in Node.
import { describe, expect, it } from 'vitest';
import { fakeTrtcSdk } from '../test/fakeTrtc.js';
import { loadTrtcSdk } from './sdk.js';

const inBrowser = typeof globalThis.RTCPeerConnection === 'function';

describe.runIf(inBrowser)('the real trtc-sdk-v5', () => {
  it('loads lazily and has the event names and constants the fake uses', async () => {
    const sdk = await loadTrtcSdk();
    const { sdk: fake } = fakeTrtcSdk();
    expect(typeof sdk.create).toBe('function');
    expect(sdk.EVENT).toMatchObject(fake.EVENT);
    expect(sdk.TYPE.STREAM_TYPE_MAIN).toBe(fake.TYPE.STREAM_TYPE_MAIN);
    expect(sdk.ERROR_CODE.DEVICE_ERROR).toBe(fake.ERROR_CODE.DEVICE_ERROR);
  });
});
