import { useCallback, useEffect, useRef, useState } from 'react';

/** Two-tone ring (440 + 480 Hz), 2 s on, 4 s off: generated, so nothing is downloaded. */
const ON_MS = 2000;
const CYCLE_MS = 6000;

function ring(ctx: AudioContext): void {
  const gain = ctx.createGain();
  gain.gain.value = 0.08;
  gain.connect(ctx.destination);
  const t = ctx.currentTime;
  for (const frequency of [440, 480]) {
    const osc = ctx.createOscillator();
    osc.frequency.value = frequency;
    osc.connect(gain);
    osc.start(t);
    osc.stop(t + ON_MS / 1000);
  }
}

export interface Ringtone {
  /** The browser refused to start audio without a user gesture. */
  readonly blocked: boolean;
  /** Call from a click: unblocks the ringtone. */
  readonly enable: () => void;
}

/**
 * Plays the ringtone while `active`. When autoplay is blocked it says so instead of failing
 * silently, and `enable()` (from a click) starts it.
 */
export function useRingtone(active: boolean): Ringtone {
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
      ring(ctx);
      timer = setInterval(() => ring(ctx), CYCLE_MS);
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
  }, [active]);

  const enable = useCallback(() => {
    const ctx = ctxRef.current;
    // resume() must run inside the click that allows it; start once it has.
    void ctx?.resume().then(() => startRef.current?.());
  }, []);

  return { blocked, enable };
}
