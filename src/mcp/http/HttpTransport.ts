import { Cause, Deferred, Effect, FiberSet, HashMap, Option, Ref, Runtime } from "effect"
import type { IncomingMessage, ServerResponse } from "node:http"
import { createServer as createHttpServer } from "node:http"
import { createServer as createHttpsServer } from "node:https"
import type { Socket } from "node:net"
import { SecurityConfig } from "../../config/SecurityConfig.js"
import { AccessPolicy } from "../../security/AccessPolicy.js"
import { ClientStore, clientsFileSetting } from "../../security/clients/ClientStore.js"
import { unknownToolNames } from "../../tools/toolNames.js"
import { OAuthResource } from "../../security/jwt/OAuthResource.js"
import { ToolRegistry } from "../../tools/ToolRegistry.js"
import type { RequestSource } from "./authenticate.js"
import { makeAuthenticator, protectedResourcePath } from "./authenticate.js"
import { HttpRefusal, HttpStartupRefused } from "./HttpRefusal.js"
import { HttpSettings } from "./HttpSettings.js"
import { makeMcpEndpoint } from "./mcpEndpoint.js"
import { HttpMetrics, scrapeTokenMatches } from "./metrics.js"
import { normalizeAddress, refuseHostOrOrigin, resolvePeer } from "./networkPolicy.js"
import { makeReadiness } from "./readiness.js"
import { header, repeatedHeader, sendJson, sendRefusal, sendText } from "./requestIo.js"
import { makeSessions } from "./sessions.js"
import { checkNetworkSettings, loadTls } from "./startupChecks.js"

export interface HttpListenOptions {
  readonly host: string
  /** 0 lets the OS pick (tests); the Host allow-list then uses the port actually bound. */
  readonly port: number
}

export interface RunningHttpServer {
  readonly url: string
  readonly port: number
  readonly tls: boolean
}

type Route = (req: IncomingMessage, res: ServerResponse) => Effect.Effect<void, HttpRefusal, ToolRegistry>

const notFound = new HttpRefusal({ status: 404, message: "Not found. The MCP endpoint is /mcp." })

/**
 * The Streamable HTTP transport on Node's http/https server: limits and
 * timeouts against slow or greedy clients, per-source connection limits,
 * `/healthz`, `/readyz` and `/mcp`. Closing the scope stops accepting
 * connections, lets calls in flight finish (up to the shutdown grace), then
 * closes every session and connection.
 */
export const startHttpServer = (listen: HttpListenOptions) =>
  Effect.gen(function*() {
    const settings = yield* HttpSettings
    const security = yield* SecurityConfig
    const store = yield* ClientStore
    const { toolNames } = yield* ToolRegistry
    // A client whose tool allow-list names no tool would be served nothing: refuse to start instead.
    const misspelt = (yield* store.list).filter((client) => client.revokedAt === undefined).flatMap((client) =>
      unknownToolNames(client.policy.tools ?? [], toolNames).map((problem) => `client "${client.name}" ${problem}`)
    )
    if (misspelt.length > 0) {
      return yield* new HttpStartupRefused({
        message: `${clientsFileSetting}: ${misspelt.join("; ")}. Fix the list with \`clients revoke\` and \`clients add --tools\`.`
      })
    }
    const tls = yield* loadTls(settings)
    if (security.requireHttps && Option.isNone(tls)) {
      yield* checkNetworkSettings({ ...listen, tls: false, requireHttps: true }, settings)
    }
    const oauth = yield* OAuthResource.pipe(
      Effect.provide(OAuthResource.Default),
      Effect.catchTag("OAuthMisconfigured", (problem) => new HttpStartupRefused({ message: problem.message }))
    )
    if ((yield* store.activeCount) === 0 && Option.isNone(oauth.mode)) {
      return yield* new HttpStartupRefused({
        message: `No HTTP client can authenticate: ${store.path} has no active client. ` +
          "Issue a key with `opera-cloud-mcp clients add NAME` (the file is OPERA_MCP_CLIENTS_FILE)."
      })
    }
    const access = yield* AccessPolicy
    const metrics = yield* HttpMetrics.pipe(Effect.provide(HttpMetrics.Default))
    const authenticator = yield* makeAuthenticator.pipe(Effect.provideService(OAuthResource, oauth))
    const sessions = yield* makeSessions({
      maxSessions: settings.maxSessions,
      idleMinutes: settings.sessionIdleMinutes,
      instrument: metrics.instrument
    })
    const readiness = yield* makeReadiness
    const runtime = yield* Effect.runtime<ToolRegistry>()
    const runDetached = Runtime.runFork(runtime)
    // Calls (POSTs) are awaited on shutdown; streams (SSE GETs, DELETEs) are simply closed.
    const calls = yield* FiberSet.make<void, never>()
    const streams = yield* FiberSet.make<void, never>()
    const runCall = yield* FiberSet.runtime(calls)<ToolRegistry>()
    const runStream = yield* FiberSet.runtime(streams)<ToolRegistry>()
    const connections = yield* Ref.make(HashMap.empty<string, number>())
    const routes = yield* Deferred.make<Route>()

    const handle = (req: IncomingMessage, res: ServerResponse) =>
      Deferred.await(routes).pipe(
        Effect.flatMap((route) => {
          const repeated = repeatedHeader(req)
          return repeated === undefined ? route(req, res) : Effect.fail(new HttpRefusal({
            status: 400,
            message: `Bad Request: the ${repeated} header is sent more than once; send it once.`
          }))
        }),
        Effect.catchAll((refusal) => sendRefusal(res, refusal)),
        Effect.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause) ? Effect.sync(() => res.destroy()) : Effect.logError("http: request failed unexpectedly", {
            cause: Cause.pretty(cause)
          }).pipe(Effect.zipRight(sendRefusal(res, new HttpRefusal({ status: 500, message: "Internal error; it has been logged." }))))
        )
      )

    // Node checks the header and request timeouts only every connectionsCheckingInterval (30 s by default), so
    // a client trickling header lines stayed up to 30 s past the timeout; a 250 ms check keeps the bound tight.
    const options = {
      maxHeaderSize: settings.maxHeaderBytes,
      requestTimeout: settings.requestTimeoutMs,
      connectionsCheckingInterval: 250
    }
    const server = Option.match(tls, {
      onNone: () => createHttpServer(options),
      // The TLS handshake comes before any header: it gets the same bound (Node's default is 120 s).
      onSome: (material) =>
        createHttpsServer({ ...options, ...material, minVersion: security.minTlsVersion, handshakeTimeout: settings.headersTimeoutMs })
    })
    server.headersTimeout = settings.headersTimeoutMs
    server.keepAliveTimeout = settings.keepAliveTimeoutMs
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const run = req.method === "POST" ? runCall : runStream
      run(handle(req, res))
    })
    // Per-source connection limit (the direct peer: behind a proxy, that is the proxy).
    server.on("connection", (socket: Socket) => {
      const address = normalizeAddress(socket.remoteAddress ?? "unknown")
      runDetached(
        Ref.modify(connections, (map) => {
          const open = Option.getOrElse(HashMap.get(map, address), () => 0) + 1
          return [open, HashMap.set(map, address, open)] as const
        }).pipe(Effect.flatMap((open) =>
          Effect.sync(() => {
            socket.once("close", () => {
              runDetached(Ref.update(connections, HashMap.modify(address, (count) => count - 1)).pipe(
                Effect.zipRight(Ref.update(connections, HashMap.filter((count) => count > 0)))
              ))
            })
            if (open > settings.maxConnectionsPerSource) socket.destroy()
          })
        )),
        { immediate: true }
      )
    })

    const port = yield* Effect.acquireRelease(
      Effect.async<number, HttpStartupRefused>((resume) => {
        const onError = (error: NodeJS.ErrnoException) =>
          resume(Effect.fail(new HttpStartupRefused({
            message: error.code === "EADDRINUSE"
              ? `Port ${listen.port} on ${listen.host} is already in use; choose another with --port.`
              : `Cannot listen on ${listen.host}:${listen.port} (${error.code ?? "error"}).`
          })))
        server.once("error", onError)
        server.listen(listen.port, listen.host, () => {
          server.off("error", onError)
          const address = server.address()
          resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : listen.port))
        })
      }),
      () =>
        Effect.gen(function*() {
          const closed = Effect.async<void>((resume) => {
            server.close(() => resume(Effect.void))
          })
          // Stop accepting; idle keep-alive connections go now, calls in flight get the grace period.
          const closing = yield* Effect.fork(closed)
          server.closeIdleConnections()
          yield* FiberSet.awaitEmpty(calls).pipe(Effect.timeout(settings.shutdownGraceMs), Effect.ignore)
          yield* sessions.closeAll
          yield* FiberSet.clear(streams)
          server.closeAllConnections()
          yield* closing.await
          yield* Effect.logInfo("http: stopped")
        })
    )

    const network = yield* checkNetworkSettings(
      { ...listen, port, tls: Option.isSome(tls), requireHttps: security.requireHttps },
      settings
    )
    const mcp = yield* makeMcpEndpoint({
      authenticator,
      sessions,
      trustedProxies: network.trustedProxies,
      allowedHosts: network.allowedHosts,
      allowedOrigins: network.allowedOrigins,
      maxBodyBytes: settings.maxBodyBytes
    })
    yield* Deferred.succeed(routes, (req, res) => {
      const path = (req.url ?? "/").split("?")[0]
      if (path === "/healthz") return sendJson(res, 200, { status: "ok" })
      if (path === "/readyz") {
        return Effect.flatMap(readiness, (state) => sendJson(res, state.ready ? 200 : 503, state))
      }
      if (path === "/mcp") return mcp(req, res)
      if (path === protectedResourcePath || path === `${protectedResourcePath}/mcp`) {
        return Option.match(oauth.metadata, {
          onNone: () => Effect.fail(notFound),
          onSome: (metadata) => sendJson(res, 200, metadata)
        })
      }
      if (path === "/metrics") {
        // Behind the same gate as /mcp: Host/Origin, source lockout, peer allow-list, a key or token.
        return Effect.gen(function*() {
          const hostProblem = refuseHostOrOrigin(header(req, "host"), header(req, "origin"), network.allowedHosts, network.allowedOrigins)
          if (hostProblem !== undefined) return yield* new HttpRefusal({ status: 403, message: hostProblem })
          const source: RequestSource = {
            peer: resolvePeer(req.socket.remoteAddress, req.headers["x-forwarded-for"], network.trustedProxies),
            userAgent: header(req, "user-agent")
          }
          yield* access.checkPeer(source.peer).pipe(
            Effect.catchTag("PeerNotAllowed", (refusal) =>
              authenticator.countFailure(source, refusal._tag).pipe(
                Effect.zipRight(Effect.fail(new HttpRefusal({ status: 403, message: refusal.message })))
              ))
          )
          // The scrape credential opens /metrics only; without it (or with another), an MCP key or token as before.
          if (!scrapeTokenMatches(settings.metricsToken, header(req, "authorization"))) {
            yield* authenticator.authenticate(header(req, "authorization"), source, authenticator.challengeParams(req))
          }
          const body = yield* metrics.render(yield* sessions.count)
          return yield* sendText(res, 200, "text/plain; version=0.0.4; charset=utf-8", body)
        })
      }
      return Effect.fail(notFound)
    })

    const scheme = Option.isSome(tls) ? "https" : "http"
    const hostForUrl = listen.host.includes(":") ? `[${listen.host}]` : listen.host
    const running: RunningHttpServer = { url: `${scheme}://${hostForUrl}:${port}/mcp`, port, tls: Option.isSome(tls) }
    yield* Effect.logInfo(`opera-cloud-mcp is serving MCP on ${running.url}`)
    return running
  })

/**
 * `serve --http`: serves MCP over Streamable HTTP until the program is
 * interrupted (SIGINT/SIGTERM), then shuts down cleanly.
 */
export const serveHttp = (listen: HttpListenOptions) =>
  startHttpServer(listen).pipe(
    Effect.zipRight(Effect.never),
    Effect.scoped
  )
