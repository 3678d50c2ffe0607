import type { SignalingEvent } from '@beckon/signaling';
import type { Delivery } from '../types.js';
import type { RecordCache } from './cache.js';
import type { Feeds } from './feeds.js';
import { list } from './scripts.js';

/**
 * A message on the hint channel: events with their recipients and sequence numbers, or a group
 * notice (members, or queues that changed with events for every process's cache; those events
 * name no recipient). `s` null: an unsequenced event, as processes before sequenced onlineUserOnly events sent.
 */
interface Hint {
  readonly n?: string;
  readonly g?: string;
  readonly m?: string[];
  /** Classes whose hand queue a commit changed (issue 19). */
  readonly q?: string[];
  readonly d?: Array<{ u: string[]; s: number[] | null; v?: number; e: SignalingEvent }>;
  /** A relayed frame for a user here. */
  readonly x?: { u: string; t: string };
}

export interface HintTarget {
  readonly nodeID: string;
  readonly feeds: Feeds;
  readonly cache: RecordCache;
  deliver(deliveries: readonly Delivery[], event: SignalingEvent, json: string): void;
  groupChanged(groupID: string, members: readonly string[]): void;
  queueChanged(groupID: string): void;
  relayed(userID: string, text: string): void;
}

/**
 * Hands a hint's events to the users followed on this process. Sequenced events go through the
 * feeds (ordered, gaps filled from the log), so a lost or late hint costs a log read, never an
 * event. Unsequenced ones (from an older process during a rolling upgrade) go out as they come.
 */
export function takeHint(message: string, to: HintTarget): void {
  let hint: Hint;
  try {
    hint = JSON.parse(message);
  } catch {
    return;
  }
  const own = hint.n === to.nodeID;
  if (typeof hint.g === 'string' && !own) to.groupChanged(hint.g, list<string>(hint.m));
  // The committing process told its listener itself.
  if (!own) for (const g of list<string>(hint.q)) if (typeof g === 'string') to.queueChanged(g);
  if (hint.x !== undefined && !own) to.relayed(hint.x.u, hint.x.t);
  for (const d of hint.d ?? []) {
    // Our own sequenced events went out from the commit's reply already.
    if (own && d.s !== null) continue;
    if (typeof d.v === 'number') to.cache.learn(d.e, d.v);
    const users = list<string>(d.u);
    if (!users.some((u) => to.feeds.has(u))) continue;
    const json = JSON.stringify(d.e);
    if (d.s !== null) {
      to.feeds.offer(users, list<number>(d.s), d.e, json);
      continue;
    }
    const local = users.filter((u) => to.feeds.has(u)).map((userID) => ({ userID, seq: undefined }));
    to.deliver(local, d.e, json);
  }
}
