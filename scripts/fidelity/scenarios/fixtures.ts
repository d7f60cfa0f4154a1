import type { PropertySnapshot } from "../../../src/connectors/opera/sandbox/property.js"
import { computedStatus } from "../../../src/connectors/opera/sandbox/property.js"

/**
 * Values from the seeded sandbox that tool arguments can be made of: one
 * reservation per status (so the same tool meets records it may and may not
 * act on), a few guests, dates around the business date, and an id no record has.
 */
export interface Fixtures {
  readonly hotelId: string
  readonly businessDate: string
  /** The business date plus `days`, as YYYY-MM-DD. */
  readonly day: (days: number) => string
  /** One reservation id per status, in a fixed order (DueIn, Reserved, InHouse, DueOut, CheckedOut, Cancelled, NoShow). */
  readonly reservationIds: ReadonlyArray<string>
  readonly confirmationNumber: string
  readonly profileIds: ReadonlyArray<string>
  readonly guest: {
    readonly surname: string
    readonly givenName: string
    readonly email: string | undefined
    readonly city: string | undefined
  }
  /** An id that no reservation, profile or other record has: answers are 404s. */
  readonly unknownId: string
}

const statusOrder = ["DueIn", "Reserved", "InHouse", "DueOut", "CheckedOut", "Cancelled", "NoShow"] as const

const addDays = (date: string, days: number) => {
  const [year, month, day] = date.split("-").map(Number)
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, (day ?? 1) + days)).toISOString().slice(0, 10)
}

export const fixturesFrom = (snapshot: PropertySnapshot, hotelId: string): Fixtures => {
  const reservations = [...snapshot.reservations.values()].filter((reservation) => reservation.hotelId === hotelId)
  const byStatus = statusOrder.flatMap((status) => {
    const found = reservations.find((reservation) => computedStatus(reservation, snapshot.businessDate) === status)
    return found === undefined ? [] : [found]
  })
  const guests = [...snapshot.guests.values()]
  const guest = guests.find((candidate) => candidate.email !== undefined && candidate.address !== undefined) ?? guests[0]
  return {
    hotelId,
    businessDate: snapshot.businessDate,
    day: (days) => addDays(snapshot.businessDate, days),
    reservationIds: byStatus.map((reservation) => reservation.reservationId),
    confirmationNumber: byStatus[0]?.confirmationNumber ?? "0",
    profileIds: guests.slice(0, 2).map((candidate) => candidate.profileId),
    guest: {
      surname: guest?.surname ?? "Smith",
      givenName: guest?.givenName ?? "Alex",
      email: guest?.email,
      city: guest?.address?.city
    },
    unknownId: "999999999"
  }
}
