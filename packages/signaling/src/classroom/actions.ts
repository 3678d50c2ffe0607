import { createClassroomData, parseClassroomData } from '../callData.js';
import type { SignalingClient } from '../client.js';
import { ErrorCode, SignalingError } from '../errors.js';
import { canAnswer } from '../rules/guards.js';
import type { InvitationRecord } from '../rules/types.js';
import type { ClassroomState } from './derive.js';

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
