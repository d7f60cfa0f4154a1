import { Effect, Schema } from "effect"
import { OperaConnection } from "../config/OperaConnection.js"

/**
 * An OPERA hotel code as OHIP uses it in paths and the x-hotelid header,
 * decoded to its one canonical (upper-case) spelling: the allow-list check,
 * the audit row and the request to OPERA all see the same value.
 */
export const HotelId = Schema.transform(
  Schema.String.pipe(
    Schema.pattern(/^[A-Za-z0-9_-]{1,20}$/, { message: () => "must be an OPERA hotel code (letters, digits, - or _)" })
  ),
  Schema.String,
  { strict: true, decode: (code) => code.toUpperCase(), encode: (code) => code }
).annotations({ description: "OPERA hotel code; defaults to the configured hotel (OPERA_HOTEL_ID)" })

/** The hotel a call is for: the one given, or the configured one. */
export const hotelFor = (hotelId: string | undefined) =>
  hotelId === undefined ? OperaConnection.pipe(Effect.map((connection) => connection.hotelId)) : Effect.succeed(hotelId)

/** An ISO calendar date, as OHIP takes it. */
export const IsoDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/, { message: () => "must be a date written YYYY-MM-DD" }),
  Schema.filter((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
    new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), { message: () => "is not a real calendar date" }),
  Schema.annotations({ description: "Date as YYYY-MM-DD", format: "date" })
)

/** OHIP paging passed through: how many, and from where. */
export const Paging = {
  limit: Schema.optionalWith(
    Schema.Int.pipe(Schema.between(1, 200), Schema.annotations({ description: "Page size (1–200, default 20)" })),
    { default: () => 20 }
  ),
  offset: Schema.optionalWith(
    Schema.Int.pipe(Schema.nonNegative(), Schema.annotations({ description: "Records to skip (default 0)" })),
    { default: () => 0 }
  )
}

/** An optional argument: absent, or a value (JSON has no undefined). */
export const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })
