/**
 * The Lua scripts of the upstream group (the OPERA throttle and the shared
 * OAuth token): each decision one atomic step in Redis, one round trip.
 * Instants are the callers' epoch milliseconds (from Effect's Clock).
 */

/**
 * Reserve the earliest start instant ("slot") that keeps at most `max` OPERA
 * requests in any window of `window` ms, for every replica together. `key`
 * holds the reserved slots (sorted set), each scored with the latest instant
 * its request may start at: the slot itself, or `lateBy` after it for a slot
 * reserved with a call's admission (its request starts a little later, see
 * `admissionSlotSlackMs`). Scores are appended in non-decreasing order (never
 * below the newest, even from a replica whose clock lags), so only the window
 * ending at the new slot has to be checked: each request starts at or after
 * its slot and by its score, and its slot is a window after the score `max`
 * places back. Every slot of the last
 * window is kept: a slot given back (a call's admission reserved it and no
 * request used it) leaves the others in force. Returns the wait in ms until
 * the slot; above maxWait nothing was reserved.
 */
export const reserveSlotFunction = `
local function reserveSlot(key, now, max, maxWait, member, window, lateBy)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  local slot = now
  if count > 0 then
    -- Its score (slot + lateBy) is never below the newest one: scores stay in order.
    local newest = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
    if newest - lateBy > slot then slot = newest - lateBy end
  end
  if count >= max then
    local blocking = tonumber(redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')[2])
    if blocking + window > slot then slot = blocking + window end
  end
  local wait = slot - now
  if wait > maxWait then return wait end
  redis.call('ZADD', key, slot + lateBy, member)
  redis.call('PEXPIRE', key, wait + lateBy + window)
  return wait
end
`

/**
 * One OPERA request's slot, reserved as it starts (`reserveSlot`).
 * KEYS[1] the reserved slots; ARGV now, max, maxWaitMs, member, windowMs.
 */
export const paceScript = `${reserveSlotFunction}
return reserveSlot(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), 0)
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
