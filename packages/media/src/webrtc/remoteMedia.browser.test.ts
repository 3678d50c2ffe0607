// Remote media state and device switching with real WebRTC in Chromium (the 'media' project):
// fake camera and microphone (a beeping tone), two rooms in one page over the in-memory relay.
// The 'unit' project also matches this file name; in Node it only checks that importing is safe.
import { afterEach, describe, expect, it } from 'vitest';
import type { RemoteMediaState } from '../remoteState.js';
import { loopbackOnly, until } from '../test/browserRtc.js';
import { createMemoryRoomHub } from './memoryHub.js';
import { WebRtcRoom } from './webRtcRoom.js';

const inBrowser = typeof globalThis.RTCPeerConnection === 'function';

const rooms: WebRtcRoom[] = [];
const elements: HTMLMediaElement[] = [];

afterEach(async () => {
  await Promise.all(rooms.splice(0).map((room) => room.leave()));
  for (const element of elements.splice(0)) element.remove();
});

describe.runIf(inBrowser)('remote media state in Chromium', () => {
  it('camera off, mute and voice are seen on the other side, and back on', async () => {
    const hub = createMemoryRoomHub({ transform: loopbackOnly });
    const alice = new WebRtcRoom({ signaling: hub.connect, speaking: { threshold: 0.1, releaseMs: 1500 } });
    const bob = new WebRtcRoom({ signaling: hub.connect });
    rooms.push(alice, bob);
    const seen: RemoteMediaState[] = [];
    alice.on('remoteMedia', (user, state) => {
      if (user === 'bob') seen.push(state);
    });
    // Chromium feeds Web Audio from a remote track only while the stream plays somewhere.
    alice.on('remoteStream', (_user, stream) => {
      if (elements.length > 0) return;
      const audio = document.createElement('audio');
      audio.srcObject = stream;
      audio.muted = true;
      document.body.append(audio);
      elements.push(audio);
      void audio.play().catch(() => {});
    });
    const state = () => alice.remoteMediaState('bob');
    const when = (what: string, check: (s: RemoteMediaState) => boolean) =>
      until(what, () => {
        const s = state();
        return s !== undefined && check(s) ? s : undefined;
      });

    await alice.join('call-state', 'alice');
    await bob.join('call-state', 'bob');
    await Promise.all([alice.publish(), bob.publish()]);
    await when('bob on camera and unmuted', (s) => !s.cameraOff && !s.muted);
    // The fake microphone beeps: bob speaks at some point.
    await until('bob speaking', () => (seen.some((s) => s.speaking) ? true : undefined), 15_000);

    await bob.setCameraEnabled(false);
    await when('bob camera off', (s) => s.cameraOff && !s.muted);
    await bob.setMicrophoneEnabled(false);
    await when('bob muted, not speaking', (s) => s.cameraOff && s.muted && !s.speaking);
    await bob.setCameraEnabled(true);
    await bob.setMicrophoneEnabled(true);
    await when('bob back on camera, unmuted', (s) => !s.cameraOff && !s.muted);
  });

  it('switches the live microphone to another fake device without renegotiating', async () => {
    const hub = createMemoryRoomHub({ transform: loopbackOnly });
    const alice = new WebRtcRoom({ signaling: hub.connect, speaking: false });
    const bob = new WebRtcRoom({ signaling: hub.connect, speaking: false });
    rooms.push(alice, bob);
    await alice.join('call-switch', 'alice');
    await bob.join('call-switch', 'bob');
    const [local] = await Promise.all([alice.publish(), bob.publish()]);
    await until('bob hears alice', () => (bob.remoteMediaState('alice')?.muted === false ? true : undefined));
    // Chromium's fake devices: three microphones (default, 1, 2), one camera unless told more.
    const microphones = (await navigator.mediaDevices.enumerateDevices()).filter(
      (d) => d.kind === 'audioinput',
    );
    const current = local.getAudioTracks()[0]?.getSettings().deviceId;
    const target = microphones.find((d) => d.deviceId !== current && d.deviceId !== 'default');
    if (target === undefined) throw new Error(`one microphone only: ${JSON.stringify(microphones)}`);
    const before = local.getAudioTracks()[0];
    await alice.switchDevice('microphone', target.deviceId);
    expect(local.getAudioTracks()).toHaveLength(1);
    expect(local.getAudioTracks()[0]).not.toBe(before);
    expect(local.getAudioTracks()[0]?.getSettings().deviceId).toBe(target.deviceId);
    expect(before?.readyState).toBe('ended');
    // The far end keeps its connection: the same stream, audio still arriving.
    const stats = async () => {
      const report = await alice.getStats('bob');
      let bytes = 0;
      for (const s of report?.values() ?? [])
        if (s.type === 'outbound-rtp' && s.kind === 'audio') bytes += s.bytesSent;
      return bytes;
    };
    const sent = await stats();
    const started = performance.now();
    while ((await stats()) <= sent) {
      if (performance.now() - started > 10_000) throw new Error('no audio sent after the switch');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(bob.remoteMediaState('alice')?.muted).toBe(false);
    const error = await alice.switchDevice('camera', 'no-such-camera').catch((e: unknown) => e);
    expect((error as { reason?: string }).reason).toBe('device-error');
    expect(local.getVideoTracks()[0]?.readyState).toBe('live');
  });
});
