import type { InvitationRecord } from '@beckon/signaling';
import { useShallow } from 'zustand/react/shallow';
import { outgoing } from './selectors.js';
import { useBeckonState } from './useBeckonState.js';

/** Active invitations this user sent, newest first. */
export function useOutgoingInvitations(): readonly InvitationRecord[] {
  return useBeckonState(useShallow(outgoing));
}
