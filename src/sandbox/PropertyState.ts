import { Effect, Either, SynchronizedRef } from "effect"
import type { RouteFailure } from "./ohipErrors.js"
import type { PropertySnapshot } from "./property.js"

/**
 * The live state of the seeded property. Every change is one atomic step
 * over an immutable snapshot, so concurrent requests see a consistent hotel.
 */
export interface PropertyState {
  readonly snapshot: Effect.Effect<PropertySnapshot>
  /**
   * Runs a pure step: `Right([answer, next])` commits `next`, `Left(failure)`
   * leaves the state untouched.
   */
  readonly transact: <A>(
    step: (snapshot: PropertySnapshot) => Either.Either<readonly [A, PropertySnapshot], RouteFailure>
  ) => Effect.Effect<A, RouteFailure>
}

export const makePropertyState = (initial: PropertySnapshot): Effect.Effect<PropertyState> =>
  Effect.map(SynchronizedRef.make(initial), (ref) => ({
    snapshot: SynchronizedRef.get(ref),
    transact: <A>(
      step: (snapshot: PropertySnapshot) => Either.Either<readonly [A, PropertySnapshot], RouteFailure>
    ) =>
      SynchronizedRef.modifyEffect(ref, (snapshot) =>
        Either.match(step(snapshot), {
          onLeft: (failure) => Effect.fail(failure),
          onRight: ([answer, next]) => Effect.succeed([answer, next] as const)
        }))
  }))
