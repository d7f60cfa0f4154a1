import { Either, ParseResult, Schema } from "effect"
import { isIsoDate } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import { badRequest } from "./ohipErrors.js"

/**
 * Schema decoding of what a client sends to the sandbox. Failures become
 * OHIP 400 bodies that name the parameter or body path at fault and what it
 * should be, never the value that was sent (it may be a guest's name).
 */
export type RawQuery = Readonly<Record<string, ReadonlyArray<string>>>

const lastValue = Schema.transform(Schema.NonEmptyArray(Schema.String), Schema.String, {
  strict: true,
  decode: (values) => values.at(-1) ?? values[0],
  encode: (value) => [value] as const
})

/** A single-valued query parameter: when repeated, the last value wins. */
export const single = <A, I extends string>(schema: Schema.Schema<A, I>) =>
  Schema.compose(lastValue, schema, { strict: false })

/** A whole number ≥ 0 written in decimal. */
export const WholeNumberParam = Schema.compose(Schema.String.pipe(Schema.pattern(/^\d{1,9}$/)), Schema.NumberFromString)

export const DateParam = Schema.String.pipe(Schema.filter(isIsoDate))

export const BooleanParam = Schema.transform(Schema.Literal("true", "false"), Schema.Boolean, {
  strict: true,
  decode: (value) => value === "true",
  encode: (value) => value ? "true" as const : "false" as const
})

/** An array parameter in the spec's default `csv` collection format (also accepts repeats). */
export const CsvParam = Schema.transform(Schema.Array(Schema.String), Schema.Array(Schema.String), {
  strict: true,
  decode: (values) => values.flatMap((value) => value.split(",")).map((value) => value.trim()).filter((value) => value !== ""),
  encode: (values) => values
})

const firstIssue = (error: ParseResult.ParseError) => ParseResult.ArrayFormatter.formatErrorSync(error)[0]

/** Decodes a query; `hints` says, per parameter name, what a valid value looks like. */
export const decodeQuery = <A, I>(
  schema: Schema.Schema<A, I>,
  query: RawQuery,
  hints: Readonly<Record<string, string>>
): Either.Either<A, RouteFailure> =>
  Schema.decodeUnknownEither(schema)(query).pipe(
    Either.mapLeft((error) => {
      const name = String(firstIssue(error)?.path[0] ?? "")
      return badRequest(`Query parameter "${name}" is invalid: it must be ${hints[name] ?? "as the specification defines it"}.`)
    })
  )

const describePath = (path: ReadonlyArray<PropertyKey>): string =>
  path.length === 0 ? "(root)" : path.map((segment) => typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`).join("").replace(/^\./, "")

/** Decodes a request body against one of the spec's definitions. */
export const decodeBody = <A, I>(
  schema: Schema.Schema<A, I>,
  body: unknown,
  definition: string
): Either.Either<A, RouteFailure> =>
  Schema.decodeUnknownEither(schema)(body).pipe(
    Either.mapLeft((error) => {
      const issue = firstIssue(error)
      const what = issue?._tag === "Missing" ? "a required field is missing" : "a field has the wrong type or format"
      return badRequest(
        `The request body does not match the ${definition} definition: ${what} at ${describePath(issue?.path ?? [])}.`
      )
    })
  )
