import { parseClassroomData } from '../callData.js';
import { memo } from '../memo.js';
import { byServerOrder } from '../rules/order.js';
import type { InvitationRecord } from '../rules/types.js';

export type HandState =
  | 'idle'
  /** A round is open and this student may raise a hand. */
  | 'invited'
  | 'raised'
  /** The student answered this round (raised then lowered, or declined); may raise again. */
  | 'lowered'
  | 'invitedToSpeak'
  | 'speaking';

export interface QueueEntry {
  readonly userID: string;
  /** The student's hand marker. */
  readonly inviteID: string;
  /** Server time the hand went up. */
  readonly raisedAt: number;
}

export interface SpeakerEntry {
  readonly userID: string;
  readonly inviteID: string;
  readonly since: number;
}

export interface ClassroomState {
  readonly groupID: string;
  /**
   * The round's invitation while some student has not answered it. Once every student has, it
   * ends (the seed's rule) and the round stays open through the hands still up.
   */
  readonly round: InvitationRecord | undefined;
  /**
   * The teacher's round marker (`op: 'round'`): pending from the opening of a round until the
   * teacher closes it or its timeout passes, however the students answered.
   */
  readonly roundMarker: InvitationRecord | undefined;
  /** The open round: its marker or its invitation is pending, or hands raised in it are still up. */
  readonly roundID: string | undefined;
  readonly teacher: string | undefined;
  /** Raised hands in the order the server received them. */
  readonly queue: readonly QueueEntry[];
  readonly speakers: readonly SpeakerEntry[];
  /** Pending invitations to speak, by student. */
  readonly speakInvitations: ReadonlyMap<string, InvitationRecord>;
  /** Hand state per student who has one other than idle. */
  readonly hands: ReadonlyMap<string, HandState>;
  /** Queue position (0-based) per raised hand. */
  readonly positions: ReadonlyMap<string, number>;
}

/** The classroom as every client derives it from the same invitations (pure, no clocks). */
export function deriveClassroom(
  invitations: Readonly<Record<string, InvitationRecord>>,
  groupID: string,
): ClassroomState {
  // Each data string parsed once: every hand of a round carries the same one (a class of 1,000
  // derives from 1,000 records).
  const parsed = new Map<string, ReturnType<typeof parseClassroomData> | null>();
  const classroomDataOf = ({ data }: InvitationRecord) =>
    memo(parsed, data, () => parseClassroomData(data) ?? null) ?? undefined;
  let round: InvitationRecord | undefined;
  let marker: InvitationRecord | undefined;
  const hands: InvitationRecord[] = [];
  const speaking: InvitationRecord[] = [];
  const speakInvitations = new Map<string, InvitationRecord>();
  for (const record of Object.values(invitations)) {
    if (record.groupID !== groupID) continue;
    const op = classroomDataOf(record)?.op;
    if (op === 'raiseHand') {
      if (round === undefined || byServerOrder(round, record) < 0) round = record;
    } else if (op === 'round') {
      if (marker === undefined || byServerOrder(marker, record) < 0) marker = record;
    } else if (op === 'hand') hands.push(record);
    else if (op === 'speaking') speaking.push(record);
    else if (op === 'speak') {
      for (const i of record.invitees) if (i.state === 'pending') speakInvitations.set(i.userID, record);
    }
  }
  hands.sort(byServerOrder);
  speaking.sort(byServerOrder);
  const state = new Map<string, HandState>();
  for (const i of round?.invitees ?? []) state.set(i.userID, i.state === 'pending' ? 'invited' : 'lowered');
  const queue: QueueEntry[] = [];
  for (const h of hands) {
    // One hand per student (its first); a look-up, not a scan of the queue, for a class of 1,000.
    if (state.get(h.inviter) === 'raised') continue;
    queue.push({ userID: h.inviter, inviteID: h.inviteID, raisedAt: h.createdAt });
    state.set(h.inviter, 'raised');
  }
  for (const userID of speakInvitations.keys()) state.set(userID, 'invitedToSpeak');
  const speakers: SpeakerEntry[] = [];
  for (const s of speaking) {
    if (speakers.some((x) => x.userID === s.inviter)) continue;
    speakers.push({ userID: s.inviter, inviteID: s.inviteID, since: s.createdAt });
    state.set(s.inviter, 'speaking');
  }
  const teacher =
    round?.inviter ??
    marker?.inviter ??
    hands[0]?.invitees[0]?.userID ??
    speaking[0]?.invitees[0]?.userID ??
    [...speakInvitations.values()][0]?.inviter;
  const roundID =
    round?.inviteID ??
    (marker && classroomDataOf(marker)?.roundID) ??
    (hands[0] && classroomDataOf(hands[0])?.roundID);
  const positions = new Map(queue.map((q, i) => [q.userID, i]));
  return {
    groupID,
    round,
    roundMarker: marker,
    roundID,
    teacher,
    queue,
    speakers,
    speakInvitations,
    hands: state,
    positions,
  };
}

const cache = new WeakMap<object, Map<string, ClassroomState>>();

/** {@link deriveClassroom}, computed once per invitations object and group. */
export function selectClassroom(
  invitations: Readonly<Record<string, InvitationRecord>>,
  groupID: string,
): ClassroomState {
  const byGroup = memo(cache, invitations, () => new Map<string, ClassroomState>());
  return memo(byGroup, groupID, () => deriveClassroom(invitations, groupID));
}
