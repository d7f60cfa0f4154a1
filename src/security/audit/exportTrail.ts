import { DateTime, Effect, Either } from "effect"
import type { AuditContext } from "./AuditContext.js"
import { maskRecord } from "./masking.js"
import type { EventRow } from "./rows.js"
import { decodeEventRow, openRow, toStoredRow } from "./rows.js"

export interface ExportOptions {
  /** Epoch ms; rows that occurred at or after it. */
  readonly since: number
  /** Show personal data in clear; without it every personal field is masked. */
  readonly reveal: boolean
  readonly format: "jsonl"
  /** Receives each page of lines (one JSON object per line, no newline). */
  readonly write: (lines: ReadonlyArray<string>) => Effect.Effect<void>
}

export interface ExportResult {
  readonly rows: number
  /** Rows that could not be decrypted and were left out (run `audit verify`). */
  readonly unreadable: number
  /** Rows whose personal fields were shredded by personal-data retention: exported with their clear columns only. */
  readonly shredded: number
}

const pageSize = 1000

/** A row whose data key was destroyed: what is in clear, and where the personal fields were, that they were shredded. */
const iso = (epochMillis: number) => DateTime.formatIso(DateTime.unsafeMake(epochMillis))

const shreddedLine = (row: EventRow, shreddedAt: number) => ({
  time: iso(row.occurred_at),
  sequence: row.sequence,
  occurredAt: row.occurred_at,
  kind: row.kind,
  outcome: row.outcome,
  clientRef: row.client_ref,
  ...(row.tool === null ? {} : { tool: row.tool }),
  ...(row.hotel_id === null ? {} : { hotelId: row.hotel_id }),
  ...(row.risk_score === null ? {} : { riskScore: row.risk_score }),
  ...(row.risk_level === null ? {} : { riskLevel: row.risk_level }),
  ...(row.duration_ms === null ? {} : { durationMs: row.duration_ms }),
  ...(row.error_tag === null ? {} : { errorTag: row.error_tag }),
  ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id }),
  keyId: row.key_id,
  personalFields: "shredded",
  shreddedAt
})

/** A decrypted export for an investigator, page by page so memory stays flat. */
export const exportTrail = (context: AuditContext, options: ExportOptions) =>
  Effect.gen(function*() {
    yield* context.periodKeys.reload
    let after = 0
    let rows = 0
    let unreadable = 0
    let shredded = 0
    while (true) {
      const page = yield* context.store.exportPage(after, options.since, pageSize)
      if (page.length === 0) break
      const lines: Array<string> = []
      for (const raw of page) {
        const decoded = decodeEventRow(raw)
        const opened = Either.flatMap(decoded, (row) => openRow(context.periodKeys.open, context.logId, toStoredRow(row)))
        // The sequence is an INTEGER PRIMARY KEY in a STRICT table: always a number.
        after = Math.max(after, Number((raw as { readonly sequence?: unknown }).sequence) || after)
        if (Either.isLeft(opened) && opened.left._tag === "PersonalFieldsShredded" && Either.isRight(decoded)) {
          lines.push(JSON.stringify(shreddedLine(decoded.right, opened.left.shreddedAt)))
          shredded++
          continue
        }
        if (Either.isLeft(opened)) {
          unreadable++
          continue
        }
        const record = options.reveal ? opened.right : maskRecord(opened.right)
        lines.push(JSON.stringify({ time: iso(record.occurredAt), ...record }))
        rows++
      }
      yield* options.write(lines)
    }
    return { rows, unreadable, shredded } satisfies ExportResult
  }).pipe(context.store.failed("export the trail"))
