import { ErrorCode, type InviteeState } from '@beckon/signaling';

/**
 * The reference model of the invitation rules, written independently of `rules/transition.ts`:
 * invitations with per-invitee states, deadlines and delivery marks, nothing else. Every runner
 * (the in-memory hub, the server on the memory store, servers on Redis, the Tencent transport)
 * is checked against it by the one property test in `property.ts`. Where a runner differs by
 * design, the difference is a named switch here, never a second model.
 */
export interface ModelOptions {
  /**
   * The inviter learns which invitees were reached: `delivered` marks in its records and
   * `onInvitationDelivered`. Tencent: none.
   */
  readonly deliveryReceipts: boolean;
  /** `addInvitees` exists. Tencent: none, refused with 6017. */
  readonly addInvitees: boolean;
  /**
   * Every member of the group sees a group invitation and every answer to it. Tencent: only
   * the inviter and the listed invitees do.
   */
  readonly groupFanOut: boolean;
  /**
   * 'shared': one arbiter sees every invitation and refuses an actor who may not act with 8011.
   * 'local': each client judges a command from its own view (Tencent arbitrates nothing), so a
   * command about an invitation the actor cannot see is refused with 8010, as for one that ended.
   */
  readonly arbitration: 'shared' | 'local';
  /**
   * Every client shows whether an invitation is `onlineUserOnly`. Tencent: the invitation event
   * does not carry the flag (Beckon decodes it as false), so only the sending device knows it.
   */
  readonly onlineUserOnlyShown: boolean;
}

/** The Beckon server and the in-memory hub: one arbiter, every feature. */
export const BECKON_RULES: ModelOptions = {
  deliveryReceipts: true,
  addInvitees: true,
  groupFanOut: true,
  arbitration: 'shared',
  onlineUserOnlyShown: true,
};

/** Tencent Cloud Chat, as packages/tencent/README.md documents it ("Beckon server vs Tencent Cloud Chat"). */
export const TENCENT_RULES: ModelOptions = {
  deliveryReceipts: false,
  addInvitees: false,
  groupFanOut: false,
  arbitration: 'local',
  onlineUserOnlyShown: false,
};

/** Users by index; every user is a member of the one group. */
export type Op =
  | {
      readonly kind: 'invite';
      readonly group: boolean;
      readonly invitees: readonly number[];
      readonly timeout: number;
      readonly onlineUserOnly: boolean;
    }
  | { readonly kind: 'cancel' | 'accept' | 'reject' | 'modify'; readonly id: number }
  | { readonly kind: 'add'; readonly id: number; readonly invitees: readonly number[] };

/** Was an invitee reached? 'maybe' while the runner cannot say (a device is reconnecting). */
export type Reached = 'yes' | 'no' | 'maybe';

/** How a user's devices stand, as far as the test knows. */
export type Presence = 'online' | 'offline' | 'unsure';

interface ModelInvitee {
  state: InviteeState;
  deadline: number;
  reached: Reached;
}

interface ModelInvitation {
  readonly inviter: string;
  readonly groupID: string;
  readonly timeout: number;
  readonly onlineUserOnly: boolean;
  data: string;
  readonly invitees: Map<string, ModelInvitee>;
}

/** What a user's client should show of one active invitation. */
export interface ExpectedRecord {
  readonly inviteID: string;
  readonly inviter: string;
  readonly groupID: string;
  readonly data: string;
  /** Absent where the runner does not show it ({@link ModelOptions.onlineUserOnlyShown}). */
  readonly onlineUserOnly?: boolean;
  readonly states: Readonly<Record<string, InviteeState>>;
  /** For the inviter with delivery receipts: per invitee, whether `delivered` must be set. */
  readonly reached?: Readonly<Record<string, Reached>>;
}

export class Model {
  readonly options: ModelOptions;
  readonly #invitations = new Map<string, ModelInvitation>();
  readonly #groupID: string;
  readonly #members: readonly string[];
  readonly #presence: (user: string) => Presence;

  constructor(
    options: ModelOptions,
    group: { readonly groupID: string; readonly members: readonly string[] },
    presence: (user: string) => Presence,
  ) {
    this.options = options;
    this.#groupID = group.groupID;
    this.#members = group.members;
    this.#presence = presence;
  }

  /** Every invitation the model knows, active or ended. */
  get ids(): string[] {
    return [...this.#invitations.keys()];
  }

  isActive(id: string): boolean {
    const inv = this.#invitations.get(id);
    return inv !== undefined && [...inv.invitees.values()].some((i) => i.state === 'pending');
  }

  /** Final invitee states of an invitation. */
  states(id: string): Record<string, InviteeState> {
    const inv = this.#invitations.get(id);
    return Object.fromEntries([...(inv?.invitees ?? [])].map(([u, i]) => [u, i.state]));
  }

  /** The users an invite names: the client's `invite` sends only the first. */
  invitees(op: Extract<Op, { kind: 'invite' }>, users: readonly string[]): string[] {
    const list = op.invitees.map((i) => users[i] ?? '');
    return op.group ? list : list.slice(0, 1);
  }

  /** Who sees an invitation and what happens to it. */
  sees(id: string, user: string): boolean {
    const inv = this.#invitations.get(id);
    if (inv === undefined) return false;
    if (inv.inviter === user || inv.invitees.has(user)) return true;
    return this.options.groupFanOut && inv.groupID !== '' && this.#members.includes(user);
  }

  /** The error code `actor` gets for `op` on invitation `id` ('' for an invite), 0 for success. */
  expect(actor: string, op: Op, id: string, users: readonly string[]): number {
    if (op.kind === 'invite') {
      const invitees = this.invitees(op, users);
      if (invitees.includes(actor)) return ErrorCode.INVALID_PARAMETERS;
      if (!op.group && op.timeout > 0 && this.#glare(actor, invitees[0] ?? ''))
        return ErrorCode.ALREADY_EXISTS;
      return 0;
    }
    if (op.kind === 'add' && !this.options.addInvitees) return ErrorCode.INVALID_PARAMETERS;
    const inv = this.isActive(id) ? this.#invitations.get(id) : undefined;
    if (inv === undefined) return ErrorCode.INVITATION_INVALID;
    if (this.options.arbitration === 'local' && !this.sees(id, actor)) return ErrorCode.INVITATION_INVALID;
    if (op.kind === 'cancel' || op.kind === 'modify' || op.kind === 'add') {
      if (actor !== inv.inviter) return ErrorCode.NO_PERMISSION;
      if (op.kind === 'add' && op.invitees.every((i) => this.#notNew(inv, users[i] ?? '')))
        return ErrorCode.INVALID_PARAMETERS;
      return 0;
    }
    const me = inv.invitees.get(actor);
    if (me === undefined) return ErrorCode.NO_PERMISSION;
    return me.state === 'pending' ? 0 : ErrorCode.INVITATION_INVALID;
  }

  /** Applies a command that succeeded; `id` is the invitation's id (the new one for an invite). */
  apply(actor: string, op: Op, id: string, users: readonly string[], now: number): void {
    if (op.kind === 'invite') {
      const deadline = op.timeout > 0 ? now + op.timeout * 1000 : 0;
      const invitees = this.invitees(op, users);
      this.#invitations.set(id, {
        inviter: actor,
        groupID: op.group ? this.#groupID : '',
        timeout: op.timeout,
        onlineUserOnly: op.onlineUserOnly,
        data: 'd',
        invitees: new Map(invitees.map((u) => [u, { state: 'pending', deadline, reached: 'no' }])),
      });
      this.#reach(id, invitees);
      return;
    }
    const inv = this.#invitations.get(id);
    if (inv === undefined) return;
    if (op.kind === 'cancel') {
      for (const i of inv.invitees.values()) if (i.state === 'pending') i.state = 'cancelled';
    } else if (op.kind === 'accept' || op.kind === 'reject') {
      const me = inv.invitees.get(actor);
      if (me !== undefined) {
        me.state = op.kind === 'accept' ? 'accepted' : 'rejected';
        // An answer proves the invitation reached its invitee (rules/reduce.ts), even an
        // onlineUserOnly one the invitee's device was away for and answered by id.
        me.reached = 'yes';
      }
    } else if (op.kind === 'modify') {
      inv.data = modifiedData(actor);
    } else if (op.kind === 'add') {
      const deadline = inv.timeout > 0 ? now + inv.timeout * 1000 : 0;
      const added = op.invitees.map((i) => users[i] ?? '').filter((u) => !this.#notNew(inv, u));
      for (const u of added) inv.invitees.set(u, { state: 'pending', deadline, reached: 'no' });
      this.#reach(id, added);
    }
  }

  /** Gives an invitation applied under a stand-in id its real one (known from the reply). */
  rename(from: string, to: string): void {
    const inv = this.#invitations.get(from);
    if (inv === undefined) return;
    this.#invitations.delete(from);
    this.#invitations.set(to, inv);
  }

  /** Time passed: every pending invitee whose deadline is due timed out. */
  advance(now: number): void {
    for (const inv of this.#invitations.values())
      for (const i of inv.invitees.values())
        if (i.state === 'pending' && i.deadline > 0 && i.deadline <= now) i.state = 'timeout';
  }

  /** A device of `user` (re)connected: it is sent what is stored for it, which counts as reached. */
  connected(user: string): void {
    for (const [id, inv] of this.#invitations) {
      const me = inv.invitees.get(user);
      if (this.isActive(id) && !inv.onlineUserOnly && me?.state === 'pending') me.reached = 'yes';
    }
  }

  /** What `user`'s clients should show: the active invitations it sees. */
  view(user: string): ExpectedRecord[] {
    const out: ExpectedRecord[] = [];
    for (const [id, inv] of this.#invitations) {
      if (!this.isActive(id) || !this.sees(id, user)) continue;
      const states = Object.fromEntries([...inv.invitees].map(([u, i]) => [u, i.state]));
      const reached =
        this.options.deliveryReceipts && user === inv.inviter
          ? Object.fromEntries([...inv.invitees].map(([u, i]) => [u, i.reached]))
          : undefined;
      out.push({
        inviteID: id,
        inviter: inv.inviter,
        groupID: inv.groupID,
        data: inv.data,
        ...(this.options.onlineUserOnlyShown ? { onlineUserOnly: inv.onlineUserOnly } : {}),
        states,
        ...(reached === undefined ? {} : { reached }),
      });
    }
    return out;
  }

  /** Is an onlineUserOnly invitation among those a device that was away may never have been sent? */
  onlineOnly(id: string): boolean {
    return this.#invitations.get(id)?.onlineUserOnly ?? false;
  }

  #notNew(inv: ModelInvitation, user: string): boolean {
    return inv.invitees.has(user) || user === inv.inviter;
  }

  /** Glare: `callee`'s ringing one-to-one invitation to `actor` is still pending. */
  #glare(actor: string, callee: string): boolean {
    for (const [id, inv] of this.#invitations) {
      const only = inv.invitees.size === 1 ? inv.invitees.get(actor) : undefined;
      if (
        this.isActive(id) &&
        inv.groupID === '' &&
        inv.timeout > 0 &&
        inv.inviter === callee &&
        only?.state === 'pending'
      )
        return true;
    }
    return false;
  }

  /** New invitees are reached now if one of their devices is online. */
  #reach(id: string, invitees: readonly string[]): void {
    const inv = this.#invitations.get(id);
    for (const u of invitees) {
      const me = inv?.invitees.get(u);
      if (me === undefined) continue;
      const presence = this.#presence(u);
      me.reached = presence === 'online' ? 'yes' : presence === 'unsure' ? 'maybe' : 'no';
    }
  }
}

/** The data a `modify` by `actor` sets, so the model can follow it. */
export function modifiedData(actor: string): string {
  return `m-${actor}`;
}
