import type { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Either, Option, Schema } from "effect"
import type { StoredRow } from "./chain.js"
import type { AuditUnavailable } from "./errors.js"
import type { EventRow } from "./rows.js"
import { decodeEventRow, eventColumns } from "./rows.js"
import { auditUnavailable, sqliteCode } from "./sqliteFailure.js"

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

/** Typed statements over the audit tables. SQL failures become AuditUnavailable. */
export const makeAuditStore = (sql: SqlClient, path: string) => {
  const failed = (doing: string) => <A, R>(effect: Effect.Effect<A, unknown, R>) =>
    Effect.mapError(effect, auditUnavailable(path, doing))
  const decode = <A, I>(schema: Schema.Schema<A, I>) => (rows: ReadonlyArray<unknown>) =>
    Effect.orDie(Schema.decodeUnknown(Schema.Array(schema))(rows))

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
  const insertEvents = (rows: ReadonlyArray<StoredRow>): Effect.Effect<void, AuditUnavailable | SequenceTaken> => {
    const params: Array<unknown> = []
    for (const row of rows) {
      params.push(
        row.sequence, row.occurredAt, row.kind, row.outcome, row.clientRef, row.tool, row.hotelId, row.riskScore,
        row.riskLevel, row.durationMs, row.errorTag, row.correlationId, row.keyId, row.sealed, row.mac
      )
    }
    return sql.unsafe(insertSql(rows.length), params).raw.pipe(
      Effect.asVoid,
      Effect.mapError((error) =>
        sqliteCode(error) === "SQLITE_CONSTRAINT_PRIMARYKEY"
          ? new SequenceTaken({ sequence: rows[0]?.sequence ?? 0 })
          : auditUnavailable(path, rows.length === 1 ? "record the event" : "record the events")(error)
      )
    )
  }
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

  return {
    sql,
    takeWriteLock,
    markExported,
    path,
    insertEvent,
    insertEvents,
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
