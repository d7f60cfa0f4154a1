import type { Server, ServerContext } from "@modelcontextprotocol/server"
import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from "@modelcontextprotocol/server"
import type { Effect } from "effect"
import { Cause, Exit, Option } from "effect"
import type { CallContext, CallContextShape } from "../tools/CallContext.js"
import type { StateUnavailable } from "../security/state/StateStore.js"
import type { AssistantSurface, SurfaceRefused, SurfaceUnknown } from "../tools/surface/AssistantSurface.js"

/** Runs one program for a request on the server's runtime, with the request's abort signal and caller. */
export type RunFor = <A, E>(
  ctx: ServerContext,
  program: Effect.Effect<A, E, CallContext>
) => Promise<Exit.Exit<A, E>>

// Subscriptions one 2025 connection may hold; more is refused rather than kept without bound.
const maxSubscriptions = 200

const failure = (uri: string | undefined, error: SurfaceRefused | SurfaceUnknown | StateUnavailable): ProtocolError => {
  // The shared security state is away: the message says so and what to do (it names no client or key).
  if (error._tag === "StateUnavailable") return new ProtocolError(ProtocolErrorCode.InternalError, error.message)
  if (error._tag === "SurfaceUnknown") {
    return uri !== undefined ? new ResourceNotFoundError(uri, error.message) : new ProtocolError(ProtocolErrorCode.InvalidParams, error.message)
  }
  if (error.reason === "not_found" && uri !== undefined) return new ResourceNotFoundError(uri, error.message)
  return new ProtocolError(error.reason === "invalid" ? ProtocolErrorCode.InvalidParams : ProtocolErrorCode.InvalidRequest, error.message)
}

// A defect's own message never reaches the client (it could carry internals): the handler logs it.
const unexpected = () => new ProtocolError(ProtocolErrorCode.InternalError, "The server failed to complete this request; the failure has been logged.")

const valueOf = <A>(exit: Exit.Exit<A, SurfaceRefused | SurfaceUnknown | StateUnavailable>, uri?: string): A => {
  if (Exit.isSuccess(exit)) return exit.value
  const error = Cause.failureOption(exit.cause)
  throw Option.isSome(error) ? failure(uri, error.value) : unexpected()
}

const textArguments = (args: Readonly<Record<string, unknown>> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(args ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"))

/**
 * resources/*, prompts/* and completion/complete on one SDK server instance:
 * each request becomes one program on the AssistantSurface for the request's
 * caller. On the 2025 revisions a client subscribes per URI here; on
 * 2026-07-28 it opens `subscriptions/listen`, which the SDK's entries serve.
 */
export const registerAssistantHandlers = (options: {
  readonly server: Server
  readonly surface: AssistantSurface
  readonly callerOf: (ctx: ServerContext) => CallContextShape
  readonly run: RunFor
  /** The 2025 era: subscriptions are this instance's own, and it sends only the updates a client asked for. */
  readonly subscriptions: Set<string> | undefined
}) => {
  const { server, surface, callerOf, run, subscriptions } = options

  server.setRequestHandler("resources/list", async (_request, ctx) => {
    const exit = await run(ctx, surface.resources(callerOf(ctx)))
    return { resources: Exit.isSuccess(exit) ? exit.value : [] }
  })

  server.setRequestHandler("resources/templates/list", async (_request, ctx) => ({
    resourceTemplates: surface.resourceTemplates(callerOf(ctx))
  }))

  server.setRequestHandler("resources/read", async (request, ctx) => {
    const uri = request.params.uri
    const content = valueOf(await run(ctx, surface.read(uri)), uri)
    return { contents: [content] }
  })

  if (subscriptions !== undefined) {
    server.setRequestHandler("resources/subscribe", async (request, ctx) => {
      const uri = request.params.uri
      const allowed = await run(ctx, surface.maySubscribe(callerOf(ctx), uri))
      if (!Exit.isSuccess(allowed) || !allowed.value) {
        throw new ResourceNotFoundError(uri, "No resource this client may read has that URI; nothing was subscribed.")
      }
      if (!subscriptions.has(uri) && subscriptions.size >= maxSubscriptions) {
        throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `At most ${maxSubscriptions} subscriptions per connection.`)
      }
      subscriptions.add(uri)
      return {}
    })
    server.setRequestHandler("resources/unsubscribe", async (request) => {
      subscriptions.delete(request.params.uri)
      return {}
    })
  }

  server.setRequestHandler("prompts/list", async (_request, ctx) => ({
    prompts: surface.prompts(callerOf(ctx)).map((prompt) => ({
      name: prompt.name,
      title: prompt.title,
      description: `${prompt.description} Uses: ${prompt.tools.join(", ")}.`,
      arguments: prompt.arguments.map((argument) => ({ ...argument }))
    }))
  }))

  server.setRequestHandler("prompts/get", async (request, ctx) =>
    valueOf(await run(ctx, surface.getPrompt(request.params.name, textArguments(request.params.arguments)))))

  server.setRequestHandler("completion/complete", async (request, ctx) => {
    const ref = request.params.ref
    const target = ref.type === "ref/prompt" ? { type: "prompt" as const, name: ref.name } : { type: "resource" as const, uri: ref.uri }
    const exit = await run(
      ctx,
      surface.complete(target, request.params.argument.name, request.params.argument.value, textArguments(request.params.context?.arguments))
    )
    return { completion: Exit.isSuccess(exit) ? exit.value : { values: [], total: 0, hasMore: false } }
  })
}
