import { SqlClient } from "@effect/sql/SqlClient"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { fromDriverError } from "../../../src/connectors/oipa/database/driverErrors.js"
import {
  readOnlyQueries,
  verifyOracleReadOnly,
  verifySqliteReadOnly,
  writePrivileges
} from "../../../src/connectors/oipa/database/readOnlyCheck.js"
import { OipaSandboxSql } from "../../../src/connectors/oipa/sandbox/OipaSandbox.js"

const reader = { user: "OIPA_READER", system: ["CREATE SESSION"], granted: [], roles: [], owned: [] }
const grant = (PRIVILEGE: string, GRANTEE = "OIPA_READER") => ({ GRANTEE, OWNER: "OIPA", TABLE_NAME: "ASPOLICY", PRIVILEGE })

describe("the read-only privilege rule", () => {
  it("a user with CREATE SESSION and SELECT grants passes", () => {
    expect(writePrivileges({ ...reader, granted: [grant("SELECT"), grant("READ")] })).toEqual([])
    expect(writePrivileges({ ...reader, system: ["CREATE SESSION", "ALTER SESSION", "SELECT ANY TABLE"] })).toEqual([])
  })

  it("write, DDL and ANY privileges, unknown system privileges, role grants and owned tables are each named", () => {
    expect(writePrivileges({
      ...reader,
      system: ["CREATE SESSION", "CREATE TABLE", "INSERT ANY TABLE", "DROP ANY TABLE", "SOME FUTURE PRIVILEGE"],
      granted: [grant("SELECT"), grant("UPDATE"), grant("DELETE"), grant("INSERT", "SOMEONE_ELSE")],
      roles: [{ ROLE: "OIPA_APP", OWNER: "OIPA", TABLE_NAME: "ASCLIENT", PRIVILEGE: "INSERT" }],
      owned: ["ASPOLICY"]
    })).toEqual([
      "CREATE TABLE",
      "INSERT ANY TABLE",
      "DROP ANY TABLE",
      "SOME FUTURE PRIVILEGE",
      "UPDATE ON OIPA.ASPOLICY",
      "DELETE ON OIPA.ASPOLICY",
      "INSERT ON OIPA.ASCLIENT (role OIPA_APP)",
      "OWNER OF ASPOLICY"
    ])
  })
})

/**
 * Oracle's dictionary views as tables in SQLite, so the check runs the exact
 * SQL it sends to Oracle (plain SELECTs) against rows a test controls.
 */
const dictionary = (rows: {
  readonly system: ReadonlyArray<string>
  readonly granted?: ReadonlyArray<readonly [string, string]>
  readonly owned?: ReadonlyArray<string>
}) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient
    yield* sql`CREATE TABLE USER_USERS (USERNAME TEXT)`
    yield* sql`INSERT INTO USER_USERS VALUES ('OIPA_READER')`
    yield* sql`CREATE TABLE SESSION_PRIVS (PRIVILEGE TEXT)`
    for (const privilege of rows.system) yield* sql`INSERT INTO SESSION_PRIVS VALUES (${privilege})`
    yield* sql`CREATE TABLE USER_TAB_PRIVS (GRANTEE TEXT, OWNER TEXT, TABLE_NAME TEXT, PRIVILEGE TEXT)`
    for (const [table, privilege] of rows.granted ?? []) {
      yield* sql`INSERT INTO USER_TAB_PRIVS VALUES ('OIPA_READER', 'OIPA', ${table}, ${privilege})`
    }
    yield* sql`CREATE TABLE ROLE_TAB_PRIVS (ROLE TEXT, OWNER TEXT, TABLE_NAME TEXT, PRIVILEGE TEXT)`
    yield* sql`CREATE TABLE USER_TABLES (TABLE_NAME TEXT)`
    for (const table of rows.owned ?? []) yield* sql`INSERT INTO USER_TABLES VALUES (${table})`
  })).pipe(Layer.provideMerge(SqliteClient.layer({ filename: ":memory:" })))

describe("verifyOracleReadOnly runs its dictionary queries", () => {
  it("asks SESSION_PRIVS, USER_TAB_PRIVS, ROLE_TAB_PRIVS and USER_TABLES", () => {
    expect(Object.values(readOnlyQueries)).toEqual([
      "SELECT USERNAME FROM USER_USERS",
      "SELECT PRIVILEGE FROM SESSION_PRIVS",
      "SELECT GRANTEE, OWNER, TABLE_NAME, PRIVILEGE FROM USER_TAB_PRIVS",
      "SELECT ROLE, OWNER, TABLE_NAME, PRIVILEGE FROM ROLE_TAB_PRIVS",
      "SELECT TABLE_NAME FROM USER_TABLES"
    ])
  })

  it.effect("a reader passes", () =>
    verifyOracleReadOnly.pipe(
      Effect.provide(dictionary({ system: ["CREATE SESSION"], granted: [["ASPOLICY", "SELECT"], ["ASCLIENT", "SELECT"]] }))
    ))

  it.effect("a user with UPDATE on AsPolicy and INSERT ANY TABLE is refused, the privileges named", () =>
    Effect.gen(function*() {
      const refused = yield* Effect.flip(verifyOracleReadOnly.pipe(
        Effect.provide(dictionary({ system: ["CREATE SESSION", "INSERT ANY TABLE"], granted: [["ASPOLICY", "UPDATE"]] }))
      ))
      expect(refused._tag).toBe("OipaWritePrivileges")
      if (refused._tag === "OipaWritePrivileges") {
        expect(refused.privileges).toEqual(["INSERT ANY TABLE", "UPDATE ON OIPA.ASPOLICY"])
        expect(refused.message).toContain("INSERT ANY TABLE, UPDATE ON OIPA.ASPOLICY")
        expect(refused.message).toContain("does not start")
      }
    }))

  it.effect("the schema owner is refused: it can change its own tables without a grant", () =>
    Effect.gen(function*() {
      const refused = yield* Effect.flip(verifyOracleReadOnly.pipe(
        Effect.provide(dictionary({ system: ["CREATE SESSION"], owned: ["ASPOLICY"] }))
      ))
      expect(refused).toMatchObject({ _tag: "OipaWritePrivileges", privileges: ["OWNER OF ASPOLICY"] })
    }))

  it.effect("a dictionary view the user cannot read fails closed with a typed error", () =>
    Effect.gen(function*() {
      const refused = yield* Effect.flip(verifyOracleReadOnly.pipe(Effect.provide(SqliteClient.layer({ filename: ":memory:" }))))
      expect(refused._tag).toBe("OipaMissingObject")
    }))
})

describe("the sandbox's read-only check", () => {
  it.effect("a writable SQLite connection is refused", () =>
    Effect.gen(function*() {
      const refused = yield* Effect.flip(verifySqliteReadOnly.pipe(Effect.provide(SqliteClient.layer({ filename: ":memory:" }))))
      expect(refused._tag).toBe("OipaWritePrivileges")
    }))

  it.effect("the seeded sandbox passes and refuses a write as a typed read-only error", () =>
    Effect.gen(function*() {
      yield* verifySqliteReadOnly
      const sql = yield* SqlClient
      const refused = yield* Effect.flip(sql`UPDATE AsClient SET Email = NULL`)
      expect(fromDriverError(refused)).toMatchObject({ _tag: "OipaQueryFailed", code: "SQLITE_READONLY" })
    }).pipe(Effect.provide(OipaSandboxSql)))
})
