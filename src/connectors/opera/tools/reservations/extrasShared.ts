import { DateTime, Effect, Schema } from "effect"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import type { CallFacts } from "../../../../tools/Tool.js"
import { ReservationId } from "./shared.js"

/** Fields and helpers shared by the reservation-extras tools. */

/** Today's date (UTC) from the Effect Clock. */
export const today = Effect.map(DateTime.now, DateTime.formatIsoDateUtc)

/** Adds whole days to a YYYY-MM-DD date. */
export const plusDays = (isoDate: string, days: number): string =>
  DateTime.formatIsoDateUtc(DateTime.add(DateTime.unsafeMake(`${isoDate}T00:00:00Z`), { days }))

/** Input fields naming one reservation. */
export const OnReservation = { hotelId: optional(HotelId), reservationId: ReservationId } as const

/** Facts of a call that acts on one reservation. */
export const reservationFacts = (input: { readonly hotelId?: string; readonly reservationId: string }, summary?: (hotelId: string) => string) =>
  hotelFor(input.hotelId).pipe(Effect.map((hotelId): CallFacts => ({
    hotelId,
    objectIds: [input.reservationId],
    ...(summary === undefined ? {} : { summary: summary(hotelId) })
  })))

export const PackageCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z0-9_-]{1,20}$/, { message: () => "must be an OPERA package code in capitals, e.g. BRKF" }),
  Schema.annotations({ description: "Package code, e.g. BRKF (breakfast), PARK (parking), SPA (spa credit), CHAMP (champagne)" })
)

/** OPERA's answer did not carry what the tool needs. */
export const missing = (what: string) => `OPERA answered but did not return ${what}.`
