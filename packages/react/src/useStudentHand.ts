import { type HandState, selectClassroom } from '@beckon/signaling/classroom';
import { useBeckonState } from './useBeckonState.js';

/**
 * One student's hand state, for rows of a long class list: a row re-renders only when its own
 * student's state or queue position changes.
 */
export function useStudentHand(groupID: string, userID: string): { state: HandState; position: number } {
  const state = useBeckonState((s) => selectClassroom(s.invitations, groupID).hands.get(userID) ?? 'idle');
  const position = useBeckonState((s) => selectClassroom(s.invitations, groupID).positions.get(userID) ?? -1);
  return { state, position };
}
