import type { BannedReason, RtcError } from 'trtc-sdk-v5';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomError, type RoomEvents } from '../roomAdapter.js';
import { FakeMediaStream, track } from '../test/fakeMedia.js';
import { type FakeTrtcClient, fakeTrtcSdk, MAIN, SUB } from '../test/fakeTrtc.js';
import type { TrtcSdk } from './sdk.js';
import { TRTC_GROUP_CALL_LIMIT, TrtcRoom, type TrtcRoomOptions } from './trtcRoom.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

type Recorded = { [E in keyof RoomEvents]: RoomEvents[E][] };

function setup(options: Partial<TrtcRoomOptions> = {}, failures: Record<string, unknown> = {}) {
  const { sdk, clients } = fakeTrtcSdk(failures);
  const loadSdk = vi.fn(async (): Promise<TrtcSdk> => sdk);
  const userSig = vi.fn(async (userID: string) => `sig-for-${userID}`);
  const room = new TrtcRoom({ sdkAppId: 1400000001, userSig, loadSdk, ...options });
  const events: Recorded = {
    remoteUserEntered: [],
    remoteUserLeft: [],
    remoteStream: [],
    remoteMedia: [],
    localStream: [],
    failed: [],
  };
  for (const name of Object.keys(events) as (keyof RoomEvents)[]) {
    room.on(name, (...args: RoomEvents[typeof name]) => {
      (events[name] as unknown[]).push(args);
    });
  }
  const client = (): FakeTrtcClient => {
    const last = clients.at(-1);
    if (last === undefined) throw new Error('no TRTC client was created');
    return last;
  };
  return { room, events, client, clients, loadSdk, userSig };
}

beforeEach(() => {
  vi.stubGlobal('MediaStream', FakeMediaStream);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('TrtcRoom join and leave', () => {
  it('loads the SDK only on join, then enters the room with the string room id', async () => {
    const { room, client, clients, loadSdk, userSig } = setup({ enterRoom: { autoReceiveAudio: true } });
    expect(loadSdk).not.toHaveBeenCalled();
    expect(clients).toHaveLength(0);
    await room.join('room-42', 'alice');
    expect(loadSdk).toHaveBeenCalledOnce();
    expect(userSig).toHaveBeenCalledWith('alice');
    expect(client().calls).toEqual([
      [
        'enterRoom',
        {
          autoReceiveAudio: true,
          sdkAppId: 1400000001,
          userId: 'alice',
          userSig: 'sig-for-alice',
          strRoomId: 'room-42',
        },
      ],
    ]);
    expect(room.roomID).toBe('room-42');
    expect(room.playsRemoteAudio).toBe(true);
  });

  it('enters a TRTC room number as the numeric roomId, as TUICallKit does', async () => {
    const { room, client } = setup();
    await room.join('98765', 'alice');
    expect(client().calls[0]?.[1]).toMatchObject({ roomId: 98765 });
    expect(client().calls[0]?.[1]).not.toHaveProperty('strRoomId');
    expect(room.roomID).toBe('98765');
    await room.leave();
    await room.join('0098765', 'alice'); // not canonical: a string room
    expect(client().calls[0]?.[1]).toMatchObject({ strRoomId: '0098765' });
  });

  it('leave exits the room, stops what was started, destroys the client and drops its listeners', async () => {
    const { room, client, events } = setup();
    await room.join('room-42', 'alice');
    await room.publish();
    expect(client().listenerCount()).toBeGreaterThan(0);
    const c = client();
    c.calls.length = 0;
    await room.leave();
    expect(c.calls.map(([method]) => method)).toEqual([
      'exitRoom',
      'stopLocalVideo',
      'stopLocalAudio',
      'destroy',
    ]);
    expect(c.listenerCount()).toBe(0);
    expect(room.roomID).toBeUndefined();
    c.emit('remote-user-enter', { userId: 'bob' }); // a late event from the old client
    expect(events.remoteUserEntered).toEqual([]);
    await room.leave();
    await room.join('room-43', 'alice');
    expect(room.roomID).toBe('room-43');
  });

  it('a failed enterRoom rejects with sdk-error, reports it and destroys the client', async () => {
    const { room, events, client } = setup({}, { enterRoom: { code: 4000, message: 'invalid userSig' } });
    const error = await room.join('room-42', 'alice').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomError);
    expect(error).toMatchObject({ reason: 'sdk-error' });
    expect(String((error as Error).message)).toContain('invalid userSig');
    expect(events.failed).toEqual([[error]]);
    expect(client().destroyed).toBe(true);
    expect(room.roomID).toBeUndefined();
  });

  it('an SDK that cannot load, or a UserSig that cannot be had, is sdk-error', async () => {
    const noSdk = setup({ loadSdk: () => Promise.reject(new Error('chunk failed')) });
    await expect(noSdk.room.join('r', 'alice')).rejects.toMatchObject({ reason: 'sdk-error' });
    const noSig = setup({ userSig: () => Promise.reject(new Error('403')) });
    await expect(noSig.room.join('r', 'alice')).rejects.toMatchObject({ reason: 'sdk-error' });
    expect(noSig.clients).toHaveLength(0);
  });

  it('a leave while joining leaves nothing behind', async () => {
    let release: (sig: string) => void = () => {};
    const { room, clients } = setup({ userSig: () => new Promise((resolve) => (release = resolve)) });
    const joining = room.join('r', 'alice');
    await flush();
    await room.leave();
    release('sig');
    await joining;
    expect(clients).toHaveLength(0);
    expect(room.roomID).toBeUndefined();
  });
});

describe('TrtcRoom local media', () => {
  it('publish starts and publishes camera and microphone and hands out their tracks', async () => {
    const { room, client, events } = setup();
    await room.join('r', 'alice');
    const local = await room.publish();
    expect(client().calls.slice(1)).toEqual([
      ['startLocalVideo', { publish: true }],
      ['startLocalAudio', { publish: true, mute: false }],
    ]);
    expect(local.getTracks()).toEqual([client().localTracks.video, client().localTracks.audio]);
    expect(events.localStream).toEqual([[local]]);
    expect(await room.publish()).toBe(local);
    expect(client().calls).toHaveLength(3); // nothing started twice
  });

  it('mute and camera off go through updateLocalAudio / updateLocalVideo', async () => {
    const { room, client, events } = setup();
    await room.join('r', 'alice');
    const local = await room.publish();
    client().calls.length = 0;
    await room.setMicrophoneEnabled(false);
    await room.setCameraEnabled(false);
    expect(local.getVideoTracks()).toEqual([]);
    await room.setCameraEnabled(false); // already off
    await room.setCameraEnabled(true);
    await room.setMicrophoneEnabled(true);
    expect(client().calls).toEqual([
      ['updateLocalAudio', { mute: true }],
      ['updateLocalVideo', { mute: true }],
      ['updateLocalVideo', { mute: false }],
      ['updateLocalAudio', { mute: false }],
    ]);
    expect(local.getVideoTracks()).toEqual([client().localTracks.video]);
    expect(events.localStream).toHaveLength(3);
  });

  it('a microphone muted before publishing starts muted; the camera can start later', async () => {
    const { room, client } = setup();
    await room.join('r', 'alice');
    await room.setMicrophoneEnabled(false);
    await room.publish({ video: false });
    await room.setCameraEnabled(true);
    expect(client().calls.slice(1)).toEqual([
      ['startLocalAudio', { publish: true, mute: true }],
      ['startLocalVideo', { publish: true }],
    ]);
  });

  it.each([
    [{ code: 5300, extraCode: 5302, message: 'NotAllowedError' }, 'permission-denied'],
    [{ code: 5300, originError: { name: 'NotAllowedError' }, message: 'denied' }, 'permission-denied'],
    [{ code: 5300, extraCode: 5301, message: 'NotFoundError' }, 'device-error'],
    [{ code: 5200, message: 'not supported' }, 'sdk-error'],
  ])('a startLocalVideo failure %o is %s', async (failure, reason) => {
    const { room, client, events } = setup();
    await room.join('r', 'alice');
    client().failures.set('startLocalVideo', failure);
    await expect(room.publish()).rejects.toMatchObject({ reason });
    expect(events.failed.map(([e]) => e.reason)).toEqual([reason]);
  });

  it('publishing needs a room', async () => {
    const { room } = setup();
    await expect(room.publish()).rejects.toThrow(/join a room/);
    await expect(room.setCameraEnabled(true)).rejects.toThrow(/join a room/);
    await room.setCameraEnabled(false);
    await room.setMicrophoneEnabled(false);
  });
});

describe('TrtcRoom remote users', () => {
  it('maps enter, video and audio availability, and exit', async () => {
    const { room, client, events } = setup();
    await room.join('r', 'alice');
    const c = client();
    c.emit('remote-user-enter', { userId: 'bob' });
    expect(events.remoteUserEntered).toEqual([['bob']]);

    c.emit('remote-video-available', { userId: 'bob', streamType: MAIN });
    await flush();
    expect(c.calls.at(-1)).toEqual(['startRemoteVideo', { userId: 'bob', streamType: MAIN, view: null }]);
    const bob = c.remoteTracks.get('bob');
    expect(events.remoteStream.map(([user, , kinds]) => [user, kinds])).toEqual([['bob', ['video']]]);
    const stream = events.remoteStream[0]?.[1];
    expect(stream?.getTracks()).toEqual([bob?.video]);

    c.emit('remote-video-available', { userId: 'bob', streamType: SUB }); // screen sharing: not handled here
    c.emit('remote-audio-available', { userId: 'bob' });
    c.emit('remote-video-unavailable', { userId: 'bob', streamType: MAIN });
    c.emit('remote-audio-unavailable', { userId: 'bob' });
    await flush();
    expect(events.remoteStream.map(([, s, kinds]) => [s === stream, kinds])).toEqual([
      [true, ['video']],
      [true, ['audio', 'video']],
      [true, ['audio']],
      [true, []],
    ]);
    expect(c.calls.filter(([m]) => m === 'startRemoteVideo')).toHaveLength(1);

    c.emit('remote-user-exit', { userId: 'bob' });
    expect(events.remoteUserLeft).toEqual([['bob']]);
  });

  it('a track that arrives or is replaced later updates the stream', async () => {
    const { room, client, events } = setup();
    await room.join('r', 'alice');
    const c = client();
    c.emit('remote-audio-available', { userId: 'bob' });
    const replacement = track('audio');
    c.emit('track', { userId: 'bob', track: replacement, sourceTrack: replacement });
    c.emit('track', { userId: '', track: c.localTracks.video, sourceTrack: c.localTracks.video }); // local: ignored
    const stream = events.remoteStream[0]?.[1];
    expect(stream?.getAudioTracks()).toEqual([replacement]);
    expect(stream?.getVideoTracks()).toEqual([]);
  });

  it('a startRemoteVideo failure is reported', async () => {
    const { room, client, events } = setup();
    await room.join('r', 'alice');
    client().failures.set('startRemoteVideo', { code: 5500, message: 'subscribe failed' });
    client().emit('remote-video-available', { userId: 'bob', streamType: MAIN });
    await flush();
    expect(events.failed.map(([e]) => e.reason)).toEqual(['sdk-error']);
  });

  it('an SDK error event is sdk-error; being kicked out ends the room', async () => {
    const { room, client, events } = setup();
    await room.join('r', 'alice');
    await room.publish();
    const c = client();
    c.emit('error', Object.assign(new Error('network lost'), { code: 5501 }) as unknown as RtcError);
    expect(events.failed.map(([e]) => e.reason)).toEqual(['sdk-error']);
    c.emit('kicked-out', { reason: 'kick' as BannedReason.KICK });
    await flush();
    expect(events.failed.map(([e]) => e.reason)).toEqual(['sdk-error', 'kicked-out']);
    expect(c.destroyed).toBe(true);
    expect(room.roomID).toBeUndefined();
    expect(c.listenerCount()).toBe(0);
  });
});

describe('TrtcRoom participant limit', () => {
  it("defaults to TUICallKit's 9: the ninth remote user is not played and is reported", async () => {
    expect(TRTC_GROUP_CALL_LIMIT).toBe(9);
    const { room, client, events } = setup();
    expect(room.maxParticipants).toBe(9);
    await room.join('r', 'alice');
    const c = client();
    const users = Array.from({ length: 9 }, (_, i) => `u${i + 1}`);
    for (const userId of users) c.emit('remote-user-enter', { userId });
    expect(events.remoteUserEntered.map(([user]) => user)).toEqual(users.slice(0, 8));
    await flush();
    expect(c.calls.filter(([m]) => m === 'muteRemoteAudio')).toEqual([
      ['muteRemoteAudio', { userId: 'u9', mute: true }],
    ]);
    const [[error]] = events.failed as [[RoomError]];
    expect(error.reason).toBe('room-full');
    expect(error.userID).toBe('u9');
    expect(error.details).toEqual({ limit: 9, refusedBy: 'local' });
    expect(events.failed).toHaveLength(1);
  });

  it('a refused user stays unplayed until it leaves; the seated keep their seats; a new entry after it left is seated if there is room', async () => {
    const { room, client, events } = setup({ maxParticipants: 2 });
    await room.join('r', 'alice');
    const c = client();
    c.emit('remote-user-enter', { userId: 'bob' });
    c.emit('remote-user-enter', { userId: 'carol' });
    c.emit('remote-video-available', { userId: 'carol', streamType: MAIN });
    c.emit('remote-audio-available', { userId: 'carol' });
    const carolTrack = track('video');
    c.emit('track', { userId: 'carol', track: carolTrack, sourceTrack: carolTrack });
    c.emit('audio-volume', { result: [{ userId: 'carol', volume: 90, floatVolume: 0.9 }] });
    await flush();
    expect(
      c.calls.filter(
        ([m, arg]) => m === 'startRemoteVideo' && (arg as { userId: string }).userId === 'carol',
      ),
    ).toEqual([]);
    expect(events.remoteStream).toEqual([]);
    expect(room.remoteMediaState('carol')).toBeUndefined();
    expect(events.remoteUserEntered).toEqual([['bob']]);

    c.emit('remote-user-exit', { userId: 'carol' });
    expect(events.remoteUserLeft).toEqual([]); // never announced, so never gone
    c.emit('remote-user-exit', { userId: 'bob' });
    c.emit('remote-user-enter', { userId: 'carol' });
    expect(events.remoteUserEntered).toEqual([['bob'], ['carol']]);
    expect(events.failed).toHaveLength(1);
  });

  it('the limit is whole people, two at least', () => {
    for (const maxParticipants of [1, 0, 3.5, Number.NaN, 1001]) {
      expect(() => setup({ maxParticipants })).toThrow(RangeError);
    }
  });

  it('leaving forgets the refusals: the next join seats afresh', async () => {
    const { room, client, events } = setup({ maxParticipants: 2 });
    await room.join('r', 'alice');
    client().emit('remote-user-enter', { userId: 'bob' });
    client().emit('remote-user-enter', { userId: 'carol' });
    await room.leave();
    await room.join('r', 'alice');
    client().emit('remote-user-enter', { userId: 'carol' });
    expect(events.remoteUserEntered).toEqual([['bob'], ['carol']]);
  });
});
