// A fake of trtc-sdk-v5 whose shape is checked against the SDK's own type definitions: the
// client implements `TrtcClient` (a Pick of the SDK's TRTC class) and the static side satisfies
// `TrtcSdk` (a Pick of `typeof TRTC`), so a change in the SDK's types breaks this file's build.
import type {
  EnterRoomConfig,
  LocalAudioConfig,
  LocalVideoConfig,
  RemoteVideoConfig,
  TRTCEventTypes,
  TRTCOptions,
  TRTCStreamType,
  UpdateLocalAudioConfig,
} from 'trtc-sdk-v5';
import type { TrtcClient, TrtcSdk } from '../trtc/sdk.js';
import { track } from './fakeMedia.js';

type EventName = keyof TRTCEventTypes;
type Listener = (...args: never[]) => void;

/** TRTC's stream types are `const enum`s, which isolated modules cannot read; these are their values. */
export const MAIN = 'main' as TRTCStreamType.Main;
export const SUB = 'sub' as TRTCStreamType.Sub;

export class FakeTrtcClient implements TrtcClient {
  readonly calls: [method: string, argument?: unknown][] = [];
  readonly listeners = new Map<EventName, Set<Listener>>();
  /** Make a method reject with this error. */
  readonly failures = new Map<string, unknown>();
  readonly localTracks = { audio: track('audio'), video: track('video') };
  readonly remoteTracks = new Map<string, { audio: MediaStreamTrack; video: MediaStreamTrack }>();
  destroyed = false;
  #started = { audio: false, video: false };
  #videoMuted = false;

  constructor(readonly options: TRTCOptions | undefined) {}

  async #call(method: string, argument?: unknown): Promise<void> {
    this.calls.push(argument === undefined ? [method] : [method, argument]);
    await Promise.resolve();
    if (this.failures.has(method)) throw this.failures.get(method);
  }

  async enterRoom(params: EnterRoomConfig): Promise<void> {
    await this.#call('enterRoom', params);
  }
  async exitRoom(): Promise<void> {
    await this.#call('exitRoom');
  }
  async startLocalVideo(config?: LocalVideoConfig): Promise<void> {
    await this.#call('startLocalVideo', config);
    this.#started.video = true;
  }
  async startLocalAudio(config?: LocalAudioConfig): Promise<void> {
    await this.#call('startLocalAudio', config);
    this.#started.audio = true;
  }
  async updateLocalVideo(config: LocalVideoConfig): Promise<void> {
    await this.#call('updateLocalVideo', config);
    if (config.mute !== undefined) this.#videoMuted = config.mute !== false;
  }
  async updateLocalAudio(config: UpdateLocalAudioConfig): Promise<void> {
    await this.#call('updateLocalAudio', config);
  }
  async stopLocalVideo(): Promise<void> {
    await this.#call('stopLocalVideo');
  }
  async stopLocalAudio(): Promise<void> {
    await this.#call('stopLocalAudio');
  }
  async startRemoteVideo(config: RemoteVideoConfig): Promise<void> {
    await this.#call('startRemoteVideo', config);
  }
  async muteRemoteAudio(userId: string, mute: boolean): Promise<void> {
    await this.#call('muteRemoteAudio', { userId, mute });
  }
  /** The interval of `enableAudioVolumeEvaluation` (kept out of `calls`: it is not a request). */
  volumeInterval: number | undefined;
  enableAudioVolumeEvaluation(interval?: number): void {
    this.volumeInterval = interval ?? 2000;
  }
  getVideoTrack(config?: { userId?: string; streamType?: TRTCStreamType }): MediaStreamTrack | null {
    const userId = config?.userId ?? '';
    if (userId === '') return this.#started.video && !this.#videoMuted ? this.localTracks.video : null;
    return this.#remote(userId).video;
  }
  getAudioTrack(configOrUserId?: { userId?: string } | string): MediaStreamTrack | null {
    const userId = typeof configOrUserId === 'string' ? configOrUserId : (configOrUserId?.userId ?? '');
    if (userId === '') return this.#started.audio ? this.localTracks.audio : null;
    return this.#remote(userId).audio;
  }
  on<T extends EventName>(event: T, handler: (...args: TRTCEventTypes[T]) => void): this {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(handler as unknown as Listener);
    return this;
  }
  off<T extends EventName>(event: T, handler: (...args: TRTCEventTypes[T]) => void): this {
    this.listeners.get(event)?.delete(handler as unknown as Listener);
    return this;
  }
  destroy(): void {
    this.calls.push(['destroy']);
    this.destroyed = true;
  }

  /** What the SDK would raise. */
  emit<T extends EventName>(event: T, ...args: TRTCEventTypes[T]): void {
    for (const handler of [...(this.listeners.get(event) ?? [])]) {
      (handler as unknown as (...a: TRTCEventTypes[T]) => void)(...args);
    }
  }

  listenerCount(): number {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }

  #remote(userId: string) {
    let tracks = this.remoteTracks.get(userId);
    if (tracks === undefined) {
      tracks = { audio: track('audio'), video: track('video') };
      this.remoteTracks.set(userId, tracks);
    }
    return tracks;
  }
}

/** The SDK's static side, as `TrtcRoom` sees it; `failures` make methods of every client reject. */
export function fakeTrtcSdk(failures: Record<string, unknown> = {}) {
  const clients: FakeTrtcClient[] = [];
  const speakers: string[] = [];
  const sdk = {
    async setCurrentSpeaker(speakerId: string) {
      await Promise.resolve();
      if ('setCurrentSpeaker' in failures) throw failures.setCurrentSpeaker;
      speakers.push(speakerId);
    },
    create(options?: TRTCOptions) {
      const client = new FakeTrtcClient(options);
      for (const [method, error] of Object.entries(failures)) client.failures.set(method, error);
      clients.push(client);
      return client;
    },
    EVENT: {
      ERROR: 'error',
      KICKED_OUT: 'kicked-out',
      REMOTE_USER_ENTER: 'remote-user-enter',
      REMOTE_USER_EXIT: 'remote-user-exit',
      REMOTE_VIDEO_AVAILABLE: 'remote-video-available',
      REMOTE_VIDEO_UNAVAILABLE: 'remote-video-unavailable',
      REMOTE_AUDIO_AVAILABLE: 'remote-audio-available',
      REMOTE_AUDIO_UNAVAILABLE: 'remote-audio-unavailable',
      TRACK: 'track',
      AUDIO_VOLUME: 'audio-volume',
    },
    ERROR_CODE: { DEVICE_ERROR: 5300 },
    TYPE: { STREAM_TYPE_MAIN: MAIN },
  } satisfies TrtcSdk;
  return { sdk, clients, speakers };
}
