import { readCallData } from '../callData.js';
import { isOverdue } from '../rules/guards.js';
import type { InvitationRecord, InviteeState } from '../rules/types.js';
import type { GroupParticipant, GroupParticipantState } from './groupState.js';

// The participant list of a group call: who is in it, who is still being rung, who is gone.
// Pure helpers of the group machine (group.ts).

export function person(
  userID: string,
  state: GroupParticipantState,
  fields: Partial<GroupParticipant> = {},
): GroupParticipant {
  return {
    userID,
    state,
    invitedBy: undefined,
    deadline: undefined,
    joinedAt: undefined,
    leftAt: undefined,
    goneAt: undefined,
    ...fields,
  };
}

/** The list with `p` in place of the participant of the same user, or appended. */
export function upsert(list: readonly GroupParticipant[], p: GroupParticipant): readonly GroupParticipant[] {
  const at = list.findIndex((q) => q.userID === p.userID);
  return at < 0 ? [...list, p] : list.map((q, i) => (i === at ? p : q));
}

/** Every participant `change` returns a new record for, changed. */
export function changed(
  list: readonly GroupParticipant[],
  change: (p: GroupParticipant) => GroupParticipant | undefined,
): readonly GroupParticipant[] {
  let out: GroupParticipant[] | undefined;
  list.forEach((p, i) => {
    const next = change(p);
    if (next === undefined || next === p) return;
    out ??= [...list];
    out[i] = next;
  });
  return out ?? list;
}

/** Still being rung: a pending invitation (visible or not). */
export const isWaiting = (p: GroupParticipant) => p.state === 'ringing' || p.state === 'invited';

/** Being rung and its ring window (plus `graceMs` for the server's word) not over at `now`. */
export const isExpected = (p: GroupParticipant, now: number, graceMs: number) =>
  isWaiting(p) && !isOverdue(p.deadline, now, graceMs);

/** The participant is in the call at any point (the leave notice goes to them). */
export const everJoined = (p: GroupParticipant) => p.joinedAt !== undefined;

const STATE_OF: Readonly<Record<InviteeState, GroupParticipantState>> = {
  pending: 'ringing',
  accepted: 'joined',
  rejected: 'declined',
  timeout: 'timedOut',
  cancelled: 'cancelled',
};

/** The invitees of a group invitation this side can see, as participants (this side left out). */
export function inviteesOf(record: InvitationRecord, self: string | undefined): GroupParticipant[] {
  return record.invitees
    .filter((i) => i.userID !== self)
    .map((i) => {
      const busy = i.state === 'rejected' && readCallData(i.data ?? '')?.lineBusy === true;
      return person(i.userID, busy ? 'busy' : STATE_OF[i.state], {
        invitedBy: record.inviter,
        deadline: i.deadline || undefined,
        joinedAt: i.state === 'accepted' ? i.answeredAt : undefined,
      });
    });
}

/** The earliest of the given times (undefined ones left out). */
export function earliest(...times: readonly (number | undefined)[]): number | undefined {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
}
