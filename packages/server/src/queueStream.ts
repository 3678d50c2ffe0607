import { type QueuedHand, queueFrame } from '@beckon/signaling/rules';
import type { Logger } from 'pino';
import type { BatchingMember } from './coalesce.js';
import type { Connection } from './connection.js';
import type { Store } from './store/types.js';

// The queue stream (issue 19): a class's members who are neither the teacher nor a hand's owner
// receive no event of other students' hands; each gets the queue's changes as one `queue` frame
// per batch, in the same message as its held events. One read of the store and one serialization
// per group and batch, whatever the size of the class.

interface GroupQueue {
  /** The queue every joined connection holds; undefined until the first read. */
  last: ReadonlyMap<string, QueuedHand> | undefined;
  /** `last` as a full frame, serialized once for all the connections that join. */
  full: string | undefined;
  /** Connections holding `last`. */
  readonly joined: Set<Connection>;
  /** Connections that join once the read in flight is done (true: send even an empty queue). */
  readonly waiting: Map<Connection, boolean>;
  /** The queue changed since the last read. */
  dirty: boolean;
  reading: boolean;
  /** The members changed: the next read checks that every joined connection is still one. */
  membersChanged: boolean;
}

export interface QueueStreamOptions {
  readonly store: Store;
  readonly log: Logger;
  /** The group's batch is due later (`GroupBatches.touch`). */
  readonly touch: (groupID: string) => void;
  /** The authenticated connections of a user on this process. */
  readonly connectionsOf: (userID: string) => Iterable<Connection>;
}

/**
 * Per group with a member connected to this process: the last queue sent and who holds it. A
 * group's state goes when its last connection here does, so memory follows the connected classes.
 */
export class QueueStream {
  readonly #options: QueueStreamOptions;
  readonly #groups = new Map<string, GroupQueue>();
  /** Groups each connection joined or waits for. */
  readonly #of = new Map<Connection, Set<string>>();
  /** Connections whose snapshot or replay went out (a group they join gets them at once). */
  readonly #ready = new Set<Connection>();

  constructor(options: QueueStreamOptions) {
    this.#options = options;
  }

  /** Classes whose queue this process keeps (one per class with a member connected here). */
  get classes(): number {
    return this.#groups.size;
  }

  /** The store says the group's hands changed: the next batch carries the difference. */
  changed(groupID: string): void {
    const queue = this.#groups.get(groupID);
    if (queue === undefined) return;
    queue.dirty = true;
    this.#options.touch(groupID);
  }

  /** The connection is in sync: it gets the queue of each of its user's groups. */
  synced(connection: Connection, resumed: boolean): void {
    const userID = connection.userID;
    if (userID === undefined) return;
    this.#ready.add(connection);
    this.#options.store.groupsOf(userID).then(
      (groups) => {
        if (!this.#ready.has(connection)) return;
        for (const group of groups) this.#join(connection, group.groupID, resumed);
      },
      (err: unknown) => this.#options.log.warn({ err }, 'queue stream: groups not read'),
    );
  }

  /** A group's members changed: who joined gets the queue now; who left, at the next read. */
  membersChanged(groupID: string, members: readonly string[]): void {
    const queue = this.#groups.get(groupID);
    if (queue !== undefined) queue.membersChanged = true;
    for (const member of members)
      for (const connection of this.#options.connectionsOf(member))
        if (this.#ready.has(connection) && this.#of.get(connection)?.has(groupID) !== true)
          this.#join(connection, groupID, false);
  }

  closed(connection: Connection): void {
    this.#ready.delete(connection);
    for (const groupID of this.#of.get(connection) ?? []) {
      const queue = this.#groups.get(groupID);
      if (queue === undefined) continue;
      queue.joined.delete(connection);
      queue.waiting.delete(connection);
      this.#dropIfIdle(groupID, queue);
    }
    this.#of.delete(connection);
  }

  /** `GroupBatches`' due hook: the members' held events, with the queue's frame when it changed. */
  due(groupID: string, members: Set<BatchingMember>): void {
    const queue = this.#groups.get(groupID);
    if (queue === undefined || !queue.dirty || queue.reading) {
      // A read in flight sends the changes it sees, and schedules another batch for later ones.
      for (const member of members) member.flushPending();
      return;
    }
    void this.#read(groupID, queue, members);
  }

  #join(connection: Connection, groupID: string, resumed: boolean): void {
    let queue = this.#groups.get(groupID);
    if (queue === undefined) {
      queue = {
        last: undefined,
        full: undefined,
        joined: new Set(),
        waiting: new Map(),
        dirty: false,
        reading: false,
        membersChanged: false,
      };
      this.#groups.set(groupID, queue);
    }
    // A fresh socket that a member notice joined already holds the queue; a resync takes it again.
    if (!resumed && (queue.joined.has(connection) || queue.waiting.has(connection))) return;
    let groups = this.#of.get(connection);
    if (groups === undefined) {
      groups = new Set();
      this.#of.set(connection, groups);
    }
    groups.add(groupID);
    if (queue.last === undefined || queue.reading) {
      queue.waiting.set(connection, resumed || queue.waiting.get(connection) === true);
      if (!queue.reading) void this.#read(groupID, queue, new Set());
      return;
    }
    this.#sendFull(groupID, queue, queue.last, connection, resumed);
  }

  #sendFull(
    groupID: string,
    queue: GroupQueue,
    last: ReadonlyMap<string, QueuedHand>,
    connection: Connection,
    resumed: boolean,
  ): void {
    queue.joined.add(connection);
    if (last.size === 0 && !resumed) return;
    queue.full ??= JSON.stringify(queueFrame(groupID, undefined, last));
    connection.sendText(queue.full);
  }

  /** Reads the queue, sends its difference to the joined connections, then lets the waiting join. */
  async #read(groupID: string, queue: GroupQueue, members: Set<BatchingMember>): Promise<void> {
    const { store, log } = this.#options;
    queue.reading = true;
    queue.dirty = false;
    let failed = false;
    try {
      const checkMembers = queue.membersChanged;
      queue.membersChanged = false;
      const [entries, group] = await Promise.all([
        store.handQueue(groupID),
        checkMembers ? store.getGroup(groupID) : undefined,
      ]);
      if (checkMembers) this.#dropLeavers(groupID, queue, new Set(group?.members ?? []));
      const now = new Map(entries.map((e) => [e.inviteID, e]));
      const frame = queue.last && queueFrame(groupID, queue.last, now);
      queue.last = now;
      queue.full = undefined;
      if (frame !== undefined) {
        const text = JSON.stringify(frame);
        for (const connection of queue.joined) {
          connection.batchLine(text);
          members.add(connection);
        }
      }
    } catch (err) {
      failed = true;
      // The next change or batch reads again.
      queue.dirty = true;
      log.warn({ err, groupID }, 'queue stream: hands not read');
    } finally {
      queue.reading = false;
    }
    for (const member of members) member.flushPending();
    const last = queue.last;
    if (last !== undefined) {
      for (const [connection, resumed] of queue.waiting)
        this.#sendFull(groupID, queue, last, connection, resumed);
      queue.waiting.clear();
    }
    if (queue.dirty && !failed) this.#options.touch(groupID);
    this.#dropIfIdle(groupID, queue);
  }

  /** Joined connections of users who left the group: an empty queue, and no more frames. */
  #dropLeavers(groupID: string, queue: GroupQueue, members: ReadonlySet<string>): void {
    for (const connection of queue.joined) {
      if (members.has(connection.userID ?? '')) continue;
      queue.joined.delete(connection);
      this.#of.get(connection)?.delete(groupID);
      connection.sendText(JSON.stringify(queueFrame(groupID, undefined, new Map())));
    }
  }

  #dropIfIdle(groupID: string, queue: GroupQueue): void {
    if (queue.joined.size > 0 || queue.waiting.size > 0 || queue.reading) return;
    if (this.#groups.get(groupID) === queue) this.#groups.delete(groupID);
  }
}
