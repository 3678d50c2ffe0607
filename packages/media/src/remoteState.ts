/**
 * What one remote user sends, as this side sees it. Both rooms report it through the
 * `remoteMedia` event and `remoteMediaState(userID)`:
 *
 * - `muted`: their microphone is muted, or no audio of theirs arrives (not yet published, or the
 *   track stopped delivering);
 * - `cameraOff`: their camera is off, or no video of theirs arrives (an audio call, or connecting);
 * - `speaking`: their voice is above the speaking threshold now (with hysteresis); always false
 *   while `muted`.
 */
export interface RemoteMediaState {
  readonly muted: boolean;
  readonly cameraOff: boolean;
  readonly speaking: boolean;
}

export function sameRemoteState(a: RemoteMediaState | undefined, b: RemoteMediaState | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.muted === b.muted &&
    a.cameraOff === b.cameraOff &&
    a.speaking === b.speaking
  );
}

/**
 * How voice activity is detected. Levels are on a 0..1 scale: TRTC's volume / 100, or, for
 * WebRTC, the audio's RMS in dBFS mapped from -50 dB (0) to 0 dB (1).
 */
export interface SpeakingOptions {
  /** A level at or above this starts speaking. Default 0.1 (about -45 dBFS; TRTC volume 10). */
  readonly threshold?: number;
  /** Speaking stops after the level stays below half the threshold this long. Default 600 ms. */
  readonly releaseMs?: number;
  /** How often levels are read (WebRTC) or reported (TRTC, at least 100). Default 200 ms. */
  readonly intervalMs?: number;
}

const DEFAULT_SPEAKING: Required<SpeakingOptions> = {
  threshold: 0.1,
  releaseMs: 600,
  intervalMs: 200,
};

/** Checks speaking options; bad values are a caller's bug, so they throw a RangeError. */
export function speakingOptions(
  options: SpeakingOptions | boolean | undefined,
): Required<SpeakingOptions> | undefined {
  if (options === false) return undefined;
  const merged = { ...DEFAULT_SPEAKING, ...(options === true || options === undefined ? {} : options) };
  if (!(merged.threshold > 0 && merged.threshold <= 1))
    throw new RangeError(`speaking.threshold must be in (0, 1], got ${merged.threshold}`);
  if (!(merged.releaseMs >= 0 && Number.isFinite(merged.releaseMs)))
    throw new RangeError(`speaking.releaseMs must be a finite number >= 0, got ${merged.releaseMs}`);
  if (!(merged.intervalMs >= 20 && Number.isFinite(merged.intervalMs)))
    throw new RangeError(`speaking.intervalMs must be a finite number >= 20, got ${merged.intervalMs}`);
  return merged;
}

/**
 * Voice activity with hysteresis, from a series of levels: speaking starts at the threshold and
 * stops only after the level stayed below half of it for `releaseMs`, so the gaps between words
 * do not make the indicator flicker. Pure: the caller passes the time.
 */
export class SpeakingDetector {
  speaking = false;
  readonly #threshold: number;
  readonly #releaseMs: number;
  #quietSince: number | undefined;

  constructor(options: Required<SpeakingOptions> = DEFAULT_SPEAKING) {
    this.#threshold = options.threshold;
    this.#releaseMs = options.releaseMs;
  }

  /** Feeds one level (0..1) read at `now` (ms); returns true when `speaking` changed. */
  update(level: number, now: number): boolean {
    if (level >= this.#threshold) {
      this.#quietSince = undefined;
      if (this.speaking) return false;
      this.speaking = true;
      return true;
    }
    if (!this.speaking) return false;
    if (level >= this.#threshold / 2) {
      this.#quietSince = undefined;
      return false;
    }
    this.#quietSince ??= now;
    if (now - this.#quietSince < this.#releaseMs) return false;
    this.speaking = false;
    this.#quietSince = undefined;
    return true;
  }

  /** Silence now (muted, track gone): speaking stops at once. Returns true when it changed. */
  reset(): boolean {
    this.#quietSince = undefined;
    if (!this.speaking) return false;
    this.speaking = false;
    return true;
  }
}

/** An RMS amplitude (0..1) as a level: -50 dBFS and below is 0, 0 dBFS is 1. */
export function rmsToLevel(rms: number): number {
  if (!(rms > 0)) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db + 50) / 50));
}
