import type { FileSystem } from "@effect/platform"
import { TransactionConnection } from "@effect/sql/SqlClient"
import { Clock, Context, Effect, Either, Option, Schema } from "effect"
import type { Redacted } from "effect"
import type { AuditKeys } from "../auditKeys.js"
import { openAuditContext } from "../AuditContext.js"
import { makeAuditStore } from "../AuditStore.js"
import { AuditUnavailable } from "../errors.js"
import { openAuditDb } from "../openAuditDb.js"
import { ShredRow } from "../periodKeys.js"
import { toStoredRow } from "../rows.js"
import type { VerifyResult } from "../verify.js"
import { verifyChain } from "../verify.js"
import { verifyEveryChain } from "../verifyChains.js"
import { connectPgAuditLog, migratePg, openPgClient } from "./connectPg.js"
import { pgAuditSchemaVersion } from "./migrations/index.js"
import { makePgAuditStore, makePgLogStatements } from "./PgAuditStore.js"
import { pgUnavailable } from "./pgFailure.js"

export interface PgAdminOptions {
  readonly url: Redacted.Redacted
  readonly caFile: Option.Option<string>
  readonly keys: AuditKeys
  readonly fs: FileSystem.FileSystem
}

const contextOptions = (options: PgAdminOptions) => ({
  keyring: options.keys.keyring,
  signer: options.keys.signer,
  trusted: options.keys.trusted,
  checkpointEveryRows: 1000,
  checkpointDir: Option.none<string>(),
  fs: options.fs
})

/**
 * `audit init-db`, run with the URL of the tables' owner: creates or updates the schema and
 * writes the log's identity (its log id and the key fingerprint), which the writer role may not.
 */
export const initPgAuditDb = (options: PgAdminOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const { sql, target } = yield* openPgClient(options.url, options.caFile, options.fs)
    yield* migratePg(sql, target)
    const context = yield* openAuditContext({ store: makePgAuditStore(sql, target.display, 0), ...contextOptions(options) })
    return { database: target.display, schemaVersion: pgAuditSchemaVersion, logId: context.logId } as const
  }))

const PeriodKeyRow = Schema.Struct({
  key_id: Schema.String,
  period_start: Schema.Number,
  period_end: Schema.Number,
  rotation: Schema.Number,
  wrapped: Schema.Uint8ArrayFromSelf,
  created_at: Schema.Number
})
const pageRows = 2000

/**
 * `audit migrate --from FILE --to URL`: moves an SQLite audit log into an empty PostgreSQL one. The
 * source is verified first; its rows, checkpoints, retention anchor, data keys and shred records are
 * copied byte for byte into one chain that keeps the SQLite log's id (so every MAC, AAD and signature
 * still holds), in one transaction; then the target is verified.
 */
export const migrateSqliteToPg = (options: PgAdminOptions & { readonly from: string }) =>
  Effect.scoped(Effect.gen(function*() {
    const exists = yield* options.fs.exists(options.from).pipe(Effect.orElseSucceed(() => false))
    if (!exists) {
      return yield* new AuditUnavailable({ reason: "not_open", message: `there is no audit log at ${options.from}` })
    }
    const { sql: source } = yield* openAuditDb({ path: options.from, busyTimeoutMs: 5000, fsyncEveryWrite: false })
    const sourceStore = makeAuditStore(source, options.from)
    const sourceContext = yield* openAuditContext({ store: sourceStore, ...contextOptions(options) })
    const checked: VerifyResult = yield* verifyChain(sourceContext)
    if (!checked.ok) {
      return yield* new AuditUnavailable({
        reason: "corrupt",
        message: `migrate refused: ${options.from} does not verify at sequence ${checked.failure?.sequence} ` +
          `(${checked.failure?.damage}); run \`opera-cloud-mcp audit verify\` and keep the file for investigation`
      })
    }

    const { sql, target } = yield* openPgClient(options.url, options.caFile, options.fs)
    const where = target.display
    yield* migratePg(sql, target)
    const statements = makePgLogStatements(sql, where)
    if ((yield* statements.chains).length > 0 || (yield* statements.eventCount) > 0) {
      return yield* new AuditUnavailable({
        reason: "not_open",
        message: `migrate refused: ${where} already holds an audit log; migrate into an empty database`
      })
    }
    const failed = (doing: string) =>
      Effect.mapError((error: unknown) =>
        error instanceof AuditUnavailable ? error : pgUnavailable(where, doing)(error)
      )
    // @effect/sql keeps the open transaction's connection in one context entry shared by every client:
    // reads of the SQLite source inside the PostgreSQL transaction must not see it.
    const fromSource = <A, E>(read: Effect.Effect<A, E>) =>
      Effect.mapInputContext(read, (context: Context.Context<never>) => Context.omit(TransactionConnection)(context))
    const rowsOf = <A, I>(schema: Schema.Schema<A, I>, text: string) =>
      source.unsafe<object>(text).pipe(
        sourceStore.failed("read the source log"),
        Effect.flatMap((rows) =>
          Schema.decodeUnknown(Schema.Array(schema))(rows).pipe(
            Effect.mapError(() =>
              new AuditUnavailable({ reason: "corrupt", message: `${options.from}: a key or shred row has the wrong shape` })
            )
          )
        )
      )

    let copied = 0
    yield* sql.withTransaction(Effect.gen(function*() {
      const meta = yield* fromSource(sourceStore.meta)
      yield* sql`INSERT INTO audit_meta (name, value) VALUES ('log_id', ${sourceContext.logId}),
        ('key_fingerprint', ${meta.get("key_fingerprint") ?? ""})`
      for (const key of yield* fromSource(sourceStore.keys)) {
        yield* sql`INSERT INTO audit_keys (generation, key_id, created_at)
          VALUES (${key.generation}, ${key.key_id}, ${key.created_at})`
      }
      const keyRows = yield* fromSource(rowsOf(
        PeriodKeyRow,
        "SELECT key_id, period_start, period_end, rotation, wrapped, created_at FROM audit_period_keys"
      ))
      for (const key of keyRows) {
        yield* sql`INSERT INTO audit_period_keys (key_id, period_start, period_end, rotation, wrapped, created_at)
          VALUES (${key.key_id}, ${key.period_start}, ${key.period_end}, ${key.rotation}, ${Buffer.from(key.wrapped)},
            ${key.created_at})`
      }
      const shredRows = yield* fromSource(rowsOf(
        ShredRow,
        "SELECT key_id, period_start, period_end, rows, shredded_at, signer, signature FROM audit_shreds"
      ))
      for (const shred of shredRows) {
        yield* sql`INSERT INTO audit_shreds (key_id, period_start, period_end, rows, shredded_at, signer, signature)
          VALUES (${shred.key_id}, ${shred.period_start}, ${shred.period_end}, ${shred.rows}, ${shred.shredded_at},
            ${shred.signer}, ${Buffer.from(shred.signature)})`
      }
      const chain = yield* statements.insertMigratedChain(sourceContext.logId, Math.floor(yield* Clock.currentTimeMillis))
      const targetStore = makePgAuditStore(sql, where, chain.chain_id)
      const anchor = yield* fromSource(sourceStore.lastAnchor)
      if (Option.isSome(anchor)) {
        const a = anchor.value
        yield* sql`INSERT INTO audit_anchors (chain_id, sequence, mac, created_at, removed_rows, signer, signature)
          VALUES (${chain.chain_id}, ${a.sequence}, ${Buffer.from(a.digest)}, ${a.created_at}, ${a.removed_rows},
            ${a.signer}, ${Buffer.from(a.signature)})`
      }
      let after = Option.match(anchor, { onNone: () => 0, onSome: (row) => row.sequence })
      while (true) {
        const rows = yield* fromSource(sourceStore.page(after, checked.lastSequence, pageRows))
        if (rows.length === 0) break
        const stored = rows.flatMap((paged) => Either.isRight(paged.row) ? [toStoredRow(paged.row.right)] : [])
        for (let at = 0; at < stored.length; at += targetStore.maxRowsPerInsert) {
          yield* targetStore.insertEvents(stored.slice(at, at + targetStore.maxRowsPerInsert)).pipe(
            Effect.catchTag("SequenceTaken", (taken) =>
              new AuditUnavailable({ reason: "io", message: `migrate: sequence ${taken.sequence} is there twice` }))
          )
        }
        copied += stored.length
        after = rows[rows.length - 1]!.sequence
      }
      for (const checkpoint of yield* fromSource(sourceStore.checkpoints(0))) {
        yield* targetStore.insertCheckpoint(checkpoint)
      }
    }).pipe(failed("copy the log")))

    // The copy, verified from PostgreSQL as `audit verify` would.
    const opened = yield* connectPgAuditLog({
      url: options.url,
      caFile: options.caFile,
      keys: options.keys,
      fs: options.fs,
      checkpointEveryRows: 1000,
      checkpointDir: Option.none(),
      production: false,
      writerId: Option.none(),
      leaseMs: 30_000,
      writes: false
    })
    const verified = yield* verifyEveryChain(yield* opened.chains, options.fs, Option.none(), {})
    return { database: where, rows: copied, source: checked, verified } as const
  }))
