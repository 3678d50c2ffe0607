import type { Clock } from '../clock.js';
import { ErrorCode, errorInfo } from '../errors.js';
import { MAX_INVITEES } from '../limits.js';
import { EffectRunner } from '../runner.js';
import { canSee, isReplayable, needsReceipt } from './guards.js';
import { transition } from './transition.js';
import {
  type Command,
  type CommandReply,
  emptyState,
  type InvitationRecord,
  type SignalingEvent,
  type SignalingState,
  type TransitionInput,
} from './types.js';

export interface ArbiterOptions {
  readonly clock: Clock;
  readonly generateId: () => string;
  readonly maxInvitees?: number;
  /** Seconds a call-end notice waits for its acknowledgement before it times out (`noticeExpiry`). */
  readonly callEndNoticeSeconds?: number | undefined;
  /** Current members of a group, or undefined when it does not exist. */
  readonly members: (groupID: string) => ReadonlySet<string> | undefined;
  /**
   * Hands one event to its recipients (the audience, group members expanded). `ephemeral`:
   * an onlineUserOnly invitation's event, logged only where `isLoggedFor` says.
   */
  readonly deliver: (recipients: ReadonlySet<string>, event: SignalingEvent, ephemeral: boolean) => void;
  readonly ended?: (invitation: InvitationRecord) => void;
}

/**
 * The rules running in one process: state, a serialized input queue, the effect runner and its
 * timers. The in-memory hub and the server's memory store are both built on it.
 */
export class Arbiter {
  #state: SignalingState = emptyState;
  readonly #options: ArbiterOptions;
  readonly #runner: EffectRunner;
  readonly #queue: Array<{ input: TransitionInput; done?: (reply: CommandReply) => void }> = [];
  #draining = false;
  #serial = 0;

  constructor(options: ArbiterOptions) {
    this.#options = options;
    this.#runner = new EffectRunner({
      clock: options.clock,
      deliver: (effect) => {
        const recipients = new Set(effect.to.users);
        if (effect.to.group !== undefined)
          for (const m of options.members(effect.to.group) ?? []) recipients.add(m);
        options.deliver(recipients, effect.event, effect.ephemeral);
      },
      fire: (inviteID, now) => this.#submit({ type: 'timeout', inviteID, now }),
      ...(options.ended ? { ended: options.ended } : {}),
    });
  }

  get state(): SignalingState {
    return this.#state;
  }

  get armedTimers(): number {
    return this.#runner.armedTimers;
  }

  /** Runs a command as `actor` on `device`. Inputs are applied one at a time, in arrival order. */
  dispatch(actor: string, device: string, command: Command): Promise<CommandReply> {
    const groupID =
      command.op === 'invite' ? command.groupID : this.#state.invitations.get(command.inviteID)?.groupID;
    const members = groupID ? this.#options.members(groupID) : undefined;
    const now = this.#options.clock.now();
    return new Promise((resolve) => {
      this.#submit(
        {
          type: 'command',
          actor,
          device,
          now,
          command,
          ...(command.op === 'invite'
            ? { newInviteID: this.#options.generateId(), newSerial: ++this.#serial }
            : {}),
          ...(members ? { group: { members } } : {}),
          maxInvitees: this.#options.maxInvitees ?? MAX_INVITEES,
          callEndNoticeSeconds: this.#options.callEndNoticeSeconds,
        },
        resolve,
      );
    });
  }

  /** Marks the invitation delivered to `invitee` (the inviter gets a receipt the first time). */
  delivered(inviteID: string, invitee: string): void {
    if (!needsReceipt(this.#state.invitations.get(inviteID), invitee)) return;
    this.#submit({ type: 'delivered', inviteID, invitee, now: this.#options.clock.now() });
  }

  /** Active invitations `userID` can see: as inviter, invitee or group member. */
  visibleTo(userID: string, options: { includeOnlineOnly?: boolean } = {}): InvitationRecord[] {
    const isMember = (groupID: string) => this.#options.members(groupID)?.has(userID) === true;
    const out: InvitationRecord[] = [];
    for (const record of this.#state.invitations.values()) {
      if (!isReplayable(record) && options.includeOnlineOnly !== true) continue;
      if (canSee(record, userID, isMember)) out.push(record);
    }
    return out;
  }

  /** Stops every timer. */
  close(): void {
    this.#runner.dispose();
  }

  #submit(input: TransitionInput, done?: (reply: CommandReply) => void): void {
    this.#queue.push(done ? { input, done } : { input });
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let job = this.#queue.shift(); job; job = this.#queue.shift()) {
        const result = transition(this.#state, job.input);
        this.#state = result.state;
        const reply = this.#runner.run(result.effects);
        job.done?.(reply ?? { ok: false, error: errorInfo(ErrorCode.INTERNAL, 'the rules gave no reply') });
      }
    } finally {
      this.#draining = false;
    }
  }
}
