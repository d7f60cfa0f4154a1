import { Effect, Either, Option } from "effect"
import type { AuditContext } from "./AuditContext.js"
import type { AuditEventInput, AuditReceipt } from "./model.js"
import { decodeEventRow, eventColumns, openRow, toStoredRow } from "./rows.js"

/** Why an intent left without its outcome row gets one at start-up. */
export const processEndedReason = "process ended before the outcome was recorded"

/**
 * Correlation ids of write intents that have no outcome row, over the whole log
 * (one pass, grouped, so no index on correlation_id is needed).
 */
// A read can have an intent too (strict mode records one before any call while the log was failing): its
// closing row is a tool_call.
const unresolvedIds = `SELECT correlation_id FROM audit_events
  WHERE correlation_id IS NOT NULL AND kind IN ('tool_intent', 'tool_outcome', 'tool_call')
  GROUP BY correlation_id HAVING sum(kind = 'tool_intent') > 0 AND sum(kind IN ('tool_outcome', 'tool_call')) = 0`

/** How many write intents have no outcome row (calls in flight, or left by a crash). */
export const unresolvedIntentsQuery = `SELECT count(*) AS n FROM (${unresolvedIds})`

/** The same, of one client's intents only (its own security view). */
export const unresolvedIntentsOfClientQuery = `SELECT count(*) AS n FROM audit_events
  WHERE kind = 'tool_intent' AND client_ref = ? AND correlation_id IN (${unresolvedIds})`

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
    const rows = yield* context.store.sql.unsafe<object>(
      `SELECT ${eventColumns} FROM audit_events WHERE kind = 'tool_intent'
        AND correlation_id IN (${unresolvedIds}) ORDER BY sequence LIMIT 10000`
    ).pipe(context.store.failed("read unresolved intents"))
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
