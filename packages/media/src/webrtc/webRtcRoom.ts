import {
  createMediaStream,
  defaultGetUserMedia,
  deviceFailure,
  type GetUserMedia,
  undoDevicePick,
} from '../devices.js';
import { RoomEmitter } from '../emitter.js';
import {
  type RemoteMediaState,
  SpeakingDetector,
  type SpeakingOptions,
  sameRemoteState,
  speakingOptions,
} from '../remoteState.js';
import {
  type DeviceKind,
  isRoomFull,
  type MediaKind,
  type PublishOptions,
  participantLimit,
  type RoomAdapter,
  RoomError,
  type RoomEventHandler,
  type RoomEventName,
  refusedLocally,
} from '../roomAdapter.js';
import { AudioLevels } from './levels.js';
import { Peer, type PeerHost } from './peer.js';
import { parseRtcSignal, type RtcSignal } from './signal.js';
import type { RoomSignaling, RoomSignalingFactory } from './signaling.js';

/**
 * The current STUN/TURN servers, for servers whose TURN credentials expire (the Beckon server's
 * `GET /ice-servers`): called when joining and again before every ICE restart.
 */
export type IceServersProvider = () => readonly RTCIceServer[] | Promise<readonly RTCIceServer[]>;

/**
 * The default `maxParticipants` of a {@link WebRtcRoom}: 6 people, this user included, so 5
 * peer connections. A mesh sends the camera once per peer (one encode and one upload each): at
 * Chromium's 1.7 Mbit/s target for a 640x480 camera that is up to 8.7 Mbit/s of upload at 6
 * people (and 13.9 at 9), about what a home or mobile uplink carries, and 5 VP8 encodes of
 * ~2.5 ms per frame each.
 */
export const WEBRTC_MESH_LIMIT = 6;

export interface WebRtcRoomOptions {
  /** Opens the room's signaling for a user (the Beckon server relay, or {@link createMemoryRoomHub}). */
  readonly signaling: RoomSignalingFactory;
  /** Passed to every RTCPeerConnection. Default: no ICE servers (host candidates only). */
  readonly rtcConfiguration?: RTCConfiguration;
  /**
   * STUN/TURN servers, or a provider of the current ones: a provider is asked when joining and
   * before each ICE restart, so a connection whose TURN credentials expired restarts with fresh
   * ones instead of failing. Overrides `rtcConfiguration.iceServers`.
   */
  readonly iceServers?: readonly RTCIceServer[] | IceServersProvider;
  /**
   * 'relay' sends media only through TURN (the peers never learn each other's addresses); a
   * peer with no relay then fails with `no-relay`. Default 'all'.
   */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** Constraints for the camera and microphone; default `true` for both. */
  readonly constraints?: { readonly audio?: MediaTrackConstraints; readonly video?: MediaTrackConstraints };
  /** Opens camera/microphone; default `navigator.mediaDevices.getUserMedia`. */
  readonly getUserMedia?: GetUserMedia;
  /** Creates a peer connection; default `new RTCPeerConnection(configuration)`. */
  readonly createPeerConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
  /** How long an ICE restart may take before the peer is reported `ice-failed`. Default 10 s. */
  readonly iceRestartTimeoutMs?: number;
  /**
   * Voice activity of remote users (`RemoteMediaState.speaking`), measured with Web Audio on the
   * received audio. Default on; `false` measures nothing (no AudioContext is made).
   */
  readonly speaking?: boolean | SpeakingOptions;
  /**
   * The most people in the room, this user included: default {@link WEBRTC_MESH_LIMIT} (6).
   * Seats go to users in the order this room meets them, and a seat is never taken back: a user
   * met when every seat is taken gets no connection, is told so (a `full` message, so their room
   * drops its side too), and is reported as `failed` with `RoomError('room-full')` on both sides
   * (`details.refusedBy` `'local'` here, `'remote'` there). A refused user is not seated later
   * when a seat frees; joining again (a new session) is met afresh. An integer from 2 to 1000,
   * else `RangeError`.
   */
  readonly maxParticipants?: number;
}

type State = 'idle' | 'joining' | 'joined';

function defaultCreatePeerConnection(configuration: RTCConfiguration): RTCPeerConnection {
  const Ctor = (globalThis as { RTCPeerConnection?: typeof RTCPeerConnection }).RTCPeerConnection;
  if (Ctor === undefined) throw new RoomError('sdk-error', 'this environment has no RTCPeerConnection');
  return new Ctor(configuration);
}

function randomSession(): string {
  const bytes = new Uint8Array(16);
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A peer-to-peer {@link RoomAdapter}: one RTCPeerConnection per remote user (a mesh, meant for
 * calls of a few people), negotiated over an injected {@link RoomSignaling}. Works with no media
 * server and no cloud account; browsers on one machine or one LAN need no ICE servers.
 *
 * Browser globals (RTCPeerConnection, MediaStream, navigator) are looked up only when used, so
 * importing this module on a server or in Node is safe.
 *
 * @example
 * ```ts
 * const hub = createMemoryRoomHub(); // or the Beckon server relay
 * const room = new WebRtcRoom({ signaling: hub.connect });
 * room.on('remoteStream', (userID, stream) => attach(userID, stream));
 * await room.join('room-1', 'alice');
 * await room.publish();
 * ```
 */
export class WebRtcRoom implements RoomAdapter {
  readonly playsRemoteAudio = false;

  readonly #options: WebRtcRoomOptions;
  readonly #events = new RoomEmitter();
  readonly #peers = new Map<string, Peer>();
  /** Users refused (by this room or by theirs) in this join, with their session once known. */
  readonly #refused = new Map<string, string | undefined>();
  readonly #limit: number;
  #state: State = 'idle';
  #generation = 0;
  #roomID: string | undefined;
  #userID = '';
  #session = '';
  #signaling: RoomSignaling | undefined;
  #unsubscribe: (() => void)[] = [];
  #local: MediaStream | undefined;
  #microphoneEnabled = true;
  /** Devices picked with `switchDevice`; kept across joins. */
  readonly #deviceIds: Partial<Record<DeviceKind, string>> = {};
  readonly #remoteStates = new Map<string, RemoteMediaState>();
  readonly #detectors = new Map<string, SpeakingDetector>();
  readonly #speaking: Required<SpeakingOptions> | undefined;
  #levels: AudioLevels | undefined;
  /** The ICE servers new connections get (from the provider, when there is one). */
  #iceServers: RTCIceServer[] | undefined;
  readonly #host: PeerHost;

  constructor(options: WebRtcRoomOptions) {
    this.#options = options;
    this.#speaking = speakingOptions(options.speaking);
    this.#limit = participantLimit(options.maxParticipants, WEBRTC_MESH_LIMIT);
    const room = this;
    this.#host = {
      get session() {
        return room.#session;
      },
      iceRestartTimeoutMs: options.iceRestartTimeoutMs ?? 10_000,
      iceTransportPolicy: options.iceTransportPolicy ?? options.rtcConfiguration?.iceTransportPolicy ?? 'all',
      freshIceServers: () => (typeof options.iceServers === 'function' ? this.#fetchIceServers() : undefined),
      send: (to, message) => this.#send(to, message),
      remoteMediaChanged: (peer) => this.#reportRemoteMedia(peer),
      peerFailed: (_peer, error) => this.#events.emit('failed', error),
    };
  }

  get roomID(): string | undefined {
    return this.#roomID;
  }

  /** The most people this room connects, this user included (`maxParticipants`). */
  get maxParticipants(): number {
    return this.#limit;
  }

  /** The users this room has a connection with (or had, if it failed). */
  get remoteUsers(): string[] {
    return [...this.#peers.keys()];
  }

  on<E extends RoomEventName>(event: E, handler: RoomEventHandler<E>): () => void {
    return this.#events.on(event, handler);
  }

  remoteMediaState(userID: string): RemoteMediaState | undefined {
    return this.#remoteStates.get(userID);
  }

  async join(roomID: string, userID: string): Promise<void> {
    if (roomID === '' || userID === '') throw new RangeError('roomID and userID must not be empty');
    if (this.#state !== 'idle') throw new Error(`WebRtcRoom: already ${this.#state} (room ${this.#roomID})`);
    this.#state = 'joining';
    const generation = ++this.#generation;
    this.#roomID = roomID;
    this.#userID = userID;
    this.#session = randomSession();
    const { iceServers } = this.#options;
    if (typeof iceServers === 'function') {
      try {
        await this.#fetchIceServers();
      } catch (cause) {
        // Without a relay, relay-only calls cannot connect; other calls go on with host candidates.
        if (this.#iceTransportPolicy() === 'relay') {
          if (generation === this.#generation) this.#reset();
          const error = new RoomError('no-relay', 'could not get the TURN servers for this call', { cause });
          this.#events.emit('failed', error);
          throw error;
        }
      }
      if (generation !== this.#generation) return; // left while fetching
    } else if (iceServers !== undefined) {
      this.#iceServers = [...iceServers];
    }
    let signaling: RoomSignaling;
    try {
      signaling = await this.#options.signaling(roomID, userID);
    } catch (cause) {
      if (generation === this.#generation) this.#reset();
      const error = new RoomError('signaling-error', `could not open the signaling of room ${roomID}`, {
        cause,
      });
      this.#events.emit('failed', error);
      throw error;
    }
    if (generation !== this.#generation) {
      signaling.close(); // left while joining
      return;
    }
    this.#signaling = signaling;
    this.#unsubscribe = [
      signaling.onMessage((from, message) => this.#onMessage(from, message)),
      signaling.onMember((member, present) => this.#onMember(member, present)),
    ];
    this.#state = 'joined';
  }

  async publish(options: PublishOptions = {}): Promise<MediaStream> {
    if (this.#state !== 'joined') throw new Error('WebRtcRoom: join a room before publishing');
    const generation = this.#generation;
    const local = this.#local ?? createMediaStream();
    this.#local = local;
    const has = (kind: MediaKind) =>
      local.getTracks().some((t) => t.kind === kind && t.readyState === 'live');
    const audio = (options.audio ?? true) && !has('audio');
    const video = (options.video ?? true) && !has('video');
    if (!audio && !video) return local;

    const kinds: MediaKind[] = [];
    if (audio) kinds.push('audio');
    if (video) kinds.push('video');
    let captured: MediaStream;
    const getUserMedia = this.#options.getUserMedia ?? defaultGetUserMedia;
    const open = () =>
      getUserMedia({ audio: audio && this.#constraint('audio'), video: video && this.#constraint('video') });
    try {
      try {
        captured = await open();
      } catch (cause) {
        // A picked device that is gone (unplugged since): forget the picks and use the defaults.
        const name = (cause as { name?: unknown } | null)?.name;
        const picked = (audio && this.#deviceIds.microphone) || (video && this.#deviceIds.camera);
        if (!picked || (name !== 'OverconstrainedError' && name !== 'NotFoundError')) throw cause;
        if (audio) delete this.#deviceIds.microphone;
        if (video) delete this.#deviceIds.camera;
        captured = await open();
      }
    } catch (cause) {
      const error = deviceFailure(cause, kinds);
      if (generation === this.#generation) this.#events.emit('failed', error);
      throw error;
    }
    if (generation !== this.#generation) {
      for (const track of captured.getTracks()) track.stop();
      throw new Error('WebRtcRoom: left the room while publishing');
    }
    for (const track of captured.getTracks()) {
      if (track.kind === 'audio') track.enabled = this.#microphoneEnabled;
      local.addTrack(track);
      for (const peer of this.#peers.values()) peer.setLocalTrack(track.kind as MediaKind, track, local);
    }
    this.#broadcastMedia();
    this.#events.emit('localStream', local);
    return local;
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.#microphoneEnabled = enabled;
    for (const track of this.#local?.getAudioTracks() ?? []) track.enabled = enabled;
    this.#broadcastMedia();
  }

  async setCameraEnabled(enabled: boolean): Promise<void> {
    const local = this.#local;
    if (enabled) {
      await this.publish({ audio: false, video: true });
      return;
    }
    if (local === undefined) return;
    const tracks = local.getVideoTracks();
    if (tracks.length === 0) return;
    for (const track of tracks) {
      track.stop(); // the camera light goes off
      local.removeTrack(track);
    }
    for (const peer of this.#peers.values()) peer.setLocalTrack('video', null, local);
    this.#broadcastMedia();
    this.#events.emit('localStream', local);
  }

  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (typeof deviceId !== 'string' || deviceId === '') throw new RangeError('deviceId must not be empty');
    if (kind === 'speaker') {
      this.#deviceIds.speaker = deviceId; // the app's media elements play remote audio
      return;
    }
    const mediaKind: MediaKind = kind === 'camera' ? 'video' : 'audio';
    const previous = this.#deviceIds[kind];
    this.#deviceIds[kind] = deviceId;
    const local = this.#local;
    const old = local?.getTracks().find((t) => t.kind === mediaKind && t.readyState === 'live');
    if (local === undefined || old === undefined) return; // used when next started
    if (old.getSettings?.().deviceId === deviceId) return;
    const generation = this.#generation;
    let track: MediaStreamTrack | undefined;
    try {
      const getUserMedia = this.#options.getUserMedia ?? defaultGetUserMedia;
      const captured = await getUserMedia({ [mediaKind]: this.#constraint(mediaKind) });
      track = captured.getTracks().find((t) => t.kind === mediaKind);
      for (const other of captured.getTracks()) if (other !== track) other.stop();
      if (track === undefined)
        throw new RoomError('device-error', `the ${kind} ${deviceId} gave no ${mediaKind}`);
    } catch (cause) {
      // The call goes on with the device it had: reject, but no 'failed' (that would end it).
      undoDevicePick(this.#deviceIds, kind, deviceId, previous);
      throw deviceFailure(cause, [mediaKind]);
    }
    if (generation !== this.#generation || this.#local !== local || !local.getTracks().includes(old)) {
      track.stop(); // left, or the camera went off meanwhile
      return;
    }
    if (mediaKind === 'audio') track.enabled = this.#microphoneEnabled;
    local.removeTrack(old);
    old.stop();
    local.addTrack(track);
    for (const peer of this.#peers.values()) peer.setLocalTrack(mediaKind, track, local);
    this.#events.emit('localStream', local);
  }

  async leave(): Promise<void> {
    if (this.#state === 'idle') return;
    for (const peer of this.#peers.values()) {
      this.#send(peer.userID, { type: 'bye', session: this.#session });
      peer.close();
    }
    this.#reset();
  }

  /** The WebRTC statistics of the connection to a user (for diagnostics and tests). */
  async getStats(userID: string): Promise<RTCStatsReport | undefined> {
    const peer = this.#peers.get(userID);
    return peer === undefined || peer.closed ? undefined : peer.pc.getStats();
  }

  #reset(): void {
    this.#generation++;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    this.#signaling?.close();
    this.#signaling = undefined;
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.#refused.clear();
    for (const track of this.#local?.getTracks() ?? []) track.stop();
    this.#local = undefined;
    this.#microphoneEnabled = true;
    this.#levels?.close();
    this.#levels = undefined;
    this.#remoteStates.clear();
    this.#detectors.clear();
    if (typeof this.#options.iceServers === 'function') this.#iceServers = undefined;
    this.#roomID = undefined;
    this.#state = 'idle';
  }

  /** Constraints for a kind: the options' own, on the device picked with `switchDevice`. */
  #constraint(kind: MediaKind): boolean | MediaTrackConstraints {
    const base = kind === 'audio' ? this.#options.constraints?.audio : this.#options.constraints?.video;
    const deviceId = this.#deviceIds[kind === 'audio' ? 'microphone' : 'camera'];
    if (deviceId === undefined) return base ?? true;
    return { ...base, deviceId: { exact: deviceId } };
  }

  #iceTransportPolicy(): RTCIceTransportPolicy {
    return this.#options.iceTransportPolicy ?? this.#options.rtcConfiguration?.iceTransportPolicy ?? 'all';
  }

  /** Asks the provider for the current ICE servers; new connections get them too. */
  async #fetchIceServers(): Promise<RTCIceServer[]> {
    const provider = this.#options.iceServers;
    if (typeof provider !== 'function') return this.#iceServers ?? [];
    const servers = [...(await provider())];
    this.#iceServers = servers;
    return servers;
  }

  #rtcConfiguration(): RTCConfiguration {
    const base = this.#options.rtcConfiguration;
    const policy = this.#options.iceTransportPolicy;
    return {
      ...base,
      iceServers: this.#iceServers ?? base?.iceServers ?? [],
      ...(policy === undefined ? {} : { iceTransportPolicy: policy }),
    };
  }

  #send(to: string, message: RtcSignal): void {
    try {
      this.#signaling?.send(to, message);
    } catch {
      // A relay that throws is treated like one that dropped the message.
    }
  }

  #localMedia(): { audio: boolean; video: boolean } {
    const live = (tracks: MediaStreamTrack[] | undefined) =>
      tracks?.some((t) => t.readyState === 'live') ?? false;
    return {
      audio: this.#microphoneEnabled && live(this.#local?.getAudioTracks()),
      video: live(this.#local?.getVideoTracks()),
    };
  }

  #broadcastMedia(): void {
    const media = this.#localMedia();
    for (const peer of this.#peers.values()) {
      this.#send(peer.userID, { type: 'media', session: this.#session, ...media });
    }
  }

  #onMember(userID: string, present: boolean): void {
    if (this.#state !== 'joined' || userID === this.#userID || typeof userID !== 'string' || userID === '')
      return;
    if (present) {
      if (!this.#peers.has(userID) && !this.#refused.has(userID)) this.#addPeer(userID);
    } else {
      this.#refused.delete(userID);
      this.#removePeer(userID);
    }
  }

  #onMessage(from: string, message: unknown): void {
    if (this.#state !== 'joined' || typeof from !== 'string' || from === '' || from === this.#userID) return;
    const signal = parseRtcSignal(message);
    if (signal === undefined) return;
    if (signal.type === 'full') {
      this.#refusedBy(from, signal.session, signal.limit);
      return;
    }
    if (this.#refused.has(from)) {
      const session = this.#refused.get(from);
      if (signal.type === 'bye') {
        if (session === undefined || session === signal.session) this.#refused.delete(from);
        return;
      }
      if (session === undefined) this.#refused.set(from, signal.session);
      if (session === undefined || session === signal.session) return; // still refused
      this.#refused.delete(from); // joined again: met afresh
    }
    let peer = this.#peers.get(from);
    if (peer !== undefined && peer.remoteSession !== undefined && peer.remoteSession !== signal.session) {
      // A bye from an earlier session is stale; anything else means the user joined again.
      if (signal.type === 'bye') return;
      this.#removePeer(from);
      peer = undefined;
    }
    if (peer === undefined) {
      if (signal.type === 'bye') return;
      peer = this.#addPeer(from, signal.session);
      if (peer === undefined) return;
    }
    peer.remoteSession ??= signal.session;
    if (peer.crossesFirstOffer(signal)) {
      const fresh = this.#replacePeer(peer);
      if (fresh === undefined) return;
      peer = fresh;
    }
    if (signal.type === 'bye') {
      this.#removePeer(from);
      return;
    }
    if (!peer.failed) peer.receive(signal);
  }

  #addPeer(userID: string, session?: string): Peer | undefined {
    if (isRoomFull(this.#peers.size, this.#limit)) {
      this.#refuse(userID, session);
      return undefined;
    }
    const peer = this.#newPeer(userID);
    if (peer === undefined) return undefined;
    this.#events.emit('remoteUserEntered', userID);
    this.#updateRemoteState(peer);
    this.#send(userID, { type: 'media', session: this.#session, ...this.#localMedia() });
    this.#sendLocalTracks(peer);
    return peer;
  }

  /** Every seat is taken: `userID` gets no connection, and is told so. */
  #refuse(userID: string, session: string | undefined): void {
    this.#refused.set(userID, session);
    this.#send(userID, { type: 'full', session: this.#session, limit: this.#limit });
    this.#events.emit('failed', refusedLocally(this.#roomID, this.#limit, userID, 'was refused'));
  }

  /** `userID`'s room is full and refuses this one: drop the connection to them, if any. */
  #refusedBy(userID: string, session: string, limit: number): void {
    if (this.#refused.has(userID)) return; // already refused, by either side
    this.#refused.set(userID, session);
    this.#removePeer(userID);
    this.#events.emit(
      'failed',
      new RoomError('room-full', `${userID}'s room is full (${limit} people) and refused this user`, {
        userID,
        details: { limit, refusedBy: 'remote' },
      }),
    );
  }

  /**
   * A new connection to the same user in place of one that never connected (its first offer
   * crossed the remote's, see `Peer.crossesFirstOffer`); the app sees no leave and no enter.
   */
  #replacePeer(old: Peer): Peer | undefined {
    old.close();
    this.#peers.delete(old.userID);
    const peer = this.#newPeer(old.userID);
    if (peer === undefined) {
      this.#peers.set(old.userID, old); // closed: seen leaving, as any peer that cannot go on
      this.#removePeer(old.userID);
      return undefined;
    }
    peer.remoteSession = old.remoteSession;
    peer.remoteMedia = old.remoteMedia;
    this.#sendLocalTracks(peer);
    return peer;
  }

  #newPeer(userID: string): Peer | undefined {
    let pc: RTCPeerConnection;
    try {
      const create = this.#options.createPeerConnection ?? defaultCreatePeerConnection;
      pc = create(this.#rtcConfiguration());
    } catch (cause) {
      this.#events.emit(
        'failed',
        cause instanceof RoomError
          ? cause
          : new RoomError('sdk-error', 'could not create an RTCPeerConnection', { userID, cause }),
      );
      return undefined;
    }
    const peer = new Peer(this.#host, this.#userID, userID, pc);
    this.#peers.set(userID, peer);
    return peer;
  }

  #sendLocalTracks(peer: Peer): void {
    const local = this.#local;
    if (local === undefined) return;
    for (const track of local.getTracks()) peer.setLocalTrack(track.kind as MediaKind, track, local);
  }

  #removePeer(userID: string): void {
    const peer = this.#peers.get(userID);
    if (peer === undefined) return;
    this.#peers.delete(userID);
    peer.close();
    this.#remoteStates.delete(userID);
    this.#detectors.delete(userID);
    this.#levels?.measure(userID, null);
    this.#events.emit('remoteUserLeft', userID);
  }

  #reportRemoteMedia(peer: Peer): void {
    if (peer.closed || this.#peers.get(peer.userID) !== peer) return;
    if (peer.takeKindsChange()) this.#events.emit('remoteStream', peer.userID, peer.stream, peer.kinds());
    this.#updateRemoteState(peer);
  }

  /** Recomputes a peer's state, measures its audio while it is not muted, and reports changes. */
  #updateRemoteState(peer: Peer): void {
    const { muted, cameraOff } = peer.mediaState();
    const detector = this.#detector(peer.userID);
    if (this.#speaking !== undefined) {
      this.#levels ??= new AudioLevels(this.#speaking.intervalMs, (userID, level) =>
        this.#onLevel(userID, level),
      );
      this.#levels.measure(peer.userID, muted ? null : (peer.track('audio') ?? null));
    }
    if (muted) detector.reset();
    this.#setRemoteState(peer.userID, { muted, cameraOff, speaking: detector.speaking });
  }

  #detector(userID: string): SpeakingDetector {
    let detector = this.#detectors.get(userID);
    if (detector === undefined) {
      detector = new SpeakingDetector(this.#speaking);
      this.#detectors.set(userID, detector);
    }
    return detector;
  }

  #onLevel(userID: string, level: number): void {
    const state = this.#remoteStates.get(userID);
    if (state === undefined || state.muted) return;
    const detector = this.#detector(userID);
    if (detector.update(level, Date.now()))
      this.#setRemoteState(userID, { ...state, speaking: detector.speaking });
  }

  #setRemoteState(userID: string, state: RemoteMediaState): void {
    if (sameRemoteState(this.#remoteStates.get(userID), state)) return;
    this.#remoteStates.set(userID, state);
    this.#events.emit('remoteMedia', userID, state);
  }
}
