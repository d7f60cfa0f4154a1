import { Either, ParseResult, Schema } from "effect"
import type { OhipOperation } from "../ohip/specs.js"

/**
 * The client's response Schemas against the specs' own samples: every
 * example a success response of the operation carries (`examples`, and
 * `example` / `x-example` on the response schema) must decode, and must
 * still decode with unknown fields added at every level, as a real OPERA
 * answer has many fields this server never reads. Where a spec has no sample,
 * the sandbox's own success bodies are used for the unknown-fields check.
 */
export interface Sample {
  readonly origin: "spec" | "sandbox"
  readonly label: string
  readonly body: unknown
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The success-response samples an operation's spec carries. */
export const specSamples = (operation: OhipOperation): ReadonlyArray<Sample> =>
  Object.entries(operation.responses)
    .filter(([status]) => /^2\d\d$/.test(status))
    .flatMap(([status, response]) => {
      const examples = Object.entries(response.examples ?? {}).map(([media, body]) => ({
        origin: "spec" as const,
        label: `${operation.operationId} ${status} example (${media})`,
        body
      }))
      const schema = isRecord(response.schema) ? response.schema : {}
      const inline = (["example", "x-example"] as const).flatMap((key) =>
        schema[key] === undefined ? [] : [{ origin: "spec" as const, label: `${operation.operationId} ${status} ${key}`, body: schema[key] }]
      )
      return [...examples, ...inline]
    })

/** The same value with an unknown field added to every object in it. */
export const withUnknownFields = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withUnknownFields)
  if (!isRecord(value)) return value
  return {
    ...Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, withUnknownFields(entry)])),
    fidelityUnknownField: { nested: ["value", 1, true, null] },
    "o:fidelityExtension": "x"
  }
}

const clip = (text: string) => text.length > 120 ? `${text.slice(0, 120)}…` : text

/** Where a decode failed (the first issues), by path only for sandbox bodies (they hold seeded guest data). */
const describe = (error: ParseResult.ParseError, origin: Sample["origin"]) =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .slice(0, 2)
    .map((issue) => origin === "spec" ? `${issue.path.join(".")}: ${clip(issue.message)}` : `${issue.path.join(".")} (${issue._tag})`)
    .join("; ")

/** Problems of one client Schema against samples; empty when every sample decodes both ways. */
export const decodingProblems = (
  schema: Schema.Schema<unknown, unknown, never>,
  samples: ReadonlyArray<Sample>
): ReadonlyArray<string> => {
  const decode = Schema.decodeUnknownEither(schema)
  return samples.flatMap((sample) => {
    const variants = sample.origin === "spec"
      ? [["as published", sample.body], ["with unknown fields", withUnknownFields(sample.body)]] as const
      : [["with unknown fields", withUnknownFields(sample.body)]] as const
    // The first variant that fails is reported: one sample, at most one failure.
    for (const [how, body] of variants) {
      const failure = Either.match(decode(body), {
        onRight: () => undefined,
        onLeft: (error) => `${sample.label} ${how} does not decode: ${describe(error, sample.origin)}`
      })
      if (failure !== undefined) return [failure]
    }
    return []
  })
}
