import type { Redis } from "ioredis"
import { createHash } from "node:crypto"
import { reserveSlotFunction } from "./upstreamScripts.js"

/**
 * The Lua scripts that make each shared decision one atomic step in Redis, so
 * two replicas deciding at the same instant cannot both pass a full window.
 * Instants are the callers' epoch milliseconds (from Effect's Clock).
 */

/**
 * Exact sliding window over a sorted set of admitted instants.
 * KEYS[1] window; ARGV now, windowMs, limit, member. Returns 0 when admitted,
 * else the wait in ms until the instant `limit` places back leaves the window.
 */
export const takeScript = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local blocking = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
local wait = tonumber(blocking[2]) + window - now
if wait < 1 then wait = 1 end
return wait
`

/**
 * A failure toward a lockout. KEYS[1] failures (sorted set), KEYS[2] the
 * lockouts hash; ARGV now, windowMs, max, lockoutMs, member, field, label.
 * Returns {lockedOut, failures or lockoutUntil, newlyLockedOut}.
 */
export const failureScript = `
local now = tonumber(ARGV[1])
local held = redis.call('HGET', KEYS[2], ARGV[6])
if held then
  local untilAt = tonumber(string.sub(held, 1, string.find(held, '|', 1, true) - 1))
  if untilAt > now then return {1, untilAt, 0} end
end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[5])
local count = redis.call('ZCARD', KEYS[1])
if count < tonumber(ARGV[3]) then
  redis.call('PEXPIRE', KEYS[1], window)
  return {0, count, 0}
end
redis.call('DEL', KEYS[1])
local lockedUntil = now + tonumber(ARGV[4])
redis.call('HSET', KEYS[2], ARGV[6], lockedUntil .. '|' .. ARGV[7])
return {1, lockedUntil, 1}
`

/** Lock out until ARGV[2] unless a longer lockout holds. KEYS[1] lockouts hash; ARGV field, until, label. */
export const lockOutScript = `
local held = redis.call('HGET', KEYS[1], ARGV[1])
local untilAt = tonumber(ARGV[2])
if held then
  local current = tonumber(string.sub(held, 1, string.find(held, '|', 1, true) - 1))
  if current > untilAt then untilAt = current end
end
redis.call('HSET', KEYS[1], ARGV[1], untilAt .. '|' .. ARGV[3])
return untilAt
`

/**
 * Consume a single-use record once. KEYS[1] holds "expiresAt|used|record";
 * ARGV claim, now. Marks it used when unused, unexpired and exactly the claim;
 * returns what was there before (nil when unknown).
 */
const consumeOnceFunction = `
local function consumeOnce(key, claim, now)
  local held = redis.call('GET', key)
  if not held then return false end
  local bar = string.find(held, '|', 1, true)
  local expiresAt = tonumber(string.sub(held, 1, bar - 1))
  local used = string.sub(held, bar + 1, bar + 1)
  local record = string.sub(held, bar + 3)
  if used == '0' and expiresAt > now and record == claim then
    redis.call('SET', key, expiresAt .. '|1|' .. record, 'KEEPTTL')
  end
  return held
end
`

export const consumeScript = `${consumeOnceFunction}
return consumeOnce(KEYS[1], ARGV[1], tonumber(ARGV[2]))
`

// ---------------------------------------------------------------------------------------------------------------
// Threat profiles (issue 14, part A).

/**
 * Append to a client's shared behaviour and read what the caller has not seen.
 * KEYS[1] meta hash (g generation, a/c counts appended, r raisedUntil),
 * KEYS[2] attempts list ("at"), KEYS[3] calls list ("at|json"), oldest first.
 * ARGV now, horizonMs, capacity, seen generation, seen attempts, seen calls,
 * a new generation (used when the log is new), attempt ('' for none), call
 * ('' for none), raisedUntil ('' for none). Each list keeps the entries of the
 * last horizonMs, at most `capacity`; every key expires when nothing counts.
 * Returns {generation, attempts count, calls count, raisedUntil, reset,
 * unseen attempts, unseen calls}.
 */
const syncBehaviourFunction = `
local function syncBehaviour(keys, argv)
  local now = tonumber(argv[1])
  local horizon = tonumber(argv[2])
  local capacity = tonumber(argv[3])
  local generation = redis.call('HGET', keys[1], 'g')
  if not generation then
    generation = argv[7]
    redis.call('DEL', keys[2], keys[3])
    redis.call('HSET', keys[1], 'g', generation, 'a', 0, 'c', 0, 'r', 0)
  end
  local seenA = tonumber(argv[5])
  local seenC = tonumber(argv[6])
  local reset = 0
  if generation ~= argv[4] then
    reset = 1
    seenA = 0
    seenC = 0
  end
  local countA = tonumber(redis.call('HGET', keys[1], 'a'))
  local countC = tonumber(redis.call('HGET', keys[1], 'c'))
  if argv[8] ~= '' then
    redis.call('RPUSH', keys[2], argv[8])
    countA = redis.call('HINCRBY', keys[1], 'a', 1)
  end
  if argv[9] ~= '' then
    redis.call('RPUSH', keys[3], argv[9])
    countC = redis.call('HINCRBY', keys[1], 'c', 1)
  end
  local raised = tonumber(redis.call('HGET', keys[1], 'r'))
  if argv[10] ~= '' and tonumber(argv[10]) > raised then
    raised = tonumber(argv[10])
    redis.call('HSET', keys[1], 'r', argv[10])
  end
  local cutoff = now - horizon
  local function trim(list)
    local length = redis.call('LLEN', list)
    if length > capacity then redis.call('LTRIM', list, length - capacity, -1) end
    while true do
      local head = redis.call('LINDEX', list, 0)
      if not head then break end
      local bar = string.find(head, '|', 1, true)
      local at = tonumber(bar and string.sub(head, 1, bar - 1) or head)
      if at > cutoff then break end
      redis.call('LPOP', list)
    end
  end
  trim(keys[2])
  trim(keys[3])
  local function since(list, count, seen)
    local missing = count - seen
    if missing <= 0 then return {} end
    local length = redis.call('LLEN', list)
    if missing > length then missing = length end
    if missing == 0 then return {} end
    return redis.call('LRANGE', list, length - missing, -1)
  end
  local attempts = since(keys[2], countA, seenA)
  local calls = since(keys[3], countC, seenC)
  local ttl = horizon
  if raised - now > ttl then ttl = raised - now end
  for i = 1, 3 do redis.call('PEXPIRE', keys[i], ttl) end
  return {generation, countA, countC, raised, reset, attempts, calls}
end
`

export const behaviourScript = `${syncBehaviourFunction}
-- With KEYS[4]: the OPERA throttle's slot the call's admission reserved and no request of it used (ARGV[11]),
-- given back (see reserveSlot: the other slots stay in force).
if KEYS[4] then redis.call('ZREM', KEYS[4], ARGV[11]) end
return syncBehaviour(KEYS, ARGV)
`

// ---- One-trip admission (issue 14, part C) ----

/**
 * A tool call's admission in one step: the block, then the lockout, then the
 * exact sliding window of `takeScript` (not taken while blocked or locked out).
 * KEYS[1] window, KEYS[2] lockouts hash, KEYS[3] blocks hash; ARGV now,
 * windowMs, limit (0: no window), member, field (the client's keyed hash).
 * Returns {0, …} admitted (below), {1, blockedUntil, incidentId},
 * {2, lockoutUntil} or {3, wait in ms}.
 *
 * ARGV[6] is the confirmation token's step ('' none, 'put' or 'consume'),
 * made only for an admitted call, on its own key (the last, or the one before
 * the throttle's): 'put' stores ARGV[7]
 * ("expiresAt|0|record") for ARGV[8] ms, as `putOnce` does; 'consume' does
 * what `consumeScript` does with the claim ARGV[7]. ARGV[7..9] are always
 * there ('' when unused).
 *
 * With the behaviour keys the threat monitor's attempt rides along (issue 14:
 * two round trips per tool call): KEYS[4..6] and ARGV[10..19] are
 * `behaviourScript`'s keys and arguments (its attempt the admission instant).
 * An admitted call's attempt is appended in the same step.
 *
 * With ARGV[9] ("max|maxWaitMs|windowMs|lateByMs", '' for none) and the OPERA
 * throttle's key last, an admitted call also reserves the slot of its first
 * OPERA request (`reserveSlot`, member ARGV[4]), so a read that makes one
 * request costs no round trip of the throttle's own.
 *
 * An admitted call's reply is {0, the record the token's step found ('' for
 * none, and after a 'put'), the wait until the reserved slot (-1: none), then
 * `behaviourScript`'s reply, if any}; a refused call appends nothing, stores,
 * consumes and reserves nothing.
 */
export const admitScript = `${syncBehaviourFunction}${consumeOnceFunction}${reserveSlotFunction}
local onceMode = ARGV[6]
local onceKeys = 0
if onceMode ~= '' then onceKeys = 1 end
local paceKeys = 0
if ARGV[9] ~= '' then paceKeys = 1 end
local onceKey = KEYS[#KEYS - paceKeys]
-- The token's step comes before any other write of the script: Redis refuses a script's first write that may grow
-- memory while it is full (maxmemory, noeviction), and then the whole admission is refused, nothing half-done; a
-- later write of a script that has written already would be let through.
local function onceStep()
  if onceMode == 'put' then
    redis.call('SET', onceKey, ARGV[7], 'PX', tonumber(ARGV[8]))
  elseif onceMode == 'consume' then
    return consumeOnce(onceKey, ARGV[7], tonumber(ARGV[1])) or ''
  end
  return ''
end
-- The OPERA throttle's slot for the call's first request ("max|maxWait|window|lateBy" in ARGV[9]), on the last
-- key: the wait until it, or -1 when none was reserved (the request then paces itself as it starts).
local function paceStep()
  if paceKeys == 0 then return -1 end
  local spec = {}
  for part in string.gmatch(ARGV[9], '[^|]+') do spec[#spec + 1] = tonumber(part) end
  local wait = reserveSlot(KEYS[#KEYS], tonumber(ARGV[1]), spec[1], spec[2], ARGV[4], spec[3], spec[4])
  if wait > spec[2] then return -1 end
  return wait
end
local function admitted(found)
  local slotWait = paceStep()
  if #KEYS - onceKeys - paceKeys < 6 then return {0, found, slotWait} end
  local argv = {}
  for i = 10, #ARGV do argv[i - 9] = ARGV[i] end
  local synced = syncBehaviour({KEYS[4], KEYS[5], KEYS[6]}, argv)
  table.insert(synced, 1, slotWait)
  table.insert(synced, 1, found)
  table.insert(synced, 1, 0)
  return synced
end
local now = tonumber(ARGV[1])
local block = redis.call('HGET', KEYS[3], ARGV[5])
if block then
  local bar = string.find(block, '|', 1, true)
  local blockedUntil = tonumber(string.sub(block, 1, bar - 1))
  if blockedUntil > now then
    local rest = string.sub(block, bar + 1)
    local next = string.find(rest, '|', 1, true)
    if next then rest = string.sub(rest, 1, next - 1) end
    return {1, blockedUntil, rest}
  end
end
local held = redis.call('HGET', KEYS[2], ARGV[5])
if held then
  local lockedUntil = tonumber(string.sub(held, 1, string.find(held, '|', 1, true) - 1))
  if lockedUntil > now then return {2, lockedUntil} end
end
local limit = tonumber(ARGV[3])
if limit == 0 then return admitted(onceStep()) end
local window = tonumber(ARGV[2])
local count = redis.call('ZCARD', KEYS[1]) - redis.call('ZCOUNT', KEYS[1], '-inf', now - window)
if count < limit then
  local found = onceStep()
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return admitted(found)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local blocking = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
local wait = tonumber(blocking[2]) + window - now
if wait < 1 then wait = 1 end
return {3, wait}
`

/**
 * A script run by its SHA-1 digest (EVALSHA): the text goes over the wire only
 * when this Redis answers NOSCRIPT (first use, after a restart or a SCRIPT
 * FLUSH), and is then sent once with EVAL, which caches it again. What
 * ioredis's `defineCommand` does, typed and without patching the client.
 */
export const scriptCommand = (redis: Redis, lua: string) => {
  const sha = createHash("sha1").update(lua, "utf8").digest("hex")
  return (keys: ReadonlyArray<string>, args: ReadonlyArray<string | number>): Promise<unknown> =>
    redis.evalsha(sha, keys.length, ...keys, ...args).catch((error: unknown) =>
      error instanceof Error && error.message.startsWith("NOSCRIPT")
        ? redis.eval(lua, keys.length, ...keys, ...args)
        : Promise.reject(error)
    )
}
