// TrtcRoom's remote media state and device switching, against a fake of trtc-sdk-v5 typed from
// the SDK's own declarations (its event names and payloads). There is no TRTC test server here:
// this checks the mapping of the SDK's events, not the service.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomError, type RoomEvents } from '../roomAdapter.js';
import { FakeMediaStream } from '../test/fakeMedia.js';
import { type FakeTrtcClient, fakeTrtcSdk, MAIN } from '../test/fakeTrtc.js';
import { TrtcRoom, type TrtcRoomOptions } from './trtcRoom.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

function setup(options: Partial<TrtcRoomOptions> = {}, failures: Record<string, unknown> = {}) {
  const { sdk, clients, speakers } = fakeTrtcSdk(failures);
  const room = new TrtcRoom({
    sdkAppId: 1400000001,
    userSig: async () => 'sig',
    loadSdk: async () => sdk,
    ...options,
  });
  const states: RoomEvents['remoteMedia'][] = [];
  const failed: RoomEvents['failed'][] = [];
  room.on('remoteMedia', (...args) => states.push(args));
  room.on('failed', (...args) => failed.push(args));
  const client = (): FakeTrtcClient => {
    const last = clients.at(-1);
    if (last === undefined) throw new Error('no TRTC client');
    return last;
  };
  return { room, client, states, failed, speakers, sdk };
}

beforeEach(() => {
  vi.stubGlobal('MediaStream', FakeMediaStream);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('TrtcRoom remote media state', () => {
  it("maps the SDK's enter and audio/video available events onto muted and camera off", async () => {
    const { room, client, states } = setup();
    await room.join('r', 'alice');
    const c = client();
    c.emit('remote-user-enter', { userId: 'bob' });
    expect(room.remoteMediaState('bob')).toEqual({ muted: true, cameraOff: true, speaking: false });
    c.emit('remote-audio-available', { userId: 'bob' });
    expect(room.remoteMediaState('bob')).toEqual({ muted: false, cameraOff: true, speaking: false });
    c.emit('remote-video-available', { userId: 'bob', streamType: MAIN });
    await flush(); // startRemoteVideo, then the track
    expect(room.remoteMediaState('bob')).toEqual({ muted: false, cameraOff: false, speaking: false });
    // Bob mutes (updateLocalAudio({ mute: true }) there) and switches the camera off.
    c.emit('remote-audio-unavailable', { userId: 'bob' });
    c.emit('remote-video-unavailable', { userId: 'bob', streamType: MAIN });
    expect(room.remoteMediaState('bob')).toEqual({ muted: true, cameraOff: true, speaking: false });
    c.emit('remote-audio-available', { userId: 'bob' });
    c.emit('remote-video-available', { userId: 'bob', streamType: MAIN });
    await flush();
    expect(states.map(([user, s]) => [user, s.muted, s.cameraOff])).toEqual([
      ['bob', true, true],
      ['bob', false, true],
      ['bob', false, false],
      ['bob', true, false],
      ['bob', true, true],
      ['bob', false, true],
      ['bob', false, false],
    ]);
    c.emit('remote-user-exit', { userId: 'bob' });
    expect(room.remoteMediaState('bob')).toBeUndefined();
  });

  it('a sub stream (screen share) does not turn the camera on', async () => {
    const { room, client } = setup();
    await room.join('r', 'alice');
    client().emit('remote-user-enter', { userId: 'bob' });
    client().emit('remote-video-available', { userId: 'bob', streamType: 'sub' as typeof MAIN });
    await flush();
    expect(room.remoteMediaState('bob')?.cameraOff).toBe(true);
  });

  it("speaking follows the SDK's volume events (volume / 100), with hysteresis; the local '' is ignored", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { room, client } = setup({ speaking: { threshold: 0.2, releaseMs: 500, intervalMs: 300 } });
    await room.join('r', 'alice');
    const c = client();
    expect(c.volumeInterval).toBe(300);
    c.emit('remote-user-enter', { userId: 'bob' });
    c.emit('remote-user-enter', { userId: 'carol' });
    c.emit('remote-audio-available', { userId: 'bob' });
    c.emit('remote-audio-available', { userId: 'carol' });
    const volume = (entries: [string, number][]) =>
      c.emit('audio-volume', {
        result: entries.map(([userId, v]) => ({ userId, volume: v, floatVolume: v / 100 })),
      });
    volume([
      ['', 90],
      ['bob', 40],
      ['carol', 5],
    ]);
    expect(room.remoteMediaState('bob')?.speaking).toBe(true);
    expect(room.remoteMediaState('carol')?.speaking).toBe(false);
    vi.advanceTimersByTime(300);
    volume([['bob', 3]]);
    vi.advanceTimersByTime(300);
    volume([]); // bob left out of the report: silent
    expect(room.remoteMediaState('bob')?.speaking).toBe(true); // 300 ms quiet < 500
    vi.advanceTimersByTime(300);
    volume([['bob', 0]]);
    expect(room.remoteMediaState('bob')?.speaking).toBe(false);
    volume([['bob', 50]]);
    expect(room.remoteMediaState('bob')?.speaking).toBe(true);
    c.emit('remote-audio-unavailable', { userId: 'bob' }); // muted: speaking stops at once
    expect(room.remoteMediaState('bob')).toMatchObject({ muted: true, speaking: false });
    volume([['bob', 80]]); // a stale report changes nothing while muted
    expect(room.remoteMediaState('bob')?.speaking).toBe(false);
    // Malformed payloads are ignored.
    c.emit('audio-volume', { result: 'nonsense' as never });
    c.emit('audio-volume', { result: [null as never, { userId: 7 as never, volume: 1, floatVolume: 0 }] });
  });

  it('speaking: false leaves volume evaluation off', async () => {
    const { room, client } = setup({ speaking: false });
    await room.join('r', 'alice');
    expect(client().volumeInterval).toBeUndefined();
  });
});

describe('TrtcRoom switchDevice', () => {
  it('switches the live camera and microphone through updateLocalVideo/updateLocalAudio, and the speaker through setCurrentSpeaker', async () => {
    const { room, client, speakers } = setup();
    const local: MediaStream[] = [];
    room.on('localStream', (s) => local.push(s));
    await room.join('r', 'alice');
    await room.publish();
    const before = client().calls.length;
    await room.switchDevice('camera', 'cam-2');
    await room.switchDevice('microphone', 'mic-2');
    await room.switchDevice('speaker', 'spk-2');
    expect(client().calls.slice(before)).toEqual([
      ['updateLocalVideo', { option: { cameraId: 'cam-2' } }],
      ['updateLocalAudio', { option: { microphoneId: 'mic-2' } }],
    ]);
    expect(speakers).toEqual(['spk-2']);
    expect(local.length).toBeGreaterThanOrEqual(3);
  });

  it('devices picked before joining are used when starting; a speaker is set on join', async () => {
    const { room, client, speakers } = setup();
    await room.switchDevice('camera', 'cam-1');
    await room.switchDevice('microphone', 'mic-1');
    await room.switchDevice('speaker', 'spk-1');
    expect(speakers).toEqual([]);
    await room.join('r', 'alice');
    await flush();
    expect(speakers).toEqual(['spk-1']);
    await room.publish();
    expect(client().calls.slice(1)).toEqual([
      ['startLocalVideo', { publish: true, option: { cameraId: 'cam-1' } }],
      ['startLocalAudio', { publish: true, mute: false, option: { microphoneId: 'mic-1' } }],
    ]);
  });

  it('a camera that is off is switched when it comes back on (startLocalVideo is not redone)', async () => {
    const { room, client } = setup();
    await room.join('r', 'alice');
    await room.publish();
    await room.setCameraEnabled(false);
    const before = client().calls.length;
    await room.switchDevice('camera', 'cam-3');
    expect(client().calls.length).toBe(before);
    await room.setCameraEnabled(true);
    expect(client().calls.slice(before)).toEqual([
      ['updateLocalVideo', { mute: false, option: { cameraId: 'cam-3' } }],
    ]);
  });

  it('a refused switch rejects with a typed error, emits no failure, and forgets the device', async () => {
    const denied = { code: 5300, extraCode: 5302, message: 'denied' };
    const { room, failed } = setup({}, { updateLocalVideo: denied });
    await room.join('r', 'alice');
    await room.publish();
    const error = await room.switchDevice('camera', 'cam-x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomError);
    expect((error as RoomError).reason).toBe('permission-denied');
    expect(failed).toEqual([]);
    await expect(room.switchDevice('speaker', '')).rejects.toThrow(RangeError);
  });
});
