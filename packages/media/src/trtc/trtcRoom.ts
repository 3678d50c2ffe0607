import { numericRoomID } from '@beckon/signaling';
import type { EnterRoomConfig, TRTCOptions } from 'trtc-sdk-v5';
import { createMediaStream, kindsOf, undoDevicePick } from '../devices.js';
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
import { loadTrtcSdk, type TrtcClient, type TrtcEvents, type TrtcSdk, trtcFailure } from './sdk.js';

/**
 * The default `maxParticipants` of a {@link TrtcRoom}: 9 people, this user included. It is the
 * group call limit of Tencent's TUICallKit (its group call UI shows at most 9); TRTC itself admits
 * up to 300 people in a call-scene room, 50 of them sending at once.
 */
export const TRTC_GROUP_CALL_LIMIT = 9;

export interface TrtcRoomOptions {
  /** The TRTC application id. */
  readonly sdkAppId: number;
  /**
   * Returns the UserSig for a user. Mint it on your server (`createUserSig` from
   * `@beckon/server`): the secret key must never reach the browser.
   */
  readonly userSig: (userID: string) => string | Promise<string>;
  /** More `enterRoom` settings (scene, role, proxy, ...). */
  readonly enterRoom?: Omit<EnterRoomConfig, 'sdkAppId' | 'userId' | 'userSig' | 'roomId' | 'strRoomId'>;
  /** Options for `TRTC.create`. */
  readonly createOptions?: TRTCOptions;
  /** Loads the SDK; default: a dynamic `import('trtc-sdk-v5')`. Tests pass a fake. */
  readonly loadSdk?: () => Promise<TrtcSdk>;
  /**
   * Voice activity of remote users (`RemoteMediaState.speaking`) from TRTC's volume events
   * (`enableAudioVolumeEvaluation`, volume / 100 as the level). Default on; `false` leaves the
   * SDK's volume evaluation off.
   */
  readonly speaking?: boolean | SpeakingOptions;
  /**
   * The most people this room shows and plays, this user included: default
   * {@link TRTC_GROUP_CALL_LIMIT} (9). TRTC lets more in (300 in the call scene), so the limit is
   * this side's: users are seated in the order TRTC reports them entering, and a user who enters
   * when every seat is taken is not played (its audio muted, its video never started), gets no
   * `remoteUserEntered`, and is reported as `failed` with `RoomError('room-full')`
   * (`details.refusedBy: 'local'`). Nothing is sent to that user (a TUICallKit app would not
   * understand it); with the same limit everywhere it counts too many users itself and is told
   * `room-full` by its own room. An integer from 2 to 1000, else `RangeError`.
   */
  readonly maxParticipants?: number;
}

interface Remote {
  readonly stream: MediaStream;
  audio: boolean;
  video: boolean;
  reported: string | undefined;
  state: RemoteMediaState | undefined;
  readonly detector: SpeakingDetector;
}

type State = 'idle' | 'joining' | 'joined';

function roomOption(roomID: string): { roomId: number } | { strRoomId: string } {
  const roomId = numericRoomID(roomID);
  return roomId === undefined ? { strRoomId: roomID } : { roomId };
}

type Kind = 'audio' | 'video';

/**
 * A {@link RoomAdapter} over Tencent's TRTC (`trtc-sdk-v5`), loaded lazily on the first `join`,
 * so an app that never uses TRTC never downloads it. A room id that is a TRTC room number
 * (`numericRoomID`: 1..2147483647, as TUICallKit reads them) enters TRTC's numeric `roomId`, any
 * other string its `strRoomId`, so a call from a TUICallKit app lands in the same room.
 * TRTC plays remote audio itself (`playsRemoteAudio`); the remote streams carry its tracks too.
 *
 * @example
 * ```ts
 * const room = new TrtcRoom({
 *   sdkAppId: 1400000000,
 *   userSig: (userID) => fetch(`/trtc/usersig?user=${userID}`).then((r) => r.text()),
 * });
 * await room.join('room-42', 'alice');
 * await room.publish();
 * ```
 */
export class TrtcRoom implements RoomAdapter {
  readonly playsRemoteAudio = true;

  readonly #options: TrtcRoomOptions;
  readonly #events = new RoomEmitter();
  readonly #remotes = new Map<string, Remote>();
  /** Users seated (announced with `remoteUserEntered`), and users refused a seat. */
  readonly #seated = new Set<string>();
  readonly #refused = new Set<string>();
  readonly #limit: number;
  #state: State = 'idle';
  #generation = 0;
  #roomID: string | undefined;
  #sdk: TrtcSdk | undefined;
  #client: TrtcClient | undefined;
  #detach: (() => void)[] = [];
  #local: MediaStream | undefined;
  #started = { audio: false, video: false };
  #microphoneEnabled = true;
  #cameraEnabled = true;
  /** Devices picked with `switchDevice`; kept across joins. */
  readonly #deviceIds: Partial<Record<DeviceKind, string>> = {};
  readonly #speaking: Required<SpeakingOptions> | undefined;

  constructor(options: TrtcRoomOptions) {
    this.#options = options;
    this.#speaking = speakingOptions(options.speaking);
    this.#limit = participantLimit(options.maxParticipants, TRTC_GROUP_CALL_LIMIT);
  }

  get roomID(): string | undefined {
    return this.#roomID;
  }

  /** The most people this room shows and plays, this user included (`maxParticipants`). */
  get maxParticipants(): number {
    return this.#limit;
  }

  on<E extends RoomEventName>(event: E, handler: RoomEventHandler<E>): () => void {
    return this.#events.on(event, handler);
  }

  remoteMediaState(userID: string): RemoteMediaState | undefined {
    return this.#remotes.get(userID)?.state;
  }

  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (typeof deviceId !== 'string' || deviceId === '') throw new RangeError('deviceId must not be empty');
    const previous = this.#deviceIds[kind];
    this.#deviceIds[kind] = deviceId;
    const client = this.#client;
    const sdk = this.#sdk;
    try {
      if (kind === 'speaker') {
        if (sdk !== undefined) await sdk.setCurrentSpeaker(deviceId); // else on join
      } else if (client !== undefined && kind === 'camera' && this.#started.video && this.#cameraEnabled) {
        await client.updateLocalVideo({ option: { cameraId: deviceId } });
        if (this.#client === client) this.#refreshLocal(true);
      } else if (client !== undefined && kind === 'microphone' && this.#started.audio) {
        await client.updateLocalAudio({ option: { microphoneId: deviceId } });
        if (this.#client === client) this.#refreshLocal(true);
      }
    } catch (cause) {
      // The call goes on with the device it had: reject, but no 'failed' (that would end it).
      undoDevicePick(this.#deviceIds, kind, deviceId, previous);
      throw trtcFailure(cause, sdk, `could not switch the ${kind} to ${deviceId}`);
    }
  }

  async join(roomID: string, userID: string): Promise<void> {
    if (roomID === '' || userID === '') throw new RangeError('roomID and userID must not be empty');
    if (this.#state !== 'idle') throw new Error(`TrtcRoom: already ${this.#state} (room ${this.#roomID})`);
    this.#state = 'joining';
    this.#roomID = roomID;
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;

    let sdk: TrtcSdk;
    let userSig: string;
    try {
      sdk = await (this.#options.loadSdk ?? loadTrtcSdk)();
    } catch (cause) {
      throw this.#joinFailed(generation, new RoomError('sdk-error', 'could not load trtc-sdk-v5', { cause }));
    }
    try {
      userSig = await this.#options.userSig(userID);
    } catch (cause) {
      throw this.#joinFailed(
        generation,
        new RoomError('sdk-error', `could not get a UserSig for ${userID}`, { cause }),
      );
    }
    if (!current()) return;

    const client = sdk.create(this.#options.createOptions);
    this.#sdk = sdk;
    this.#client = client;
    this.#listen(sdk, client);
    if (this.#speaking !== undefined)
      client.enableAudioVolumeEvaluation(Math.max(100, this.#speaking.intervalMs));
    const speaker = this.#deviceIds.speaker;
    if (speaker !== undefined) sdk.setCurrentSpeaker(speaker).catch(() => {}); // a speaker unplugged since
    try {
      await client.enterRoom({
        ...this.#options.enterRoom,
        sdkAppId: this.#options.sdkAppId,
        userId: userID,
        userSig,
        ...roomOption(roomID),
      });
    } catch (cause) {
      if (current()) {
        this.#teardown();
        client.destroy(); // after a leave during enterRoom, leave() destroys it
      }
      throw this.#joinFailed(generation, trtcFailure(cause, sdk, `could not enter room ${roomID}`));
    }
    if (current()) this.#state = 'joined';
  }

  async publish(options: PublishOptions = {}): Promise<MediaStream> {
    const client = this.#client;
    if (this.#state !== 'joined' || client === undefined)
      throw new Error('TrtcRoom: join a room before publishing');
    const generation = this.#generation;
    const audio = (options.audio ?? true) && !this.#started.audio;
    const video = (options.video ?? true) && !this.#started.video;
    try {
      if (video) {
        const cameraId = this.#deviceIds.camera;
        await client.startLocalVideo({
          publish: true,
          ...(cameraId === undefined ? {} : { option: { cameraId } }),
        });
        this.#started.video = true;
        this.#cameraEnabled = true;
      }
      if (audio) {
        const microphoneId = this.#deviceIds.microphone;
        await client.startLocalAudio({
          publish: true,
          mute: !this.#microphoneEnabled,
          ...(microphoneId === undefined ? {} : { option: { microphoneId } }),
        });
        this.#started.audio = true;
      }
    } catch (cause) {
      const kinds = kindsOf(audio, video).join(' and ');
      const error = trtcFailure(cause, this.#sdk, `could not start the ${kinds}`);
      if (generation === this.#generation) this.#events.emit('failed', error);
      throw error;
    }
    if (generation !== this.#generation) throw new Error('TrtcRoom: left the room while publishing');
    return this.#refreshLocal(audio || video);
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.#microphoneEnabled = enabled;
    if (this.#client !== undefined && this.#started.audio) await this.#update('audio', enabled);
  }

  async setCameraEnabled(enabled: boolean): Promise<void> {
    if (this.#client === undefined) {
      if (enabled) throw new Error('TrtcRoom: join a room before publishing');
      return;
    }
    if (!this.#started.video) {
      if (enabled) await this.publish({ audio: false, video: true });
      return;
    }
    if (enabled === this.#cameraEnabled) return;
    await this.#update('video', enabled);
    this.#cameraEnabled = enabled;
    this.#refreshLocal(true);
  }

  async leave(): Promise<void> {
    if (this.#state === 'idle') return;
    const client = this.#client;
    const started = this.#started;
    this.#generation++;
    this.#teardown();
    if (client === undefined) return;
    try {
      await client.exitRoom();
    } catch {
      // Leaving a room that is already gone is fine.
    }
    try {
      if (started.video) await client.stopLocalVideo();
      if (started.audio) await client.stopLocalAudio();
    } catch {
      // The devices are released by destroy() as well.
    }
    client.destroy();
  }

  async #update(kind: Kind, enabled: boolean): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    try {
      if (kind === 'audio') await client.updateLocalAudio({ mute: !enabled });
      else {
        // A camera picked while it was off is the one that comes back.
        const cameraId = enabled ? this.#deviceIds.camera : undefined;
        await client.updateLocalVideo({
          mute: !enabled,
          ...(cameraId === undefined ? {} : { option: { cameraId } }),
        });
      }
    } catch (cause) {
      const what = kind === 'audio' ? 'microphone' : 'camera';
      const error = trtcFailure(cause, this.#sdk, `could not ${enabled ? 'enable' : 'disable'} the ${what}`);
      this.#events.emit('failed', error);
      throw error;
    }
  }

  #joinFailed(generation: number, error: RoomError): RoomError {
    if (generation === this.#generation) {
      this.#state = 'idle';
      this.#roomID = undefined;
      this.#events.emit('failed', error);
    }
    return error;
  }

  /** Drops every reference to the client (which the caller exits and destroys). */
  #teardown(): void {
    for (const detach of this.#detach) detach();
    this.#detach = [];
    this.#client = undefined;
    this.#sdk = undefined;
    this.#remotes.clear();
    this.#seated.clear();
    this.#refused.clear();
    this.#local = undefined;
    this.#started = { audio: false, video: false };
    this.#microphoneEnabled = true;
    this.#cameraEnabled = true;
    this.#roomID = undefined;
    this.#state = 'idle';
  }

  #refreshLocal(emit: boolean): MediaStream {
    const client = this.#client;
    const local = this.#local ?? createMediaStream();
    this.#local = local;
    if (client !== undefined) {
      replaceTrack(local, 'video', this.#cameraEnabled ? client.getVideoTrack() : null);
      replaceTrack(local, 'audio', client.getAudioTrack());
    }
    if (emit) this.#events.emit('localStream', local);
    return local;
  }

  #listen(sdk: TrtcSdk, client: TrtcClient): void {
    const E = sdk.EVENT;
    const main = sdk.TYPE.STREAM_TYPE_MAIN;
    const live = () => this.#client === client;
    const playable = (userId: string) => live() && !this.#refused.has(userId);
    const on = <T extends keyof TrtcEvents>(event: T, handler: (...args: TrtcEvents[T]) => void) => {
      client.on(event, handler);
      this.#detach.push(() => client.off(event, handler));
    };

    on(E.REMOTE_USER_ENTER, ({ userId }) => {
      if (!playable(userId)) return;
      if (!this.#seated.has(userId) && isRoomFull(this.#seated.size, this.#limit)) {
        this.#refuse(client, userId);
        return;
      }
      this.#seated.add(userId);
      this.#events.emit('remoteUserEntered', userId);
      this.#reportRemote(userId);
    });
    on(E.REMOTE_USER_EXIT, ({ userId }) => {
      if (!live()) return;
      if (this.#refused.delete(userId)) return; // never announced
      this.#seated.delete(userId);
      this.#remotes.delete(userId);
      this.#events.emit('remoteUserLeft', userId);
    });
    on(E.REMOTE_VIDEO_AVAILABLE, ({ userId, streamType }) => {
      if (!playable(userId) || streamType !== main) return;
      this.#remote(userId).video = true;
      client
        .startRemoteVideo({ userId, streamType, view: null })
        .then(() => {
          if (live()) this.#setRemoteTrack(userId, 'video', client.getVideoTrack({ userId, streamType }));
        })
        .catch((cause: unknown) => {
          if (live())
            this.#events.emit('failed', trtcFailure(cause, sdk, `could not play the video of ${userId}`));
        });
    });
    on(E.REMOTE_VIDEO_UNAVAILABLE, ({ userId, streamType }) => {
      if (!playable(userId) || streamType !== main) return;
      this.#remote(userId).video = false;
      this.#reportRemote(userId);
    });
    on(E.REMOTE_AUDIO_AVAILABLE, ({ userId }) => {
      if (!playable(userId)) return;
      this.#remote(userId).audio = true;
      this.#setRemoteTrack(userId, 'audio', client.getAudioTrack(userId));
    });
    on(E.REMOTE_AUDIO_UNAVAILABLE, ({ userId }) => {
      if (!playable(userId)) return;
      this.#remote(userId).audio = false;
      this.#reportRemote(userId);
    });
    on(E.TRACK, ({ userId, streamType, track }) => {
      // Tracks arrive (or are replaced) after the availability events; '' is the local user.
      if (!playable(userId) || userId === '' || (streamType !== undefined && streamType !== main)) return;
      this.#setRemoteTrack(userId, track.kind as Kind, track);
    });
    on(E.AUDIO_VOLUME, ({ result }) => {
      if (!live() || !Array.isArray(result)) return;
      const now = Date.now();
      const volumes = new Map<string, number>();
      for (const entry of result) {
        if (typeof entry?.userId === 'string' && entry.userId !== '' && typeof entry.volume === 'number')
          volumes.set(entry.userId, entry.volume);
      }
      // Users left out of a report are silent.
      for (const [userID, remote] of this.#remotes) {
        if (remote.state === undefined || remote.state.muted) continue;
        if (remote.detector.update((volumes.get(userID) ?? 0) / 100, now)) this.#reportRemote(userID);
      }
    });
    on(E.ERROR, (error) => {
      if (live()) this.#events.emit('failed', trtcFailure(error, sdk, 'TRTC failed'));
    });
    on(E.KICKED_OUT, ({ reason }) => {
      if (!live()) return;
      const started = this.#started;
      this.#generation++;
      this.#teardown();
      if (started.video) client.stopLocalVideo().catch(() => {});
      if (started.audio) client.stopLocalAudio().catch(() => {});
      client.destroy();
      this.#events.emit(
        'failed',
        new RoomError('kicked-out', `TRTC removed this user from the room (${reason})`),
      );
    });
  }

  /** Every seat is taken: `userID` is not played (TRTC plays audio on its own unless muted). */
  #refuse(client: TrtcClient, userID: string): void {
    this.#refused.add(userID);
    this.#remotes.delete(userID);
    client.muteRemoteAudio(userID, true).catch(() => {}); // a user gone meanwhile
    this.#events.emit('failed', refusedLocally(this.#roomID, this.#limit, userID, 'is not played'));
  }

  #remote(userID: string): Remote {
    let remote = this.#remotes.get(userID);
    if (remote === undefined) {
      remote = {
        stream: createMediaStream(),
        audio: false,
        video: false,
        reported: undefined,
        state: undefined,
        detector: new SpeakingDetector(this.#speaking),
      };
      this.#remotes.set(userID, remote);
    }
    return remote;
  }

  #setRemoteTrack(userID: string, kind: Kind, track: MediaStreamTrack | null): void {
    if (track === null) return;
    replaceTrack(this.#remote(userID).stream, kind, track);
    this.#reportRemote(userID);
  }

  /** Reports what changed of a user: its stream's kinds, then its {@link RemoteMediaState}. */
  #reportRemote(userID: string): void {
    const remote = this.#remote(userID);
    const has = (kind: MediaKind) => remote.stream.getTracks().some((t) => t.kind === kind);
    const kinds = kindsOf(remote.audio && has('audio'), remote.video && has('video'));
    const key = kinds.join(',');
    if (key !== remote.reported && (remote.reported !== undefined || remote.stream.getTracks().length > 0)) {
      remote.reported = key;
      this.#events.emit('remoteStream', userID, remote.stream, kinds);
    }
    // TRTC's audio-unavailable is the remote's mute; its video-unavailable is the camera off.
    const muted = !remote.audio;
    if (muted) remote.detector.reset();
    const state = { muted, cameraOff: !kinds.includes('video'), speaking: remote.detector.speaking };
    if (sameRemoteState(remote.state, state)) return;
    remote.state = state;
    this.#events.emit('remoteMedia', userID, state);
  }
}

/** Makes `track` the stream's only track of its kind (`null` removes that kind). */
function replaceTrack(stream: MediaStream, kind: Kind, track: MediaStreamTrack | null): void {
  for (const old of stream.getTracks()) {
    if (old.kind === kind && old !== track) stream.removeTrack(old);
  }
  if (track !== null && !stream.getTracks().includes(track)) stream.addTrack(track);
}
