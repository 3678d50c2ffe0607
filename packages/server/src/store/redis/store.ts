import { randomUUID } from 'node:crypto';
import {
  type Command,
  type CommandReply,
  type Effect,
  ErrorCode,
  errorInfo,
  type InvitationRecord,
  MAX_INVITEES,
  type SignalingEvent,
  type TransitionInput,
} from '@beckon/signaling';
import { transition } from '@beckon/signaling/rules';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { mergeHistory } from '../../history.js';
import type { Group, HistoryEntry, Snapshot, Store, StoreListener } from '../types.js';
import { StoreUnavailableError, unavailable } from './errors.js';
import { Feeds, type LogEntry } from './feeds.js';
import { list, RedisGroups } from './groups.js';
import { Keys } from './keys.js';
import { type CommitPlan, type Loaded, planCommit, stateOf } from './plan.js';
import { CLAIM, COMMIT, EVENTS_SINCE, LOAD, SNAPSHOT } from './scripts.js';
import { KeyedQueue } from './serial.js';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  readonly url: string;
  /** Put before every key and channel, so deployments and test runs can share one Redis. Default `beckon:`. */
  readonly prefix?: string;
  readonly maxInvitees?: number;
  /** Events kept per user for resume; older gaps get a snapshot. Default 512. */
  readonly logLimit?: number;
  /** History entries kept per user. Default 200. */
  readonly historyLimit?: number;
  /** A Redis command that has not answered by then fails the request with 9005. Default 1500 ms. */
  readonly commandTimeoutMs?: number;
  /** How often each process looks for due deadlines. Default 100 ms. */
  readonly pollMs?: number;
  /** A claimed deadline returns to the others after this long if its process dies. Default 3000 ms. */
  readonly leaseMs?: number;
  /** Presence lasts this long without a heartbeat (sent every third of it). Default 9000 ms. */
  readonly presenceTtlMs?: number;
  /** This process in presence and hints. Default: a random id. */
  readonly nodeID?: string;
}

interface Query {
  readonly ids: string[];
  readonly pair?: string;
  readonly group?: string;
  readonly groupOf?: string;
}

type Inputs = (loaded: Loaded, now: number) => TransitionInput[];

const MAX_ATTEMPTS = 25;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The store of a deployment of several processes. Invitations live in Redis; each command
 * reads what it needs in one script, runs the shared pure `transition` here, and writes the
 * result back with one compare-and-set script that also logs the events per user and
 * publishes a hint. See DESIGN.md, "Distributed mode on Redis (as built)".
 */
export class RedisStore implements Store {
  readonly nodeID: string;
  readonly keys: Keys;
  readonly #o: RedisStoreOptions;
  readonly #redis: Redis;
  readonly #sub: Redis;
  readonly #serial = new KeyedQueue();
  readonly #marks = new Map<string, Set<string>>();
  readonly #feeds: Feeds;
  readonly #groups: RedisGroups;
  readonly #warned = new Map<string, number>();
  #listener: StoreListener | undefined;
  #log: Logger | undefined;
  #epoch = '';
  /** Redis clock minus ours: the commit script's "too late" check runs on Redis's clock. */
  #offset = 0;
  #renewing: Promise<void> | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #beatTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#o = options;
    this.nodeID = options.nodeID ?? randomUUID();
    this.keys = new Keys(options.prefix ?? 'beckon:');
    const common = {
      lazyConnect: true,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(50 * times, 1000),
      connectionName: `beckon:${this.nodeID}`,
    };
    // Fail fast instead of queueing while Redis is away, and never resend a write whose outcome
    // is unknown: the client gets 9005 and decides. No auto-pipelining: ioredis runs one
    // auto-pipeline at a time, so one command stuck behind a paused Redis would hold back (and
    // stretch the timeout of) every command issued after it.
    this.#redis = new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: this.#timeoutMs,
    });
    this.#sub = new Redis(options.url, { ...common, maxRetriesPerRequest: null });
    for (const client of [this.#redis, this.#sub])
      client.on('error', (err: unknown) => this.#warn('redis connection', err));
    this.#groups = new RedisGroups(this.#redis, this.keys.prefix);
    this.#feeds = new Feeds(
      {
        current: async (userID) =>
          Number((await this.#call(() => this.#redis.get(this.keys.seq(userID)))) ?? 0),
        since: (userID, seq) => this.#since(userID, seq),
      },
      {
        deliver: (deliveries, event, json) => this.#listener?.deliver(deliveries, event, json),
        resync: (userID) => this.#listener?.resync(userID),
        failed: (err) => this.#warn('catch-up', err),
      },
    );
  }

  get epoch(): string {
    return this.#epoch;
  }

  get #timeoutMs(): number {
    return this.#o.commandTimeoutMs ?? 1500;
  }

  async start(listener: StoreListener, log: Logger): Promise<void> {
    this.#listener = listener;
    this.#log = log.child({ node: this.nodeID });
    const where = new URL(this.#o.url);
    try {
      await Promise.all([this.#redis.connect(), this.#sub.connect()]);
      await this.#measureClock();
      await this.#redis.set(this.keys.epoch, randomUUID(), 'NX');
      this.#epoch = (await this.#redis.get(this.keys.epoch)) ?? '';
      await this.#sub.subscribe(this.keys.hints);
    } catch (error) {
      this.#redis.disconnect();
      this.#sub.disconnect();
      throw new StoreUnavailableError(`cannot reach Redis at ${where.host}`, { cause: error });
    }
    this.#sub.on('message', (_channel: string, message: string) => this.#onHint(message));
    // After an outage: data may be gone (epoch), hints were missed (sweep).
    this.#redis.on('ready', () => void this.#heartbeat());
    this.#sub.on('ready', () => void this.#heartbeat());
    this.#log.info({ redis: where.host, prefix: this.keys.prefix }, 'redis store started');
    this.#pollTimer = setTimeout(() => void this.#poll(), this.#o.pollMs ?? 100);
    this.#beatTimer = setInterval(() => void this.#heartbeat(), (this.#o.presenceTtlMs ?? 9000) / 3);
    this.#beatTimer.unref();
  }

  // -- invitations ---------------------------------------------------------------------------

  dispatch(actor: string, device: string, command: Command): Promise<CommandReply> {
    const maxInvitees = this.#o.maxInvitees ?? MAX_INVITEES;
    let query: Query;
    let key: string;
    const newInviteID = command.op === 'invite' ? randomUUID() : undefined;
    if (command.op === 'invite') {
      const callee = command.inviteeList[0];
      const rings = command.groupID === '' && command.timeout > 0 && typeof callee === 'string';
      const pair = rings ? this.keys.pair(actor, callee) : undefined;
      query = {
        ids: [newInviteID as string],
        ...(pair ? { pair } : {}),
        ...(command.groupID ? { group: command.groupID } : {}),
      };
      key = pair ?? '';
    } else {
      query = {
        ids: [command.inviteID],
        ...(command.op === 'addInvitees' ? { groupOf: command.inviteID } : {}),
      };
      key = command.inviteID;
    }
    return this.#serial.run(key, async () => {
      const { reply } = await this.#apply(query, (loaded, now) => {
        const group = loaded.group?.exists ? { members: new Set(loaded.group.members) } : undefined;
        return [
          {
            type: 'command',
            actor,
            device,
            now,
            command,
            maxInvitees,
            ...(newInviteID ? { newInviteID } : {}),
            ...(group ? { group } : {}),
          },
        ];
      });
      return reply ?? { ok: false, error: errorInfo(ErrorCode.INTERNAL, 'the rules gave no reply') };
    });
  }

  delivered(inviteID: string, invitee: string): void {
    // Marks for one invitation are batched: a class of 500 makes a few commits, not 500.
    const queued = this.#marks.get(inviteID);
    if (queued) {
      queued.add(invitee);
      return;
    }
    this.#marks.set(inviteID, new Set([invitee]));
    this.#serial
      .run(inviteID, () => {
        const who = this.#marks.get(inviteID) ?? new Set<string>();
        this.#marks.delete(inviteID);
        return this.#apply({ ids: [inviteID] }, (loaded, now) => {
          const record = loaded.records.get(inviteID)?.record;
          return (record?.invitees ?? [])
            .filter((i) => who.has(i.userID) && i.state === 'pending' && !i.delivered)
            .map((i) => ({ type: 'delivered', inviteID, invitee: i.userID, now }));
        });
      })
      .catch((err: unknown) => this.#warn('delivery receipt', err));
  }

  async snapshot(userID: string): Promise<Snapshot> {
    const raw = list<string>(await this.#call(() => SNAPSHOT.run(this.#redis, [this.keys.prefix, userID])));
    const [seq, ...records] = raw;
    const invitations = records
      .map((json) => JSON.parse(json) as Snapshot['invitations'][number])
      .filter((r) => !r.onlineUserOnly)
      .sort((a, b) => a.createdAt - b.createdAt || a.inviteID.localeCompare(b.inviteID));
    return { seq: Number(seq ?? 0), invitations };
  }

  async eventsSince(userID: string, seq: number) {
    return (await this.#since(userID, seq))?.map(({ seq: s, event }) => ({ seq: s, event }));
  }

  async #since(userID: string, seq: number): Promise<LogEntry[] | undefined> {
    const raw = await this.#call(() => EVENTS_SINCE.run(this.#redis, [this.keys.prefix, userID, seq]));
    if (raw === null || raw === undefined) return undefined;
    return list<string>(raw).map((member) => {
      const colon = member.indexOf(':');
      const json = member.slice(colon + 1);
      return { seq: Number(member.slice(0, colon)), event: JSON.parse(json) as SignalingEvent, json };
    });
  }

  /**
   * Read, decide, compare-and-set, retry on conflict. `inputs` may depend on what was read; the
   * transitions run one after another on the loaded state and commit together.
   */
  async #apply(query: Query, inputs: Inputs): Promise<{ reply?: CommandReply; loaded: Loaded }> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.#load(query);
      let state = stateOf(loaded);
      const effects: Effect[] = [];
      for (const input of inputs(loaded, Date.now())) {
        const result = transition(state, input);
        state = result.state;
        effects.push(...result.effects);
      }
      const reply = effects.find((e) => e.type === 'reply')?.reply;
      const plan = planCommit(this.keys, loaded, state, effects);
      if (plan === undefined) return reply ? { reply, loaded } : { loaded };
      const result = await this.#commit(plan);
      if (result !== 'conflict') {
        this.#afterCommit(effects, plan, result);
        return reply ? { reply, loaded } : { loaded };
      }
      if (attempt >= MAX_ATTEMPTS) throw new StoreUnavailableError('too much contention on one invitation');
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }

  async #load(query: Query): Promise<Loaded> {
    const raw = await this.#call(() => LOAD.run(this.#redis, [this.keys.prefix, JSON.stringify(query)]));
    const out = JSON.parse(String(raw)) as {
      inv: unknown;
      pair?: [number, string];
      group?: [string, number, string, unknown];
    };
    const records = new Map<string, { version: number; record?: InvitationRecord }>();
    for (const [id, version, json] of list<[string, number, string]>(out.inv))
      records.set(id, json ? { version, record: JSON.parse(json) } : { version });
    const pair =
      query.pair && out.pair
        ? { key: query.pair, version: out.pair[0], ids: list<string>(JSON.parse(out.pair[1])) }
        : undefined;
    const g = out.group;
    const group = g
      ? { groupID: g[0], version: g[1], exists: g[2] !== '', members: list<string>(g[3]) }
      : undefined;
    return { records, ...(pair ? { pair } : {}), ...(group ? { group } : {}) };
  }

  async #commit(plan: CommitPlan): Promise<Array<[string[], number[]]> | 'conflict'> {
    const payload = JSON.stringify({
      epoch: this.#epoch,
      node: this.nodeID,
      // Redis time after which the script refuses: by then this process has answered 9005.
      by: String(Date.now() + this.#offset + Math.max(100, this.#timeoutMs - 250)),
      logLimit: this.#o.logLimit ?? 512,
      ...plan,
    });
    const raw = await this.#call(() => COMMIT.run(this.#redis, [this.keys.prefix, payload]));
    if (raw === 'conflict') return 'conflict';
    if (raw === 'epoch') {
      void this.#checkEpoch();
      throw new StoreUnavailableError('the store was reset; nothing was applied');
    }
    if (raw === 'late') throw new StoreUnavailableError('redis answered too late; nothing was applied');
    return list<[unknown, unknown]>(JSON.parse(String(raw))).map(([u, s]) => [
      list<string>(u),
      list<number>(s),
    ]);
  }

  #afterCommit(effects: readonly Effect[], plan: CommitPlan, result: Array<[string[], number[]]>): void {
    const listener = this.#listener;
    if (listener === undefined) return;
    let i = 0;
    for (const effect of effects) {
      if (effect.type === 'ended') listener.ended(effect.invitation);
      if (effect.type !== 'deliver') continue;
      const [users, seqs] = result[i] ?? [[], []];
      const json = plan.deliveries[i]?.event ?? JSON.stringify(effect.event);
      i++;
      listener.committed(effect.event);
      // Ephemeral events have no sequence number to be put back in order by: they reach every
      // process, this one too, through the hint channel, in the order the commits published them.
      if (!effect.ephemeral) this.#feeds.offer(users, seqs, effect.event, json);
    }
  }

  /** Hands an event to the users followed here: in sequence order, or at once when ephemeral. */
  #hand(users: readonly string[], seqs: readonly number[] | undefined, event: SignalingEvent, json: string) {
    if (seqs) return this.#feeds.offer(users, seqs, event, json);
    const local = users.filter((u) => this.#feeds.has(u)).map((userID) => ({ userID, seq: undefined }));
    if (local.length > 0) this.#listener?.deliver(local, event, json);
  }

  #onHint(message: string): void {
    let hint: {
      n?: string;
      g?: string;
      m?: string[];
      d?: Array<{ u: string[]; s: number[] | null; e: SignalingEvent }>;
    };
    try {
      hint = JSON.parse(message);
    } catch {
      return;
    }
    const own = hint.n === this.nodeID;
    if (typeof hint.g === 'string' && !own) this.#listener?.groupChanged(hint.g, list<string>(hint.m));
    for (const d of hint.d ?? []) {
      // Our own sequenced events went out from the commit's reply already.
      if (own && d.s !== null) continue;
      const users = list<string>(d.u);
      if (!users.some((u) => this.#feeds.has(u))) continue;
      this.#hand(users, d.s === null ? undefined : list<number>(d.s), d.e, JSON.stringify(d.e));
    }
  }

  // -- deadlines, heartbeat, epoch ------------------------------------------------------------

  async #poll(): Promise<void> {
    try {
      const leaseMs = this.#o.leaseMs ?? 3000;
      const args = [this.keys.prefix, this.#epoch, String(Date.now()), String(leaseMs), '100'];
      const claimed = list<string>(await CLAIM.run(this.#redis, args));
      if (claimed[0] === 'epoch') await this.#checkEpoch();
      else await Promise.allSettled(claimed.slice(1).map((id) => this.#fire(id)));
    } catch (error) {
      this.#warn('deadline poll', error);
    } finally {
      if (!this.#closed) this.#pollTimer = setTimeout(() => void this.#poll(), this.#o.pollMs ?? 100);
    }
  }

  /** A claimed deadline: the rules time out whoever is due; the CAS makes it happen once. */
  #fire(inviteID: string): Promise<void> {
    return this.#serial.run(inviteID, async () => {
      const { loaded } = await this.#apply({ ids: [inviteID] }, (l, now) =>
        l.records.get(inviteID)?.record ? [{ type: 'timeout', inviteID, now }] : [],
      );
      // The invitation ended meanwhile: its deadline entry is all that is left of it.
      if (!loaded.records.get(inviteID)?.record) await this.#redis.zrem(this.keys.deadlines, inviteID);
    });
  }

  async #measureClock(): Promise<void> {
    const before = Date.now();
    const [seconds, micros] = await this.#redis.time();
    const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    this.#offset = redisNow - Math.round((before + Date.now()) / 2);
  }

  /** Presence for the users here, the epoch check and a catch-up sweep, every third of the TTL. */
  async #heartbeat(): Promise<void> {
    if (this.#closed || this.#redis.status !== 'ready') return;
    try {
      await this.#measureClock();
      const users = [...this.#feeds.users];
      const ttl = this.#o.presenceTtlMs ?? 9000;
      const pipe = this.#redis.pipeline().get(this.keys.epoch);
      for (const u of users)
        pipe.zadd(this.keys.presence(u), Date.now() + ttl, this.nodeID).pexpire(this.keys.presence(u), ttl);
      if (users.length > 0) pipe.mget(users.map((u) => this.keys.seq(u)));
      const results = (await pipe.exec()) ?? [];
      const epoch = results[0]?.[1];
      if (epoch !== this.#epoch) return this.#checkEpoch();
      const seqs = list<string | null>(results.at(-1)?.[1]);
      if (users.length > 0) this.#feeds.sweep(new Map(users.map((u, i) => [u, Number(seqs[i] ?? 0)])));
    } catch (error) {
      this.#warn('heartbeat', error);
    }
  }

  /** The epoch changed or vanished (FLUSHALL, a Redis restarted empty): adopt the new one, reset. */
  #checkEpoch(): Promise<void> {
    this.#renewing ??= (async () => {
      try {
        await this.#redis.set(this.keys.epoch, randomUUID(), 'NX');
        const epoch = await this.#redis.get(this.keys.epoch);
        if (epoch === null || epoch === this.#epoch) return;
        this.#log?.warn({ from: this.#epoch, to: epoch }, 'redis data lost or replaced: new epoch');
        this.#epoch = epoch;
        this.#feeds.clear();
        this.#listener?.reset();
      } catch (error) {
        this.#warn('epoch check', error);
      } finally {
        this.#renewing = undefined;
      }
    })();
    return this.#renewing;
  }

  // -- presence, groups, history ------------------------------------------------------------

  async attach(userID: string): Promise<void> {
    const ttl = this.#o.presenceTtlMs ?? 9000;
    await Promise.all([
      this.#feeds.track(userID),
      this.#call(() => this.#redis.zadd(this.keys.presence(userID), Date.now() + ttl, this.nodeID)),
    ]);
  }

  detach(userID: string): void {
    this.#feeds.untrack(userID);
    this.#redis.zrem(this.keys.presence(userID), this.nodeID).catch(() => {});
  }

  async online(userIDs: readonly string[]): Promise<ReadonlySet<string>> {
    const now = Date.now();
    const pipe = this.#redis.pipeline();
    for (const u of userIDs) pipe.zcount(this.keys.presence(u), now, '+inf');
    const results = (await this.#call(() => pipe.exec())) ?? [];
    return new Set(userIDs.filter((_, i) => Number(results[i]?.[1] ?? 0) > 0));
  }

  announceGroup(groupID: string, members: readonly string[]): void {
    this.#listener?.groupChanged(groupID, members);
    const message = JSON.stringify({ n: this.nodeID, g: groupID, m: members });
    this.#redis.publish(this.keys.hints, message).catch((err: unknown) => this.#warn('group notice', err));
  }

  createGroup(owner: string, name: string): Promise<Group> {
    return this.#call(() => this.#groups.create(owner, name));
  }

  joinGroup(code: string, userID: string): Promise<Group | undefined> {
    return this.#call(() => this.#groups.join(code, userID));
  }

  leaveGroup(groupID: string, userID: string): Promise<boolean> {
    return this.#call(() => this.#groups.leave(groupID, userID));
  }

  getGroup(groupID: string): Promise<Group | undefined> {
    return this.#call(() => this.#groups.get(groupID));
  }

  groupsOf(userID: string): Promise<Group[]> {
    return this.#call(() => this.#groups.of(userID));
  }

  async recordHistory(userID: string, entry: HistoryEntry): Promise<void> {
    const key = this.keys.history(userID);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const [version, json] = await this.#call(() => this.#redis.hmget(key, 'v', 'r'));
      const next = mergeHistory(json ? JSON.parse(json) : [], entry, this.#o.historyLimit ?? 200);
      const plan: CommitPlan = {
        guards: [[key, Number(version ?? 0)]],
        docs: [[key, JSON.stringify(next)]],
        ops: [],
        deliveries: [],
      };
      if ((await this.#commit(plan)) !== 'conflict') return;
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
    throw new StoreUnavailableError('too much contention on a history');
  }

  async history(userID: string): Promise<HistoryEntry[]> {
    const json = await this.#call(() => this.#redis.hget(this.keys.history(userID), 'r'));
    return json ? JSON.parse(json) : [];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#pollTimer);
    clearInterval(this.#beatTimer);
    const users = [...this.#feeds.users];
    this.#feeds.clear();
    try {
      const pipe = this.#redis.pipeline();
      for (const u of users) pipe.zrem(this.keys.presence(u), this.nodeID);
      await pipe.exec();
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
    this.#sub.disconnect();
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Logs a background failure at most once a second per kind, so an outage does not flood. */
  #warn(what: string, err: unknown): void {
    const now = Date.now();
    if (this.#closed || now - (this.#warned.get(what) ?? 0) < 1000) return;
    this.#warned.set(what, now);
    this.#log?.warn({ err }, `${what} failed`);
  }
}
