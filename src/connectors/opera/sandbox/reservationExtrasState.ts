import { Effect, Either, SynchronizedRef } from "effect"
import type { RouteFailure } from "./ohipErrors.js"

/**
 * What the sandbox keeps for the reservation extras (rsv): packages added to
 * a reservation, reservation links, guest messages and the activity log of
 * those changes. Reservations themselves stay in the property state and are
 * read from there; this store only holds what hangs off them.
 */
export interface ReservationPackageRecord {
  readonly hotelId: string
  readonly reservationId: string
  readonly packageCode: string
  readonly startDate: string
  readonly endDate: string
  /** Units per posting (per person for per-person packages). */
  readonly quantity: number
  readonly unitPrice: number
  readonly addedAt: string
}

export interface GuestMessageRecord {
  readonly messageId: string
  readonly hotelId: string
  readonly reservationId: string
  readonly text: string
  readonly recipient: string | undefined
  readonly operator: string | undefined
  readonly kind: "Tm" | "Vm"
  readonly createdAt: string
  readonly delivered: boolean
}

export interface ActivityRecord {
  readonly activityId: number
  readonly hotelId: string
  readonly reservationId: string
  readonly actionType: string
  /** Ids and codes only: the log never repeats guest text. */
  readonly description: string
  readonly loggedAt: string
}

export interface ReservationExtrasSnapshot {
  readonly packages: ReadonlyArray<ReservationPackageRecord>
  /** reservationId → link group id; a group exists while it has two or more members. */
  readonly linkGroups: ReadonlyMap<string, string>
  readonly messages: ReadonlyArray<GuestMessageRecord>
  readonly activity: ReadonlyArray<ActivityRecord>
  readonly nextNumber: number
}

export const emptyReservationExtras: ReservationExtrasSnapshot = {
  packages: [],
  linkGroups: new Map(),
  messages: [],
  activity: [],
  nextNumber: 900_001
}

/** A SynchronizedRef that commits a pure step's `Right([answer, next])` and leaves the state alone on `Left`. */
export interface StepStore<S> {
  readonly snapshot: Effect.Effect<S>
  readonly transact: <A>(step: (state: S) => Either.Either<readonly [A, S], RouteFailure>) => Effect.Effect<A, RouteFailure>
}

export const makeStepStore = <S>(initial: S): Effect.Effect<StepStore<S>> =>
  Effect.map(SynchronizedRef.make(initial), (ref) => ({
    snapshot: SynchronizedRef.get(ref),
    transact: <A>(step: (state: S) => Either.Either<readonly [A, S], RouteFailure>) =>
      SynchronizedRef.modifyEffect(ref, (state) =>
        Either.match(step(state), {
          onLeft: (failure) => Effect.fail(failure),
          onRight: ([answer, next]) => Effect.succeed([answer, next] as const)
        }))
  }))

export type ReservationExtrasState = StepStore<ReservationExtrasSnapshot>

export const makeReservationExtrasState: Effect.Effect<ReservationExtrasState> = makeStepStore(emptyReservationExtras)

/** Appends one activity-log entry for a change made through this store. */
export const logActivity = (
  state: ReservationExtrasSnapshot,
  entry: Omit<ActivityRecord, "activityId">
): ReservationExtrasSnapshot => ({
  ...state,
  activity: [...state.activity, { ...entry, activityId: state.nextNumber }],
  nextNumber: state.nextNumber + 1
})
