import { Migrator } from "@effect/sql"
import { SqlClient as SqlClientTag } from "@effect/sql/SqlClient"
import { Cause, Effect, Schedule } from "effect"
import { auditMigrations, auditMigrationsTable } from "./migrations/index.js"
import type { AuditSqlite } from "./sqliteConnection.js"
import { openSqlite } from "./sqliteConnection.js"
import { auditUnavailable } from "./sqliteFailure.js"

const runMigrations = Migrator.make({})

export interface OpenOptions {
  readonly path: string
  readonly busyTimeoutMs: number
  /** fsync every commit (synchronous=FULL) instead of at WAL checkpoints (NORMAL). */
  readonly fsyncEveryWrite: boolean
}

/**
 * Opens (creating if needed) the audit db in WAL mode and brings its schema
 * up to date. Every failure, including the ones better-sqlite3 throws while
 * opening, becomes an AuditUnavailable naming the path and the SQLite code.
 * The connection closes with the caller's scope.
 */
export const openAuditDb = (options: OpenOptions) =>
  Effect.gen(function*() {
    const db = yield* openSqlite(options.path, 64)
    const { sql } = db
    yield* sql.unsafe(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`)
    yield* sql.unsafe(`PRAGMA synchronous = ${options.fsyncEveryWrite ? "FULL" : "NORMAL"}`)
    // Deleted content is overwritten with zeros: a shredded data key must leave no copy in free space.
    yield* sql.unsafe("PRAGMA secure_delete = ON")
    // Touch the schema so an unreadable or foreign file fails here, not on the first append.
    yield* sql`SELECT count(*) AS n FROM sqlite_master`
    yield* runMigrations({ loader: auditMigrations, table: auditMigrationsTable }).pipe(
      // Two processes migrating a fresh file at once: the loser retries after the winner is done.
      Effect.retry({
        schedule: Schedule.spaced("100 millis"),
        times: 5,
        while: (error) => error._tag === "MigrationError" && error.reason === "locked"
      }),
      Effect.provideService(SqlClientTag, sql)
    )
    return db as AuditSqlite
  }).pipe(
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.failCause(cause as Cause.Cause<never>)
        : Effect.fail(auditUnavailable(options.path, "be opened")(Cause.squash(cause)))
    )
  )
