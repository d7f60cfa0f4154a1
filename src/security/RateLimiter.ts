import { Clock, Config, Effect, Option } from "effect"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { wholeNumber } from "../config/settings.js"
import { ClientLockedOut, RateLimited } from "./errors.js"
import type { FailureCount } from "./rateLimit/ClientLimits.js"
import { InProcessStateStoreDefault } from "./state/InProcessStateStore.js"
import type {
  AdmittedAttempt,
  BehaviourAttempt,
  OnceRecord,
  OnceStep,
  PaceStep,
  ReservedSlot,
  StateUnavailable
} from "./state/StateStore.js"
import { operatorBlockId, readsWhenUnavailable, StateStore, unlessReadAllowed } from "./state/StateStore.js"
import { ClientBlocked } from "./threat/errors.js"

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
 * An admitted call: the admission instant, the threat monitor's attempt made
 * with it (when one was asked for) and what the confirmation token's step
 * found (when one was asked for and the store made it).
 */
export interface CallAdmitted {
  readonly at: number
  readonly attempt?: AdmittedAttempt
  readonly once?: Option.Option<OnceRecord>
  /** The OPERA throttle's slot reserved with the admission, for the call's first request (a shared store only). */
  readonly slot?: ReservedSlot
}

/**
 * Per (client, tool) call limits with exact sliding-window bounds, and a
 * per-client lockout after a burst of failures. Over the limit a call is
 * refused at once with `retryAfterMs`; nothing is queued.
 *
 * With `OPERA_SECURITY_ENABLE_RATE_LIMITING=false` the call limits are off but
 * the lockout still applies: it is the brute-force defence, not a throughput
 * control, and an incident block (`lockOut`) must hold whatever the setting.
 *
 * The windows, counters and lockouts live in the `StateStore` (this process,
 * or Redis shared by every replica), which makes each decision atomically.
 * When the store is unreachable a call is refused (`StateUnavailable`), except
 * a read-only one when `OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE=allow`.
 */
export class RateLimiter extends Effect.Service<RateLimiter>()("opera/RateLimiter", {
  scoped: Effect.gen(function*() {
    const settings = yield* SecurityConfig
    const store = yield* StateStore
    const reads = yield* readsWhenUnavailable
    const clock = yield* Effect.clock
    const limit = settings.authRateLimitRequests
    const windowMs = settings.authRateLimitWindowMinutes * minute
    const failurePolicy = {
      max: settings.maxFailedAttempts,
      windowMs: (yield* failedAttemptsWindowMinutes) * minute,
      lockoutMs: settings.clientLockoutDurationMinutes * minute
    }

    // One store step per call (one Redis round trip): the block (an incident's or an operator's), the
    // lockout, then the window, which a blocked or locked-out call does not use up; and, when the threat
    // monitor asks, the call's attempt appended to the client's shared behaviour.
    const decide = (
      clientId: string,
      toolName: string,
      now: number,
      attempt: BehaviourAttempt | undefined,
      once: OnceStep | undefined,
      pace: PaceStep | undefined
    ) =>
      Effect.gen(function*() {
        const windowLimit = settings.enableRateLimiting ? limit : 0
        const admission = yield* store.admit(clientId, `${clientId}\u0000${toolName}`, windowLimit, windowMs, now, attempt, once, pace)
        switch (admission._tag) {
          case "Admitted":
            return {
              at: now,
              ...(attempt === undefined ? {} : { attempt: { at: now, delta: Option.fromNullable(admission.behaviour) } }),
              ...(admission.once === undefined ? {} : { once: admission.once }),
              ...(admission.slot === undefined ? {} : { slot: admission.slot })
            } satisfies CallAdmitted
          case "Blocked":
            return yield* admission.incidentId === operatorBlockId
              ? ClientBlocked.byOperator(admission.until)
              : ClientBlocked.until(admission.until, admission.incidentId)
          case "LockedOut":
            return yield* ClientLockedOut.until(admission.until)
          case "Limited":
            return yield* RateLimited.forTool(toolName, limit, settings.authRateLimitWindowMinutes, admission.retryAfterMs)
        }
      })

    /**
     * Admit one call of `toolName` by `clientId`, or refuse it at once: while
     * the client is blocked or locked out, or when `limit` calls were already admitted in
     * the last window, or while the shared state is unreachable (a read-only
     * call, `readOnly`, may then pass if the operator allows it; a read of the
     * server's own state, `diagnostic`, always does). With `attempt` (from
     * `ThreatMonitor.attemptOf`) the call's attempt is shared in the same
     * step and returned for `ThreatMonitor.screen`. With `once` (from
     * `Confirmation.admissionStep`) the call's confirmation token is issued or
     * consumed in the same step too, and what was found goes to
     * `Confirmation.gate`. (A call with a token step changes OPERA data, so it
     * is never let on while the store is unreachable.) With `pace` (a read's
     * first OPERA request), a shared store reserves that request's throttle
     * slot in the same step too.
     */
    const take = (
      clientId: string,
      toolName: string,
      readOnly = false,
      diagnostic = false,
      attempt?: BehaviourAttempt,
      once?: OnceStep,
      pace?: PaceStep
    ): Effect.Effect<CallAdmitted, RateLimited | ClientLockedOut | ClientBlocked | StateUnavailable> =>
      Effect.suspend(() => {
        const now = clock.unsafeCurrentTimeMillis()
        const unshared: CallAdmitted = { at: now, ...(attempt === undefined ? {} : { attempt: { at: now, delta: Option.none() } }) }
        return unlessReadAllowed(decide(clientId, toolName, now, attempt, once, pace), readOnly, reads, unshared, diagnostic)
      })

    /**
     * Count a failed or refused call. `OPERA_SECURITY_MAX_FAILED_ATTEMPTS` of them
     * within the burst window lock the client out for
     * `OPERA_SECURITY_CLIENT_LOCKOUT_DURATION_MINUTES`. Successes do not reset
     * the count (an attacker could interleave cheap valid calls); failures
     * simply age out of the window. `newlyLockedOut` is true once per lockout,
     * so the caller audits it once. While the store is unreachable nothing is
     * counted (every call is refused then anyway).
     */
    const recordFailure = Effect.fn("RateLimiter.recordFailure")(function*(clientId: string, reason: FailureReason) {
      const verdict: FailureVerdict = yield* store.recordFailure(clientId, failurePolicy, yield* Clock.currentTimeMillis)
        .pipe(
          Effect.catchTag("StateUnavailable", () =>
            Effect.logWarning("failure not counted: the shared security state is unreachable").pipe(
              Effect.as<FailureVerdict>({ lockedOut: false, failures: 0 })
            ))
        )
      if (verdict.lockedOut && verdict.newlyLockedOut) {
        yield* Effect.logWarning("client locked out").pipe(
          Effect.annotateLogs({ clientId, reason, lockoutUntil: verdict.lockoutUntil })
        )
      }
      return verdict
    })

    /** Block a client until `until` (epoch ms), e.g. on an incident. Never shortens an existing lockout. */
    const lockOut = Effect.fn("RateLimiter.lockOut")(function*(clientId: string, until: number) {
      yield* store.lockOut(clientId, until, yield* Clock.currentTimeMillis).pipe(
        Effect.catchTag("StateUnavailable", () => Effect.logWarning("lockout not stored: the shared security state is unreachable"))
      )
    })

    /** When the lockout on `clientId` ends, if one is in force (None too while the store is unreachable). */
    const lockoutOf = Effect.fn("RateLimiter.lockoutOf")(function*(clientId: string) {
      return yield* store.lockoutOf(clientId, yield* Clock.currentTimeMillis).pipe(
        Effect.catchTag("StateUnavailable", () => Effect.succeed(Option.none<number>()))
      )
    })

    /** The clients locked out right now, for the health check (empty while the store is unreachable). */
    const lockouts: Effect.Effect<ReadonlyArray<Lockout>> = Clock.currentTimeMillis.pipe(
      Effect.flatMap((now) => store.lockouts(now)),
      Effect.catchTag("StateUnavailable", () => Effect.succeed([])),
      Effect.withSpan("RateLimiter.lockouts")
    )

    return { take, recordFailure, lockOut, lockoutOf, lockouts, state: store.status } as const
  }),
  dependencies: [SecurityConfig.Default, InProcessStateStoreDefault]
}) {}
