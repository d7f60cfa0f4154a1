import { ConfigError, Context, Effect, Fiber, Option } from "effect"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { AccessPolicy } from "../security/AccessPolicy.js"
import { Redactor } from "../security/Redactor.js"
import type { CallContextShape } from "./CallContext.js"
import { CallContext } from "./CallContext.js"
import { Connector } from "./Connector.js"
import type { PipelineServices } from "./pipeline.js"
import { runToolCall } from "./pipeline.js"
import { RecentReservations } from "./surface/RecentReservations.js"
import { ResourceChanges } from "./surface/ResourceChanges.js"
import type { Tool } from "./Tool.js"
import { failed } from "./ToolCallOutcome.js"
import type { ToolEntry } from "./ToolDirectory.js"
import { ToolDirectory } from "./ToolDirectory.js"
import { unknownToolNames } from "./toolNames.js"
import { pipelineTools } from "./security/pipelineTools.js"
import type { ToolServices } from "./ToolServices.js"

/**
 * The tools of this server: what a caller may list, and dispatch of one call
 * through the security pipeline (ARCHITECTURE.md, "The flow of one tool call").
 */
export class ToolRegistry extends Effect.Service<ToolRegistry>()("opera/ToolRegistry", {
  scoped: Effect.gen(function*() {
    // Calls in flight. At shutdown this scope closes before the audit log's (it is built on top of it):
    // every call still running is interrupted and its outcome row written before the log closes.
    // The call runs on the caller's own fiber (no fork and join per call: a join merges the child's FiberRefs);
    // the registry keeps the fibers of calls in flight only to interrupt them when its scope closes.
    const inFlight = new Set<{ readonly fiber: Fiber.RuntimeFiber<unknown, unknown> }>()
    let closed = false
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        closed = true
        return Effect.forEach([...inFlight], (call) => Fiber.interrupt(call.fiber), { discard: true, concurrency: "unbounded" })
      })
    )
    // Captured once, so a call needs nothing but its CallContext.
    const services = yield* Effect.context<Exclude<ToolServices, ToolDirectory | CallContext> | PipelineServices>()
    const access = yield* AccessPolicy
    const redactor = yield* Redactor
    const connector = yield* Connector
    // The connector's tools, then the server's own.
    const catalog: ReadonlyArray<Tool<ToolServices>> = [...connector.tools, ...pipelineTools]
    const toolNames = catalog.map((tool) => tool.name)
    // A misspelt allow-list would serve no tool at all: refuse to start instead.
    const unknown = unknownToolNames(Option.getOrElse((yield* SecurityConfig).toolAllowList, () => []), toolNames)
    if (unknown.length > 0) {
      return yield* Effect.fail(ConfigError.InvalidData(["OPERA_MCP_TOOLS"], unknown.join("; ")))
    }
    const byName = new Map(catalog.map((tool) => [tool.name, tool] as const))

    const directoryFor = (ctx: CallContextShape): ReadonlyArray<ToolEntry> =>
      catalog.filter((tool) => access.isCallable(ctx, tool)).map((tool) => ({
        name: tool.name,
        domain: tool.domain,
        title: tool.annotations.title,
        description: tool.description,
        readOnly: tool.annotations.readOnlyHint,
        destructive: tool.annotations.destructiveHint,
        inputSchema: tool.inputSchema
      }))

    /** The tools this caller may see: read-only mode, allow-lists, profile and per-client policy applied. */
    const list = (ctx: CallContextShape | undefined) => Effect.succeed(catalog.filter((tool) => access.isListed(ctx, tool)))

    /** One call of `tool` (a catalog tool, or a prompt's) through the pipeline, for the CallContext's caller. */
    const run = (tool: Tool<ToolServices>, args: unknown) =>
      Effect.gen(function*() {
        const ctx = yield* CallContext
        // After shutdown began, no new call starts.
        if (closed) return yield* Effect.interrupt
        // One provide per call (each one compares and swaps the fiber's whole context).
        const call = runToolCall(ctx, tool, args).pipe(
          Effect.provide(
            Context.add(services, ToolDirectory, { callable: () => directoryFor(ctx) }).pipe(Context.add(CallContext, ctx))
          )
        )
        // A cancelled request interrupts this fiber, and so the call.
        return yield* Effect.withFiberRuntime<Effect.Effect.Success<typeof call>, Effect.Effect.Error<typeof call>>((fiber) => {
          const running = { fiber }
          inFlight.add(running)
          return Effect.ensuring(call, Effect.sync(() => inFlight.delete(running)))
        })
      })

    const dispatch = (name: string, args: unknown) =>
      Effect.suspend(() => {
        const tool = byName.get(name)
        if (tool === undefined) {
          // The name is echoed only when it looks like a tool name: it is the caller's text, not ours, and is
          // masked like any other text (a card number fits the shape of a tool name).
          const shown = /^[a-z][a-z0-9_]{0,63}$/.test(name) ? ` "${redactor.redactText(name)}"` : ""
          return Effect.succeed(failed(`Unknown tool${shown}. Call tools/list for the tools available.`))
        }
        return run(tool, args)
      })

    return {
      list,
      dispatch,
      run,
      tools: catalog,
      toolNames,
      connector,
      /** Whether this caller may call the tool (listed or not), hotel and peer aside. */
      isCallable: (ctx: CallContextShape, name: string) => {
        const tool = byName.get(name)
        return tool !== undefined && access.isCallable(ctx, tool)
      },
      recentReservations: yield* RecentReservations,
      resourceChanges: yield* ResourceChanges
    } as const
  }),
  dependencies: [RecentReservations.Default, ResourceChanges.Default]
}) {}
