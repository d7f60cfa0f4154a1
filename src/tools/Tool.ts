import type { Effect, ParseResult } from "effect"
import { JSONSchema, Schema } from "effect"
import type { OperaError } from "../opera/errors.js"
import type { ToolInfo } from "./ToolInfo.js"

/** What a handler gives back: the structured result and a compact text rendering of it. */
export interface ToolResult<A> {
  readonly structured: A
  readonly text: string
}

/** What a write tool tells the audit log and the confirmation step about one call. */
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
 * is derived from them), its annotations, and the handler.
 */
export interface ToolDefinition<I, IE, A, AE, R> extends ToolInfo {
  readonly description: string
  readonly input: Schema.Schema<I, IE, never>
  readonly output: Schema.Schema<A, AE, never>
  /** Facts about a call, derived from its decoded input. */
  readonly facts: (input: I) => Effect.Effect<CallFacts, never, R>
  readonly handler: (input: I) => Effect.Effect<ToolResult<A>, OperaError | ToolError, R>
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
  readonly handler: (input: unknown) => Effect.Effect<ToolResult<unknown>, OperaError | ToolError, R>
  readonly encodeOutput: (output: unknown) => Effect.Effect<unknown, ParseResult.ParseError>
}

const jsonSchemaOf = (schema: Schema.Schema.AnyNoContext): JsonSchemaObject => {
  const { $schema: _drop, ...rest } = JSONSchema.make(schema) as unknown as Record<string, unknown>
  return { ...rest, type: "object" }
}

/** Checks a definition's types once, then erases them for the registry. */
export const defineTool = <I, IE, A, AE, R>(definition: ToolDefinition<I, IE, A, AE, R>): Tool<R> => {
  const decode = Schema.decodeUnknown(definition.input, { onExcessProperty: "error", errors: "all" })
  const encode = Schema.encodeUnknown(definition.output)
  return {
    name: definition.name,
    domain: definition.domain,
    annotations: definition.annotations,
    touchesGuestData: definition.touchesGuestData,
    description: definition.description,
    inputSchema: jsonSchemaOf(definition.input),
    outputSchema: jsonSchemaOf(definition.output),
    decodeInput: decode,
    // The registry only passes values that decodeInput produced.
    facts: (input) => definition.facts(input as I),
    handler: (input) => definition.handler(input as I),
    encodeOutput: encode
  }
}
