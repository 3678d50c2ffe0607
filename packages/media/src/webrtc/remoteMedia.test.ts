// WebRtcRoom's remote media state (muted, camera off, speaking) and device switching, in Node
// over a fake RTCPeerConnection, a scripted relay and a fake Web Audio. The real browser run is
// webRtcRoom.browser.test.ts and the call demo's media-state end-to-end test.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomError, type RoomEvents } from '../roomAdapter.js';
import { FakeMediaStream, type FakeTrack, stream, track } from '../test/fakeMedia.js';
import { FakePeerConnection } from '../test/fakePeerConnection.js';
import type { RtcSignal } from './signal.js';
import type { RoomSignaling } from './signaling.js';
import { WebRtcRoom, type WebRtcRoomOptions } from './webRtcRoom.js';

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** Web Audio as far as AudioLevels uses it; `amplitude` is what every analyser reads. */
class FakeAudioContext {
  static amplitude = 0;
  static created = 0;
  state = 'running';
  sources = 0;
  constructor() {
    FakeAudioContext.created++;
  }
  createMediaStreamSource() {
    this.sources++;
    return { connect() {}, disconnect: () => this.sources-- };
  }
  createAnalyser() {
    return {
      fftSize: 0,
      getFloatTimeDomainData(buffer: Float32Array) {
        buffer.fill(FakeAudioContext.amplitude);
      },
    };
  }
  resume() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

function setup(options: Partial<WebRtcRoomOptions> = {}) {
  const sent: [string, RtcSignal][] = [];
  let deliver: ((from: string, message: unknown) => void) | undefined;
  let presence: ((userID: string, present: boolean) => void) | undefined;
  const signaling: RoomSignaling = {
    send: (to, message) => sent.push([to, message]),
    onMessage(handler) {
      deliver = handler;
      return () => {};
    },
    onMember(handler) {
      presence = handler;
      return () => {};
    },
    close() {},
  };
  const opened: MediaStreamConstraints[] = [];
  const room = new WebRtcRoom({
    signaling: () => signaling,
    createPeerConnection: (configuration) => new FakePeerConnection(configuration).asPeerConnection(),
    getUserMedia: async (constraints) => {
      opened.push(constraints);
      const id = (c: unknown) =>
        ((c as MediaTrackConstraints).deviceId as { exact?: string } | undefined)?.exact ?? 'default';
      return stream(
        ...(constraints.audio ? [track('audio', id(constraints.audio))] : []),
        ...(constraints.video ? [track('video', id(constraints.video))] : []),
      );
    },
    ...options,
  });
  const events = { remoteMedia: [] as RoomEvents['remoteMedia'][], failed: [] as RoomEvents['failed'][] };
  const local: MediaStream[] = [];
  room.on('remoteMedia', (...args) => events.remoteMedia.push(args));
  room.on('failed', (...args) => events.failed.push(args));
  room.on('localStream', (s) => local.push(s));
  const pc = () => {
    const last = FakePeerConnection.created.at(-1);
    if (last === undefined) throw new Error('no peer connection');
    return last;
  };
  const media = (audio: boolean, video: boolean, session = 's') =>
    deliver?.('bob', { type: 'media', session, audio, video });
  const states = () => events.remoteMedia.map(([user, state]) => ({ user, ...state }));
  return {
    room,
    sent,
    events,
    pc,
    media,
    states,
    opened,
    local,
    presence: (u: string) => presence?.(u, true),
  };
}

beforeEach(() => {
  FakePeerConnection.created = [];
  FakeAudioContext.amplitude = 0;
  FakeAudioContext.created = 0;
  vi.stubGlobal('MediaStream', FakeMediaStream);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('remote media state', () => {
  it('follows the peer: entered, media arriving, camera off, mute, and back on', async () => {
    const { room, pc, media, states, presence } = setup();
    await room.join('r', 'alice');
    presence('bob');
    // Entered, nothing arrived yet: no video to show; no mute mark before its word or its audio.
    expect(states()).toEqual([{ user: 'bob', muted: false, cameraOff: true, speaking: false }]);
    const audio = track('audio');
    const video = track('video');
    pc().receiveTrack(audio);
    pc().receiveTrack(video);
    media(true, true);
    await flush();
    expect(room.remoteMediaState('bob')).toEqual({ muted: false, cameraOff: false, speaking: false });
    media(true, false); // camera off: the peer says so (its video would just stop)
    await flush();
    expect(room.remoteMediaState('bob')).toEqual({ muted: false, cameraOff: true, speaking: false });
    media(false, false); // muted: a disabled track sends silence, so only the message tells
    await flush();
    expect(room.remoteMediaState('bob')).toEqual({ muted: true, cameraOff: true, speaking: false });
    media(true, true);
    await flush();
    expect(states().map(({ muted, cameraOff }) => [muted, cameraOff])).toEqual([
      [false, true],
      [false, false],
      [false, true],
      [true, true],
      [false, false],
    ]);
  });

  it('a received track that stops delivering counts as off, with no message', async () => {
    const { room, pc, media, presence } = setup();
    await room.join('r', 'alice');
    presence('bob');
    const audio = track('audio') as unknown as FakeTrack;
    const video = track('video') as unknown as FakeTrack;
    pc().receiveTrack(audio as unknown as MediaStreamTrack);
    pc().receiveTrack(video as unknown as MediaStreamTrack);
    media(true, true);
    await flush();
    video.setMuted(true);
    expect(room.remoteMediaState('bob')).toMatchObject({ cameraOff: true, muted: false });
    audio.setMuted(true);
    expect(room.remoteMediaState('bob')).toMatchObject({ cameraOff: true, muted: true });
    video.setMuted(false);
    audio.setMuted(false);
    expect(room.remoteMediaState('bob')).toMatchObject({ cameraOff: false, muted: false });
  });

  it('a track that arrives muted (Chromium, before it is played) is not taken as stopped', async () => {
    const { room, pc, media, presence } = setup();
    await room.join('r', 'alice');
    presence('bob');
    const video = track('video') as unknown as FakeTrack;
    video.muted = true;
    pc().receiveTrack(video as unknown as MediaStreamTrack);
    media(true, true);
    await flush();
    expect(room.remoteMediaState('bob')?.cameraOff).toBe(false);
    video.setMuted(false);
    video.setMuted(true); // delivered, then stopped
    expect(room.remoteMediaState('bob')?.cameraOff).toBe(true);
  });

  it('a rejoin of the peer starts from its new word, and a leave forgets the state', async () => {
    const { room, pc, media, presence, events } = setup();
    await room.join('r', 'alice');
    presence('bob');
    pc().receiveTrack(track('audio'));
    pc().receiveTrack(track('video'));
    media(true, true, 's1');
    await flush();
    expect(room.remoteMediaState('bob')?.cameraOff).toBe(false);
    // Bob reloads and joins muted with the camera off: a new session, a new connection.
    media(false, false, 's2');
    await flush();
    expect(FakePeerConnection.created).toHaveLength(2);
    expect(room.remoteMediaState('bob')).toEqual({ muted: true, cameraOff: true, speaking: false });
    await room.leave();
    expect(room.remoteMediaState('bob')).toBeUndefined();
    expect(events.remoteMedia.length).toBeGreaterThan(0);
  });

  it('this side tells a peer its own state when they meet and on every change', async () => {
    const { room, sent, presence } = setup();
    await room.join('r', 'alice');
    await room.setMicrophoneEnabled(false); // muted before the peer came
    await room.publish();
    presence('bob');
    const told = () => sent.filter(([, m]) => m.type === 'media').map(([, m]) => m);
    expect(told().at(-1)).toMatchObject({ audio: false, video: true });
    await room.setCameraEnabled(false);
    expect(told().at(-1)).toMatchObject({ audio: false, video: false });
    await room.setMicrophoneEnabled(true);
    expect(told().at(-1)).toMatchObject({ audio: true, video: false });
  });

  it('speaking comes from the received audio level, with hysteresis, and never while muted', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('AudioContext', FakeAudioContext);
    const { room, pc, media, presence } = setup({
      speaking: { threshold: 0.5, releaseMs: 400, intervalMs: 100 },
    });
    await room.join('r', 'alice');
    presence('bob');
    pc().receiveTrack(track('audio'));
    media(true, false);
    await flush();
    expect(FakeAudioContext.created).toBe(1);
    FakeAudioContext.amplitude = 0.2; // about -14 dBFS: level 0.72
    vi.advanceTimersByTime(100);
    expect(room.remoteMediaState('bob')?.speaking).toBe(true);
    FakeAudioContext.amplitude = 0;
    vi.advanceTimersByTime(300);
    expect(room.remoteMediaState('bob')?.speaking).toBe(true); // inside the release time
    vi.advanceTimersByTime(200);
    expect(room.remoteMediaState('bob')?.speaking).toBe(false);
    FakeAudioContext.amplitude = 0.2;
    vi.advanceTimersByTime(100);
    expect(room.remoteMediaState('bob')?.speaking).toBe(true);
    media(false, false); // muted: speaking stops at once, and the level is no longer read
    await flush();
    expect(room.remoteMediaState('bob')).toEqual({ muted: true, cameraOff: true, speaking: false });
    vi.advanceTimersByTime(500);
    expect(room.remoteMediaState('bob')?.speaking).toBe(false);
    await room.leave();
  });

  it('speaking: false makes no AudioContext', async () => {
    vi.stubGlobal('AudioContext', FakeAudioContext);
    const { room, pc, media, presence } = setup({ speaking: false });
    await room.join('r', 'alice');
    presence('bob');
    pc().receiveTrack(track('audio'));
    media(true, false);
    await flush();
    expect(FakeAudioContext.created).toBe(0);
    expect(room.remoteMediaState('bob')).toEqual({ muted: false, cameraOff: true, speaking: false });
  });

  it('bad speaking options are refused when the room is made', () => {
    expect(() => setup({ speaking: { threshold: 1.5 } })).toThrow(RangeError);
  });
});

describe('switchDevice', () => {
  it('replaces the live camera and microphone tracks for every peer and keeps the mute', async () => {
    const { room, pc, presence, opened, local } = setup();
    await room.join('r', 'alice');
    presence('bob');
    const stream = await room.publish();
    await room.setMicrophoneEnabled(false);
    const [oldMic] = stream.getAudioTracks();
    const [oldCam] = stream.getVideoTracks();
    await room.switchDevice('camera', 'cam-2');
    await room.switchDevice('microphone', 'mic-2');
    await flush();
    expect(opened.slice(1)).toEqual([
      { video: { deviceId: { exact: 'cam-2' } } },
      { audio: { deviceId: { exact: 'mic-2' } } },
    ]);
    const [mic] = stream.getAudioTracks();
    const [cam] = stream.getVideoTracks();
    expect(cam?.getSettings().deviceId).toBe('cam-2');
    expect(mic?.getSettings().deviceId).toBe('mic-2');
    expect(mic?.enabled).toBe(false); // still muted
    expect(oldCam?.readyState).toBe('ended');
    expect(oldMic?.readyState).toBe('ended');
    expect(pc().senders.map((s) => s.track)).toEqual(expect.arrayContaining([mic, cam]));
    expect(pc().senders).toHaveLength(2); // replaced, not added: no renegotiation
    expect(local.at(-1)).toBe(stream);
    // Switching to the device in use opens nothing.
    await room.switchDevice('camera', 'cam-2');
    expect(opened).toHaveLength(3);
  });

  it('a camera picked while off or before publishing is used when it starts', async () => {
    const { room, opened } = setup({ constraints: { video: { width: 640 } } });
    await room.switchDevice('camera', 'cam-9'); // not even joined
    await room.join('r', 'alice');
    await room.publish({ audio: false });
    expect(opened).toEqual([{ audio: false, video: { width: 640, deviceId: { exact: 'cam-9' } } }]);
    await room.setCameraEnabled(false);
    await room.switchDevice('camera', 'cam-3');
    expect(opened).toHaveLength(1);
    await room.setCameraEnabled(true);
    expect(opened.at(-1)).toEqual({ audio: false, video: { width: 640, deviceId: { exact: 'cam-3' } } });
  });

  it('a device that cannot open rejects typed, keeps the old track and the call', async () => {
    let refuse = false;
    const busy = Object.assign(new Error('in use'), { name: 'NotReadableError' });
    const { room, events } = setup({
      getUserMedia: async (constraints) => {
        if (refuse) throw busy;
        return stream(
          ...(constraints.audio ? [track('audio')] : []),
          ...(constraints.video ? [track('video')] : []),
        );
      },
    });
    await room.join('r', 'alice');
    const local = await room.publish();
    const [cam] = local.getVideoTracks();
    refuse = true;
    const error = await room.switchDevice('camera', 'broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomError);
    expect((error as RoomError).reason).toBe('device-error');
    expect(local.getVideoTracks()).toEqual([cam]);
    expect(cam?.readyState).toBe('live');
    expect(events.failed).toEqual([]); // 'failed' would end the call
    await expect(room.switchDevice('camera', '')).rejects.toThrow(RangeError);
  });

  it('a picked device that is gone (unplugged) falls back to the default when starting', async () => {
    const gone = Object.assign(new Error('no such device'), { name: 'OverconstrainedError' });
    const opened: MediaStreamConstraints[] = [];
    const { room, events } = setup({
      getUserMedia: async (constraints) => {
        opened.push(constraints);
        if (JSON.stringify(constraints).includes('cam-gone')) throw gone;
        return stream(
          ...(constraints.audio ? [track('audio')] : []),
          ...(constraints.video ? [track('video')] : []),
        );
      },
    });
    await room.switchDevice('camera', 'cam-gone');
    await room.join('r', 'alice');
    const local = await room.publish();
    expect(opened).toEqual([
      { audio: true, video: { deviceId: { exact: 'cam-gone' } } },
      { audio: true, video: true },
    ]);
    expect(local.getTracks().map((t) => t.kind)).toEqual(['audio', 'video']);
    expect(events.failed).toEqual([]);
  });

  it('a speaker is only remembered: the app routes its media elements', async () => {
    const { room, opened } = setup();
    await room.join('r', 'alice');
    await room.switchDevice('speaker', 'spk-1');
    expect(opened).toEqual([]);
  });
});
