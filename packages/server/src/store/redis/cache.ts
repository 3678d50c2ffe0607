import type { InvitationRecord, SignalingEvent } from '@beckon/signaling';
import { applyEvent } from '@beckon/signaling/rules';
import type { Loaded } from './plan.js';

interface Cached {
  readonly version: number;
  readonly record: InvitationRecord;
}

/** Kept records, counted in invitees (a class of 500 weighs 500), oldest dropped first. */
const WEIGHT_LIMIT = 200_000;
const weightOf = (record: InvitationRecord) => record.invitees.length + 1;

/**
 * Invitations as this process last knew them, with the version of their hash: from its reads,
 * its commits, and the events hints carry (applied with the clients' own `applyEvent`). Only
 * ever a guess: every guessed version is a guard of the commit that uses it, and a refusal is
 * never answered from it.
 */
export class RecordCache {
  readonly #records = new Map<string, Cached>();
  #weight = 0;

  remember(inviteID: string, version: number, record: InvitationRecord | undefined): void {
    this.#forget(inviteID);
    if (record === undefined) return;
    this.#records.set(inviteID, { version, record });
    this.#weight += weightOf(record);
    while (this.#weight > WEIGHT_LIMIT) this.#forget(this.#records.keys().next().value ?? '');
  }

  #forget(inviteID: string): void {
    const cached = this.#records.get(inviteID);
    if (cached === undefined) return;
    this.#records.delete(inviteID);
    this.#weight -= weightOf(cached.record);
  }

  /** A guess for these invitations, or undefined when one of them is not known here. */
  guess(ids: readonly string[]): Loaded | undefined {
    const records = new Map<string, Cached>();
    for (const id of ids) {
      const cached = this.#records.get(id);
      if (cached === undefined) return undefined;
      records.set(id, cached);
    }
    return { records };
  }

  clear(): void {
    this.#records.clear();
    this.#weight = 0;
  }

  get(inviteID: string): InvitationRecord | undefined {
    return this.#records.get(inviteID)?.record;
  }

  /**
   * An event from a hint, `v` the version its commit left (0: the invitation ended; -1: one of
   * several events of one commit, not to be learnt from). Anything out of line is forgotten.
   */
  learn(event: SignalingEvent, v: number): void {
    const id = event.envelope.inviteID;
    const cached = this.#records.get(id);
    if (v > 0 && cached !== undefined && cached.version >= v) return;
    let next: InvitationRecord | undefined;
    if (v > 0 && (event.kind === 'invite' || event.kind === 'addInvitees')) next = event.invitation;
    else if (v > 0 && cached !== undefined && cached.version === v - 1)
      next = applyEvent(cached.record, event);
    this.remember(id, v, next);
  }
}
