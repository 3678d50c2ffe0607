import type { InvitationRecord, SignalingEvent } from '@beckon/signaling';
import {
  eventViewFor,
  isRoundMarker,
  memberViewKind,
  type QueuedHand,
  queueEntryOf,
} from '@beckon/signaling/rules';

/** One event as some of its recipients receive it, for the commit script to log and hint. */
export interface Delivery {
  readonly users: readonly string[];
  readonly group: string;
  /** Members the group expansion leaves out: they get a view of their own, or nothing. */
  readonly skip?: readonly string[];
  /** The event JSON, spliced as it is into logs and hints. */
  readonly event: string;
  /** The event these users get: the transition's, or their view of it (`eventViewFor`). */
  readonly view: SignalingEvent;
  /**
   * An onlineUserOnly invitation's id: the commit script logs the event only for the users who
   * hold it or are present (`isLoggedFor`), in the set `Keys.held`.
   */
  readonly held?: string;
  /**
   * The version of the invitation's hash once the commit is applied (0: deleted; -1: not to be
   * learnt from). Hints carry it, so processes keep their cached copies current by applying the
   * events as clients do. Undefined for a member's view: a cache must not apply it.
   */
  readonly v?: number;
}

interface Audience {
  readonly users: readonly string[];
  readonly group?: string;
}

/**
 * The deliveries of one event (issue 19). Most invitations reach their audience whole, group
 * expanded in the commit, as before. A raised hand reaches its owner and the teacher only (the
 * queue stream tells everyone else), with no group expansion. A round and its marker reach the
 * teacher whole and each invited student as its own view, one delivery each; members the round
 * did not invite see the marker as it is (the group, less the invitees). `record` is the
 * invitation after the event (its final record when the event ended it).
 */
export function deliveriesOf(
  record: InvitationRecord,
  event: SignalingEvent,
  to: Audience,
  json: string,
  common: { readonly held?: string; readonly v: number },
): Delivery[] {
  const kind = memberViewKind(record);
  if (kind === 'all')
    return [{ users: to.users, group: to.group ?? '', event: json, view: event, ...common }];
  const whole: string[] = [];
  const own: Delivery[] = [];
  const seen = new Set<string>();
  for (const user of to.users) {
    if (seen.has(user)) continue;
    seen.add(user);
    const view = eventViewFor(record, event, user);
    if (view === event) whole.push(user);
    else if (view !== undefined) {
      const held = common.held === undefined ? {} : { held: common.held };
      own.push({ users: [user], group: '', event: JSON.stringify(view), view, ...held });
    }
  }
  const group = kind === 'round' && to.group !== undefined && isRoundMarker(record) ? to.group : '';
  if (whole.length === 0 && group === '') return own;
  const skip = group === '' ? {} : { skip: record.invitees.map((i) => i.userID) };
  return [{ users: whole, group, ...skip, event: json, view: event, ...common }, ...own];
}

/**
 * A hand marker's member in its class's queue index (`Keys.handQueue`): JSON led by the serial,
 * zero-padded, and the id, so members of one millisecond sort in server order.
 */
export function encodeQueueEntry(entry: QueuedHand): string {
  return JSON.stringify([
    String(entry.serial).padStart(16, '0'),
    entry.inviteID,
    entry.owner,
    entry.createdAt,
    entry.data,
    entry.teacher,
    entry.deadline,
    entry.timeout,
  ]);
}

export function decodeQueueEntry(member: string): QueuedHand {
  const [serial, inviteID, owner, createdAt, data, teacher, deadline, timeout] = JSON.parse(member) as [
    string,
    string,
    string,
    number,
    string,
    string,
    number,
    number,
  ];
  return { inviteID, owner, createdAt, serial: Number(serial), data, teacher, deadline, timeout };
}

/**
 * The queue index commands that take a marker from `before` to `after` (either may be absent):
 * none when its entry did not change. Pushes onto `ops`; returns the group when it changed.
 */
export function queueOps(
  key: (groupID: string) => string,
  before: InvitationRecord | undefined,
  after: InvitationRecord | undefined,
  ops: string[][],
): string | undefined {
  const was = before && queueEntryOf(before);
  const is = after && queueEntryOf(after);
  const from = was && encodeQueueEntry(was);
  const to = is && encodeQueueEntry(is);
  if (from === to) return undefined;
  const groupID = (after ?? before)?.groupID ?? '';
  if (from !== undefined) ops.push(['ZREM', key(groupID), from]);
  if (to !== undefined && is !== undefined) ops.push(['ZADD', key(groupID), String(is.createdAt), to]);
  return groupID;
}
