import { Effect, Option, Schema } from "effect"
import { SecurityConfig } from "../../config/SecurityConfig.js"
import { AuditLog } from "../../security/AuditLog.js"
import { RateLimiter } from "../../security/RateLimiter.js"
import { Redactor } from "../../security/Redactor.js"
import { ThreatMonitor } from "../../security/ThreatMonitor.js"
import { serverInfo } from "../../mcp/serverInfo.js"
import { CallContext } from "../CallContext.js"
import { Connector, UpstreamHealth } from "../Connector.js"
import { defineTool } from "../Tool.js"
import { callerView } from "./callerView.js"

const Output = Schema.Struct({
  server: Schema.Struct({ name: Schema.String, version: Schema.String }),
  /** The system behind this server (OPERA Cloud, an OIPA database): reachable or not, and why. */
  upstream: UpstreamHealth,
  security: Schema.Struct({
    rateLimiting: Schema.Boolean,
    auditLogging: Schema.Boolean,
    monitoring: Schema.Boolean,
    readOnly: Schema.Boolean,
    tokenBinding: Schema.Boolean,
    /** "own": this client's lockouts, blocks, incidents and calls only; "house": every client's (admin, stdio). */
    view: Schema.Literal("own", "house"),
    lockedOutClients: Schema.Array(Schema.Struct({ clientId: Schema.String, until: Schema.String })),
    threatLevel: Schema.Literal("low", "medium", "high"),
    blockedClients: Schema.Array(Schema.Struct({ clientId: Schema.String, until: Schema.String })),
    recentIncidents: Schema.Array(Schema.Struct({ id: Schema.String, clientId: Schema.String, openedAt: Schema.String })),
    /** The store of limits, lockouts, blocks and confirmations: this process's, or Redis shared by the replicas. */
    sharedState: Schema.Struct({
      store: Schema.Literal("in-process", "redis"),
      mode: Schema.Literal("ok", "degraded"),
      readsWhenUnavailable: Schema.Literal("refuse", "allow"),
      reachable: Schema.Boolean,
      /** While unreachable: why, for the operator (credentials refused, ACL, TLS, no answer). */
      problem: Schema.optional(Schema.String),
      /** Incident blocks the store did not accept: this replica holds and enforces them, the others cannot see them. */
      unstoredBlocks: Schema.optional(Schema.Number)
    })
  }),
  audit: Schema.Struct({
    mode: Schema.Literal("ok", "degraded", "disabled"),
    lastSequence: Schema.Number,
    lastCheckpointSequence: Schema.Number,
    strictMode: Schema.Boolean,
    problem: Schema.optional(Schema.String),
    /** Write intents with no outcome row yet: calls in flight (crash-left ones are resolved at start-up). */
    unresolvedIntents: Schema.optional(Schema.Number),
    lastHour: Schema.optional(Schema.Struct({
      toolCalls: Schema.Number,
      successRate: Schema.Number,
      failureRate: Schema.Number,
      threatLevel: Schema.String,
      highRiskEvents: Schema.Number,
      uniqueClients: Schema.Number
    }))
  })
})

export const securityHealthCheck = defineTool({
  name: "security_health_check",
  domain: "security",
  operations: [],
  description: "Health of this server: whether the system behind it answers (with its OAuth token's state where " +
    "it uses one, never the token), and the security controls in force, with this client's own lockouts, blocks and incidents " +
    "(every client's for an admin client). Use it first when calls fail.",
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
      const security = yield* SecurityConfig
      const audit = yield* AuditLog
      const limiter = yield* RateLimiter
      const caller = callerView(yield* CallContext, yield* Redactor)
      const upstream = yield* (yield* Connector).health
      const auditStatus = yield* audit.status
      const lastHour = yield* audit.report(1, caller.reportClientId).pipe(Effect.option)
      const lockouts = yield* limiter.lockouts
      const sharedState = yield* limiter.state
      const threat = yield* (yield* ThreatMonitor).snapshot
      const blocked = caller.visible(threat.blockedClients)
      // An HTTP client's threat level is its own: blocked, raised (medium), else low.
      const threatLevel = caller.houseWide
        ? threat.threatLevel
        : blocked.length > 0
        ? "high" as const
        : caller.visible(threat.clients)[0]?.level ?? "low" as const
      const iso = (epochMs: number) => new Date(epochMs).toISOString()
      const structured = {
        server: { name: serverInfo.name, version: serverInfo.version },
        upstream,
        security: {
          rateLimiting: security.enableRateLimiting,
          auditLogging: security.enableAuditLogging,
          monitoring: security.enableSecurityMonitoring,
          readOnly: security.readOnly,
          tokenBinding: security.enableTokenBinding,
          view: caller.view,
          lockedOutClients: caller.visible(lockouts).map((lockout) => ({ clientId: lockout.clientId, until: iso(lockout.until) })),
          threatLevel,
          blockedClients: blocked.map((block) => ({ clientId: block.clientId, until: iso(block.until) })),
          recentIncidents: caller.visible(threat.recentIncidents).slice(0, 10).map((incident) => ({
            id: incident.id,
            clientId: incident.clientId,
            openedAt: iso(incident.openedAt)
          })),
          sharedState: {
            store: sharedState.kind,
            mode: sharedState.available && threat.unstoredBlocks === 0 ? "ok" as const : "degraded" as const,
            readsWhenUnavailable: sharedState.readsWhenUnavailable,
            reachable: sharedState.available,
            ...(!sharedState.available && sharedState.problem !== undefined ? { problem: sharedState.problem } : {}),
            ...(threat.unstoredBlocks > 0 ? { unstoredBlocks: threat.unstoredBlocks } : {})
          }
        },
        audit: {
          mode: auditStatus.mode,
          lastSequence: auditStatus.lastSequence,
          lastCheckpointSequence: auditStatus.lastCheckpointSequence,
          strictMode: auditStatus.strictMode,
          ...(auditStatus.reason !== undefined ? { problem: auditStatus.reason } : {}),
          ...Option.match(lastHour, {
            onNone: () => ({}),
            onSome: (report) => ({
              unresolvedIntents: report.totals.unresolvedIntents,
              lastHour: {
                toolCalls: report.totals.toolCalls,
                successRate: report.successRate,
                failureRate: report.failureRate,
                threatLevel: report.threatLevel,
                highRiskEvents: report.highRiskEvents,
                uniqueClients: report.uniqueClients
              }
            })
          })
        }
      }
      return structured
    }),
  render: (health) =>
    [
      `${health.server.name} ${health.server.version}`,
      health.upstream.reachable
        ? `${health.upstream.system}: reachable for ${health.upstream.target}` +
          (health.upstream.latencyMs !== undefined ? ` in ${health.upstream.latencyMs} ms` : "")
        : `${health.upstream.system}: NOT reachable for ${health.upstream.target} — ${health.upstream.problem ?? "unknown problem"}`,
      ...(health.upstream.token !== undefined
        ? [`token: ${health.upstream.token.status}${
          health.upstream.token.expiresInSeconds !== undefined ? `, expires in ${health.upstream.token.expiresInSeconds} s` : ""
        }`]
        : []),
      `security: rate limiting ${on(health.security.rateLimiting)}, audit ${on(health.security.auditLogging)}, ` +
      `monitoring ${on(health.security.monitoring)}, read-only ${on(health.security.readOnly)}, ` +
      `threat level ${health.security.threatLevel}, ${health.security.recentIncidents.length} recent incidents`,
      `audit: ${health.audit.mode}${health.audit.problem !== undefined ? ` (${health.audit.problem})` : ""}, ` +
      `${health.audit.lastSequence} records, last checkpoint at record ${health.audit.lastCheckpointSequence}` +
        (health.audit.unresolvedIntents !== undefined ? `, ${health.audit.unresolvedIntents} unresolved write intents` : ""),
      health.security.sharedState.mode === "ok"
        ? `security state: ${health.security.sharedState.store}, ok`
        : (health.security.sharedState.reachable
          ? `security state: ${health.security.sharedState.store} DEGRADED`
          : `security state: ${health.security.sharedState.store} UNREACHABLE — calls that change data are refused, ` +
            `reads are ${health.security.sharedState.readsWhenUnavailable === "allow" ? "allowed" : "refused"}` +
            (health.security.sharedState.problem !== undefined ? ` (${health.security.sharedState.problem})` : "")) +
          (health.security.sharedState.unstoredBlocks !== undefined
            ? ` — ${health.security.sharedState.unstoredBlocks} incident block(s) the store did not accept are enforced ` +
              `on this replica only (storing them is retried every few seconds)`
            : ""),
      ...(health.audit.lastHour !== undefined
        ? [
          `last hour: ${health.audit.lastHour.toolCalls} calls, ` +
          `${(health.audit.lastHour.failureRate * 100).toFixed(1)}% failed or refused, threat level ${health.audit.lastHour.threatLevel}`
        ]
        : []),
      ...(health.security.lockedOutClients.length > 0
        ? [`locked out: ${health.security.lockedOutClients.map((lock) => `${lock.clientId} until ${lock.until}`).join(", ")}`]
        : [])
    ].join("\n")
})

const on = (enabled: boolean) => enabled ? "on" : "off"
