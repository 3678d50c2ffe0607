/** Where a machine's state lives: a slice of an app's store, or {@link createStateStore}'s own. */
export interface StateStore<T> {
  getState(): T;
  setState(state: T): void;
}

/** A {@link StateStore} of its own, for apps without a store (a Node script, a test). */
export interface StandaloneStateStore<T> extends StateStore<T> {
  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: (state: T) => void): () => void;
}

export function createStateStore<T>(initial: T): StandaloneStateStore<T> {
  let state = initial;
  const listeners = new Set<(state: T) => void>();
  return {
    getState: () => state,
    setState(next) {
      state = next;
      for (const listener of [...listeners]) listener(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
