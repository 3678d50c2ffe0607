import type { IncomingMessage, ServerResponse } from 'node:http';
import { BeckonError, ErrorCode } from '@beckon/signaling';
import { isValidId } from '@beckon/signaling/rules';
import type { Logger } from 'pino';
import { createToken, verifyToken } from './auth.js';
import { type IceServersConfig, iceServersFor } from './iceServers.js';
import { GroupCapError, type JoinThrottle } from './limits.js';
import type { MembersCache, MembersView } from './membersCache.js';
import type { Metrics } from './metrics.js';
import { originAllowed } from './origin.js';
import { serveStatic } from './staticFiles.js';
import type { Group, Store } from './store/types.js';
import { createUserSig } from './userSig.js';

export interface HttpContext {
  readonly store: Store;
  readonly metrics: Metrics;
  readonly secret: string;
  readonly maxTokenLifetimeSeconds: number;
  readonly dev: boolean;
  readonly allowed: readonly string[] | '*';
  readonly log: Logger;
  /** Failed joins per user and per address. */
  readonly joins: JoinThrottle;
  /** A built web app to serve on paths the API does not use (the demos). */
  readonly staticDir?: string;
  /** The Content-Security-Policy header of the static HTML pages; false sends none. */
  readonly contentSecurityPolicy: string | false;
  /** Dev mode's shared lobby group, made on first use. */
  readonly lobby: { groupID?: string };
  /** TRTC credentials: the server mints UserSigs, the secret key never leaves it. */
  readonly trtc?: { readonly sdkAppId: number; readonly secretKey: string };
  /** STUN/TURN servers for `GET /ice-servers`; none when undefined. */
  readonly iceServers?: IceServersConfig;
  /** `GET /groups/:id/members`, shared by the requests of one refetch. */
  readonly members: MembersCache;
  /** Groups one user may create (`POST /groups` answers 403, 9011, beyond it). */
  readonly maxGroupsPerUser: number;
}

const API_PREFIXES = ['/groups', '/history', '/dev/', '/trtc/', '/ice-servers', '/healthz', '/metrics'];
const USER_SIG_SECONDS = 24 * 3600;

const MAX_BODY = 16 * 1024;
const DEV_TOKEN_TTL = 12 * 3600;

/** A request the API refuses: the HTTP status and the Beckon code the body carries. */
class HttpError extends BeckonError<number> {
  override name = 'HttpError';
  readonly status: number;

  constructor(status: number, code: number, message: string) {
    super(code, message);
    this.status = status;
  }
}

/** The group, when `userID` is one of its members; else the API's 404 or 403. */
async function memberGroup(store: Store, groupID: string, userID: string): Promise<Group> {
  const group = await store.getGroup(groupID);
  if (!group) throw new HttpError(404, ErrorCode.GROUP_NOT_FOUND, 'group not found');
  if (!group.members.includes(userID)) {
    throw new HttpError(403, ErrorCode.NOT_GROUP_MEMBER, 'you are not a member of this group');
  }
  return group;
}

/**
 * A join or leave through this process: its own members lists show it at once (the store's
 * notice comes back later on Redis), and every process's members hear of it.
 */
function groupChanged(ctx: HttpContext, groupID: string, members: readonly string[]): void {
  ctx.members.invalidate(groupID);
  ctx.store.announceGroup(groupID, members);
}

async function readMembers(store: Store, groupID: string): Promise<MembersView | undefined> {
  const group = await store.getGroup(groupID);
  return group && { group, online: await store.online(group.members) };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (status === 204) {
    res.writeHead(204).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new HttpError(413, ErrorCode.INVALID_PARAMETERS, `body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, ErrorCode.INVALID_PARAMETERS, 'body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, ErrorCode.INVALID_PARAMETERS, 'body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

async function requireUser(req: IncomingMessage, ctx: HttpContext): Promise<string> {
  const header = req.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : undefined;
  const result = await verifyToken(ctx.secret, token, { maxLifetimeSeconds: ctx.maxTokenLifetimeSeconds });
  if (!result.ok) throw new HttpError(401, ErrorCode.UNAUTHORIZED, `token ${result.reason}`);
  return result.userID;
}

/** A TRTC / Tencent Cloud Chat UserSig (one signature serves both under one SDKAppID). */
function userSigBody(trtc: { readonly sdkAppId: number; readonly secretKey: string }, userID: string) {
  const { sdkAppId, secretKey } = trtc;
  const userSig = createUserSig({ sdkAppId, secretKey, userId: userID, expireSeconds: USER_SIG_SECONDS });
  return { sdkAppId, userID, userSig, expiresAt: Date.now() + USER_SIG_SECONDS * 1000 };
}

function publicGroup(group: Group) {
  return {
    groupID: group.groupID,
    name: group.name,
    code: group.code,
    owner: group.owner,
    createdAt: group.createdAt,
  };
}

/** The HTTP JSON API: groups, members with presence, call history, health, metrics, dev tokens. */
export async function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  // Every answer, API or static file, is read as the type it says it is.
  res.setHeader('x-content-type-options', 'nosniff');
  const origin = req.headers.origin;
  if (origin !== undefined && originAllowed(origin, ctx.allowed, ctx.dev)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'origin');
    res.setHeader('access-control-allow-headers', 'authorization, content-type');
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
  }
  if (req.method === 'OPTIONS') return send(res, 204, null);

  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  try {
    if (req.method === 'GET' && path === '/healthz') {
      return send(res, 200, { ok: true, epoch: ctx.store.epoch, connections: ctx.metrics.connections });
    }
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(ctx.metrics.render());
      return;
    }
    if (req.method === 'GET' && path === '/dev/token') {
      if (!ctx.dev) throw new HttpError(404, ErrorCode.INVALID_PARAMETERS, 'not found');
      const user = url.searchParams.get('user') ?? '';
      if (!isValidId(user.trim()) || user.trim() !== user) {
        throw new HttpError(400, ErrorCode.INVALID_PARAMETERS, 'user must be a 1..128 character name');
      }
      const token = await createToken({ secret: ctx.secret, userID: user, ttlSeconds: DEV_TOKEN_TTL });
      return send(res, 200, { token, userID: user, expiresAt: Date.now() + DEV_TOKEN_TTL * 1000 });
    }

    if (req.method === 'GET' && path === '/dev/usersig') {
      // Dev mode: a UserSig for any name, so the call demo's Tencent mode can be tried with a
      // test app's secret key and no backend (the demo's UserSig endpoint contract).
      if (!ctx.dev) throw new HttpError(404, ErrorCode.INVALID_PARAMETERS, 'not found');
      if (!ctx.trtc) {
        throw new HttpError(
          404,
          ErrorCode.INVALID_PARAMETERS,
          'set TRTC_SDK_APP_ID and TRTC_SECRET_KEY to mint UserSigs',
        );
      }
      const user = url.searchParams.get('userID') ?? '';
      if (!isValidId(user.trim()) || user.trim() !== user) {
        throw new HttpError(400, ErrorCode.INVALID_PARAMETERS, 'userID must be a 1..128 character name');
      }
      return send(res, 200, userSigBody(ctx.trtc, user));
    }

    if (req.method === 'GET' && ctx.staticDir && !API_PREFIXES.some((p) => path.startsWith(p))) {
      if (await serveStatic(ctx.staticDir, path, res, ctx.contentSecurityPolicy)) return;
      throw new HttpError(404, ErrorCode.INVALID_PARAMETERS, 'not found');
    }

    const userID = await requireUser(req, ctx);
    if (req.method === 'GET' && path === '/trtc/usersig') {
      if (!ctx.trtc)
        throw new HttpError(404, ErrorCode.INVALID_PARAMETERS, 'TRTC is not configured on this server');
      return send(res, 200, userSigBody(ctx.trtc, userID));
    }
    if (req.method === 'GET' && path === '/ice-servers') {
      return send(res, 200, iceServersFor(ctx.iceServers, userID, Date.now()));
    }
    if (req.method === 'POST' && path === '/dev/lobby') {
      // Dev mode: one group everybody joins, so the call demo can list who is online.
      if (!ctx.dev) throw new HttpError(404, ErrorCode.INVALID_PARAMETERS, 'not found');
      const existing = ctx.lobby.groupID ? await ctx.store.getGroup(ctx.lobby.groupID) : undefined;
      const group = existing
        ? ((await ctx.store.joinGroup(existing.code, userID)) ?? existing)
        : await ctx.store.createGroup(userID, 'Lobby');
      ctx.lobby.groupID = group.groupID;
      return send(res, 200, publicGroup(group));
    }
    if (req.method === 'POST' && path === '/groups') {
      const body = await readJson(req);
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      if (name.length === 0 || name.length > 100) {
        throw new HttpError(400, ErrorCode.INVALID_PARAMETERS, 'name must be 1..100 characters');
      }
      const group = await ctx.store.createGroup(userID, name, ctx.maxGroupsPerUser);
      return send(res, 201, publicGroup(group));
    }
    if (req.method === 'POST' && path === '/groups/join') {
      const body = await readJson(req);
      if (typeof body.code !== 'string' || body.code.length > 32) {
        throw new HttpError(400, ErrorCode.INVALID_PARAMETERS, 'code must be a string');
      }
      const address = req.socket.remoteAddress ?? '';
      const wait = ctx.joins.wait(userID, address);
      if (wait > 0) {
        res.setHeader('retry-after', String(Math.ceil(wait / 1000)));
        throw new HttpError(429, ErrorCode.RATE_LIMITED, 'too many failed joins: try again later');
      }
      const group = await ctx.store.joinGroup(body.code.trim(), userID);
      if (!group) {
        ctx.joins.failed(userID, address);
        throw new HttpError(404, ErrorCode.GROUP_NOT_FOUND, 'no group has this code');
      }
      groupChanged(ctx, group.groupID, group.members);
      return send(res, 200, publicGroup(group));
    }
    if (req.method === 'GET' && path === '/groups') {
      return send(res, 200, { groups: (await ctx.store.groupsOf(userID)).map(publicGroup) });
    }
    if (req.method === 'GET' && path === '/history') {
      return send(res, 200, { entries: await ctx.store.history(userID) });
    }
    const match = /^\/groups\/([^/]+)\/(members|leave)$/.exec(path);
    if (match) {
      const groupID = decodeURIComponent(match[1] ?? '');
      if (req.method === 'GET' && match[2] === 'members') {
        const read = () => readMembers(ctx.store, groupID);
        let view = await ctx.members.get(groupID, read);
        if (!view) throw new HttpError(404, ErrorCode.GROUP_NOT_FOUND, 'group not found');
        if (!view.group.members.includes(userID)) {
          // A join this process has not heard of yet, or not a member: the group alone decides
          // (a stranger's requests never read presence), then a fresh view for the newcomer.
          await memberGroup(ctx.store, groupID, userID);
          ctx.members.invalidate(groupID);
          view = (await ctx.members.get(groupID, read)) ?? view;
        }
        const { group, online } = view;
        const members = group.members.map((id) => ({
          userID: id,
          online: online.has(id),
          owner: id === group.owner,
        }));
        return send(res, 200, { group: publicGroup(group), members });
      }
      const group = await memberGroup(ctx.store, groupID, userID);
      if (req.method === 'POST' && match[2] === 'leave') {
        await ctx.store.leaveGroup(groupID, userID);
        groupChanged(ctx, groupID, group.members);
        return send(res, 204, null);
      }
    }
    throw new HttpError(404, ErrorCode.INVALID_PARAMETERS, `no route for ${req.method} ${path}`);
  } catch (error) {
    if (error instanceof HttpError)
      return send(res, error.status, { error: { code: error.code, message: error.message } });
    if (error instanceof GroupCapError) {
      return send(res, 403, {
        error: {
          code: ErrorCode.LIMIT_EXCEEDED,
          message: error.message,
          details: { field: 'groups', limit: error.limit },
        },
      });
    }
    // decodeURIComponent on a path with a broken escape (`/%E0%A4%A`): the client's fault.
    if (error instanceof URIError) {
      return send(res, 400, {
        error: { code: ErrorCode.INVALID_PARAMETERS, message: 'malformed percent-encoding in the URL' },
      });
    }
    throw error;
  }
}
