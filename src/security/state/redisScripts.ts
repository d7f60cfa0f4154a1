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
export const consumeScript = `
local held = redis.call('GET', KEYS[1])
if not held then return false end
local bar = string.find(held, '|', 1, true)
local expiresAt = tonumber(string.sub(held, 1, bar - 1))
local used = string.sub(held, bar + 1, bar + 1)
local record = string.sub(held, bar + 3)
if used == '0' and expiresAt > tonumber(ARGV[2]) and record == ARGV[1] then
  redis.call('SET', KEYS[1], expiresAt .. '|1|' .. record, 'KEEPTTL')
end
return held
`

// ---- One-trip admission (issue 14, part C) ----

/**
 * A tool call's admission in one step: the block, then the lockout, then the
 * exact sliding window of `takeScript` (not taken while blocked or locked out).
 * KEYS[1] window, KEYS[2] lockouts hash, KEYS[3] blocks hash; ARGV now,
 * windowMs, limit (0: no window), member, field (the client's keyed hash).
 * Returns {0} admitted, {1, blockedUntil, incidentId}, {2, lockoutUntil} or
 * {3, wait in ms}.
 */
export const admitScript = `
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
if limit == 0 then return {0} end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {0}
end
local blocking = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
local wait = tonumber(blocking[2]) + window - now
if wait < 1 then wait = 1 end
return {3, wait}
`
