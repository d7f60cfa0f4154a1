import { SqlClient } from "@effect/sql/SqlClient"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { Effect, Layer } from "effect"
import { OipaDialect, sqliteDialect } from "../database/dialect.js"
import { fromDriverError } from "../database/driverErrors.js"
import { verifySqliteReadOnly } from "../database/readOnlyCheck.js"
import { seedRows } from "./seed.js"
import { sandboxTableNames, sandboxTables } from "./tables.js"

/**
 * Creates the OIPA tables in the sandbox database and fills them with the
 * seeded book of business, then turns the connection read-only
 * (PRAGMA query_only) before any tool can use it.
 */
export const seedSandbox = Effect.gen(function*() {
  const sql = yield* SqlClient
  const rows = seedRows()
  yield* Effect.gen(function*() {
    for (const statement of sandboxTables) yield* sql.unsafe(statement)
    for (const table of sandboxTableNames) {
      yield* sql`INSERT INTO ${sql(table)} ${sql.insert(rows[table])}`
    }
  }).pipe(sql.withTransaction)
  yield* sql.unsafe("PRAGMA query_only = ON")
}).pipe(Effect.mapError(fromDriverError))

/**
 * The sandbox's SqlClient (SQLite in memory, seeded, read-only) and its
 * dialect: what `OipaDatabase` reads when the connector runs in sandbox mode.
 */
export const OipaSandboxSql = Layer.effectDiscard(Effect.zipRight(seedSandbox, verifySqliteReadOnly)).pipe(
  Layer.provideMerge(SqliteClient.layer({ filename: ":memory:", disableWAL: true })),
  Layer.merge(Layer.succeed(OipaDialect, sqliteDialect))
)
