import { createClassroomData, parseClassroomData } from '../callData.js';
import type { SignalingClient } from '../client.js';
import * as ErrorCode from '../errorCodes.js';
import { SignalingError } from '../errors.js';
import { canAnswer } from '../rules/guards.js';
import type { ClassroomState } from './derive.js';

/** Cancels an invitation this user sent, if there is one; one already gone is fine. */
export function cancelIfAny(client: SignalingClient, inviteID: string | undefined, data?: string) {
  return inviteID === undefined ? undefined : client.cancel(inviteID, data).catch(ignoreGone);
}

/** Rejects an invitation sent to this user, if there is one; one already gone is fine. */
export function rejectIfAny(client: SignalingClient, inviteID: string | undefined) {
  return inviteID === undefined ? undefined : client.reject(inviteID).catch(ignoreGone);
}

/**
 * The students' half of the seed's classroom flow, over one group: raise and lower a hand,
 * answer an invitation to speak, stop speaking. Markers keep raised hands and speakers visible
 * to late joiners. The teacher's actions are {@link TeacherActions} (in their own module, so an
 * app that only raises hands does not ship them).
 *
 * @param read - the group's current state (`selectClassroom` over the client's invitations)
 */
export class StudentActions {
  readonly #client: SignalingClient;
  readonly #groupID: string;
  readonly #read: () => ClassroomState;

  constructor(client: SignalingClient, groupID: string, read: () => ClassroomState) {
    this.#client = client;
    this.#groupID = groupID;
    this.#read = read;
  }

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
      throw new SignalingError(ErrorCode.NO_PERMISSION, 'not invited to this round');
    }
    // A hand lives as long as its round: same deadline (a marker of an answered round copies one).
    const like =
      round ??
      state.roundMarker ??
      state.queue.map((q) => this.#client.getInvitation(q.inviteID)).find(Boolean);
    const deadline =
      like?.invitees.find((i) => i.userID === me)?.deadline ?? like?.invitees[0]?.deadline ?? 0;
    const left = deadline - this.#client.serverNow();
    // Whole seconds left, at least one; 0 (never times out) as it is.
    const timeout = deadline > 0 ? Math.max(1, Math.ceil(left / 1000)) : 0;
    // The marker first, so the hand shows at once; then the seed's accept, which everyone hears.
    // Sent together: a Beckon server answers both in one frame.
    await Promise.all([
      this.#client.inviteInGroup(this.#groupID, [teacher], createClassroomData('hand', roundID), { timeout }),
      round !== undefined && canAnswer(round, me) ? this.#client.accept(round.inviteID).catch(ignoreGone) : 0,
    ]);
  }

  async lowerHand(): Promise<void> {
    const me = this.#client.userID;
    await cancelIfAny(this.#client, this.#read().queue.find((q) => q.userID === me)?.inviteID);
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
    await rejectIfAny(this.#client, this.#read().speakInvitations.get(me)?.inviteID);
  }

  async stopSpeaking(): Promise<void> {
    const me = this.#client.userID;
    await cancelIfAny(this.#client, this.#read().speakers.find((s) => s.userID === me)?.inviteID);
  }
}

/** Another device or the teacher got there first: the goal is reached either way. */
function ignoreGone(error: unknown): void {
  if (error instanceof SignalingError && error.code === ErrorCode.INVITATION_INVALID) return;
  throw error;
}
