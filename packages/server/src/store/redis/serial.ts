/**
 * Runs jobs with the same key one after another (jobs with different keys run side by side).
 * Commands on one invitation are serialized inside a process, so its compare-and-sets only
 * conflict with other processes, not with each other.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    if (key === '') return job();
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(job);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

/**
 * Items for one key that arrive while a job for that key is queued or running wait and are
 * handled together by one job (at most `max` per job), in arrival order, one job after another
 * on `queue`: delivery receipts of an invitation, or its answers, commit together.
 */
export class KeyedBatches<T> {
  readonly #queue: KeyedQueue;
  readonly #max: number;
  readonly #run: (key: string, items: readonly T[]) => Promise<void>;
  /** The batch of each key whose job has not started yet. */
  readonly #open = new Map<string, T[]>();

  constructor(queue: KeyedQueue, max: number, run: (key: string, items: readonly T[]) => Promise<void>) {
    this.#queue = queue;
    this.#max = max;
    this.#run = run;
  }

  /** Adds `item` to the key's open batch, or opens one; the job's failure is `run`'s to report. */
  add(key: string, item: T): void {
    const open = this.#open.get(key);
    if (open !== undefined && open.length < this.#max) {
      open.push(item);
      return;
    }
    const batch = [item];
    this.#open.set(key, batch);
    void this.#queue.run(key, () => {
      if (this.#open.get(key) === batch) this.#open.delete(key);
      return this.#run(key, batch);
    });
  }
}
