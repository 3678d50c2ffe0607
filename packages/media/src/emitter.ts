import type { RoomEventHandler, RoomEventName, RoomEvents } from './roomAdapter.js';

type Listener = (...args: never[]) => void;

/**
 * The typed event list behind `RoomAdapter.on`. A handler that throws does not stop the others
 * nor the room: its error is rethrown on a microtask, where it reaches the page's error handling.
 */
export class RoomEmitter {
  readonly #handlers = new Map<RoomEventName, Set<Listener>>();

  on<E extends RoomEventName>(event: E, handler: RoomEventHandler<E>): () => void {
    let set = this.#handlers.get(event);
    if (set === undefined) {
      set = new Set();
      this.#handlers.set(event, set);
    }
    const entry = handler as unknown as Listener;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<E extends RoomEventName>(event: E, ...args: RoomEvents[E]): void {
    const set = this.#handlers.get(event);
    if (set === undefined) return;
    for (const handler of [...set]) {
      try {
        (handler as unknown as RoomEventHandler<E>)(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
