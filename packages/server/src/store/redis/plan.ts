import type { InvitationRecord } from '@beckon/signaling';
import {
  type Effect,
  isReplayable,
  isRinging,
  memberViewKind,
  nextDeadline,
  type SignalingState,
} from '@beckon/signaling/rules';
import { callRoomOf } from '../../rooms.js';
import { type Delivery, deliveriesOf, queueOps } from './audience.js';
import type { Keys } from './keys.js';

export type { Delivery } from './audience.js';

/** What one atomic read returned: versions are the CAS guards of the commit that follows. */
export interface Loaded {
  readonly records: ReadonlyMap<string, { readonly version: number; readonly record?: InvitationRecord }>;
  /** The glare index of a one-to-one pair (`Keys.pair`) and the ids it held, when the command may glare. */
  readonly pair?: { readonly key: string; readonly ids: readonly string[] };
  /** The group whose membership the rules checked. */
  readonly group?: {
    readonly groupID: string;
    readonly version: number;
    readonly exists: boolean;
    readonly members: readonly string[];
  };
}

/** The commit script's plan, less what the store adds (epoch, node, deadline, log limit). */
export interface CommitPlan {
  readonly guards: Array<[string, number]>;
  /** Glare indexes (`Keys.pair`) and the ids they must still hold, exactly. */
  readonly lists: Array<[string, readonly string[]]>;
  /** `[key, record JSON or false to delete, version after, groupID?]`: one HSET (or DEL) each. */
  readonly docs: Array<[string, string | false, number, string?]>;
  readonly ops: string[][];
  readonly deliveries: Delivery[];
  /** Classes whose queue index this commit changes: one group notice each (issue 19). */
  readonly queues: string[];
  /**
   * Hint entries (JSON) for every process: the transition's events on invitations whose members
   * get views, so processes that hear no delivery of it still keep their cached copy current.
   */
  readonly learn: string[];
  /**
   * Inviters whose active invitations this commit adds to (their `Keys.capRange`), and how many
   * (the cap).
   */
  readonly starts: Array<readonly [string, string, number]>;
}

/** Users filed by one inbox command (a Lua call takes a few thousand arguments at most). */
const INBOX_CHUNK = 1000;

/** How long the holders of an ended onlineUserOnly invitation are kept (see `ended` below). */
const HELD_GRACE_MS = 60_000;

export function stateOf(loaded: Loaded): SignalingState {
  const invitations = new Map<string, InvitationRecord>();
  for (const [id, { record }] of loaded.records) if (record) invitations.set(id, record);
  return { invitations };
}

/**
 * Turns the transition's outcome into the writes that make it durable: changed records, the
 * indexes that snapshots and glare read, the deadline set, an answered call's media room, and
 * the deliveries (`now`: when the transitions were decided, the room's opening). Undefined when
 * nothing is to be written (a refusal, a receipt already given).
 */
export function planCommit(
  keys: Keys,
  loaded: Loaded,
  next: SignalingState,
  effects: readonly Effect[],
  endedTtlMs: number,
  now = Date.now(),
): CommitPlan | undefined {
  const guards: Array<[string, number]> = [];
  const docs: CommitPlan['docs'] = [];
  const ops: string[][] = [];
  const deliveries: Delivery[] = [];
  const queues = new Set<string>();
  const learn: string[] = [];
  const starts = new Map<string, number>();
  /**
   * Files the record for its inviter (when `inviter`: its start and end) and `invitees` in the
   * inboxes, and a ringing one-to-one one in its pair's glare index, or takes it out: one command
   * per 1,000 entries. An onlineUserOnly invitation is never in a snapshot, so
   * only its inviter holds it, as one the cap counts (kind 'a').
   */
  const file = (record: InvitationRecord, inviter: boolean, invitees: readonly string[], add: boolean) => {
    const replayable = isReplayable(record);
    const id = record.inviteID;
    // A ringing one-to-one invitation is in its pair's glare index from start to end too.
    const callee = record.invitees[0]?.userID;
    const glare =
      inviter && isRinging(record) && callee !== undefined ? [keys.pair(record.inviter, callee) + id] : [];
    const members = [
      ...(inviter ? [keys.inboxEntry(record.inviter, replayable ? 'b' : 'a', id)] : []),
      ...glare,
      ...(replayable ? invitees.map((u) => keys.inboxEntry(u, 'c', id)) : []),
    ];
    for (let from = 0; from < members.length; from += INBOX_CHUNK) {
      const part = members.slice(from, from + INBOX_CHUNK);
      ops.push(
        add ? ['ZADD', keys.inboxes, ...part.flatMap((m) => ['0', m])] : ['ZREM', keys.inboxes, ...part],
      );
    }
    // A raised hand is in its owner's and the teacher's inbox; nobody else's snapshot shows it.
    // (Its end still removes it from the group's set: markers from before issue 19 are there.)
    if (replayable && record.groupID !== '' && (!add || memberViewKind(record) !== 'hand'))
      ops.push([add ? 'SADD' : 'SREM', keys.groupInvitations(record.groupID), id]);
  };

  for (const [id, { version, record: before }] of loaded.records) {
    const after = next.invitations.get(id);
    // Only an invite creates an invitation, under an id this process drew (randomUUID): no other
    // commit can write that key, so it needs no guard (one HGET less per invite).
    if (before !== undefined || after === undefined) guards.push([keys.inv(id), version]);
    const queue = queueOps((g) => keys.handQueue(g), before, after, ops);
    if (queue !== undefined) queues.add(queue);
    if (after === undefined || after === before) continue;
    docs.push([keys.inv(id), JSON.stringify(after), version + 1, after.groupID]);
    const known = new Set(before?.invitees.map((i) => i.userID));
    const added = after.invitees.map((i) => i.userID).filter((u) => !known.has(u));
    file(after, before === undefined, added, true);
  }
  const events = new Map<string, number>();
  for (const effect of effects)
    if (effect.type === 'deliver') {
      const id = effect.event.envelope.inviteID;
      events.set(id, (events.get(id) ?? 0) + 1);
    }
  // Members' views are cut from the invitation after the event (its final record if it ended).
  const finals = new Map<string, InvitationRecord>();
  for (const effect of effects)
    if (effect.type === 'ended') finals.set(effect.invitation.inviteID, effect.invitation);
  for (const effect of effects) {
    if (effect.type === 'deliver') {
      const { event } = effect;
      const id = event.envelope.inviteID;
      // The inviters whose count of active invitations (their inbox entries) this commit raises.
      if (event.kind === 'invite') {
        const inviter = event.envelope.inviter;
        starts.set(inviter, (starts.get(inviter) ?? 0) + 1);
      }
      const version = loaded.records.get(id)?.version ?? 0;
      // Several events on one invitation in one commit (batched receipts): a process that heard
      // only some of them would rebuild a wrong record, so these carry no version to learn from.
      const v = (events.get(id) ?? 0) > 1 ? -1 : next.invitations.has(id) ? version + 1 : 0;
      const record = next.invitations.get(id) ?? finals.get(id) ?? loaded.records.get(id)?.record;
      const json = JSON.stringify(event);
      const common = { ...(effect.ephemeral ? { held: id } : {}), v };
      if (record === undefined) {
        deliveries.push({
          users: effect.to.users,
          group: effect.to.group ?? '',
          event: json,
          view: event,
          ...common,
        });
        continue;
      }
      deliveries.push(...deliveriesOf(record, event, effect.to, json, common));
      // Processes used to hear of a round's every event through its group; they still do.
      if (effect.to.group !== undefined && memberViewKind(record) === 'round')
        learn.push(`{"u":[],"s":[],"v":${v},"e":${json}}`);
    } else if (effect.type === 'schedule') {
      // A change that keeps the deadline (a receipt) leaves the deadline set as it is. A timeout
      // that found nobody due changes nothing and writes the entry again: its lease is over.
      const before = loaded.records.get(effect.inviteID)?.record;
      const after = next.invitations.get(effect.inviteID);
      if (before !== undefined && after !== before && nextDeadline(before) === effect.at) continue;
      ops.push(['ZADD', keys.deadlines, String(effect.at), effect.inviteID]);
    } else if (effect.type === 'unschedule') {
      ops.push(['ZREM', keys.deadlines, effect.inviteID]);
    } else if (effect.type === 'ended') {
      const record = effect.invitation;
      docs.push([keys.inv(record.inviteID), false, 0]);
      // Its final record, in the commit that ends it: no process can die in between. The ending
      // events never carry the invitation's own data (up to 8 KiB), so it is left out, but for a
      // classroom's few bytes: each member's view of the record is cut by them (issue 19).
      const kept = memberViewKind(record) === 'all' ? { ...record, data: '' } : record;
      ops.push(['SET', keys.ended(record.inviteID), JSON.stringify(kept), 'PX', String(endedTtlMs)]);
      // An answered call's media room opens in the commit that accepts it: a party that hears
      // of the accept, on any process, finds it open (the relay reads it once, never "later").
      const opened = callRoomOf(record, now);
      if (opened !== undefined)
        ops.push([
          'SET',
          keys.room(opened.roomID),
          JSON.stringify(opened.room),
          'PXAT',
          String(opened.room.expiresAt),
        ]);
      // Its holders outlive it by a minute: the index ops run before the deliveries, and the
      // event that ended it still goes to every holder.
      if (!isReplayable(record)) ops.push(['PEXPIRE', keys.held(record.inviteID), String(HELD_GRACE_MS)]);
      // Out of its glare index in the same commit: a pair with nothing ringing has no entries, so
      // the next invite between them guesses an empty index and needs no read.
      file(
        record,
        true,
        record.invitees.map((i) => i.userID),
        false,
      );
    }
  }
  if (docs.length === 0 && deliveries.length === 0 && !ops.some((op) => op[0] === 'ZADD')) return undefined;

  const lists: CommitPlan['lists'] = [];
  if (loaded.pair) {
    // The glare index lists the ringing one-to-one invitations of the pair. Guarding its content
    // makes A -> B and B -> A sent at once conflict, so the second one sees the first and glares
    // (ids are never reused: the same ids are the same state; their records are guarded too).
    const { key, ids } = loaded.pair;
    lists.push([key, ids]);
    // An entry whose record is gone (only after data was lost) leaves with this commit.
    const gone = ids.filter(
      (id) => loaded.records.get(id)?.record === undefined && !next.invitations.has(id),
    );
    if (gone.length > 0) ops.push(['ZREM', keys.inboxes, ...gone.map((id) => key + id)]);
  }
  if (loaded.group) guards.push([keys.group(loaded.group.groupID), loaded.group.version]);
  return {
    guards,
    lists,
    docs,
    ops,
    deliveries,
    queues: [...queues],
    learn,
    starts: [...starts].map(([inviter, n]) => [...keys.capRange(inviter), n] as const),
  };
}
