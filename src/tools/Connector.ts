import type { Option } from "effect"
import { Context, Effect, Schema } from "effect"
import type { PromptDefinition, ResourceDefinition } from "./surface/definitions.js"
import type { PaceStep } from "../security/state/StateStore.js"
import type { FailureKind } from "../security/threat/model.js"
import type { ConnectorFailure, Tool } from "./Tool.js"
import type { ToolDomain } from "./ToolInfo.js"
import type { ToolServices } from "./ToolServices.js"

/**
 * What the security health check and `/readyz` say of the system a connector
 * talks to. States and figures only: a problem is a message written for the
 * operator, never a raw upstream body.
 */
export const UpstreamHealth = Schema.Struct({
  /** The connector's name, e.g. "opera". */
  connector: Schema.String,
  /** The system in the operator's words, e.g. "OPERA Cloud". */
  system: Schema.String,
  reachable: Schema.Boolean,
  /** What was probed: a hotel, a database service. */
  target: Schema.String,
  latencyMs: Schema.optional(Schema.Number),
  version: Schema.optional(Schema.String),
  problem: Schema.optional(Schema.String),
  circuitBreaker: Schema.optional(Schema.Literal("closed", "open", "half-open")),
  /** The OAuth token's state, for connectors that use one (never the token). */
  token: Schema.optional(Schema.Struct({
    status: Schema.Literal("none", "valid", "expired"),
    expiresInSeconds: Schema.optional(Schema.Number),
    lastRefreshFailure: Schema.optional(Schema.String),
    tokenRequests: Schema.Number
  }))
})
export type UpstreamHealth = typeof UpstreamHealth.Type

/** Where completion values of one argument come from. */
export type CompletionSource =
  | { readonly _tag: "Hotels" }
  | { readonly _tag: "Recent" }
  | { readonly _tag: "Codes"; readonly tool: string; readonly list: string; readonly field: string }

/** What an assistant sees beside the tools: resources, prompts and completions, as data. */
export interface ConnectorSurface {
  readonly resources: ReadonlyArray<ResourceDefinition>
  readonly prompts: ReadonlyArray<PromptDefinition>
  readonly completions: Readonly<Record<string, CompletionSource>>
  /** The resource URIs a successful change touched (for resource-updated notifications). */
  readonly changedResources: (domain: ToolDomain, hotelId: string | undefined, input: unknown, result: unknown) => ReadonlyArray<string>
  /** The object ids a result showed its caller, offered back as completions of the "Recent" source. */
  readonly recentIdsIn: (result: unknown) => ReadonlyArray<string>
}

/**
 * One system behind the security pipeline. The pipeline and the security
 * services know no connector: they get its tools (their handlers already
 * bound to the connector's own client services), its surface, its health
 * probe and the words the server's instructions use for it.
 */
export interface ConnectorShape {
  readonly name: string
  readonly tools: ReadonlyArray<Tool<ToolServices>>
  readonly surface: ConnectorSurface
  /** The property or scope a call uses when its arguments name none (OPERA's hotel), if the connector has one. */
  readonly defaultHotel: Option.Option<string>
  /** A cheap read that proves the system answers, with its state. */
  readonly health: Effect.Effect<UpstreamHealth>
  /**
   * What a handler's failure says about the caller, for the threat monitor: the system refused the
   * request, has no such record, or was itself at fault (an outage counts toward no lockout or brute force).
   */
  readonly classifyFailure: (failure: ConnectorFailure) => Exclude<FailureKind, "refused">
  /**
   * The upstream throttle's slot a read's admission reserves for its first request in a shared store (one
   * round trip for both); none for a connector whose system has no such throttle.
   */
  readonly admissionPace: Option.Option<PaceStep>
  /** The state of the connector's circuit breaker toward its system, for `/metrics` (none: it has none). */
  readonly circuitBreaker: Effect.Effect<Option.Option<"closed" | "half-open" | "open">>
  /** Lines of the server's `instructions`: what the system is, each domain in its users' words, conventions. */
  readonly instructions: {
    readonly about: string
    readonly domains: Readonly<Partial<Record<ToolDomain, string>>>
    readonly conventions: ReadonlyArray<string>
  }
}

export class Connector extends Context.Tag("pipeline/Connector")<Connector, ConnectorShape>() {}

/**
 * A connector's tool with its own client services provided: what is left for
 * the pipeline to provide is the core services every tool may use.
 */
export const bindTool = <R, Bound>(tool: Tool<R>, context: Context.Context<Bound>): Tool<Exclude<R, Bound>> => ({
  ...tool,
  facts: (input) => Effect.provide(tool.facts(input), context),
  handler: (input) => Effect.provide(tool.handler(input), context)
})
