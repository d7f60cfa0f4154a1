import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { AuditLog } from "../../../src/security/AuditLog.js"
import { threatLevelOf } from "../../../src/security/audit/report.js"
import { freshKey, toolCall, withAuditLog } from "./fixtures.js"

const calm = { highRisk: 0, refused: 0, authFailures: 0, securityEvents: 0, toolCalls: 100, failureRate: 0 }

describe("security report", () => {
  it("threat level follows the documented thresholds", () => {
    expect(threatLevelOf(calm)).toBe("low")
    expect(threatLevelOf({ ...calm, highRisk: 1 })).toBe("medium")
    expect(threatLevelOf({ ...calm, failureRate: 0.2 })).toBe("medium")
    expect(threatLevelOf({ ...calm, failureRate: 0.9, toolCalls: 9 })).toBe("low")
    expect(threatLevelOf({ ...calm, highRisk: 3 })).toBe("high")
    expect(threatLevelOf({ ...calm, authFailures: 5 })).toBe("high")
    expect(threatLevelOf({ ...calm, failureRate: 0.5 })).toBe("high")
    expect(threatLevelOf({ ...calm, highRisk: 10 })).toBe("critical")
    expect(threatLevelOf({ ...calm, refused: 50 })).toBe("critical")
  })

  it.effect("counts only the window, groups clients by keyed hash, ranks tools and errors", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.append(toolCall({ tool: "old_tool" })) // 3 h before the window's end: outside a 2 h window
      yield* TestClock.adjust("3 hours")
      yield* audit.append(toolCall({ kind: "tool_intent", tool: "create_reservation", outcome: "pending" }))
      yield* audit.append(toolCall({ kind: "tool_outcome", tool: "create_reservation", outcome: "success" }))
      for (let index = 0; index < 3; index++) {
        yield* audit.append(toolCall({ clientId: `client-${index}`, outcome: "failure", errorTag: "OperaUnavailable" }))
      }
      yield* audit.append(toolCall({ outcome: "refused", errorTag: "RateLimited", riskLevel: "high", riskScore: 0.95 }))
      yield* audit.append(toolCall({ kind: "auth", tool: "oauth_token", outcome: "failure", errorTag: "OperaUnauthorized" }))
      yield* audit.append(toolCall({ kind: "security", tool: undefined, outcome: "refused", riskLevel: "high" }))

      const report = yield* audit.report(2)
      expect(report.totals).toEqual({
        events: 8,
        toolCalls: 5,
        succeeded: 1,
        failed: 3,
        refused: 1,
        pending: 1,
        cancelled: 0,
        unknownOutcome: 0,
        unresolvedIntents: 0,
        authEvents: 1,
        securityEvents: 1
      })
      expect(report.successRate).toBeCloseTo(0.2)
      expect(report.failureRate).toBeCloseTo(0.8)
      expect(report.uniqueClients).toBe(4)
      expect(report.highRiskEvents).toBe(2)
      expect(report.recentHighRisk.map((row) => row.kind)).toEqual(["security", "tool_call"])
      expect(report.recentHighRisk[1]?.riskScore).toBe(0.95)
      expect(report.recentHighRisk[0]?.clientRef).toMatch(/^[0-9a-f]{32}$/)
      expect(report.topTools).toEqual([
        { tool: "search_reservations", calls: 4, failures: 4 },
        { tool: "create_reservation", calls: 1, failures: 0 }
      ])
      expect(report.errorsByTag).toEqual({ OperaUnavailable: 3, OperaUnauthorized: 1, RateLimited: 1 })
      expect(report.threatLevel).toBe("medium")
      expect((yield* audit.report(4)).totals.events).toBe(9)
      expect(JSON.stringify(report)).not.toMatch(/client-\d|frontdesk-anna/)
    }).pipe(withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: ":memory:", OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() })))

  it.effect("unresolved intents: a read closes its strict-mode intent; a client's own view counts only its own", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      // Strict mode records an intent before a read too; the read's tool_call row closes it.
      yield* audit.append(toolCall({ kind: "tool_intent", outcome: "pending", correlationId: "read-1" }))
      yield* audit.append(toolCall({ kind: "tool_call", outcome: "success", correlationId: "read-1" }))
      // Two writes still in flight: one of anna's, one of another client's.
      yield* audit.append(toolCall({ kind: "tool_intent", tool: "create_reservation", outcome: "pending", correlationId: "w-1" }))
      yield* audit.append(toolCall({
        kind: "tool_intent",
        clientId: "api-key:night-audit",
        tool: "cancel_reservation",
        outcome: "pending",
        correlationId: "w-2"
      }))
      expect((yield* audit.report(1)).totals.unresolvedIntents).toBe(2)
      expect((yield* audit.report(1, "api-key:frontdesk-anna")).totals.unresolvedIntents).toBe(1)
      expect((yield* audit.report(1, "api-key:someone-else")).totals.unresolvedIntents).toBe(0)
    }).pipe(withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: ":memory:", OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() })))
})
