import type { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Either, Option, Schema } from "effect"
import type { AnchorRow, AuditStore, PagedRow } from "../AuditStore.js"
import type { SequenceTaken } from "../AuditStore.js"
import { SignedRow } from "../AuditStore.js"
import type { PgScanTarget } from "../chainScan.js"
import { exportedMetaName } from "../checkpointHistory.js"
import type { StoredRow } from "../chain.js"
import { AuditUnavailable } from "../errors.js"
import { decodeEventRow, eventColumns } from "../rows.js"
import { pgUnavailable, sqlState } from "./pgFailure.js"

const NumberRow = Schema.Struct({ n: Schema.NullOr(Schema.Number) })
const HeadRow = Schema.Struct({ sequence: Schema.Number, mac: Schema.Uint8ArrayFromSelf })
const MetaRow = Schema.Struct({ name: Schema.String, value: Schema.String })
const KeyRow = Schema.Struct({ generation: Schema.Number, key_id: Schema.String, created_at: Schema.Number })
export const ChainRow = Schema.Struct({
  chain_id: Schema.Number,
  log_id: Schema.String,
  writer_id: Schema.String,
  lease_until: Schema.Number,
  created_at: Schema.Number,
  exported_from: Schema.NullOr(Schema.Number)
})
export type ChainRow = typeof ChainRow.Type

const decode = <A, I>(schema: Schema.Schema<A, I>) => (rows: ReadonlyArray<unknown>) =>
  Effect.orDie(Schema.decodeUnknown(Schema.Array(schema))(rows))
const one = (rows: ReadonlyArray<unknown>) => decode(NumberRow)(rows).pipe(Effect.map((decoded) => decoded[0]?.n ?? 0))

// Intents without an outcome, per chain (a correlation id is chain-local: a call's intent and outcome are
// written by the one writer that ran it).
const unresolvedIds = `SELECT chain_id, correlation_id FROM audit_events
  WHERE correlation_id IS NOT NULL AND kind IN ('tool_intent', 'tool_outcome', 'tool_call')
  GROUP BY chain_id, correlation_id
  HAVING count(*) FILTER (WHERE kind = 'tool_intent') > 0
    AND count(*) FILTER (WHERE kind IN ('tool_outcome', 'tool_call')) = 0`

/** The 17 columns of a row: the chain, then `eventColumns`. */
const insertColumns = `chain_id, ${eventColumns}`
const columnsPerRow = 17

/**
 * The audit log's statements on PostgreSQL, for one chain: the same shape as
 * the SQLite store (AuditStore.ts), so the journal, verify, retention and
 * checkpoints run unchanged over it. Every PostgreSQL-specific statement of
 * the audit log is here (the log-wide ones in `makePgLogStatements` below).
 * Event reads and writes are of this chain; the report's counts, the meta rows
 * and the data keys are log-wide.
 */
export const makePgAuditStore = (
  sql: SqlClient,
  where: string,
  chainId: number,
  /** Where verify's worker threads connect (the pool's settings); without it verify scans in-thread. */
  scanTarget?: Omit<PgScanTarget, "chainId">
): AuditStore => {
  const path = `${where} chain ${chainId}`
  const unavailable = (doing: string) => pgUnavailable(path, doing)
  const failed = (doing: string) => <A, R>(effect: Effect.Effect<A, unknown, R>) =>
    Effect.mapError(effect, unavailable(doing))

  const insertTexts = new Map<number, string>()
  const insertSql = (count: number) => {
    const known = insertTexts.get(count)
    if (known !== undefined) return known
    const rows = Array.from({ length: count }, (_, row) =>
      `(${Array.from({ length: columnsPerRow }, (_, column) => `$${row * columnsPerRow + column + 1}`).join(", ")})`)
    const text = `INSERT INTO audit_events (${insertColumns}) VALUES ${rows.join(", ")}`
    insertTexts.set(count, text)
    return text
  }
  const insertEvents = (rows: ReadonlyArray<StoredRow>): Effect.Effect<void, AuditUnavailable | SequenceTaken> => {
    const params: Array<unknown> = []
    for (const row of rows) {
      params.push(
        chainId, row.sequence, row.occurredAt, row.kind, row.outcome, row.clientRef, row.tool, row.hotelId,
        row.riskScore, row.riskLevel, row.durationMs, row.errorTag, row.correlationId, row.keyId,
        Buffer.from(row.sealed), Buffer.from(row.mac), row.upstreamRequestIds
      )
    }
    return sql.unsafe(insertSql(rows.length), params).raw.pipe(
      Effect.asVoid,
      Effect.mapError((error): AuditUnavailable | SequenceTaken =>
        // A unique violation on (chain, sequence): another writer extended this chain, which it may only do
        // once this writer's lease ran out. The primary key kept the chain linear; this writer stops here
        // (it does not re-read the head and go on, as two processes on one SQLite file do), so two live
        // processes never keep extending one chain.
        sqlState(error) === "23505"
          ? new AuditUnavailable({
            reason: "busy",
            message: `audit log ${path}: another writer extended this chain at sequence ${rows[0]?.sequence ?? 0} ` +
              `(this writer's lease on chain ${chainId} ran out); appends are refused until the server restarts`
          })
          : unavailable(rows.length === 1 ? "record the event" : "record the events")(error)
      )
    )
  }

  const lastEvent = sql`SELECT sequence, mac FROM audit_events WHERE chain_id = ${chainId}
    ORDER BY sequence DESC LIMIT 1`.pipe(
    Effect.flatMap(decode(HeadRow)),
    Effect.map((rows) => Option.fromNullable(rows[0])),
    failed("read the chain head")
  )
  const firstSequence = sql`SELECT min(sequence) AS sequence FROM audit_events WHERE chain_id = ${chainId}`.pipe(
    Effect.flatMap(decode(Schema.Struct({ sequence: Schema.NullOr(Schema.Number) }))),
    Effect.map((rows) => Option.fromNullable(rows[0]?.sequence)),
    failed("read the first row")
  )
  const page = (after: number, through: number, limit: number): Effect.Effect<ReadonlyArray<PagedRow>, AuditUnavailable> =>
    sql`SELECT ${sql.literal(eventColumns)} FROM audit_events
      WHERE chain_id = ${chainId} AND sequence > ${after} AND sequence <= ${through} ORDER BY sequence LIMIT ${limit}`.pipe(
      Effect.map((rows) =>
        rows.map((raw) => ({
          sequence: Number((raw as { readonly sequence?: unknown }).sequence),
          row: Either.mapLeft(decodeEventRow(raw), () => "row does not have the audit row's shape")
        }))
      ),
      failed("read rows")
    )
  const valuesPage = (after: number, through: number, limit: number) =>
    sql.unsafe(
      `SELECT ${eventColumns} FROM audit_events WHERE chain_id = $1 AND sequence > $2 AND sequence <= $3
        ORDER BY sequence LIMIT $4`,
      [chainId, after, through, limit]
    ).values.pipe(failed("read rows"))
  const eventsSince = (from: number, kinds: ReadonlyArray<string>, limit: number) =>
    (kinds.length === 0
      ? sql`SELECT * FROM (SELECT ${sql.literal(eventColumns)} FROM audit_events WHERE chain_id = ${chainId}
          AND occurred_at >= ${from} ORDER BY sequence DESC LIMIT ${limit}) recent ORDER BY sequence`
      : sql`SELECT * FROM (SELECT ${sql.literal(eventColumns)} FROM audit_events WHERE chain_id = ${chainId}
          AND occurred_at >= ${from} AND ${sql.in("kind", kinds)} ORDER BY sequence DESC LIMIT ${limit}) recent
          ORDER BY sequence`).pipe(
      Effect.map((rows) => rows.flatMap((raw) => Option.toArray(Either.getRight(decodeEventRow(raw))))),
      failed("read the trail")
    )

  const meta = Effect.gen(function*() {
    const rows = yield* sql`SELECT name, value FROM audit_meta`.pipe(Effect.flatMap(decode(MetaRow)))
    const names = new Map(rows.map((row) => [row.name, row.value] as const))
    const from = yield* sql`SELECT exported_from AS n FROM audit_chains WHERE chain_id = ${chainId}`.pipe(
      Effect.flatMap(decode(NumberRow))
    )
    const exportedFrom = from[0]?.n
    if (exportedFrom !== undefined && exportedFrom !== null) names.set(exportedMetaName, String(exportedFrom))
    return names
  }).pipe(failed("read the log identity"))
  const keys = sql`SELECT generation, key_id, created_at FROM audit_keys ORDER BY generation`.pipe(
    Effect.flatMap(decode(KeyRow)),
    failed("read the key list")
  )
  /** The log's identity is written once, by `audit init-db` (or a first start as the owner outside production). */
  const initialise = (logId: string, fingerprint: string, firstKeyId: string, now: number) =>
    Effect.gen(function*() {
      const present = yield* sql`SELECT count(*) AS n FROM audit_meta WHERE name IN ('log_id', 'key_fingerprint')`.pipe(
        Effect.flatMap(one)
      )
      if (present === 2) return
      yield* sql.withTransaction(Effect.all([
        sql`INSERT INTO audit_meta (name, value) VALUES ('log_id', ${logId}), ('key_fingerprint', ${fingerprint})
          ON CONFLICT DO NOTHING`,
        sql`INSERT INTO audit_keys (generation, key_id, created_at) VALUES (1, ${firstKeyId}, ${now})
          ON CONFLICT DO NOTHING`
      ]))
    }).pipe(Effect.asVoid, failed("initialise the log (run `opera-cloud-mcp audit init-db` as the owner)"))
  const addKey = (generation: number, keyId: string, now: number) =>
    sql`INSERT INTO audit_keys (generation, key_id, created_at) VALUES (${generation}, ${keyId}, ${now})`.pipe(
      Effect.asVoid,
      failed("record the new key")
    )
  const checkpoints = (from: number) =>
    sql`SELECT sequence, chain_head AS digest, created_at, signer, signature FROM audit_checkpoints
      WHERE chain_id = ${chainId} AND sequence >= ${from} ORDER BY sequence`.pipe(
      Effect.flatMap(decode(SignedRow)),
      failed("read checkpoints")
    )
  const lastCheckpoint = sql`SELECT sequence, chain_head AS digest, created_at, signer, signature
    FROM audit_checkpoints WHERE chain_id = ${chainId} ORDER BY sequence DESC LIMIT 1`.pipe(
    Effect.flatMap(decode(SignedRow)),
    Effect.map((rows) => Option.fromNullable(rows[0])),
    failed("read the last checkpoint")
  )
  const insertCheckpoint = (row: SignedRow) =>
    sql`INSERT INTO audit_checkpoints (chain_id, sequence, chain_head, created_at, signer, signature)
      VALUES (${chainId}, ${row.sequence}, ${Buffer.from(row.digest)}, ${row.created_at}, ${row.signer},
        ${Buffer.from(row.signature)}) ON CONFLICT DO NOTHING`.pipe(Effect.asVoid, failed("write a checkpoint"))
  const lastAnchor = sql`SELECT sequence, mac AS digest, created_at, removed_rows, signer, signature
    FROM audit_anchors WHERE chain_id = ${chainId} ORDER BY sequence DESC LIMIT 1`.pipe(
    Effect.flatMap(decode(SignedRow)),
    Effect.map((rows) => Option.fromNullable(rows[0])),
    failed("read the retention anchor")
  )
  // Locks this chain's row: a checkpoint export of the chain runs one at a time.
  const takeWriteLock = sql`SELECT chain_id FROM audit_chains WHERE chain_id = ${chainId} FOR UPDATE`.pipe(
    Effect.asVoid,
    failed("take the write lock")
  )
  const markExported = (_name: string, sequence: number) =>
    sql`UPDATE audit_chains SET exported_from = ${sequence} WHERE chain_id = ${chainId} AND exported_from IS NULL`.pipe(
      Effect.asVoid,
      failed("record the checkpoint export")
    )

  const unresolvedIntents = (clientRef?: string) =>
    (clientRef === undefined
      ? sql.unsafe<object>(`SELECT count(*) AS n FROM (${unresolvedIds}) unresolved`)
      : sql.unsafe<object>(
        `SELECT count(*) AS n FROM audit_events WHERE kind = 'tool_intent' AND client_ref = $1
          AND (chain_id, correlation_id) IN (${unresolvedIds})`,
        [clientRef]
      )).pipe(Effect.flatMap(one), failed("count unresolved intents"))
  const crashLeftIntents = sql.unsafe<object>(
    `SELECT ${eventColumns} FROM audit_events WHERE chain_id = $1 AND kind = 'tool_intent'
      AND (chain_id, correlation_id) IN (${unresolvedIds}) ORDER BY sequence LIMIT 10000`,
    [chainId]
  ).pipe(failed("read unresolved intents"))

  const rowCount = sql`SELECT count(*) AS n FROM audit_events WHERE chain_id = ${chainId}`.pipe(Effect.flatMap(one))
  // The size cap applies to this chain's share of the table (its rows over all rows, times the table's size).
  const usedBytes = Effect.gen(function*() {
    const total = yield* sql`SELECT pg_total_relation_size('audit_events') AS n`.pipe(Effect.flatMap(one))
    const all = yield* sql`SELECT count(*) AS n FROM audit_events`.pipe(Effect.flatMap(one))
    const mine = yield* rowCount
    return all === 0 ? 0 : Math.round(total * (mine / all))
  })
  const lastSequenceBefore = (cutoff: number) =>
    sql`SELECT max(sequence) AS n FROM audit_events WHERE chain_id = ${chainId} AND occurred_at < ${cutoff}`.pipe(
      Effect.flatMap(one)
    )
  const sequenceAtOffset = (offset: number) =>
    sql`SELECT sequence AS n FROM audit_events WHERE chain_id = ${chainId} ORDER BY sequence LIMIT 1 OFFSET ${offset}`
      .pipe(Effect.flatMap(one))
  const countThrough = (sequence: number) =>
    sql`SELECT count(*) AS n FROM audit_events WHERE chain_id = ${chainId} AND sequence <= ${sequence}`.pipe(
      Effect.flatMap(one)
    )
  const headAt = (sequence: number) =>
    sql`SELECT sequence, mac FROM audit_events WHERE chain_id = ${chainId} AND sequence = ${sequence}`.pipe(
      Effect.flatMap(decode(HeadRow)),
      Effect.map((rows) => Option.fromNullable(rows[0]))
    )
  // The triggers let rows and checkpoints go only behind an anchor of their chain, and anchors only move forward.
  const removeThrough = (anchor: AnchorRow) =>
    sql.withTransaction(Effect.all([
      sql`INSERT INTO audit_anchors (chain_id, sequence, mac, created_at, removed_rows, signer, signature)
        VALUES (${chainId}, ${anchor.sequence}, ${Buffer.from(anchor.digest)}, ${anchor.created_at},
          ${anchor.removed_rows}, ${anchor.signer}, ${Buffer.from(anchor.signature)})`,
      sql`DELETE FROM audit_events WHERE chain_id = ${chainId} AND sequence <= ${anchor.sequence}`,
      sql`DELETE FROM audit_checkpoints WHERE chain_id = ${chainId} AND sequence <= ${anchor.sequence}`
    ], { discard: true }))
  const countUnderKeys = (after: number, through: number, keyIds: ReadonlyArray<string>) =>
    sql`SELECT count(*) AS n FROM audit_events WHERE chain_id = ${chainId}
      AND sequence > ${after} AND sequence <= ${through} AND ${sql.in("key_id", keyIds)}`.pipe(
      Effect.flatMap(one),
      failed("count shredded rows")
    )
  const exportPage = (after: number, since: number, limit: number) =>
    sql`SELECT ${sql.literal(eventColumns)} FROM audit_events
      WHERE chain_id = ${chainId} AND sequence > ${after} AND occurred_at >= ${since} ORDER BY sequence LIMIT ${limit}`
  // Deleted key rows stay in PostgreSQL's WAL and as dead tuples until VACUUM (run by the tables' owner,
  // which this process must not be): reported as not cleared, so the operator is told.
  const clearWal = Effect.succeed(false)
  // PostgreSQL checks its pages itself (data checksums); there is no cheap whole-log check to run here.
  const integrityCheck = Effect.succeed(undefined)

  return {
    dialect: "postgresql",
    scanSource: scanTarget === undefined
      ? Option.none()
      : Option.some({ _tag: "postgresql", target: { ...scanTarget, chainId } }),
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
    insertEvent: (row: StoredRow) => insertEvents([row]),
    insertEvents,
    // PostgreSQL has no synchronous statement: every insert goes through the client.
    insertEventsNow: () => Option.none(),
    // 17 parameters a row; PostgreSQL allows 65,535 per statement.
    maxRowsPerInsert: 512,
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
  }
}

/** The log-wide statements: chains and their leases, the schema version, the connected role's powers. */
export const makePgLogStatements = (sql: SqlClient, where: string) => {
  const failed = (doing: string) => <A, R>(effect: Effect.Effect<A, unknown, R>) =>
    Effect.mapError(effect, pgUnavailable(where, doing))

  const chains = sql`SELECT chain_id, log_id, writer_id, lease_until, created_at, exported_from FROM audit_chains
    ORDER BY chain_id`.pipe(Effect.flatMap(decode(ChainRow)), failed("list the chains"))

  /**
   * One chain per writer. In one transaction: the oldest chain whose lease ran out (SKIP LOCKED, so two
   * writers starting at once never take the same one) is taken over; if none, a new chain is made.
   */
  const acquireChain = (writerId: string, now: number, leaseMs: number, newLogId: string) =>
    sql.withTransaction(Effect.gen(function*() {
      const free = yield* sql`SELECT chain_id, log_id, writer_id, lease_until, created_at, exported_from
        FROM audit_chains WHERE lease_until < ${now} ORDER BY chain_id LIMIT 1 FOR UPDATE SKIP LOCKED`.pipe(
        Effect.flatMap(decode(ChainRow))
      )
      const taken = free[0]
      if (taken !== undefined) {
        yield* sql`UPDATE audit_chains SET writer_id = ${writerId}, lease_until = ${now + leaseMs}
          WHERE chain_id = ${taken.chain_id}`
        return { chain: taken, takenOver: true }
      }
      const made = yield* sql`INSERT INTO audit_chains (log_id, writer_id, lease_until, created_at)
        VALUES (${newLogId}, ${writerId}, ${now + leaseMs}, ${now})
        RETURNING chain_id, log_id, writer_id, lease_until, created_at, exported_from`.pipe(
        Effect.flatMap(decode(ChainRow))
      )
      return { chain: made[0]!, takenOver: false }
    })).pipe(failed("take a chain for this writer"))

  /** Extends the lease; false when it is no longer ours (it ran out and another writer took the chain). */
  const renewLease = (chainId: number, writerId: string, now: number, leaseMs: number) =>
    sql`UPDATE audit_chains SET lease_until = ${now + leaseMs}
      WHERE chain_id = ${chainId} AND writer_id = ${writerId} AND lease_until >= ${now}
      RETURNING chain_id`.pipe(Effect.map((rows) => rows.length === 1), failed("renew the chain lease"))

  /** At a clean shutdown: the chain is free for the next writer at once. */
  const releaseLease = (chainId: number, writerId: string) =>
    sql`UPDATE audit_chains SET lease_until = 0 WHERE chain_id = ${chainId} AND writer_id = ${writerId}`.pipe(
      Effect.asVoid,
      failed("release the chain lease")
    )

  /** A chain moved in from an SQLite log: its own log id, no writer. */
  const insertMigratedChain = (logId: string, now: number) =>
    sql`INSERT INTO audit_chains (log_id, writer_id, lease_until, created_at)
      VALUES (${logId}, 'migrated', 0, ${now}) RETURNING chain_id, log_id, writer_id, lease_until, created_at, exported_from`
      .pipe(Effect.flatMap(decode(ChainRow)), Effect.map((rows) => rows[0]!), failed("record the migrated chain"))

  const schemaVersion = sql`SELECT max(migration_id) AS n FROM audit_migrations`.pipe(
    Effect.flatMap(one),
    Effect.catchAll((error) => sqlState(error) === "42P01" ? Effect.succeed(0) : Effect.fail(error)),
    failed("read the schema version")
  )

  const RoleRow = Schema.Struct({
    role: Schema.String,
    superuser: Schema.Boolean,
    owner: Schema.Boolean,
    can_update: Schema.Boolean,
    can_delete: Schema.Boolean,
    can_insert: Schema.Boolean
  })
  /** What the connected role may do to the events (pg_roles, the table's owner, its privileges). */
  const rolePowers = sql`SELECT current_user AS role, r.rolsuper AS superuser,
      pg_has_role(current_user, c.relowner, 'MEMBER') AS owner,
      has_table_privilege('audit_events', 'UPDATE') AS can_update,
      has_table_privilege('audit_events', 'DELETE') AS can_delete,
      has_table_privilege('audit_events', 'INSERT') AS can_insert
    FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = 'audit_events'::regclass`.pipe(
    Effect.flatMap(decode(RoleRow)),
    Effect.map((rows) => rows[0]!),
    failed("read the connected role's privileges")
  )

  /** Counts of everything that is in the database, for migrate's "is the target empty" check. */
  const eventCount = sql`SELECT count(*) AS n FROM audit_events`.pipe(Effect.flatMap(one), failed("count rows"))

  return {
    chains,
    acquireChain,
    renewLease,
    releaseLease,
    insertMigratedChain,
    schemaVersion,
    rolePowers,
    eventCount,
    failed
  } as const
}

export type PgLogStatements = ReturnType<typeof makePgLogStatements>
