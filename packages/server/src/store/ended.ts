import type { InvitationRecord, SignalingEvent } from '@beckon/signaling';
import { introduces } from '@beckon/signaling/rules';
import type { EndedInvitation } from './types.js';

// What a snapshot tells of an invitation that ended while the client was away: its final record
// and, when the client missed an addInvitees or a modify of it, the last of those, so that the
// ending events reach the invitees it never heard of and the data is the last one.

/**
 * `finals` (newest first) with their catch-ups, found in `newestFirst`: the events of `userID`'s
 * log after the client's sequence, newest first, as far as the store keeps them. An add older
 * than that part of the log is not found: the client then ends its stale copy, as before.
 */
export function withCatchUps(
  userID: string,
  newestFirst: Iterable<SignalingEvent>,
  finals: readonly InvitationRecord[],
): EndedInvitation[] {
  interface Found {
    add?: SignalingEvent;
    modify?: SignalingEvent;
    /** The client cannot have held it before its sequence: it hears nothing to catch up. */
    unheld?: true;
  }
  const found = new Map<string, Found>(finals.map((f) => [f.inviteID, {}]));
  for (const event of newestFirst) {
    const f = found.get(event.envelope.inviteID);
    if (f === undefined || f.unheld) continue;
    if (introduces(event, userID)) f.unheld = true;
    else if (event.kind === 'addInvitees') f.add ??= event;
    else if (event.kind === 'modify' && f.add === undefined) f.modify ??= event;
  }
  return finals.map((final) => {
    const f = found.get(final.inviteID);
    const catchUp: SignalingEvent[] = [];
    if (f !== undefined && !f.unheld) {
      if (f.add !== undefined) catchUp.push(f.add);
      if (f.modify !== undefined) catchUp.push(f.modify);
    }
    return { final, catchUp };
  });
}
