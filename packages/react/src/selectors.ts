import { canAnswer, type InvitationRecord } from '@beckon/signaling';
import type { BeckonState } from './store.js';

/** Id of the newest invitation in which `userID` is a pending invitee. */
export function newestIncomingID(state: BeckonState): string | undefined {
  let best: InvitationRecord | undefined;
  for (const record of Object.values(state.invitations)) {
    if (record.inviter === state.userID) continue;
    if (!canAnswer(record, state.userID)) continue;
    if (best === undefined || record.createdAt > best.createdAt) best = record;
  }
  return best?.inviteID;
}

export function incoming(state: BeckonState): InvitationRecord[] {
  return Object.values(state.invitations)
    .filter((r) => r.inviter !== state.userID && canAnswer(r, state.userID))
    .sort((a, b) => b.createdAt - a.createdAt);
}

export function outgoing(state: BeckonState): InvitationRecord[] {
  return Object.values(state.invitations)
    .filter((r) => r.inviter === state.userID)
    .sort((a, b) => b.createdAt - a.createdAt);
}
