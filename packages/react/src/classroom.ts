import {
  canAnswer,
  createClassroomData,
  ErrorCode,
  type InvitationRecord,
  parseClassroomData,
  type SignalingClient,
  SignalingError,
} from '@beckon/signaling';

export type HandState =
  | 'idle'
  /** A round is open and this student may raise a hand. */
  | 'invited'
  | 'raised'
  /** The student answered this round (raised then lowered, or declined); may raise again. */
  | 'lowered'
  | 'invitedToSpeak'
  | 'speaking';

export interface QueueEntry {
  readonly userID: string;
  /** The student's hand marker. */
  readonly inviteID: string;
  /** Server time the hand went up. */
  readonly raisedAt: number;
}

export interface SpeakerEntry {
  readonly userID: string;
  readonly inviteID: string;
  readonly since: number;
}

export interface ClassroomState {
  readonly groupID: string;
  /**
   * The round's invitation while some student has not answered it. Once every student has, it
   * ends (the seed's rule) and the round stays open through the hands still up.
   */
  readonly round: InvitationRecord | undefined;
  /** The open round: its invitation is active, or hands raised in it are still up. */
  readonly roundID: string | undefined;
  readonly teacher: string | undefined;
  /** Raised hands in the order the server received them. */
  readonly queue: readonly QueueEntry[];
  readonly speakers: readonly SpeakerEntry[];
  /** Pending invitations to speak, by student. */
  readonly speakInvitations: ReadonlyMap<string, InvitationRecord>;
  /** Hand state per student who has one other than idle. */
  readonly hands: ReadonlyMap<string, HandState>;
  /** Queue position (0-based) per raised hand. */
  readonly positions: ReadonlyMap<string, number>;
}

const opCache = new WeakMap<InvitationRecord, ReturnType<typeof parseClassroomData> | null>();

/** Classroom data of a record, parsed once per record object (records are immutable). */
function classroomDataOf(record: InvitationRecord) {
  let cached = opCache.get(record);
  if (cached === undefined) {
    cached = parseClassroomData(record.data) ?? null;
    opCache.set(record, cached);
  }
  return cached ?? undefined;
}

function byServerOrder(a: InvitationRecord, b: InvitationRecord): number {
  // The arbiter's clock, then its creation serial for the same millisecond; the id only as a
  // last resort (records from an arbiter without serials), identically on every client.
  return (
    a.createdAt - b.createdAt ||
    (a.serial ?? 0) - (b.serial ?? 0) ||
    (a.inviteID < b.inviteID ? -1 : a.inviteID > b.inviteID ? 1 : 0)
  );
}

/** The classroom as every client derives it from the same invitations (pure, no clocks). */
export function deriveClassroom(
  invitations: Readonly<Record<string, InvitationRecord>>,
  groupID: string,
): ClassroomState {
  let round: InvitationRecord | undefined;
  const hands: InvitationRecord[] = [];
  const speaking: InvitationRecord[] = [];
  const speakInvitations = new Map<string, InvitationRecord>();
  for (const record of Object.values(invitations)) {
    if (record.groupID !== groupID) continue;
    const op = classroomDataOf(record)?.op;
    if (op === 'raiseHand') {
      if (round === undefined || byServerOrder(round, record) < 0) round = record;
    } else if (op === 'hand') hands.push(record);
    else if (op === 'speaking') speaking.push(record);
    else if (op === 'speak') {
      for (const i of record.invitees) if (i.state === 'pending') speakInvitations.set(i.userID, record);
    }
  }
  hands.sort(byServerOrder);
  speaking.sort(byServerOrder);
  const state = new Map<string, HandState>();
  for (const i of round?.invitees ?? []) state.set(i.userID, i.state === 'pending' ? 'invited' : 'lowered');
  const queue: QueueEntry[] = [];
  for (const h of hands) {
    if (queue.some((q) => q.userID === h.inviter)) continue;
    queue.push({ userID: h.inviter, inviteID: h.inviteID, raisedAt: h.createdAt });
    state.set(h.inviter, 'raised');
  }
  for (const userID of speakInvitations.keys()) state.set(userID, 'invitedToSpeak');
  const speakers: SpeakerEntry[] = [];
  for (const s of speaking) {
    if (speakers.some((x) => x.userID === s.inviter)) continue;
    speakers.push({ userID: s.inviter, inviteID: s.inviteID, since: s.createdAt });
    state.set(s.inviter, 'speaking');
  }
  const teacher =
    round?.inviter ??
    hands[0]?.invitees[0]?.userID ??
    speaking[0]?.invitees[0]?.userID ??
    [...speakInvitations.values()][0]?.inviter;
  const roundID = round?.inviteID ?? (hands[0] ? classroomDataOf(hands[0])?.roundID : undefined);
  const positions = new Map(queue.map((q, i) => [q.userID, i]));
  return { groupID, round, roundID, teacher, queue, speakers, speakInvitations, hands: state, positions };
}

const cache = new WeakMap<object, Map<string, ClassroomState>>();

/** {@link deriveClassroom}, computed once per invitations object and group. */
export function selectClassroom(
  invitations: Readonly<Record<string, InvitationRecord>>,
  groupID: string,
): ClassroomState {
  let byGroup = cache.get(invitations);
  if (byGroup === undefined) {
    byGroup = new Map();
    cache.set(invitations, byGroup);
  }
  let state = byGroup.get(groupID);
  if (state === undefined) {
    state = deriveClassroom(invitations, groupID);
    byGroup.set(groupID, state);
  }
  return state;
}

export interface OpenRoundOptions {
  /** Seconds the round stays open; 0 = until closed. Default 0. */
  readonly timeout?: number;
}

function remainingSeconds(record: InvitationRecord | undefined, userID: string, now: number): number {
  const deadline =
    record?.invitees.find((i) => i.userID === userID)?.deadline ?? record?.invitees[0]?.deadline ?? 0;
  return deadline > 0 ? Math.max(1, Math.ceil((deadline - now) / 1000)) : 0;
}

/**
 * The seed's classroom flow as actions over one group. The teacher opens a round, invites a
 * raised hand to speak, revokes speakers, lowers hands; students raise and lower hands and
 * answer invitations to speak. Markers keep raised hands and speakers visible to late joiners.
 */
export class ClassroomActions {
  readonly #client: SignalingClient;
  readonly #groupID: string;
  readonly #read: () => ClassroomState;

  constructor(client: SignalingClient, groupID: string, read: () => ClassroomState) {
    this.#client = client;
    this.#groupID = groupID;
    this.#read = read;
  }

  // Teacher

  /** Seed step 1: invite the students to raise hands. */
  openRound(students: readonly string[], options: OpenRoundOptions = {}): Promise<string> {
    return this.#client.inviteInGroup(this.#groupID, students, createClassroomData('raiseHand'), {
      timeout: options.timeout ?? 0,
    });
  }

  /** Ends the round and lowers every hand. */
  async closeRound(): Promise<void> {
    const { round } = this.#read();
    await Promise.all([
      round ? this.#client.cancel(round.inviteID).catch(ignoreGone) : undefined,
      this.lowerAll(),
    ]);
  }

  /** Seed step 4: invite one student to speak. */
  inviteToSpeak(student: string, options: { timeout?: number } = {}): Promise<string> {
    const roundID = this.#read().round?.inviteID;
    return this.#client.inviteInGroup(this.#groupID, [student], createClassroomData('speak', roundID), {
      timeout: options.timeout ?? 30,
    });
  }

  /** Stops a speaker (or withdraws a pending invitation to speak). */
  async revokeSpeaker(student: string): Promise<void> {
    const state = this.#read();
    const pending = state.speakInvitations.get(student);
    const speaker = state.speakers.find((s) => s.userID === student);
    await Promise.all([
      pending ? this.#client.cancel(pending.inviteID).catch(ignoreGone) : undefined,
      speaker ? this.#client.reject(speaker.inviteID).catch(ignoreGone) : undefined,
    ]);
  }

  /** Lowers one student's hand. */
  async dismiss(student: string): Promise<void> {
    const entry = this.#read().queue.find((q) => q.userID === student);
    if (entry) await this.#client.reject(entry.inviteID).catch(ignoreGone);
  }

  /** Lowers every raised hand. */
  async lowerAll(): Promise<void> {
    await Promise.all(this.#read().queue.map((q) => this.#client.reject(q.inviteID).catch(ignoreGone)));
  }

  // Student

  /** Seed steps 2-3: accept the round, and keep a marker pending while the hand is up. */
  async raiseHand(): Promise<void> {
    const me = this.#client.userID ?? '';
    const state = this.#read();
    const { round, roundID, teacher } = state;
    if (roundID === undefined || teacher === undefined) {
      throw new SignalingError(ErrorCode.INVITATION_INVALID, 'no round is open');
    }
    if (state.hands.get(me) === 'raised') return;
    const mine = round?.invitees.find((i) => i.userID === me);
    if (round !== undefined && mine === undefined) {
      throw new SignalingError(ErrorCode.NO_PERMISSION, 'you are not invited to this round');
    }
    // A hand lives as long as its round: same deadline (a marker of an answered round copies one).
    const like = round ?? state.queue.map((q) => this.#client.getInvitation(q.inviteID)).find(Boolean);
    const timeout = remainingSeconds(like, me, this.#client.serverNow());
    // The marker first, so the hand shows at once; then the seed's accept, which everyone hears.
    await this.#client.inviteInGroup(this.#groupID, [teacher], createClassroomData('hand', roundID), {
      timeout,
    });
    if (round !== undefined && canAnswer(round, me)) {
      await this.#client.accept(round.inviteID).catch(ignoreGone);
    }
  }

  async lowerHand(): Promise<void> {
    const me = this.#client.userID;
    const entry = this.#read().queue.find((q) => q.userID === me);
    if (entry) await this.#client.cancel(entry.inviteID).catch(ignoreGone);
  }

  /** Seed step 5: accept the invitation to speak; a marker keeps the speaker visible. */
  async acceptSpeak(): Promise<void> {
    const me = this.#client.userID ?? '';
    const invitation = this.#read().speakInvitations.get(me);
    if (invitation === undefined)
      throw new SignalingError(ErrorCode.INVITATION_INVALID, 'no invitation to speak');
    await this.#client.accept(invitation.inviteID);
    await this.#client.inviteInGroup(
      this.#groupID,
      [invitation.inviter],
      createClassroomData('speaking', parseClassroomData(invitation.data)?.roundID),
      { timeout: 0 },
    );
    await this.lowerHand();
  }

  async declineSpeak(): Promise<void> {
    const me = this.#client.userID ?? '';
    const invitation = this.#read().speakInvitations.get(me);
    if (invitation) await this.#client.reject(invitation.inviteID).catch(ignoreGone);
  }

  async stopSpeaking(): Promise<void> {
    const me = this.#client.userID;
    const entry = this.#read().speakers.find((s) => s.userID === me);
    if (entry) await this.#client.cancel(entry.inviteID).catch(ignoreGone);
  }
}

/** Another device or the teacher got there first: the goal is reached either way. */
function ignoreGone(error: unknown): void {
  if (error instanceof SignalingError && error.code === ErrorCode.INVITATION_INVALID) return;
  throw error;
}
