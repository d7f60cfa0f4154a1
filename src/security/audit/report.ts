import { Clock, Effect, Schema } from "effect"
import type { AuditStore } from "./AuditStore.js"
import type { AuditKind, AuditOutcome, SecurityReport, ThreatLevel } from "./model.js"
import { AuditKind as AuditKindSchema, AuditOutcome as AuditOutcomeSchema } from "./model.js"

const CountRow = Schema.Struct({ kind: Schema.String, outcome: Schema.String, n: Schema.Number })
const ToolRow = Schema.Struct({ tool: Schema.String, calls: Schema.Number, failures: Schema.Number })
const TagRow = Schema.Struct({ error_tag: Schema.String, n: Schema.Number })
const NumberRow = Schema.Struct({ n: Schema.Number })
const HighRiskRow = Schema.Struct({
  sequence: Schema.Number,
  occurred_at: Schema.Number,
  kind: AuditKindSchema,
  tool: Schema.NullOr(Schema.String),
  outcome: AuditOutcomeSchema,
  risk_score: Schema.NullOr(Schema.Number),
  client_ref: Schema.String
})

const toolKinds: ReadonlyArray<AuditKind> = ["tool_call", "tool_outcome"]

/**
 * Threat level of a window. High-risk means a row the pipeline scored
 * `riskLevel: "high"`; rates count completed tool calls only (intents are pending).
 *   critical: ≥ 10 high-risk events, or ≥ 50 refusals
 *   high:     ≥ 3 high-risk events, ≥ 5 failed auth events, or ≥ 50% failures over ≥ 10 calls
 *   medium:   any high-risk event, failed auth or security event, or ≥ 20% failures over ≥ 10 calls
 */
export const threatLevelOf = (facts: {
  readonly highRisk: number
  readonly refused: number
  readonly authFailures: number
  readonly securityEvents: number
  readonly toolCalls: number
  readonly failureRate: number
}): ThreatLevel => {
  const enoughCalls = facts.toolCalls >= 10
  if (facts.highRisk >= 10 || facts.refused >= 50) return "critical"
  if (facts.highRisk >= 3 || facts.authFailures >= 5 || (enoughCalls && facts.failureRate >= 0.5)) return "high"
  if (
    facts.highRisk >= 1 || facts.authFailures >= 1 || facts.securityEvents >= 1 ||
    (enoughCalls && facts.failureRate >= 0.2)
  ) return "medium"
  return "low"
}

/**
 * The security report of the last `hours`, aggregated in SQL over the clear
 * columns only; with `clientRef`, of that one client's rows only.
 */
export const buildReport = (store: AuditStore, hours: number, clientRef?: string) =>
  Effect.gen(function*() {
    const { sql } = store
    const to = yield* Clock.currentTimeMillis
    const from = to - Math.max(0, hours) * 3_600_000
    const decode = <A, I>(schema: Schema.Schema<A, I>) => (rows: ReadonlyArray<unknown>) =>
      Effect.orDie(Schema.decodeUnknown(Schema.Array(schema))(rows))
    const window = clientRef === undefined
      ? sql`occurred_at >= ${from} AND occurred_at <= ${to}`
      : sql`occurred_at >= ${from} AND occurred_at <= ${to} AND client_ref = ${clientRef}`

    const counts = yield* sql`SELECT kind, outcome, count(*) AS n FROM audit_events WHERE ${window}
      GROUP BY kind, outcome`.pipe(Effect.flatMap(decode(CountRow)))
    const clients = yield* sql`SELECT count(DISTINCT client_ref) AS n FROM audit_events WHERE ${window}`.pipe(
      Effect.flatMap(decode(NumberRow))
    )
    const tools = yield* sql`SELECT tool, count(*) AS calls,
        sum(CASE WHEN outcome IN ('failure', 'refused') THEN 1 ELSE 0 END) AS failures
      FROM audit_events WHERE ${window} AND tool IS NOT NULL AND ${sql.in("kind", toolKinds)}
      GROUP BY tool ORDER BY calls DESC, tool LIMIT 10`.pipe(Effect.flatMap(decode(ToolRow)))
    const tags = yield* sql`SELECT error_tag, count(*) AS n FROM audit_events WHERE ${window}
      AND error_tag IS NOT NULL GROUP BY error_tag ORDER BY n DESC, error_tag`.pipe(Effect.flatMap(decode(TagRow)))
    const highRisk = yield* sql`SELECT count(*) AS n FROM audit_events WHERE ${window} AND risk_level = 'high'`.pipe(
      Effect.flatMap(decode(NumberRow))
    )
    const recent = yield* sql`SELECT sequence, occurred_at, kind, tool, outcome, risk_score, client_ref
      FROM audit_events WHERE ${window} AND risk_level = 'high' ORDER BY sequence DESC LIMIT 10`.pipe(
      Effect.flatMap(decode(HighRiskRow))
    )

    const unresolved = yield* store.unresolvedIntents(clientRef)

    const count = (kinds: ReadonlyArray<string>, outcomes: ReadonlyArray<AuditOutcome>) =>
      counts
        .filter((row) => kinds.includes(row.kind) && outcomes.includes(row.outcome as AuditOutcome))
        .reduce((sum, row) => sum + row.n, 0)
    const succeeded = count(toolKinds, ["success"])
    const failed = count(toolKinds, ["failure"])
    const refused = count(toolKinds, ["refused"])
    const toolCalls = succeeded + failed + refused
    const failureRate = toolCalls === 0 ? 0 : (failed + refused) / toolCalls
    const securityEvents = count(["security"], ["success", "failure", "refused", "pending"])
    const authFailures = count(["auth"], ["failure", "refused"])
    const highRiskEvents = highRisk[0]?.n ?? 0

    return {
      hours,
      from,
      to,
      successRate: toolCalls === 0 ? 0 : succeeded / toolCalls,
      failureRate,
      threatLevel: threatLevelOf({
        highRisk: highRiskEvents,
        refused,
        authFailures,
        securityEvents,
        toolCalls,
        failureRate
      }),
      highRiskEvents,
      recentHighRisk: recent.map((row) => ({
        sequence: row.sequence,
        occurredAt: row.occurred_at,
        kind: row.kind,
        outcome: row.outcome,
        clientRef: row.client_ref,
        ...(row.tool === null ? {} : { tool: row.tool }),
        ...(row.risk_score === null ? {} : { riskScore: row.risk_score })
      })),
      uniqueClients: clients[0]?.n ?? 0,
      topTools: tools,
      errorsByTag: Object.fromEntries(tags.map((row) => [row.error_tag, row.n])),
      totals: {
        events: counts.reduce((sum, row) => sum + row.n, 0),
        toolCalls,
        succeeded,
        failed,
        refused,
        pending: count(["tool_intent", ...toolKinds], ["pending"]),
        cancelled: count(toolKinds, ["cancelled"]),
        unknownOutcome: count(toolKinds, ["unknown_outcome"]),
        unresolvedIntents: unresolved,
        authEvents: count(["auth"], ["success", "failure", "refused", "pending"]),
        securityEvents
      }
    } satisfies SecurityReport
  }).pipe(store.failed("build the report"))
