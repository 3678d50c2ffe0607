import type { SignalingEvent } from '@beckon/signaling';
import { type ClassroomOp, classroomOpOf } from '@beckon/signaling/classroom';

/**
 * Defaults of `BeckonServerOptions.classroomBatch`; `sharedQuietMs` is `quietMs`'s default on a
 * shared store (Redis), where a class's changes reach each process spread out in time: with 50 ms
 * a round of 1,000 over two processes cost 6.9-8.0 frames per student, with 150 ms 4.5-5.0.
 */
export const DEFAULT_CLASSROOM_BATCH = { quietMs: 50, sharedQuietMs: 150, maxDelayMs: 2000 } as const;

/** A socket that holds coalesced events until it is told to send them as one frame. */
export interface BatchingMember {
  flushPending(): void;
}

/**
 * Classroom changes per group: every member with held events gets them in one frame once the
 * group has been quiet for `quietMs`, or `maxDelayMs` after the first held change while hands
 * keep coming. One timer per group, whatever the size of the class.
 */
export class GroupBatches {
  readonly #groups = new Map<
    string,
    { members: Set<BatchingMember>; first: number; last: number; timer: NodeJS.Timeout | undefined }
  >();
  readonly #quietMs: number;
  readonly #maxDelayMs: number;
  readonly #due: (groupID: string, members: Set<BatchingMember>) => void;

  /**
   * `due` sends a group's batch (default: each member's held events); the queue stream adds its
   * frame to every member's there.
   */
  constructor(options: {
    quietMs: number;
    maxDelayMs: number;
    due?: (groupID: string, members: Set<BatchingMember>) => void;
  }) {
    this.#quietMs = options.quietMs;
    this.#maxDelayMs = options.maxDelayMs;
    this.#due = options.due ?? flushAll;
  }

  add(groupID: string, member: BatchingMember): void {
    this.#group(groupID).members.add(member);
  }

  /** A change of `groupID` was held for some members: the group's batch is due later. */
  touch(groupID: string): void {
    const group = this.#group(groupID);
    const now = Date.now();
    group.last = now;
    if (group.timer !== undefined) return;
    group.first = now;
    group.timer = setTimeout(() => this.#fire(groupID), this.#quietMs);
  }

  #group(groupID: string) {
    let group = this.#groups.get(groupID);
    if (group === undefined) {
      group = { members: new Set(), first: 0, last: 0, timer: undefined };
      this.#groups.set(groupID, group);
    }
    return group;
  }

  #fire(groupID: string): void {
    const group = this.#groups.get(groupID);
    if (group === undefined) return;
    const at = Math.min(group.last + this.#quietMs, group.first + this.#maxDelayMs);
    const wait = at - Date.now();
    if (wait > 0) {
      group.timer = setTimeout(() => this.#fire(groupID), wait);
      return;
    }
    this.#groups.delete(groupID);
    this.#due(groupID, group.members);
  }

  close(): void {
    for (const group of this.#groups.values()) clearTimeout(group.timer);
    this.#groups.clear();
  }
}

function flushAll(_groupID: string, members: Set<BatchingMember>): void {
  for (const member of members) member.flushPending();
}

/**
 * Classroom events due at once (a raised hand for the teacher) leave at the end of the current
 * turn of the event loop: the hands that arrived in the same read go out in one frame.
 */
export class TurnBatches {
  #members = new Set<BatchingMember>();
  #scheduled = false;

  add(member: BatchingMember): void {
    this.#members.add(member);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const members = this.#members;
      this.#members = new Set();
      for (const m of members) m.flushPending();
    });
  }
}

/** Invitations kept per generation before the older one is dropped. */
const OPS_GENERATION = 20_000;

/**
 * The classroom operation of each invitation this process delivered an invite of: answers,
 * cancels and timeouts carry the answer's data, not the invitation's. Two generations of ids, so
 * the memory stays bounded without tracking every invitation's end.
 */
export class ClassroomOps {
  #current = new Map<string, ClassroomOp>();
  #previous = new Map<string, ClassroomOp>();

  of(event: SignalingEvent): ClassroomOp | undefined {
    const id = event.envelope.inviteID;
    if (event.kind === 'invite' || event.kind === 'addInvitees') {
      const op = classroomOpOf(event.invitation.data);
      if (op !== undefined && !this.#current.has(id)) {
        if (this.#current.size >= OPS_GENERATION) {
          this.#previous = this.#current;
          this.#current = new Map();
        }
        this.#current.set(id, op);
      }
      return op;
    }
    return this.#current.get(id) ?? this.#previous.get(id);
  }
}
