import * as Reactivity from "@effect/experimental/Reactivity"
import type { SqlClient } from "@effect/sql/SqlClient"
import * as Client from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import { Context, Effect, Either, Option, Scope } from "effect"
import { createRequire } from "node:module"

/** The better-sqlite3 calls this connection makes. */
interface PreparedStatement {
  readonly reader: boolean
  readonly run: (...params: ReadonlyArray<unknown>) => unknown
  readonly all: (...params: ReadonlyArray<unknown>) => Array<unknown>
  readonly raw: (on: boolean) => PreparedStatement
  readonly safeIntegers: (on: boolean) => PreparedStatement
}
interface Database {
  readonly inTransaction: boolean
  readonly prepare: (sql: string) => PreparedStatement
  readonly pragma: (text: string) => unknown
  readonly close: () => unknown
}
type OpenDatabase = new (filename: string) => Database

/** The audit db's connection: @effect/sql's client, and the journal's way to run its INSERT at once. */
export interface AuditSqlite {
  readonly sql: SqlClient
  /**
   * Runs a write statement at once, synchronously, on the connection: None (nothing run) while a
   * transaction is open on it, whose statements it must not join; the caller then goes through `sql`,
   * which waits for that transaction to end.
   */
  readonly runNow: (text: string, params: ReadonlyArray<unknown>) => Option.Option<Either.Either<void, SqlError>>
}

const failed = (message: string) => (cause: unknown) => new SqlError({ cause, message })

/**
 * Opens the audit db in WAL mode: the same client @effect/sql-sqlite-node makes (one connection, statements
 * prepared once and cached, transactions under one permit), built here over a better-sqlite3 handle this
 * module keeps, because the journal's hot statement runs on the handle directly: through the client, every
 * append paid for a span, a scope, the permit and a cache lookup (about 40 µs of CPU, more than the INSERT).
 * Closes with the caller's scope.
 */
export const openSqlite = (filename: string, prepareCacheSize: number) =>
  Effect.gen(function*() {
    const Sqlite = createRequire(import.meta.url)("better-sqlite3") as OpenDatabase
    const db = new Sqlite(filename)
    yield* Effect.addFinalizer(() => Effect.sync(() => db.close()))
    db.pragma("journal_mode = WAL")

    // Prepared statements by text, the least recently used dropped past the cap (better-sqlite3 frees them).
    const prepared = new Map<string, PreparedStatement>()
    const prepare = (text: string): PreparedStatement => {
      const known = prepared.get(text)
      if (known !== undefined) {
        prepared.delete(text)
        prepared.set(text, known)
        return known
      }
      const statement = db.prepare(text)
      prepared.set(text, statement)
      if (prepared.size > prepareCacheSize) prepared.delete(prepared.keys().next().value ?? text)
      return statement
    }
    const run = (statement: () => PreparedStatement, params: ReadonlyArray<unknown>, raw: boolean) =>
      Effect.withFiberRuntime<unknown, SqlError>((fiber) =>
        Effect.try({
          try: () => {
            const prepared = statement().safeIntegers(Context.get(fiber.currentContext, Client.SafeIntegers))
            if (prepared.reader) return prepared.all(...params)
            const result = prepared.run(...params)
            return raw ? result : []
          },
          catch: failed("Failed to execute statement")
        })
      )
    const connection: Connection = {
      execute: (text, params, transformRows) =>
        Effect.map(run(() => prepare(text), params, false), (rows) => {
          const list = rows as ReadonlyArray<object>
          return transformRows === undefined ? list : transformRows(list)
        }),
      executeRaw: (text, params) => run(() => prepare(text), params, true),
      executeValues: (text, params) =>
        Effect.try({
          try: () => {
            const statement = prepare(text)
            if (!statement.reader) {
              statement.run(...params)
              return []
            }
            statement.raw(true)
            try {
              return statement.all(...params) as Array<ReadonlyArray<unknown>>
            } finally {
              statement.raw(false)
            }
          },
          catch: failed("Failed to execute statement")
        }),
      executeUnprepared: (text, params, transformRows) =>
        Effect.map(run(() => db.prepare(text), params, false), (rows) => {
          const list = rows as ReadonlyArray<object>
          return transformRows === undefined ? list : transformRows(list)
        }),
      executeStream: () => Effect.dieMessage("executeStream is not implemented for the audit db") as never
    }

    const permit = yield* Effect.makeSemaphore(1)
    const sql = yield* Client.make({
      acquirer: permit.withPermits(1)(Effect.succeed(connection)),
      transactionAcquirer: Effect.uninterruptibleMask((restore) =>
        restore(permit.take(1)).pipe(
          Effect.zipRight(Effect.flatMap(Effect.scope, (scope) => Scope.addFinalizer(scope, permit.release(1)))),
          Effect.as(connection)
        )
      ),
      compiler: Statement.makeCompilerSqlite(),
      spanAttributes: [["db.system.name", "sqlite"]]
    }).pipe(Effect.provide(Reactivity.layer))

    const runNow = (text: string, params: ReadonlyArray<unknown>): Option.Option<Either.Either<void, SqlError>> => {
      if (db.inTransaction) return Option.none()
      return Option.some(Either.try({
        try: () => {
          prepare(text).run(...params)
        },
        catch: failed("Failed to execute statement")
      }))
    }
    return { sql, runNow } satisfies AuditSqlite
  })
