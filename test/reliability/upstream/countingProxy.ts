/**
 * A counting HTTP proxy between the server under test and the sandbox. The
 * sandbox records an exchange only once it has answered, so a request the
 * client gave up on (a timeout) never reaches its traffic log; the proxy counts
 * every request as it arrives, by OHIP operationId, whatever happens after.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { createServer, request as httpRequest } from "node:http"
import type { AddressInfo } from "node:net"
import { matchRoute } from "../../../src/connectors/opera/sandbox/routeTable.js"

export interface ProxiedRequest {
  /** OHIP operationId ("getToken" for the token endpoint), or "unmatched". */
  readonly operationId: string
  readonly method: string
  /** Wall-clock arrival time (ms). */
  readonly at: number
}

export interface CountingProxy {
  readonly baseUrl: string
  /** Every request that arrived so far, oldest first. */
  readonly requests: () => ReadonlyArray<ProxiedRequest>
  /** Requests for anything but the token endpoint so far. */
  readonly dataRequests: () => number
  readonly close: () => Promise<void>
}

const operationOf = (method: string, url: string): string => {
  const path = new URL(url, "http://proxy.invalid").pathname
  const match = matchRoute(method, path)
  return match._tag === "Matched" ? match.route.operationId : "unmatched"
}

export const startCountingProxy = async (target: string): Promise<CountingProxy> => {
  const upstream = new URL(target)
  const log: Array<ProxiedRequest> = []

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const method = incoming.method ?? "GET"
    log.push({ operationId: operationOf(method, incoming.url ?? "/"), method, at: Date.now() })
    const sent = httpRequest({
      host: upstream.hostname,
      port: upstream.port,
      method,
      path: incoming.url,
      headers: incoming.headers,
      agent: false
    }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(outgoing)
      answer.on("aborted", () => outgoing.destroy())
      answer.on("error", () => outgoing.destroy())
    })
    // A reset upstream is a reset downstream: the server under test must see what the sandbox did.
    sent.on("error", () => outgoing.destroy())
    // The client gave up (its timeout): give up upstream too, as the network would.
    outgoing.on("close", () => {
      if (!outgoing.writableEnded) sent.destroy()
    })
    incoming.pipe(sent)
  }

  const server = createServer(forward)
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests: () => [...log],
    dataRequests: () => log.filter((request) => request.operationId !== "getToken").length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
