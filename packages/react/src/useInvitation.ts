import type { InvitationRecord } from '@beckon/signaling';
import { useMemo } from 'react';
import { useBeckonRuntime } from './context.js';
import { useBeckonState } from './useBeckonState.js';
import { useServerNow } from './useServerNow.js';

/** What can be done with one invitation (nothing happens while there is none). */
export interface InvitationActions {
  readonly accept: (data?: string) => Promise<void>;
  readonly reject: (data?: string) => Promise<void>;
  readonly cancel: (data?: string) => Promise<void>;
}

export interface InvitationHandle {
  readonly invitation: InvitationRecord | undefined;
  /** This user's deadline (server ms), 0 = never. */
  readonly deadline: number;
  /** Milliseconds left on the server clock, refreshed every second; undefined without a deadline. */
  readonly remainingMs: number | undefined;
  readonly actions: InvitationActions;
}

/**
 * One invitation by id, with its actions and a server-time countdown. Re-renders only when that
 * invitation changes (and each second while it counts down). For the newest invitation to this
 * user, see `useIncomingInvitation`.
 *
 * @example
 * const { invitation, remainingMs, actions } = useInvitation(inviteID);
 * <button onClick={() => actions.accept()}>Accept ({Math.ceil((remainingMs ?? 0) / 1000)} s)</button>
 */
export function useInvitation(inviteID: string | undefined): InvitationHandle {
  const { client } = useBeckonRuntime('useInvitation');
  const invitation = useBeckonState((s) => (inviteID === undefined ? undefined : s.invitations[inviteID]));
  const userID = useBeckonState((s) => s.userID);
  const deadline =
    invitation?.invitees.find((i) => i.userID === userID)?.deadline ??
    invitation?.invitees.find((i) => i.state === 'pending')?.deadline ??
    0;
  const now = useServerNow(1000, deadline > 0);
  const id = invitation?.inviteID;
  const actions = useMemo<InvitationActions>(
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
    actions,
  };
}
