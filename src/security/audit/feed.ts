import { Effect, Either, Schema } from "effect"
import type { AuditContext } from "./AuditContext.js"
import type { AuditRecord } from "./model.js"
import { AuditKind, AuditOutcome, RiskLevel } from "./model.js"
import { openRow, toStoredRow } from "./rows.js"

/**
 * How far a feed has read: for each chain, the last sequence it delivered. The SQLite log is one chain
 * (named by its log id); a store with a chain per writer names each, and a feed reads every one of them
 * in its own commit order.
 */
export type FeedPosition = Readonly<Record<string, number>>

/** What a row shows in clear when its personal fields were shredded by personal-data retention. */
export type ClearColumns = Omit<AuditRecord, "clientId" | "objectIds" | "sensitive" | "confirmedBy">

export type FeedEntry =
  | { readonly _tag: "Opened"; readonly chain: string; readonly record: AuditRecord }
  | {
    readonly _tag: "Shredded"
    readonly chain: string
    readonly columns: ClearColumns
    readonly shreddedAt: number
  }
  /** A row that does not decode or authenticate: the SIEM is told it is there, `audit verify` says why. */
  | {
    readonly _tag: "Unreadable"
    readonly chain: string
    readonly sequence: number
    readonly occurredAt: number | null
    readonly reason: string
  }

export interface FeedPage {
  /** Every chain the log holds now: a position naming another one belongs to another log. */
  readonly chains: ReadonlyArray<string>
  /** Oldest first within each chain; at most the limit asked for. */
  readonly entries: ReadonlyArray<FeedEntry>
}

const isKind = Schema.is(AuditKind)
const isOutcome = Schema.is(AuditOutcome)
const isRiskLevel = Schema.is(RiskLevel)

export const entrySequence = (entry: FeedEntry): number =>
  entry._tag === "Opened" ? entry.record.sequence : entry._tag === "Shredded" ? entry.columns.sequence : entry.sequence

/**
 * The rows committed after `position`, decrypted, for a SIEM feed. In SQLite the sequence is taken
 * under the write lock and committed in order, so "after sequence N" never skips a row that commits later.
 */
export const readFeed = (context: AuditContext, position: FeedPosition, limit: number) =>
  Effect.gen(function*() {
    const chain = context.logId
    const after = position[chain] ?? 0
    const page = yield* context.store.page(after, Number.MAX_SAFE_INTEGER, limit)
    // Data keys the server made since the last page (a new UTC day) are read before the rows are opened.
    if (page.length > 0) yield* context.periodKeys.reload.pipe(context.store.failed("read the data keys"))
    const entries = page.map((paged): FeedEntry => {
      if (Either.isLeft(paged.row)) {
        return { _tag: "Unreadable", chain, sequence: paged.sequence, occurredAt: null, reason: paged.row.left }
      }
      const row = paged.row.right
      const opened = openRow(context.periodKeys.open, context.logId, toStoredRow(row))
      if (Either.isRight(opened)) return { _tag: "Opened", chain, record: opened.right }
      const kind = row.kind
      const outcome = row.outcome
      const riskLevel = row.risk_level
      if (
        opened.left._tag === "PersonalFieldsShredded" && isKind(kind) && isOutcome(outcome) &&
        (riskLevel === null || isRiskLevel(riskLevel))
      ) {
        return {
          _tag: "Shredded",
          chain,
          shreddedAt: opened.left.shreddedAt,
          columns: {
            sequence: row.sequence,
            occurredAt: row.occurred_at,
            kind,
            outcome,
            clientRef: row.client_ref,
            keyId: row.key_id,
            ...(row.tool === null ? {} : { tool: row.tool }),
            ...(row.hotel_id === null ? {} : { hotelId: row.hotel_id }),
            ...(row.risk_score === null ? {} : { riskScore: row.risk_score }),
            ...(riskLevel === null ? {} : { riskLevel }),
            ...(row.duration_ms === null ? {} : { durationMs: row.duration_ms }),
            ...(row.error_tag === null ? {} : { errorTag: row.error_tag }),
            ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id })
          }
        }
      }
      return {
        _tag: "Unreadable",
        chain,
        sequence: row.sequence,
        occurredAt: row.occurred_at,
        reason: opened.left._tag === "RowMalformed"
          ? opened.left.message
          : opened.left._tag === "PersonalFieldsShredded"
          ? "row holds an unknown kind, outcome or risk level"
          : "the sealed fields do not authenticate"
      }
    })
    return { chains: [chain], entries } satisfies FeedPage
  })
