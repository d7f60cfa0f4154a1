import { Clock, Config, Effect, HashMap, Option, Ref, Schedule } from "effect"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { wholeNumber } from "../config/settings.js"
import { ClientLockedOut, RateLimited } from "./errors.js"
import { admit, append, recent } from "./rateLimit/slidingLog.js"
import type { SlidingLog } from "./rateLimit/slidingLog.js"

/**
 * Failures closer together than this count as one burst toward the lockout
 * (`OPERA_SECURITY_FAILED_ATTEMPTS_WINDOW_MINUTES`, default 15).
 */
export const failedAttemptsWindowMinutes = wholeNumber("OPERA_SECURITY_FAILED_ATTEMPTS_WINDOW_MINUTES", {
  min: 1,
  max: 1440
}).pipe(Config.withDefault(15))

export type FailureReason =
  | "authentication"
  | "policy_refusal"
  | "invalid_arguments"
  | "confirmation_invalid"
  | "threat"

export type FailureVerdict =
  | { readonly lockedOut: false; readonly failures: number }
  | { readonly lockedOut: true; readonly lockoutUntil: number; readonly newlyLockedOut: boolean }

export interface Lockout {
  readonly clientId: string
  readonly until: number
}

const minute = 60_000
const callKey = (clientId: string, toolName: string) => `${clientId}\u0000${toolName}`

/**
 * Per (client, tool) call limits with exact sliding-window bounds, and a
 * per-client lockout after a burst of failures. Over the limit a call is
 * refused at once with `retryAfterMs`; nothing is queued.
 *
 * With `OPERA_SECURITY_ENABLE_RATE_LIMITING=false` the call limits are off but
 * the lockout still applies: it is the brute-force defence, not a throughput
 * control, and an incident block (`lockOut`) must hold whatever the setting.
 */
export class RateLimiter extends Effect.Service<RateLimiter>()("opera/RateLimiter", {
  scoped: Effect.gen(function*() {
    const settings = yield* SecurityConfig
    const failureWindowMs = (yield* failedAttemptsWindowMinutes) * minute
    const limit = settings.authRateLimitRequests
    const windowMs = settings.authRateLimitWindowMinutes * minute
    const lockoutMs = settings.clientLockoutDurationMinutes * minute

    const calls = yield* Ref.make(HashMap.empty<string, SlidingLog>())
    const failures = yield* Ref.make(HashMap.empty<string, SlidingLog>())
    const lockedUntil = yield* Ref.make(HashMap.empty<string, number>())

    const activeLockout = (clientId: string, now: number) =>
      Ref.get(lockedUntil).pipe(
        Effect.map((map) => Option.filter(HashMap.get(map, clientId), (until) => until > now))
      )

    /**
     * Admit one call of `toolName` by `clientId`, or refuse it at once: while
     * the client is locked out, or when `limit` calls were already admitted in
     * the last window.
     */
    const take = Effect.fnUntraced(function*(clientId: string, toolName: string) {
      const now = yield* Clock.currentTimeMillis
      const lockout = yield* activeLockout(clientId, now)
      if (Option.isSome(lockout)) return yield* ClientLockedOut.until(lockout.value)
      if (!settings.enableRateLimiting) return
      const key = callKey(clientId, toolName)
      const retryAfterMs = yield* Ref.modify(calls, (map) => {
        const verdict = admit(Option.getOrElse(HashMap.get(map, key), () => []), now, limit, windowMs)
        return [verdict.admitted ? undefined : verdict.retryAfterMs, HashMap.set(map, key, verdict.log)] as const
      })
      if (retryAfterMs !== undefined) {
        return yield* RateLimited.forTool(toolName, limit, settings.authRateLimitWindowMinutes, retryAfterMs)
      }
    })

    /**
     * Count a failed or refused call. `OPERA_SECURITY_MAX_FAILED_ATTEMPTS` of them
     * within the burst window lock the client out for
     * `OPERA_SECURITY_CLIENT_LOCKOUT_DURATION_MINUTES`. Successes do not reset
     * the count (an attacker could interleave cheap valid calls); failures
     * simply age out of the window. `newlyLockedOut` is true once per lockout,
     * so the caller audits it once.
     */
    const recordFailure = Effect.fn("RateLimiter.recordFailure")(function*(clientId: string, reason: FailureReason) {
      const now = yield* Clock.currentTimeMillis
      const lockout = yield* activeLockout(clientId, now)
      if (Option.isSome(lockout)) {
        return { lockedOut: true, lockoutUntil: lockout.value, newlyLockedOut: false } satisfies FailureVerdict
      }
      const count = yield* Ref.modify(failures, (map) => {
        const log = append(
          Option.getOrElse(HashMap.get(map, clientId), () => []),
          now,
          failureWindowMs,
          settings.maxFailedAttempts
        )
        return [log.length, HashMap.set(map, clientId, log)] as const
      })
      if (count < settings.maxFailedAttempts) return { lockedOut: false, failures: count } satisfies FailureVerdict
      const until = now + lockoutMs
      yield* Ref.update(failures, HashMap.remove(clientId))
      yield* Ref.update(lockedUntil, HashMap.set(clientId, until))
      yield* Effect.logWarning("client locked out").pipe(
        Effect.annotateLogs({ clientId, reason, lockoutUntil: until })
      )
      return { lockedOut: true, lockoutUntil: until, newlyLockedOut: true } satisfies FailureVerdict
    })

    /** Block a client until `until` (epoch ms), e.g. on an incident. Never shortens an existing lockout. */
    const lockOut = Effect.fn("RateLimiter.lockOut")(function*(clientId: string, until: number) {
      yield* Ref.update(lockedUntil, (map) =>
        HashMap.set(map, clientId, Math.max(until, Option.getOrElse(HashMap.get(map, clientId), () => 0))))
    })

    /** The clients locked out right now, for the health check. */
    const lockouts = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const map = yield* Ref.get(lockedUntil)
      return Array.from(map)
        .filter(([, until]) => until > now)
        .map(([clientId, until]): Lockout => ({ clientId, until }))
        .sort((a, b) => a.clientId.localeCompare(b.clientId))
    }).pipe(Effect.withSpan("RateLimiter.lockouts"))

    // Forget windows and lockouts that no longer count, so idle clients cost nothing.
    const sweep = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      yield* Ref.update(calls, HashMap.filter((log) => recent(log, now, windowMs).length > 0))
      yield* Ref.update(failures, HashMap.filter((log) => recent(log, now, failureWindowMs).length > 0))
      yield* Ref.update(lockedUntil, HashMap.filter((until) => until > now))
    })
    yield* sweep.pipe(
      Effect.catchAllCause(Effect.logError),
      Effect.repeat(Schedule.spaced("1 minute")),
      Effect.forkScoped
    )

    return { take, recordFailure, lockOut, lockouts } as const
  }),
  dependencies: [SecurityConfig.Default]
}) {}
