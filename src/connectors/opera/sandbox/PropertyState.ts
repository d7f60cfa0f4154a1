import { Effect, Either, SynchronizedRef } from "effect"
import type { ActivityBookState } from "./activityBook.js"
import { makeActivityBookState } from "./activityBook.js"
import type { BlockBookState } from "./blockBook.js"
import { makeBlockBookState } from "./blockBook.js"
import type { LedgerState } from "./ledger.js"
import { makeLedgerState } from "./ledger.js"
import type { RouteFailure } from "./ohipErrors.js"
import type { ProfileExtrasState } from "./profileExtrasState.js"
import { makeProfileExtrasState } from "./profileExtrasState.js"
import type { PropertySnapshot } from "./property.js"
import type { ReservationExtrasState } from "./reservationExtrasState.js"
import { makeReservationExtrasState } from "./reservationExtrasState.js"
import type { RoomBoardState } from "./roomBoard.js"
import { makeRoomBoardState } from "./roomBoard.js"

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
  /** Cashiering (csh): folio windows and postings, in their own SynchronizedRef. */
  readonly ledger: LedgerState
  /** Rooms (fof, hsk, inv): housekeeping status, repairs, maintenance, in their own SynchronizedRef. */
  readonly rooms: RoomBoardState
  /** Reservation extras (rsv): packages, links, guest messages, activity log, in their own SynchronizedRef. */
  readonly reservationExtras: ReservationExtrasState
  /** Profile extras (crm): companies, travel agents, preferences, forgotten guests, in their own SynchronizedRef. */
  readonly profileExtras: ProfileExtrasState
  /** Blocks (blk): business blocks and their room grids, in their own SynchronizedRef. */
  readonly blocks: BlockBookState
  /** Activities (act): guest activity bookings, in their own SynchronizedRef. */
  readonly activities: ActivityBookState
}

export const makePropertyState = (initial: PropertySnapshot): Effect.Effect<PropertyState> =>
  Effect.zipWith(SynchronizedRef.make(initial), makeLedgerState(initial), (ref, ledger) => ({
    ledger,
    snapshot: SynchronizedRef.get(ref),
    transact: <A>(
      step: (snapshot: PropertySnapshot) => Either.Either<readonly [A, PropertySnapshot], RouteFailure>
    ) =>
      SynchronizedRef.modifyEffect(ref, (snapshot) =>
        Either.match(step(snapshot), {
          onLeft: (failure) => Effect.fail(failure),
          onRight: ([answer, next]) => Effect.succeed([answer, next] as const)
        }))
  })).pipe(
    Effect.zipWith(makeRoomBoardState(initial), (state, rooms) => ({ ...state, rooms })),
    Effect.zipWith(makeReservationExtrasState, (state, reservationExtras) => ({ ...state, reservationExtras })),
    Effect.zipWith(makeProfileExtrasState, (state, profileExtras) => ({ ...state, profileExtras })),
    Effect.zipWith(makeBlockBookState(initial), (state, blocks) => ({ ...state, blocks })),
    Effect.zipWith(makeActivityBookState(initial), (state, activities) => ({ ...state, activities }))
  )
