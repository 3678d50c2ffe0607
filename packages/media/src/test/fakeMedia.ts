// Minimal stand-ins for the browser's media objects, for tests in Node.

export class FakeTrack extends EventTarget {
  enabled = true;
  muted = false;
  readyState: MediaStreamTrackState = 'live';
  readonly id = Math.random().toString(36).slice(2);
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId = 'default',
  ) {
    super();
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId };
  }
  /** What a browser does when a received track stops (or starts again) delivering media. */
  setMuted(muted: boolean): void {
    this.muted = muted;
    this.dispatchEvent(new Event(muted ? 'mute' : 'unmute'));
  }
  stop(): void {
    this.readyState = 'ended';
  }
  /** What a browser does when the far end's transceiver goes away. */
  end(): void {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

export class FakeMediaStream {
  readonly #tracks: MediaStreamTrack[];
  constructor(tracks: readonly MediaStreamTrack[] = []) {
    this.#tracks = [...tracks];
  }
  getTracks(): MediaStreamTrack[] {
    return [...this.#tracks];
  }
  getAudioTracks(): MediaStreamTrack[] {
    return this.#tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks(): MediaStreamTrack[] {
    return this.#tracks.filter((t) => t.kind === 'video');
  }
  addTrack(track: MediaStreamTrack): void {
    if (!this.#tracks.includes(track)) this.#tracks.push(track);
  }
  removeTrack(track: MediaStreamTrack): void {
    const i = this.#tracks.indexOf(track);
    if (i >= 0) this.#tracks.splice(i, 1);
  }
}

export function track(kind: 'audio' | 'video', deviceId?: string): MediaStreamTrack {
  return new FakeTrack(kind, deviceId) as unknown as MediaStreamTrack;
}

export function stream(...tracks: MediaStreamTrack[]): MediaStream {
  return new FakeMediaStream(tracks) as unknown as MediaStream;
}
