import { SqlError } from "@effect/sql/SqlError"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import net from "node:net"
import oracledb from "oracledb"
import { fromCode, fromDriverError } from "../../../src/connectors/oipa/database/driverErrors.js"

/** An error as oracledb raises it: a message with the ORA text (here with values in it) and a code. */
const oraError = (code: string, text: string) => Object.assign(new Error(`${code}: ${text}`), { code })

describe("driver errors become typed Oipa errors", () => {
  it("each ORA-/NJS- family gets the error a person can act on", () => {
    expect(fromCode("ORA-01017")).toMatchObject({ _tag: "OipaAuthenticationFailed" })
    expect(fromCode("ORA-01017").message).toContain("OIPA_DB_USER and OIPA_DB_PASSWORD")
    expect(fromCode("ORA-28000").message).toContain("locked")
    expect(fromCode("ORA-28001").message).toContain("expired")
    expect(fromCode("ORA-12541")).toMatchObject({ _tag: "OipaUnreachable" })
    expect(fromCode("ORA-12541").message).toContain("no listener")
    expect(fromCode("ORA-12514").message).toContain("service name")
    expect(fromCode("NJS-507").message).toContain("TLS handshake")
    expect(fromCode("NJS-517").message).toContain("tnsnames.ora")
    expect(fromCode("ORA-01013")).toMatchObject({ _tag: "OipaTimeout" })
    expect(fromCode("NJS-123")).toMatchObject({ _tag: "OipaTimeout" })
    expect(fromCode("NJS-123").message).toContain("OIPA_DB_CALL_TIMEOUT_MS")
    expect(fromCode("ORA-00942")).toMatchObject({ _tag: "OipaMissingObject" })
    expect(fromCode("ORA-00942").message).toContain("grant SELECT")
    expect(fromCode("ORA-00904")).toMatchObject({ _tag: "OipaQueryFailed", code: "ORA-00904" })
    expect(fromCode("SQLITE_READONLY")).toMatchObject({ _tag: "OipaQueryFailed", code: "SQLITE_READONLY" })
    // A code that is not a driver code is not passed on as one.
    expect(fromCode("<script>")).toMatchObject({ _tag: "OipaQueryFailed", code: "unknown" })
  })

  it("the raw ORA text (which can hold SQL, names and values) never reaches the typed error", () => {
    const raw = [
      oraError("ORA-00942", "table or view \"OIPA\".\"ASCLIENT\" does not exist"),
      oraError("ORA-01722", "invalid number: '900-12-3456'"),
      oraError("ORA-12899", "value too large for column \"OIPA\".\"ASCLIENT\".\"EMAIL\" (actual: 80, maximum: 50)"),
      oraError("ORA-01017", "invalid credential or not authorized; logon denied")
    ]
    for (const cause of raw) {
      const typed = fromDriverError(new SqlError({ cause, message: "Failed to execute statement" }))
      const shown = JSON.stringify(typed) + typed.message
      expect(shown).not.toContain(cause.message)
      expect(shown).not.toMatch(/ASCLIENT|900-12-3456|EMAIL|logon denied/)
      expect(typed._tag.startsWith("Oipa")).toBe(true)
    }
    expect(fromDriverError("not an error")).toMatchObject({ _tag: "OipaQueryFailed", code: "unknown" })
    expect(fromDriverError(new SqlError({ cause: undefined, message: "x" }))).toMatchObject({ code: "unknown" })
  })

  it("SQLite's missing table is OipaMissingObject; its other errors are query failures", () => {
    expect(fromDriverError(Object.assign(new Error("no such table: AsPolicy"), { code: "SQLITE_ERROR" })))
      .toMatchObject({ _tag: "OipaMissingObject" })
    expect(fromDriverError(Object.assign(new Error("near \"x\": syntax error"), { code: "SQLITE_ERROR" })))
      .toMatchObject({ _tag: "OipaQueryFailed", code: "SQLITE_ERROR" })
  })

  it.live("real oracledb failures on loopback: no listener, and a listener that never answers", () =>
    Effect.gen(function*() {
      const closedPort = yield* Effect.promise(() =>
        new Promise<number>((resolve) => {
          const server = net.createServer()
          server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo
            server.close(() => resolve(port))
          })
        })
      )
      const refused = yield* Effect.flip(Effect.tryPromise({
        try: () => oracledb.getConnection({ user: "u", password: "p", connectString: `127.0.0.1:${closedPort}/OIPA`, connectTimeout: 2 }),
        catch: fromDriverError
      }))
      expect(refused._tag).toBe("OipaUnreachable")
      // A listener that accepts and never answers: the connect timeout, not a hang.
      const silent = yield* Effect.scoped(Effect.gen(function*() {
        const server = yield* Effect.acquireRelease(
          Effect.promise(() =>
            new Promise<net.Server>((resolve) => {
              const listening = net.createServer(() => {})
              listening.listen(0, "127.0.0.1", () => resolve(listening))
            })
          ),
          (server) => Effect.sync(() => server.close())
        )
        const { port } = server.address() as net.AddressInfo
        return yield* Effect.flip(Effect.tryPromise({
          try: () => oracledb.getConnection({ user: "u", password: "p", connectString: `127.0.0.1:${port}/OIPA`, connectTimeout: 1 }),
          catch: fromDriverError
        }))
      }))
      expect(silent._tag).toBe("OipaUnreachable")
    }))
})
