import type { Clock } from './clock.js';
import type { CommandReply, Effect, InvitationRecord } from './rules/types.js';

export type DeliverEffect = Extract<Effect, { type: 'deliver' }>;

export interface RunnerOptions {
  readonly clock: Clock;
  readonly deliver: (effect: DeliverEffect) => void;
  /** Called when a timer falls due; the owner feeds a `timeout` input back to the rules. */
  readonly fire: (inviteID: string, now: number) => void;
  readonly ended?: (invitation: InvitationRecord) => void;
}

/** Carries out effects: deliveries, one timer per invitation on the injected clock, and ends. */
export class EffectRunner {
  readonly #options: RunnerOptions;
  readonly #timers = new Map<string, unknown>();

  constructor(options: RunnerOptions) {
    this.#options = options;
  }

  /** Runs the effects in order and returns the reply among them, if any. */
  run(effects: readonly Effect[]): CommandReply | undefined {
    let reply: CommandReply | undefined;
    for (const effect of effects) {
      switch (effect.type) {
        case 'reply':
          reply = effect.reply;
          break;
        case 'deliver':
          this.#options.deliver(effect);
          break;
        case 'schedule':
          this.#arm(effect.inviteID, effect.at);
          break;
        case 'unschedule':
          this.#disarm(effect.inviteID);
          break;
        case 'ended':
          this.#options.ended?.(effect.invitation);
          break;
      }
    }
    return reply;
  }

  get armedTimers(): number {
    return this.#timers.size;
  }

  dispose(): void {
    for (const id of [...this.#timers.keys()]) this.#disarm(id);
  }

  #arm(inviteID: string, at: number): void {
    this.#disarm(inviteID);
    const { clock } = this.#options;
    const handle = clock.setTimer(at, () => {
      this.#timers.delete(inviteID);
      this.#options.fire(inviteID, clock.now());
    });
    this.#timers.set(inviteID, handle);
  }

  #disarm(inviteID: string): void {
    const handle = this.#timers.get(inviteID);
    if (handle === undefined) return;
    this.#timers.delete(inviteID);
    this.#options.clock.clearTimer(handle);
  }
}
