import type { Tool } from "../Tool.js"
import type { ToolServices } from "../ToolServices.js"

/**
 * An MCP resource (or resource template) as data: its URI template and the
 * read-only tool that reads it. A read is that tool's call through the whole
 * pipeline (access policy, limits, audit, redaction), so a resource never
 * shows what the same caller could not get from the tool.
 */
export interface ResourceDefinition {
  readonly name: string
  readonly title: string
  readonly description: string
  /** RFC 6570 template; `{hotelId}` is in every one. */
  readonly uriTemplate: string
  readonly tool: string
  readonly argumentsFor: (variables: Readonly<Record<string, string>>) => Record<string, unknown>
  /** Listed in resources/list once for each hotel the caller may use (its only variable is hotelId). */
  readonly perHotel: boolean
}

/** A URI of `definition` with its variables filled in. */
export const uriOf = (definition: ResourceDefinition, variables: Readonly<Record<string, string>>) =>
  definition.uriTemplate.replace(/\{(\w+)\}/g, (_whole, variable: string) => encodeURIComponent(variables[variable] ?? ""))

/** The URI of a listed (per-hotel) resource. */
export const resourceUri = (definition: ResourceDefinition, hotelId: string) => uriOf(definition, { hotelId })

/** One argument of a prompt as prompts/list shows it (MCP prompt arguments are strings). */
export interface PromptArgumentInfo {
  readonly name: string
  readonly description: string
  readonly required: boolean
}

/** A prompt: the work it guides, the tools it expects, its arguments, and the pipeline tool that renders it. */
export interface PromptDefinition<R = ToolServices> {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly tools: ReadonlyArray<string>
  readonly arguments: ReadonlyArray<PromptArgumentInfo>
  /** Run through the pipeline like a tool call (audited as `prompt:<name>`). */
  readonly tool: Tool<R>
}
