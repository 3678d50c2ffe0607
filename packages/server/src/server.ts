import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ErrorCode, type InvitationRecord, type SignalingEvent } from '@beckon/signaling';
import { deliverAtOnce, planGroupOperation } from '@beckon/signaling/classroom';
import { CloseCode, receiptDue } from '@beckon/signaling/rules';
import { type Logger, pino } from 'pino';
import { WebSocketServer } from 'ws';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, verifyToken } from './auth.js';
import { CallWatch, DEFAULT_CALL_GRACE_MS } from './callWatch.js';
import { ClassroomOps, DEFAULT_CLASSROOM_BATCH, GroupBatches, TurnBatches } from './coalesce.js';
import { Connection, STORE_RESET } from './connection.js';
import type { ResolvedOptions, ServerContext } from './context.js';
import { demoContentSecurityPolicy } from './csp.js';
import { groupHistoryFromAccept, groupHistoryFromEnded, groupHistoryFromLeave } from './groupHistory.js';
import { groupCallOf, leaveNoticeOf } from './groupLeave.js';
import { DEFAULT_GROUP_NOTICE_MS, GroupNotices } from './groupNotices.js';
import { GroupWatch } from './groupWatch.js';
import { historyFromEnded, historyFromHangup } from './history.js';
import { handleHttp } from './http.js';
import { type IceServersOptions, resolveIceServers } from './iceServers.js';
import {
  DEFAULT_JOIN_THROTTLE,
  DEFAULT_MAX_GROUPS_PER_USER,
  DEFAULT_USER_LIMITS,
  InvitationCap,
  JoinThrottle,
  positive,
  type RateLimit,
  UserBuckets,
} from './limits.js';
import { MembersCache } from './membersCache.js';
import { Metrics } from './metrics.js';
import { originAllowed } from './origin.js';
import { QueueStream } from './queueStream.js';
import { GROUP_ROOM_PREFIX, RoomGrants } from './rooms.js';
import { MemoryStore } from './store/memory.js';
import type { Delivery, Store } from './store/types.js';

export interface BeckonServerOptions {
  /** 0 picks a free port. Default 8787. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /**
   * HS256 secret, at least 32 bytes (UTF-8). Required unless `dev` (then a random one is made
   * for this process, and shorter ones are accepted).
   */
  readonly secret?: string;
  /**
   * Tokens that live longer than this (`exp` - `iat`) are refused (close 4001, HTTP 401). A
   * socket is closed with 4002 when its token expires. Default 86400 (one day).
   */
  readonly maxTokenLifetimeSeconds?: number;
  /** Dev mode: `GET /dev/token?user=` mints tokens for any name. Never in production. */
  readonly dev?: boolean;
  /** Browser origins allowed to connect; '*' allows all. Default: none, or localhost ones in dev. */
  readonly allowedOrigins?: readonly string[] | '*';
  /** Default: the in-memory store. */
  readonly store?: Store;
  readonly maxInvitees?: number;
  /** Frame limit (ws maxPayload). Default 64 KiB. */
  readonly maxPayloadBytes?: number;
  /** A reader whose socket buffer passes this is cut off (4008). Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** What one burst of work may queue on one socket before it is cut off (4008). Default 8 MiB. */
  readonly maxBurstBytes?: number;
  /** A resume that would replay more than this gets a snapshot instead. Default 1 MiB. */
  readonly maxReplayBytes?: number;
  /** Snapshots are sent in frames of about this size, each once the last was read. Default 256 KiB. */
  readonly snapshotPageBytes?: number;
  /** Snapshots asked for while one is in flight make one more, this long after it. Default 1000 ms. */
  readonly resyncIntervalMs?: number;
  readonly authTimeoutMs?: number;
  readonly heartbeatMs?: number;
  /** Requests per socket: `burst` at once, refilled at `perSecond`. Default 100 and 50/s. */
  readonly rateLimit?: { readonly burst?: number; readonly perSecond?: number };
  /** Requests per user across all their sockets on this process. Default 200 and 100/s. */
  readonly userRateLimit?: { readonly burst?: number; readonly perSecond?: number };
  /** Sockets per user on this process; a new one closes the oldest with 4009. Default 16. */
  readonly maxConnectionsPerUser?: number;
  /** Active invitations per inviter; more invites answer 9011. Default 1000. */
  readonly maxActiveInvitations?: number;
  /**
   * Groups one user may create (`POST /groups`); more answer 403 with 9011 and
   * `details: { field: 'groups', limit }`. Groups are kept, so without it one token creating
   * groups in a loop would grow the store without end. Default 1000.
   */
  readonly maxGroupsPerUser?: number;
  /**
   * How long a party of an answered one-to-one call may have no socket of its call's device
   * (the one that placed or answered the call) before the server hangs up in its name
   * (`end_reason: 'peerLeft'`, duration up to the loss). A reconnect inside it keeps the call.
   * The same for a user in a group call's room: the server sends their leave notice
   * (`groupWatch.ts`). Default 10000 ms.
   */
  readonly callGraceMs?: number;
  /**
   * How long a call-end notice (a `hangup` invitation with timeout 0) that nobody acknowledged
   * waits before it times out, in seconds, for the default memory store (a store you pass takes
   * its own `callEndNoticeSeconds`). Without it, a hang-up to a peer who never comes back would
   * stay active and count towards the sender's `maxActiveInvitations`. Default 60; 0 = never.
   */
  readonly callEndNoticeSeconds?: number | undefined;
  /**
   * Failed group joins (wrong codes) before `POST /groups/join` answers 429 with Retry-After.
   * Default per user 10 then one per 6 s; per address 100 then one per second.
   */
  readonly joinThrottle?: {
    readonly perUser?: { readonly burst?: number; readonly perSecond?: number };
    readonly perAddress?: { readonly burst?: number; readonly perSecond?: number };
  };
  /** pino level; default 'info', or 'silent' under a test runner. */
  readonly logLevel?: string;
  readonly logger?: Logger;
  /** A built web app served on every path the API does not use (the demos). */
  readonly staticDir?: string;
  /**
   * The Content-Security-Policy header of the HTML pages from `staticDir`; false sends none.
   * Default `demoContentSecurityPolicy()`: scripts, styles and connections to this server only;
   * with `trtc` set, Tencent's hosts too (`demoContentSecurityPolicy({ tencent: true })`).
   */
  readonly contentSecurityPolicy?: string | false;
  /** TRTC credentials: `GET /trtc/usersig` then mints UserSigs for signed-in users. */
  readonly trtc?: { readonly sdkAppId: number; readonly secretKey: string };
  /**
   * STUN/TURN servers for calls across networks: `GET /ice-servers` then hands each signed-in
   * user these URLs with TURN credentials of coturn's REST API scheme (shared `secret`).
   */
  readonly iceServers?: IceServersOptions;
  /**
   * Classroom changes (hands, rounds) reach members other than the teacher and the acting
   * student in one frame per batch: sent once the group has been quiet for `quietMs`, or
   * `maxDelayMs` after the first held change. Default 50 ms (150 ms on Redis) and 2000 ms.
   */
  readonly classroomBatch?: { readonly quietMs?: number; readonly maxDelayMs?: number };
  /**
   * A group's notices (members joined, left, connected or went away) go out at most once per
   * group per `groupNoticeMs`: the first change at once, later ones together at the interval's
   * end. Default 500 ms.
   */
  readonly groupNoticeMs?: number;
}

export interface BeckonServer {
  /** `http://host:port`. */
  readonly url: string;
  /** `ws://host:port`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly store: Store;
  readonly metrics: Metrics;
  readonly http: Server;
  /** Authenticated connections of a user on this process. */
  connectionsOf(userID: string): number;
  /** Cuts a user's sockets without a close frame, as a network failure would (tests, operators). */
  terminate(userID: string): void;
  /** Stops accepting, closes every socket with 1001 (clients reconnect), then closes the store. */
  close(): Promise<void>;
}

/** HS256 wants a key as long as its hash (RFC 7518, 3.2): 256 bits. */
const MIN_SECRET_BYTES = 32;

/**
 * Starts a Beckon server: WebSocket signaling plus the HTTP API on one port.
 *
 * @example
 * const server = await createBeckonServer({ port: 8787, secret: process.env.BECKON_SECRET });
 * // ...
 * await server.close();
 */
export async function createBeckonServer(options: BeckonServerOptions = {}): Promise<BeckonServer> {
  const dev = options.dev ?? false;
  if (!options.secret && !dev) throw new Error('createBeckonServer: a secret is required outside dev mode');
  if (options.secret && !dev && Buffer.byteLength(options.secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new Error(
      `createBeckonServer: the secret must be at least ${MIN_SECRET_BYTES} bytes outside dev mode (try: openssl rand -hex 32)`,
    );
  }
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const allowed = options.allowedOrigins ?? [];
  const iceServers = resolveIceServers(options.iceServers);
  const log =
    options.logger ??
    pino({ level: options.logLevel ?? (process.env.VITEST ? 'silent' : 'info'), name: 'beckon' });
  const resolved: ResolvedOptions = {
    maxPayloadBytes: options.maxPayloadBytes ?? 64 * 1024,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    maxBurstBytes: positive('maxBurstBytes', options.maxBurstBytes, 8 * 1024 * 1024),
    maxReplayBytes: positive('maxReplayBytes', options.maxReplayBytes, 1024 * 1024),
    snapshotPageBytes: positive('snapshotPageBytes', options.snapshotPageBytes, 256 * 1024),
    resyncIntervalMs: positive('resyncIntervalMs', options.resyncIntervalMs, 1000),
    authTimeoutMs: options.authTimeoutMs ?? 10_000,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    rateLimit: { burst: options.rateLimit?.burst ?? 100, perSecond: options.rateLimit?.perSecond ?? 50 },
    maxTokenLifetimeSeconds: positive(
      'maxTokenLifetimeSeconds',
      options.maxTokenLifetimeSeconds,
      DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    ),
  };
  const defaults = DEFAULT_USER_LIMITS;
  const userRate = {
    burst: positive('userRateLimit.burst', options.userRateLimit?.burst, defaults.userRateLimit.burst),
    perSecond: positive(
      'userRateLimit.perSecond',
      options.userRateLimit?.perSecond,
      defaults.userRateLimit.perSecond,
      false,
    ),
  };
  const maxConnectionsPerUser = positive(
    'maxConnectionsPerUser',
    options.maxConnectionsPerUser,
    defaults.maxConnectionsPerUser,
  );
  const maxActiveInvitations = positive(
    'maxActiveInvitations',
    options.maxActiveInvitations,
    defaults.maxActiveInvitations,
  );
  const callGraceMs = positive('callGraceMs', options.callGraceMs, DEFAULT_CALL_GRACE_MS);
  const maxGroupsPerUser = positive(
    'maxGroupsPerUser',
    options.maxGroupsPerUser,
    DEFAULT_MAX_GROUPS_PER_USER,
  );
  const contentSecurityPolicy =
    options.contentSecurityPolicy ?? demoContentSecurityPolicy({ tencent: options.trtc !== undefined });
  if (typeof contentSecurityPolicy === 'string' && /[\r\n]/.test(contentSecurityPolicy)) {
    throw new TypeError('createBeckonServer: contentSecurityPolicy must be one line');
  }
  const store: Store =
    options.store ??
    new MemoryStore({
      ...(options.maxInvitees === undefined ? {} : { maxInvitees: options.maxInvitees }),
      callEndNoticeSeconds: options.callEndNoticeSeconds,
    });
  const metrics = new Metrics();
  const batches = new GroupBatches({
    quietMs: positive(
      'classroomBatch.quietMs',
      options.classroomBatch?.quietMs,
      store.shared ? DEFAULT_CLASSROOM_BATCH.sharedQuietMs : DEFAULT_CLASSROOM_BATCH.quietMs,
    ),
    maxDelayMs: positive(
      'classroomBatch.maxDelayMs',
      options.classroomBatch?.maxDelayMs,
      DEFAULT_CLASSROOM_BATCH.maxDelayMs,
    ),
    due: (groupID, members) => queues.due(groupID, members),
  });
  const classroomOps = new ClassroomOps();
  const turn = new TurnBatches();
  const connections = new Map<string, Set<Connection>>();
  const sockets = new Set<Connection>();
  const queues = new QueueStream({
    store,
    log,
    touch: (groupID) => batches.touch(groupID),
    connectionsOf: (userID) => connections.get(userID) ?? [],
  });

  /** Tells a group's members connected to this process that its members or their presence changed. */
  const notifyGroup = (groupID: string, members: readonly string[]) => {
    const text = JSON.stringify({ t: 'group', groupID });
    for (const member of members)
      for (const connection of connections.get(member) ?? []) connection.sendText(text);
  };
  const groupNoticeMs = positive('groupNoticeMs', options.groupNoticeMs, DEFAULT_GROUP_NOTICE_MS);
  /** Members lists, shared by a notice's refetches; no older than a notice interval. */
  const membersLists = new MembersCache(groupNoticeMs);
  const notices = new GroupNotices(groupNoticeMs, (groupID, members) => {
    notifyGroup(groupID, members);
    queues.membersChanged(groupID, members);
  });
  /** Announcements under way: a shutdown lets them finish before it closes the store. */
  const announcing = new Set<Promise<void>>();
  /** Presence changed: every group of the user hears it, on every process. */
  const announceGroupsOf = (userID: string) => {
    const announced = store.groupsOf(userID).then(
      (groups) => {
        for (const group of groups) store.announceGroup(group.groupID, group.members);
      },
      (err: unknown) => log.warn({ err }, 'presence not announced'),
    );
    announcing.add(announced);
    announced.finally(() => announcing.delete(announced));
  };
  /** The store follows a user while they have a connection here; every connection waits for it. */
  const following = new Map<string, Promise<void>>();

  let receipts: Array<[inviteID: string, invitee: string]> = [];
  const flushReceipts = () => {
    const batch = receipts;
    receipts = [];
    for (const [inviteID, invitee] of batch) store.delivered(inviteID, invitee);
  };

  const rooms = new RoomGrants(store);
  const roomFailed = (err: unknown) => log.warn({ err }, 'group call room not updated');
  /** A socket of this device is open here. */
  const deviceHere = (userID: string, deviceID: string) => {
    for (const c of connections.get(userID) ?? []) if (c.deviceID === deviceID) return true;
    return false;
  };
  const calls = new CallWatch({ store, graceMs: callGraceMs, log, metrics, connectedHere: deviceHere });
  const groupCalls = new GroupWatch({ store, graceMs: callGraceMs, log, metrics, connectedHere: deviceHere });
  const lobby: { groupID?: string } = {};

  const userBuckets = new UserBuckets(userRate);
  const rate = (name: string, given: { burst?: number; perSecond?: number } | undefined, d: RateLimit) => ({
    burst: positive(`${name}.burst`, given?.burst, d.burst),
    perSecond: positive(`${name}.perSecond`, given?.perSecond, d.perSecond, false),
  });
  const joins = new JoinThrottle(
    rate('joinThrottle.perUser', options.joinThrottle?.perUser, DEFAULT_JOIN_THROTTLE.perUser),
    rate('joinThrottle.perAddress', options.joinThrottle?.perAddress, DEFAULT_JOIN_THROTTLE.perAddress),
  );
  const ctx: ServerContext = {
    options: resolved,
    userBuckets,
    invitationCap: new InvitationCap(maxActiveInvitations, store),
    store,
    metrics,
    log,
    verify: (token) => verifyToken(secret, token, { maxLifetimeSeconds: resolved.maxTokenLifetimeSeconds }),
    attach(connection) {
      const userID = connection.userID;
      if (userID === undefined) return Promise.resolve();
      let set = connections.get(userID);
      if (set === undefined) {
        set = new Set();
        connections.set(userID, set);
      }
      if (!deviceHere(userID, connection.deviceID)) store.deviceUp(userID, connection.deviceID);
      set.add(connection);
      calls.connected(userID, connection.deviceID);
      groupCalls.connected(userID, connection.deviceID);
      metrics.connections++;
      // Over the cap, the oldest goes (sets keep insertion order): the newest device is the one
      // the user is looking at.
      for (const oldest of set) {
        if (set.size <= maxConnectionsPerUser) break;
        metrics.inc('beckon_connections_closed_total', 'too_many_connections');
        oldest.close(
          CloseCode.TOO_MANY_CONNECTIONS,
          `more than ${maxConnectionsPerUser} connections for this user`,
        );
      }
      log.debug({ userID, device: connection.deviceID }, 'connected');
      let follow = following.get(userID);
      if (follow === undefined) {
        follow = store.attach(userID);
        following.set(userID, follow);
        follow.then(
          () => announceGroupsOf(userID),
          () => {},
        );
      }
      return follow;
    },
    detach(connection) {
      sockets.delete(connection);
      queues.closed(connection);
      const userID = connection.userID;
      const set = userID === undefined ? undefined : connections.get(userID);
      if (set?.delete(connection)) {
        metrics.connections--;
        if (userID !== undefined && !deviceHere(userID, connection.deviceID)) {
          const now = Date.now();
          store.deviceDown(userID, connection.deviceID, now);
          calls.disconnected(userID, connection.deviceID, now);
          groupCalls.disconnected(userID, connection.deviceID, now);
        }
        if (set.size === 0 && userID !== undefined) {
          connections.delete(userID);
          following.delete(userID);
          store.detach(userID);
          announceGroupsOf(userID);
        }
      }
    },
    async relayRoomSignal(roomID, from, to, data) {
      // A classroom's room: two members of its group; else a call's or a group call's room.
      let allowed = false;
      if (roomID.startsWith(GROUP_ROOM_PREFIX)) {
        const group = await store.getGroup(roomID.slice(GROUP_ROOM_PREFIX.length));
        allowed = from !== to && group?.members.includes(from) === true && group.members.includes(to);
      }
      if (!allowed) allowed = await rooms.allows(roomID, from, to);
      if (!allowed) return false;
      const text = JSON.stringify({ t: 'rtc', roomID, from, data });
      for (const connection of connections.get(to) ?? []) connection.sendText(text);
      store.relay(to, text);
      return true;
    },
    placed(userID, deviceID, command, inviteID) {
      calls.placed(userID, deviceID, command, inviteID);
      groupCalls.placed(userID, deviceID, command);
    },
    async groupOperation(actor, device, groupID, op) {
      const { invitations } = await store.snapshot(actor);
      const commands = planGroupOperation(invitations, groupID, op, actor);
      const replies = await Promise.all(commands.map((command) => store.dispatch(actor, device, command)));
      // Markers that ended meanwhile (a student lowered a hand) are not a failure: the goal holds.
      const failed = replies.find((r) => !r.ok && r.error.code !== ErrorCode.INVITATION_INVALID);
      return failed ?? { ok: true, inviteID: '' };
    },
    synced: (connection, resumed) => queues.synced(connection, resumed),
    markDelivered(event, userID) {
      if (receiptDue(event, userID)) {
        // Receipts wait for a timer turn of the event loop: the invitee's frame, the inviter's
        // reply and whatever input is already waiting go first, and a burst of deliveries
        // becomes one batch of receipts.
        receipts.push([event.envelope.inviteID, userID]);
        if (receipts.length === 1) setTimeout(flushReceipts, 0);
      }
    },
  };

  const recordHistory = (updates: ReturnType<typeof historyFromEnded>) => {
    for (const { userID, entry } of updates) {
      store.recordHistory(userID, entry).catch((err: unknown) => log.warn({ err }, 'history not recorded'));
    }
  };

  await store.start(
    {
      deliver(deliveries: readonly Delivery[], event: SignalingEvent, json = JSON.stringify(event)) {
        calls.event(event);
        const op = classroomOps.of(event);
        const groupID = event.envelope.groupID;
        let held = false;
        for (const { userID, seq } of deliveries) {
          const set = connections.get(userID);
          if (set === undefined) continue;
          const now = deliverAtOnce(op, event, userID);
          for (const connection of set) {
            if (now && op === undefined) connection.deliver(seq, json, event);
            else if (now) {
              connection.queue(seq, json, event);
              turn.add(connection);
            } else {
              connection.queue(seq, json, event);
              batches.add(groupID, connection);
              held = true;
            }
          }
          ctx.markDelivered(event, userID);
        }
        if (held) batches.touch(groupID);
      },
      committed(event: SignalingEvent) {
        // A group call's leave notice is read once, for its room, the group watch and the history.
        const leave = leaveNoticeOf(event);
        if (leave === undefined) rooms.onCommitted(event);
        else {
          rooms.onLeft(leave.roomID, event.envelope.inviter).catch(roomFailed);
          groupCalls.left(event.envelope.inviter, leave.roomID);
        }
        if (event.kind !== 'invite') return;
        metrics.inc('beckon_invitations_created_total');
        recordHistory(leave === undefined ? historyFromHangup(event) : groupHistoryFromLeave(event, leave));
      },
      accepted(invitation: InvitationRecord, event: SignalingEvent) {
        const acceptor = event.envelope.inviteeList[0];
        if (acceptor === undefined) return;
        // A group call's invitation is read once, for its room, the group watch and the history.
        const call = groupCallOf(invitation.data, invitation.groupID, invitation.inviter);
        if (call === undefined) return;
        rooms.onAccepted(call.roomID, invitation.inviter, acceptor, event.at).catch(roomFailed);
        groupCalls.accepted(invitation, event, call);
        recordHistory(groupHistoryFromAccept(invitation, acceptor, call));
      },
      ended(invitation: InvitationRecord) {
        rooms.onEnded(invitation);
        calls.ended(invitation);
        const states = new Set(invitation.invitees.map((i) => i.state));
        metrics.inc('beckon_invitations_ended_total', states.size === 1 ? [...states][0] : 'mixed');
        recordHistory(historyFromEnded(invitation));
        recordHistory(groupHistoryFromEnded(invitation));
      },
      groupChanged: (groupID: string, members: readonly string[]) => {
        membersLists.invalidate(groupID);
        notices.announce(groupID, members);
      },
      queueChanged: (groupID: string) => queues.changed(groupID),
      resync(userID: string) {
        for (const connection of connections.get(userID) ?? []) connection.resync();
      },
      relayed(userID: string, text: string) {
        for (const connection of connections.get(userID) ?? []) connection.sendText(text);
      },
      reset() {
        // Clients reconnect; their resume names the old epoch, so each one gets a snapshot.
        log.warn('store epoch changed: every client resyncs');
        for (const connection of [...sockets]) connection.close(STORE_RESET, 'store epoch changed');
      },
    },
    log,
  );

  const http = createServer((req, res) => {
    handleHttp(req, res, {
      store,
      metrics,
      secret,
      maxTokenLifetimeSeconds: resolved.maxTokenLifetimeSeconds,
      dev,
      allowed,
      log,
      joins,
      lobby,
      maxGroupsPerUser,
      ...(options.staticDir ? { staticDir: options.staticDir } : {}),
      contentSecurityPolicy,
      ...(options.trtc ? { trtc: options.trtc } : {}),
      ...(iceServers ? { iceServers } : {}),
      members: membersLists,
    }).catch((err: unknown) => {
      const unavailable = (err as { code?: unknown })?.code === ErrorCode.UNAVAILABLE;
      log.error({ err }, 'http handler failed');
      if (!res.headersSent)
        res.writeHead(unavailable ? 503 : 500, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(
        JSON.stringify({
          error: unavailable
            ? { code: ErrorCode.UNAVAILABLE, message: 'the store is temporarily unavailable' }
            : { code: ErrorCode.INTERNAL, message: 'internal error' },
        }),
      );
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: resolved.maxPayloadBytes });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const origin = req.headers.origin;
    if (!originAllowed(origin, allowed, dev)) {
      metrics.inc('beckon_connections_closed_total', 'origin');
      socket.end(
        'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\norigin not allowed\n',
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(new Connection(ctx, ws));
    });
  });

  const beat = setInterval(() => {
    for (const connection of sockets) connection.heartbeat();
    userBuckets.sweep();
    joins.sweep();
    calls.sweep();
    groupCalls.sweep();
  }, resolved.heartbeatMs);
  beat.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  if (dev) {
    log.warn(
      `DEV MODE: anyone can mint a token at ${url}/dev/token?user=NAME. Never run dev mode in production.`,
    );
  }
  log.info({ url }, 'beckon server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    port: address.port,
    store,
    metrics,
    http,
    connectionsOf: (userID) => connections.get(userID)?.size ?? 0,
    terminate(userID) {
      for (const connection of [...(connections.get(userID) ?? [])]) connection.terminate();
    },
    close() {
      closing ??= (async () => {
        clearInterval(beat);
        calls.close();
        groupCalls.close();
        batches.close();
        notices.close();
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        for (const connection of sockets) connection.close(CloseCode.GOING_AWAY, 'server shutting down');
        for (const ws of wss.clients) ws.close(CloseCode.GOING_AWAY, 'server shutting down');
        // Give clients a moment to read the close frame, then cut whatever is left.
        await new Promise((r) => setTimeout(r, 50));
        for (const ws of wss.clients) ws.terminate();
        http.closeAllConnections();
        await closed;
        // The users who left with the sockets: their groups hear it before the store goes.
        await Promise.all(announcing);
        await store.close();
        log.info('beckon server stopped');
      })();
      return closing;
    },
  };
}
