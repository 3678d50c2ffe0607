import { newestIncomingID } from './selectors.js';
import { useBeckonState } from './useBeckonState.js';
import { type InvitationHandle, useInvitation } from './useInvitation.js';

/**
 * The newest invitation waiting for this user's answer (any kind: a call, a classroom
 * invitation), with its actions and countdown; `invitation` is undefined when none waits.
 *
 * @example
 * const { invitation, actions } = useIncomingInvitation();
 * {invitation && <button onClick={() => actions.reject()}>Not now, {invitation.inviter}</button>}
 */
export function useIncomingInvitation(): InvitationHandle {
  return useInvitation(useBeckonState(newestIncomingID));
}
