import { selectClassroom, TeacherActions } from '@beckon/signaling/classroom';
import { useMemo } from 'react';
import { useBeckonRuntime } from './context.js';

/**
 * The teacher's actions over one group (`TeacherActions` from `@beckon/signaling/classroom`):
 * open and close a round, invite a raised hand to speak, revoke speakers, lower hands. The object
 * also has the students' actions (it extends `StudentActions`). It subscribes to nothing: read
 * the group's state with {@link useHandRaise}.
 *
 * @example
 * const { queue, isTeacher } = useHandRaise(groupID);
 * const teacher = useTeacherActions(groupID);
 * <button onClick={() => teacher.openRound(students, { timeout: 60 })}>Ask a question</button>
 */
export function useTeacherActions(groupID: string): TeacherActions {
  const { client, store } = useBeckonRuntime('useTeacherActions');
  return useMemo(
    () => new TeacherActions(client, groupID, () => selectClassroom(store.getState().invitations, groupID)),
    [client, store, groupID],
  );
}
