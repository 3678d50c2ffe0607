import type { InvitationRecord } from '@beckon/signaling';
import { useShallow } from 'zustand/react/shallow';
import { incoming } from './selectors.js';
import { useBeckonState } from './useBeckonState.js';

/** Invitations waiting for this user's answer, newest first. */
export function useIncomingInvitations(): readonly InvitationRecord[] {
  return useBeckonState(useShallow(incoming));
}
