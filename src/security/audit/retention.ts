import { Clock, Effect, Option, Schema } from "effect"
import type { AuditContext } from "./AuditContext.js"
import { signRow } from "./checkpoints.js"
import { AuditUnavailable } from "./errors.js"
import { auditUnavailable } from "./sqliteFailure.js"
import { verifyChain } from "./verify.js"

export interface CleanupOptions {
  /** Keep this many days; defaults to OPERA_SECURITY_SECURITY_EVENT_RETENTION_DAYS. */
  readonly days: number
  /** Size cap in MB; rows are removed oldest first until the log uses under 90% of it. */
  readonly maxSizeMb: number
  readonly dryRun: boolean
}

export interface CleanupResult {
  readonly dryRun: boolean
  readonly removedRows: number
  readonly removedByAge: number
  readonly removedForSize: number
  /** Last removed sequence: the signed anchor the rest now chains to. */
  readonly anchorSequence: number | null
  readonly cutoff: number
  readonly usedBytes: number
}

const NumberRow = Schema.Struct({ n: Schema.NullOr(Schema.Number) })
const HeadRow = Schema.Struct({ sequence: Schema.Number, mac: Schema.Uint8ArrayFromSelf })

/**
 * Removes the oldest rows (always a prefix, so the chain stays whole) that are
 * past the retention window or over the size cap. The prefix is verified
 * first, so retention never launders a tampered row, and the MAC of the last
 * removed row is kept as a signed anchor that the first remaining row chains to.
 */
export const cleanup = (context: AuditContext, options: CleanupOptions) =>
  Effect.gen(function*() {
    const { sql } = context.store
    const one = (rows: ReadonlyArray<unknown>) =>
      Effect.orDie(Schema.decodeUnknown(Schema.Array(NumberRow))(rows)).pipe(Effect.map((decoded) => decoded[0]?.n ?? 0))
    const now = yield* Clock.currentTimeMillis
    const cutoff = now - options.days * 86_400_000

    const byAge = yield* sql`SELECT max(sequence) AS n FROM audit_events WHERE occurred_at < ${cutoff}`.pipe(
      Effect.flatMap(one)
    )
    const pageSize = yield* sql`SELECT page_size AS n FROM pragma_page_size()`.pipe(Effect.flatMap(one))
    const pages = yield* sql`SELECT page_count AS n FROM pragma_page_count()`.pipe(Effect.flatMap(one))
    const free = yield* sql`SELECT freelist_count AS n FROM pragma_freelist_count()`.pipe(Effect.flatMap(one))
    const usedBytes = (pages - free) * pageSize
    const capBytes = options.maxSizeMb * 1024 * 1024
    let bySize = 0
    if (usedBytes > capBytes) {
      const rows = yield* sql`SELECT count(*) AS n FROM audit_events`.pipe(Effect.flatMap(one))
      const excess = rows === 0 ? 0 : Math.min(rows, Math.ceil((usedBytes - capBytes * 0.9) / (usedBytes / rows)))
      if (excess > 0) {
        bySize = yield* sql`SELECT sequence AS n FROM audit_events ORDER BY sequence LIMIT 1 OFFSET ${excess - 1}`.pipe(
          Effect.flatMap(one)
        )
      }
    }
    const upTo = Math.max(byAge, bySize)
    const countThrough = (sequence: number) =>
      sql`SELECT count(*) AS n FROM audit_events WHERE sequence <= ${sequence}`.pipe(Effect.flatMap(one))
    const removedByAge = byAge === 0 ? 0 : yield* countThrough(byAge)
    const removedRows = upTo === 0 ? 0 : yield* countThrough(upTo)
    const result: CleanupResult = {
      dryRun: options.dryRun,
      removedRows,
      removedByAge,
      removedForSize: removedRows - removedByAge,
      anchorSequence: upTo === 0 ? null : upTo,
      cutoff,
      usedBytes
    }
    if (upTo === 0 || options.dryRun) return result

    const verified = yield* verifyChain(context, { through: upTo })
    if (!verified.ok && verified.failure !== undefined) {
      return yield* new AuditUnavailable({
        reason: "corrupt",
        message: `retention refused: row ${verified.failure.sequence} does not verify (${verified.failure.damage}); ` +
          "run `opera-cloud-mcp audit verify` and keep the file for investigation"
      })
    }
    const last = yield* sql`SELECT sequence, mac FROM audit_events WHERE sequence = ${upTo}`.pipe(
      Effect.flatMap((rows) => Effect.orDie(Schema.decodeUnknown(Schema.Array(HeadRow))(rows))),
      Effect.map((rows) => Option.fromNullable(rows[0]))
    )
    if (Option.isNone(last)) return { ...result, removedRows: 0, removedByAge: 0, removedForSize: 0, anchorSequence: null }
    const anchor = signRow("anchor", context.signer, context.logId, {
      sequence: upTo,
      digest: last.value.mac,
      created_at: now,
      removed_rows: removedRows
    })
    yield* sql.withTransaction(
      Effect.all([
        // The gate names the sequence; the triggers let rows go only as a prefix up to it, behind its anchor.
        sql`INSERT INTO audit_retention_gate (through) VALUES (${upTo})`,
        sql`INSERT INTO audit_anchors (sequence, mac, created_at, removed_rows, signer, signature)
          VALUES (${anchor.sequence}, ${anchor.digest}, ${anchor.created_at}, ${anchor.removed_rows},
            ${anchor.signer}, ${anchor.signature})`,
        sql`DELETE FROM audit_events WHERE sequence <= ${upTo}`,
        sql`DELETE FROM audit_checkpoints WHERE sequence <= ${upTo}`,
        sql`DELETE FROM audit_retention_gate`
      ], { discard: true })
    )
    return result
  }).pipe(
    Effect.mapError((error) =>
      error._tag === "AuditUnavailable" ? error : auditUnavailable(context.store.path, "remove old rows")(error)
    )
  )
