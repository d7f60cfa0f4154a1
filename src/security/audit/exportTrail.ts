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

/** One exported row: its line and the time it is ordered by. */
interface ExportLine {
  readonly occurredAt: number
  readonly line: string
}

/**
 * One chain's rows since `options.since`, in its own order (sequence), a page at a time; counts what it
 * read. An empty page: the chain is done.
 */
const chainLines = (context: AuditContext, options: ExportOptions, counts: { rows: number; unreadable: number; shredded: number }) => {
  let after = 0
  return Effect.gen(function*() {
    const page = yield* context.store.exportPage(after, options.since, pageSize)
    const lines: Array<ExportLine> = []
    for (const raw of page) {
      const decoded = decodeEventRow(raw)
      const opened = Either.flatMap(decoded, (row) => openRow(context.periodKeys.open, context.logId, toStoredRow(row)))
      // The sequence is an INTEGER PRIMARY KEY in a STRICT table (bigint NOT NULL in PostgreSQL): always a number.
      after = Math.max(after, Number((raw as { readonly sequence?: unknown }).sequence) || after)
      if (Either.isLeft(opened) && opened.left._tag === "PersonalFieldsShredded" && Either.isRight(decoded)) {
        lines.push({
          occurredAt: decoded.right.occurred_at,
          line: JSON.stringify(shreddedLine(decoded.right, opened.left.shreddedAt))
        })
        counts.shredded++
        continue
      }
      if (Either.isLeft(opened)) {
        counts.unreadable++
        continue
      }
      const record = options.reveal ? opened.right : maskRecord(opened.right)
      lines.push({ occurredAt: record.occurredAt, line: JSON.stringify({ time: iso(record.occurredAt), ...record }) })
      counts.rows++
    }
    return { done: page.length === 0, lines }
  })
}

/**
 * A decrypted export for an investigator, page by page so memory stays flat. Several chains (PostgreSQL:
 * one per writer) are merged into one trail by time: the next line is always the earliest of the chains'
 * next rows (a tie goes to the chain listed first), and each chain keeps its own order, so a trail that
 * is in time order on every chain comes out in time order as a whole.
 */
export const exportTrail = (contexts: ReadonlyArray<AuditContext>, options: ExportOptions) =>
  Effect.gen(function*() {
    const counts = { rows: 0, unreadable: 0, shredded: 0 }
    const chains = contexts.map((context) => ({ context, next: chainLines(context, options, counts) }))
    for (const { context } of chains) yield* context.store.failed("export the trail")(context.periodKeys.reload)
    const buffered: Array<{ lines: ReadonlyArray<ExportLine>; at: number; done: boolean }> = chains.map(() => ({
      lines: [],
      at: 0,
      done: false
    }))
    // A chain whose buffer is used up reads its next page (a page with only unreadable rows: the one after).
    const refill = (index: number) =>
      Effect.gen(function*() {
        const buffer = buffered[index]!
        while (!buffer.done && buffer.at >= buffer.lines.length) {
          const page = yield* chains[index]!.next.pipe(chains[index]!.context.store.failed("export the trail"))
          buffer.lines = page.lines
          buffer.at = 0
          buffer.done = page.done
        }
      })
    for (let index = 0; index < chains.length; index++) yield* refill(index)
    let out: Array<string> = []
    while (true) {
      let earliest = -1
      for (let index = 0; index < buffered.length; index++) {
        const buffer = buffered[index]!
        if (buffer.at >= buffer.lines.length) continue
        if (earliest < 0 || buffer.lines[buffer.at]!.occurredAt < buffered[earliest]!.lines[buffered[earliest]!.at]!.occurredAt) {
          earliest = index
        }
      }
      if (earliest < 0) break
      const buffer = buffered[earliest]!
      out.push(buffer.lines[buffer.at]!.line)
      buffer.at++
      if (out.length >= pageSize) {
        yield* options.write(out)
        out = []
      }
      if (buffer.at >= buffer.lines.length) yield* refill(earliest)
    }
    if (out.length > 0) yield* options.write(out)
    return { ...counts } satisfies ExportResult
  })
