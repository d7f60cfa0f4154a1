import { Clock, Effect, Schedule } from "effect"
import { createSecretKey, randomBytes } from "node:crypto"
import { keyedHashHex } from "../../crypto/mac.js"
import type { BehaviourLimits, StateStoreShape, StoredCall } from "./StateStore.js"

type Decisions = Pick<StateStoreShape, "syncBehaviour" | "sendBehaviour" | "behaviourDigest" | "revokeKey" | "revokedKeys" | "claimOnce">

/** Entries with sequence numbers (count - entries.length, count], oldest first. */
class Sequence<T> {
  entries: Array<T> = []
  count = 0

  push(entry: T) {
    this.entries.push(entry)
    this.count++
  }

  trim(at: (entry: T) => number, cutoff: number, capacity: number) {
    let drop = Math.max(0, this.entries.length - capacity)
    while (drop < this.entries.length && at(this.entries[drop]!) <= cutoff) drop++
    if (drop > 0) this.entries.splice(0, drop)
  }

  after(seen: number): Array<T> {
    const missing = Math.min(this.count - seen, this.entries.length)
    return missing <= 0 ? [] : this.entries.slice(this.entries.length - missing)
  }
}

interface ClientLog {
  readonly generation: string
  readonly attempts: Sequence<number>
  readonly calls: Sequence<StoredCall>
  raisedUntil: number
  keepUntil: number
}

/**
 * Threat profiles, key revocations and round nonces of one server, in maps
 * owned by the in-process store and touched synchronously (each step atomic).
 * The behaviour log holds the same entry objects the monitor's profile holds,
 * so keeping it costs references, not copies. Idle clients are forgotten.
 */
export const inProcessDecisions = Effect.gen(function*() {
  // A KeyObject, made once: HMAC with raw key bytes imports the key again on every digest.
  const digestKey = createSecretKey(randomBytes(32))
  const logs = new Map<string, ClientLog>()
  const revoked = new Map<string, number>()
  const claims = new Map<string, number>()

  const logOf = (clientId: string) => {
    let log = logs.get(clientId)
    if (log === undefined) {
      log = { generation: randomBytes(9).toString("base64url"), attempts: new Sequence(), calls: new Sequence(), raisedUntil: 0, keepUntil: 0 }
      logs.set(clientId, log)
    }
    return log
  }

  const syncBehaviour: Decisions["syncBehaviour"] = (clientId, append, seen, limits: BehaviourLimits, now) =>
    Effect.sync(() => {
      const log = logOf(clientId)
      const reset = log.generation !== seen.generation
      if (append.attempt !== undefined) log.attempts.push(append.attempt)
      if (append.call !== undefined) log.calls.push(append.call)
      if (append.raisedUntil !== undefined) log.raisedUntil = Math.max(log.raisedUntil, append.raisedUntil)
      const cutoff = now - limits.horizonMs
      log.attempts.trim((at) => at, cutoff, limits.capacity)
      log.calls.trim((call) => call.at, cutoff, limits.capacity)
      log.keepUntil = Math.max(now + limits.horizonMs, log.raisedUntil)
      return {
        cursor: { generation: log.generation, attempts: log.attempts.count, calls: log.calls.count },
        reset,
        attempts: log.attempts.after(reset ? 0 : seen.attempts),
        calls: log.calls.after(reset ? 0 : seen.calls),
        raisedUntil: log.raisedUntil
      }
    })

  yield* Clock.currentTimeMillis.pipe(
    Effect.tap((now) =>
      Effect.sync(() => {
        for (const [clientId, log] of logs) if (log.keepUntil <= now) logs.delete(clientId)
        for (const [key, keepUntil] of claims) if (keepUntil <= now) claims.delete(key)
      })
    ),
    Effect.catchAllCause(Effect.logError),
    Effect.repeat(Schedule.spaced("1 minute")),
    Effect.forkScoped
  )

  return {
    syncBehaviour,
    // Decided at once: nothing travels.
    sendBehaviour: (clientId, append, seen, limits, now) =>
      Effect.map(syncBehaviour(clientId, append, seen, limits, now), (delta) => ({ _tag: "Decided", delta }) as const),
    behaviourDigest: (value) => keyedHashHex(digestKey, value),
    revokeKey: (keyId, now) => Effect.sync(() => void revoked.set(keyId, now)),
    revokedKeys: Effect.sync(() => {
      const snapshot = new Set(revoked.keys())
      return (keyId: string) => snapshot.has(keyId)
    }),
    claimOnce: (key, keepUntil, now) =>
      Effect.sync(() => {
        const held = claims.get(key)
        if (held !== undefined && held > now) return false
        claims.set(key, keepUntil)
        return true
      })
  } satisfies Decisions
})
