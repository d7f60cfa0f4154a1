import { UriTemplate } from "@modelcontextprotocol/server"
import { Effect, Option, Schema } from "effect"
import { SecurityConfig } from "../../config/SecurityConfig.js"
import { AccessPolicy } from "../../security/AccessPolicy.js"
import type { CallContextShape } from "../CallContext.js"
import { CallContext } from "../CallContext.js"
import { Connector } from "../Connector.js"
import { HotelId } from "../fields.js"
import type { ToolCallOutcome } from "../ToolCallOutcome.js"
import { ToolRegistry } from "../ToolRegistry.js"
import type { PromptDefinition, ResourceDefinition } from "./definitions.js"
import { resourceUri } from "./definitions.js"

/** A resource URI no template of this server matches, or a prompt it does not have. */
export class SurfaceUnknown extends Schema.TaggedError<SurfaceUnknown>()("SurfaceUnknown", {
  message: Schema.String
}) {}

/** The pipeline refused or failed the read behind a resource or prompt; the message is the pipeline's own (masked). */
export class SurfaceRefused extends Schema.TaggedError<SurfaceRefused>()("SurfaceRefused", {
  message: Schema.String,
  reason: Schema.Literal("not_found", "invalid", "refused")
}) {}

export const resourceMimeType = "application/json"

const maxCompletions = 100
const decodeHotel = Schema.decodeUnknownOption(HotelId)

const refusalOf = (outcome: ToolCallOutcome) =>
  new SurfaceRefused({
    message: outcome.text,
    reason: outcome.errorTag === "InvalidArguments"
      ? "invalid"
      : outcome.errorTag !== undefined && /NotFound/.test(outcome.errorTag)
      ? "not_found"
      : "refused"
  })

/** What a completion request refers to: a prompt by name, or a resource template by its URI template. */
export type CompletionRef = { readonly type: "prompt"; readonly name: string } | { readonly type: "resource"; readonly uri: string }

/**
 * Resources, prompts and completions: what an assistant sees beside the tools.
 * Every resource read and prompt is one call through the tool pipeline for the
 * current caller, so the access policy, rate limits, threat monitor, redaction
 * and audit apply to them exactly as to tool calls.
 */
export class AssistantSurface extends Effect.Service<AssistantSurface>()("opera/AssistantSurface", {
  effect: Effect.gen(function*() {
    const registry = yield* ToolRegistry
    const access = yield* AccessPolicy
    const connector = yield* Connector
    const { resources: resourceDefinitions, prompts: promptDefinitions, completions } = connector.surface
    const security = yield* SecurityConfig
    const templates = resourceDefinitions.map((definition) => ({ definition, template: new UriTemplate(definition.uriTemplate) }))
    const toolOf = (name: string) => registry.tools.find((tool) => tool.name === name)!
    const candidateHotels = [
      ...new Set([...Option.toArray(connector.defaultHotel), ...Option.getOrElse(security.hotelAllowList, () => [])]
        .map((id) => id.toUpperCase()))
    ]

    /** The hotels this caller may use `toolName` for: the configured one and the allow-list, as the policy allows. */
    const hotelsFor = (ctx: CallContextShape, toolName: string) =>
      Effect.filter(candidateHotels, (hotelId) =>
        access.check(ctx, toolOf(toolName), hotelId).pipe(Effect.as(true), Effect.orElseSucceed(() => false)))

    const readable = (ctx: CallContextShape, definition: ResourceDefinition) => registry.isCallable(ctx, definition.tool)

    /** resources/list: the per-hotel resources (today's arrivals and departures, room types, rate plans) this caller may read. */
    const resources = (ctx: CallContextShape) =>
      Effect.forEach(resourceDefinitions.filter((definition) => definition.perHotel && readable(ctx, definition)), (definition) =>
        hotelsFor(ctx, definition.tool).pipe(Effect.map((hotels) =>
          hotels.map((hotelId) => ({
            uri: resourceUri(definition, hotelId),
            name: `${definition.name}-${hotelId.toLowerCase()}`,
            title: `${definition.title} (${hotelId})`,
            description: definition.description,
            mimeType: resourceMimeType
          }))
        ))).pipe(Effect.map((lists) => lists.flat()))

    /** resources/templates/list: every template whose tool this caller may call. */
    const resourceTemplates = (ctx: CallContextShape) =>
      resourceDefinitions.filter((definition) => readable(ctx, definition)).map((definition) => ({
        uriTemplate: definition.uriTemplate,
        name: definition.name,
        title: definition.title,
        description: definition.description,
        mimeType: resourceMimeType
      }))

    const match = (uri: string) => {
      for (const { definition, template } of templates) {
        const variables = template.match(uri)
        if (variables !== null) {
          const flat = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)]))
          return Option.some({ definition, variables: flat })
        }
      }
      return Option.none()
    }

    const unknownResource = (uri: string) =>
      new SurfaceUnknown({
        message: `No resource of this server has the URI ${JSON.stringify(uri.slice(0, 200))}. ` +
          "Call resources/templates/list for the URI templates."
      })

    /** resources/read: the tool behind the URI, called through the pipeline; its structured result as JSON. */
    const read = (uri: string) =>
      Effect.gen(function*() {
        const found = match(uri)
        if (Option.isNone(found)) return yield* unknownResource(uri)
        const { definition, variables } = found.value
        const outcome = yield* registry.dispatch(definition.tool, definition.argumentsFor(variables))
        if (outcome.isError) return yield* refusalOf(outcome)
        return { uri, mimeType: resourceMimeType, text: JSON.stringify(outcome.structured ?? {}) }
      })

    /** Whether this caller may subscribe to `uri`: a URI of ours whose tool it may call for that hotel. */
    const maySubscribe = (ctx: CallContextShape, uri: string) =>
      Option.match(match(uri), {
        onNone: () => Effect.succeed(false),
        onSome: ({ definition, variables }) =>
          !readable(ctx, definition) ? Effect.succeed(false) : access.check(ctx, toolOf(definition.tool), variables.hotelId ?? "").pipe(
            Effect.as(true),
            Effect.orElseSucceed(() => false)
          )
      })

    /** prompts/list: the prompts whose every tool this caller may call. */
    const prompts = (ctx: CallContextShape) =>
      promptDefinitions.filter((prompt) => prompt.tools.every((name) => registry.isCallable(ctx, name)))

    const promptNamed = (ctx: CallContextShape, name: string): Option.Option<PromptDefinition> =>
      Option.fromNullable(prompts(ctx).find((prompt) => prompt.name === name))

    /** prompts/get: the prompt rendered through the pipeline (audited as `prompt:<name>`, arguments masked). */
    const getPrompt = (name: string, args: Readonly<Record<string, string>>) =>
      Effect.gen(function*() {
        const ctx = yield* CallContext
        const prompt = promptNamed(ctx, name)
        if (Option.isNone(prompt)) {
          return yield* new SurfaceUnknown({
            message: `This server has no prompt ${JSON.stringify(name.slice(0, 64))} for this client. Call prompts/list.`
          })
        }
        const outcome = yield* registry.run(prompt.value.tool, args)
        if (outcome.isError) return yield* refusalOf(outcome)
        const text = typeof outcome.structured?.guidance === "string" ? outcome.structured.guidance : outcome.text
        return {
          description: prompt.value.description,
          messages: [{ role: "user" as const, content: { type: "text" as const, text } }]
        }
      })

    const codesFrom = (source: { readonly tool: string; readonly list: string; readonly field: string }, hotelId: string | undefined) =>
      Effect.gen(function*() {
        const outcome = yield* registry.dispatch(source.tool, hotelId === undefined ? {} : { hotelId })
        const entries = outcome.isError ? [] : outcome.structured?.[source.list]
        if (!Array.isArray(entries)) return []
        return entries.flatMap((entry: unknown) => {
          const code = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>)[source.field] : undefined
          return typeof code === "string" ? [code] : []
        })
      })

    /**
     * completion/complete for a prompt argument or a template variable:
     * hotel codes this caller may use, its own recent reservation ids (never
     * another client's), and room type, rate plan and package codes read
     * through the pipeline like any tool call.
     */
    const complete = (ref: CompletionRef, argument: string, value: string, context: Readonly<Record<string, string>>) =>
      Effect.gen(function*() {
        const ctx = yield* CallContext
        // The tool the completed value is for: a template's own, or the first a prompt leads to.
        const forTool: string | undefined = ref.type === "prompt"
          ? Option.getOrUndefined(Option.flatMap(
            Option.filter(promptNamed(ctx, ref.name), (prompt) => prompt.arguments.some((entry) => entry.name === argument)),
            (prompt) => Option.fromNullable(prompt.tools[0])
          ))
          : resourceDefinitions.find((definition) =>
            definition.uriTemplate === ref.uri && readable(ctx, definition) && definition.uriTemplate.includes(`{${argument}}`)
          )?.tool
        const source = completions[argument]
        if (forTool === undefined || source === undefined) return { values: [], total: 0, hasMore: false }
        const hotelId = Option.getOrUndefined(decodeHotel(context.hotelId))
        const hotel = hotelId ?? Option.getOrUndefined(connector.defaultHotel)
        const offered: ReadonlyArray<string> = source._tag === "Hotels"
          ? yield* hotelsFor(ctx, forTool)
          : source._tag === "Recent"
          ? (yield* registry.recentReservations.of(ctx.clientId))
            .filter((entry) => entry.hotelId.toUpperCase() === hotel?.toUpperCase())
            .map((entry) => entry.reservationId)
          : yield* codesFrom(source, hotelId)
        const prefix = value.toLowerCase()
        const matching = [...new Set(offered)].filter((candidate) => candidate.toLowerCase().startsWith(prefix))
        return {
          values: matching.slice(0, maxCompletions),
          total: matching.length,
          hasMore: matching.length > maxCompletions
        }
      })

    return { resources, resourceTemplates, read, maySubscribe, prompts, getPrompt, complete } as const
  })
}) {}
