import { Effect, Layer } from "effect"
import { AuditLog } from "./AuditLog.js"
import { SecurityEventSink } from "./threat/SecurityEventSink.js"

/**
 * The ThreatMonitor's events (medium and high assessments, incidents) as rows
 * of the audit log: risk score and level in clear, the threat names and
 * reasons (counts and field names, never values) in the encrypted details.
 */
export const AuditSecurityEvents = Layer.effect(
  SecurityEventSink,
  Effect.gen(function*() {
    const audit = yield* AuditLog
    return {
      emit: (event) =>
        audit.append({
          kind: "security",
          clientId: event.clientId,
          tool: event.tool,
          outcome: event.blocked ? "refused" : "success",
          riskScore: event.score,
          riskLevel: event.level,
          errorTag: event.kind,
          ...(event.incidentId !== undefined ? { correlationId: event.incidentId } : {}),
          sensitive: {
            details: event.threats.map((threat) => `${threat.detector}/${threat.name}: ${threat.reason}`).join("; ")
          }
        }).pipe(
          Effect.catchAll((problem) =>
            Effect.logWarning("audit: security event not recorded", { kind: event.kind, reason: problem.reason })
          ),
          Effect.asVoid
        )
    }
  })
)
