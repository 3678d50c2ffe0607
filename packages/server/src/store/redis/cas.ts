import type { CommandReply, InvitationRecord } from '@beckon/signaling';
import type { Effect, TransitionInput } from '@beckon/signaling/rules';
import { transition } from '@beckon/signaling/rules';
import { invitationCapExceeded } from '../../limits.js';
import { RecordCache } from './cache.js';
import { call, StoreUnavailableError } from './errors.js';
import { type Committed, GroupCommit } from './groupCommit.js';
import type { Keys } from './keys.js';
import { type CommitPlan, type Loaded, planCommit, stateOf } from './plan.js';
import { type Client, encodeLoad, list } from './scripts.js';

/** What a transition needs read: invitations, a glare index (`Keys.pair`), a group (by id or of an invitation). */
export interface Query {
  readonly ids: string[];
  readonly pair?: string;
  readonly group?: string;
  readonly groupOf?: string;
}

/** The transition inputs to run on what was loaded (they may depend on it). */
export type Inputs = (loaded: Loaded, now: number) => TransitionInput[];

export interface Applied {
  /** The first input's reply (a command); `replies` has every input's, in order. */
  readonly reply?: CommandReply;
  readonly replies: ReadonlyArray<CommandReply | undefined>;
  readonly loaded: Loaded;
  readonly effects: readonly Effect[];
  /** Set when something was written. */
  readonly commit?: { readonly plan: CommitPlan; readonly result: Committed };
}

export interface CasOptions {
  readonly redis: Client;
  readonly keys: Keys;
  readonly nodeID: string;
  readonly logLimit: number;
  /** How long an ended invitation's final record is kept (`Keys.ended`). */
  readonly endedTtlMs: number;
  readonly timeoutMs: number;
  readonly epoch: () => string;
  /** Redis clock minus ours. */
  readonly offset: () => number;
  /** A commit found another epoch: the data it read may be gone. */
  readonly epochLost: () => void;
}

const MAX_ATTEMPTS = 25;
/** Groups whose membership (and its version) this process remembers for speculative invites. */
const GROUP_CACHE = 1000;
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Read, decide, compare-and-set. One script reads what the transition needs with its versions;
 * the shared pure `transition` decides here; one script writes the outcome if no version moved
 * meanwhile, else the whole round runs again on fresh data.
 */
export class Cas {
  readonly records = new RecordCache();
  readonly #o: CasOptions;
  readonly #groups = new Map<string, NonNullable<Loaded['group']>>();
  readonly #commits: GroupCommit;

  constructor(options: CasOptions) {
    this.#o = options;
    const { keys } = options;
    this.#commits = new GroupCommit({
      redis: options.redis,
      call: () => ({
        prefix: keys.prefix,
        epochKey: keys.epoch,
        epoch: options.epoch(),
        node: options.nodeID,
        logLimit: options.logLimit,
      }),
      epochLost: options.epochLost,
    });
  }

  /** The group as this process last read it (a guess: the commit's guard checks its version). */
  cachedGroup(groupID: string): Loaded['group'] {
    return this.#groups.get(groupID);
  }

  /**
   * `guess`: what the first attempt may assume instead of reading, when the caller can tell
   * (a new invitation's id is free; most pairs have nothing ringing). Every guessed
   * version is a guard, so a wrong guess is only a conflict: the next attempt reads. `cap`: the
   * per-inviter cap the commit checks for the invitations it starts (a user's own invite).
   */
  async apply(query: Query, inputs: Inputs, guess?: Loaded, cap?: number): Promise<Applied> {
    for (let attempt = 1; ; attempt++) {
      const guessed = attempt === 1 && guess !== undefined;
      const loaded = guessed ? guess : await this.load(query);
      let state = stateOf(loaded);
      const effects: Effect[] = [];
      const replies: Array<CommandReply | undefined> = [];
      const now = Date.now();
      for (const input of inputs(loaded, now)) {
        const result = transition(state, input);
        state = result.state;
        effects.push(...result.effects);
        replies.push(result.effects.find((e) => e.type === 'reply')?.reply);
      }
      const reply = replies.find((r) => r !== undefined);
      const base = reply ? { reply, replies, loaded, effects } : { replies, loaded, effects };
      const plan = planCommit(this.#o.keys, loaded, state, effects, this.#o.endedTtlMs, now);
      // A refusal is only as good as what it was decided on: never answer one from a guess.
      if (plan === undefined && guessed) continue;
      if (plan === undefined) return base;
      const result = await this.commit(plan, cap);
      if (result === 'limit') {
        // Refused by Redis on current data (its guards held): nothing was written.
        const refused = invitationCapExceeded(cap ?? 0);
        return { reply: refused, replies: replies.map((r) => (r?.ok ? refused : r)), loaded, effects: [] };
      }
      if (result !== 'conflict') {
        for (const [id, { version, record }] of loaded.records) {
          const after = state.invitations.get(id);
          this.records.remember(id, after === record ? version : version + 1, after);
        }
        return { ...base, commit: { plan, result } };
      }
      if (attempt >= MAX_ATTEMPTS) throw new StoreUnavailableError('too much contention on one invitation');
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }

  async load(query: Query): Promise<Loaded> {
    const { redis, keys } = this.#o;
    const args = encodeLoad(
      keys.prefix,
      keys.epoch,
      query.ids.map((id) => keys.inv(id)),
      query,
    );
    const [inv, pairRead, groupRead] = list<unknown>(await call(() => redis.beckonLoad(...args)));
    const records = new Map<string, { version: number; record?: InvitationRecord }>();
    for (const [id, version, json] of list<[string, number, string]>(inv)) {
      const record = json ? (JSON.parse(json) as InvitationRecord) : undefined;
      records.set(id, record ? { version, record } : { version });
      this.records.remember(id, version, record);
    }
    const pair = query.pair ? { key: query.pair, ids: list<string>(pairRead) } : undefined;
    const g = list<unknown>(groupRead);
    const group =
      g.length === 4
        ? {
            groupID: String(g[0]),
            version: Number(g[1]),
            exists: g[2] !== '',
            members: list<string>(g[3]),
          }
        : undefined;
    if (group) {
      this.#groups.delete(group.groupID);
      this.#groups.set(group.groupID, group);
      if (this.#groups.size > GROUP_CACHE) this.#groups.delete(this.#groups.keys().next().value ?? '');
    }
    return { records, ...(pair ? { pair } : {}), ...(group ? { group } : {}) };
  }

  commit(plan: CommitPlan, cap?: number): Promise<Committed | 'conflict' | 'limit'> {
    return this.#commits.commit({
      // Redis time after which the script refuses: by then this process has answered 9005.
      by: Date.now() + this.#o.offset() + Math.max(100, this.#o.timeoutMs - 250),
      ...plan,
      ...(cap === undefined ? {} : { cap }),
    });
  }
}
