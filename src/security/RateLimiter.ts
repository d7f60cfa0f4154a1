import { Clock, Config, Effect, Schedule } from "effect"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { wholeNumber } from "../config/settings.js"
import type { ClientLockedOut, RateLimited } from "./errors.js"
import { ClientLimits } from "./rateLimit/ClientLimits.js"
import type { FailureCount } from "./rateLimit/ClientLimits.js"

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

export type FailureVerdict = FailureCount

export interface Lockout {
  readonly clientId: string
  readonly until: number
}

const minute = 60_000

/**
 * Per (client, tool) call limits with exact sliding-window bounds, and a
 * per-client lockout after a burst of failures. Over the limit a call is
 * refused at once with `retryAfterMs`; nothing is queued.
 *
 * With `OPERA_SECURITY_ENABLE_RATE_LIMITING=false` the call limits are off but
 * the lockout still applies: it is the brute-force defence, not a throughput
 * control, and an incident block (`lockOut`) must hold whatever the setting.
 *
 * Every call of every tool passes here, so `take` is a thin wrapper over the
 * synchronous `ClientLimits`: one read of the Clock captured with the layer
 * (TestClock in tests), one decision, no span. The state is owned by this
 * layer instance and only touched synchronously, so decisions are atomic.
 */
export class RateLimiter extends Effect.Service<RateLimiter>()("opera/RateLimiter", {
  scoped: Effect.gen(function*() {
    const settings = yield* SecurityConfig
    const clock = yield* Effect.clock
    const limits = new ClientLimits({
      enableRateLimiting: settings.enableRateLimiting,
      limit: settings.authRateLimitRequests,
      windowMs: settings.authRateLimitWindowMinutes * minute,
      windowMinutes: settings.authRateLimitWindowMinutes,
      maxFailedAttempts: settings.maxFailedAttempts,
      failureWindowMs: (yield* failedAttemptsWindowMinutes) * minute,
      lockoutMs: settings.clientLockoutDurationMinutes * minute
    })

    /**
     * Admit one call of `toolName` by `clientId`, or refuse it at once: while
     * the client is locked out, or when `limit` calls were already admitted in
     * the last window.
     */
    const take = (clientId: string, toolName: string): Effect.Effect<void, RateLimited | ClientLockedOut> =>
      Effect.suspend(() => limits.decide(clientId, toolName, clock.unsafeCurrentTimeMillis()))

    /**
     * Count a failed or refused call. `OPERA_SECURITY_MAX_FAILED_ATTEMPTS` of them
     * within the burst window lock the client out for
     * `OPERA_SECURITY_CLIENT_LOCKOUT_DURATION_MINUTES`. Successes do not reset
     * the count (an attacker could interleave cheap valid calls); failures
     * simply age out of the window. `newlyLockedOut` is true once per lockout,
     * so the caller audits it once.
     */
    const recordFailure = Effect.fn("RateLimiter.recordFailure")(function*(clientId: string, reason: FailureReason) {
      const verdict: FailureVerdict = limits.recordFailure(clientId, yield* Clock.currentTimeMillis)
      if (verdict.lockedOut && verdict.newlyLockedOut) {
        yield* Effect.logWarning("client locked out").pipe(
          Effect.annotateLogs({ clientId, reason, lockoutUntil: verdict.lockoutUntil })
        )
      }
      return verdict
    })

    /** Block a client until `until` (epoch ms), e.g. on an incident. Never shortens an existing lockout. */
    const lockOut = Effect.fn("RateLimiter.lockOut")(function*(clientId: string, until: number) {
      yield* Effect.sync(() => limits.lockOut(clientId, until))
    })

    /** The clients locked out right now, for the health check. */
    const lockouts: Effect.Effect<ReadonlyArray<Lockout>> = Clock.currentTimeMillis.pipe(
      Effect.map((now) => limits.lockouts(now)),
      Effect.withSpan("RateLimiter.lockouts")
    )

    // Forget windows and lockouts that no longer count, so idle clients cost nothing.
    yield* Clock.currentTimeMillis.pipe(
      Effect.map((now) => limits.sweep(now)),
      Effect.catchAllCause(Effect.logError),
      Effect.repeat(Schedule.spaced("1 minute")),
      Effect.forkScoped
    )

    return { take, recordFailure, lockOut, lockouts } as const
  }),
  dependencies: [SecurityConfig.Default]
}) {}
