import { createClassroomData } from '../callData.js';
import type { SignalingClient } from '../client.js';
import { SignalingError } from '../errors.js';
import type { GroupOperation } from '../protocol.js';
import { WebSocketTransport } from '../wsTransport.js';
import { cancelIfAny, rejectIfAny, StudentActions } from './actions.js';
import type { ClassroomState } from './derive.js';

export interface OpenRoundOptions {
  /** Seconds the round stays open; 0 = until closed. Default 0. */
  readonly timeout?: number;
}

/**
 * The teacher's half of the seed's classroom flow, over one group: open and close a round,
 * invite a raised hand to speak, revoke speakers, lower hands. It extends
 * {@link StudentActions}, so one object can also act as a student (tests, load scripts).
 *
 * @param read - the group's current state (`selectClassroom` over the client's invitations)
 */
export class TeacherActions extends StudentActions {
  readonly #client: SignalingClient;
  readonly #groupID: string;
  readonly #read: () => ClassroomState;

  constructor(client: SignalingClient, groupID: string, read: () => ClassroomState) {
    super(client, groupID, read);
    this.#client = client;
    this.#groupID = groupID;
    this.#read = read;
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
      cancelIfAny(this.#client, s.round?.inviteID),
      // The marker's cancel names the round, as the server's does.
      cancelIfAny(this.#client, s.roundMarker?.inviteID, createClassroomData('round', s.roundID)),
      ...s.queue.map((q) => rejectIfAny(this.#client, q.inviteID)),
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
      ...[...s.speakInvitations.values()].map((i) => cancelIfAny(this.#client, i.inviteID)),
      ...s.speakers.map((x) => rejectIfAny(this.#client, x.inviteID)),
    ]);
  }

  /** Stops a speaker (or withdraws a pending invitation to speak). */
  async revokeSpeaker(student: string): Promise<void> {
    const state = this.#read();
    await Promise.all([
      cancelIfAny(this.#client, state.speakInvitations.get(student)?.inviteID),
      rejectIfAny(this.#client, state.speakers.find((s) => s.userID === student)?.inviteID),
    ]);
  }

  /** Lowers one student's hand. */
  async dismiss(student: string): Promise<void> {
    await rejectIfAny(this.#client, this.#read().queue.find((q) => q.userID === student)?.inviteID);
  }

  /** Lowers every raised hand. */
  lowerAll(): Promise<void> {
    return this.#group('lowerAll', (s) => s.queue.map((q) => rejectIfAny(this.#client, q.inviteID)));
  }
}
