// Minimal stand-ins for the browser's media objects, for tests in Node.

export class FakeTrack extends EventTarget {
  enabled = true;
  readyState: MediaStreamTrackState = 'live';
  readonly id = Math.random().toString(36).slice(2);
  constructor(readonly kind: 'audio' | 'video') {
    super();
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

export function track(kind: 'audio' | 'video'): MediaStreamTrack {
  return new FakeTrack(kind) as unknown as MediaStreamTrack;
}

export function stream(...tracks: MediaStreamTrack[]): MediaStream {
  return new FakeMediaStream(tracks) as unknown as MediaStream;
}
