import * as Reactivity from "@effect/experimental/Reactivity"
import { SqlClient } from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, Layer, Option, Stream } from "effect"
import net from "node:net"
import { OipaDialect, oracleDialect, sqliteDialect } from "../../../src/connectors/oipa/database/dialect.js"
import { OipaDatabase } from "../../../src/connectors/oipa/database/OipaDatabase.js"
import { makeOracleSqlClient, OipaOracleSql } from "../../../src/connectors/oipa/database/OracleSqlClient.js"

interface Executed {
  readonly sql: string
  readonly params: ReadonlyArray<unknown>
}

/**
 * The Oracle SqlClient over a connection that records what it is asked to run
 * and answers with rows keyed as Oracle keys them (upper case): the SQL text
 * and binds the connector sends to Oracle, checked without a database.
 */
const recordingOracle = (answer: (sql: string) => ReadonlyArray<Record<string, unknown>> | Error) => {
  const executed: Array<Executed> = []
  const run = (sql: string, params: ReadonlyArray<unknown>) =>
    Effect.suspend(() => {
      executed.push({ sql, params })
      const rows = answer(sql)
      return rows instanceof Error
        ? Effect.fail(new SqlError({ cause: rows, message: "Failed to execute statement" }))
        : Effect.succeed(rows)
    })
  const connection: Connection = {
    execute: (sql, params) => run(sql, params),
    executeRaw: (sql, params) => run(sql, params),
    executeValues: (sql, params) => Effect.map(run(sql, params), (rows) => rows.map(Object.values)),
    executeUnprepared: (sql, params) => run(sql ?? "", params ?? []),
    executeStream: () => Stream.empty
  }
  const layer = OipaDatabase.Default.pipe(
    Layer.provideMerge(Layer.effect(SqlClient, makeOracleSqlClient(connection))),
    Layer.provideMerge(Layer.succeed(OipaDialect, oracleDialect)),
    Layer.provide(Reactivity.layer)
  )
  return { executed, layer }
}

const oraclePolicyRow = {
  POLICYGUID: "G-1",
  POLICYNUMBER: "PN0100001",
  POLICYNAME: "Term Life 20 #1",
  STATUSCODE: "01",
  STATUSLABEL: "Active",
  PLANNAME: "Term Life 20",
  ISSUESTATECODE: "CA",
  PLANDATE: "2024-05-01"
}

describe("the Oracle dialect, as compiled statements", () => {
  it.effect("policy search: :n binds for the pattern, the status and the row limit; FETCH FIRST; TO_CHAR dates", () => {
    const oracle = recordingOracle(() => [oraclePolicyRow])
    return Effect.gen(function*() {
      const database = yield* OipaDatabase
      const found = yield* database.searchPolicies({ term: "pn_01%", status: "Active", limit: 7 })
      expect(found).toEqual([{
        policyGuid: "G-1",
        policyNumber: "PN0100001",
        policyName: "Term Life 20 #1",
        statusCode: "01",
        statusLabel: "Active",
        planName: "Term Life 20",
        issueState: "CA",
        planDate: "2024-05-01"
      }])
      const [query] = oracle.executed
      expect(query?.sql).toContain("TO_CHAR(P.PlanDate, 'YYYY-MM-DD') AS PlanDate")
      expect(query?.sql).toContain("UPPER(P.PolicyNumber) LIKE :1 ESCAPE '\\'")
      expect(query?.sql).toContain("UPPER(P.PolicyName) LIKE :2 ESCAPE '\\'")
      expect(query?.sql).toContain("(P.StatusCode = :3 OR UPPER(SC.ShortDescription) = :4)")
      expect(query?.sql).toMatch(/FETCH FIRST :5 ROWS ONLY$/)
      expect(query?.sql).not.toContain("LIMIT")
      expect(query?.params).toEqual(["%PN\\_01\\%%", "%PN\\_01\\%%", "Active", "ACTIVE", 7])
    }).pipe(Effect.provide(oracle.layer))
  })

  it.effect("expiring policies: dates bound through TO_DATE", () => {
    const oracle = recordingOracle(() => [{ ...oraclePolicyRow, SEGMENTGUID: "S-1", EXPIRATIONDATE: "2026-04-01" }])
    return Effect.gen(function*() {
      const database = yield* OipaDatabase
      const found = yield* database.expiringPolicies({ from: "2026-03-01", to: "2026-04-30", limit: 20 })
      expect(found[0]).toMatchObject({ segmentGuid: "S-1", expirationDate: "2026-04-01" })
      const [query] = oracle.executed
      expect(query?.sql).toContain("S.ExpirationDate >= TO_DATE(:1, 'YYYY-MM-DD') AND S.ExpirationDate <= TO_DATE(:2, 'YYYY-MM-DD')")
      expect(query?.params).toEqual(["2026-03-01", "2026-04-30", 20])
    }).pipe(Effect.provide(oracle.layer))
  })

  it.effect("ping asks DUAL, and a failing database is unhealthy with an actionable reason, not the driver's text", () => {
    const oracle = recordingOracle(() => [{ ALIVE: 1 }])
    return Effect.gen(function*() {
      const database = yield* OipaDatabase
      expect(yield* database.ping()).toEqual({ healthy: true })
      expect(oracle.executed.map((query) => query.sql)).toEqual(["SELECT 1 AS ALIVE FROM DUAL"])
    }).pipe(Effect.provide(oracle.layer), Effect.zipRight(Effect.gen(function*() {
      const down = recordingOracle(() =>
        Object.assign(new Error("ORA-12541: Cannot connect. No listener at host 10.1.2.3 port 1521."), { code: "ORA-12541" })
      )
      const health = yield* OipaDatabase.pipe(Effect.flatMap((database) => database.ping()), Effect.provide(down.layer))
      expect(health).toEqual({
        healthy: false,
        reason: "Cannot reach the OIPA database: no listener at that host and port (OIPA_DB_CONNECT_STRING)"
      })
    })))
  })

  it.effect("a row missing a column the connector reads is OipaBadRow, naming the table, not the values", () => {
    const oracle = recordingOracle(() => [{ POLICYGUID: "G-1", TAXID: "900-12-3456" }])
    return Effect.gen(function*() {
      const database = yield* OipaDatabase
      const error = yield* Effect.flip(database.searchPolicies({ term: "PN", limit: 1 }))
      expect(error._tag).toBe("OipaBadRow")
      expect(error.message).toBe("Rows from AsPolicy do not have the columns the OIPA connector reads")
      expect(JSON.stringify(error)).not.toContain("900-12-3456")
    }).pipe(Effect.provide(oracle.layer))
  })

  it.effect("the SQLite dialect ends the same query with LIMIT ? and keeps dates as text", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient
      const [text, params] = sql`SELECT 1 FROM AsPolicy P ${sqliteDialect.firstRows(sql, 9)}`.compile()
      expect(text).toBe("SELECT 1 FROM AsPolicy P LIMIT ?")
      expect(params).toEqual([9])
      const [dateText, dateParams] = sql`WHERE x >= ${sqliteDialect.date(sql, "2026-01-01")} AND ${sqliteDialect.dateText(sql, "S.ExpirationDate", "ExpirationDate")}`.compile()
      expect(dateText).toBe("WHERE x >= ? AND substr(S.ExpirationDate, 1, 10) AS ExpirationDate")
      expect(dateParams).toEqual(["2026-01-01"])
    }).pipe(Effect.provide(SqliteClient.layer({ filename: ":memory:" }))))
})

const freePort = Effect.promise(() =>
  new Promise<number>((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
)

const withSettings = (settings: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings))))

describe("OipaOracleSql (oracledb Thin) at start", () => {
  it.live("refuses a plain-TCP connect string to a remote host before opening anything", () =>
    Effect.gen(function*() {
      const exit = yield* Layer.launch(OipaOracleSql).pipe(
        withSettings({ OIPA_DB_CONNECT_STRING: "oipa-db.invalid:1521/OIPA", OIPA_DB_USER: "reader", OIPA_DB_PASSWORD: "pw-never-shown" }),
        Effect.exit
      )
      expect(Exit.isFailure(exit)).toBe(true)
      const text = JSON.stringify(exit)
      expect(text).toContain("OipaInsecureConnection")
      expect(text).toContain("TCPS")
      expect(text).not.toContain("pw-never-shown")
    }))

  it.live("a loopback port with no listener: OipaUnreachable from the real driver, no raw driver text, no password", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const exit = yield* Effect.scoped(Layer.build(OipaOracleSql)).pipe(
        withSettings({
          OIPA_DB_CONNECT_STRING: `127.0.0.1:${port}/OIPA`,
          OIPA_DB_USER: "reader",
          OIPA_DB_PASSWORD: "pw-never-shown",
          OIPA_DB_CALL_TIMEOUT_MS: "2000"
        }),
        Effect.exit
      )
      expect(Exit.isFailure(exit)).toBe(true)
      const failure = Exit.isFailure(exit) ? Option.getOrUndefined(Cause.failureOption(exit.cause)) : undefined
      expect(failure).toMatchObject({ _tag: "OipaUnreachable" })
      expect(failure && "message" in failure ? failure.message : "").toContain("OIPA_DB_CONNECT_STRING")
      const text = JSON.stringify(exit)
      expect(text).not.toMatch(/NJS-|ORA-/)
      expect(text).not.toContain(String(port))
      expect(text).not.toContain("pw-never-shown")
    }))

  it.live("a call timeout outside the allowed range is a configuration error naming the setting", () =>
    Effect.gen(function*() {
      const exit = yield* Layer.launch(OipaOracleSql).pipe(
        withSettings({
          OIPA_DB_CONNECT_STRING: "tcps://oipa-db.invalid:2484/OIPA",
          OIPA_DB_USER: "reader",
          OIPA_DB_PASSWORD: "pw",
          OIPA_DB_CALL_TIMEOUT_MS: "5"
        }),
        Effect.exit
      )
      expect(JSON.stringify(exit)).toContain("OIPA_DB_CALL_TIMEOUT_MS")
    }))
})
