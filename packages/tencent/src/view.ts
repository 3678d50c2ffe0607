import { type Clock, type InvitationRecord, isCallEndNotice, type SignalingEvent } from '@beckon/signaling';
import {
  answerEvent,
  applyEvent,
  canAnswer,
  deadlineOf,
  dueInvitees,
  findRinging,
  inviteEvent,
  isActive,
  modifyEvent,
  newInvitation,
  nextDeadline,
  pendingAmong,
  settleEvent,
} from '@beckon/signaling/rules';

export interface LocalViewOptions {
  readonly clock: Clock;
  /** The user this view belongs to. */
  readonly userID: string;
  /** Local timeouts fire this long after an invitee's deadline (see `timeoutGraceMs`). */
  readonly graceMs: number;
  /** How many ended invitation ids are remembered. */
  readonly remembered: number;
  /** An event that changed the view, for the listener. */
  readonly emit: (event: SignalingEvent) => void;
  /** See `resyncWindowMs`. */
  readonly resyncWindowMs: number;
  /** Invitations held across a gap ended with no word about them: the view no longer has them. */
  readonly vanished: () => void;
}

/** An invitation as the SDK reports it; the view turns it into a record. */
export interface InvitationFields {
  readonly inviteID: string;
  readonly inviter: string;
  readonly groupID: string;
  readonly invitees: readonly string[];
  readonly data: string;
  /** Seconds; undefined when the SDK did not say (3.6.6's event): refined later. */
  readonly timeout: number | undefined;
  readonly onlineUserOnly: boolean;
}

/**
 * The Tencent transport's local view: the active invitations this client knows, kept by the
 * rules' own guards and reducer. Tencent has no arbiter, so the view never applies a transition
 * to an invitation that ended, never moves an invitee out of a terminal state, drops late events
 * about invitations it does not hold, and times out locally what the SDK's timers missed.
 */
export class LocalView {
  readonly #o: LocalViewOptions;
  readonly #records = new Map<string, InvitationRecord>();
  /** Ids of invitations that ended here, oldest first: late events about them are dropped. */
  readonly #ended = new Set<string>();
  readonly #timers = new Map<string, unknown>();
  /** Call-end notices (timeout 0): TUICallKit never answers them, so they end here after the grace period. */
  readonly #notices = new Map<string, unknown>();
  /** Incoming invitations whose timeout the SDK event did not carry (3.6.6 does not). */
  readonly #unknownTimeout = new Set<string>();
  /** Invitations held across a gap (a new session) with no word about them since: outcome unknown. */
  readonly #uncertain = new Map<string, unknown>();
  #serial = 0;
  #closed = false;

  constructor(options: LocalViewOptions) {
    this.#o = options;
  }

  get(inviteID: string): InvitationRecord | undefined {
    return this.#records.get(inviteID);
  }

  /** The active invitations, in the order they arrived. */
  get records(): ReadonlyMap<string, InvitationRecord> {
    return this.#records;
  }

  /** Whether the view holds this invitation or saw it end (a repeat is ignored). */
  knows(inviteID: string): boolean {
    return this.#records.has(inviteID) || this.#ended.has(inviteID);
  }

  /** Whether any invitation still awaits its timeout (most messages need no look then). */
  get awaitsAnyTimeout(): boolean {
    return this.#unknownTimeout.size > 0;
  }

  /** Whether a refinement of the timeout is still awaited for this invitation. */
  awaitsTimeout(inviteID: string): boolean {
    return this.#unknownTimeout.has(inviteID);
  }

  /**
   * `inviter`'s ringing call to `invitee` (glare). An incoming call whose timeout the SDK event
   * did not give (3.6.6) rings too, for the grace period after it arrived: the message that
   * carries the timeout comes in the same tick, and a replay without one must not hold a
   * timeout-0 notice (a hang-up) ringing for ever.
   */
  ringing(inviter: string, invitee: string): InvitationRecord | undefined {
    const now = this.#o.clock.now();
    return findRinging(this.#records, inviter, invitee, {
      assumeRinging: (record) =>
        this.#unknownTimeout.has(record.inviteID) && now - record.createdAt <= this.#o.graceMs,
    });
  }

  /** A new invitation, sent by us or received, created now on the local clock. */
  add(fields: InvitationFields): void {
    const { invitees, timeout, ...rest } = fields;
    if (timeout === undefined) this.#unknownTimeout.add(fields.inviteID);
    const me = this.#o.userID;
    const created = newInvitation({
      ...rest,
      invitees,
      timeout: timeout ?? 0,
      createdAt: this.#o.clock.now(),
      serial: ++this.#serial,
    });
    // Tencent has no delivery receipts: only our own receipt is known.
    const record: InvitationRecord =
      fields.inviter === me
        ? created
        : {
            ...created,
            invitees: created.invitees.map((i) => (i.userID === me ? { ...i, delivered: true } : i)),
          };
    this.#commit(inviteEvent(record, record.createdAt));
    if (isCallEndNotice(fields.data) && !this.#closed && this.#records.has(fields.inviteID)) {
      const id = fields.inviteID;
      const handle = this.#o.clock.setTimer(record.createdAt + this.#o.graceMs, () => {
        this.#notices.delete(id);
        const still = this.#records.get(id);
        if (still !== undefined) this.settle('timeout', id, undefined, still.data);
      });
      this.#notices.set(id, handle);
    }
  }

  /**
   * The signaling message carried the timeout the event lacked, and the time the server took it
   * (seconds): pending invitees get the deadline the SDK's own timer uses (undefined: the
   * message had no valid timeout either; the invitation stays without a countdown).
   */
  refineTimeout(inviteID: string, timeout: number | undefined, sentAtSeconds: unknown): void {
    if (!this.#unknownTimeout.delete(inviteID)) return;
    const record = this.#records.get(inviteID);
    if (record === undefined || timeout === undefined || timeout === 0) return;
    const now = this.#o.clock.now();
    const span = timeout * 1000;
    const elapsed =
      typeof sentAtSeconds === 'number' && Number.isFinite(sentAtSeconds)
        ? Math.min(span, Math.max(0, now - sentAtSeconds * 1000))
        : 0;
    const createdAt = Math.min(record.createdAt, now - elapsed);
    const deadline = deadlineOf(timeout, createdAt);
    const refined: InvitationRecord = {
      ...record,
      timeout,
      createdAt,
      invitees: record.invitees.map((i) =>
        i.state === 'pending' && i.deadline === 0 ? { ...i, deadline } : i,
      ),
    };
    this.#commit(inviteEvent(refined, now));
  }

  /** Accept or reject by `invitee`, only while that invitee may answer. */
  answer(
    kind: 'accept' | 'reject',
    inviteID: string,
    invitee: string,
    data: string,
    device?: string,
  ): boolean {
    const record = this.#records.get(inviteID);
    if (record === undefined || !canAnswer(record, invitee)) return false;
    return this.#commit(answerEvent(record, kind, invitee, data, this.#o.clock.now(), device));
  }

  /** Cancel or time out the listed invitees (all when undefined) that are still pending. */
  settle(
    kind: 'cancel' | 'timeout',
    inviteID: string,
    who: readonly string[] | undefined,
    data: string,
  ): boolean {
    const record = this.#records.get(inviteID);
    if (record === undefined) return false;
    const pending = pendingAmong(record, who);
    if (pending.length === 0) return false;
    return this.#commit(settleEvent(record, kind, pending, data, this.#o.clock.now()));
  }

  modified(inviteID: string, data: string): boolean {
    const record = this.#records.get(inviteID);
    if (record === undefined) return false;
    return this.#commit(modifyEvent(record, data, this.#o.clock.now()));
  }

  /** Times out, locally, every invitee whose deadline plus the grace period has passed. */
  expireAll(): void {
    for (const id of [...this.#records.keys()]) this.#expire(id);
  }

  /**
   * The session was lost: what we hold may end while we are away, and Tencent can only tell us
   * by resyncing or replaying. Each invitation is uncertain until a word about it comes.
   */
  gap(): void {
    for (const id of this.#records.keys()) if (!this.#uncertain.has(id)) this.#uncertain.set(id, undefined);
  }

  /**
   * A new session began: an uncertain invitation that cannot end by itself (no deadline) and
   * hears nothing within the resync window vanishes; one with a deadline vanishes at it.
   */
  resumed(): void {
    for (const [id, handle] of this.#uncertain) {
      const record = this.#records.get(id);
      if (handle !== undefined || record === undefined || nextDeadline(record) !== 0 || this.#closed)
        continue;
      const at = this.#o.clock.now() + this.#o.resyncWindowMs;
      this.#uncertain.set(
        id,
        this.#o.clock.setTimer(at, () => {
          if (this.#vanish(id)) this.#o.vanished();
        }),
      );
    }
  }

  /** Drops an uncertain invitation without claiming an outcome; true when it was held. */
  #vanish(inviteID: string): boolean {
    this.#clearUncertain(inviteID);
    if (!this.#records.delete(inviteID)) return false;
    this.#forget(inviteID);
    return true;
  }

  #clearUncertain(inviteID: string): void {
    if (!this.#uncertain.has(inviteID)) return;
    this.#o.clock.clearTimer(this.#uncertain.get(inviteID));
    this.#uncertain.delete(inviteID);
  }

  /** Stops every timer; the view changes no more. */
  close(): void {
    this.#closed = true;
    for (const handle of [...this.#timers.values(), ...this.#notices.values(), ...this.#uncertain.values()])
      this.#o.clock.clearTimer(handle);
    this.#timers.clear();
    this.#notices.clear();
    this.#uncertain.clear();
  }

  /** Applies an event that passed the guards and hands it on; false when it changed nothing. */
  #commit(event: SignalingEvent): boolean {
    const id = event.envelope.inviteID;
    const before = this.#records.get(id);
    const after = applyEvent(before, event);
    if (after === undefined || after === before) return false;
    // A word about it (or our own action on it): its outcome is known from here on.
    this.#clearUncertain(id);
    if (isActive(after)) {
      this.#records.set(id, after);
      this.#arm(after);
    } else {
      this.#records.delete(id);
      this.#forget(id);
    }
    if (!this.#closed) this.#o.emit(event);
    return true;
  }

  /** An invitation left the view: no timers, and late events about it are dropped. */
  #forget(id: string): void {
    this.#unknownTimeout.delete(id);
    this.#disarm(id);
    const notice = this.#notices.get(id);
    if (notice !== undefined) {
      this.#o.clock.clearTimer(notice);
      this.#notices.delete(id);
    }
    this.#ended.add(id);
    if (this.#ended.size > this.#o.remembered) {
      const oldest = this.#ended.values().next().value;
      if (oldest !== undefined) this.#ended.delete(oldest);
    }
  }

  /** One timer per invitation, at its earliest pending deadline plus the grace period. */
  #arm(record: InvitationRecord): void {
    this.#disarm(record.inviteID);
    const next = nextDeadline(record);
    if (this.#closed || next === 0) return;
    const id = record.inviteID;
    const handle = this.#o.clock.setTimer(next + this.#o.graceMs, () => {
      this.#timers.delete(id);
      this.#expire(id);
    });
    this.#timers.set(id, handle);
  }

  #disarm(inviteID: string): void {
    const handle = this.#timers.get(inviteID);
    if (handle === undefined) return;
    this.#o.clock.clearTimer(handle);
    this.#timers.delete(inviteID);
  }

  #expire(inviteID: string): void {
    const record = this.#records.get(inviteID);
    if (record === undefined) return;
    const due = dueInvitees(record, this.#o.clock.now() - this.#o.graceMs);
    // Its deadline passed with no word since the gap: it may have been answered or cancelled
    // meanwhile, so no timeout is claimed.
    if (due.length > 0 && this.#uncertain.has(inviteID)) {
      if (this.#vanish(inviteID)) this.#o.vanished();
      return;
    }
    if (due.length === 0 || !this.settle('timeout', inviteID, due, record.data)) this.#arm(record);
  }
}
