import { describe, expect, it } from 'vitest';
import { createDeviceList, type MediaDevicesLike } from './devices.js';

type Kind = 'videoinput' | 'audioinput' | 'audiooutput';

/** The browser's MediaDevices as the list sees it: devices, permission, and devicechange. */
class FakeMediaDevices extends EventTarget {
  devices: { deviceId: string; kind: Kind; label: string; groupId: string }[] = [];
  granted = false;
  /** What getUserMedia throws (by DOMException name), or undefined to grant. */
  refuse: string | undefined;
  requests: MediaStreamConstraints[] = [];
  stopped = 0;

  plug(deviceId: string, kind: Kind, label = deviceId) {
    this.devices.push({ deviceId, kind, label, groupId: 'g' });
    this.dispatchEvent(new Event('devicechange'));
  }
  unplug(deviceId: string) {
    this.devices = this.devices.filter((d) => d.deviceId !== deviceId);
    this.dispatchEvent(new Event('devicechange'));
  }
  async enumerateDevices() {
    // Before permission: one nameless entry per kind present, with an empty id (as Chromium does).
    if (!this.granted) {
      const kinds = [...new Set(this.devices.map((d) => d.kind))];
      return kinds.map((kind) => ({ deviceId: '', kind, label: '', groupId: '' })) as MediaDeviceInfo[];
    }
    return this.devices.map((d) => ({ ...d })) as MediaDeviceInfo[];
  }
  async getUserMedia(constraints: MediaStreamConstraints) {
    this.requests.push(constraints);
    const missing =
      (constraints.video && !this.devices.some((d) => d.kind === 'videoinput')) ||
      (constraints.audio && !this.devices.some((d) => d.kind === 'audioinput'));
    if (this.refuse) throw Object.assign(new Error('refused'), { name: this.refuse });
    if (missing) throw Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' });
    this.granted = true;
    return { getTracks: () => [{ stop: () => this.stopped++ }] } as unknown as MediaStream;
  }
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup(configure?: (media: FakeMediaDevices) => void) {
  const media = new FakeMediaDevices();
  media.plug('cam-1', 'videoinput', 'Front camera');
  media.plug('mic-1', 'audioinput', 'Built-in microphone');
  media.plug('spk-1', 'audiooutput', 'Speakers');
  configure?.(media);
  const list = createDeviceList({
    mediaDevices: media as unknown as MediaDevicesLike,
    canSelectSpeaker: true,
  });
  let changes = 0;
  list.subscribe(() => changes++);
  return { media, list, changes: () => changes };
}

describe('createDeviceList', () => {
  it('touches nothing before start; without mediaDevices it is unsupported', () => {
    const list = createDeviceList({ mediaDevices: undefined as never });
    expect(list.getState().status).toBe('idle');
    const stop = list.start(); // Node has no navigator.mediaDevices
    expect(list.getState().status).toBe('unsupported');
    stop();
  });

  it('lists nothing nameless before permission, then everything with names after it', async () => {
    const { list, media } = setup();
    const stop = list.start();
    await settle();
    expect(list.getState()).toMatchObject({
      status: 'prompt',
      cameras: [],
      microphones: [],
      canSelectSpeaker: true,
    });
    await list.requestPermission();
    expect(media.requests).toEqual([{ audio: true, video: true }]);
    expect(media.stopped).toBe(1); // the permission stream is closed at once
    expect(list.getState()).toMatchObject({
      status: 'ready',
      error: undefined,
      cameras: [{ deviceId: 'cam-1', label: 'Front camera' }],
      microphones: [{ deviceId: 'mic-1', label: 'Built-in microphone' }],
      speakers: [{ deviceId: 'spk-1', label: 'Speakers' }],
    });
    stop();
  });

  it('is ready at once when access was granted before (names are listed)', async () => {
    const { list } = setup((m) => {
      m.granted = true;
    });
    list.start();
    await settle();
    expect(list.getState().status).toBe('ready');
  });

  it('a refusal is denied, with the reason; granting later in the site settings makes it ready', async () => {
    const { list, media } = setup((m) => {
      m.refuse = 'NotAllowedError';
    });
    list.start();
    await list.requestPermission();
    expect(list.getState()).toMatchObject({
      status: 'denied',
      error: 'NotAllowedError: refused',
      cameras: [],
    });
    media.granted = true;
    media.dispatchEvent(new Event('devicechange'));
    await settle();
    expect(list.getState().status).toBe('ready');
    expect(list.getState().error).toBeUndefined();
  });

  it('no camera: asks for each kind alone, lists the microphone, and shows no camera', async () => {
    const { list, media } = setup((m) => m.unplug('cam-1'));
    list.start();
    await list.requestPermission();
    expect(media.requests).toEqual([{ audio: true, video: true }, { audio: true }, { video: true }]);
    expect(list.getState()).toMatchObject({
      status: 'ready',
      cameras: [],
      microphones: [{ deviceId: 'mic-1' }],
    });
  });

  it('no device at all: ready with nothing listed and the reason', async () => {
    const media = new FakeMediaDevices();
    const list = createDeviceList({ mediaDevices: media as unknown as MediaDevicesLike });
    list.start();
    await list.requestPermission();
    expect(list.getState()).toMatchObject({
      status: 'ready',
      cameras: [],
      microphones: [],
      error: 'NotFoundError: Requested device not found',
    });
  });

  it('follows devices plugged in and out; an unplugged pick falls back to the default', async () => {
    const { list, media } = setup((m) => {
      m.granted = true;
    });
    const stop = list.start();
    await settle();
    media.plug('cam-2', 'videoinput', 'USB camera');
    await settle();
    expect(list.getState().cameras.map((c) => c.deviceId)).toEqual(['cam-1', 'cam-2']);
    list.select('camera', 'cam-2');
    expect(list.getState().selected.camera).toBe('cam-2');
    media.unplug('cam-2');
    await settle();
    expect(list.getState().cameras.map((c) => c.deviceId)).toEqual(['cam-1']);
    expect(list.getState().selected.camera).toBeUndefined();
    list.select('microphone', '');
    expect(list.getState().selected.microphone).toBeUndefined();
    stop();
    media.plug('cam-3', 'videoinput');
    await settle();
    expect(list.getState().cameras.map((c) => c.deviceId)).toEqual(['cam-1']); // stopped: no longer follows
  });

  it('keeps picks given up front while the device exists', async () => {
    const media = new FakeMediaDevices();
    media.granted = true;
    media.plug('cam-1', 'videoinput');
    const list = createDeviceList({
      mediaDevices: media as unknown as MediaDevicesLike,
      selected: { camera: 'cam-1', microphone: 'gone' },
    });
    list.start();
    await settle();
    expect(list.getState().selected).toEqual({ camera: 'cam-1', microphone: undefined, speaker: undefined });
  });
});
