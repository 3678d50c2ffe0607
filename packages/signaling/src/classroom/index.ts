// The seed's classroom flow, framework free: the state every client derives from the same
// invitations, the students' actions (`StudentActions`) and
// the teacher's (`TeacherActions`, which extends them).

export type { ClassroomOp } from '../callData.js';
export type { GroupOperation } from '../protocol.js';
export { StudentActions } from './actions.js';
export {
  type ClassroomState,
  deriveClassroom,
  type HandState,
  type QueueEntry,
  type SpeakerEntry,
  selectClassroom,
} from './derive.js';
export { classroomOpOf, deliverAtOnce, planGroupOperation } from './fanout.js';
export { onRoundEnded, type RoundEnd, type RoundEndReason } from './roundEnd.js';
export { type OpenRoundOptions, TeacherActions } from './teacher.js';
