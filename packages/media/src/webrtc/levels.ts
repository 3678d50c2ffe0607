import { rmsToLevel } from '../remoteState.js';

/**
 * Reads the level of remote audio tracks with one AudioContext and one AnalyserNode per track,
 * polled on one timer for all of them (a few hundred floats per user per tick). The context is
 * made only when the first track is measured; without Web Audio nothing is measured and nobody
 * is ever reported speaking.
 */
export class AudioLevels {
  readonly #intervalMs: number;
  readonly #onLevel: (userID: string, level: number) => void;
  readonly #meters = new Map<
    string,
    { track: MediaStreamTrack; source: AudioNode; analyser: AnalyserNode }
  >();
  #context: AudioContext | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #buffer = new Float32Array(512);

  constructor(intervalMs: number, onLevel: (userID: string, level: number) => void) {
    this.#intervalMs = intervalMs;
    this.#onLevel = onLevel;
  }

  /** Measures `track` for `userID` (replacing the one measured before); null stops measuring. */
  measure(userID: string, track: MediaStreamTrack | null): void {
    const current = this.#meters.get(userID);
    if (current?.track === track) return;
    if (current !== undefined) {
      current.source.disconnect();
      this.#meters.delete(userID);
    }
    if (track !== null) {
      const context = this.#audioContext();
      const Stream = (globalThis as { MediaStream?: typeof MediaStream }).MediaStream;
      if (context !== undefined && Stream !== undefined) {
        try {
          const source = context.createMediaStreamSource(new Stream([track]));
          const analyser = context.createAnalyser();
          analyser.fftSize = this.#buffer.length;
          source.connect(analyser);
          this.#meters.set(userID, { track, source, analyser });
        } catch {
          // A track Web Audio cannot read (ended meanwhile): no level for it.
        }
      }
    }
    if (this.#meters.size > 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    } else if (this.#meters.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  close(): void {
    for (const userID of [...this.#meters.keys()]) this.measure(userID, null);
    void this.#context?.close().catch(() => {});
    this.#context = undefined;
  }

  #audioContext(): AudioContext | undefined {
    if (this.#context !== undefined) return this.#context;
    const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (Ctor === undefined) return undefined;
    try {
      this.#context = new Ctor();
    } catch {
      return undefined;
    }
    // Created after the user's click on Call or Accept, so the browser lets it run.
    if (this.#context.state === 'suspended') void this.#context.resume().catch(() => {});
    return this.#context;
  }

  #tick(): void {
    const buffer = this.#buffer;
    for (const [userID, { analyser }] of this.#meters) {
      analyser.getFloatTimeDomainData(buffer);
      let sum = 0;
      for (const sample of buffer) sum += sample * sample;
      this.#onLevel(userID, rmsToLevel(Math.sqrt(sum / buffer.length)));
    }
  }
}
