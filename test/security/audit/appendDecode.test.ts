import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { AuditEventInput } from "../../../src/security/audit/model.js"
import { AuditLog } from "../../../src/security/AuditLog.js"
import { freshKey, toolCall, withAuditLog } from "./fixtures.js"

const memory = () => ({ OPERA_SECURITY_AUDIT_DB_PATH: ":memory:", OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() })

// What a caller outside the type system could hand over (a plugin, a decoded message).
const untyped = (text: string): AuditEventInput => JSON.parse(text)

describe("AuditLog.append decodes the event at the boundary", () => {
  it.effect("an unknown kind or outcome is refused with a typed error and nothing is written", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const kind = yield* Effect.flip(audit.append(untyped(`{"kind":"telemetry","clientId":"c","outcome":"success"}`)))
      expect(kind._tag).toBe("AuditEventInvalid")
      expect(kind.message).toContain("kind")
      const outcome = yield* Effect.flip(audit.append(untyped(`{"kind":"tool_call","clientId":"c","outcome":"maybe"}`)))
      expect(outcome._tag).toBe("AuditEventInvalid")
      const status = yield* audit.status
      // Nothing written, and a refused event does not degrade the log.
      expect(status).toMatchObject({ mode: "ok", lastSequence: 0 })
      yield* audit.append(toolCall())
      expect((yield* audit.trail(1)).map((row) => row.kind)).toEqual(["tool_call"])
    }).pipe(withAuditLog(memory())))

  it.effect("the new outcomes are accepted and read back", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.append(toolCall({ outcome: "cancelled", errorTag: "Cancelled" }))
      yield* audit.append(toolCall({ kind: "tool_outcome", outcome: "unknown_outcome", errorTag: "OutcomeLost" }))
      expect((yield* audit.trail(1)).map((row) => row.outcome)).toEqual(["cancelled", "unknown_outcome"])
      const report = yield* audit.report(1)
      expect(report.totals).toMatchObject({ cancelled: 1, unknownOutcome: 1 })
    }).pipe(withAuditLog(memory())))
})
