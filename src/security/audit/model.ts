import { Schema } from "effect"
import { PersonalDataRetention } from "./shredReport.js"

export const AuditKind = Schema.Literal("tool_call", "tool_intent", "tool_outcome", "auth", "security", "admin")
export type AuditKind = typeof AuditKind.Type

/**
 * `cancelled`: the client cancelled or shutdown cut the call before it changed anything.
 * `unknown_outcome`: a write cut after its request may have reached OPERA (or left by a crash).
 */
export const AuditOutcome = Schema.Literal("success", "failure", "refused", "pending", "cancelled", "unknown_outcome")
export type AuditOutcome = typeof AuditOutcome.Type

export const RiskLevel = Schema.Literal("low", "medium", "high")
export type RiskLevel = typeof RiskLevel.Type

/** How a tool call was confirmed: by the person through elicitation, by the token flow, or not needed. */
export const ConfirmedBy = Schema.Literal("user", "token", "not_required")

/** Fields that can identify a person: stored only encrypted. */
export const AuditSensitive = Schema.Struct({
  details: Schema.optional(Schema.String),
  guestNames: Schema.optional(Schema.Array(Schema.String)),
  emails: Schema.optional(Schema.Array(Schema.String)),
  phones: Schema.optional(Schema.Array(Schema.String)),
  ipAddress: Schema.optional(Schema.String),
  userAgent: Schema.optional(Schema.String)
})
export type AuditSensitive = typeof AuditSensitive.Type

/** One event as the pipeline hands it to `AuditLog.append`. */
export const AuditEventInput = Schema.Struct({
  kind: AuditKind,
  clientId: Schema.String,
  tool: Schema.optional(Schema.String),
  hotelId: Schema.optional(Schema.String),
  objectIds: Schema.optional(Schema.Array(Schema.String)),
  outcome: AuditOutcome,
  riskScore: Schema.optional(Schema.Number),
  riskLevel: Schema.optional(RiskLevel),
  durationMs: Schema.optional(Schema.Number),
  errorTag: Schema.optional(Schema.String),
  /** Links an intent row to its outcome row. */
  correlationId: Schema.optional(Schema.String),
  /** The correlation ids of the call's requests to OPERA (sent as x-request-id, logged with a failure). */
  upstreamRequestIds: Schema.optional(Schema.Array(Schema.String)),
  confirmedBy: Schema.optional(ConfirmedBy),
  sensitive: Schema.optional(AuditSensitive)
})
export type AuditEventInput = typeof AuditEventInput.Type

export interface AuditReceipt {
  readonly sequence: number
}

/** One decrypted row of the trail. `clientRef` is the keyed hash used for grouping. */
export const AuditRecord = Schema.Struct({
  sequence: Schema.Number,
  occurredAt: Schema.Number,
  kind: AuditKind,
  clientId: Schema.String,
  clientRef: Schema.String,
  tool: Schema.optional(Schema.String),
  hotelId: Schema.optional(Schema.String),
  objectIds: Schema.Array(Schema.String),
  outcome: AuditOutcome,
  riskScore: Schema.optional(Schema.Number),
  riskLevel: Schema.optional(RiskLevel),
  durationMs: Schema.optional(Schema.Number),
  errorTag: Schema.optional(Schema.String),
  correlationId: Schema.optional(Schema.String),
  upstreamRequestIds: Schema.optional(Schema.Array(Schema.String)),
  confirmedBy: Schema.optional(ConfirmedBy),
  keyId: Schema.String,
  sensitive: AuditSensitive
})
export type AuditRecord = typeof AuditRecord.Type

export const ThreatLevel = Schema.Literal("low", "medium", "high", "critical")
export type ThreatLevel = typeof ThreatLevel.Type

export const SecurityReport = Schema.Struct({
  hours: Schema.Number,
  from: Schema.Number,
  to: Schema.Number,
  /** Completed tool calls that succeeded, over completed tool calls (0 when there were none). */
  successRate: Schema.Number,
  /** Completed tool calls that failed or were refused, over completed tool calls. */
  failureRate: Schema.Number,
  threatLevel: ThreatLevel,
  highRiskEvents: Schema.Number,
  recentHighRisk: Schema.Array(Schema.Struct({
    sequence: Schema.Number,
    occurredAt: Schema.Number,
    kind: AuditKind,
    tool: Schema.optional(Schema.String),
    outcome: AuditOutcome,
    riskScore: Schema.optional(Schema.Number),
    clientRef: Schema.String
  })),
  uniqueClients: Schema.Number,
  topTools: Schema.Array(Schema.Struct({ tool: Schema.String, calls: Schema.Number, failures: Schema.Number })),
  errorsByTag: Schema.Record({ key: Schema.String, value: Schema.Number }),
  totals: Schema.Struct({
    events: Schema.Number,
    toolCalls: Schema.Number,
    succeeded: Schema.Number,
    failed: Schema.Number,
    refused: Schema.Number,
    pending: Schema.Number,
    cancelled: Schema.Number,
    unknownOutcome: Schema.Number,
    /** Write intents with no outcome row, over the whole log: calls in flight, or not yet resolved. */
    unresolvedIntents: Schema.Number,
    authEvents: Schema.Number,
    securityEvents: Schema.Number
  }),
  /** What personal-data retention shredded (absent where the log cannot say). */
  personalData: Schema.optional(PersonalDataRetention)
})
export type SecurityReport = typeof SecurityReport.Type

export const AuditMode = Schema.Literal("ok", "degraded", "disabled")
export type AuditMode = typeof AuditMode.Type

/** For the health check: never a key, only key ids and the chain position. */
export const AuditStatus = Schema.Struct({
  mode: AuditMode,
  chainHead: Schema.String,
  lastSequence: Schema.Number,
  lastCheckpointAt: Schema.NullOr(Schema.Number),
  lastCheckpointSequence: Schema.Number,
  keyId: Schema.String,
  strictMode: Schema.Boolean,
  reason: Schema.optional(Schema.String),
  /** The db is behind or off the chain of the exported checkpoint history: degraded until an operator accepts. */
  alarm: Schema.optional(Schema.Literal("rollback"))
})
export type AuditStatus = typeof AuditStatus.Type
