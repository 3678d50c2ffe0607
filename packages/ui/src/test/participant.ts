import type { GroupParticipant, GroupParticipantState } from '@beckon/signaling/call';

/** A person alice invited to her group call, in `state`; `extra` sets the rest. */
export function participant(
  userID: string,
  state: GroupParticipantState,
  extra: Partial<GroupParticipant> = {},
): GroupParticipant {
  return {
    userID,
    state,
    invitedBy: 'alice',
    deadline: undefined,
    joinedAt: undefined,
    leftAt: undefined,
    goneAt: undefined,
    ...extra,
  };
}
