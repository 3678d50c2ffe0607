// WebRtcRoom's logic in Node, over a fake RTCPeerConnection and a scripted relay: presence,
// validation, perfect-negotiation roles, ICE restart and failure, device errors. The real
// browser run is webRtcRoom.browser.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomError, type RoomEvents } from '../roomAdapter.js';
import { FakeMediaStream, type FakeTrack, stream, track } from '../test/fakeMedia.js';
import { FakePeerConnection } from '../test/fakePeerConnection.js';
import { createMemoryRoomHub } from './memoryHub.js';
import type { RtcSignal } from './signal.js';
import type { RoomSignaling } from './signaling.js';
import { WEBRTC_MESH_LIMIT, WebRtcRoom, type WebRtcRoomOptions } from './webRtcRoom.js';

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

function scriptedRelay() {
  const sent: [to: string, message: RtcSignal][] = [];
  const handlers = {
    message: undefined as ((from: string, message: unknown) => void) | undefined,
    member: undefined as ((userID: string, present: boolean) => void) | undefined,
  };
  const signaling: RoomSignaling & { closed: boolean } = {
    closed: false,
    send: (to, message) => sent.push([to, message]),
    onMessage(handler) {
      handlers.message = handler;
      return () => {
        handlers.message = undefined;
      };
    },
    onMember(handler) {
      handlers.member = handler;
      return () => {
        handlers.member = undefined;
      };
    },
    close() {
      signaling.closed = true;
    },
  };
  return {
    signaling,
    sent,
    sentTo: (user: string, type?: RtcSignal['type']) =>
      sent.filter(([to, m]) => to === user && (type === undefined || m.type === type)).map(([, m]) => m),
    deliver: (from: string, message: unknown) => handlers.message?.(from, message),
    presence: (userID: string, present: boolean) => handlers.member?.(userID, present),
  };
}

type Recorded = { [E in keyof RoomEvents]: RoomEvents[E][] };

function setup(options: Partial<WebRtcRoomOptions> = {}) {
  const relay = scriptedRelay();
  const room = new WebRtcRoom({
    signaling: () => relay.signaling,
    createPeerConnection: (configuration) => new FakePeerConnection(configuration).asPeerConnection(),
    getUserMedia: async (constraints) =>
      stream(...(constraints.audio ? [track('audio')] : []), ...(constraints.video ? [track('video')] : [])),
    ...options,
  });
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
  const pc = () => {
    const last = FakePeerConnection.created.at(-1);
    if (last === undefined) throw new Error('no peer connection');
    return last;
  };
  return { room, relay, events, pc };
}

const offer = (session: string, sdp = 'remote-offer'): RtcSignal => ({
  type: 'description',
  session,
  description: { type: 'offer', sdp },
});

beforeEach(() => {
  FakePeerConnection.created = [];
  vi.stubGlobal('MediaStream', FakeMediaStream);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('presence', () => {
  it('a member who joins gets a connection and is announced; leaving closes it', async () => {
    const { room, relay, events, pc } = setup();
    await room.join('r', 'alice');
    relay.presence('bob', true);
    relay.presence('bob', true); // replayed presence is harmless
    expect(events.remoteUserEntered).toEqual([['bob']]);
    expect(FakePeerConnection.created).toHaveLength(1);
    expect(pc().configuration).toEqual({ iceServers: [] });
    expect(relay.sentTo('bob', 'media')).toEqual([
      { type: 'media', session: expect.any(String), audio: false, video: false },
    ]);
    relay.presence('bob', false);
    expect(events.remoteUserLeft).toEqual([['bob']]);
    expect(pc().closed).toBe(true);
    expect(room.remoteUsers).toEqual([]);
  });

  it('a bye ends the peer; a bye from an earlier session of the user does not', async () => {
    const { room, relay, events } = setup();
    await room.join('r', 'alice');
    relay.deliver('bob', { type: 'media', session: 's2', audio: true, video: true });
    expect(events.remoteUserEntered).toEqual([['bob']]);
    relay.deliver('bob', { type: 'bye', session: 's1' });
    expect(events.remoteUserLeft).toEqual([]);
    relay.deliver('bob', { type: 'bye', session: 's2' });
    expect(events.remoteUserLeft).toEqual([['bob']]);
  });

  it('an offer from a new session of the same user replaces the connection', async () => {
    const { room, relay, events } = setup();
    await room.join('r', 'alice');
    relay.deliver('bob', offer('s1'));
    await flush();
    const first = FakePeerConnection.created[0];
    relay.deliver('bob', offer('s2'));
    await flush();
    expect(first?.closed).toBe(true);
    expect(FakePeerConnection.created).toHaveLength(2);
    expect(events.remoteUserLeft).toEqual([['bob']]);
    expect(events.remoteUserEntered).toEqual([['bob'], ['bob']]);
  });

  it('leave says bye to every peer, closes the relay and stops the camera', async () => {
    const { room, relay } = setup();
    await room.join('r', 'alice');
    const local = await room.publish();
    relay.presence('bob', true);
    relay.presence('carol', true);
    await room.leave();
    expect(relay.sentTo('bob', 'bye')).toHaveLength(1);
    expect(relay.sentTo('carol', 'bye')).toHaveLength(1);
    expect(relay.signaling.closed).toBe(true);
    expect(local.getTracks().map((t) => t.readyState)).toEqual(['ended', 'ended']);
    expect(FakePeerConnection.created.every((pc) => pc.closed)).toBe(true);
    expect(room.roomID).toBeUndefined();
    await room.leave(); // twice is fine
    await room.join('r', 'alice'); // and the room can be joined again
    expect(room.roomID).toBe('r');
  });
});

describe('incoming messages are validated', () => {
  it('ignores malformed messages, its own id and bad senders, and never throws', async () => {
    const { room, relay, events } = setup();
    await room.join('r', 'alice');
    const garbage: unknown[] = [
      null,
      'hello',
      { type: 'description', session: 's', description: { type: 'offer' } },
      { type: 'candidate', session: 's', candidate: { candidate: 'x' } },
      { type: 'nope', session: 's' },
      { type: 'bye' },
    ];
    for (const message of garbage) expect(() => relay.deliver('bob', message)).not.toThrow();
    relay.deliver('alice', offer('s'));
    relay.deliver('', offer('s'));
    await flush();
    expect(FakePeerConnection.created).toHaveLength(0);
    expect(events.remoteUserEntered).toEqual([]);
    expect(events.failed).toEqual([]);
  });

  it('holds candidates that arrive before the description, then adds them in order', async () => {
    const { room, relay, pc } = setup();
    await room.join('r', 'alice');
    const c1 = { candidate: 'candidate:1 1 udp 1 127.0.0.1 1 typ host', sdpMid: '0' };
    relay.deliver('bob', { type: 'candidate', session: 's', candidate: c1 });
    relay.deliver('bob', offer('s'));
    relay.deliver('bob', { type: 'candidate', session: 's', candidate: null });
    await flush();
    expect(pc().candidates).toEqual([c1, undefined]);
    expect(relay.sentTo('bob', 'description')).toEqual([
      { type: 'description', session: expect.any(String), description: { type: 'answer', sdp: 'answer' } },
    ]);
  });

  it('reports an offer the browser cannot apply as a signaling error for that user', async () => {
    const { room, relay, events, pc } = setup();
    await room.join('r', 'alice');
    relay.deliver('bob', offer('s', 'broken'));
    await flush();
    expect(events.failed).toHaveLength(1);
    expect(events.failed[0]?.[0]).toMatchObject({ reason: 'signaling-error', userID: 'bob' });
    expect(pc().closed).toBe(true);
  });
});

describe('perfect negotiation', () => {
  async function crossedOffers(local: string, remote: string) {
    const setupResult = setup();
    const { room, relay, pc } = setupResult;
    await room.join('r', local);
    await room.publish();
    relay.presence(remote, true);
    await flush(); // our own offer is out: have-local-offer
    expect(pc().signalingState).toBe('have-local-offer');
    expect(relay.sentTo(remote, 'description')).toHaveLength(1);
    relay.deliver(remote, offer('remote-session')); // theirs crossed ours
    await flush();
    return setupResult;
  }

  it('the polite side (lower id) answers a crossing first offer on a fresh connection', async () => {
    const { relay, pc, events } = await crossedOffers('alice', 'bob');
    // Chromium can leave the ICE of a rolled-back first offer dead (no candidates, ever), so
    // the first connection is dropped instead and the offer answered on a new one.
    expect(FakePeerConnection.created).toHaveLength(2);
    expect(FakePeerConnection.created[0]?.closed).toBe(true);
    expect(FakePeerConnection.created[0]?.remoteDescriptions).toEqual([]);
    expect(pc().remoteDescriptions).toEqual([{ type: 'offer', sdp: 'remote-offer' }]);
    expect(pc().senders.map((s) => s.track?.kind)).toEqual(['audio', 'video']);
    expect(relay.sentTo('bob', 'description').at(-1)).toMatchObject({ description: { type: 'answer' } });
    expect(pc().signalingState).toBe('stable');
    expect(pc().restarts).toBe(0);
    // The app sees one user, entered once, never leaving.
    expect(events.remoteUserEntered).toEqual([['bob']]);
    expect(events.remoteUserLeft).toEqual([]);
    expect(events.failed).toEqual([]);
  });

  it('the polite side keeps what the remote said it sends across the fresh connection', async () => {
    const { room, relay, pc } = setup();
    await room.join('r', 'alice');
    await room.publish();
    relay.presence('bob', true);
    relay.deliver('bob', { type: 'media', session: 'remote-session', audio: false, video: true });
    await flush();
    expect(pc().signalingState).toBe('have-local-offer');
    relay.deliver('bob', offer('remote-session'));
    await flush();
    expect(FakePeerConnection.created).toHaveLength(2);
    expect(room.remoteMediaState('bob')).toMatchObject({ muted: true });
  });

  it('once connected, the polite side rolls back a crossing offer on the same connection', async () => {
    const { room, relay, pc } = setup();
    await room.join('r', 'alice');
    relay.deliver('bob', offer('remote-session'));
    await flush(); // answered: the first negotiation is complete
    expect(pc().signalingState).toBe('stable');
    await room.publish(); // our own offer goes out
    await flush();
    expect(pc().signalingState).toBe('have-local-offer');
    relay.deliver('bob', offer('remote-session', 'second-offer'));
    await flush();
    expect(FakePeerConnection.created).toHaveLength(1);
    expect(pc().remoteDescriptions.at(-1)).toEqual({ type: 'offer', sdp: 'second-offer' });
    expect(relay.sentTo('bob', 'description').at(-1)).toMatchObject({ description: { type: 'answer' } });
    expect(pc().signalingState).toBe('stable');
  });

  it('the impolite side (higher id) ignores the crossing offer and keeps its own', async () => {
    const { relay, pc, events } = await crossedOffers('bob', 'alice');
    expect(pc().remoteDescriptions).toEqual([]);
    expect(pc().signalingState).toBe('have-local-offer');
    expect(relay.sentTo('alice', 'description')).toHaveLength(1);
    // Candidates of the ignored offer fail quietly; the answer to our offer completes it.
    relay.deliver('alice', {
      type: 'description',
      session: 'remote-session',
      description: { type: 'answer', sdp: 'a' },
    });
    await flush();
    expect(pc().signalingState).toBe('stable');
    expect(events.failed).toEqual([]);
    expect(FakePeerConnection.created).toHaveLength(1); // the impolite side keeps its connection
  });

  it('a stale answer is not an error', async () => {
    const { room, relay, events } = setup();
    await room.join('r', 'alice');
    relay.deliver('bob', { type: 'description', session: 's', description: { type: 'answer', sdp: 'late' } });
    await flush();
    expect(events.failed).toEqual([]);
  });

  it('trickles local candidates and the end of candidates', async () => {
    const { room, relay, pc } = setup();
    await room.join('r', 'alice');
    relay.presence('bob', true);
    const candidate = {
      candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    pc().gather(candidate);
    pc().gather(null);
    expect(relay.sentTo('bob', 'candidate').map((m) => m.type === 'candidate' && m.candidate)).toEqual([
      candidate,
      null,
    ]);
  });
});

describe('ICE failure', () => {
  async function connected(options: Partial<WebRtcRoomOptions> = {}) {
    const result = setup(options);
    await result.room.join('r', 'alice');
    result.relay.presence('bob', true);
    result.pc().setIceState('connected');
    return result;
  }

  it('restarts ICE once, then reports ice-failed for that user and closes the connection', async () => {
    const { events, pc } = await connected();
    pc().setIceState('failed');
    expect(pc().restarts).toBe(1);
    expect(events.failed).toEqual([]);
    pc().setIceState('failed');
    expect(pc().restarts).toBe(1);
    expect(events.failed).toHaveLength(1);
    const error = events.failed[0]?.[0];
    expect(error).toBeInstanceOf(RoomError);
    expect(error).toMatchObject({ reason: 'ice-failed', userID: 'bob' });
    expect(pc().closed).toBe(true);
  });

  it('reports ice-failed when the restart does not connect in time', async () => {
    vi.useFakeTimers();
    const { events, pc } = await connected({ iceRestartTimeoutMs: 5000 });
    pc().setIceState('failed');
    pc().setIceState('checking');
    vi.advanceTimersByTime(4999);
    expect(events.failed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events.failed.map(([e]) => e.reason)).toEqual(['ice-failed']);
  });

  it('a restart that connects earns a new restart next time', async () => {
    vi.useFakeTimers();
    const { events, pc } = await connected({ iceRestartTimeoutMs: 5000 });
    pc().setIceState('failed');
    pc().setIceState('connected');
    vi.advanceTimersByTime(10_000);
    pc().setIceState('failed');
    expect(pc().restarts).toBe(2);
    expect(events.failed).toEqual([]);
  });

  it('messages to a failed peer are ignored until the user joins again', async () => {
    const { relay, events, pc } = await connected();
    relay.deliver('bob', { type: 'media', session: 's1', audio: true, video: true });
    pc().setIceState('failed');
    pc().setIceState('failed');
    relay.deliver('bob', offer('s1'));
    await flush();
    expect(FakePeerConnection.created).toHaveLength(1);
    relay.deliver('bob', offer('s2'));
    await flush();
    expect(FakePeerConnection.created).toHaveLength(2);
    expect(events.remoteUserEntered).toEqual([['bob'], ['bob']]);
  });
});

describe('ICE servers', () => {
  const turn = (username: string): RTCIceServer => ({
    urls: 'turn:turn.example.com:3478',
    username,
    credential: `secret-of-${username}`,
  });
  const relayCandidate = {
    candidate: 'candidate:1 1 udp 41885439 203.0.113.7 50000 typ relay raddr 0.0.0.0 rport 0',
    sdpMid: '0',
    sdpMLineIndex: 0,
  };

  /** A provider that hands out new credentials on each call, like GET /ice-servers. */
  function provider() {
    let calls = 0;
    const get = vi.fn(async () => [turn(`expiry-${++calls}:alice`)]);
    return get;
  }

  it('passes fixed servers and the transport policy to every connection', async () => {
    const { room, relay, pc } = setup({ iceServers: [turn('u')], iceTransportPolicy: 'relay' });
    await room.join('r', 'alice');
    relay.presence('bob', true);
    expect(pc().configuration).toEqual({ iceServers: [turn('u')], iceTransportPolicy: 'relay' });
  });

  it('an ICE restart after the credentials expired uses fresh ones from the provider', async () => {
    const iceServers = provider();
    const { room, relay, events, pc } = setup({ iceServers });
    await room.join('r', 'alice');
    relay.presence('bob', true);
    expect(iceServers).toHaveBeenCalledTimes(1);
    expect(pc().configuration.iceServers).toEqual([turn('expiry-1:alice')]);
    pc().setIceState('connected');
    pc().setIceState('failed'); // the relay's allocation ran out with the old credentials
    await flush();
    expect(iceServers).toHaveBeenCalledTimes(2);
    expect(pc().restartedWith).toEqual([[turn('expiry-2:alice')]]);
    pc().setIceState('connected');
    expect(events.failed).toEqual([]);
    // The next connection starts with the fresh servers too.
    relay.presence('carol', true);
    expect(pc().configuration.iceServers).toEqual([turn('expiry-2:alice')]);
  });

  it('relay-only: a gathering without a relay restarts with fresh credentials, then fails with no-relay', async () => {
    const iceServers = provider();
    const { room, relay, events, pc } = setup({ iceServers, iceTransportPolicy: 'relay' });
    await room.join('r', 'alice');
    relay.presence('bob', true);
    pc().candidateError('turn:turn.example.com:3478', 401, 'Unauthorized');
    pc().gather(null);
    await flush();
    expect(pc().restartedWith).toEqual([[turn('expiry-2:alice')]]);
    expect(events.failed).toEqual([]);
    pc().candidateError('turn:turn.example.com:3478', 401, 'Unauthorized');
    pc().gather(null);
    expect(events.failed).toHaveLength(1);
    const error = events.failed[0]?.[0];
    expect(error).toMatchObject({ reason: 'no-relay', userID: 'bob' });
    expect(error?.message).toContain('turn:turn.example.com:3478 answered 401 Unauthorized');
    expect(pc().closed).toBe(true);
  });

  it('relay-only: a gathering with a relay candidate is fine', async () => {
    const { room, relay, events, pc } = setup({ iceServers: provider(), iceTransportPolicy: 'relay' });
    await room.join('r', 'alice');
    relay.presence('bob', true);
    pc().gather(relayCandidate);
    pc().gather(null);
    await flush();
    expect(pc().restarts).toBe(0);
    expect(events.failed).toEqual([]);
  });

  it('all candidates: a failure when TURN refused and nothing else connected is no-relay, with the reason', async () => {
    const { room, relay, events, pc } = setup({ iceServers: [turn('u')] });
    await room.join('r', 'alice');
    relay.presence('bob', true);
    pc().setIceState('failed');
    pc().candidateError('turn:turn.example.com:3478', 401, 'Unauthorized');
    pc().setIceState('failed');
    expect(events.failed.map(([e]) => e.reason)).toEqual(['no-relay']);
  });

  it('a provider that fails: relay-only cannot join, otherwise the call goes on with host candidates', async () => {
    const broken = async () => Promise.reject(new Error('HTTP 503'));
    const strict = setup({ iceServers: broken, iceTransportPolicy: 'relay' });
    const refused = strict.room.join('r', 'alice');
    await expect(refused).rejects.toMatchObject({ reason: 'no-relay' });
    expect(strict.events.failed.map(([e]) => e.reason)).toEqual(['no-relay']);
    expect(strict.room.roomID).toBeUndefined();

    const lenient = setup({ iceServers: broken });
    await lenient.room.join('r', 'alice');
    lenient.relay.presence('bob', true);
    expect(lenient.pc().configuration).toEqual({ iceServers: [] });
  });
});

describe('media', () => {
  it('publishes camera and microphone to peers, now and later', async () => {
    const { room, relay, events, pc } = setup();
    await room.join('r', 'alice');
    relay.presence('bob', true);
    const local = await room.publish();
    expect(events.localStream).toEqual([[local]]);
    expect(pc().senders.map((s) => s.track?.kind)).toEqual(['audio', 'video']);
    expect(relay.sentTo('bob', 'media').at(-1)).toMatchObject({ audio: true, video: true });
    relay.presence('carol', true);
    expect(pc().senders.map((s) => s.track?.kind)).toEqual(['audio', 'video']);
    expect(await room.publish()).toBe(local); // publishing again adds nothing new
  });

  it('mute keeps the track; camera off stops it and clears the sender; on again replaces it', async () => {
    const { room, relay, events, pc } = setup();
    await room.join('r', 'alice');
    relay.presence('bob', true);
    const local = await room.publish();
    const camera = local.getVideoTracks()[0];
    await room.setMicrophoneEnabled(false);
    expect(local.getAudioTracks()[0]?.enabled).toBe(false);
    expect(relay.sentTo('bob', 'media').at(-1)).toMatchObject({ audio: false, video: true });
    await room.setCameraEnabled(false);
    expect(camera?.readyState).toBe('ended');
    expect(local.getVideoTracks()).toEqual([]);
    await flush();
    expect(pc().senders[1]?.track).toBeNull();
    expect(relay.sentTo('bob', 'media').at(-1)).toMatchObject({ audio: false, video: false });
    await room.setCameraEnabled(true);
    await flush();
    const again = local.getVideoTracks()[0];
    expect(again).toBeDefined();
    expect(again).not.toBe(camera);
    expect(pc().senders[1]?.track).toBe(again);
    expect(pc().senders).toHaveLength(2); // replaced, not added
    expect(events.localStream.map(([s]) => s)).toEqual([local, local, local]);
  });

  it('reports what a remote user sends: tracks that arrived, less what they switched off', async () => {
    const { room, relay, events, pc } = setup();
    await room.join('r', 'alice');
    relay.presence('bob', true);
    const audio = track('audio');
    const video = track('video');
    pc().receiveTrack(audio);
    pc().receiveTrack(video);
    pc().receiveTrack(video); // a second ontrack for the same track changes nothing
    relay.deliver('bob', { type: 'media', session: 's', audio: true, video: false });
    await flush();
    expect(events.remoteStream.map(([user, , kinds]) => [user, kinds])).toEqual([
      ['bob', ['audio']],
      ['bob', ['audio', 'video']],
      ['bob', ['audio']], // bob switched the camera off
    ]);
    const remote = events.remoteStream[0]?.[1];
    expect(events.remoteStream.every(([, s]) => s === remote)).toBe(true);
    expect(remote?.getTracks()).toEqual([audio, video]);
    (video as unknown as FakeTrack).end(); // the transceiver went away
    expect(remote?.getTracks()).toEqual([audio]);
    relay.deliver('bob', { type: 'media', session: 's', audio: true, video: true });
    await flush();
    expect(events.remoteStream.at(-1)?.[2]).toEqual(['audio']); // no video track to show
  });

  it('a refused camera is permission-denied, reported and thrown', async () => {
    const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    const { room, events } = setup({ getUserMedia: () => Promise.reject(denied) });
    await room.join('r', 'alice');
    const error = await room.publish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomError);
    expect(error).toMatchObject({ reason: 'permission-denied', cause: denied });
    expect(events.failed).toEqual([[error]]);
  });

  it('a missing camera is device-error', async () => {
    const missing = Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' });
    const { room } = setup({ getUserMedia: () => Promise.reject(missing) });
    await room.join('r', 'alice');
    await expect(room.publish()).rejects.toMatchObject({ reason: 'device-error' });
  });

  it('publishing needs a room', async () => {
    const { room } = setup();
    await expect(room.publish()).rejects.toThrow(/join a room/);
  });
});

describe('join', () => {
  it('a relay that cannot be opened is a signaling-error', async () => {
    const { room, events } = setup({
      signaling: () => Promise.reject(new Error('socket closed')),
    });
    await expect(room.join('r', 'alice')).rejects.toMatchObject({ reason: 'signaling-error' });
    expect(events.failed).toHaveLength(1);
    expect(room.roomID).toBeUndefined();
  });

  it('cannot join twice, nor with empty ids', async () => {
    const { room } = setup();
    await expect(room.join('', 'alice')).rejects.toThrow(RangeError);
    await room.join('r', 'alice');
    await expect(room.join('r', 'alice')).rejects.toThrow(/already joined/);
  });

  it('a leave during join closes the relay once it opens', async () => {
    const relay = scriptedRelay();
    let open: (s: RoomSignaling) => void = () => {};
    const { room } = setup({ signaling: () => new Promise((resolve) => (open = resolve)) });
    const joining = room.join('r', 'alice');
    await room.leave();
    open(relay.signaling);
    await joining;
    expect(relay.signaling.closed).toBe(true);
    expect(room.roomID).toBeUndefined();
  });
});

describe('participant limit', () => {
  const full = (session: string, limit: number): RtcSignal => ({ type: 'full', session, limit });

  it('defaults to a mesh of 6: the sixth peer is refused, told so, and reported', async () => {
    expect(WEBRTC_MESH_LIMIT).toBe(6);
    const { room, relay, events } = setup();
    expect(room.maxParticipants).toBe(6);
    await room.join('r', 'alice');
    for (const user of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) relay.presence(user, true);
    expect(room.remoteUsers).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(FakePeerConnection.created).toHaveLength(5);
    expect(events.remoteUserEntered.map(([user]) => user)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(relay.sentTo('u6')).toEqual([{ type: 'full', session: expect.any(String), limit: 6 }]);
    const [[error]] = events.failed as [[RoomError]];
    expect(error).toBeInstanceOf(RoomError);
    expect(error.reason).toBe('room-full');
    expect(error.userID).toBe('u6');
    expect(error.details).toEqual({ limit: 6, refusedBy: 'local' });
    expect(events.failed).toHaveLength(1);
  });

  it('a refused user gets nothing for the rest of its session, however it knocks', async () => {
    const { room, relay, events } = setup({ maxParticipants: 2 });
    await room.join('r', 'alice');
    relay.presence('bob', true);
    relay.presence('carol', true);
    relay.presence('carol', true); // replayed presence
    relay.deliver('carol', { type: 'media', session: 'c1', audio: true, video: true });
    relay.deliver('carol', offer('c1'));
    relay.deliver('carol', full('c1', 6)); // carol's room refuses back: already settled
    await flush();
    expect(FakePeerConnection.created).toHaveLength(1);
    expect(room.remoteUsers).toEqual(['bob']);
    expect(relay.sentTo('carol', 'full')).toHaveLength(1);
    expect(events.failed).toHaveLength(1);
    expect(events.remoteUserEntered).toEqual([['bob']]);
  });

  it('the earliest keep their seats: a freed seat is not handed to a refused user, but one who joins again is met afresh', async () => {
    const { room, relay, events } = setup({ maxParticipants: 3 });
    await room.join('r', 'alice');
    relay.deliver('bob', { type: 'media', session: 'b1', audio: true, video: true });
    relay.deliver('carol', { type: 'media', session: 'c1', audio: true, video: true });
    relay.deliver('dave', { type: 'media', session: 'd1', audio: true, video: true });
    const [bobPc, carolPc] = FakePeerConnection.created;
    expect(room.remoteUsers).toEqual(['bob', 'carol']);
    expect(bobPc?.closed).toBe(false);
    expect(carolPc?.closed).toBe(false);

    relay.deliver('bob', { type: 'bye', session: 'b1' });
    relay.deliver('dave', { type: 'media', session: 'd1', audio: true, video: false });
    expect(room.remoteUsers).toEqual(['carol']); // dave's session d1 stays refused

    relay.deliver('dave', { type: 'media', session: 'd2', audio: true, video: true }); // dave joined again
    expect(room.remoteUsers).toEqual(['carol', 'dave']);
    expect(events.failed.map(([e]) => [e.reason, e.userID])).toEqual([['room-full', 'dave']]);

    relay.presence('erin', true);
    expect(room.remoteUsers).toEqual(['carol', 'dave']);
    relay.presence('erin', false);
    relay.presence('bob', false);
    relay.presence('carol', false);
    relay.presence('erin', true); // left and came back: a seat is free now
    expect(room.remoteUsers).toEqual(['dave', 'erin']);
  });

  it("refused by a full room: the connection to that user closes, reported with the other side's limit", async () => {
    const { room, relay, events } = setup();
    await room.join('r', 'zoe');
    relay.presence('amy', true);
    relay.presence('ben', true);
    const [amyPc, benPc] = FakePeerConnection.created;
    relay.deliver('amy', full('a1', 4));
    relay.deliver('amy', full('a1', 4));
    relay.deliver('amy', { type: 'media', session: 'a1', audio: true, video: true });
    relay.deliver('amy', offer('a1'));
    await flush();
    expect(amyPc?.closed).toBe(true);
    expect(benPc?.closed).toBe(false);
    expect(FakePeerConnection.created).toHaveLength(2);
    expect(room.remoteUsers).toEqual(['ben']);
    expect(events.remoteUserLeft).toEqual([['amy']]);
    const [[error]] = events.failed as [[RoomError]];
    expect(error.reason).toBe('room-full');
    expect(error.userID).toBe('amy');
    expect(error.details).toEqual({ limit: 4, refusedBy: 'remote' });
    expect(events.failed).toHaveLength(1);
    expect(relay.sentTo('amy', 'full')).toEqual([]);
  });

  it('the limit is whole people, two at least', () => {
    for (const maxParticipants of [1, 0, -3, 2.5, Number.NaN, Number.POSITIVE_INFINITY, 1001]) {
      expect(() => setup({ maxParticipants })).toThrow(RangeError);
    }
    expect(setup({ maxParticipants: 2 }).room.maxParticipants).toBe(2);
  });

  it('four rooms on one relay with a limit of three: the last one in is refused by all, the others keep theirs', async () => {
    const hub = createMemoryRoomHub();
    const rooms = ['amy', 'ben', 'cat', 'dan'].map((userID) => {
      const room = new WebRtcRoom({
        signaling: hub.connect,
        maxParticipants: 3,
        createPeerConnection: (configuration) => new FakePeerConnection(configuration).asPeerConnection(),
      });
      const failed: RoomError[] = [];
      room.on('failed', (error) => failed.push(error));
      return { userID, room, failed };
    });
    const [amy, ben, cat, dan] = rooms as [
      (typeof rooms)[0],
      (typeof rooms)[0],
      (typeof rooms)[0],
      (typeof rooms)[0],
    ];
    for (const { room, userID } of [amy, ben, cat]) {
      await room.join('r', userID);
      await flush();
    }
    await dan.room.join('r', 'dan');
    await flush();
    expect(amy.room.remoteUsers).toEqual(['ben', 'cat']);
    expect(ben.room.remoteUsers).toEqual(['amy', 'cat']);
    expect(cat.room.remoteUsers).toEqual(['amy', 'ben']);
    expect(dan.room.remoteUsers).toEqual([]);
    for (const { failed } of [amy, ben, cat]) {
      expect(failed.map((e) => [e.userID, e.details?.refusedBy])).toEqual([['dan', 'local']]);
    }
    // One room-full per other user, whichever side's word came first (dan is over its own limit
    // too, so it may refuse the last one it meets before that one's refusal arrives).
    expect(dan.failed.map((e) => e.reason)).toEqual(['room-full', 'room-full', 'room-full']);
    expect(dan.failed.map((e) => e.userID).sort()).toEqual(['amy', 'ben', 'cat']);
    expect(dan.failed.filter((e) => e.details?.refusedBy === 'remote').length).toBeGreaterThanOrEqual(2);
    await Promise.all(rooms.map(({ room }) => room.leave()));
  });
});
