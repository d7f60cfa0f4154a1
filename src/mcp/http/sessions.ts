import type { McpHttpHandler, Server } from "@modelcontextprotocol/server"
import { createMcpHandler, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server"
import { Clock, Effect, HashMap, Option, Ref, Runtime, Schedule } from "effect"
import { randomUUID } from "node:crypto"
import { ToolRegistry } from "../../tools/ToolRegistry.js"
import type { ContextFor } from "../McpServer.js"
import { makeServerFactories } from "../McpServer.js"
import { contextFor } from "./mcpEndpoint.js"

export interface McpSession {
  readonly id: string
  /** The client whose key opened the session; nobody else may use its id. */
  readonly owner: string
  readonly transport: WebStandardStreamableHTTPServerTransport
  readonly server: Server
  readonly lastSeenAt: number
}

/**
 * MCP over HTTP in both protocol eras.
 *
 * 2025 clients: one session (an SDK Server on its own Streamable HTTP
 * transport) per initialize, owned by the authenticated client that opened
 * it. Sessions idle for `idleMinutes` are closed; so is every session when the
 * scope closes.
 *
 * 2026-07-28 clients: `stateless` answers each request on its own, from a
 * fresh server instance, with the caller taken from that request's
 * authentication alone; nothing is kept between requests, so any replica can
 * answer any request.
 */
export const makeSessions = (options: {
  readonly maxSessions: number
  readonly idleMinutes: number
  /** Wraps the registry every session's server dispatches to (metrics). */
  readonly instrument?: (registry: ToolRegistry) => ToolRegistry
}) =>
  Effect.gen(function*() {
    const runtime = yield* Effect.runtime<ToolRegistry>()
    const registry = yield* ToolRegistry
    const sessionRegistry = options.instrument === undefined ? registry : options.instrument(registry)
    const withRegistry = Effect.provideService(ToolRegistry, sessionRegistry)
    const sessions = yield* Ref.make(HashMap.empty<string, McpSession>())
    const forget = (id: string): void => {
      Runtime.runFork(runtime)(Ref.update(sessions, HashMap.remove(id)))
    }

    const factoryFor = yield* makeServerFactories.pipe(withRegistry)
    // The endpoint has read and size-checked the body already; it hands it over parsed.
    const stateless: McpHttpHandler = createMcpHandler(factoryFor(contextFor(undefined), "none"), { legacy: "reject" })
    // 2026-07-28 `subscriptions/listen` streams hear of changed resources from the handler's bus; the SDK
    // delivers an update only to the streams that asked for that URI.
    yield* Effect.acquireRelease(
      registry.resourceChanges.listen((uri) => stateless.notify.resourceUpdated(uri)),
      (stop) => stop
    )

    const close = (session: McpSession) =>
      Effect.promise(() => session.server.close()).pipe(
        Effect.timeout("5 seconds"),
        Effect.ignore,
        Effect.zipRight(Ref.update(sessions, HashMap.remove(session.id)))
      )

    /** Open a session for `owner`; `undefined` when the server is at its session limit. */
    const open = Effect.fn("McpSessions.open")(function*(owner: string, sessionContext: ContextFor) {
      const count = HashMap.size(yield* Ref.get(sessions))
      if (count >= options.maxSessions) return Option.none<McpSession>()
      const id: string = randomUUID()
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => id,
        onsessionclosed: forget
      })
      transport.onclose = () => forget(id)
      const server = factoryFor(sessionContext)({ era: "legacy" })
      yield* Effect.promise(() => server.connect(transport))
      const session: McpSession = { id, owner, transport, server, lastSeenAt: yield* Clock.currentTimeMillis }
      yield* Ref.update(sessions, HashMap.set(id, session))
      return Option.some(session)
    })

    /** The session `id` if `owner` opened it; touching it keeps it from idling out. */
    const find = Effect.fn("McpSessions.find")(function*(id: string, owner: string) {
      const now = yield* Clock.currentTimeMillis
      return yield* Ref.modify(sessions, (map) => {
        const found = Option.filter(HashMap.get(map, id), (session) => session.owner === owner)
        return Option.match(found, {
          onNone: () => [Option.none<McpSession>(), map] as const,
          onSome: (session) => [found, HashMap.set(map, id, { ...session, lastSeenAt: now })] as const
        })
      })
    })

    /** A session that never finished initializing is dropped. */
    const discardIfUninitialized = (session: McpSession) =>
      session.transport.sessionId === undefined ? close(session) : Effect.void

    const closeAll = Effect.gen(function*() {
      const all = Array.from(HashMap.values(yield* Ref.get(sessions)))
      yield* Effect.forEach(all, close, { concurrency: "unbounded", discard: true })
      yield* Effect.promise(() => stateless.close()).pipe(Effect.timeout("5 seconds"), Effect.ignore)
    })

    const sweepIdle = Effect.gen(function*() {
      const cutoff = (yield* Clock.currentTimeMillis) - options.idleMinutes * 60_000
      const idle = Array.from(HashMap.values(yield* Ref.get(sessions))).filter((session) => session.lastSeenAt < cutoff)
      yield* Effect.forEach(idle, close, { discard: true })
    })
    yield* sweepIdle.pipe(Effect.catchAllCause(Effect.logError), Effect.repeat(Schedule.spaced("1 minute")), Effect.forkScoped)
    yield* Effect.addFinalizer(() => closeAll)

    const count = Effect.map(Ref.get(sessions), HashMap.size)

    return { open, find, discardIfUninitialized, closeAll, count, stateless } as const
  })

export type McpSessions = Effect.Effect.Success<ReturnType<typeof makeSessions>>
