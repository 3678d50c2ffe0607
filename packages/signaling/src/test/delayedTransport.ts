import type { Command, CommandReply } from '../rules/types.js';
import type { Transport, TransportListener } from '../transport.js';

/** One message in flight: running it delivers it. */
type Delivery = () => void;

/**
 * Holds every message between clients and an arbiter until the test lets it through, so a test
 * chooses the interleaving: requests reach the arbiter, replies and events reach the clients, in
 * the order the test picks. Each client's events keep their order (the transport contract);
 * its requests and replies are separate lines that may overtake the events and each other.
 */
export class Network {
  readonly #lines: Delivery[][] = [];

  /** A new line: messages on it arrive in the order they were sent. */
  line(): (delivery: Delivery) => void {
    const queue: Delivery[] = [];
    this.#lines.push(queue);
    return (delivery) => queue.push(delivery);
  }

  /** Messages still in flight. */
  get inFlight(): number {
    return this.#lines.reduce((n, q) => n + q.length, 0);
  }

  /** Delivers the oldest message of the `pick`-th line that has one (modulo); false when none is in flight. */
  deliver(pick: number): boolean {
    const busy = this.#lines.filter((q) => q.length > 0);
    const queue = busy[pick % Math.max(1, busy.length)];
    const next = queue?.shift();
    next?.();
    return next !== undefined;
  }

  /** Wraps a transport so that everything it sends and receives goes through this network. */
  wrap(inner: Transport): Transport {
    const events = this.line();
    const network = this;
    return {
      connect(listener: TransportListener) {
        inner.connect({
          ...listener,
          onStateChange: (state, error) => listener.onStateChange(state, error),
          onSession: (session) => listener.onSession(session),
          onSnapshot: (snapshot) => listener.onSnapshot(snapshot),
          onEvent: (event) => events(() => listener.onEvent(event)),
        });
      },
      request(command: Command): Promise<CommandReply> {
        // Each request travels on a line of its own: requests and replies overtake one another.
        const send = network.line();
        return new Promise((resolve, reject) => {
          send(() => {
            inner.request(command).then(
              (reply) => send(() => resolve(reply)),
              (error: unknown) => send(() => reject(error)),
            );
          });
        });
      },
      close: () => inner.close(),
    };
  }
}
