import type { Group } from './store/types.js';

/** A group with who of it is online, as `GET /groups/:id/members` answers it. */
export interface MembersView {
  readonly group: Group;
  readonly online: ReadonlySet<string>;
}

/**
 * `GET /groups/:id/members` per group, read once for the requests that come together: a group
 * notice makes every member's list refetch at once (1,000 requests for a class of 1,000, each
 * reading the presence of 1,000 users; on Redis a million reads). A view is shared while it is
 * younger than `maxAgeMs` and no change of the group was announced since (`invalidate`); a
 * requester missing from a shared view (a join announced on another process, not heard here
 * yet) is answered from a fresh read.
 */
export class MembersCache {
  readonly #maxAgeMs: number;
  /** Oldest first (a refreshed entry moves to the end), so expired ones are swept from the front. */
  readonly #views = new Map<
    string,
    { readonly at: number; readonly view: Promise<MembersView | undefined> }
  >();

  constructor(maxAgeMs: number) {
    this.#maxAgeMs = maxAgeMs;
  }

  /** The shared view of `groupID`, or `read()` once for everyone asking now. */
  get(groupID: string, read: () => Promise<MembersView | undefined>): Promise<MembersView | undefined> {
    const now = Date.now();
    for (const [id, entry] of this.#views) {
      if (now - entry.at < this.#maxAgeMs) break;
      this.#views.delete(id);
    }
    const hit = this.#views.get(groupID);
    if (hit !== undefined) return hit.view;
    const entry = { at: now, view: read() };
    this.#views.set(groupID, entry);
    // A failed read is not shared with later requests.
    entry.view.catch(() => {
      if (this.#views.get(groupID) === entry) this.#views.delete(groupID);
    });
    return entry.view;
  }

  /** The group's members or their presence changed. */
  invalidate(groupID: string): void {
    this.#views.delete(groupID);
  }

  get size(): number {
    return this.#views.size;
  }
}
