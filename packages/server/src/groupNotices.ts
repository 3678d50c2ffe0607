/** Default of `createBeckonServer({ groupNoticeMs })`. */
export const DEFAULT_GROUP_NOTICE_MS = 500;

/**
 * A group's notices (`{ t: 'group' }`: someone joined, left, connected or went away), at most one
 * per group per interval: the first change is told at once, the changes of the next `intervalMs`
 * together at its end, to everyone any of them concerned. A class of 1,000 connecting at the hour
 * then costs each member a few notices (and its members list a few refetches), not 1,000.
 */
export class GroupNotices {
  readonly #intervalMs: number;
  readonly #send: (groupID: string, members: readonly string[]) => void;
  /** Groups told within the interval; `pending` are the members of the changes since. */
  readonly #windows = new Map<string, { timer: NodeJS.Timeout; pending: Set<string> | undefined }>();

  constructor(intervalMs: number, send: (groupID: string, members: readonly string[]) => void) {
    this.#intervalMs = intervalMs;
    this.#send = send;
  }

  announce(groupID: string, members: readonly string[]): void {
    const window = this.#windows.get(groupID);
    if (window === undefined) {
      this.#send(groupID, members);
      this.#open(groupID);
      return;
    }
    window.pending ??= new Set();
    for (const member of members) window.pending.add(member);
  }

  #open(groupID: string): void {
    const window = {
      pending: undefined as Set<string> | undefined,
      timer: setTimeout(() => {
        this.#windows.delete(groupID);
        if (window.pending === undefined) return;
        this.#send(groupID, [...window.pending]);
        this.#open(groupID);
      }, this.#intervalMs),
    };
    this.#windows.set(groupID, window);
  }

  close(): void {
    for (const window of this.#windows.values()) clearTimeout(window.timer);
    this.#windows.clear();
  }
}
