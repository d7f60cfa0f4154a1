import { Clock, Effect, Schema } from "effect"
import { OperaConnection } from "../../config/OperaConnection.js"
import { SecurityConfig } from "../../config/SecurityConfig.js"
import { pingReservationService, PingReservationServiceResponse } from "../../opera/reservations.js"
import { OperaClient } from "../../opera/OperaClient.js"
import { TokenCache } from "../../opera/TokenCache.js"
import { serverInfo } from "../../mcp/serverInfo.js"
import { defineTool } from "../Tool.js"

const Output = Schema.Struct({
  server: Schema.Struct({ name: Schema.String, version: Schema.String }),
  opera: Schema.Struct({
    reachable: Schema.Boolean,
    hotelId: Schema.String,
    latencyMs: Schema.optional(Schema.Number),
    operaVersion: Schema.optional(Schema.String),
    problem: Schema.optional(Schema.String),
    circuitBreaker: Schema.Literal("closed", "open", "half-open")
  }),
  token: Schema.Struct({
    status: Schema.Literal("none", "valid", "expired"),
    expiresInSeconds: Schema.optional(Schema.Number),
    lastRefreshFailure: Schema.optional(Schema.String),
    tokenRequests: Schema.Number
  }),
  security: Schema.Struct({
    rateLimiting: Schema.Boolean,
    auditLogging: Schema.Boolean,
    monitoring: Schema.Boolean,
    readOnly: Schema.Boolean,
    tokenBinding: Schema.Boolean
  })
})

const breakerName = { Closed: "closed", Open: "open", HalfOpen: "half-open" } as const

export const securityHealthCheck = defineTool({
  name: "security_health_check",
  domain: "security",
  operations: ["rsv.pingReservationService"],
  description: "Health of this server: OPERA reachability, the OAuth token's state (never the token), " +
    "and the security controls in force. Use it first when calls fail.",
  annotations: {
    title: "Security health check",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true
  },
  touchesGuestData: false,
  input: Schema.Struct({}),
  output: Output,
  facts: () => Effect.succeed({}),
  handler: () =>
    Effect.gen(function*() {
      const connection = yield* OperaConnection
      const security = yield* SecurityConfig
      const client = yield* OperaClient
      const tokens = yield* TokenCache
      const started = yield* Clock.currentTimeMillis
      const ping = yield* client.execute(pingReservationService(connection.hotelId), PingReservationServiceResponse).pipe(Effect.either)
      const latencyMs = (yield* Clock.currentTimeMillis) - started
      const breaker = yield* client.breakerState
      const opera = ping._tag === "Right"
        ? {
          reachable: true,
          hotelId: connection.hotelId,
          latencyMs,
          ...(ping.right.operaVersion !== undefined ? { operaVersion: ping.right.operaVersion } : {}),
          circuitBreaker: breakerName[breaker._tag]
        }
        : { reachable: false, hotelId: connection.hotelId, problem: ping.left.message, circuitBreaker: breakerName[breaker._tag] }
      const structured = {
        server: { name: serverInfo.name, version: serverInfo.version },
        opera,
        token: yield* tokens.state,
        security: {
          rateLimiting: security.enableRateLimiting,
          auditLogging: security.enableAuditLogging,
          monitoring: security.enableSecurityMonitoring,
          readOnly: security.readOnly,
          tokenBinding: security.enableTokenBinding
        }
      }
      return structured
    }),
  render: (health) =>
    [
      `${health.server.name} ${health.server.version}`,
      health.opera.reachable
        ? `OPERA: reachable for hotel ${health.opera.hotelId} in ${health.opera.latencyMs} ms`
        : `OPERA: NOT reachable for hotel ${health.opera.hotelId} — ${health.opera.problem ?? "unknown problem"}`,
      `token: ${health.token.status}${
        health.token.expiresInSeconds !== undefined ? `, expires in ${health.token.expiresInSeconds} s` : ""
      }`,
      `security: rate limiting ${on(health.security.rateLimiting)}, audit ${on(health.security.auditLogging)}, ` +
      `monitoring ${on(health.security.monitoring)}, read-only ${on(health.security.readOnly)}`
    ].join("\n")
})

const on = (enabled: boolean) => enabled ? "on" : "off"
