import { randomUUID } from 'node:crypto';
import { type Command, type CommandReply, ErrorCode, MAX_INVITEES } from '@beckon/signaling';
import {
  callEndNoticeSecondsOption,
  errorInfo,
  glareCallee,
  needsReceipt,
  type QueuedHand,
} from '@beckon/signaling/rules';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { historyLimits } from '../../history.js';
import type { GroupRoom, GroupRoomLeave, SharedRoom } from '../../rooms.js';
import type { DevicePresence, Group, HistoryEntry, Store, StoreListener, StoreSnapshot } from '../types.js';
import { type Applied, Cas, type Inputs, type Query } from './cas.js';
import { connectClient, mastersOf, parseRedisTarget, type RedisTarget } from './connect.js';
import { call, StoreUnavailableError } from './errors.js';
import { Feeds } from './feeds.js';
import { RedisGroups } from './groups.js';
import { takeHint } from './hints.js';
import { RedisHistory } from './history.js';
import { glob, Keys } from './keys.js';
import { DEFAULT_ENDED_TTL_MS, Lifecycle } from './lifecycle.js';
import type { Loaded } from './plan.js';
import { Presence } from './presence.js';
import { openLog, readHandQueue, readLog, readSnapshot } from './reads.js';
import type { Client } from './scripts.js';
import { KeyedBatches, KeyedQueue } from './serial.js';
import { Upkeep } from './upkeep.js';

export interface RedisStoreOptions {
  /**
   * `redis://[user:password@]host:port[/db]` (or `rediss://`) for one Redis; for a Redis Cluster
   * `redis+cluster://[user:password@]host1:port1,host2:port2` or several `redis://` URLs separated
   * by commas (seed nodes; the others are discovered). A value that is neither throws
   * `RedisUrlError` at construction.
   */
  readonly url: string;
  /**
   * Put before every key and channel, so deployments and test runs can share one Redis. Default
   * `beckon:`. On a cluster it must hold no braces: it becomes the hash tag `{beckon:}`.
   */
  readonly prefix?: string;
  readonly maxInvitees?: number;
  /**
   * Seconds an unacknowledged call-end notice (a `hangup` invitation with timeout 0) waits before
   * it times out. Default 60; 0 = never (a notice to a peer who never comes back then stays
   * active). Else a TypeError. Every process of a deployment should use the same value.
   */
  readonly callEndNoticeSeconds?: number | undefined;
  /** Events kept per user for resume; older gaps get a snapshot. Default 512. */
  readonly logLimit?: number;
  /** History entries kept per user. Default 200. */
  readonly historyLimit?: number;
  /** Unanswered incoming calls one peer may hold in a user's history. Default 20. */
  readonly historyPerPeer?: number;
  /** People a group call's history entry lists; later ones are left out. Default 50. */
  readonly historyParticipants?: number;
  /** A Redis command that has not answered by then fails the request with 9005. Default 1500 ms. */
  readonly commandTimeoutMs?: number;
  /** How often each process looks for due deadlines. Default 100 ms. */
  readonly pollMs?: number;
  /** A claimed deadline returns to the others after this long if its process dies. Default 3000 ms. */
  readonly leaseMs?: number;
  /** Presence lasts this long without a heartbeat (sent every third of it). Default 9000 ms. */
  readonly presenceTtlMs?: number;
  /** This process in presence and hints (no "," or "@": a TypeError). Default: a random id. */
  readonly nodeID?: string;
  /**
   * How long an ended invitation's final record is kept (without its data) so a snapshot can
   * tell a reconnecting client how what it held ended. Default 600000 ms (10 min).
   */
  readonly endedTtlMs?: number;
}

/** At most this many commands on one invitation commit together. */
const COMMAND_BATCH = 100;

interface WaitingCommand {
  readonly actor: string;
  readonly device: string;
  readonly command: Exclude<Command, { op: 'invite' } | { op: 'addInvitees' }>;
  readonly maxInvitees: number;
  readonly resolve: (reply: CommandReply) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The store of a deployment of several processes sharing one Redis (or one Redis Cluster, where
 * the keys a commit touches share a hash slot: keys.ts). Each command reads what it needs in one
 * script, runs the shared pure `transition` here, and writes the outcome with one
 * compare-and-set script that also logs the events per user and publishes a hint. See
 * DESIGN.md, "Distributed mode on Redis (as built)".
 *
 * @example
 * const server = await createBeckonServer({
 *   secret, store: new RedisStore({ url: 'redis://127.0.0.1:6379', prefix: 'beckon:' }),
 * });
 */
export class RedisStore implements Store {
  readonly shared = true;
  readonly nodeID: string;
  readonly keys: Keys;
  readonly #o: RedisStoreOptions;
  readonly #redis: Client;
  readonly #sub: Client;
  readonly #target: RedisTarget;
  readonly #cas: Cas;
  readonly #upkeep: Upkeep;
  readonly #feeds: Feeds;
  readonly #groups: RedisGroups;
  readonly #presence: Presence;
  readonly #history: RedisHistory;
  /** The commit that starts an invitation checks the cap `dispatch` is given (cas.ts). */
  readonly checksInvitationCap = true;
  readonly #lifecycle: Lifecycle;
  readonly #serial = new KeyedQueue();
  /** Delivery receipts of an invitation, committed together (`delivered`). */
  readonly #receipts = new KeyedBatches<string>(
    this.#serial,
    Number.POSITIVE_INFINITY,
    (inviteID, invitees) => {
      const who = new Set(invitees);
      return this.#apply(
        { ids: [inviteID] },
        (loaded, now) => {
          const record = loaded.records.get(inviteID)?.record;
          return (record?.invitees ?? [])
            .filter((i) => who.has(i.userID) && needsReceipt(record, i.userID))
            .map((i) => ({ type: 'delivered', inviteID, invitee: i.userID, now }));
        },
        this.#guess(inviteID, false),
      ).then(
        () => {},
        (err: unknown) => this.#warn('delivery receipt', err),
      );
    },
  );
  /** Answers, cancels and changes of an invitation, committed together (`#batched`). */
  readonly #answers = new KeyedBatches<WaitingCommand>(
    this.#serial,
    COMMAND_BATCH,
    async (inviteID, batch) => {
      try {
        const { replies } = await this.#apply(
          { ids: [inviteID] },
          (_loaded, now) =>
            batch.map((w) => ({
              type: 'command' as const,
              actor: w.actor,
              device: w.device,
              now,
              command: w.command,
              maxInvitees: w.maxInvitees,
            })),
          this.#guess(inviteID, false),
        );
        for (const [i, w] of batch.entries())
          w.resolve(
            replies[i] ?? { ok: false, error: errorInfo(ErrorCode.INTERNAL, 'the rules gave no reply') },
          );
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    },
  );
  readonly #warned = new Map<string, number>();
  #listener: StoreListener | undefined;
  #log: Logger | undefined;
  #epoch = '';
  #renewing: Promise<void> | undefined;
  #closed = false;
  readonly #noticeSeconds: number;

  constructor(options: RedisStoreOptions) {
    this.#o = options;
    const history = historyLimits(options);
    this.nodeID = options.nodeID ?? randomUUID();
    // Presence entries are `node@expiry,...` (presence.ts).
    if (this.nodeID === '' || /[,@]/.test(this.nodeID))
      throw new TypeError('RedisStore: nodeID must be a non-empty string without "," or "@"');
    this.#noticeSeconds = callEndNoticeSecondsOption(options.callEndNoticeSeconds, 'RedisStore');
    this.#target = parseRedisTarget(options.url);
    this.keys = new Keys(options.prefix ?? 'beckon:', this.#target.cluster);
    const timeoutMs = options.commandTimeoutMs ?? 1500;
    const common = {
      lazyConnect: true,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(50 * times, 1000),
      connectionName: `beckon:${this.nodeID}`,
    };
    // Fail fast instead of queueing while Redis is away, and never resend a write whose outcome
    // is unknown: the client gets 9005 and decides. No auto-pipelining: ioredis runs one
    // auto-pipeline at a time, so one command stuck behind a paused Redis would hold back (and
    // stretch the timeout of) every command issued after it. Instead the commands of one
    // event-loop turn leave in one write (coalesce.ts), and commits are grouped (groupCommit.ts).
    this.#redis = connectClient(
      this.#target,
      {
        ...common,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        commandTimeout: timeoutMs,
      },
      // A cluster: follow MOVED/ASK a few times, then fail fast like one Redis does.
      {
        maxRedirections: 4,
        retryDelayOnFailover: 100,
        clusterRetryStrategy: (times) => Math.min(50 * times, 1000),
      },
    );
    this.#sub = connectClient(this.#target, { ...common, maxRetriesPerRequest: null });
    for (const client of [this.#redis, this.#sub])
      client.on('error', (err: unknown) => this.#warn('redis connection', err));
    const redis = this.#redis;
    this.#groups = new RedisGroups(redis, this.keys);
    this.#history = new RedisHistory(redis, this.keys, history);
    this.#presence = new Presence(redis, this.keys, this.nodeID, options.presenceTtlMs ?? 9000);
    const endedTtlMs = options.endedTtlMs ?? DEFAULT_ENDED_TTL_MS;
    if (!Number.isInteger(endedTtlMs) || endedTtlMs < 1)
      throw new TypeError('RedisStore: endedTtlMs must be a positive integer');
    this.#lifecycle = new Lifecycle(redis, this.keys, this.nodeID, (what, err) => this.#warn(what, err));
    this.#upkeep = new Upkeep(
      redis,
      this.keys,
      {
        pollMs: options.pollMs ?? 100,
        leaseMs: options.leaseMs ?? 3000,
        presenceTtlMs: options.presenceTtlMs ?? 9000,
        nodeID: this.nodeID,
      },
      {
        epoch: () => this.#epoch,
        users: () => [...this.#feeds.users],
        fire: (inviteID) => this.#fire(inviteID),
        epochChanged: () => this.#renewEpoch(),
        sweep: (seqs) => this.#feeds.sweep(seqs),
        warn: (what, err) => this.#warn(what, err),
      },
    );
    this.#cas = new Cas({
      redis,
      keys: this.keys,
      nodeID: this.nodeID,
      logLimit: options.logLimit ?? 512,
      endedTtlMs,
      timeoutMs,
      epoch: () => this.#epoch,
      offset: () => this.#upkeep.offset,
      epochLost: () => void this.#renewEpoch(),
    });
    this.#feeds = new Feeds(
      {
        current: (userID) => openLog(redis, this.keys, userID),
        since: (userID, seq) => readLog(redis, this.keys, userID, seq),
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

  async start(listener: StoreListener, log: Logger): Promise<void> {
    this.#listener = listener;
    this.#log = log.child({ node: this.nodeID });
    const where = this.#target.where;
    try {
      await Promise.all([this.#redis.connect(), this.#sub.connect()]);
      await this.#upkeep.measureClock();
      const created = await this.#redis.set(this.keys.epoch, randomUUID(), 'NX');
      this.#epoch = (await this.#redis.get(this.keys.epoch)) ?? '';
      if (created === 'OK') await this.#upgrade();
      await this.#sub.subscribe(this.keys.hints, this.keys.hintsFor(this.nodeID));
    } catch (error) {
      this.#redis.disconnect();
      this.#sub.disconnect();
      throw new StoreUnavailableError(`cannot reach Redis at ${where}`, { cause: error });
    }
    const target = {
      nodeID: this.nodeID,
      feeds: this.#feeds,
      cache: this.#cas.records,
      deliver: listener.deliver.bind(listener),
      groupChanged: listener.groupChanged.bind(listener),
      // Called optionally until the server layer of issue 19 implements it (then: bind as above).
      queueChanged: (groupID: string) => listener.queueChanged(groupID),
      relayed: listener.relayed.bind(listener),
    };
    this.#sub.on('message', (_channel: string, message: string) => takeHint(message, target));
    for (const client of [this.#redis, this.#sub]) client.on('ready', () => void this.#upkeep.heartbeat());
    this.#upkeep.start();
    this.#log.info({ redis: where, prefix: this.keys.prefix }, 'redis store started');
  }

  // -- invitations ---------------------------------------------------------------------------

  dispatch(actor: string, device: string, command: Command, cap?: number): Promise<CommandReply> {
    const maxInvitees = this.#o.maxInvitees ?? MAX_INVITEES;
    const newInviteID = command.op === 'invite' ? randomUUID() : undefined;
    let query: Query;
    let key: string;
    // Guessed when the job runs: commands queued on one invitation guess from each other's commits.
    let guess: () => Loaded | undefined;
    if (command.op === 'invite') {
      // The glare index of the pair is read only when the rules will look at it.
      const callee = glareCallee(command);
      const pair = callee === undefined ? undefined : this.keys.pair(actor, callee);
      query = {
        ids: [newInviteID as string],
        ...(pair ? { pair } : {}),
        ...(command.groupID ? { group: command.groupID } : {}),
      };
      key = pair ?? '';
      // Most invites need no read: the id is new, and most pairs have nothing ringing.
      guess = () => {
        const group = command.groupID ? this.#cas.cachedGroup(command.groupID) : undefined;
        if (command.groupID && !group) return undefined;
        return {
          records: new Map([[newInviteID as string, { version: 0 }]]),
          ...(pair ? { pair: { key: pair, ids: [] } } : {}),
          ...(group ? { group } : {}),
        };
      };
    } else if (command.op !== 'addInvitees') {
      return this.#batched({ actor, device, command, maxInvitees });
    } else {
      query = { ids: [command.inviteID], groupOf: command.inviteID };
      key = command.inviteID;
      guess = () => this.#guess(command.inviteID, true);
    }
    return this.#serial.run(key, async () => {
      const { reply } = await this.#apply(
        query,
        (loaded, now) => {
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
              callEndNoticeSeconds: this.#noticeSeconds,
              ...(group ? { group } : {}),
            },
          ];
        },
        guess(),
        cap,
      );
      return reply ?? { ok: false, error: errorInfo(ErrorCode.INTERNAL, 'the rules gave no reply') };
    });
  }

  /**
   * Answers, cancels and changes of one invitation that arrive while a job on it runs here wait
   * for it and then commit together (at most `COMMAND_BATCH`): each is its own transition, in
   * arrival order, with its own reply, in one compare-and-set. 1,000 students accepting a round
   * over two processes made one commit each, and their conflicts ran some out of attempts (9005).
   */
  #batched(waiting: Omit<WaitingCommand, 'resolve' | 'reject'>): Promise<CommandReply> {
    return new Promise((resolve, reject) =>
      this.#answers.add(waiting.command.inviteID, { ...waiting, resolve, reject }),
    );
  }

  delivered(inviteID: string, invitee: string): void {
    // Receipts for one invitation are batched: a class of 500 makes a few commits, not 500.
    this.#receipts.add(inviteID, invitee);
  }

  async activeInvitations(inviter: string): Promise<number> {
    return call(() => this.#redis.zlexcount(this.keys.inboxes, ...this.keys.capRange(inviter)));
  }

  snapshot(userID: string): Promise<StoreSnapshot> {
    return readSnapshot(this.#redis, this.keys, userID);
  }

  handQueue(groupID: string): Promise<readonly QueuedHand[]> {
    return readHandQueue(this.#redis, this.keys, groupID);
  }

  async eventsSince(userID: string, seq: number) {
    const entries = await readLog(this.#redis, this.keys, userID, seq);
    return entries?.map(({ seq: s, event }) => ({ seq: s, event }));
  }

  /** The cached invitation (and its group, when the rules will check membership), or nothing. */
  #guess(inviteID: string, withGroup: boolean): Loaded | undefined {
    const guess = this.#cas.records.guess([inviteID]);
    const groupID = this.#cas.records.get(inviteID)?.groupID ?? '';
    if (guess === undefined || !withGroup || groupID === '') return guess;
    const group = this.#cas.cachedGroup(groupID);
    return group ? { ...guess, group } : undefined;
  }

  /** Runs transitions through the compare-and-set, then carries out what they decided. */
  async #apply(query: Query, inputs: Inputs, guess?: Loaded, cap?: number): Promise<Applied> {
    const applied = await this.#cas.apply(query, inputs, guess, cap);
    const listener = this.#listener;
    if (applied.commit === undefined || listener === undefined) return applied;
    const { plan, result } = applied.commit;
    for (const effect of applied.effects) {
      if (effect.type === 'ended') listener.ended(effect.invitation);
      if (effect.type !== 'deliver') continue;
      listener.committed(effect.event);
      if (effect.event.kind === 'accept') {
        const record = applied.loaded.records.get(effect.event.envelope.inviteID)?.record;
        if (record !== undefined) listener.accepted(record, effect.event);
      }
    }
    // Each delivery is one view of an event: the event itself, or a member's own (issue 19).
    for (const [i, delivery] of plan.deliveries.entries()) {
      const [users, seqs] = result[i] ?? [[], []];
      this.#feeds.offer(users, seqs, delivery.view, delivery.event);
    }
    // Other processes hear it from the group notice the commit published.
    for (const groupID of plan.queues) listener.queueChanged(groupID);
    return applied;
  }

  /** A claimed deadline: the rules time out whoever is due; the CAS makes it happen once. */
  #fire(inviteID: string): Promise<void> {
    return this.#serial.run(inviteID, async () => {
      const { loaded } = await this.#apply(
        { ids: [inviteID] },
        (l, now) => (l.records.get(inviteID)?.record ? [{ type: 'timeout', inviteID, now }] : []),
        this.#guess(inviteID, false),
      );
      // The invitation ended meanwhile: its deadline entry is all that is left of it.
      if (!loaded.records.get(inviteID)?.record) await this.#redis.zrem(this.keys.deadlines, inviteID);
    });
  }

  /** The epoch changed or vanished (FLUSHALL, a Redis restarted empty): adopt the new one, reset. */
  #renewEpoch(): Promise<void> {
    this.#renewing ??= (async () => {
      try {
        await this.#redis.set(this.keys.epoch, randomUUID(), 'NX');
        const epoch = await this.#redis.get(this.keys.epoch);
        if (epoch === null || epoch === this.#epoch) return;
        this.#log?.warn({ from: this.#epoch, to: epoch }, 'redis data lost or replaced: new epoch');
        this.#epoch = epoch;
        this.#feeds.clear();
        this.#cas.records.clear();
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
    // Presence first: a commit after it hints this process; one before it is below the
    // sequence number the feed starts from (both go out on one connection, in this order).
    const present = this.#presence.add(userID);
    await Promise.all([present, this.#feeds.track(userID)]);
  }

  detach(userID: string): void {
    this.#feeds.untrack(userID);
    void this.#presence.remove([userID]);
  }

  online(userIDs: readonly string[]): Promise<ReadonlySet<string>> {
    return this.#presence.online(userIDs);
  }

  announceGroup(groupID: string, members: readonly string[]): void {
    this.#listener?.groupChanged(groupID, members);
    const message = JSON.stringify({ n: this.nodeID, g: groupID, m: members });
    this.#redis.publish(this.keys.hints, message).catch((err: unknown) => this.#warn('group notice', err));
  }

  closeRoom(roomID: string): void {
    this.#redis.del(this.keys.room(roomID)).catch((err: unknown) => this.#warn('media room', err));
  }

  async room(roomID: string): Promise<SharedRoom | undefined> {
    const json = await call(() => this.#redis.get(this.keys.room(roomID)));
    return json ? (JSON.parse(json) as SharedRoom) : undefined;
  }

  async takeRoom(roomID: string): Promise<SharedRoom | undefined> {
    const json = await this.#lifecycle.takeRoom(roomID);
    return json ? (JSON.parse(json) as SharedRoom) : undefined;
  }

  async joinGroupRoom(
    roomID: string,
    inviter: string,
    acceptor: string,
    expiresAt: number,
    at: number,
  ): Promise<boolean> {
    const key = this.keys.groupRoom(roomID);
    return (await call(() => this.#redis.beckonGroupRoomJoin(key, inviter, acceptor, expiresAt, at))) === 1;
  }

  async leaveGroupRoom(roomID: string, user: string): Promise<GroupRoomLeave> {
    const key = this.keys.groupRoom(roomID);
    return (await call(() => this.#redis.beckonGroupRoomLeave(key, user))) as GroupRoomLeave;
  }

  async groupRoom(roomID: string): Promise<GroupRoom | undefined> {
    const fields = await call(() => this.#redis.hgetall(this.keys.groupRoom(roomID)));
    const expiresAt = Number(fields.expiresAt);
    if (!(expiresAt > Date.now())) return undefined;
    const users: string[] = [];
    const left: string[] = [];
    const joinedAt = new Map<string, number>();
    for (const [field, value] of Object.entries(fields)) {
      if (field.startsWith('j:')) joinedAt.set(field.slice(2), Number(value));
      if (!field.startsWith('u:')) continue;
      users.push(field.slice(2));
      if (value === '1') left.push(field.slice(2));
    }
    return { users, left, expiresAt, joinedAt };
  }

  deviceUp(userID: string, deviceID: string): void {
    this.#lifecycle.deviceUp(userID, deviceID);
  }

  deviceDown(userID: string, deviceID: string, at: number): void {
    this.#lifecycle.deviceDown(userID, deviceID, at);
  }

  devicePresence(userID: string, deviceID: string): Promise<DevicePresence> {
    return this.#lifecycle.devicePresence(userID, deviceID);
  }

  endedSince(userID: string, seq: number, limit: number) {
    return this.#lifecycle.endedSince(userID, seq, limit);
  }

  relay(userID: string, text: string): void {
    const message = JSON.stringify({ n: this.nodeID, x: { u: userID, t: text } });
    this.#redis
      .beckonRelay(this.keys.where, this.keys.prefix, this.nodeID, userID, message)
      .catch((err: unknown) => this.#warn('relay', err));
  }

  createGroup(owner: string, name: string, cap?: number): Promise<Group> {
    // Its Redis call is wrapped inside: the cap's refusal stays a GroupCapError.
    return this.#groups.create(owner, name, cap);
  }

  joinGroup(code: string, userID: string): Promise<Group | undefined> {
    return call(() => this.#groups.join(code, userID));
  }

  leaveGroup(groupID: string, userID: string): Promise<boolean> {
    return call(() => this.#groups.leave(groupID, userID));
  }

  getGroup(groupID: string): Promise<Group | undefined> {
    return call(() => this.#groups.get(groupID));
  }

  groupsOf(userID: string): Promise<Group[]> {
    return call(() => this.#groups.of(userID));
  }

  recordHistory(userID: string, entry: HistoryEntry): Promise<void> {
    return this.#history.record(userID, entry);
  }

  history(userID: string): Promise<HistoryEntry[]> {
    return this.#history.list(userID);
  }

  /**
   * Run by the process that creates the epoch: data of layout 2 (its epoch key is there) gets
   * its users' inbox sets and its pairs' glare hashes filed in `inboxes` (one script per set or
   * hash, each deleting it) and loses the per-inviter counts, which are counted from `inboxes`
   * now (keys.ts). Invitations that ended meanwhile are left out; onlineUserOnly ones, in no set
   * before, are not counted.
   */
  async #upgrade(): Promise<void> {
    const { prefix, inboxes } = this.keys;
    if ((await this.#redis.exists(`${prefix}epoch:2`)) === 0) return;
    const sets = `${prefix}inbox:`;
    await this.#scan(`${glob(sets)}*`, async (keys) => {
      for (const key of keys) {
        const user = key.slice(sets.length);
        await this.#redis.beckonInboxUpgrade(inboxes, key, prefix, user, this.keys.inboxOf(user));
      }
    });
    // A glare hash's key ends with the pair as JSON.
    const hashes = `${prefix}pair:`;
    await this.#scan(`${glob(hashes)}*`, async (keys) => {
      for (const key of keys) {
        const [a = '', b = ''] = JSON.parse(key.slice(hashes.length)) as string[];
        await this.#redis.beckonPairUpgrade(inboxes, key, prefix, this.keys.pair(a, b));
      }
    });
    await this.#redis.del(`${prefix}active`);
    this.#log?.info('redis data of layout 2: inboxes and glare hashes filed in the new index');
  }

  /** The keys matching `pattern` on every master, a SCAN page at a time, with the node holding them. */
  async #scan(pattern: string, page: (keys: string[], node: Redis) => Promise<unknown>): Promise<void> {
    for (const node of mastersOf(this.#redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await call(() => node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000));
        cursor = next;
        if (keys.length > 0) await page(keys, node);
      } while (cursor !== '0');
    }
  }

  /**
   * Deletes every key of this deployment (its prefix). For tests and benchmarks only; works on
   * a store that was never started.
   */
  async purge(): Promise<void> {
    if (this.#redis.status === 'wait') await call(() => this.#redis.connect());
    // One UNLINK per key: on a cluster, keys of several slots cannot go in one command.
    for (const pattern of this.keys.patterns)
      await this.#scan(pattern, (keys, node) => call(() => Promise.all(keys.map((k) => node.unlink(k)))));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#upkeep.stop();
    const users = [...this.#feeds.users];
    this.#feeds.clear();
    await this.#presence.remove(users);
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
    this.#sub.disconnect();
  }

  /** Logs a background failure at most once a second per kind, so an outage does not flood. */
  #warn(what: string, err: unknown): void {
    const now = Date.now();
    if (this.#closed || now - (this.#warned.get(what) ?? 0) < 1000) return;
    this.#warned.set(what, now);
    this.#log?.warn({ err }, `${what} failed`);
  }
}
