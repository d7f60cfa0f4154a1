/**
 * The Lua scripts of the upstream group (the OPERA throttle and the shared
 * OAuth token): each decision one atomic step in Redis, one round trip.
 * Instants are the callers' epoch milliseconds (from Effect's Clock).
 */

/**
 * Reserve the earliest start instant ("slot") that keeps at most `max` OPERA
 * requests in any window of `windowMs`, for every replica together.
 * KEYS[1] the reserved slots (sorted set); ARGV now, max, maxWaitMs, member,
 * windowMs. Slots are appended in non-decreasing order (never before the
 * newest, even from a replica whose clock lags), so only the window ending at
 * the new slot has to be checked, and `max` slots are all that is kept.
 * Returns the wait in ms; above maxWaitMs nothing was reserved.
 */
export const paceScript = `
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local window = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local slot = now
if count > 0 then
  local newest = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
  if newest > slot then slot = newest end
end
if count >= max then
  local blocking = tonumber(redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')[2])
  if blocking + window > slot then slot = blocking + window end
end
local wait = slot - now
if wait > maxWait then return wait end
redis.call('ZADD', KEYS[1], slot, ARGV[4])
if count + 1 > max then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, count - max) end
redis.call('PEXPIRE', KEYS[1], wait + window)
return wait
`

/**
 * Claim the right to fetch the next token. KEYS[1] the lock, KEYS[2] the fence
 * counter; ARGV holdMs. SET NX PX: one holder at a time, and the lock ends by
 * itself when its holder dies. Returns the holder's fence (a number that
 * only grows), or false when another replica holds the lock.
 */
export const claimTokenScript = `
local fence = redis.call('INCR', KEYS[2])
if redis.call('SET', KEYS[1], fence, 'NX', 'PX', tonumber(ARGV[1])) then return fence end
return false
`

/**
 * Publish a token. KEYS[1] the token ("fence|sealed"), KEYS[2] the lock,
 * KEYS[3] the fence counter; ARGV fence (0: take a new one, as a rotation
 * does), sealed, keepMs. A holder whose lock expired while it fetched cannot
 * overwrite a token published under a later fence. The lock is released
 * when it is still this holder's. Returns 1 when the token was stored.
 */
export const publishTokenScript = `
local fence = tonumber(ARGV[1])
if fence == 0 then fence = redis.call('INCR', KEYS[3]) end
local stored = 0
local held = redis.call('GET', KEYS[1])
-- A value that is not "fence|sealed" (changed in Redis) counts as absent, so it is replaced.
if held then
  local bar = string.find(held, '|', 1, true)
  if bar then stored = tonumber(string.sub(held, 1, bar - 1)) or 0 end
end
local accepted = 0
if fence > stored then
  redis.call('SET', KEYS[1], fence .. '|' .. ARGV[2], 'PX', tonumber(ARGV[3]))
  accepted = 1
end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return accepted
`

/** Compare-and-delete. KEYS[1]; ARGV the value it must still hold. Returns 1 when deleted. */
export const deleteIfScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`
