import { createClassroomData, parseClassroomData } from '../callData.js';
import type { SignalingClient } from '../client.js';
import { ErrorCode, SignalingError } from '../errors.js';
import type { GroupOperation } from '../protocol.js';
import { canAnswer } from '../rules/guards.js';
import type { InvitationRecord } from '../rules/types.js';
import { WebSocketTransport } from '../wsTransport.js';
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

  #cancel(inviteID: string | undefined, data?: string): Promise<void> | undefined {
    return inviteID === undefined ? undefined : this.#client.cancel(inviteID, data).catch(ignoreGone);
  }

  #reject(inviteID: string | undefined): Promise<void> | undefined {
    return inviteID === undefined ? undefined : this.#client.reject(inviteID).catch(ignoreGone);
  }

  /**
   * One request when the transport runs group operations (a Beckon server); otherwise one
   * command per invitation, from this client's view.
   */
  async #group(op: GroupOperation, each: (state: ClassroomState) => unknown[]): Promise<void> {
    const { transport } = this.#client;
    const command = { op, groupID: this.#groupID };
    // A WebSocketTransport talks to a Beckon server; other transports may say they can.
    const reply =
      transport instanceof WebSocketTransport
        ? await transport.request(command)
        : await transport.groupOperation?.(this.#groupID, op);
    if (reply === undefined) await Promise.all(each(this.#read()));
    else if (!reply.ok) throw SignalingError.from(reply.error);
  }

  // Teacher

  /**
   * Seed step 1: invite the students to raise hands. A round marker with the same timeout keeps
   * the round open, however the students answer, until the teacher closes it or it times out.
   */
  async openRound(students: readonly string[], options: OpenRoundOptions = {}): Promise<string> {
    const timeout = { timeout: options.timeout ?? 0 };
    const data = createClassroomData('raiseHand');
    const roundID = await this.#client.inviteInGroup(this.#groupID, students, data, timeout);
    await this.#client.inviteInGroup(this.#groupID, students, createClassroomData('round', roundID), timeout);
    return roundID;
  }

  /** Ends the round (every member is told: closed by the teacher) and lowers every hand. */
  closeRound(): Promise<void> {
    return this.#group('closeRound', (s) => [
      this.#cancel(s.round?.inviteID),
      // The marker's cancel names the round, as the server's does.
      this.#cancel(s.roundMarker?.inviteID, createClassroomData('round', s.roundID)),
      ...s.queue.map((q) => this.#reject(q.inviteID)),
    ]);
  }

  /** Seed step 4: invite one student to speak. */
  inviteToSpeak(student: string, options: { timeout?: number } = {}): Promise<string> {
    const roundID = this.#read().round?.inviteID;
    return this.#client.inviteInGroup(this.#groupID, [student], createClassroomData('speak', roundID), {
      timeout: options.timeout ?? 30,
    });
  }

  /** Stops every speaker and withdraws every pending invitation to speak. */
  revokeAllSpeakers(): Promise<void> {
    return this.#group('revokeSpeakers', (s) => [
      ...[...s.speakInvitations.values()].map((i) => this.#cancel(i.inviteID)),
      ...s.speakers.map((x) => this.#reject(x.inviteID)),
    ]);
  }

  /** Stops a speaker (or withdraws a pending invitation to speak). */
  async revokeSpeaker(student: string): Promise<void> {
    const state = this.#read();
    await Promise.all([
      this.#cancel(state.speakInvitations.get(student)?.inviteID),
      this.#reject(state.speakers.find((s) => s.userID === student)?.inviteID),
    ]);
  }

  /** Lowers one student's hand. */
  async dismiss(student: string): Promise<void> {
    await this.#reject(this.#read().queue.find((q) => q.userID === student)?.inviteID);
  }

  /** Lowers every raised hand. */
  lowerAll(): Promise<void> {
    return this.#group('lowerAll', (s) => s.queue.map((q) => this.#reject(q.inviteID)));
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
    const like =
      round ??
      state.roundMarker ??
      state.queue.map((q) => this.#client.getInvitation(q.inviteID)).find(Boolean);
    const timeout = remainingSeconds(like, me, this.#client.serverNow());
    // The marker first, so the hand shows at once; then the seed's accept, which everyone hears.
    // Sent together: a Beckon server answers both in one frame.
    await Promise.all([
      this.#client.inviteInGroup(this.#groupID, [teacher], createClassroomData('hand', roundID), { timeout }),
      round !== undefined && canAnswer(round, me) ? this.#client.accept(round.inviteID).catch(ignoreGone) : 0,
    ]);
  }

  async lowerHand(): Promise<void> {
    const me = this.#client.userID;
    await this.#cancel(this.#read().queue.find((q) => q.userID === me)?.inviteID);
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
    await this.#reject(this.#read().speakInvitations.get(me)?.inviteID);
  }

  async stopSpeaking(): Promise<void> {
    const me = this.#client.userID;
    await this.#cancel(this.#read().speakers.find((s) => s.userID === me)?.inviteID);
  }
}

/** Another device or the teacher got there first: the goal is reached either way. */
function ignoreGone(error: unknown): void {
  if (error instanceof SignalingError && error.code === ErrorCode.INVITATION_INVALID) return;
  throw error;
}
