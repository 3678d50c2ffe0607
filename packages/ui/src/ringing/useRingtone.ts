import { useCallback, useEffect, useRef, useState } from 'react';

/** A generated tone pattern: nothing is downloaded. */
export interface TonePattern {
  readonly frequencies: readonly number[];
  readonly onMs: number;
  readonly cycleMs: number;
  readonly gain: number;
}

/** The callee's ringtone: two tones (440 + 480 Hz), 2 s on, 4 s off. */
export const RINGTONE: TonePattern = { frequencies: [440, 480], onMs: 2000, cycleMs: 6000, gain: 0.08 };
/** The caller's ring-back (ITU-T E.180's 425 Hz), 1 s on, 4 s off, quieter: it only says “ringing”. */
export const RINGBACK: TonePattern = { frequencies: [425], onMs: 1000, cycleMs: 5000, gain: 0.05 };

function ring(ctx: AudioContext, pattern: TonePattern): void {
  const gain = ctx.createGain();
  gain.gain.value = pattern.gain;
  gain.connect(ctx.destination);
  const t = ctx.currentTime;
  for (const frequency of pattern.frequencies) {
    const osc = ctx.createOscillator();
    osc.frequency.value = frequency;
    osc.connect(gain);
    osc.start(t);
    osc.stop(t + pattern.onMs / 1000);
  }
}

export interface Ringtone {
  /** The browser refused to start audio without a user gesture. */
  readonly blocked: boolean;
  /** Call from a click: unblocks the ringtone. */
  readonly enable: () => void;
}

/**
 * Plays the ringtone (or another `pattern`, such as `RINGBACK`) while `active`. When autoplay is
 * blocked it says so instead of failing silently, and `enable()` (from a click) starts it.
 */
export function useRingtone(active: boolean, pattern: TonePattern = RINGTONE): Ringtone {
  const ctxRef = useRef<AudioContext | undefined>(undefined);
  const startRef = useRef<(() => void) | undefined>(undefined);
  const [blocked, setBlocked] = useState(false);

  useEffect(() => {
    if (!active) return;
    const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (Ctor === undefined) return;
    const ctx = new Ctor();
    ctxRef.current = ctx;
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      if (timer !== undefined || ctx.state !== 'running') return;
      setBlocked(false);
      ring(ctx, pattern);
      timer = setInterval(() => ring(ctx, pattern), pattern.cycleMs);
    };
    startRef.current = start;
    const onState = () => (ctx.state === 'running' ? start() : undefined);
    ctx.addEventListener('statechange', onState);
    ctx.resume().then(start, () => {});
    // Autoplay policies leave the context suspended rather than failing the promise.
    const check = setTimeout(() => setBlocked(ctx.state !== 'running'), 300);
    return () => {
      clearTimeout(check);
      clearInterval(timer);
      ctx.removeEventListener('statechange', onState);
      void ctx.close().catch(() => {});
      ctxRef.current = undefined;
      startRef.current = undefined;
      setBlocked(false);
    };
  }, [active, pattern]);

  const enable = useCallback(() => {
    const ctx = ctxRef.current;
    // resume() must run inside the click that allows it; start once it has.
    void ctx?.resume().then(() => startRef.current?.());
  }, []);

  return { blocked, enable };
}

/**
 * The caller's ring-back tone while the callee's phone rings, with the ringtone's autoplay
 * handling (the click that placed the call usually allows it; if not, `blocked` says so).
 *
 * @example
 * const tone = useRingback(call.phase === 'dialing');
 * {tone.blocked && <button onClick={tone.enable}>Enable sound</button>}
 */
export function useRingback(active: boolean): Ringtone {
  return useRingtone(active, RINGBACK);
}
