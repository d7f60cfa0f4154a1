import { Effect, Either, SynchronizedRef } from "effect"
import { addDays } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import { notFound } from "./ohipErrors.js"
import type { PropertySnapshot } from "./property.js"

/**
 * The sandbox's activities (act): appointments on the hotel's calendar (spa,
 * golf, dinner, tours) booked for a guest, whose profile is linked as the
 * activity's contact. They live in their own SynchronizedRef; guests and
 * reservations are read from the property state, never copied here.
 */
export interface ActivityTypeInfo {
  readonly code: string
  readonly description: string
  /** How many bookings of the type may overlap (treatment rooms, tee slots, tables, guides). */
  readonly capacity: number
}

export const activityTypes: ReadonlyArray<ActivityTypeInfo> = [
  { code: "SPA", description: "Spa treatment", capacity: 2 },
  { code: "GOLF", description: "Golf tee time", capacity: 4 },
  { code: "DINNER", description: "Dinner reservation", capacity: 6 },
  { code: "TOUR", description: "Guided tour", capacity: 12 }
]

export interface ActivityRecord {
  readonly activityId: string
  readonly hotelId: string
  readonly activityType: string
  readonly purpose: string
  /** Hotel wall-clock times, YYYY-MM-DDTHH:MM. */
  readonly start: string
  readonly end: string
  readonly profileId: string
  readonly notes: string | undefined
  readonly completed: { readonly on: string; readonly by: string } | undefined
  readonly createdAt: string
  readonly modifiedAt: string
}

export interface ActivityBook {
  readonly activities: ReadonlyMap<string, ActivityRecord>
  readonly nextActivityNumber: number
}

export const firstActivityNumber = 4_200_001

/**
 * Deterministic bookings for the first in-house guests of the primary hotel:
 * a massage and a dinner today, golf tomorrow, two massages tomorrow at
 * 10:00 (the spa's two rooms are then full), and yesterday's completed massage.
 */
export const seedActivityBook = (property: PropertySnapshot): ActivityBook => {
  const hotelId = property.hotels[0]?.hotelId ?? ""
  const today = property.businessDate
  const tomorrow = addDays(today, 1)
  const guests = [...property.reservations.values()]
    .filter((reservation) => reservation.hotelId === hotelId && reservation.status === "InHouse")
    .sort((left, right) => Number(left.reservationId) - Number(right.reservationId))
    .map((reservation) => reservation.profileId)
  const guest = (index: number) => guests.length === 0 ? "" : guests[index % guests.length] ?? ""
  const createdAt = `${addDays(today, -2)}T09:00:00.000Z`
  const seeds: ReadonlyArray<Omit<ActivityRecord, "activityId" | "hotelId" | "createdAt" | "modifiedAt">> = [
    { activityType: "SPA", purpose: "Hot stone massage, 60 minutes", start: `${today}T15:00`, end: `${today}T16:00`, profileId: guest(0), notes: undefined, completed: undefined },
    { activityType: "DINNER", purpose: "Chef's table for two", start: `${today}T19:30`, end: `${today}T21:30`, profileId: guest(2), notes: undefined, completed: undefined },
    { activityType: "GOLF", purpose: "18 holes at Harbour Links", start: `${tomorrow}T08:30`, end: `${tomorrow}T12:30`, profileId: guest(1), notes: undefined, completed: undefined },
    { activityType: "SPA", purpose: "Deep tissue massage, 60 minutes", start: `${tomorrow}T10:00`, end: `${tomorrow}T11:00`, profileId: guest(3), notes: undefined, completed: undefined },
    { activityType: "SPA", purpose: "Facial, 60 minutes", start: `${tomorrow}T10:00`, end: `${tomorrow}T11:00`, profileId: guest(4), notes: undefined, completed: undefined },
    {
      activityType: "SPA", purpose: "Aromatherapy massage, 60 minutes", start: `${addDays(today, -1)}T16:00`, end: `${addDays(today, -1)}T17:00`,
      profileId: guest(0), notes: undefined, completed: { on: `${addDays(today, -1)}T17:00:00.000Z`, by: "SPA" }
    }
  ]
  const activities = new Map<string, ActivityRecord>()
  seeds.forEach((seed, index) => {
    const activityId = String(firstActivityNumber + index)
    activities.set(activityId, { ...seed, activityId, hotelId, createdAt, modifiedAt: createdAt })
  })
  return { activities, nextActivityNumber: firstActivityNumber + seeds.length }
}

export const findActivity = (book: ActivityBook, hotelId: string, activityId: string): Either.Either<ActivityRecord, RouteFailure> => {
  const activity = book.activities.get(activityId)
  return activity === undefined || activity.hotelId !== hotelId
    ? Either.left(notFound(`Hotel ${hotelId} has no activity with this id.`))
    : Either.right(activity)
}

export interface ActivityQuery {
  readonly startDate?: string | undefined
  readonly endDate?: string | undefined
  readonly contactId?: string | undefined
  readonly activityType?: ReadonlyArray<string> | undefined
  readonly completed?: boolean | undefined
}

/** getActivities: by start date range, contact, type and completion; in start-time order. */
export const searchActivities = (book: ActivityBook, hotelId: string, query: ActivityQuery): ReadonlyArray<ActivityRecord> =>
  [...book.activities.values()]
    .filter((activity) =>
      activity.hotelId === hotelId &&
      (query.startDate === undefined || activity.start.slice(0, 10) >= query.startDate) &&
      (query.endDate === undefined || activity.start.slice(0, 10) <= query.endDate) &&
      (query.contactId === undefined || activity.profileId === query.contactId) &&
      (query.activityType === undefined || query.activityType.length === 0 || query.activityType.includes(activity.activityType)) &&
      (query.completed === undefined || (activity.completed !== undefined) === query.completed)
    )
    .sort((left, right) => left.start.localeCompare(right.start) || left.activityId.localeCompare(right.activityId))

type BookStep<A> = Either.Either<readonly [A, ActivityBook], RouteFailure>

export interface ActivityBookState {
  readonly snapshot: Effect.Effect<ActivityBook>
  /** Runs a pure step atomically: `Right([answer, next])` commits, `Left` leaves the book untouched. */
  readonly transact: <A>(step: (book: ActivityBook) => BookStep<A>) => Effect.Effect<A, RouteFailure>
}

export const makeActivityBookState = (initial: PropertySnapshot): Effect.Effect<ActivityBookState> =>
  Effect.map(SynchronizedRef.make(seedActivityBook(initial)), (ref) => ({
    snapshot: SynchronizedRef.get(ref),
    transact: (step) =>
      SynchronizedRef.modifyEffect(ref, (book) =>
        Either.match(step(book), {
          onLeft: (failure) => Effect.fail(failure),
          onRight: ([answer, next]) => Effect.succeed([answer, next] as const)
        }))
  }))
