import type { InvitationRecord, SignalingEvent } from '@beckon/signaling';
import { byServerOrder, isReplayable, type QueuedHand, recordViewFor } from '@beckon/signaling/rules';
import type { StoreSnapshot } from '../types.js';
import { decodeQueueEntry } from './audience.js';
import { call } from './errors.js';
import type { LogEntry } from './feeds.js';
import type { Keys } from './keys.js';
import { type Client, list } from './scripts.js';

/** A user's invitations and sequence, read at one instant (onlineUserOnly ones left out). */
export async function readSnapshot(redis: Client, keys: Keys, userID: string): Promise<StoreSnapshot> {
  const [seq, ...records] = list<string>(
    await call(() =>
      redis.beckonSnapshot(
        keys.inboxes,
        keys.groupsOf(userID),
        keys.log(userID),
        keys.prefix,
        keys.inboxOf(userID),
        ...keys.shownRange(userID),
      ),
    ),
  );
  // Each as the user sees it (issue 19): no other student's hand, a round with the user alone.
  const invitations = records
    .map((json) => JSON.parse(json) as InvitationRecord)
    .filter(isReplayable)
    .flatMap((record) => recordViewFor(record, userID) ?? [])
    .sort((a, b) => a.createdAt - b.createdAt || a.inviteID.localeCompare(b.inviteID));
  return { seq: Number(seq ?? 0), invitations };
}

/** The user's log after `seq`, or undefined when the log does not reach back that far. */
export async function readLog(
  redis: Client,
  keys: Keys,
  userID: string,
  seq: number,
): Promise<LogEntry[] | undefined> {
  const raw = await call(() => redis.beckonEventsSince(keys.log(userID), seq));
  if (raw === null || raw === undefined) return undefined;
  return logEntries(raw);
}

/** Stream entries as XRANGE gives them (`[['0-<seq>', ['e', json]], ...]`) as log entries. */
export function logEntries(raw: unknown): LogEntry[] {
  return list<[string, string[]]>(raw).map(([id, fields]) => {
    const json = String(fields[1]);
    return { seq: Number(id.slice(2)), event: JSON.parse(json) as SignalingEvent, json };
  });
}

/**
 * The user's sequence number, their log made first if they have none (they are signing in: from
 * now on their events are logged while they are away; see OPEN_LOG).
 */
export async function openLog(redis: Client, keys: Keys, userID: string): Promise<number> {
  return Number(await call(() => redis.beckonOpenLog(keys.log(userID))));
}

/** The users' sequence numbers (0 for a user with no log), read at one instant. */
export async function readSequences(redis: Client, keys: Keys, users: readonly string[]): Promise<number[]> {
  if (users.length === 0) return [];
  const raw = await call(() => redis.beckonSequences(users.length, ...users.map((u) => keys.log(u))));
  return list<number>(raw);
}

/** A class's pending hand markers in server order: one ZRANGE of its queue index (issue 19). */
export async function readHandQueue(redis: Client, keys: Keys, groupID: string): Promise<QueuedHand[]> {
  const members = await call(() => redis.zrange(keys.handQueue(groupID), '0', '-1'));
  // The index sorts them already; sorting again costs little and does not depend on the encoding.
  return members.map((member) => decodeQueueEntry(member)).sort(byServerOrder);
}
