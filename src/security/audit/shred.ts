import { Clock, Effect, Schema } from "effect"
import type { AuditContext } from "./AuditContext.js"
import { AuditUnavailable } from "./errors.js"
import { dayMs, periodDate } from "./periodKeys.js"

export interface ShredOptions {
  /** Personal-data retention in days (OPERA_SECURITY_DATA_RETENTION_POLICY_DAYS). */
  readonly days: number
  readonly dryRun: boolean
}

export interface ShreddedPeriod {
  readonly keyId: string
  /** The UTC day the key covered, YYYY-MM-DD. */
  readonly period: string
  readonly periodStart: number
  readonly periodEnd: number
  /** Rows whose personal fields were sealed under the key. */
  readonly rows: number
}

export interface ShredResult {
  readonly dryRun: boolean
  readonly days: number
  /** Keys whose whole day ended before this (epoch ms) are destroyed. */
  readonly cutoff: number
  readonly shredded: ReadonlyArray<ShreddedPeriod>
  readonly rows: number
  /** Whether the WAL was emptied after the keys were deleted (false: another reader held it; retried next run). */
  readonly walCleared: boolean
  /** Rows past the window sealed under a master-derived key (written before period keys): they cannot be shredded. */
  readonly legacyRowsPastWindow: number
}

const NumberRow = Schema.Struct({ n: Schema.NullOr(Schema.Number) })
/** Legacy key ids are `<fingerprint>.<generation>`; period key ids carry `.dYYYY-MM-DD.`. */
const periodKeyLike = "%.d____-__-__.%"

/**
 * Personal-data retention by crypto-shredding: destroys every data key whose
 * whole day is older than `days`. Each destruction first writes a signed shred
 * record (period, rows, time), then deletes the wrapped key in the same
 * transaction (the triggers allow a key row to go only after its record). The
 * rows stay, so the chain still verifies; their personal fields can no longer be
 * opened. The db zeroes deleted content (secure_delete), and the WAL is
 * checkpointed and truncated so no copy of a wrapped key is left in it.
 */
export const shredExpired = (context: AuditContext, options: ShredOptions) =>
  Effect.gen(function*() {
    const { sql } = context.store
    const one = (rows: ReadonlyArray<unknown>) =>
      Effect.orDie(Schema.decodeUnknown(Schema.Array(NumberRow))(rows)).pipe(Effect.map((decoded) => decoded[0]?.n ?? 0))
    const now = Math.floor(yield* Clock.currentTimeMillis)
    const cutoff = now - options.days * dayMs
    yield* context.periodKeys.reload

    const shredded: Array<ShreddedPeriod> = []
    for (const key of context.periodKeys.expired(cutoff)) {
      const rows = yield* sql`SELECT count(*) AS n FROM audit_events WHERE key_id = ${key.keyId}`.pipe(Effect.flatMap(one))
      shredded.push({ ...key, period: periodDate(key.periodStart), rows })
      if (options.dryRun) continue
      const record = context.periodKeys.signShred({
        key_id: key.keyId,
        period_start: key.periodStart,
        period_end: key.periodEnd,
        rows,
        shredded_at: now
      })
      yield* sql.withTransaction(Effect.all([
        sql`INSERT INTO audit_shreds (key_id, period_start, period_end, rows, shredded_at, signer, signature)
          VALUES (${record.key_id}, ${record.period_start}, ${record.period_end}, ${record.rows},
            ${record.shredded_at}, ${record.signer}, ${record.signature})`,
        sql`DELETE FROM audit_period_keys WHERE key_id = ${key.keyId}`
      ], { discard: true }))
    }
    if (shredded.length > 0 && !options.dryRun) yield* context.periodKeys.reload

    // The deleted key rows' pages are zeroed in the db, but earlier versions of them sit in WAL frames
    // until the WAL is emptied. Retried on every run for two days after a shredding, in case a reader held it.
    const recent = yield* sql`SELECT count(*) AS n FROM audit_shreds WHERE shredded_at >= ${now - 2 * dayMs}`.pipe(
      Effect.flatMap(one)
    )
    const walCleared = options.dryRun || recent === 0 ? !options.dryRun : yield* context.store.clearWal
    if (!walCleared && !options.dryRun) {
      yield* Effect.logWarning(
        context.store.dialect === "postgresql"
          ? "audit: shredded data keys stay in PostgreSQL's WAL and dead tuples until the tables' owner runs " +
            "VACUUM audit_period_keys"
          : "audit: shredded data keys may still be in the WAL (a reader held it); retried next run"
      )
    }

    const legacyRowsPastWindow = yield* sql`SELECT count(*) AS n FROM audit_events
      WHERE occurred_at < ${cutoff} AND key_id NOT LIKE ${periodKeyLike}`.pipe(Effect.flatMap(one))
    return {
      dryRun: options.dryRun,
      days: options.days,
      cutoff,
      shredded,
      rows: shredded.reduce((sum, period) => sum + period.rows, 0),
      walCleared,
      legacyRowsPastWindow
    } satisfies ShredResult
  }).pipe(
    Effect.mapError((error) =>
      error instanceof AuditUnavailable ? error : context.store.unavailable("shred expired personal data")(error)
    )
  )
