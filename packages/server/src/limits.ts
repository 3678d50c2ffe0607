import { type CommandReply, ErrorCode } from '@beckon/signaling';
import type { Store } from './store/types.js';

/**
 * Limits per user, on top of the per-socket ones: one token must not be able to multiply its
 * share of the server by opening sockets, nor store invitations without end.
 */

/** Groups one user may create, by default (`maxGroupsPerUser`). */
export const DEFAULT_MAX_GROUPS_PER_USER = 1000;

/** `createGroup` refused: the user has created `limit` groups (`maxGroupsPerUser`). */
export class GroupCapError extends Error {
  override name = 'GroupCapError';
  constructor(readonly limit: number) {
    super(`at most ${limit} groups per user`);
  }
}

/** Token bucket: `burst` requests at once, refilled at `perSecond`. */
export class Bucket {
  #tokens: number;
  #at: number;
  constructor(
    readonly burst: number,
    readonly perSecond: number,
    readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#at = now();
  }

  /** Takes one token: 0 when there was one, else the wait in ms until there is. */
  take(): number {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens--;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000);
  }

  /** The wait in ms until a token is there, without taking one. */
  peek(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000);
  }

  /** Back to its full burst: nothing is lost by forgetting it. */
  get full(): boolean {
    this.#refill();
    return this.#tokens >= this.burst;
  }

  #refill(): void {
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
  }
}

export interface RateLimit {
  readonly burst: number;
  readonly perSecond: number;
}

/** Per-user limits as `createBeckonServer` resolved them. */
export interface UserLimits {
  /** Sockets one user may hold on one process; the oldest is closed with 4009 beyond it. */
  readonly maxConnectionsPerUser: number;
  /** Requests of one user across all their sockets (each socket also has its own limit). */
  readonly userRateLimit: RateLimit;
  /** Invitations one inviter may have active at once (timeout 0 ones never end by themselves). */
  readonly maxActiveInvitations: number;
}

export const DEFAULT_USER_LIMITS: UserLimits = {
  maxConnectionsPerUser: 16,
  userRateLimit: { burst: 200, perSecond: 100 },
  maxActiveInvitations: 1000,
};

/** Checks that a limit option is a positive integer (or a positive number for rates). */
export function positive(name: string, value: number | undefined, fallback: number, integer = true): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || (integer && !Number.isInteger(value))) {
    throw new TypeError(`createBeckonServer: ${name} must be a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

/** One token bucket per user, kept while the user could still be short of tokens. */
export class UserBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #limit: RateLimit;

  constructor(limit: RateLimit) {
    this.#limit = limit;
  }

  /** 0 when the user may go on, else the wait in ms. */
  take(userID: string): number {
    let bucket = this.#buckets.get(userID);
    if (bucket === undefined) {
      bucket = new Bucket(this.#limit.burst, this.#limit.perSecond);
      this.#buckets.set(userID, bucket);
    }
    return bucket.take();
  }

  /** The user's wait in ms, taking nothing. */
  peek(userID: string): number {
    return this.#buckets.get(userID)?.peek() ?? 0;
  }

  /** Forgets full buckets (a reconnect must not buy a fresh burst, so empty ones stay). */
  sweep(): void {
    for (const [userID, bucket] of this.#buckets) if (bucket.full) this.#buckets.delete(userID);
  }

  get size(): number {
    return this.#buckets.size;
  }
}

/** The reply to an invite past the per-inviter cap, from the server's check or the store's commit. */
export function invitationCapExceeded(max: number): CommandReply {
  return {
    ok: false,
    error: {
      code: ErrorCode.LIMIT_EXCEEDED,
      message: `at most ${max} active invitations per inviter: cancel some first`,
      details: { field: 'activeInvitations', limit: max },
    },
  };
}

/**
 * Active invitations per inviter: the store's count plus this process's invites still in
 * flight, so a burst of concurrent invites cannot slip past the cap between check and commit.
 * A store that `checksInvitationCap` is handed the cap instead and enforces it in the commit
 * that starts an invitation (Redis: exact across processes), answering `invitationCapExceeded`
 * itself: nothing is read before.
 */
export class InvitationCap {
  readonly #inFlight = new Map<string, number>();

  constructor(
    readonly max: number,
    readonly store: Pick<Store, 'checksInvitationCap' | 'activeInvitations'>,
  ) {}

  /**
   * Runs `invite` if `inviter` is under the cap; otherwise resolves with `undefined` and runs
   * nothing. `invite` gets the cap when the store checks it.
   */
  async run<T>(inviter: string, invite: (cap?: number) => Promise<T>): Promise<T | undefined> {
    if (this.store.checksInvitationCap) return invite(this.max);
    const pending = this.#inFlight.get(inviter) ?? 0;
    this.#inFlight.set(inviter, pending + 1);
    try {
      if ((await this.store.activeInvitations(inviter)) + pending >= this.max) return undefined;
      return await invite();
    } finally {
      const left = (this.#inFlight.get(inviter) ?? 1) - 1;
      if (left === 0) this.#inFlight.delete(inviter);
      else this.#inFlight.set(inviter, left);
    }
  }
}

/**
 * Failed group joins (a wrong code) per user and per address. Only failures count: a class of
 * 1,000 joining from one school address never waits, a code guesser soon does.
 */
export class JoinThrottle {
  readonly #users: UserBuckets;
  readonly #addresses: UserBuckets;

  constructor(perUser: RateLimit, perAddress: RateLimit) {
    this.#users = new UserBuckets(perUser);
    this.#addresses = new UserBuckets(perAddress);
  }

  /** Ms to wait before trying again, 0 when a join may be tried now. */
  wait(userID: string, address: string): number {
    return Math.max(this.#users.peek(userID), this.#addresses.peek(address));
  }

  /** A join failed: it costs a token from both buckets. */
  failed(userID: string, address: string): void {
    this.#users.take(userID);
    this.#addresses.take(address);
  }

  sweep(): void {
    this.#users.sweep();
    this.#addresses.sweep();
  }
}

export const DEFAULT_JOIN_THROTTLE = {
  perUser: { burst: 10, perSecond: 1 / 6 },
  perAddress: { burst: 100, perSecond: 1 },
} as const;
