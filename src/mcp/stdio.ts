import { serveStdio as serveStdioEntry, StdioServerTransport } from "@modelcontextprotocol/server/stdio"
import { Deferred, Effect, Runtime } from "effect"
import { randomUUID } from "node:crypto"
import type { ContextFor } from "./McpServer.js"
import { makeServerFactories } from "./McpServer.js"

// Messages larger than this are refused by the transport instead of growing the buffer without bound.
const maxMessageBytes = 4 * 1024 * 1024

/**
 * Stdio has one client per process: the process that spawned us. Its identity
 * (for limits, lockouts, threat scoring and audit) is this process, never the
 * clientInfo it declares, which any client may set to anything; that is kept
 * only as untrusted detail.
 */
export const stdioContextFor = (processId: string): ContextFor => ({ declaredClient }) => ({
  clientId: `stdio#${processId}`,
  transport: "stdio",
  ...(declaredClient !== undefined
    ? { userAgent: `${declaredClient.name.slice(0, 64)}/${declaredClient.version.slice(0, 32)} (declared by the client)` }
    : {})
})

/**
 * Serves MCP over this process's stdin/stdout until stdin closes, the client
 * disconnects, or the program is interrupted (SIGINT/SIGTERM). The opening
 * message chooses the era: `initialize` (2025) or a request carrying the
 * 2026-07-28 envelope (`server/discover` first, as negotiating clients do).
 */
export const serveStdio = Effect.gen(function*() {
  const factory = (yield* makeServerFactories)(stdioContextFor(randomUUID().slice(0, 8)))
  const runFork = Runtime.runFork(yield* Effect.runtime<never>())
  const closed = yield* Deferred.make<void>()
  const finish = () => Deferred.unsafeDone(closed, Effect.void)
  // The SDK's entry owns the transport's callbacks; closing (stdin's end, an oversize message) ends the program too.
  const transport = new (class extends StdioServerTransport {
    override async close() {
      await super.close()
      finish()
    }
  })(process.stdin, process.stdout, { maxBufferSize: maxMessageBytes })
  process.stdin.once("end", finish)
  process.stdin.once("close", finish)
  yield* Effect.acquireRelease(
    Effect.sync(() =>
      serveStdioEntry(factory, {
        transport,
        // The error's kind only: its message can quote what the client sent.
        onerror: (error) => {
          runFork(Effect.logWarning("mcp: stdio protocol error", { kind: error.name }))
        }
      })
    ),
    (handle) => Effect.promise(() => handle.close()).pipe(Effect.ignore)
  )
  yield* Effect.logInfo("opera-cloud-mcp is serving MCP on stdio")
  yield* Deferred.await(closed)
  yield* Effect.logInfo("stdin closed; shutting down")
}).pipe(Effect.scoped)
