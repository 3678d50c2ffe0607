/** Time, injected: the core never reads the platform's clock or timers directly. */
export interface Clock {
  /** Milliseconds on this clock's timeline (epoch ms for the system clock). */
  now(): number;
  /** Calls `callback` once the clock reaches `at`; returns a handle for {@link Clock.clearTimer}. */
  setTimer(at: number, callback: () => void): unknown;
  clearTimer(handle: unknown): void;
}

/** The platform clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (at, callback) => setTimeout(callback, Math.max(0, at - Date.now())),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface ManualTimer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when told to, for tests: `advance` fires due timers in time order.
 *
 * @example
 * const clock = new ManualClock(0);
 * clock.advance(30_000); // every invitation with a 30 s timeout times out here
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, ManualTimer>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(at: number, callback: () => void): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at, callback });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Number of armed timers (useful to assert that nothing leaks). */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      let due: ManualTimer | undefined;
      for (const t of this.#timers.values()) {
        if (t.at <= target && (due === undefined || t.at < due.at || (t.at === due.at && t.id < due.id)))
          due = t;
      }
      if (due === undefined) break;
      this.#timers.delete(due.id);
      this.#now = Math.max(this.#now, due.at);
      due.callback();
    }
    this.#now = target;
  }
}
