import type { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Either, Option, Schema } from "effect"
import type { StoredRow } from "./chain.js"
import type { ScanSource } from "./chainScan.js"
import type { AuditUnavailable } from "./errors.js"
import type { EventRow } from "./rows.js"
import { decodeEventRow, eventColumns } from "./rows.js"
import type { AuditSqlite } from "./sqliteConnection.js"
import { auditUnavailable, sqliteCode } from "./sqliteFailure.js"

const NumberRow = Schema.Struct({ n: Schema.NullOr(Schema.Number) })
const WalCheckpointRow = Schema.Struct({ busy: Schema.Number })

const HeadRow = Schema.Struct({ sequence: Schema.Number, mac: Schema.Uint8ArrayFromSelf })
const MetaRow = Schema.Struct({ name: Schema.String, value: Schema.String })
const KeyRow = Schema.Struct({ generation: Schema.Number, key_id: Schema.String, created_at: Schema.Number })
export const SignedRow = Schema.Struct({
  sequence: Schema.Number,
  digest: Schema.Uint8ArrayFromSelf,
  created_at: Schema.Number,
  removed_rows: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  signer: Schema.String,
  signature: Schema.Uint8ArrayFromSelf
})
export type SignedRow = typeof SignedRow.Type

/** The sequence number was taken by another writer on the same file: re-read the head and retry. */
export class SequenceTaken extends Schema.TaggedError<SequenceTaken>()("SequenceTaken", {
  sequence: Schema.Number
}) {}

/** A page of rows for a streaming walk; a row that does not decode is kept as its sequence alone. */
export type PagedRow = { readonly sequence: number; readonly row: Either.Either<EventRow, string> }

/**
 * Correlation ids of write intents that have no outcome row, over the whole log
 * (one pass, grouped, so no index on correlation_id is needed).
 */
// A read can have an intent too (strict mode records one before any call while the log was failing): its
// closing row is a tool_call.
const unresolvedIds = `SELECT correlation_id FROM audit_events
  WHERE correlation_id IS NOT NULL AND kind IN ('tool_intent', 'tool_outcome', 'tool_call')
  GROUP BY correlation_id HAVING sum(kind = 'tool_intent') > 0 AND sum(kind IN ('tool_outcome', 'tool_call')) = 0`

/** The anchor retention writes before it removes the rows through its sequence. */
export interface AnchorRow {
  readonly sequence: number
  readonly digest: Uint8Array
  readonly created_at: number
  readonly removed_rows: number
  readonly signer: string
  readonly signature: Uint8Array
}

/**
 * Typed statements over the audit tables: every SQLite-specific statement of the audit log is here
 * (the PostgreSQL store, pg/PgAuditStore.ts, has the same shape). SQL failures become AuditUnavailable.
 */
export const makeAuditStore = (
  sql: SqlClient,
  path: string,
  /** The connection's synchronous write (sqliteConnection.ts); without it every insert goes through `sql`. */
  runNow: AuditSqlite["runNow"] = () => Option.none()
) => {
  const unavailable = (doing: string) => auditUnavailable(path, doing)
  const failed = (doing: string) => <A, R>(effect: Effect.Effect<A, unknown, R>) =>
    Effect.mapError(effect, unavailable(doing))
  const decode = <A, I>(schema: Schema.Schema<A, I>) => (rows: ReadonlyArray<unknown>) =>
    Effect.orDie(Schema.decodeUnknown(Schema.Array(schema))(rows))
  const one = (rows: ReadonlyArray<unknown>) => decode(NumberRow)(rows).pipe(Effect.map((decoded) => decoded[0]?.n ?? 0))

  // The hot path. One row: one constant statement (the prepared-statement cache always hits).
  // A group commit: one multi-row INSERT, atomic on its own (no BEGIN/COMMIT round trips), so
  // @effect/sql's fixed cost per statement is paid once per group rather than once per row.
  const rowPlaceholders = `(${eventColumns.split(",").map(() => "?").join(", ")})`
  // One text per group size, built once per store (the prepared-statement cache keys on it).
  const insertTexts = new Map<number, string>()
  const insertSql = (count: number) => {
    const known = insertTexts.get(count)
    if (known !== undefined) return known
    const text = `INSERT INTO audit_events (${eventColumns}) VALUES ${
      Array.from({ length: count }, () => rowPlaceholders).join(", ")
    }`
    insertTexts.set(count, text)
    return text
  }
  const paramsOf = (rows: ReadonlyArray<StoredRow>) => {
    const params: Array<unknown> = []
    for (const row of rows) {
      params.push(
        row.sequence, row.occurredAt, row.kind, row.outcome, row.clientRef, row.tool, row.hotelId, row.riskScore,
        row.riskLevel, row.durationMs, row.errorTag, row.correlationId, row.keyId, row.sealed, row.mac,
        row.upstreamRequestIds
      )
    }
    return params
  }
  const insertFailure = (rows: ReadonlyArray<StoredRow>) => (error: unknown): AuditUnavailable | SequenceTaken =>
    sqliteCode(error) === "SQLITE_CONSTRAINT_PRIMARYKEY"
      ? new SequenceTaken({ sequence: rows[0]?.sequence ?? 0 })
      : auditUnavailable(path, rows.length === 1 ? "record the event" : "record the events")(error)
  const insertEvents = (rows: ReadonlyArray<StoredRow>): Effect.Effect<void, AuditUnavailable | SequenceTaken> =>
    sql.unsafe(insertSql(rows.length), paramsOf(rows)).raw.pipe(Effect.asVoid, Effect.mapError(insertFailure(rows)))
  /**
   * The journal's hot path: the same INSERT, run and committed at once on the connection, in the caller's
   * step. None when it cannot run now (a transaction is open on the connection): then use `insertEvents`.
   */
  const insertEventsNow = (
    rows: ReadonlyArray<StoredRow>
  ): Option.Option<Either.Either<void, AuditUnavailable | SequenceTaken>> =>
    Option.map(runNow(insertSql(rows.length), paramsOf(rows)), Either.mapLeft(insertFailure(rows)))
  /** The largest group one INSERT takes (15 parameters a row, SQLite allows 32,766). */
  const maxRowsPerInsert = 512
  const insertEvent = (row: StoredRow) => insertEvents([row])

  const lastEvent = sql`SELECT sequence, mac FROM audit_events ORDER BY sequence DESC LIMIT 1`.pipe(
    Effect.flatMap(decode(HeadRow)),
    Effect.map((rows) => Option.fromNullable(rows[0])),
    failed("read the chain head")
  )

  const firstSequence = sql`SELECT min(sequence) AS sequence FROM audit_events`.pipe(
    Effect.flatMap(decode(Schema.Struct({ sequence: Schema.NullOr(Schema.Number) }))),
    Effect.map((rows) => Option.fromNullable(rows[0]?.sequence)),
    failed("read the first row")
  )

  const page = (after: number, through: number, limit: number): Effect.Effect<ReadonlyArray<PagedRow>, AuditUnavailable> =>
    sql`SELECT ${sql.literal(eventColumns)} FROM audit_events
      WHERE sequence > ${after} AND sequence <= ${through} ORDER BY sequence LIMIT ${limit}`.pipe(
      Effect.map((rows) =>
        rows.map((raw) => ({
          sequence: Number((raw as { readonly sequence?: unknown }).sequence),
          row: Either.mapLeft(decodeEventRow(raw), () => "row does not have the audit row's shape")
        }))
      ),
      failed("read rows")
    )

  /**
   * Verify's fast pass: rows as arrays of column values (eventColumns order), unparsed;
   * the scanner checks their shape. Reading with the sequence range keeps each page one index walk.
   */
  const valuesPage = (after: number, through: number, limit: number) =>
    sql.unsafe(
      `SELECT ${eventColumns} FROM audit_events WHERE sequence > ? AND sequence <= ? ORDER BY sequence LIMIT ?`,
      [after, through, limit]
    ).values.pipe(failed("read rows"))

  const eventsSince = (from: number, kinds: ReadonlyArray<string>, limit: number) =>
    (kinds.length === 0
      ? sql`SELECT * FROM (SELECT ${sql.literal(eventColumns)} FROM audit_events WHERE occurred_at >= ${from}
          ORDER BY sequence DESC LIMIT ${limit}) ORDER BY sequence`
      : sql`SELECT * FROM (SELECT ${sql.literal(eventColumns)} FROM audit_events WHERE occurred_at >= ${from}
          AND ${sql.in("kind", kinds)} ORDER BY sequence DESC LIMIT ${limit}) ORDER BY sequence`).pipe(
      // A row that does not decode is left to `verify` to name; the trail shows what it can read.
      Effect.map((rows) => rows.flatMap((raw) => Option.toArray(Either.getRight(decodeEventRow(raw))))),
      failed("read the trail")
    )

  const meta = sql`SELECT name, value FROM audit_meta`.pipe(
    Effect.flatMap(decode(MetaRow)),
    Effect.map((rows) => new Map(rows.map((row) => [row.name, row.value] as const))),
    failed("read the log identity")
  )

  const keys = sql`SELECT generation, key_id, created_at FROM audit_keys ORDER BY generation`.pipe(
    Effect.flatMap(decode(KeyRow)),
    failed("read the key list")
  )

  /** Writes the identity of a fresh log; a log that already has one keeps it. */
  const initialise = (logId: string, fingerprint: string, firstKeyId: string, now: number) =>
    sql.withTransaction(Effect.all([
      sql`INSERT OR IGNORE INTO audit_meta (name, value) VALUES ('log_id', ${logId}), ('key_fingerprint', ${fingerprint})`,
      sql`INSERT OR IGNORE INTO audit_keys (generation, key_id, created_at) VALUES (1, ${firstKeyId}, ${now})`
    ])).pipe(Effect.asVoid, failed("initialise the log"))

  const addKey = (generation: number, keyId: string, now: number) =>
    sql`INSERT INTO audit_keys (generation, key_id, created_at) VALUES (${generation}, ${keyId}, ${now})`.pipe(
      Effect.asVoid,
      failed("record the new key")
    )

  const checkpoints = (from: number) =>
    sql`SELECT sequence, chain_head AS digest, created_at, signer, signature FROM audit_checkpoints
      WHERE sequence >= ${from} ORDER BY sequence`.pipe(Effect.flatMap(decode(SignedRow)), failed("read checkpoints"))

  const lastCheckpoint = sql`SELECT sequence, chain_head AS digest, created_at, signer, signature
    FROM audit_checkpoints ORDER BY sequence DESC LIMIT 1`.pipe(
    Effect.flatMap(decode(SignedRow)),
    Effect.map((rows) => Option.fromNullable(rows[0])),
    failed("read the last checkpoint")
  )

  const insertCheckpoint = (row: SignedRow) =>
    sql`INSERT OR IGNORE INTO audit_checkpoints (sequence, chain_head, created_at, signer, signature)
      VALUES (${row.sequence}, ${row.digest}, ${row.created_at}, ${row.signer}, ${row.signature})`.pipe(
      Effect.asVoid,
      failed("write a checkpoint")
    )

  const lastAnchor = sql`SELECT sequence, mac AS digest, created_at, removed_rows, signer, signature
    FROM audit_anchors ORDER BY sequence DESC LIMIT 1`.pipe(
    Effect.flatMap(decode(SignedRow)),
    Effect.map((rows) => Option.fromNullable(rows[0])),
    failed("read the retention anchor")
  )

  // A write that changes nothing: in a transaction it takes the write lock before anything is read.
  const takeWriteLock = sql`INSERT OR IGNORE INTO audit_meta (name, value) SELECT name, value FROM audit_meta LIMIT 0`.pipe(
    Effect.asVoid,
    failed("take the write lock")
  )

  /** Remembers, once, that this log exports its checkpoints (from which sequence). */
  const markExported = (name: string, sequence: number) =>
    sql`INSERT OR IGNORE INTO audit_meta (name, value) VALUES (${name}, ${String(sequence)})`.pipe(
      Effect.asVoid,
      failed("record the checkpoint export")
    )

  /** Write intents (the whole log's, or one client's) with no outcome row: calls in flight, or left by a crash. */
  const unresolvedIntents = (clientRef?: string) =>
    (clientRef === undefined
      ? sql.unsafe<object>(`SELECT count(*) AS n FROM (${unresolvedIds})`)
      : sql.unsafe<object>(
        `SELECT count(*) AS n FROM audit_events
          WHERE kind = 'tool_intent' AND client_ref = ? AND correlation_id IN (${unresolvedIds})`,
        [clientRef]
      )).pipe(Effect.flatMap(one), failed("count unresolved intents"))

  /** The intent rows without an outcome row (at start-up: the ones a crashed process left), oldest first. */
  const crashLeftIntents = sql.unsafe<object>(
    `SELECT ${eventColumns} FROM audit_events WHERE kind = 'tool_intent'
      AND correlation_id IN (${unresolvedIds}) ORDER BY sequence LIMIT 10000`
  ).pipe(failed("read unresolved intents"))

  /** Bytes the log's pages use (free pages left out), for the size cap. */
  const usedBytes = Effect.gen(function*() {
    const pageSize = yield* sql`SELECT page_size AS n FROM pragma_page_size()`.pipe(Effect.flatMap(one))
    const pages = yield* sql`SELECT page_count AS n FROM pragma_page_count()`.pipe(Effect.flatMap(one))
    const free = yield* sql`SELECT freelist_count AS n FROM pragma_freelist_count()`.pipe(Effect.flatMap(one))
    return (pages - free) * pageSize
  })

  // Retention's reads: the last row before a time, rows through a sequence, the row at an offset.
  const lastSequenceBefore = (cutoff: number) =>
    sql`SELECT max(sequence) AS n FROM audit_events WHERE occurred_at < ${cutoff}`.pipe(Effect.flatMap(one))
  const rowCount = sql`SELECT count(*) AS n FROM audit_events`.pipe(Effect.flatMap(one))
  const sequenceAtOffset = (offset: number) =>
    sql`SELECT sequence AS n FROM audit_events ORDER BY sequence LIMIT 1 OFFSET ${offset}`.pipe(Effect.flatMap(one))
  const countThrough = (sequence: number) =>
    sql`SELECT count(*) AS n FROM audit_events WHERE sequence <= ${sequence}`.pipe(Effect.flatMap(one))
  const headAt = (sequence: number) =>
    sql`SELECT sequence, mac FROM audit_events WHERE sequence = ${sequence}`.pipe(
      Effect.flatMap(decode(HeadRow)),
      Effect.map((rows) => Option.fromNullable(rows[0]))
    )

  /** Removes the rows and checkpoints through `anchor.sequence` behind the signed anchor, in one transaction. */
  const removeThrough = (anchor: AnchorRow) =>
    sql.withTransaction(
      Effect.all([
        // The gate names the sequence; the triggers let rows go only as a prefix up to it, behind its anchor.
        sql`INSERT INTO audit_retention_gate (through) VALUES (${anchor.sequence})`,
        sql`INSERT INTO audit_anchors (sequence, mac, created_at, removed_rows, signer, signature)
          VALUES (${anchor.sequence}, ${anchor.digest}, ${anchor.created_at}, ${anchor.removed_rows},
            ${anchor.signer}, ${anchor.signature})`,
        sql`DELETE FROM audit_events WHERE sequence <= ${anchor.sequence}`,
        sql`DELETE FROM audit_checkpoints WHERE sequence <= ${anchor.sequence}`,
        sql`DELETE FROM audit_retention_gate`
      ], { discard: true })
    )

  /** Rows in (after, through] sealed under one of `keyIds`. */
  const countUnderKeys = (after: number, through: number, keyIds: ReadonlyArray<string>) =>
    sql<{ readonly n: number }>`SELECT count(*) AS n FROM audit_events
    WHERE sequence > ${after} AND sequence <= ${through} AND ${sql.in("key_id", keyIds)}`.pipe(
      Effect.map((rows) => Number(rows[0]?.n ?? 0)),
      failed("count shredded rows")
    )

  /** A page of the export: rows after `after` written since `since`. */
  const exportPage = (after: number, since: number, limit: number) =>
    sql`SELECT ${sql.literal(eventColumns)} FROM audit_events
      WHERE sequence > ${after} AND occurred_at >= ${since} ORDER BY sequence LIMIT ${limit}`

  /**
   * After a shredding: empties the WAL, so no earlier version of a deleted key row is left in it.
   * False when a reader held it (retried on the next run).
   */
  const clearWal = path === ":memory:" ? Effect.succeed(true) : sql.unsafe("PRAGMA wal_checkpoint(TRUNCATE)").pipe(
    Effect.flatMap((rows) => Effect.orDie(Schema.decodeUnknown(Schema.Array(WalCheckpointRow))(rows))),
    Effect.map((rows) => rows[0]?.busy === 0)
  )

  /** The start-up integrity check (PRAGMA quick_check reads the whole file, about 0.3 s per 100 MB). */
  const integrityCheck = Effect.gen(function*() {
    const notOk = unavailable("pass its integrity check")
    const rows = yield* sql.unsafe<{ readonly quick_check?: unknown }>("PRAGMA quick_check(1)").pipe(
      Effect.mapError(notOk)
    )
    if (rows[0]?.quick_check !== "ok") return yield* Effect.fail(notOk({ code: "SQLITE_CORRUPT" }))
  })

  return {
    dialect: "sqlite" as "sqlite" | "postgresql",
    /** What verify's worker threads read: the file, opened read-only (None: scan in-thread). */
    scanSource: path === ":memory:" ? Option.none<ScanSource>() : Option.some<ScanSource>({ _tag: "sqlite", path }),
    sql,
    takeWriteLock,
    unavailable,
    unresolvedIntents,
    crashLeftIntents,
    usedBytes,
    lastSequenceBefore,
    rowCount,
    sequenceAtOffset,
    countThrough,
    headAt,
    removeThrough,
    countUnderKeys,
    exportPage,
    clearWal,
    integrityCheck,
    markExported,
    path,
    insertEvent,
    insertEvents,
    insertEventsNow,
    maxRowsPerInsert,
    lastEvent,
    firstSequence,
    page,
    valuesPage,
    eventsSince,
    meta,
    keys,
    initialise,
    addKey,
    checkpoints,
    lastCheckpoint,
    insertCheckpoint,
    lastAnchor,
    failed
  } as const
}

export type AuditStore = ReturnType<typeof makeAuditStore>
