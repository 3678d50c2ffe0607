import { call, StoreUnavailableError } from './errors.js';
import { type Client, type CommitArgs, type CommitCall, encodeCommit, list } from './scripts.js';

/** Per delivery of a commit: the recipients (group expanded) and their sequence numbers. */
export type Committed = Array<[string[], number[]]>;

/** At most this many commits in one call (the script's time grows with it). */
export const GROUP_COMMIT_MAX = 32;
/**
 * Commits wait for the call that is out at most this long: a stalled Redis must not hold them
 * (each then gets its own timeout), and a slow call (a class's big commit) must not stretch the
 * latency of the commits behind it.
 */
export const GROUP_COMMIT_WAIT_MS = 25;

interface Waiting {
  readonly args: CommitArgs;
  resolve(result: Committed | 'conflict' | 'limit'): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  readonly redis: Client;
  readonly call: () => CommitCall;
  /** A call found another epoch: the data it read may be gone. */
  readonly epochLost: () => void;
}

/**
 * Group commit: the commits this process has ready go to Redis in one `beckonCommit` call, one
 * call out at a time. With nothing out, a commit leaves at the end of the event-loop turn (with
 * the others of that turn); while a call is out, commits wait for it (at most
 * `GROUP_COMMIT_WAIT_MS`) and then leave together.
 * Each is still decided alone, in order, with its own guards and its own `by` (fixed when it
 * was queued, so one that waited too long is refused as 'late', never applied after its caller
 * answered 9005). A busy process makes fewer, larger calls: the epoch check, the clock read, the
 * script call, the round trip and one hint per process are shared.
 */
export class GroupCommit {
  readonly #o: GroupCommitOptions;
  #waiting: Waiting[] = [];
  /** Calls out, and when the last one left. */
  #out = 0;
  #sentAt = 0;
  #scheduled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: GroupCommitOptions) {
    this.#o = options;
  }

  commit(args: CommitArgs): Promise<Committed | 'conflict' | 'limit'> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ args, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0) return;
    this.#scheduled = true;
    const go = () => {
      this.#scheduled = false;
      this.#timer = undefined;
      void this.#send();
    };
    const wait = this.#out === 0 ? 0 : this.#sentAt + GROUP_COMMIT_WAIT_MS - Date.now();
    if (wait <= 0) setImmediate(go);
    else this.#timer = setTimeout(go, wait);
  }

  async #send(): Promise<void> {
    const batch = this.#waiting.splice(0, GROUP_COMMIT_MAX);
    if (batch.length === 0) return;
    this.#out++;
    this.#sentAt = Date.now();
    try {
      const args = encodeCommit(
        this.#o.call(),
        batch.map((w) => w.args),
      );
      const raw = await call(() => this.#o.redis.beckonCommit(...args));
      if (raw === 'epoch') {
        this.#o.epochLost();
        throw new StoreUnavailableError('the store was reset; nothing was applied');
      }
      const replies = list<unknown>(raw);
      batch.forEach((w, i) => {
        const reply = replies[i];
        if (reply === 'conflict' || reply === 'limit') w.resolve(reply);
        else if (reply === 'late')
          w.reject(new StoreUnavailableError('redis answered too late; nothing was applied'));
        else w.resolve(list<[unknown, unknown]>(reply).map(([u, s]) => [list<string>(u), list<number>(s)]));
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.#out--;
      // Those that waited for this call leave now, not when their timer says.
      if (this.#timer !== undefined && this.#out === 0) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
        this.#scheduled = false;
      }
      this.#schedule();
    }
  }
}
