import { Effect } from "effect"
import { CallContext } from "./CallContext.js"
import { catalog } from "./catalog.js"
import type { ToolServices } from "./catalog.js"
import { invalidArguments } from "./InvalidArguments.js"
import type { Tool } from "./Tool.js"
import type { ToolCallOutcome } from "./ToolCallOutcome.js"
import { failed } from "./ToolCallOutcome.js"

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : { result: value }

/**
 * The tools of this server and the pipeline one call goes through
 * (ARCHITECTURE.md, "The flow of one tool call").
 */
export class ToolRegistry extends Effect.Service<ToolRegistry>()("opera/ToolRegistry", {
  effect: Effect.gen(function*() {
    const services = yield* Effect.context<ToolServices>()
    const byName = new Map(catalog.map((tool) => [tool.name, tool] as const))

    /** The tools this caller may see. */
    const list = (_ctx: unknown) => Effect.succeed<ReadonlyArray<Tool<ToolServices>>>(catalog)

    const run = (tool: Tool<ToolServices>, args: unknown) =>
      Effect.gen(function*() {
        const input = yield* tool.decodeInput(args).pipe(
          Effect.mapError((error) => invalidArguments(tool.name, error))
        )
        const result = yield* tool.handler(input)
        const structured = yield* tool.encodeOutput(result.structured).pipe(Effect.orDie)
        return { isError: false, text: result.text, structured: asRecord(structured) } satisfies ToolCallOutcome
      })

    /** Runs one tool call through the pipeline; every expected failure becomes an isError outcome. */
    const dispatch = (name: string, args: unknown) =>
      Effect.gen(function*() {
        yield* CallContext
        const tool = byName.get(name)
        if (tool === undefined) return failed(`Unknown tool "${name.slice(0, 80)}". Call tools/list for the tools available.`)
        return yield* run(tool, args).pipe(
          Effect.catchAll((error) => Effect.succeed(failed(error.message))),
          Effect.provide(services)
        )
      }).pipe(Effect.withSpan("ToolRegistry.dispatch", { attributes: { tool: name.slice(0, 80) } }))

    return { list, dispatch, tools: catalog } as const
  })
}) {}
