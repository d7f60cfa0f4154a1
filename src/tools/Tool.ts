import { Effect, Either, JSONSchema, ParseResult, Schema } from "effect"
import type { OipaError } from "../connectors/oipa/database/errors.js"
import type { OperaError } from "../opera/errors.js"
import type { LeanOptions } from "./leanJsonSchema.js"
import { leanJsonSchema } from "./leanJsonSchema.js"
import type { ToolInfo } from "./ToolInfo.js"

/** What a tool tells the pipeline about one call before it runs. */
export interface CallFacts {
  /** The hotel the call acts on, for the hotel allow-list and the audit log. */
  readonly hotelId?: string
  /** OPERA ids the call touches (reservation, profile, folio …), for the audit log. */
  readonly objectIds?: ReadonlyArray<string>
  /** One sentence saying what a destructive call would change, shown before confirmation. */
  readonly summary?: string
}

/**
 * A tool as data: its input and output Schemas (the JSON Schema in tools/list
 * is derived from them), its annotations, the handler, and how to render a
 * result as compact text. Output Schemas are plain JSON shapes (no
 * transformations), so a result is its own structured content.
 */
export interface ToolDefinition<I, IE, A, R> extends ToolInfo {
  readonly description: string
  readonly input: Schema.Schema<I, IE, never>
  readonly output: Schema.Schema<A, A, never>
  /** Facts about a call, derived from its decoded input. */
  readonly facts: (input: I) => Effect.Effect<CallFacts, never, R>
  readonly handler: (input: I) => Effect.Effect<A, OperaError | OipaError | ToolError, R>
  /** A compact, table-like text for clients that read only text; given the already-redacted result. */
  readonly render: (output: A) => string
  /**
   * For a prompt run through the pipeline: the tools it leads to. The access
   * policy checks each of them instead of the prompt's own name.
   */
  readonly requires?: ReadonlyArray<ToolInfo>
}

/** A handler's own refusal (a precondition it checks before calling OPERA). */
export class ToolError extends Schema.TaggedError<ToolError>()("ToolError", {
  message: Schema.String
}) {}

export type JsonSchemaObject = { readonly type: "object" } & Record<string, unknown>

/** The type-erased tool the registry works with. */
export interface Tool<R> extends ToolInfo {
  readonly description: string
  readonly inputSchema: JsonSchemaObject
  readonly outputSchema: JsonSchemaObject
  readonly decodeInput: (args: unknown) => Effect.Effect<unknown, ParseResult.ParseError>
  readonly facts: (input: unknown) => Effect.Effect<CallFacts, never, R>
  readonly handler: (input: unknown) => Effect.Effect<unknown, OperaError | OipaError | ToolError, R>
  /** The paths where `value` does not fit the output Schema (empty when it fits); never the values. */
  readonly outputMismatch: (value: unknown) => ReadonlyArray<string>
  readonly render: (output: unknown) => string
  readonly requires?: ReadonlyArray<ToolInfo>
}

export const confirmationTokenArgument = "confirmationToken"

const jsonSchemaOf = (schema: Schema.Schema.AnyNoContext, options: LeanOptions): JsonSchemaObject => {
  const { $schema: _drop, ...rest } = JSONSchema.make(schema) as unknown as Record<string, unknown>
  return leanJsonSchema({ ...rest, type: "object" }, options)
}

// Destructive tools take one more argument: the single-use token of the confirmation step.
const withConfirmationToken = (schema: JsonSchemaObject): JsonSchemaObject => ({
  ...schema,
  properties: {
    ...(schema.properties as Record<string, unknown> | undefined),
    [confirmationTokenArgument]: {
      type: "string",
      description: "Only to confirm: the token this tool's confirmation answer gave, with the same arguments"
    }
  }
})

// No tool takes arguments nested deeper than this; deeper input is refused before any recursive work.
const maxArgumentDepth = 32

/** Depth of a JSON value, measured without recursion (a hostile value may be thousands of levels deep). */
const tooDeep = (value: unknown): boolean => {
  const pending: Array<readonly [unknown, number]> = [[value, 0]]
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!
    if (typeof current !== "object" || current === null) continue
    if (depth >= maxArgumentDepth) return true
    for (const child of Object.values(current)) pending.push([child, depth + 1])
  }
  return false
}

const tooDeepError = (args: unknown) =>
  new ParseResult.ParseError({
    issue: new ParseResult.Type(Schema.Unknown.ast, args, `arguments are nested deeper than ${maxArgumentDepth} levels`)
  })

/**
 * A value worked out on first use and kept: a tool's JSON Schemas and
 * decoders are pure functions of its definition, and building all of them for
 * 80 tools at start-up delayed the answer to `initialize`.
 */
const lazily = <A>(make: () => A): () => A => {
  let made: { readonly value: A } | undefined
  return () => (made ??= { value: make() }).value
}

/**
 * Arguments must be one JSON object whose fields the tool knows; Effect's own
 * excess-property check does not cover an empty struct, so the names are checked here too.
 */
const decodeArguments = <I, IE>(schema: Schema.Schema<I, IE, never>, json: JsonSchemaObject) => {
  const known = new Set(Object.keys((json.properties as Record<string, unknown> | undefined) ?? {}))
  const decode = Schema.decodeUnknown(schema, { onExcessProperty: "error", errors: "all" })
  const shape = Schema.decodeUnknown(
    Schema.Record({ key: Schema.String, value: Schema.Unknown }).pipe(
      Schema.filter((args) => {
        const unknown = Object.keys(args).filter((name) => !known.has(name))
        return unknown.length === 0 ||
          unknown.map((name) => ({ path: [name], message: "is not a known field of this tool" }))
      })
    ),
    { errors: "all" }
  )
  return (args: unknown) =>
    tooDeep(args) ? Effect.fail(tooDeepError(args)) : Effect.flatMap(shape(args), () => decode(args))
}

/** Checks a definition's types once, then erases them for the registry. */
export const defineTool = <I, IE, A, R>(definition: ToolDefinition<I, IE, A, R>): Tool<R> => {
  const input = lazily(() => jsonSchemaOf(definition.input, { output: false }))
  const inputSchema = lazily(() => definition.annotations.destructiveHint ? withConfirmationToken(input()) : input())
  const outputSchema = lazily(() => jsonSchemaOf(definition.output, { output: true }))
  const decode = lazily(() => decodeArguments(definition.input, input()))
  const validateOutput = lazily(() => Schema.validateEither(definition.output, { errors: "all" }))
  return {
    name: definition.name,
    domain: definition.domain,
    annotations: definition.annotations,
    touchesGuestData: definition.touchesGuestData,
    ...(definition.reveals !== undefined ? { reveals: definition.reveals } : {}),
    ...(definition.operations !== undefined ? { operations: definition.operations } : {}),
    ...(definition.requires !== undefined ? { requires: definition.requires } : {}),
    description: definition.description,
    get inputSchema() {
      return inputSchema()
    },
    get outputSchema() {
      return outputSchema()
    },
    decodeInput: (args) => decode()(args),
    // The registry only passes values that decodeInput (or handler) produced.
    facts: (value) => definition.facts(value as I),
    handler: (value) => definition.handler(value as I),
    outputMismatch: (value) =>
      Either.match(validateOutput()(value), {
        onRight: () => [],
        onLeft: (error) => ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => issue.path.join("."))
      }),
    render: (value) => definition.render(value as A)
  }
}
