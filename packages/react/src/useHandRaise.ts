import {
  ClassroomActions,
  type ClassroomState,
  type HandState,
  selectClassroom,
} from '@beckon/signaling/classroom';
import { useMemo } from 'react';
import { useBeckonRuntime } from './context.js';
import { useBeckonState } from './useBeckonState.js';

export interface UseHandRaiseResult extends ClassroomState {
  /** This user's own hand state. */
  readonly myHand: HandState;
  readonly isTeacher: boolean;
  /** The teacher's and students' actions (`ClassroomActions` from `@beckon/signaling/classroom`). */
  readonly actions: ClassroomActions;
}

/**
 * The seed's classroom flow for one group: the open round, the raised-hand queue in server
 * order, the speakers, this user's state, and the teacher's and students' actions.
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
    () => new ClassroomActions(client, groupID, () => selectClassroom(store.getState().invitations, groupID)),
    [client, store, groupID],
  );
  const isTeacher = userID !== undefined && classroom.teacher === userID;
  const own = userID === undefined ? undefined : classroom.hands.get(userID);
  // In a round that every student already answered, anyone without a hand up may raise again.
  const myHand: HandState = own ?? (classroom.roundID !== undefined && !isTeacher ? 'lowered' : 'idle');
  return { ...classroom, myHand, isTeacher, actions };
}
