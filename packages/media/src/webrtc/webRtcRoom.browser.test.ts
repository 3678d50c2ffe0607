// Real WebRTC in Chromium (the 'media' Vitest project): fake camera and microphone, two rooms in
// one page joined through the in-memory relay, ICE over 127.0.0.1 only, no STUN server.
// The 'unit' project also matches this file name; in Node it only checks that importing is safe.
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaKind, RoomEvents } from '../roomAdapter.js';
import { loopbackOnly, until } from '../test/browserRtc.js';
import { createMemoryRoomHub, type MemoryRoomHub } from './memoryHub.js';
import type { RtcSignal } from './signal.js';
import type { RoomSignalingFactory } from './signaling.js';
import { WebRtcRoom, type WebRtcRoomOptions } from './webRtcRoom.js';

const inBrowser = typeof globalThis.RTCPeerConnection === 'function';

type Recorded = { [E in keyof RoomEvents]: RoomEvents[E][] };

const rooms: WebRtcRoom[] = [];
const videos: HTMLVideoElement[] = [];

/** A relay that holds every message until released, to make offers cross for certain. */
function heldRelay(hub: MemoryRoomHub) {
  let held: { from: string; send: () => void; message: RtcSignal }[] | undefined = [];
  const connect: RoomSignalingFactory = (roomID, userID) => {
    const signaling = hub.connect(roomID, userID);
    return {
      ...signaling,
      send: (to, message) => {
        if (held === undefined) signaling.send(to, message);
        else held.push({ from: userID, message, send: () => signaling.send(to, message) });
      },
    };
  };
  return {
    connect,
    offersFrom: () =>
      new Set(
        (held ?? []).flatMap(({ from, message }) =>
          message.type === 'description' && message.description.type === 'offer' ? [from] : [],
        ),
      ),
    release() {
      const messages = held ?? [];
      held = undefined;
      for (const { send } of messages) send();
    },
  };
}

function createRoom(
  relay: { connect: RoomSignalingFactory },
  options: Partial<WebRtcRoomOptions> = {},
): { room: WebRtcRoom; events: Recorded } {
  const room = new WebRtcRoom({ signaling: relay.connect, rtcConfiguration: { iceServers: [] }, ...options });
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
  rooms.push(room);
  return { room, events };
}

/** The stream of the latest `remoteStream` event for a user (after the first `after`), once its kinds are `kinds`. */
function streamWith(
  events: Recorded,
  userID: string,
  kinds: readonly MediaKind[],
  after = 0,
): Promise<MediaStream> {
  return until(`${userID} sending ${kinds.join('+') || 'nothing'}`, () => {
    const last = events.remoteStream
      .slice(after)
      .filter(([user]) => user === userID)
      .at(-1);
    return last !== undefined && last[2].join() === kinds.join() ? last[1] : undefined;
  });
}

/** Plays a stream in a muted <video> until it has a size and its time advances. */
async function playing(stream: MediaStream): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.body.append(video);
  videos.push(video);
  await video.play();
  await until('a video frame', () => (video.videoWidth > 0 ? true : undefined));
  await advancing(video);
  return video;
}

async function advancing(video: HTMLVideoElement): Promise<void> {
  const from = video.currentTime;
  await until('the video time to advance', () => (video.currentTime > from + 0.2 ? true : undefined));
}

type Stats = Record<string, unknown>[];

async function stats(room: WebRtcRoom, userID: string): Promise<Stats> {
  const report = await room.getStats(userID);
  if (report === undefined) throw new Error(`no connection to ${userID}`);
  return [...report.values()] as Stats;
}

/** The candidate pair ICE selected: local address, and the remote candidate as `type address`. */
function selectedPair(stats: Stats): { local: string; remote: string } {
  const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
  const local = stats.find((s) => s.id === pair?.localCandidateId);
  const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
  return { local: String(local?.address), remote: `${remote?.candidateType} ${remote?.address}` };
}

/** The addresses of this page's own host candidates (the machine's interfaces). */
function ownAddresses(...all: Stats[]): Set<string> {
  return new Set(all.flat().flatMap((s) => (s.type === 'local-candidate' ? [String(s.address)] : [])));
}

afterEach(async () => {
  await Promise.all(rooms.splice(0).map((room) => room.leave()));
  for (const video of videos.splice(0)) video.remove();
});

describe.runIf(inBrowser)('WebRtcRoom in Chromium', () => {
  it('two users publish at once, each plays the other, and a leave is seen', async () => {
    const relay = heldRelay(createMemoryRoomHub({ transform: loopbackOnly }));
    const alice = createRoom(relay);
    const bob = createRoom(relay);
    await alice.room.join('call-1', 'alice');
    await bob.room.join('call-1', 'bob');
    await until('both to see each other', () =>
      alice.events.remoteUserEntered.length && bob.events.remoteUserEntered.length ? true : undefined,
    );
    expect(alice.events.remoteUserEntered).toEqual([['bob']]);
    expect(bob.events.remoteUserEntered).toEqual([['alice']]);

    // Both offer before either offer arrives (the relay holds them): perfect negotiation
    // resolves the glare, bob (impolite) keeps his offer and alice answers it.
    const [aliceLocal, bobLocal] = await Promise.all([alice.room.publish(), bob.room.publish()]);
    await until('crossing offers', () => (relay.offersFrom().size === 2 ? true : undefined));
    relay.release();
    expect(aliceLocal.getTracks().map((t) => t.kind)).toEqual(['audio', 'video']);
    expect(bobLocal.getTracks().map((t) => t.kind)).toEqual(['audio', 'video']);
    expect(alice.events.localStream).toEqual([[aliceLocal]]);

    const [fromBob, fromAlice] = await Promise.all([
      streamWith(alice.events, 'bob', ['audio', 'video']),
      streamWith(bob.events, 'alice', ['audio', 'video']),
    ]);
    const [bobVideo, aliceVideo] = await Promise.all([playing(fromBob), playing(fromAlice)]);
    expect(bobVideo.videoWidth).toBeGreaterThan(0);
    expect(aliceVideo.videoWidth).toBeGreaterThan(0);
    expect(fromBob.getAudioTracks()).toHaveLength(1);

    // The relay passed loopback host candidates only. Chromium still pairs its other local
    // sockets with them, and the far end learns those as peer-reflexive candidates (whose
    // address stats hide), so one end of a path may be this machine's own interface address:
    // every candidate in play is one of this page's own, none is another host's.
    const [aliceStats, bobStats] = await Promise.all([stats(alice.room, 'bob'), stats(bob.room, 'alice')]);
    const own = ownAddresses(aliceStats, bobStats);
    for (const side of [aliceStats, bobStats]) {
      const remotes = side.filter((s) => s.type === 'remote-candidate');
      expect(remotes.length).toBeGreaterThan(0);
      for (const candidate of remotes) {
        if (candidate.candidateType === 'host') expect(candidate.address).toBe('127.0.0.1');
        else expect(candidate.candidateType).toBe('prflx'); // no STUN, no TURN: nothing srflx or relayed
      }
      const { local, remote } = selectedPair(side);
      expect(own).toContain(local);
      expect(['host 127.0.0.1', 'prflx ']).toContain(remote);
    }

    await bob.room.leave();
    await until('alice to see bob leave', () => (alice.events.remoteUserLeft.length ? true : undefined));
    expect(alice.events.remoteUserLeft).toEqual([['bob']]);
    expect(alice.room.remoteUsers).toEqual([]);
    expect(bobLocal.getTracks().every((t) => t.readyState === 'ended')).toBe(true);
    expect(alice.events.failed).toEqual([]);
    expect(bob.events.failed).toEqual([]);
  });

  it('mute, camera off and on again reach the other side; the video plays again', async () => {
    const hub = createMemoryRoomHub({ transform: loopbackOnly });
    const alice = createRoom(hub);
    const bob = createRoom(hub);
    await alice.room.join('call-2', 'alice');
    await bob.room.join('call-2', 'bob');
    await bob.room.publish();
    const stream = await streamWith(alice.events, 'bob', ['audio', 'video']);
    const video = await playing(stream);

    await bob.room.setCameraEnabled(false);
    await streamWith(alice.events, 'bob', ['audio']);
    expect(bob.events.localStream.at(-1)?.[0].getVideoTracks()).toEqual([]);

    await bob.room.setMicrophoneEnabled(false);
    await streamWith(alice.events, 'bob', []);
    expect(bob.events.localStream.at(-1)?.[0].getAudioTracks()[0]?.enabled).toBe(false);

    await bob.room.setCameraEnabled(true);
    const again = await streamWith(alice.events, 'bob', ['video']);
    expect(again).toBe(stream); // the same stream object for as long as bob stays
    await advancing(video);

    await bob.room.setMicrophoneEnabled(true);
    await streamWith(alice.events, 'bob', ['audio', 'video']);
    expect(alice.events.failed).toEqual([]);
  });

  it('a late joiner who only watches, then publishes (renegotiation both ways)', async () => {
    const hub = createMemoryRoomHub({ transform: loopbackOnly });
    const alice = createRoom(hub);
    await alice.room.join('call-3', 'alice');
    await alice.room.publish();

    const bob = createRoom(hub);
    await bob.room.join('call-3', 'bob');
    await playing(await streamWith(bob.events, 'alice', ['audio', 'video']));
    expect(alice.events.remoteStream).toEqual([]); // bob sends nothing yet

    await bob.room.publish({ audio: false, video: true });
    await playing(await streamWith(alice.events, 'bob', ['video']));
    await bob.room.publish({ audio: true, video: true });
    await streamWith(alice.events, 'bob', ['audio', 'video']);
    expect(alice.events.failed).toEqual([]);
    expect(bob.events.failed).toEqual([]);
  });

  it('a user who joins again gets a fresh connection', async () => {
    const hub = createMemoryRoomHub({ transform: loopbackOnly });
    const alice = createRoom(hub);
    const bob = createRoom(hub);
    await alice.room.join('call-4', 'alice');
    await alice.room.publish();
    await bob.room.join('call-4', 'bob');
    await bob.room.publish();

    const first = await streamWith(alice.events, 'bob', ['audio', 'video']);

    await bob.room.leave();
    await until('bob to leave', () => (alice.events.remoteUserLeft.length ? true : undefined));
    const seen = alice.events.remoteStream.length;
    await bob.room.join('call-4', 'bob');
    await bob.room.publish();
    await until('bob to enter again', () => (alice.events.remoteUserEntered.length === 2 ? true : undefined));
    const second = await streamWith(alice.events, 'bob', ['audio', 'video'], seen);
    expect(second).not.toBe(first);
    await playing(second);
    expect(alice.events.remoteUserEntered).toEqual([['bob'], ['bob']]);
    expect(alice.events.failed).toEqual([]);
  });
});

describe.runIf(inBrowser)('a mesh of three in Chromium', () => {
  /** The bytes of media a room has received from a user so far (audio and video). */
  async function bytesFrom(room: WebRtcRoom, userID: string): Promise<number> {
    const inbound = (await stats(room, userID)).filter((s) => s.type === 'inbound-rtp');
    return inbound.reduce((sum, s) => sum + Number(s.bytesReceived ?? 0), 0);
  }

  /** Polls until `room` has received more than `bytes` from each of `users`. */
  async function flowing(room: WebRtcRoom, users: readonly string[], over: Record<string, number> = {}) {
    const seen: Record<string, number> = {};
    for (const userID of users) {
      const floor = over[userID] ?? 0;
      let last = 0;
      await until(`media from ${userID}`, () => {
        bytesFrom(room, userID).then(
          (bytes) => {
            last = bytes;
          },
          () => {}, // no connection (yet): keep polling
        );
        return last > floor + 10_000 ? true : undefined;
      });
      seen[userID] = last;
    }
    return seen;
  }

  it('each plays the other two; when one leaves the other two keep their connection', async () => {
    const hub = createMemoryRoomHub({ transform: loopbackOnly });
    const people = ['amy', 'ben', 'cat'].map((userID) => ({ userID, ...createRoom(hub) }));
    const [amy, ben, cat] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    for (const { room, userID } of people) {
      await room.join('group-1', userID);
      await room.publish();
    }
    for (const me of people) {
      const others = people.filter((p) => p !== me).map((p) => p.userID);
      const streams = await Promise.all(
        others.map((userID) => streamWith(me.events, userID, ['audio', 'video'])),
      );
      await Promise.all(streams.map(playing));
      await flowing(me.room, others);
      expect(me.room.remoteUsers.sort()).toEqual(others);
    }

    const amyBefore = await flowing(amy.room, ['ben']);
    const benBefore = await flowing(ben.room, ['amy']);
    await cat.room.leave();
    await until('amy and ben to see cat leave', () =>
      amy.events.remoteUserLeft.length && ben.events.remoteUserLeft.length ? true : undefined,
    );
    expect(amy.events.remoteUserLeft).toEqual([['cat']]);
    expect(ben.events.remoteUserLeft).toEqual([['cat']]);
    expect(amy.room.remoteUsers).toEqual(['ben']);
    expect(ben.room.remoteUsers).toEqual(['amy']);
    // Nobody was met again: the connections are the ones made at the start.
    expect(amy.events.remoteUserEntered.map(([user]) => user).sort()).toEqual(['ben', 'cat']);
    expect(ben.events.remoteUserEntered.map(([user]) => user).sort()).toEqual(['amy', 'cat']);
    // The same connections go on carrying media.
    await flowing(amy.room, ['ben'], amyBefore);
    await flowing(ben.room, ['amy'], benBefore);
    for (const { events } of people) expect(events.failed).toEqual([]);
  });

  it('a room past the limit: the newcomer is refused by everyone and learns it; the others play on', async () => {
    const hub = createMemoryRoomHub({ transform: loopbackOnly });
    const people = ['amy', 'ben', 'cat'].map((userID) => ({
      userID,
      ...createRoom(hub, { maxParticipants: 2 }),
    }));
    const [amy, ben, cat] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    await amy.room.join('group-2', 'amy');
    await amy.room.publish();
    await ben.room.join('group-2', 'ben');
    await ben.room.publish();
    await flowing(amy.room, ['ben']);
    await cat.room.join('group-2', 'cat');
    await cat.room.publish();
    await until('everyone to refuse cat', () =>
      cat.events.failed.length === 2 && amy.events.failed.length && ben.events.failed.length
        ? true
        : undefined,
    );
    for (const { events } of [amy, ben])
      expect(events.failed.map(([e]) => [e.reason, e.userID, e.details])).toEqual([
        ['room-full', 'cat', { limit: 2, refusedBy: 'local' }],
      ]);
    // One room-full per other user: refused by them, or (cat is over its own limit too) by cat
    // first, whichever message came first; never a connection either way.
    expect(cat.events.failed.map(([e]) => e.reason)).toEqual(['room-full', 'room-full']);
    expect(cat.events.failed.map(([e]) => e.userID).sort()).toEqual(['amy', 'ben']);
    expect(cat.room.remoteUsers).toEqual([]);
    const before = await flowing(amy.room, ['ben']);
    await flowing(amy.room, ['ben'], before);
    expect(amy.events.remoteUserEntered).toEqual([['ben']]);
  });
});

describe('importing the room where there is no WebRTC', () => {
  it('touches no browser global until used', () => {
    const room = new WebRtcRoom({ signaling: createMemoryRoomHub().connect });
    expect(room.roomID).toBeUndefined();
  });
});
