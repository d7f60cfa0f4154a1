import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import type { OraclePool, OracleSession } from "../../../src/connectors/oipa/database/OracleSqlClient.js"
import oracledb from "oracledb"
import { oracleConnection } from "../../../src/connectors/oipa/database/OracleSqlClient.js"

/**
 * A pool of sessions that note what the adapter does with them: the call
 * timeout it sets, the statement and binds, break() and close(). `reply`
 * decides how each execute ends (its promise can be left pending).
 */
const notingPool = (reply: (sql: string) => Promise<{ rows?: Array<Record<string, unknown>> }>) => {
  const events: Array<string> = []
  const pool: OraclePool = {
    getConnection: () => {
      const session: OracleSession = {
        callTimeout: undefined,
        execute: (sql, binds) => {
          events.push(`execute(${sql}; ${JSON.stringify(binds)}; callTimeout=${session.callTimeout})`)
          return reply(sql)
        },
        break: () => {
          events.push("break")
          return Promise.resolve()
        },
        close: () => {
          events.push("close")
          return Promise.resolve()
        }
      }
      return Promise.resolve(session)
    }
  }
  return { pool, events }
}

describe("the oracledb connection adapter", () => {
  it.effect("each statement borrows a session with the call timeout set, binds by position, and gives it back", () =>
    Effect.gen(function*() {
      const { events, pool } = notingPool(() => Promise.resolve({ rows: [{ ALIVE: 1 }] }))
      const connection = oracleConnection(pool, 2500, oracledb.OUT_FORMAT_OBJECT)
      const rows = yield* connection.execute("SELECT :1 AS ALIVE FROM DUAL", [1], undefined)
      expect(rows).toEqual([{ ALIVE: 1 }])
      expect(events).toEqual(["execute(SELECT :1 AS ALIVE FROM DUAL; [1]; callTimeout=2500)", "close"])
    }))

  it.effect("a failing statement is a SqlError carrying the driver error, and the session is still given back", () =>
    Effect.gen(function*() {
      const oraError = Object.assign(new Error("ORA-00942: table or view does not exist"), { code: "ORA-00942" })
      const { events, pool } = notingPool(() => Promise.reject(oraError))
      const error = yield* Effect.flip(oracleConnection(pool, 1000, oracledb.OUT_FORMAT_OBJECT).execute("SELECT * FROM AsPolicy", [], undefined))
      expect(error._tag).toBe("SqlError")
      expect(error.cause).toBe(oraError)
      expect(events.at(-1)).toBe("close")
    }))

  it.effect("an interrupted call is broken off on the server, then the session is given back", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const { events, pool } = notingPool(() => {
        Deferred.unsafeDone(started, Effect.void)
        return new Promise(() => {})
      })
      const fiber = yield* Effect.fork(oracleConnection(pool, 1000, oracledb.OUT_FORMAT_OBJECT).execute("SELECT 1 FROM DUAL", [], undefined))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(fiber)
      expect(events.slice(1)).toEqual(["break", "close"])
    }))
})
