import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { OipaDatabase } from "../../../src/connectors/oipa/database/OipaDatabase.js"
import { OipaSandboxSql } from "../../../src/connectors/oipa/sandbox/OipaSandbox.js"

const sandbox = OipaDatabase.Default.pipe(Layer.provideMerge(OipaSandboxSql))

describe("OipaDatabase on the sandbox", () => {
  it.effect("searches policies by number with a bound limit, labels from AsCode", () =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      const found = yield* database.searchPolicies({ term: "PN01000", limit: 5 })
      expect(found).toHaveLength(5)
      expect(found[0]?.policyNumber).toBe("PN0100001")
      expect(found.every((policy) => policy.statusLabel !== null)).toBe(true)
      const lapsed = yield* database.searchPolicies({ status: "lapsed", limit: 100 })
      expect(lapsed.length).toBeGreaterThan(0)
      expect(lapsed.every((policy) => policy.statusCode === "08" && policy.statusLabel === "Lapsed")).toBe(true)
    }).pipe(Effect.provide(sandbox)))

  it.effect("policy details carry roles with their clients and segments", () =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      const details = yield* database.policyDetails({ policyNumber: "PN0100003" })
      expect(details.roles.map((role) => role.roleLabel)).toEqual(["Owner", "Insured", "Beneficiary"])
      expect(details.segments).toHaveLength(1)
      expect(details.roles[0]?.client.email).toMatch(/@example\.com$/)
      const same = yield* database.policyDetails({ policyGuid: details.policy.policyGuid })
      expect(same).toEqual(details)
      const missing = yield* Effect.flip(database.policyDetails({ policyNumber: "PN9999999" }))
      expect(missing._tag).toBe("OipaNotFound")
    }).pipe(Effect.provide(sandbox)))

  it.effect("counts, client search, portfolio and expiring segments", () =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      const counts = yield* database.countsByStatus()
      expect(counts.reduce((sum, count) => sum + count.policies, 0)).toBe(60)
      const clients = yield* database.searchClients({ term: "brien", limit: 10 })
      expect(clients).toHaveLength(1)
      const portfolio = yield* database.clientPortfolio(clients[0]!.clientGuid, 100)
      expect(portfolio.policies.length).toBeGreaterThan(0)
      const expiring = yield* database.expiringPolicies({ from: "2026-01-01", to: "2026-12-31", limit: 100 })
      expect(expiring.length).toBeGreaterThan(0)
      expect(expiring.every((entry) => entry.expirationDate >= "2026-01-01" && entry.expirationDate <= "2026-12-31"))
        .toBe(true)
    }).pipe(Effect.provide(sandbox)))

  it.effect("ping: the sandbox answers", () =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      expect(yield* database.ping()).toEqual({ healthy: true })
    }).pipe(Effect.provide(sandbox)))

  it.effect("the sandbox connection refuses writes with a typed error", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient
      const refused = yield* Effect.flip(sql`DELETE FROM AsPolicy`)
      expect(refused._tag).toBe("SqlError")
    }).pipe(Effect.provide(sandbox)))
})
