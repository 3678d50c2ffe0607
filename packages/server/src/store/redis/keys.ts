import { RedisUrlError } from './connect.js';

/** `text` as a SCAN pattern that matches it literally (glob characters escaped). */
export const glob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/** How a user holds an invitation in `Keys.inboxes`; see `Keys.inboxEntry`. */
export type InboxKind = 'a' | 'b' | 'c';

/**
 * Every key of one deployment, under its prefix. The Lua scripts (scripts.ts) build the same
 * names from the prefix for keys they discover while running (members, logs); keep both in step.
 *
 * On Redis Cluster (`cluster`), the keys a commit reads or writes together share one hash slot:
 * the prefix is wrapped in a hash tag (`beckon:` becomes `{beckon:}`), so every script's keys are
 * in the slot of the deployment's `epoch` key, which each script declares first. Keys no script
 * touches together with the others (history, group calls' media rooms) carry the user's or
 * room's own tag (`beckon:hist:{alice}`) and spread over the cluster.
 */
export class Keys {
  /** What the keys that commits touch together start with (the hash-tagged prefix on a cluster). */
  readonly prefix: string;
  readonly epoch: string;
  readonly deadlines: string;
  /**
   * Every user's active invitations and every pair's glare index, one sorted set (all scores 0)
   * read by range of members: `inboxEntry`, `pair`. One `ZADD` (`ZREM`) files an invitation for
   * all its users and its pair, and an inviter's count of active invitations (the cap) is a
   * range count of it.
   */
  readonly inboxes: string;
  /**
   * Presence: a hash, user -> the processes holding a connection of the user, each with when
   * that claim expires (ms): `node@expiry,node@expiry`. One HMGET tells a commit where all of its
   * recipients are.
   */
  readonly where: string;
  /** The pub/sub channel every process hears: group notices. */
  readonly hints: string;
  readonly #spread: (kind: string, id: string) => string;

  constructor(
    readonly base: string,
    readonly cluster = false,
  ) {
    if (cluster && /[{}]/.test(base))
      throw new RedisUrlError(
        `on a Redis Cluster the key prefix must not hold braces (it becomes the hash tag): ${base}`,
      );
    const prefix = cluster ? `{${base}}` : base;
    this.prefix = prefix;
    // The layout's version is in the name: a process never adopts the epoch of data laid out
    // by an earlier version (logs were sorted sets before 2; inboxes sets and glare indexes
    // hashes before 3), so its clients take a snapshot.
    this.epoch = `${prefix}epoch:3`;
    this.deadlines = `${prefix}deadlines`;
    this.inboxes = `${prefix}inboxes`;
    this.where = `${prefix}where`;
    this.hints = `${prefix}hints`;
    this.#spread = cluster ? (kind, id) => `${base}${kind}:{${id}}` : (kind, id) => `${base}${kind}:${id}`;
  }

  /** SCAN patterns that every key of the deployment matches (glob characters escaped). */
  get patterns(): string[] {
    return this.cluster ? [`${glob(this.prefix)}*`, `${glob(this.base)}*`] : [`${glob(this.base)}*`];
  }

  /** The pub/sub channel of one process: delivery hints for the users connected to it. */
  hintsFor(nodeID: string): string {
    return `${this.prefix}hints:${nodeID}`;
  }

  /** Hash `{ v: version, r: record JSON, g: groupID }`; exists while the invitation is active. */
  inv(inviteID: string): string {
    return `${this.prefix}inv:${inviteID}`;
  }

  /**
   * Set of the users an active onlineUserOnly invitation was logged for (`isLoggedFor`); only
   * the commit script writes it.
   */
  held(inviteID: string): string {
    return `${this.prefix}held:${inviteID}`;
  }

  /**
   * String: an ended invitation's final record, without its data, for a while (snapshots tell a
   * returning user how what it held ended). Written by the commit that ends it.
   */
  ended(inviteID: string): string {
    return `${this.prefix}ended:${inviteID}`;
  }

  /**
   * What the `inboxes` entries of a pair's ringing one-to-one invitations start with (`p:`, the
   * two ids sorted, as JSON, then '|'; an entry is this and the invitation's id): the glare
   * index, read by range and guarded by its content (users' entries start with a digit).
   */
  pair(a: string, b: string): string {
    return `p:${JSON.stringify(a < b ? [a, b] : [b, a])}|`;
  }

  /** Hash `{ v, r: group JSON, n: join counter }`; `v` changes with the membership. */
  group(groupID: string): string {
    return `${this.prefix}grp:${groupID}`;
  }

  /** Sorted set of members, scored by join order. */
  members(groupID: string): string {
    return `${this.prefix}members:${groupID}`;
  }

  /** String: the group id a join code opens. */
  code(code: string): string {
    return `${this.prefix}code:${code}`;
  }

  /** Counter: the groups a user has created (the cap on creating more). */
  groupsCreated(userID: string): string {
    return `${this.prefix}created:${userID}`;
  }

  /** Set of the groups a user belongs to. */
  groupsOf(userID: string): string {
    return `${this.prefix}groups:${userID}`;
  }

  /** Set of the group's active invitations that members see in their snapshots. */
  groupInvitations(groupID: string): string {
    return `${this.prefix}ginv:${groupID}`;
  }

  /**
   * Sorted set of a class's pending hand markers (issue 19), scored by `createdAt`, each member
   * the entry the queue stream needs (`encodeQueueEntry`, ties ordered by serial); only the
   * commit script writes it, in the commit that starts or ends a marker.
   */
  handQueue(groupID: string): string {
    return `${this.prefix}hq:${groupID}`;
  }

  /**
   * What all of a user's `inboxes` members start with: the id's length, the id, '|'. The length
   * keeps one user's range from holding another's ("1:a|" can only start entries of "a").
   */
  inboxOf(userID: string): string {
    return `${userID.length}:${userID}|`;
  }

  /**
   * A member of `inboxes`: the user's `inboxOf`, a kind, '|', the invitation. Kinds sort so that
   * one range is what the inviter's cap counts (a, b) and one what a snapshot shows (b, c):
   * `a` sent, kept out of snapshots (onlineUserOnly); `b` sent; `c` received.
   */
  inboxEntry(userID: string, kind: InboxKind, inviteID: string): string {
    return `${this.inboxOf(userID)}${kind}|${inviteID}`;
  }

  /** The `ZLEXCOUNT` bounds of a user's entries the inviter's cap counts: kinds a and b. */
  capRange(userID: string): readonly [string, string] {
    const mine = this.inboxOf(userID);
    return [`[${mine}a|`, `(${mine}c|`];
  }

  /** The `ZRANGEBYLEX` bounds of a user's entries a snapshot shows: kinds b and c. */
  shownRange(userID: string): readonly [string, string] {
    const mine = this.inboxOf(userID);
    return [`[${mine}b|`, `(${mine}d|`];
  }

  /**
   * Stream of the user's events, entry id `0-<seq>` (so `XADD … 0-*` numbers them), one field
   * `e` = event JSON; trimmed to the log limit. Its last id is the user's sequence number.
   */
  log(userID: string): string {
    return `${this.prefix}events:${userID}`;
  }

  /**
   * String: a call's media room (users, expiry), while it is open. Written by the commit that
   * accepts the call, so it shares the commits' slot on a cluster.
   */
  room(roomID: string): string {
    return `${this.prefix}room:${roomID}`;
  }

  /**
   * Hash: a group call's media room while it is open (issue 21): `expiresAt`, and `u:<user>` =
   * '0' for each user, '1' once they sent their leave notice (or the group watch did for them),
   * and `j:<user>` = when they came in (ms). Expires with the room.
   */
  groupRoom(roomID: string): string {
    return this.#spread('groom', roomID);
  }

  /** List of history entries (JSON), newest first, as last folded (history.ts). */
  history(userID: string): string {
    return this.#spread('hist', userID);
  }

  /** Counter bumped by every compaction of the user's history (its compare-and-set). */
  historyVersion(userID: string): string {
    return this.#spread('histv', userID);
  }

  /** List of history entries (JSON) recorded since the last compaction, newest first. */
  historyQueue(userID: string): string {
    return this.#spread('histq', userID);
  }
}
