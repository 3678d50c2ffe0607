import {
  type ClassroomState,
  type HandState,
  StudentActions,
  selectClassroom,
} from '@beckon/signaling/classroom';
import { useMemo } from 'react';
import { useBeckonRuntime } from './context.js';
import { useBeckonState } from './useBeckonState.js';

export interface UseHandRaiseResult extends ClassroomState {
  /** This user's own hand state. */
  readonly myHand: HandState;
  readonly isTeacher: boolean;
  /**
   * The students' actions (`StudentActions` from `@beckon/signaling/classroom`): raise and lower
   * a hand, answer an invitation to speak, stop speaking. The teacher's are `useTeacherActions`.
   */
  readonly actions: StudentActions;
}

/**
 * The seed's classroom flow for one group: the open round, the raised-hand queue in server
 * order, the speakers, this user's state, and the students' actions. The teacher's actions come
 * from {@link useTeacherActions} (its own module, so an app that only raises hands does not ship
 * them).
 *
 * @example
 * const { round, queue, myHand, actions } = useHandRaise(groupID);
 * // How a round ended (closed by the teacher, timed out): onRoundEnded from @beckon/signaling/classroom.
 * <button onClick={() => actions.raiseHand()} disabled={myHand !== 'invited'}>Raise hand</button>
 */
export function useHandRaise(groupID: string): UseHandRaiseResult {
  const { client, store } = useBeckonRuntime('useHandRaise');
  const classroom = useBeckonState((s) => selectClassroom(s.invitations, groupID));
  const userID = useBeckonState((s) => s.userID);
  const actions = useMemo(
    () => new StudentActions(client, groupID, () => selectClassroom(store.getState().invitations, groupID)),
    [client, store, groupID],
  );
  const isTeacher = userID !== undefined && classroom.teacher === userID;
  const own = userID === undefined ? undefined : classroom.hands.get(userID);
  // In a round that every student already answered, anyone without a hand up may raise again.
  const myHand: HandState = own ?? (classroom.roundID !== undefined && !isTeacher ? 'lowered' : 'idle');
  return { ...classroom, myHand, isTeacher, actions };
}
