import type { InvitationRecord } from '@beckon/signaling';
import { useMemo } from 'react';
import { useBeckonRuntime } from './context.js';
import { newestIncomingID } from './selectors.js';
import { useBeckonState } from './useBeckonState.js';
import { useServerNow } from './useServerNow.js';

export interface InvitationHandle {
  readonly invitation: InvitationRecord | undefined;
  /** This user's deadline (server ms), 0 = never. */
  readonly deadline: number;
  /** Milliseconds left on the server clock, refreshed every second; undefined without a deadline. */
  readonly remainingMs: number | undefined;
  readonly accept: (data?: string) => Promise<void>;
  readonly reject: (data?: string) => Promise<void>;
  readonly cancel: (data?: string) => Promise<void>;
}

/**
 * One invitation with its actions and a server-time countdown. Without an id: the newest
 * pending invitation to this user. Re-renders only when that invitation changes (and each
 * second while it counts down).
 *
 * @example
 * const { invitation, remainingMs, accept, reject } = useInvitation();
 */
export function useInvitation(inviteID?: string): InvitationHandle {
  const { client } = useBeckonRuntime('useInvitation');
  const newest = useBeckonState((s) => (inviteID === undefined ? newestIncomingID(s) : inviteID));
  const invitation = useBeckonState((s) => (newest === undefined ? undefined : s.invitations[newest]));
  const userID = useBeckonState((s) => s.userID);
  const deadline =
    invitation?.invitees.find((i) => i.userID === userID)?.deadline ??
    invitation?.invitees.find((i) => i.state === 'pending')?.deadline ??
    0;
  const now = useServerNow(1000, deadline > 0);
  const id = invitation?.inviteID;
  const actions = useMemo(
    () => ({
      accept: (data = '') => (id ? client.accept(id, data) : Promise.resolve()),
      reject: (data = '') => (id ? client.reject(id, data) : Promise.resolve()),
      cancel: (data = '') => (id ? client.cancel(id, data) : Promise.resolve()),
    }),
    [client, id],
  );
  return {
    invitation,
    deadline,
    remainingMs: deadline > 0 ? Math.max(0, deadline - now) : undefined,
    ...actions,
  };
}
