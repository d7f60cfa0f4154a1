import * as Reactivity from "@effect/experimental/Reactivity"
import type { FileSystem } from "@effect/platform"
import { Migrator } from "@effect/sql"
import { SqlClient as SqlClientTag } from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import { Cause, Clock, Duration, Effect, Either, Option, Redacted, Ref, Schedule } from "effect"
import { randomUUID } from "node:crypto"
import { hostname } from "node:os"
import { types as pgTypes } from "pg"
import type { AuditContext } from "../AuditContext.js"
import type { PgScanTarget } from "../chainScan.js"
import { openAuditContext } from "../AuditContext.js"
import { makeAuditJournal } from "../AuditJournal.js"
import type { AuditKeys } from "../auditKeys.js"
import type { AuditConnection } from "../connect.js"
import { AuditUnavailable } from "../errors.js"
import { pgAuditMigrations, pgAuditMigrationsTable, pgAuditSchemaVersion } from "./migrations/index.js"
import type { ChainRow } from "./PgAuditStore.js"
import { makePgAuditStore, makePgLogStatements } from "./PgAuditStore.js"
import { pgUnavailable } from "./pgFailure.js"
import type { PgTarget } from "./pgSettings.js"
import { parsePgUrl, productionTlsProblem, tlsOptions } from "./pgSettings.js"
import { refusePowerfulRole } from "./roles.js"

const runMigrations = Migrator.make({})

// bigint (sequences, epoch milliseconds, counts) and numeric (sums) as JS numbers: every value the audit
// log stores is a safe integer, and the chain's canonical bytes encode numbers as float64.
const int8 = 20
const numeric = 1700
const parseNumber = (value: string) => Number(value)
const typeParsers = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === int8 || oid === numeric ? parseNumber : pgTypes.getTypeParser(oid, format ?? "text")) as typeof pgTypes.getTypeParser
}

export interface PgConnectOptions {
  readonly url: Redacted.Redacted
  readonly caFile: Option.Option<string>
  readonly keys: AuditKeys
  readonly fs: FileSystem.FileSystem
  readonly checkpointEveryRows: number
  readonly checkpointDir: Option.Option<string>
  /** NODE_ENV=production: verified TLS off loopback, no superuser or owner, no migrations by the server. */
  readonly production: boolean
  readonly writerId: Option.Option<string>
  readonly leaseMs: number
  /** server and maintenance take a chain of their own to write to; a reader (verify, report) takes none. */
  readonly writes: boolean
}

const notOpen = (message: string) => new AuditUnavailable({ reason: "not_open", message })

/** Decodes the URL and opens a pool in the current scope. Fails with a message naming the server, never the password. */
export const openPgClient = (url: Redacted.Redacted, caFile: Option.Option<string>, fs: FileSystem.FileSystem) =>
  Effect.gen(function*() {
    const target = yield* Either.match(parsePgUrl(url), {
      onLeft: (error) => Effect.fail(notOpen(error.message)),
      onRight: Effect.succeed
    })
    const ca = Option.isSome(caFile)
      ? yield* fs.readFileString(caFile.value).pipe(
        Effect.mapError(() =>
          notOpen(`OPERA_SECURITY_AUDIT_DB_CA_FILE (${caFile.value}) cannot be read; check the path and permissions`)
        )
      )
      : undefined
    const reactivity = yield* Reactivity.make
    const sql = yield* PgClient.make({
      host: target.host,
      port: target.port,
      database: target.database,
      username: target.username,
      ...(target.password === undefined ? {} : { password: target.password }),
      ssl: tlsOptions(target, ca),
      applicationName: "opera-cloud-mcp",
      connectTimeout: Duration.seconds(10),
      maxConnections: 8,
      types: typeParsers
    }).pipe(
      Effect.provideService(Reactivity.Reactivity, reactivity),
      Effect.mapError(pgUnavailable(target.display, "connect"))
    )
    // What verify's worker threads connect with: this pool's settings.
    const scanTarget: Omit<PgScanTarget, "chainId"> = {
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.username,
      password: target.password,
      sslMode: target.sslMode,
      ca
    }
    return { sql, target, scanTarget } as const
  })

/** Brings the schema up to date (two writers migrating at once: the loser retries after the winner). */
export const migratePg = (sql: PgClient.PgClient, target: PgTarget) =>
  runMigrations({ loader: pgAuditMigrations, table: pgAuditMigrationsTable }).pipe(
    Effect.retry({
      schedule: Schedule.spaced("200 millis"),
      times: 10,
      while: (error) => error._tag === "MigrationError" && error.reason === "locked"
    }),
    Effect.provideService(SqlClientTag, sql),
    Effect.mapError(pgUnavailable(target.display, "bring the audit schema up to date")),
    Effect.asVoid
  )

/**
 * Opens the PostgreSQL audit log: checks the role and schema, reads the log's identity, takes
 * a chain for this writer (see `takeChain`) and starts its journal. Closing the scope signs the
 * final checkpoint, then frees the lease.
 */
export const connectPgAuditLog = (options: PgConnectOptions) =>
  Effect.gen(function*() {
    const { sql, target, scanTarget } = yield* openPgClient(options.url, options.caFile, options.fs)
    const where = target.display
    if (options.production) {
      const problem = productionTlsProblem(target)
      if (problem !== undefined) return yield* notOpen(problem)
    }
    const statements = makePgLogStatements(sql, where)
    const version = yield* statements.schemaVersion
    if (version < pgAuditSchemaVersion) {
      if (options.production) {
        return yield* notOpen(`audit log ${where} has schema version ${version}, this server needs ` +
          `${pgAuditSchemaVersion}: run \`opera-cloud-mcp audit init-db\` with the tables' owner's URL`)
      }
      yield* migratePg(sql, target)
    }
    if (options.production) yield* refusePowerfulRole(statements, where)

    const base = yield* openAuditContext({
      store: makePgAuditStore(sql, where, 0),
      keyring: options.keys.keyring,
      signer: options.keys.signer,
      trusted: options.keys.trusted,
      checkpointEveryRows: options.checkpointEveryRows,
      checkpointDir: options.checkpointDir,
      fs: options.fs
    })
    // Each chain is a log of its own for the chain design (genesis, AADs and signatures bound to its log
    // id; its checkpoints exported to a directory of its own); the data keys are the whole log's.
    const contextOf = (chain: Pick<ChainRow, "chain_id" | "log_id">): AuditContext => ({
      ...base,
      store: makePgAuditStore(sql, where, chain.chain_id, scanTarget),
      logId: chain.log_id,
      checkpointDir: Option.map(options.checkpointDir, (dir) => `${dir.replace(/\/+$/, "")}/chain-${chain.chain_id}`)
    })
    const chains = statements.chains.pipe(
      Effect.map((rows) => rows.map((row) => ({ chainId: row.chain_id, context: contextOf(row) })))
    )

    const lease = options.writes ? yield* takeChain(statements, base.logId, options) : Option.none<Lease>()
    const own = Option.match(lease, {
      // A reader writes nothing; its context is of no chain (chain 0 holds no rows).
      onNone: () => contextOf({ chain_id: 0, log_id: `${base.logId}/reader` }),
      onSome: (held) => contextOf(held.chain)
    })
    const writeBlocked = Option.match(lease, {
      onNone: () =>
        Effect.succeed(Option.some(
          new AuditUnavailable({ reason: "read_only", message: `audit log ${where} is open for reading only` })
        )),
      onSome: (held) => held.blocked
    })
    // The journal's finalizer (last checkpoint) is added after the lease's, so it runs before the lease is freed.
    const journal = yield* makeAuditJournal(own)
    const powers = yield* statements.rolePowers.pipe(Effect.option)
    return {
      context: own,
      journal,
      chains,
      writeBlocked,
      takenOver: Option.match(lease, { onNone: () => false, onSome: (held) => held.takenOver }),
      // Retention and shredding need DELETE, which the writer role does not have: `audit cleanup` and
      // `audit shred` run them as the maintenance role.
      runsRetention: Option.match(powers, { onNone: () => false, onSome: (role) => role.can_delete })
    } satisfies AuditConnection
  }).pipe(
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.failCause(cause as Cause.Cause<never>)
        : Effect.fail(Option.getOrElse(Cause.failureOption(cause), () =>
          notOpen("audit log on PostgreSQL: unexpected failure while opening")
        ))
    )
  )

interface Lease {
  readonly chain: ChainRow
  readonly takenOver: boolean
  readonly blocked: Effect.Effect<Option.Option<AuditUnavailable>>
}

/**
 * The chain design: one chain per writer, held by a lease row. A writer takes the oldest chain
 * whose lease ran out (a writer that died; its intents left open are then resolved by this one,
 * and only those) or makes a new chain, and renews its lease every third of its length. Two live
 * processes never extend the same chain: a chain is taken only once its lease has run out, and a
 * writer that could not renew in time stops appending (fail closed) before that. Should a paused
 * process wake up after its chain was taken over, the (chain, sequence) primary key refuses its
 * next insert, and it stops appending (PgAuditStore.insertEvents): the chain stays linear.
 */
const takeChain = (statements: ReturnType<typeof makePgLogStatements>, logId: string, options: PgConnectOptions) =>
  Effect.gen(function*() {
    const writerId = Option.getOrElse(options.writerId, () => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`)
    const now = Math.floor(yield* Clock.currentTimeMillis)
    const taken = yield* statements.acquireChain(writerId, now, options.leaseMs, `${logId}/${randomUUID()}`).pipe(
      Effect.map(Option.some),
      // A role without INSERT on the chains (the reader) opens the log for reading.
      Effect.catchIf((error) => error.reason === "read_only", () => Effect.succeed(Option.none()))
    )
    if (Option.isNone(taken)) return Option.none<Lease>()
    const { chain, takenOver } = taken.value
    const renewedAt = yield* Ref.make(now)
    const lost = yield* Ref.make(Option.none<AuditUnavailable>())
    const lostLease = (why: string) =>
      new AuditUnavailable({
        reason: "busy",
        message: `audit log on PostgreSQL: this writer's lease on chain ` +
          `${chain.chain_id} ${why}; appends are refused until the server restarts and takes a chain again`
      })
    const renew = Effect.gen(function*() {
      if (Option.isSome(yield* Ref.get(lost))) return
      const at = Math.floor(yield* Clock.currentTimeMillis)
      const held = yield* statements.renewLease(chain.chain_id, writerId, at, options.leaseMs)
      if (held) yield* Ref.set(renewedAt, at)
      else yield* Ref.set(lost, Option.some(lostLease("ran out and was taken by another writer")))
    })
    yield* renew.pipe(
      Effect.catchAll((error) => Effect.logWarning(`audit lease not renewed: ${error.message}`)),
      Effect.repeat(Schedule.spaced(Duration.millis(Math.max(1000, Math.floor(options.leaseMs / 3))))),
      Effect.delay(Duration.millis(Math.max(1000, Math.floor(options.leaseMs / 3)))),
      Effect.forkScoped
    )
    yield* Effect.addFinalizer(() =>
      statements.releaseLease(chain.chain_id, writerId).pipe(
        Effect.catchAll((error) => Effect.logWarning(`audit lease not released: ${error.message}`))
      )
    )
    const blocked = Effect.gen(function*() {
      const gone = yield* Ref.get(lost)
      if (Option.isSome(gone)) return gone
      const at = yield* Clock.currentTimeMillis
      // Not renewed for a whole lease: another writer may take the chain now, so this one stops first.
      return at - (yield* Ref.get(renewedAt)) >= options.leaseMs
        ? Option.some(lostLease("could not be renewed in time (is the database reachable?)"))
        : Option.none()
    })
    return Option.some<Lease>({ chain, takenOver, blocked })
  })
