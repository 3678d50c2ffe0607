import type { Logger } from 'pino';

/** What a watch keeps per call of a device: whose device, and when to forget it regardless. */
export interface DeviceEntry {
  readonly user: string;
  readonly device: string;
  /** Past this, the entry is forgotten whatever happened (the room's own limit). */
  readonly forgetAt: number;
}

export interface DeviceWatchOptions<Entry extends DeviceEntry> {
  readonly graceMs: number;
  readonly log: Logger;
  /** Prefixes the log lines (`call watch`, `group watch`). */
  readonly name: string;
  /** Whether a socket of this device is open on this process. */
  readonly connectedHere: (userID: string, deviceID: string) => boolean;
  /** Which call of its device the entry is (one entry per device and id). */
  readonly idOf: (entry: Entry) => string;
  /** The device's grace ran out: acts for the entry if its party is gone; returns when to look again. */
  readonly check: (entry: Entry, lostAt: number, now: number) => Promise<number | undefined>;
  /** Runs every grace period: the fallback for devices whose process died (kill -9) with their grace. */
  readonly survey: () => Promise<void>;
}

const key = (user: string, device: string) => `${user}\n${device}`;

/**
 * The device mechanics the call watch (callWatch.ts) and the group watch (groupWatch.ts) share:
 * the calls of each device whose request this process handled, a grace that starts when the
 * device's last socket closes here and ends in `check` for each of its calls (unless a socket
 * comes back first), and a `survey` every grace. What a call is and what ends it are the
 * watches' own.
 */
export class DeviceWatch<Entry extends DeviceEntry> {
  readonly #o: DeviceWatchOptions<Entry>;
  /** Entries by device, then by id. */
  readonly #entries = new Map<string, Map<string, Entry>>();
  /** Devices whose sockets all closed here: when, and the timer that checks them. */
  readonly #lost = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #surveyTimer: NodeJS.Timeout;
  #closed = false;

  constructor(options: DeviceWatchOptions<Entry>) {
    this.#o = options;
    let surveying = false;
    this.#surveyTimer = setInterval(() => {
      if (surveying) return;
      surveying = true;
      options
        .survey()
        .catch((err: unknown) => options.log.warn({ err }, `${options.name}: survey failed`))
        .finally(() => {
          surveying = false;
        });
    }, options.graceMs);
    this.#surveyTimer.unref();
  }

  /** A socket of the device authenticated here: a loss in progress is over. */
  connected(user: string, device: string): void {
    const k = key(user, device);
    const lost = this.#lost.get(k);
    if (lost === undefined) return;
    clearTimeout(lost.timer);
    this.#lost.delete(k);
  }

  /** The last socket of the device closed here. */
  disconnected(user: string, device: string, now = Date.now()): void {
    const k = key(user, device);
    if (this.#entries.has(k) && !this.#lost.has(k)) this.#arm(k, now, now + this.#o.graceMs);
  }

  /** Forgets entries past their limits (called from the server's heartbeat). */
  sweep(now = Date.now()): void {
    for (const [k, entries] of this.#entries) {
      for (const [id, entry] of entries) if (entry.forgetAt <= now) entries.delete(id);
      if (entries.size === 0) this.#forget(k);
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#surveyTimer);
    for (const { timer } of this.#lost.values()) clearTimeout(timer);
    this.#lost.clear();
  }

  /** Watches the entry (replacing its device's entry of the same id). */
  add(entry: Entry): void {
    const k = key(entry.user, entry.device);
    let entries = this.#entries.get(k);
    if (entries === undefined) {
      entries = new Map();
      this.#entries.set(k, entries);
    }
    entries.set(this.#o.idOf(entry), entry);
    // The device went away between its request and now: its grace starts now.
    if (!this.#o.connectedHere(entry.user, entry.device)) this.disconnected(entry.user, entry.device);
  }

  /** The device's entry of that id. */
  get(user: string, device: string, id: string): Entry | undefined {
    return this.#entries.get(key(user, device))?.get(id);
  }

  /** Stops watching the entry, if it is still the one watched for its device and id. */
  delete(entry: Entry): void {
    const k = key(entry.user, entry.device);
    const entries = this.#entries.get(k);
    const id = this.#o.idOf(entry);
    if (entries?.get(id) === entry) entries.delete(id);
    if (entries?.size === 0) this.#forget(k);
  }

  /** Every entry (of `user`'s devices only, if given), as a snapshot that deletes do not disturb. */
  entries(user?: string): Entry[] {
    const all: Entry[] = [];
    for (const [k, entries] of this.#entries)
      if (user === undefined || k.startsWith(`${user}\n`)) all.push(...entries.values());
    return all;
  }

  /** Whether a device of `user` has an entry of that id here. */
  watches(user: string, id: string): boolean {
    for (const [k, entries] of this.#entries) if (k.startsWith(`${user}\n`) && entries.has(id)) return true;
    return false;
  }

  #forget(k: string): void {
    this.#entries.delete(k);
    const lost = this.#lost.get(k);
    if (lost !== undefined) clearTimeout(lost.timer);
    this.#lost.delete(k);
  }

  #arm(k: string, lostAt: number, at: number): void {
    if (this.#closed) return;
    const previous = this.#lost.get(k);
    if (previous !== undefined) clearTimeout(previous.timer);
    const timer = setTimeout(
      () => {
        this.#check(k, lostAt).catch((err: unknown) => {
          this.#o.log.warn({ err }, `${this.#o.name}: check failed; trying again after the grace`);
          if (this.#lost.get(k)?.timer === timer) this.#arm(k, lostAt, Date.now() + this.#o.graceMs);
        });
      },
      Math.max(0, at - Date.now()),
    );
    timer.unref();
    this.#lost.set(k, { at: lostAt, timer });
  }

  /** The grace of a device ran out: check each of its entries, and look again when one asks to. */
  async #check(k: string, lostAt: number): Promise<void> {
    const entries = [...(this.#entries.get(k)?.values() ?? [])];
    let next = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (const entry of entries) {
      const again = await this.#o.check(entry, lostAt, now);
      if (again !== undefined) next = Math.min(next, again);
    }
    if (this.#lost.get(k)?.at !== lostAt) return; // reconnected meanwhile
    if (next < Number.POSITIVE_INFINITY && this.#entries.has(k)) this.#arm(k, lostAt, next);
    else this.#lost.delete(k);
  }
}
