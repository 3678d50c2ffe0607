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
