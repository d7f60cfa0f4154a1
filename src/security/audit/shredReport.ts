import { Effect, Schema } from "effect"
import type { AuditStore } from "./AuditStore.js"
import { periodDate } from "./periodKeys.js"

/** What personal-data retention has destroyed: for `audit report` and get_security_report (no personal data). */
export const PersonalDataRetention = Schema.Struct({
  /** OPERA_SECURITY_DATA_RETENTION_POLICY_DAYS. */
  retentionDays: Schema.Number,
  shreddedPeriods: Schema.Number,
  shreddedRows: Schema.Number,
  lastShreddedAt: Schema.NullOr(Schema.Number),
  /** The newest shreddings (up to 30): the UTC day a key covered, its rows, when it was destroyed. */
  periods: Schema.Array(Schema.Struct({
    period: Schema.String,
    keyId: Schema.String,
    rows: Schema.Number,
    shreddedAt: Schema.Number
  })),
  /** Rows sealed under a master-derived key (written before period keys existed): readable, never shredded. */
  legacyRows: Schema.Number
})
export type PersonalDataRetention = typeof PersonalDataRetention.Type

const Totals = Schema.Struct({ periods: Schema.Number, rows: Schema.NullOr(Schema.Number), last: Schema.NullOr(Schema.Number) })
const Period = Schema.Struct({
  period_start: Schema.Number,
  key_id: Schema.String,
  rows: Schema.Number,
  shredded_at: Schema.Number
})
const Count = Schema.Struct({ n: Schema.Number })

export const personalDataSummary = (store: AuditStore, retentionDays: number) =>
  Effect.gen(function*() {
    const { sql } = store
    const decode = <A, I>(schema: Schema.Schema<A, I>) => (rows: ReadonlyArray<unknown>) =>
      Effect.orDie(Schema.decodeUnknown(Schema.Array(schema))(rows))
    const [totals] = yield* sql`SELECT count(*) AS periods, sum(rows) AS rows, max(shredded_at) AS last
      FROM audit_shreds`.pipe(Effect.flatMap(decode(Totals)))
    const periods = yield* sql`SELECT period_start, key_id, rows, shredded_at FROM audit_shreds
      ORDER BY period_start DESC, key_id DESC LIMIT 30`.pipe(Effect.flatMap(decode(Period)))
    const [legacy] = yield* sql`SELECT count(*) AS n FROM audit_events WHERE key_id NOT LIKE '%.d____-__-__.%'`.pipe(
      Effect.flatMap(decode(Count))
    )
    return {
      retentionDays,
      shreddedPeriods: totals?.periods ?? 0,
      shreddedRows: totals?.rows ?? 0,
      lastShreddedAt: totals?.last ?? null,
      periods: periods.map((row) => ({
        period: periodDate(row.period_start),
        keyId: row.key_id,
        rows: row.rows,
        shreddedAt: row.shredded_at
      })),
      legacyRows: legacy?.n ?? 0
    } satisfies PersonalDataRetention
  }).pipe(store.failed("summarise personal-data retention"))
