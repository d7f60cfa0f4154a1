import * as Reactivity from "@effect/experimental/Reactivity"
import * as Client from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import { Context, Effect, Layer, Option, Redacted, Stream } from "effect"
import type oracledb from "oracledb"
import { OipaDialect, oracleDialect } from "./dialect.js"
import { fromDriverError } from "./driverErrors.js"
import { OipaInsecureConnection } from "./errors.js"
import { oracleCompiler } from "./oracleCompiler.js"
import { verifyOracleReadOnly } from "./readOnlyCheck.js"
import { oipaDatabaseSettings, type OipaDatabaseSettings, transportOf } from "./settings.js"

type Rows = ReadonlyArray<Record<string, unknown>>

/** The part of an oracledb connection the adapter uses. */
export interface OracleSession {
  callTimeout?: number | undefined
  execute(
    sql: string,
    binds: Array<unknown>,
    options: { readonly outFormat: number }
  ): Promise<{ readonly rows?: Array<Record<string, unknown>> | undefined }>
  break(): Promise<void>
  close(): Promise<void>
}

/** The part of an oracledb pool the adapter uses. */
export interface OraclePool {
  getConnection(): Promise<OracleSession>
}

/**
 * An @effect/sql Connection over an oracledb pool (Thin mode: pure
 * JavaScript, no Instant Client). Each statement borrows a pooled connection
 * with the call timeout set, and gives it back; an interrupted call is
 * broken off on the server (`connection.break()`).
 */
export const oracleConnection = (
  pool: OraclePool,
  callTimeoutMs: number,
  // The driver's OUT_FORMAT_OBJECT: rows as objects keyed by (upper-case) column name.
  outFormat: number
): Connection => {
  const run = (sql: string, params: ReadonlyArray<unknown>) =>
    Effect.acquireUseRelease(
      Effect.tryPromise({
        try: () => pool.getConnection(),
        catch: (cause) => new SqlError({ cause, message: "Failed to acquire an OIPA database connection" })
      }),
      (connection) =>
        Effect.async<Rows, SqlError>((resume) => {
          connection.callTimeout = callTimeoutMs
          connection.execute(sql, [...params], { outFormat })
            .then(
              (result) => resume(Effect.succeed(result.rows ?? [])),
              (cause: unknown) => resume(Effect.fail(new SqlError({ cause, message: "Failed to execute statement" })))
            )
          return Effect.promise(() => connection.break().catch(() => undefined))
        }),
      (connection) => Effect.promise(() => connection.close().catch(() => undefined))
    )
  return {
    execute: (sql, params, transformRows) =>
      transformRows === undefined ? run(sql, params) : Effect.map(run(sql, params), transformRows),
    executeRaw: (sql, params) => run(sql, params),
    executeValues: (sql, params) => Effect.map(run(sql, params), (rows) => rows.map((row) => Object.values(row))),
    executeUnprepared: (sql, params, transformRows) =>
      transformRows === undefined ? run(sql, params) : Effect.map(run(sql, params), transformRows),
    executeStream: (sql, params) => Stream.flatMap(Stream.fromEffect(run(sql, params)), Stream.fromIterable)
  }
}

/** An @effect/sql SqlClient for Oracle over `connection`; transactions are refused (the connector only reads). */
export const makeOracleSqlClient = (connection: Connection) =>
  Client.make({
    acquirer: Effect.succeed(connection),
    transactionAcquirer: Effect.dieMessage("The OIPA connector is read-only: it opens no transactions"),
    compiler: oracleCompiler,
    spanAttributes: [["db.system.name", "oracle.db"]]
  })

const poolOptions = (settings: OipaDatabaseSettings): oracledb.PoolAttributes => ({
  connectString: settings.connectString,
  user: Redacted.value(settings.user),
  password: Redacted.value(settings.password),
  poolMin: 0,
  poolMax: settings.poolMax,
  poolIncrement: 1,
  queueTimeout: settings.callTimeoutMs,
  connectTimeout: Math.max(1, Math.ceil(settings.callTimeoutMs / 1000)),
  ...Option.match(settings.walletDir, {
    onNone: () => ({}),
    onSome: (dir) => ({ configDir: dir, walletLocation: dir })
  }),
  ...Option.match(settings.walletPassword, {
    onNone: () => ({}),
    onSome: (password) => ({ walletPassword: Redacted.value(password) })
  }),
  ...Option.match(settings.schema, {
    onNone: () => ({}),
    // The schema was checked to be a plain identifier when the setting was read.
    onSome: (schema) => ({
      sessionCallback: (connection: oracledb.Connection, _tag: string, done: (error?: unknown) => void) => {
        connection.execute(`ALTER SESSION SET CURRENT_SCHEMA = ${schema}`).then(() => done(), done)
      }
    })
  })
})

/**
 * The Oracle SqlClient and dialect for the OIPA connector. At start it reads
 * the OIPA_DB_* settings, refuses a connection without TLS (unless to
 * loopback or OIPA_DB_REQUIRE_TLS=false), opens the pool and refuses to start
 * when the user can change data (readOnlyCheck.ts).
 */
export const OipaOracleSql = Layer.scopedContext(
  Effect.gen(function*() {
    const settings = yield* oipaDatabaseSettings
    const transport = transportOf(settings.connectString, settings.walletDir)
    if (settings.requireTls && transport === "plain") {
      return yield* new OipaInsecureConnection({
        message: "OIPA_DB_CONNECT_STRING does not use TCPS: use tcps://host:port/service (or a descriptor with " +
          "PROTOCOL=TCPS, or an alias in OIPA_DB_WALLET_DIR's tnsnames.ora); OIPA_DB_REQUIRE_TLS=false allows plain TCP"
      })
    }
    // Loaded only by a server that talks to Oracle: an OPERA server, or the OIPA sandbox, never parses the driver.
    const driver = yield* Effect.promise(() => import("oracledb")).pipe(
      Effect.map((module) => (module as { readonly default?: typeof oracledb }).default ?? (module as unknown as typeof oracledb))
    )
    const pool = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => driver.createPool(poolOptions(settings)), catch: fromDriverError }),
      (pool) => Effect.promise(() => pool.close(5).catch(() => undefined))
    )
    const sql = yield* makeOracleSqlClient(oracleConnection(pool, settings.callTimeoutMs, driver.OUT_FORMAT_OBJECT))
    const context = Context.make(Client.SqlClient, sql).pipe(Context.add(OipaDialect, oracleDialect))
    yield* verifyOracleReadOnly.pipe(Effect.provide(context))
    return context
  })
).pipe(Layer.provide(Reactivity.layer))
