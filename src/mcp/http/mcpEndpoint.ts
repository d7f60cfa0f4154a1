import type { AuthInfo } from "@modelcontextprotocol/server"
import { isInitializeRequest, isJsonContentType, isLegacyRequest } from "@modelcontextprotocol/server"
import { Effect, Option } from "effect"
import type { IncomingMessage, ServerResponse } from "node:http"
import { AccessPolicy } from "../../security/AccessPolicy.js"
import type { AuthenticatedClient } from "../../security/clients/ClientRecord.js"
import type { IpAllowList } from "../../security/ipAllowList.js"
import type { CallContextShape } from "../../tools/CallContext.js"
import type { ContextFor } from "../McpServer.js"
import type { Authenticator, RequestSource } from "./authenticate.js"
import { HttpRefusal } from "./HttpRefusal.js"
import { refuseHostOrOrigin, resolvePeer } from "./networkPolicy.js"
import { header, readJsonBody, responseDone } from "./requestIo.js"
import type { McpSessions } from "./sessions.js"
import { sendWebResponse, toWebRequest } from "./webExchange.js"

export interface McpEndpointOptions {
  readonly authenticator: Authenticator
  readonly sessions: McpSessions
  readonly trustedProxies: IpAllowList
  readonly allowedHosts: ReadonlyArray<string>
  readonly allowedOrigins: ReadonlyArray<string>
  readonly maxBodyBytes: number
}

/** What authentication attaches to a request for the MCP handlers; the key itself never travels on. */
interface CallerExtra {
  readonly peer: string | undefined
  readonly userAgent: string | undefined
  readonly policy: AuthenticatedClient["policy"]
}

const authInfoFor = (client: AuthenticatedClient, source: RequestSource): AuthInfo => ({
  token: "api-key",
  clientId: client.name,
  scopes: client.policy.readOnly ? ["opera:read"] : ["opera:read", "opera:write"],
  extra: { peer: source.peer, userAgent: source.userAgent, policy: client.policy } satisfies CallerExtra
})

/**
 * The pipeline's caller context from the request's AuthInfo (never from what
 * the client declares about itself). A 2025 session passes its owner: another
 * client's AuthInfo counts as none. Without one, the owner with no peer and
 * nothing callable (fails closed).
 */
export const contextFor = (owner: string | undefined): ContextFor => ({ authInfo }) => {
  const extra = authInfo !== undefined && (owner === undefined || authInfo.clientId === owner)
    ? authInfo.extra as CallerExtra | undefined
    : undefined
  const policy = extra?.policy
  return {
    clientId: owner ?? (extra !== undefined && authInfo !== undefined ? authInfo.clientId : "unauthenticated"),
    transport: "http",
    admin: policy?.admin === true,
    ...(extra?.peer !== undefined ? { peer: extra.peer } : {}),
    ...(extra?.userAgent !== undefined ? { userAgent: extra.userAgent } : {}),
    ...(policy !== undefined
      ? {
        policy: {
          readOnly: policy.readOnly,
          ...(policy.tools !== undefined ? { tools: policy.tools } : {}),
          ...(policy.hotels !== undefined ? { hotels: policy.hotels } : {})
        }
      }
      : { policy: { readOnly: true, tools: [] } })
  } satisfies CallContextShape
}

const noSession = new HttpRefusal({
  status: 400,
  message: "Bad Request: send initialize first, then the Mcp-Session-Id it returned with every request."
})
const unknownSession = new HttpRefusal({
  status: 404,
  message: "Session not found: it ended or belongs to another client. Initialize a new session."
})

const notJson = new HttpRefusal({ status: 415, message: "Unsupported Media Type: send the request as application/json." })

/**
 * `/mcp`: Host/Origin check (DNS rebinding), peer allow-list, source lockout (a valid key still passes),
 * API key, then MCP: a 2026-07-28 request (it carries the per-request
 * `_meta` envelope) is answered statelessly, the SDK checking its
 * MCP-Protocol-Version / Mcp-Method / Mcp-Name headers against the body; a
 * 2025 request goes to the client's own session on the SDK's Streamable HTTP
 * transport. Completes when the response is over.
 */
export const makeMcpEndpoint = (options: McpEndpointOptions) =>
  Effect.gen(function*() {
    const access = yield* AccessPolicy
    const { authenticator, sessions } = options

    return Effect.fn("Http.mcp")(function*(req: IncomingMessage, res: ServerResponse) {
      const hostProblem = refuseHostOrOrigin(header(req, "host"), header(req, "origin"), options.allowedHosts, options.allowedOrigins)
      if (hostProblem !== undefined) return yield* new HttpRefusal({ status: 403, message: hostProblem })

      const source: RequestSource = {
        peer: resolvePeer(req.socket.remoteAddress, req.headers["x-forwarded-for"], options.trustedProxies),
        userAgent: header(req, "user-agent")
      }
      yield* access.checkPeer(source.peer).pipe(
        Effect.catchTag("PeerNotAllowed", (refusal) =>
          authenticator.countFailure(source, refusal._tag).pipe(
            Effect.zipRight(Effect.fail(new HttpRefusal({ status: 403, message: refusal.message })))
          ))
      )
      const client = yield* authenticator.authenticate(
        header(req, "authorization"),
        source,
        authenticator.challengeParams(req)
      )
      const authInfo = authInfoFor(client, source)
      const serve = (handle: (request: Request) => Promise<Response>, request = toWebRequest(req, res)) =>
        Effect.promise(() => handle(request)).pipe(
          Effect.flatMap((response) => sendWebResponse(res, response)),
          Effect.zipRight(responseDone(res))
        )

      const sessionId = header(req, "mcp-session-id")
      if (req.method === "POST") {
        if (!isJsonContentType(header(req, "content-type") ?? null)) return yield* notJson
        const body = yield* readJsonBody(req, options.maxBodyBytes)
        const request = toWebRequest(req, res)
        const legacy = yield* Effect.promise(() => isLegacyRequest(request, body))
        if (!legacy) {
          return yield* serve((modern) => sessions.stateless.fetch(modern, { authInfo, parsedBody: body }), request)
        }
        if (sessionId === undefined) {
          if (!isInitializeRequest(body)) return yield* noSession
          const opened = yield* sessions.open(client.name, contextFor(client.name))
          if (Option.isNone(opened)) {
            return yield* new HttpRefusal({
              status: 503,
              message: "The server has as many sessions as it allows (OPERA_MCP_HTTP_MAX_SESSIONS); try again later.",
              headers: { "retry-after": "30" }
            })
          }
          yield* serve((legacy) => opened.value.transport.handleRequest(legacy, { authInfo, parsedBody: body }), request)
          return yield* sessions.discardIfUninitialized(opened.value)
        }
        const session = yield* sessions.find(sessionId, client.name)
        if (Option.isNone(session)) return yield* unknownSession
        return yield* serve((legacy) => session.value.transport.handleRequest(legacy, { authInfo, parsedBody: body }), request)
      }
      if (req.method === "GET" || req.method === "DELETE") {
        if (sessionId === undefined) return yield* noSession
        const session = yield* sessions.find(sessionId, client.name)
        if (Option.isNone(session)) return yield* unknownSession
        return yield* serve((legacy) => session.value.transport.handleRequest(legacy, { authInfo }))
      }
      return yield* new HttpRefusal({
        status: 405,
        message: "Use POST, GET or DELETE on /mcp.",
        headers: { allow: "GET, POST, DELETE" }
      })
    })
  })
