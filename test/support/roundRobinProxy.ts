import type { IncomingMessage, Server, ServerResponse } from "node:http"
import { createServer, request } from "node:http"

/**
 * A small load balancer for the replica tests, on loopback: each request goes
 * to the next replica in turn, its answer (SSE included) streamed back as it
 * comes. A 2025 request that carries an `Mcp-Session-Id` goes to the replica
 * that issued that id (sticky by session, as a load balancer in front of 2025
 * clients must route: a session lives in one replica's memory) and does not
 * advance the turn. The Host header is rewritten to the replica's own, as
 * nginx's `proxy_pass` does by default.
 */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:PORT` (append `/mcp`). */
  readonly url: string
  /** Requests forwarded to each replica so far, by replica index. */
  readonly forwarded: () => ReadonlyArray<number>
  /** The replica that issued a 2025 session id, by index. */
  readonly replicaOfSession: (sessionId: string) => number | undefined
  readonly stop: () => Promise<void>
}

export const startRoundRobinProxy = async (replicaPorts: ReadonlyArray<number>): Promise<RoundRobinProxy> => {
  const forwarded = replicaPorts.map(() => 0)
  const sessions = new Map<string, number>()
  let turn = 0

  const pick = (req: IncomingMessage): number => {
    const sessionId = req.headers["mcp-session-id"]
    const sticky = typeof sessionId === "string" ? sessions.get(sessionId) : undefined
    if (sticky !== undefined) return sticky
    const next = turn
    turn = (turn + 1) % replicaPorts.length
    return next
  }

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const index = pick(req)
    const port = replicaPorts[index]!
    forwarded[index] = forwarded[index]! + 1
    const upstream = request({
      host: "127.0.0.1",
      port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: `127.0.0.1:${port}` }
    }, (answer) => {
      const issued = answer.headers["mcp-session-id"]
      if (typeof issued === "string") sessions.set(issued, index)
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      res.flushHeaders()
      answer.pipe(res)
      answer.on("error", () => res.destroy())
    })
    upstream.on("error", () => {
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "text/plain" })
        res.end("replica unreachable")
      } else {
        res.destroy()
      }
    })
    // A client that goes away (an SSE stream it closes) ends the replica's side too.
    res.on("close", () => upstream.destroy())
    req.pipe(upstream)
  }

  const server: Server = createServer(forward)
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded: () => [...forwarded],
    replicaOfSession: (sessionId) => sessions.get(sessionId),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
