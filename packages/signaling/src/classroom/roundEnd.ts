import { parseClassroomData } from '../callData.js';
import type { SignalingClient } from '../client.js';

/** How a round ended: the teacher closed it, or its timeout passed. */
export type RoundEndReason = 'closedByTeacher' | 'timedOut';

export interface RoundEnd {
  readonly groupID: string;
  readonly roundID: string;
  readonly reason: RoundEndReason;
}

/**
 * Calls `handler` when a round of `groupID` ends (its marker is cancelled by the teacher or
 * times out), on every member's client. Returns the unsubscribe function.
 *
 * @example
 * const off = onRoundEnded(client, groupID, ({ reason }) => toast(reason));
 */
export function onRoundEnded(
  client: SignalingClient,
  groupID: string,
  handler: (end: RoundEnd) => void,
): () => void {
  const tell =
    (reason: RoundEndReason) =>
    ({ invitation }: { invitation: { groupID: string; data: string } }) => {
      const data = parseClassroomData(invitation.data);
      if (invitation.groupID === groupID && data?.op === 'round' && data.roundID)
        handler({ groupID, roundID: data.roundID, reason });
    };
  const off = client.on('onInvitationCancelled', tell('closedByTeacher'));
  const off2 = client.on('onInvitationTimeout', tell('timedOut'));
  return () => {
    off();
    off2();
  };
}
