import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { OipaDatabase } from "../../../src/connectors/oipa/database/OipaDatabase.js"
import { OipaOracleSql } from "../../../src/connectors/oipa/database/OracleSqlClient.js"

// Runs only against a real Oracle database with the OIPA tables, given by the person running the tests.
const url = process.env["OIPA_TEST_DB_URL"]
const user = process.env["OIPA_TEST_DB_USER"]
const password = process.env["OIPA_TEST_DB_PASSWORD"]
const configured = url !== undefined && user !== undefined && password !== undefined
const skipped = configured ? "" : " (skipped: OIPA_TEST_DB_URL, OIPA_TEST_DB_USER and OIPA_TEST_DB_PASSWORD are not set)"

const settings = (overrides: Record<string, string> = {}) => {
  const entries: Array<[string, string]> = [
    ["OIPA_DB_CONNECT_STRING", url ?? ""],
    ["OIPA_DB_USER", user ?? ""],
    ["OIPA_DB_PASSWORD", password ?? ""]
  ]
  for (const [from, to] of [
    ["OIPA_TEST_DB_WALLET_DIR", "OIPA_DB_WALLET_DIR"],
    ["OIPA_TEST_DB_SCHEMA", "OIPA_DB_SCHEMA"],
    ["OIPA_TEST_DB_REQUIRE_TLS", "OIPA_DB_REQUIRE_TLS"]
  ] as const) {
    const value = process.env[from]
    if (value !== undefined) entries.push([to, value])
  }
  return Effect.withConfigProvider(ConfigProvider.fromMap(new Map([...entries, ...Object.entries(overrides)])))
}

const oracle = OipaDatabase.Default.pipe(Layer.provideMerge(OipaOracleSql))

describe("OIPA on a real Oracle database", () => {
  it.live.skipIf(!configured)(`the read-only user passes the privilege check and every query runs${skipped}`, () =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      const counts = yield* database.countsByStatus()
      const total = counts.reduce((sum, count) => sum + count.policies, 0)
      const policies = yield* database.searchPolicies({ term: "0", limit: 5 })
      expect(policies.length).toBeLessThanOrEqual(5)
      if (total > 0) expect(counts.length).toBeGreaterThan(0)
      const first = policies[0]
      if (first !== undefined) {
        const details = yield* database.policyDetails({ policyGuid: first.policyGuid })
        expect(details.policy.policyNumber).toBe(first.policyNumber)
        const holder = details.roles[0]
        if (holder !== undefined) yield* database.clientPortfolio(holder.client.clientGuid, 10)
      }
      yield* database.searchClients({ term: "an", limit: 5 })
      yield* database.expiringPolicies({ from: "2026-01-01", to: "2026-12-31", limit: 5 })
    }).pipe(Effect.provide(oracle), settings()))

  it.live.skipIf(!configured)(`a wrong password is OipaAuthenticationFailed, without the driver's text${skipped}`, () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(Layer.build(OipaOracleSql)).pipe(settings({ OIPA_DB_PASSWORD: "not-the-password" })))
      expect(error._tag).toBe("OipaAuthenticationFailed")
      expect(JSON.stringify(error)).not.toMatch(/ORA-/)
    }))
})
