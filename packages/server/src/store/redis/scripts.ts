import type { Cluster, Redis, Result } from 'ioredis';

/** An empty Lua table comes back from cjson as `{}`, not `[]`. */
export function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** Lua: a user's sequence number, the id of the last entry of their log (a stream); 0 for none. */
const LAST_SEQ = `local function lastSeq(log)
  local last = redis.call('XREVRANGE', log, '+', '-', 'COUNT', 1)[1]
  return last and tonumber(string.sub(last[1], 3)) or 0
end`;

/** Lua: the lex-range bounds of the `inboxes` members that start with `pre` (a glare index, `Keys.pair`). */
const PREFIXED = `local function prefixed(pre)
  return '[' .. pre, '(' .. pre .. '\\255'
end`;

/** Lua: the processes of a presence entry (`Keys.where`) whose claim is still good at `now`. */
const ALIVE = `-- The processes of a presence entry ('node@expiry,...') whose claim is still good at now.
local function alive(value, now)
  local out = {}
  if value then
    for n, e in string.gmatch(value, '([^,@]+)@(%d+)') do
      if tonumber(e) > now then out[#out + 1] = n end
    end
  end
  return out
end`;

/**
 * The compare-and-set every write goes through, for several commits at once (group commit: the
 * commits a process has ready while its previous call is out go in one call; each is decided on
 * its own, in order, as if it were alone). KEYS: the epoch key, then every commit's guarded
 * hashes in turn. ARGV (flat, so the script decodes no JSON): prefix, epoch, this process, log
 * limit, trim step, the recipients the commits name (count, users...: their presence is read
 * once), the number of commits, then per commit its length in arguments and: `by`, the number
 * of its guards, their versions, the glare indexes it guards `n, (Keys.pair, count, ids...)*`,
 * the per-inviter cap (0: none) and the inviters it adds to `n, (Keys.capRange(inviter), count)*`,
 * then four counted sections: docs `n, (key, record JSON or '' to delete, new version, groupID
 * or '')*`, ops `n, (argc, command, args...)*`, deliveries `n, (v or '', held or '', group or '',
 * event JSON, user count, users..., skip count, skipped...)*`, then a group notice or '' (see
 * `encodeCommit`).
 *
 * It refuses every commit unless the epoch is the caller's ('epoch'). Then, per commit: 'late'
 * when Redis time is past its `by` (the caller gave up waiting, so it must not apply),
 * 'conflict' when a guarded hash no longer has the version the caller read or a guarded glare
 * index holds other ids than it read (an earlier commit of the same call counts: it applied
 * first), 'limit' when an invitation it starts would take its inviter past the cap (its entries
 * in `P inboxes`, which earlier commits of the call have already filed). Else it writes the docs
 * (one HSET each: the caller knows the version it read, so the new one is that plus one), runs
 * the index ops (plain commands), expands group audiences, appends each event to every
 * recipient's log (a stream: `XADD … 0-*` gives the next sequence number; trimmed only every
 * `trim step` events; a recipient with no log who is present nowhere never signed in and is not
 * logged, see OPEN_LOG), and returns `{users, seqs}` per delivery. A delivery with `held` (an
 * onlineUserOnly invitation's id) goes only to the recipients present now or already in the set
 * `held:{id}`, and adds them to it: `isLoggedFor` of the rules, done here so presence is read
 * atomically. Last, one hint per process where a recipient of any commit is present
 * (`Keys.where`), in commit order, then the group notices on the channel every process hears
 * (issue 19: a class's queue changed), so only commits that applied announce anything.
 */
const COMMIT = `
local P = ARGV[1]
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 'epoch' end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local node, logLimit, trim = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local routed, order, notices, results = {}, {}, {}, {}
${ALIVE}
${PREFIXED}
-- Where each recipient is connected: read once per call for the recipients named, once per
-- group delivery for the members found (at most 1000 fields per HMGET).
local present = {}
local function lookup(users)
  local missing = {}
  for _, u in ipairs(users) do
    if present[u] == nil then
      present[u] = false
      missing[#missing + 1] = u
    end
  end
  for from = 1, #missing, 1000 do
    local part = {unpack(missing, from, math.min(from + 999, #missing))}
    local values = redis.call('HMGET', P .. 'where', unpack(part))
    for i, u in ipairs(part) do present[u] = alive(values[i], now) end
  end
end
local named = tonumber(ARGV[6])
local first = {}
for i = 1, named do first[i] = ARGV[6 + i] end
lookup(first)
local a, k = 8 + named, 2
for c = 1, tonumber(ARGV[7 + named]) do
  local after = a + 1 + tonumber(ARGV[a])
  local by, g = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  local verdict = now > by and 'late' or nil
  if not verdict then
    for j = 0, g - 1 do
      if tonumber(redis.call('HGET', KEYS[k + j], 'v') or '0') ~= tonumber(ARGV[a + j]) then
        verdict = 'conflict'
        break
      end
    end
  end
  k = k + g
  if not verdict then
    a = a + g
    -- Glare indexes, guarded by their content: a pair's entries must be exactly the ids read
    -- (as many, and each still there; mostly none, one count).
    local lists = tonumber(ARGV[a]); a = a + 1
    for _ = 1, lists do
      local pre, count = ARGV[a], tonumber(ARGV[a + 1])
      if redis.call('ZLEXCOUNT', P .. 'inboxes', prefixed(pre)) ~= count then
        verdict = 'conflict'
      elseif count > 0 then
        local members = {}
        for j = 1, count do members[j] = pre .. ARGV[a + 1 + j] end
        for _, score in ipairs(redis.call('ZMSCORE', P .. 'inboxes', unpack(members))) do
          if not score then verdict = 'conflict' end
        end
      end
      a = a + 2 + count
    end
    -- The per-inviter cap, checked in the commit that starts invitations: exact across processes.
    -- An inviter's active invitations are its inbox entries in Keys.capRange.
    local cap, starts = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
    for j = a + 2, a + 3 * starts, 3 do
      local held = redis.call('ZLEXCOUNT', P .. 'inboxes', ARGV[j], ARGV[j + 1])
      if held + tonumber(ARGV[j + 2]) > cap then verdict = 'limit' end
    end
    a = a + 2 + 3 * starts
  end
  if verdict then
    results[c] = verdict
  else
    local n = tonumber(ARGV[a]); a = a + 1
    for _ = 1, n do
      local key, r, v, gid = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
      a = a + 4
      if r == '' then
        redis.call('DEL', key)
      elseif gid ~= '' then
        redis.call('HSET', key, 'v', v, 'r', r, 'g', gid)
      else
        redis.call('HSET', key, 'v', v, 'r', r)
      end
    end
    n = tonumber(ARGV[a]); a = a + 1
    for _ = 1, n do
      local argc = tonumber(ARGV[a])
      redis.call(unpack(ARGV, a + 1, a + argc))
      a = a + argc + 1
    end
    local result = {}
    n = tonumber(ARGV[a]); a = a + 1
    for i = 1, n do
      local v, heldID, group, event, count = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], tonumber(ARGV[a + 4])
      a = a + 5
      local seen, users, seqs = {}, {}, {}
      for j = 0, count - 1 do
        local u = ARGV[a + j]
        if not seen[u] then seen[u] = true; users[#users + 1] = u end
      end
      a = a + count
      -- Members the group expansion leaves out (they get their own view of the event, or nothing).
      count = tonumber(ARGV[a])
      for j = 1, count do seen[ARGV[a + j]] = true end
      a = a + count + 1
      if group ~= '' then
        for _, u in ipairs(redis.call('ZRANGE', P .. 'members:' .. group, 0, -1)) do
          if not seen[u] then seen[u] = true; users[#users + 1] = u end
        end
      end
      -- isLoggedFor (rules/guards.ts): an onlineUserOnly invitation's event only for its holders
      -- and the users present now, who hold it from then on.
      local held = heldID ~= '' and (P .. 'held:' .. heldID) or nil
      local kept, nodes = {}, {}
      lookup(users)
      for _, u in ipairs(users) do
        local at = present[u]
        if not held or #at > 0 or redis.call('SISMEMBER', held, u) == 1 then
          if held then redis.call('SADD', held, u) end
          kept[#kept + 1] = u
          nodes[#kept] = at
        end
      end
      users = {}
      local at = {}
      for j, u in ipairs(kept) do
        local log = P .. 'events:' .. u
        -- The stream numbers the entries 0-1, 0-2, ...: the id is the user's next sequence number.
        -- A user with no log who is connected nowhere has never signed in (OPEN_LOG makes the
        -- log when a user does): nothing is logged (NOMKSTREAM), and a first sign-in starts
        -- from a snapshot, so invitations to made-up user ids leave nothing behind.
        local id
        if #nodes[j] > 0 then
          id = redis.call('XADD', log, '0-*', 'e', event)
        else
          id = redis.call('XADD', log, 'NOMKSTREAM', '0-*', 'e', event)
        end
        if id then
          local s = tonumber(string.sub(id, 3))
          -- Trimmed every \`trim\` events: a log holds between logLimit and logLimit + trim - 1.
          if s % trim == 0 then redis.call('XTRIM', log, 'MAXLEN', logLimit) end
          users[#users + 1] = u
          seqs[#users] = s
          at[#users] = nodes[j]
        end
      end
      nodes = at
      result[i] = {users, seqs}
      -- Route by presence: each process hears only of its own users. The committing process
      -- hands its events out from this reply.
      local byNode = {}
      for j, u in ipairs(users) do
        for _, m in ipairs(nodes[j]) do
          if m ~= node then
            local b = byNode[m]
            if not b then
              b = {u = {}, s = {}}
              byNode[m] = b
              if not routed[m] then routed[m] = {}; order[#order + 1] = m end
            end
            b.u[#b.u + 1] = u
            b.s[#b.s + 1] = seqs[j]
          end
        end
      end
      for m, b in pairs(byNode) do
        local part = routed[m]
        -- A member's view carries no version: a process must not apply it to its cached record.
        part[#part + 1] = '{"u":' .. cjson.encode(b.u) .. ',"s":' .. cjson.encode(b.s)
          .. (v ~= '' and (',"v":' .. v) or '') .. ',"e":' .. event .. '}'
      end
    end
    if ARGV[a] ~= '' then notices[#notices + 1] = ARGV[a] end
    results[c] = result
  end
  a = after
end
for _, m in ipairs(order) do
  redis.call('PUBLISH', P .. 'hints:' .. m,
    '{"n":' .. cjson.encode(node) .. ',"d":[' .. table.concat(routed[m], ',') .. ']}')
end
-- The group notices for every process (queues that changed, events to learn), after the hints.
for _, notice in ipairs(notices) do redis.call('PUBLISH', P .. 'hints', notice) end
return results
`;

/**
 * One atomic read of what a transition needs. KEYS: the epoch key, then the invitations' hashes
 * asked for by id. ARGV: prefix, a glare index (`Keys.pair`) or '', a group id or '', an
 * invitation whose group is wanted or '', then the ids (one per invitation key); the
 * invitations the glare index lists are read too. Returns
 * `{ {id, version, record JSON or ''}..., pair: {ids...}, group: {id, version,
 * group JSON or '', members} or {} }` as three nested arrays; nothing is JSON-encoded here.
 */
const LOAD = `
local P = ARGV[1]
local pairOf, group, groupOf = ARGV[2], ARGV[3], ARGV[4]
local ids = {}
for i = 5, #ARGV do ids[#ids + 1] = ARGV[i] end
local pair = {}
${PREFIXED}
if pairOf ~= '' then
  for _, m in ipairs(redis.call('ZRANGEBYLEX', P .. 'inboxes', prefixed(pairOf))) do
    local id = string.sub(m, #pairOf + 1)
    pair[#pair + 1] = id
    ids[#ids + 1] = id
  end
end
local inv = {}
for _, id in ipairs(ids) do
  local h = redis.call('HMGET', P .. 'inv:' .. id, 'v', 'r', 'g')
  inv[#inv + 1] = {id, tonumber(h[1] or '0'), h[2] or ''}
  if groupOf == id and h[3] and h[3] ~= '' then group = h[3] end
end
local out = {}
if group ~= '' then
  local g = redis.call('HMGET', P .. 'grp:' .. group, 'v', 'r')
  out = {group, tonumber(g[1] or '0'), g[2] or '', redis.call('ZRANGE', P .. 'members:' .. group, 0, -1)}
end
return {inv, pair, out}
`;

/**
 * Leases due deadlines: every invitation whose deadline (or expired lease) is at or before
 * ARGV[2] gets its score moved to ARGV[2] + lease, so no other process takes it meanwhile; if
 * this one dies, the lease runs out and another does. KEYS: epoch, deadlines. ARGV: epoch, now,
 * lease, at most how many. Returns `['ok', id...]` or `['epoch']`.
 */
const CLAIM = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'epoch'} end
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
local leased = tonumber(ARGV[2]) + tonumber(ARGV[3])
for _, id in ipairs(due) do redis.call('ZADD', KEYS[2], leased, id) end
table.insert(due, 1, 'ok')
return due
`;

/**
 * `[seq, record JSON...]`: the user's sequence and, read at the same instant, what they can see.
 * KEYS: the inboxes, the user's groups and log. ARGV: prefix (for the groups' invitations found),
 * the user's `Keys.inboxOf` and `Keys.shownRange` (the entries a snapshot shows).
 */
const SNAPSHOT = `
local P, mine = ARGV[1], ARGV[2]
local ids = {}
for _, m in ipairs(redis.call('ZRANGEBYLEX', KEYS[1], ARGV[3], ARGV[4])) do
  ids[#ids + 1] = string.sub(m, #mine + 3)
end
for _, g in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'ginv:' .. g)) do ids[#ids + 1] = id end
end
${LAST_SEQ}
local seen, out = {}, {lastSeq(KEYS[3])}
for _, id in ipairs(ids) do
  if not seen[id] then
    seen[id] = true
    local r = redis.call('HGET', P .. 'inv:' .. id, 'r')
    if r then out[#out + 1] = r end
  end
end
return out
`;

/**
 * KEYS: the user's log. The entries after ARGV[1] (`[id, ['e', event JSON]]`, as XRANGE gives
 * them), or nil when the log does not reach back, or when ARGV[1] is past the user's sequence.
 */
const EVENTS_SINCE = `
local since = tonumber(ARGV[1])
${LAST_SEQ}
local cur = lastSeq(KEYS[1])
if since > cur then return false end
if since == cur then return {} end
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
if tonumber(string.sub(first[1], 3)) > since + 1 then return false end
return redis.call('XRANGE', KEYS[1], '(0-' .. since, '+')
`;

/**
 * KEYS: a user's log. The user signs in: their log is made if they have none (an empty stream,
 * which `XGROUP CREATE … MKSTREAM` makes; the group is dropped again), so what happens while they
 * are away is logged from now on; returns their sequence number. Until then COMMIT logs nothing
 * for them.
 */
const OPEN_LOG = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[1], 'open', '$', 'MKSTREAM')
  redis.call('XGROUP', 'DESTROY', KEYS[1], 'open')
end
${LAST_SEQ}
return lastSeq(KEYS[1])
`;
/** KEYS: users' logs. Each one's sequence number (the last entry's id; 0 for none). */
const SEQUENCES = `
${LAST_SEQ}
local out = {}
for i, key in ipairs(KEYS) do out[i] = lastSeq(key) end
return out
`;

/**
 * KEYS: code, group, members, the owner's groups, the owner's count of groups created. ARGV:
 * groupID, group JSON, owner, cap (0: none). 0 when the code is taken; -1 when the owner has
 * created `cap` groups already (nothing written).
 */
const GROUP_CREATE = `
local cap = tonumber(ARGV[4])
if cap > 0 and tonumber(redis.call('GET', KEYS[5]) or '0') >= cap then return -1 end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[2], 'v', 1, 'r', ARGV[2], 'n', 1)
redis.call('ZADD', KEYS[3], 1, ARGV[3])
redis.call('SADD', KEYS[4], ARGV[1])
return 1
`;

/** KEYS: the code, the user's groups. ARGV: prefix, user. The group id, or nil for an unknown code. */
const GROUP_JOIN = `
local P, u = ARGV[1], ARGV[2]
local id = redis.call('GET', KEYS[1])
if not id then return false end
local g = P .. 'grp:' .. id
if redis.call('EXISTS', g) == 0 then return false end
local m = P .. 'members:' .. id
if not redis.call('ZSCORE', m, u) then
  redis.call('ZADD', m, redis.call('HINCRBY', g, 'n', 1), u)
  redis.call('SADD', KEYS[2], id)
  redis.call('HINCRBY', g, 'v', 1)
end
return id
`;

/** KEYS: members, the user's groups, group. ARGV: groupID, user. 1 when the user was a member. */
const GROUP_LEAVE = `
if redis.call('ZREM', KEYS[1], ARGV[2]) == 0 then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[3], 'v', 1)
return 1
`;

/**
 * KEYS: the user's groups (ARGV[2] 'user') or the group (ARGV[2] 'id'). ARGV: prefix, 'user' | 'id',
 * value. JSON `[[groupID, group JSON, members]...]`.
 */
const GROUP_READ = `
local P = ARGV[1]
local ids = ARGV[2] == 'user' and redis.call('SMEMBERS', KEYS[1]) or {ARGV[3]}
local out = {}
for _, id in ipairs(ids) do
  local r = redis.call('HGET', P .. 'grp:' .. id, 'r')
  if r then out[#out + 1] = {id, r, redis.call('ZRANGE', P .. 'members:' .. id, 0, -1)} end
end
return cjson.encode(out)
`;

/**
 * Upgrading from layout 2 (keys.ts): files the invitations of one user's inbox set in
 * `inboxes`, then deletes the set. KEYS: the inboxes, the set. ARGV: prefix, the user, the
 * user's `Keys.inboxOf`. Invitations that ended meanwhile are left out.
 */
const INBOX_UPGRADE = `
local P, user, mine = ARGV[1], ARGV[2], ARGV[3]
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local r = redis.call('HGET', P .. 'inv:' .. id, 'r')
  if r then
    local kind = cjson.decode(r).inviter == user and 'b' or 'c'
    redis.call('ZADD', KEYS[1], 0, mine .. kind .. '|' .. id)
  end
end
redis.call('DEL', KEYS[2])
return 1
`;

/**
 * Upgrading from layout 2: files the invitations of one pair's glare hash (`{v, r: ids JSON}`) in
 * `inboxes` as that pair's glare index (`Keys.pair`), then deletes the hash. KEYS: the inboxes,
 * the hash. ARGV: prefix, the pair's index prefix.
 */
const PAIR_UPGRADE = `
local r = redis.call('HGET', KEYS[2], 'r')
if r then
  for _, id in ipairs(cjson.decode(r)) do
    if redis.call('EXISTS', ARGV[1] .. 'inv:' .. id) == 1 then redis.call('ZADD', KEYS[1], 0, ARGV[2] .. id) end
  end
end
redis.call('DEL', KEYS[2])
return 1
`;

/**
 * KEYS: the history list, its version, its queue. ARGV: version as read, how many queued entries
 * were folded (the queue's oldest: its tail), then the folded list (JSON entries, newest first).
 * Replaces the list and drops the folded entries from the queue if the list's version is still
 * the one read; 0 when another compaction came first. Entries queued since the read stay queued.
 */
const HISTORY_COMPACT = `
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
for from = 3, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[1], unpack(ARGV, from, math.min(from + 999, #ARGV)))
end
redis.call('LTRIM', KEYS[3], 0, -1 - tonumber(ARGV[2]))
redis.call('INCR', KEYS[2])
return 1
`;

/**
 * KEYS: presence (`Keys.where`). ARGV: prefix, this process, user, message. Publishes the
 * message to every other process where the user is present (media-room messages: relayed,
 * never stored).
 */
const RELAY = `
local P, self = ARGV[1], ARGV[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
${ALIVE}
local sent = 0
for _, n in ipairs(alive(redis.call('HGET', KEYS[1], ARGV[3]), now)) do
  if n ~= self then
    redis.call('PUBLISH', P .. 'hints:' .. n, ARGV[4])
    sent = sent + 1
  end
end
return sent
`;

/**
 * KEYS: presence (`Keys.where`). ARGV: this process, the expiry of its claims (ms; '' to take
 * them back), now (ms), a cursor ('' for none), users... Sets (or removes) this process's claim on
 * each user's entry, dropping claims that expired; then, with a cursor, looks at the next 100
 * entries and drops those where every claim expired (a process that died leaves nothing for
 * long). Returns the next cursor ('0' at the end of a pass) or ''.
 */
const PRESENCE = `
local node, exp, now, cursor = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
${ALIVE}
for i = 5, #ARGV do
  local u = ARGV[i]
  local v = redis.call('HGET', KEYS[1], u)
  local parts = {}
  if v then
    for n, e in string.gmatch(v, '([^,@]+)@(%d+)') do
      if n ~= node and tonumber(e) > now then parts[#parts + 1] = n .. '@' .. e end
    end
  end
  if exp ~= '' then parts[#parts + 1] = node .. '@' .. exp end
  if #parts == 0 then redis.call('HDEL', KEYS[1], u) else redis.call('HSET', KEYS[1], u, table.concat(parts, ',')) end
end
if cursor == '' then return '' end
local r = redis.call('HSCAN', KEYS[1], cursor, 'COUNT', 100)
local kv = r[2]
for i = 1, #kv, 2 do
  if #alive(kv[i + 1], now) == 0 then redis.call('HDEL', KEYS[1], kv[i]) end
end
return r[1]
`;

/**
 * KEYS: a group room (keys.ts). ARGV: inviter, acceptor, expiry (ms), the accept's time (ms).
 * Opens the room to both when it is not open (1); else lets the acceptor in (again) if the
 * inviter is a user (1), or refuses (0). One script: accepts decided on several processes at
 * once each see the others'. `j:<user>` is when the user came in.
 */
const GROUP_ROOM_JOIN = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'expiresAt', ARGV[3], 'u:' .. ARGV[1], '0', 'u:' .. ARGV[2], '0',
    'j:' .. ARGV[1], ARGV[4], 'j:' .. ARGV[2], ARGV[4])
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
  return 1
end
if redis.call('HEXISTS', KEYS[1], 'u:' .. ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'u:' .. ARGV[2], '0', 'j:' .. ARGV[2], ARGV[4])
return 1
`;

/**
 * KEYS: a group room. ARGV: user. Marks a user left ('left'), deleting the room when nobody is
 * left in it ('closed'); 'alreadyLeft' when they were marked before (of several leaves at once,
 * one marks), 'absent' when the user is not in an open room.
 */
const GROUP_ROOM_LEAVE = `
local seat = redis.call('HGET', KEYS[1], 'u:' .. ARGV[1])
if not seat then return 'absent' end
if seat == '1' then return 'alreadyLeft' end
redis.call('HSET', KEYS[1], 'u:' .. ARGV[1], '1')
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if string.sub(all[i], 1, 2) == 'u:' and all[i + 1] == '0' then return 'left' end
end
redis.call('DEL', KEYS[1])
return 'closed'
`;

/**
 * Each script as a command of its own, defined with ioredis's `defineCommand`: ioredis runs it
 * by SHA (EVALSHA) and sends the source again when Redis answers NOSCRIPT (after a restart or a
 * SCRIPT FLUSH). Every script declares the keys it is called about (a Redis Cluster client routes
 * by them); keys a script finds while running (a group's members, a recipient's log) are built
 * from the prefix and share the declared keys' hash slot (keys.ts).
 */
const COMMANDS = {
  beckonCommit: [COMMIT, undefined],
  beckonLoad: [LOAD, undefined],
  beckonClaim: [CLAIM, 2],
  beckonSnapshot: [SNAPSHOT, 3],
  beckonEventsSince: [EVENTS_SINCE, 1],
  beckonSequences: [SEQUENCES, undefined],
  beckonOpenLog: [OPEN_LOG, 1],
  beckonGroupCreate: [GROUP_CREATE, 5],
  beckonGroupJoin: [GROUP_JOIN, 2],
  beckonGroupLeave: [GROUP_LEAVE, 3],
  beckonGroupRead: [GROUP_READ, 1],
  beckonHistoryCompact: [HISTORY_COMPACT, 3],
  beckonInboxUpgrade: [INBOX_UPGRADE, 2],
  beckonPairUpgrade: [PAIR_UPGRADE, 2],
  beckonRelay: [RELAY, 1],
  beckonPresence: [PRESENCE, 1],
  beckonGroupRoomJoin: [GROUP_ROOM_JOIN, 1],
  beckonGroupRoomLeave: [GROUP_ROOM_LEAVE, 1],
} as const;

/** A standalone Redis or a Redis Cluster client: both run the same commands and scripts. */
export type Client = Redis | Cluster;

/** Defines Beckon's scripts on a client (once; again is a no-op) and returns it. */
export function defineScripts<C extends Client>(redis: C): C {
  for (const [name, [lua, numberOfKeys]] of Object.entries(COMMANDS)) {
    if (!(name in redis))
      redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
  }
  return redis;
}

/** What the commit script is told about the call; see COMMIT. */
export interface CommitCall {
  readonly prefix: string;
  readonly epochKey: string;
  readonly epoch: string;
  readonly node: string;
  readonly logLimit: number;
}

/** One commit of a call; see COMMIT. */
export interface CommitArgs {
  /** Redis time (ms) after which the script refuses this commit ('late'). */
  readonly by: number;
  readonly guards: ReadonlyArray<readonly [string, number]>;
  /** Glare indexes (`Keys.pair`) that must hold exactly these ids: 'conflict' otherwise. */
  readonly lists?: ReadonlyArray<readonly [string, readonly string[]]>;
  /**
   * The per-inviter cap (0 or absent: none) and the inviters (their `Keys.capRange`) whose
   * active invitations this commit adds to, with how many: 'limit' when one would pass the cap.
   */
  readonly cap?: number;
  readonly starts?: ReadonlyArray<readonly [string, string, number]>;
  /** `[key, record JSON or false to delete, new version, groupID?]`. */
  readonly docs: ReadonlyArray<readonly [string, string | false, number, string?]>;
  readonly ops: ReadonlyArray<readonly string[]>;
  readonly deliveries: ReadonlyArray<{
    readonly users: readonly string[];
    readonly group: string;
    readonly skip?: readonly string[];
    readonly event: string;
    readonly held?: string;
    /** Undefined: a member's view, which no process may apply to its cached record. */
    readonly v?: number;
  }>;
  /** Classes whose hand queue changed (issue 19). */
  readonly queues?: readonly string[];
  /** Hint entries (JSON) every process hears, to keep cached records current. */
  readonly learn?: readonly string[];
}

/** A log is trimmed every this many events (at most 64): fewer XTRIMs, a log a little longer. */
export const trimStep = (logLimit: number) => Math.max(1, Math.min(64, Math.floor(logLimit / 8)));

/**
 * The arguments of `beckonCommit` for the commits of one call, in order: key count, keys, then
 * the flat ARGV the script reads. Its reply is 'epoch', or one entry per commit: 'late',
 * 'conflict', or per delivery `[users, seqs]`.
 */
export function encodeCommit(call: CommitCall, commits: readonly CommitArgs[]): Array<string | number> {
  const keys: string[] = [call.epochKey];
  // Every recipient the commits name (groups' members are found by the script).
  const named = new Set<string>();
  for (const c of commits) for (const d of c.deliveries) for (const u of d.users) named.add(u);
  const argv: Array<string | number> = [
    call.prefix,
    call.epoch,
    call.node,
    call.logLimit,
    trimStep(call.logLimit),
    named.size,
    ...named,
    commits.length,
  ];
  for (const c of commits) {
    for (const [key] of c.guards) keys.push(key);
    const at = argv.length;
    argv.push(0, c.by, c.guards.length);
    for (const [, version] of c.guards) argv.push(version);
    const lists = c.lists ?? [];
    argv.push(lists.length);
    for (const [prefix, ids] of lists) argv.push(prefix, ids.length, ...ids);
    const starts = c.cap ? (c.starts ?? []) : [];
    argv.push(c.cap ?? 0, starts.length);
    for (const [min, max, n] of starts) argv.push(min, max, n);
    argv.push(c.docs.length);
    for (const [key, json, version, group] of c.docs)
      argv.push(key, json === false ? '' : json, version, group ?? '');
    argv.push(c.ops.length);
    for (const op of c.ops) argv.push(op.length, ...op);
    argv.push(c.deliveries.length);
    for (const d of c.deliveries) {
      const skip = d.skip ?? [];
      argv.push(d.v ?? '', d.held ?? '', d.group, d.event, d.users.length, ...d.users, skip.length, ...skip);
    }
    argv.push(groupNotice(call.node, c.queues ?? [], c.learn ?? []));
    argv[at] = argv.length - at - 1;
  }
  return [keys.length, ...keys, ...argv];
}

/** The broadcast of a commit (see `takeHint`), or '' when it has nothing to tell. */
function groupNotice(node: string, queues: readonly string[], learn: readonly string[]): string {
  if (queues.length === 0 && learn.length === 0) return '';
  const q = queues.length === 0 ? '' : `,"q":${JSON.stringify(queues)}`;
  const d = learn.length === 0 ? '' : `,"d":[${learn.join(',')}]`;
  return `{"n":${JSON.stringify(node)}${q}${d}}`;
}

/** What `beckonLoad` is asked: invitations by id, a glare pair hash, a group or an invitation's group. */
export function encodeLoad(
  prefix: string,
  epochKey: string,
  invKeys: readonly string[],
  q: { ids: readonly string[]; pair?: string; group?: string; groupOf?: string },
): Array<string | number> {
  return [
    1 + invKeys.length,
    epochKey,
    ...invKeys,
    prefix,
    q.pair ?? '',
    q.group ?? '',
    q.groupOf ?? '',
    ...q.ids,
  ];
}

type Arg = string | number;

declare module 'ioredis' {
  // The commands `defineScripts` adds: KEYS first (see each script), then ARGV.
  interface RedisCommander<Context> {
    beckonCommit(...args: Arg[]): Result<unknown, Context>;
    beckonLoad(...args: Arg[]): Result<unknown, Context>;
    beckonClaim(
      epochKey: string,
      deadlines: string,
      epoch: string,
      now: Arg,
      leaseMs: Arg,
      limit: Arg,
    ): Result<unknown, Context>;
    beckonSnapshot(
      inboxes: string,
      groups: string,
      log: string,
      prefix: string,
      inboxOf: string,
      shownMin: string,
      shownMax: string,
    ): Result<unknown, Context>;
    beckonEventsSince(logKey: string, seq: Arg): Result<unknown, Context>;
    beckonSequences(count: number, ...logKeys: string[]): Result<unknown, Context>;
    beckonOpenLog(logKey: string): Result<unknown, Context>;
    beckonGroupCreate(
      codeKey: string,
      groupKey: string,
      membersKey: string,
      ownerGroups: string,
      ownerCreated: string,
      groupID: string,
      group: string,
      owner: string,
      cap: number,
    ): Result<unknown, Context>;
    beckonGroupJoin(
      codeKey: string,
      userGroups: string,
      prefix: string,
      userID: string,
    ): Result<unknown, Context>;
    beckonGroupLeave(
      membersKey: string,
      userGroups: string,
      groupKey: string,
      groupID: string,
      userID: string,
    ): Result<unknown, Context>;
    beckonGroupRead(key: string, prefix: string, by: 'user' | 'id', value: string): Result<unknown, Context>;
    beckonInboxUpgrade(
      inboxes: string,
      set: string,
      prefix: string,
      user: string,
      inboxOf: string,
    ): Result<unknown, Context>;
    beckonPairUpgrade(inboxes: string, hash: string, prefix: string, pair: string): Result<unknown, Context>;
    beckonHistoryCompact(
      listKey: string,
      versionKey: string,
      queueKey: string,
      version: string,
      folded: Arg,
      ...entries: string[]
    ): Result<unknown, Context>;
    beckonRelay(
      where: string,
      prefix: string,
      node: string,
      userID: string,
      message: string,
    ): Result<unknown, Context>;
    beckonPresence(
      where: string,
      node: string,
      expiry: Arg,
      now: Arg,
      cursor: string,
      ...users: string[]
    ): Result<unknown, Context>;
    beckonGroupRoomJoin(
      key: string,
      inviter: string,
      acceptor: string,
      expiresAt: Arg,
      at: Arg,
    ): Result<unknown, Context>;
    beckonGroupRoomLeave(key: string, user: string): Result<unknown, Context>;
  }
}
