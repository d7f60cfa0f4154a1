import { Clock, Effect, Ref } from "effect"

export type BreakerState =
  | { readonly _tag: "Closed"; readonly consecutiveFailures: number }
  | { readonly _tag: "Open"; readonly openedAt: number }
  | { readonly _tag: "HalfOpen"; readonly trialInFlight: boolean }

export interface BreakerOptions {
  /** Consecutive upstream failures that open the breaker. */
  readonly failureThreshold: number
  /** How long the breaker stays open before one trial call is let through. */
  readonly coolDownMs: number
}

/**
 * A circuit breaker over OPERA: after `failureThreshold` consecutive failures
 * calls fail fast for `coolDownMs`, then exactly one trial call decides whether
 * it closes again or re-opens.
 */
export const makeCircuitBreaker = (options: BreakerOptions) =>
  Effect.gen(function*() {
    const state = yield* Ref.make<BreakerState>({ _tag: "Closed", consecutiveFailures: 0 })

    /** true when a call may go ahead now. */
    const admit = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      return yield* Ref.modify(state, (current): [boolean, BreakerState] => {
        switch (current._tag) {
          case "Closed":
            return [true, current]
          case "Open":
            return now - current.openedAt >= options.coolDownMs
              ? [true, { _tag: "HalfOpen", trialInFlight: true }]
              : [false, current]
          case "HalfOpen":
            return current.trialInFlight ? [false, current] : [true, { _tag: "HalfOpen", trialInFlight: true }]
        }
      })
    })

    const succeeded = Ref.set(state, { _tag: "Closed", consecutiveFailures: 0 })

    const failed = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      yield* Ref.update(state, (current): BreakerState => {
        switch (current._tag) {
          case "Closed":
            return current.consecutiveFailures + 1 >= options.failureThreshold
              ? { _tag: "Open", openedAt: now }
              : { _tag: "Closed", consecutiveFailures: current.consecutiveFailures + 1 }
          case "HalfOpen":
          case "Open":
            return { _tag: "Open", openedAt: now }
        }
      })
    })

    // A trial call that was cancelled decided nothing: let the next call be the trial.
    const abandoned = Ref.update(state, (current): BreakerState =>
      current._tag === "HalfOpen" ? { _tag: "HalfOpen", trialInFlight: false } : current
    )

    return { admit, succeeded, failed, abandoned, state: Ref.get(state) } as const
  })

export type CircuitBreaker = Effect.Effect.Success<ReturnType<typeof makeCircuitBreaker>>
