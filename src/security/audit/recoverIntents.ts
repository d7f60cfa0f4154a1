import { Effect, Either, Option } from "effect"
import type { AuditContext } from "./AuditContext.js"
import type { AuditEventInput, AuditReceipt } from "./model.js"
import { decodeEventRow, openRow, toStoredRow } from "./rows.js"

/** Why an intent left without its outcome row gets one at start-up. */
export const processEndedReason = "process ended before the outcome was recorded"

/**
 * At start-up, before any call runs: an intent with no outcome was left by a
 * process that ended mid-call (crash, SIGKILL). Whether OPERA applied the change
 * is unknown, so each gets an outcome row `unknown_outcome` saying why.
 */
export const resolveCrashLeftIntents = <E>(
  context: AuditContext,
  append: (event: AuditEventInput) => Effect.Effect<AuditReceipt, E>
) =>
  Effect.gen(function*() {
    // Only this store's chain: on PostgreSQL, the writer's own chain (or the expired one it took over),
    // never an intent another live writer has in flight.
    const rows = yield* context.store.crashLeftIntents
    let resolved = 0
    for (const raw of rows) {
      const row = Either.getRight(decodeEventRow(raw))
      if (Option.isNone(row) || row.value.correlation_id === null) continue
      const opened = Either.getRight(openRow(context.periodKeys.open, context.logId, toStoredRow(row.value)))
      yield* append({
        kind: "tool_outcome",
        // The sealed client id, when the row still opens; otherwise the row is linked by its correlation id.
        clientId: Option.match(opened, { onNone: () => "unknown", onSome: (record) => record.clientId }),
        ...(row.value.tool !== null ? { tool: row.value.tool } : {}),
        ...(Option.isSome(opened) && opened.value.hotelId !== undefined ? { hotelId: opened.value.hotelId } : {}),
        correlationId: row.value.correlation_id,
        outcome: "unknown_outcome",
        errorTag: "ProcessEnded",
        sensitive: { details: processEndedReason }
      })
      resolved += 1
    }
    return resolved
  })
