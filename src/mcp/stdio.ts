import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js"
import { Deferred, Effect } from "effect"
import { makeMcpServer } from "./McpServer.js"

// Messages larger than this are refused by the transport instead of growing the buffer without bound.
const maxMessageBytes = 4 * 1024 * 1024

/**
 * Serves MCP over this process's stdin/stdout until stdin closes, the client
 * disconnects, or the program is interrupted (SIGINT/SIGTERM).
 */
export const serveStdio = Effect.gen(function*() {
  const server = yield* makeMcpServer("stdio")
  const closed = yield* Deferred.make<void>()
  const finish = () => Deferred.unsafeDone(closed, Effect.void)
  const transport = new StdioServerTransport(process.stdin, process.stdout, { maxBufferSize: maxMessageBytes })
  server.onclose = finish
  process.stdin.once("end", finish)
  yield* Effect.acquireRelease(
    Effect.promise(() => server.connect(transport)),
    () => Effect.promise(() => server.close()).pipe(Effect.ignore)
  )
  yield* Effect.logInfo("opera-cloud-mcp is serving MCP on stdio")
  yield* Deferred.await(closed)
  yield* Effect.logInfo("stdin closed; shutting down")
}).pipe(Effect.scoped)
