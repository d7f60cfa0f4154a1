import type { AuthInfo, CallToolResult, ListToolsResult, McpRequestContext, ServerContext } from "@modelcontextprotocol/server"
import { CLIENT_INFO_META_KEY, Server } from "@modelcontextprotocol/server"
import { Cause, Effect, Exit, Option, Runtime, Schema } from "effect"
import type { CallContextShape } from "../tools/CallContext.js"
import { CallContext } from "../tools/CallContext.js"
import type { ToolCallOutcome } from "../tools/ToolCallOutcome.js"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { AssistantSurface } from "../tools/surface/AssistantSurface.js"
import { ToolRegistry } from "../tools/ToolRegistry.js"
import type { RunFor } from "./assistantHandlers.js"
import { registerAssistantHandlers } from "./assistantHandlers.js"
import { serverInstructions } from "./instructions.js"
import { cacheHints, capabilities, supportedProtocolVersions } from "./protocol.js"
import { serverInfo } from "./serverInfo.js"
import { listedTool, outputSchemaOf } from "./toolListing.js"
import { makeUserConfirmation } from "./userConfirmation.js"

const toCallToolResult = (outcome: ToolCallOutcome): CallToolResult => ({
  content: [{ type: "text", text: outcome.text }],
  ...(outcome.structured !== undefined ? { structuredContent: outcome.structured } : {}),
  ...(outcome.isError ? { isError: true } : {})
})

// A defect never reaches the client as its own message: that could carry internals.
const unexpected: CallToolResult = {
  content: [{ type: "text", text: "The server failed to complete this call; the failure has been logged." }],
  isError: true
}

/** What one request tells the glue about its caller; everything in it except `authInfo` is the client's own claim. */
export interface RequestCaller {
  readonly authInfo: AuthInfo | undefined
  /** clientInfo as the client declared it (per request on 2026-07-28): untrusted, never an identity. */
  readonly declaredClient: { readonly name: string; readonly version: string } | undefined
}

/**
 * Who is calling, for one request. The HTTP endpoint builds it from the
 * `AuthInfo` its authentication attached to the request; stdio from the
 * process (one client per process).
 */
export type ContextFor = (caller: RequestCaller) => CallContextShape

/**
 * How an instance hears of changed resources: `instance` (a stdio connection,
 * a 2025 HTTP session: it notifies its own client) or `none` (a 2026-07-28
 * HTTP request's instance, which lives for one request; the endpoint's
 * `subscriptions/listen` streams are fed from the handler's bus instead).
 */
export type ChangeDelivery = "instance" | "none"

/** Builds one SDK server instance for one serving unit (a stdio connection, an HTTP session or request). */
export type ServerFactory = (request: McpRequestContext) => Server

const DeclaredClient = Schema.Struct({ name: Schema.String, version: Schema.String })
const decodeDeclaredClient = Schema.decodeUnknownOption(DeclaredClient)

// On 2026-07-28 the client names itself in every request's envelope; on 2025 once, in initialize.
const declaredClientOf = (server: Server, ctx: ServerContext): RequestCaller["declaredClient"] => {
  const envelope: Record<string, unknown> = { ...ctx.mcpReq.envelope }
  return Option.getOrUndefined(decodeDeclaredClient(envelope[CLIENT_INFO_META_KEY] ?? server.getClientVersion()))
}

/**
 * The SDK's low-level Server wired to the tool registry: for a way of
 * telling who calls, a factory the serving entries call for each instance they
 * need (the same tools for both protocol eras). Every handler runs its program on the captured runtime with
 * the request's abort signal, and maps the Exit explicitly.
 */
export const makeServerFactories = Effect.gen(function*() {
    const runtime = yield* Effect.runtime<ToolRegistry | AssistantSurface>()
    const registry = yield* ToolRegistry
    const surface = yield* AssistantSurface
    const security = yield* SecurityConfig
    const userConfirmation = yield* makeUserConfirmation
    const run = Runtime.runPromiseExit(runtime)
    const runSync = Runtime.runSync(runtime)
    const instructions = serverInstructions(registry.connector, registry.tools, security.toolProfile, security.readOnly)

    return (contextFor: ContextFor, delivery: ChangeDelivery = "instance"): ServerFactory => (request: McpRequestContext) => {
      const server = new Server(serverInfo, { capabilities, instructions, cacheHints, supportedProtocolVersions })
      const callerOf = (ctx: ServerContext): RequestCaller => ({
        authInfo: ctx.http?.authInfo,
        declaredClient: declaredClientOf(server, ctx)
      })
      const contextOf = (ctx: ServerContext) => contextFor(callerOf(ctx))
      const runFor: RunFor = (ctx, program) =>
        run(program.pipe(Effect.provideService(CallContext, contextOf(ctx))), { signal: ctx.mcpReq.signal })
      // On 2025 the client subscribes per URI and hears only of those; on 2026-07-28 the SDK's listen router filters.
      const subscriptions = request.era === "legacy" ? new Set<string>() : undefined
      registerAssistantHandlers({ server, surface, callerOf: contextOf, run: runFor, subscriptions })
      if (delivery === "instance") {
        const stop = runSync(registry.resourceChanges.listen((uri) => {
          if (subscriptions === undefined || subscriptions.has(uri)) void server.sendResourceUpdated({ uri }).catch(() => undefined)
        }))
        const closed = server.onclose
        server.onclose = () => {
          runSync(stop)
          closed?.()
        }
      }

      server.setRequestHandler("tools/list", async (_list, ctx): Promise<ListToolsResult> => {
        const exit = await run(registry.list(contextFor(callerOf(ctx))), { signal: ctx.mcpReq.signal })
        if (Exit.isFailure(exit)) return { tools: [] }
        return {
          tools: exit.value.map(listedTool)
        }
      })

      server.setRequestHandler("tools/call", async (request, ctx) => {
        const name = request.params.name
        const asking = userConfirmation.forRequest(server, ctx)
        const callContext: CallContextShape = { ...contextFor(callerOf(ctx)), ...asking.context }
        const program = registry.dispatch(name, request.params.arguments ?? {}).pipe(
          Effect.provideService(CallContext, callContext),
          // The defect's message only: a stack trace is not for logs either.
          Effect.tapDefect((cause) => {
            const defect: unknown = Cause.squash(cause)
            return Effect.logError("tool call failed unexpectedly", {
              tool: name.slice(0, 80),
              defect: defect instanceof Error ? defect.message : String(defect).slice(0, 300)
            })
          })
        )
        const exit = await run(program, { signal: ctx.mcpReq.signal })
        // The pipeline stopped at its confirmation step to ask the user: the answer is the form.
        const pending = asking.pending()
        const outcome: ToolCallOutcome | undefined = Exit.isSuccess(exit) ? exit.value : undefined
        const asked = outcome?.errorTag === "ConfirmationPending"
        if (pending !== undefined && asked) return pending
        const result = Exit.match(exit, { onFailure: () => unexpected, onSuccess: toCallToolResult })
        const tool = registry.tools.find((candidate) => candidate.name === name)
        return server.projectCallToolResult(result, tool === undefined ? undefined : outputSchemaOf(tool))
      })

      return server
    }
  })
