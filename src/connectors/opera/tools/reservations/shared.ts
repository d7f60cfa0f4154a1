import { Schema } from "effect"
import { Paging } from "../../client/schemas/common.js"
import { operaId } from "../../../../tools/fields.js"

/** An OPERA internal reservation id (digits, as OHIP issues them). */
export const ReservationId = operaId("reservation", "Reservation id (not the confirmation number)")

export const RoomTypeCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z0-9_-]{1,20}$/, { message: () => "must be an OPERA room type code in capitals, e.g. KING" }),
  Schema.annotations({ description: "Room type code, e.g. KING, QUEEN, DBL, STE" })
)

export const RatePlanCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z0-9_-]{1,20}$/, { message: () => "must be an OPERA rate plan code in capitals, e.g. BAR" }),
  Schema.annotations({ description: "Rate plan code, e.g. BAR, AAA, CORP" })
)

export const PersonName = (what: string) =>
  Schema.String.pipe(
    Schema.trimmed({ message: () => `${what} must not start or end with spaces` }),
    Schema.minLength(1, { message: () => `${what} must not be empty` }),
    Schema.maxLength(80, { message: () => `${what} must be at most 80 characters` })
  )

export const Adults = Schema.Int.pipe(Schema.between(1, 8, { message: () => "must be a whole number from 1 to 8" }))
export const Children = Schema.Int.pipe(Schema.between(0, 8, { message: () => "must be a whole number from 0 to 8" }))

export { Paging as PagingOutput }
