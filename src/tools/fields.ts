import { Effect, Option, ParseResult, Schema } from "effect"
import { Connector } from "./Connector.js"

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
).annotations({ description: "Default: the configured hotel" })

/** The hotel a call is for: the one given, or the connector's configured one. */
export const hotelFor = (hotelId: string | undefined) =>
  hotelId === undefined
    ? Connector.pipe(Effect.flatMap((connector) =>
      Option.match(connector.defaultHotel, {
        // Only a connector with hotels has tools that take a hotelId: a programming error otherwise.
        onNone: () => Effect.dieMessage(`the ${connector.name} connector has no default hotel`),
        onSome: Effect.succeed
      })
    ))
    : Effect.succeed(hotelId)

/** An ISO calendar date, as OHIP takes it. */
export const IsoDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/, { message: () => "must be a date written YYYY-MM-DD" }),
  Schema.filter((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
    new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), {
    message: () => "is not a real calendar date",
    jsonSchema: { format: "date" }
  })
)

/** OHIP paging passed through: how many, and from where. */
export const Paging = {
  limit: Schema.optionalWith(
    Schema.Int.pipe(Schema.between(1, 200), Schema.annotations({ description: "default 20" })),
    { default: () => 20 }
  ),
  offset: Schema.optionalWith(
    Schema.Int.pipe(Schema.nonNegative(), Schema.annotations({ description: "default 0" })),
    { default: () => 0 }
  )
}

/** An optional argument: absent, or a value (JSON has no undefined). */
export const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

const idText = /^[A-Za-z0-9-]{1,20}$/

/**
 * An OPERA internal id (reservation, profile, block …). OHIP issues these as
 * digits, and models often send them as JSON numbers (`"reservationId": 500394`):
 * a whole number is accepted and decoded to its digits; a string keeps its
 * letters, digits and dashes (sandbox and older ids may have letters).
 */
export const operaId = (what: string, description: string) =>
  Schema.transformOrFail(
    Schema.Union(Schema.String, Schema.Number),
    Schema.String,
    {
      strict: true,
      decode: (value, _options, ast) => {
        const text = typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : value
        return typeof text === "string" && idText.test(text)
          ? ParseResult.succeed(text)
          : ParseResult.fail(new ParseResult.Type(ast, value, `must be an OPERA ${what} id: digits (as a number or text), letters or -`))
      },
      encode: ParseResult.succeed
    }
  ).annotations({ description, jsonSchema: { type: ["string", "integer"], description } })
