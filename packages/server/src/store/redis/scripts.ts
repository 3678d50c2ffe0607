import type { Redis, Result } from 'ioredis';

/** An empty Lua table comes back from cjson as `{}`, not `[]`. */
export function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/**
 * The compare-and-set every write goes through. ARGV[2] is a JSON plan:
 * `{ epoch, node, by, logLimit, guards: [[key, version]], docs: [[key, json | false, groupID?]],
 *    ops: [[command, ...args]], deliveries: [{ users, group, event, held?, v }] }`.
 * It refuses unless the epoch is the caller's ('epoch'), Redis time is before `by` ('late': the
 * caller gave up waiting, so it must not apply) and every guarded hash still has the version the
 * caller read ('conflict'). Then it writes the docs (version + 1, or delete), runs the index ops
 * (plain commands, and PAIRDEL: take an invitation out of a glare hash),
 * expands group audiences, appends each event to every recipient's log with the next sequence
 * number, publishes a hint to each process where a recipient is present (presence sorted sets),
 * and returns `[[users, seqs], ...]` per delivery. A delivery with `held` (an onlineUserOnly
 * invitation's id) goes only to the recipients present now or already in the set `held:{id}`,
 * and adds them to it: `isLoggedFor` of the rules, done here so presence is read atomically.
 */
const COMMIT = `
local P = ARGV[1]
local c = cjson.decode(ARGV[2])
if redis.call('GET', P .. 'epoch') ~= c.epoch then return 'epoch' end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now > tonumber(c.by) then return 'late' end
for _, g in ipairs(c.guards) do
  if tonumber(redis.call('HGET', g[1], 'v') or '0') ~= tonumber(g[2]) then return 'conflict' end
end
for _, d in ipairs(c.docs) do
  if d[2] == false then
    redis.call('DEL', d[1])
  else
    redis.call('HINCRBY', d[1], 'v', 1)
    redis.call('HSET', d[1], 'r', d[2])
    if type(d[3]) == 'string' then redis.call('HSET', d[1], 'g', d[3]) end
  end
end
for _, op in ipairs(c.ops) do
  if op[1] == 'PAIRDEL' then
    -- Drop an ended invitation from its glare hash; the hash goes with its last entry.
    local r = redis.call('HGET', op[2], 'r')
    if r then
      local left = {}
      for _, id in ipairs(cjson.decode(r)) do
        if id ~= op[3] then left[#left + 1] = id end
      end
      if #left == 0 then
        redis.call('DEL', op[2])
      else
        redis.call('HINCRBY', op[2], 'v', 1)
        redis.call('HSET', op[2], 'r', cjson.encode(left))
      end
    end
  else
    redis.call(unpack(op))
  end
end
local result, routed, order = {}, {}, {}
for i, d in ipairs(c.deliveries) do
  local seen, users, seqs = {}, {}, {}
  for _, u in ipairs(d.users) do
    if not seen[u] then seen[u] = true; users[#users + 1] = u end
  end
  if d.group ~= '' then
    for _, u in ipairs(redis.call('ZRANGE', P .. 'members:' .. d.group, 0, -1)) do
      if not seen[u] then seen[u] = true; users[#users + 1] = u end
    end
  end
  -- isLoggedFor (rules/guards.ts): an onlineUserOnly invitation's event only for its holders
  -- and the users present now, who hold it from then on.
  local held = type(d.held) == 'string' and (P .. 'held:' .. d.held) or nil
  local kept, nodes = {}, {}
  for _, u in ipairs(users) do
    local at = redis.call('ZRANGEBYSCORE', P .. 'presence:' .. u, now, '+inf')
    if not held or #at > 0 or redis.call('SISMEMBER', held, u) == 1 then
      if held then redis.call('SADD', held, u) end
      kept[#kept + 1] = u
      nodes[#kept] = at
    end
  end
  users = kept
  for j, u in ipairs(users) do
    local s = redis.call('INCR', P .. 'seq:' .. u)
    local log = P .. 'log:' .. u
    redis.call('ZADD', log, s, s .. ':' .. d.event)
    redis.call('ZREMRANGEBYRANK', log, 0, -1 - tonumber(c.logLimit))
    seqs[j] = s
  end
  result[i] = {users, seqs}
  -- Route by presence: each process hears only of its own users. The committing process
  -- hands its events out from this reply.
  local byNode = {}
  for j, u in ipairs(users) do
    for _, n in ipairs(nodes[j]) do
      if n ~= c.node then
        local b = byNode[n]
        if not b then
          b = {u = {}, s = {}}
          byNode[n] = b
          if not routed[n] then routed[n] = {}; order[#order + 1] = n end
        end
        b.u[#b.u + 1] = u
        b.s[#b.s + 1] = seqs[j]
      end
    end
  end
  for n, b in pairs(byNode) do
    local part = routed[n]
    part[#part + 1] = '{"u":' .. cjson.encode(b.u) .. ',"s":' .. cjson.encode(b.s)
      .. ',"v":' .. string.format('%d', d.v) .. ',"e":' .. d.event .. '}'
  end
end
for _, n in ipairs(order) do
  redis.call('PUBLISH', P .. 'hints:' .. n,
    '{"n":' .. cjson.encode(c.node) .. ',"d":[' .. table.concat(routed[n], ',') .. ']}')
end
return cjson.encode(result)
`;

/**
 * One atomic read of what a transition needs: the invitations named in `ids`, those listed in
 * the glare pair hash `pair`, and the group `group` (or the group of invitation `groupOf`) with
 * its members. Returns JSON `{ inv: [[id, version, json]], pair?: [version, ids JSON],
 * group?: [groupID, version, json, members] }`.
 */
const LOAD = `
local P = ARGV[1]
local q = cjson.decode(ARGV[2])
local out = {inv = {}}
local ids = q.ids
if q.pair then
  local p = redis.call('HMGET', q.pair, 'v', 'r')
  out.pair = {tonumber(p[1] or '0'), p[2] or '[]'}
  for _, id in ipairs(cjson.decode(p[2] or '[]')) do ids[#ids + 1] = id end
end
local group = q.group
for _, id in ipairs(ids) do
  local h = redis.call('HMGET', P .. 'inv:' .. id, 'v', 'r', 'g')
  out.inv[#out.inv + 1] = {id, tonumber(h[1] or '0'), h[2] or ''}
  if q.groupOf == id and h[3] and h[3] ~= '' then group = h[3] end
end
if group and group ~= '' then
  local g = redis.call('HMGET', P .. 'grp:' .. group, 'v', 'r')
  out.group = {group, tonumber(g[1] or '0'), g[2] or '', redis.call('ZRANGE', P .. 'members:' .. group, 0, -1)}
end
return cjson.encode(out)
`;

/**
 * Leases due deadlines: every invitation whose deadline (or expired lease) is at or before
 * ARGV[3] gets its score moved to ARGV[3] + lease, so no other process takes it meanwhile; if
 * this one dies, the lease runs out and another does. Returns `['ok', id...]` or `['epoch']`.
 */
const CLAIM = `
local P = ARGV[1]
if redis.call('GET', P .. 'epoch') ~= ARGV[2] then return {'epoch'} end
local key = P .. 'deadlines'
local due = redis.call('ZRANGEBYSCORE', key, '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[5]))
local leased = tonumber(ARGV[3]) + tonumber(ARGV[4])
for _, id in ipairs(due) do redis.call('ZADD', key, leased, id) end
table.insert(due, 1, 'ok')
return due
`;

/** `[seq, record JSON...]`: the user's sequence and, read at the same instant, what they can see. */
const SNAPSHOT = `
local P, u = ARGV[1], ARGV[2]
local ids = redis.call('SMEMBERS', P .. 'inbox:' .. u)
for _, g in ipairs(redis.call('SMEMBERS', P .. 'groups:' .. u)) do
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'ginv:' .. g)) do ids[#ids + 1] = id end
end
local seen, out = {}, {redis.call('GET', P .. 'seq:' .. u) or '0'}
for _, id in ipairs(ids) do
  if not seen[id] then
    seen[id] = true
    local r = redis.call('HGET', P .. 'inv:' .. id, 'r')
    if r then out[#out + 1] = r end
  end
end
return out
`;

/** The user's log entries after ARGV[3], or nil when the log does not reach back that far. */
const EVENTS_SINCE = `
local P, u, since = ARGV[1], ARGV[2], tonumber(ARGV[3])
local cur = tonumber(redis.call('GET', P .. 'seq:' .. u) or '0')
if since > cur then return false end
if since == cur then return {} end
local log = P .. 'log:' .. u
local first = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
if #first == 0 or tonumber(first[2]) > since + 1 then return false end
return redis.call('ZRANGEBYSCORE', log, '(' .. since, '+inf')
`;

/** ARGV: prefix, groupID, code, group JSON, owner. 0 when the code is taken. */
const GROUP_CREATE = `
local P, id = ARGV[1], ARGV[2]
if not redis.call('SET', P .. 'code:' .. ARGV[3], id, 'NX') then return 0 end
redis.call('HSET', P .. 'grp:' .. id, 'v', 1, 'r', ARGV[4], 'n', 1)
redis.call('ZADD', P .. 'members:' .. id, 1, ARGV[5])
redis.call('SADD', P .. 'groups:' .. ARGV[5], id)
return 1
`;

/** ARGV: prefix, code, user. The group id, or nil for an unknown code. */
const GROUP_JOIN = `
local P, u = ARGV[1], ARGV[3]
local id = redis.call('GET', P .. 'code:' .. ARGV[2])
if not id then return false end
local g = P .. 'grp:' .. id
if redis.call('EXISTS', g) == 0 then return false end
local m = P .. 'members:' .. id
if not redis.call('ZSCORE', m, u) then
  redis.call('ZADD', m, redis.call('HINCRBY', g, 'n', 1), u)
  redis.call('SADD', P .. 'groups:' .. u, id)
  redis.call('HINCRBY', g, 'v', 1)
end
return id
`;

/** ARGV: prefix, groupID, user. 1 when the user was a member. */
const GROUP_LEAVE = `
local P, id, u = ARGV[1], ARGV[2], ARGV[3]
if redis.call('ZREM', P .. 'members:' .. id, u) == 0 then return 0 end
redis.call('SREM', P .. 'groups:' .. u, id)
redis.call('HINCRBY', P .. 'grp:' .. id, 'v', 1)
return 1
`;

/** ARGV: prefix, 'user' | 'id', value. JSON `[[groupID, group JSON, members]...]`. */
const GROUP_READ = `
local P = ARGV[1]
local ids = ARGV[2] == 'user' and redis.call('SMEMBERS', P .. 'groups:' .. ARGV[3]) or {ARGV[3]}
local out = {}
for _, id in ipairs(ids) do
  local r = redis.call('HGET', P .. 'grp:' .. id, 'r')
  if r then out[#out + 1] = {id, r, redis.call('ZRANGE', P .. 'members:' .. id, 0, -1)} end
end
return cjson.encode(out)
`;

/**
 * ARGV: prefix, user, version as read, 'set' or 'push', index, entry JSON, indexes to drop...
 * Applies one `HistoryChange` (history.ts) if the history's version is still the one read;
 * 0 when it moved meanwhile. Dropped entries are blanked then removed: indexes stay valid.
 */
const HISTORY_APPLY = `
local key, vkey = ARGV[1] .. 'hist:' .. ARGV[2], ARGV[1] .. 'histv:' .. ARGV[2]
if (redis.call('GET', vkey) or '0') ~= ARGV[3] then return 0 end
if ARGV[4] == 'set' then
  redis.call('LSET', key, tonumber(ARGV[5]), ARGV[6])
else
  for i = 7, #ARGV do redis.call('LSET', key, tonumber(ARGV[i]), '') end
  if #ARGV >= 7 then redis.call('LREM', key, 0, '') end
  redis.call('LPUSH', key, ARGV[6])
end
redis.call('INCR', vkey)
return 1
`;

/**
 * ARGV: prefix, user, this process, message. Publishes the message to every other process where
 * the user is present (media-room messages: relayed, never stored).
 */
const RELAY = `
local P, u, self = ARGV[1], ARGV[2], ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sent = 0
for _, n in ipairs(redis.call('ZRANGEBYSCORE', P .. 'presence:' .. u, now, '+inf')) do
  if n ~= self then
    redis.call('PUBLISH', P .. 'hints:' .. n, ARGV[4])
    sent = sent + 1
  end
end
return sent
`;

/**
 * Each script as a command of its own, defined with ioredis's `defineCommand`: ioredis runs it
 * by SHA (EVALSHA) and sends the source again when Redis answers NOSCRIPT (after a restart or a
 * SCRIPT FLUSH). No script declares keys: they build them from the prefix (ARGV[1]), which is
 * fine on one Redis, not on a Redis Cluster.
 */
const COMMANDS = {
  beckonCommit: COMMIT,
  beckonLoad: LOAD,
  beckonClaim: CLAIM,
  beckonSnapshot: SNAPSHOT,
  beckonEventsSince: EVENTS_SINCE,
  beckonGroupCreate: GROUP_CREATE,
  beckonGroupJoin: GROUP_JOIN,
  beckonGroupLeave: GROUP_LEAVE,
  beckonGroupRead: GROUP_READ,
  beckonHistoryApply: HISTORY_APPLY,
  beckonRelay: RELAY,
} as const;

/** Defines Beckon's scripts on a client (once; again is a no-op) and returns it. */
export function defineScripts(redis: Redis): Redis {
  for (const [name, lua] of Object.entries(COMMANDS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua });
  }
  return redis;
}

type Arg = string | number;

declare module 'ioredis' {
  // The commands `defineScripts` adds, with the arguments each script reads from ARGV.
  interface RedisCommander<Context> {
    beckonCommit(prefix: string, plan: string): Result<unknown, Context>;
    beckonLoad(prefix: string, query: string): Result<unknown, Context>;
    beckonClaim(prefix: string, epoch: string, now: Arg, leaseMs: Arg, limit: Arg): Result<unknown, Context>;
    beckonSnapshot(prefix: string, userID: string): Result<unknown, Context>;
    beckonEventsSince(prefix: string, userID: string, seq: Arg): Result<unknown, Context>;
    beckonGroupCreate(
      prefix: string,
      groupID: string,
      code: string,
      group: string,
      owner: string,
    ): Result<unknown, Context>;
    beckonGroupJoin(prefix: string, code: string, userID: string): Result<unknown, Context>;
    beckonGroupLeave(prefix: string, groupID: string, userID: string): Result<unknown, Context>;
    beckonGroupRead(prefix: string, by: 'user' | 'id', value: string): Result<unknown, Context>;
    beckonHistoryApply(
      prefix: string,
      userID: string,
      version: string,
      kind: 'set' | 'push',
      index: Arg,
      entry: string,
      ...drop: Arg[]
    ): Result<unknown, Context>;
    beckonRelay(prefix: string, userID: string, node: string, message: string): Result<unknown, Context>;
  }
}
