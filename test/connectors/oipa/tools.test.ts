import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { OipaDatabase } from "../../../src/connectors/oipa/database/OipaDatabase.js"
import { OipaSandboxSql } from "../../../src/connectors/oipa/sandbox/OipaSandbox.js"
import { seedRows } from "../../../src/connectors/oipa/sandbox/seed.js"
import { clientPortfolio } from "../../../src/connectors/oipa/tools/clientPortfolio.js"
import { expiringPolicies } from "../../../src/connectors/oipa/tools/expiringPolicies.js"
import { getPolicyDetails } from "../../../src/connectors/oipa/tools/getPolicyDetails.js"
import { oipaTools } from "../../../src/connectors/oipa/tools/index.js"
import { policyCountsByStatus } from "../../../src/connectors/oipa/tools/policyCountsByStatus.js"
import { searchClients } from "../../../src/connectors/oipa/tools/searchClients.js"
import { searchPolicies } from "../../../src/connectors/oipa/tools/searchPolicies.js"
import { Redactor } from "../../../src/security/Redactor.js"
import type { Tool } from "../../../src/tools/Tool.js"

const sandbox = OipaDatabase.Default.pipe(Layer.provideMerge(OipaSandboxSql))

/** Decodes the arguments as the pipeline does, runs the handler and checks the result against the output Schema. */
const call = (tool: Tool<OipaDatabase>, args: unknown) =>
  Effect.gen(function*() {
    const input = yield* tool.decodeInput(args)
    const output = yield* tool.handler(input)
    expect(tool.outputMismatch(output)).toEqual([])
    expect(tool.render(output).length).toBeGreaterThan(0)
    return output as never
  })

const refusal = (tool: Tool<OipaDatabase>, args: unknown) =>
  Effect.flip(tool.decodeInput(args)).pipe(Effect.map((error) => error.message))

const rows = seedRows()
const injected = rows.AsClient.find((client) => client.LastName?.includes("DROP TABLE"))!

const tableCounts = Effect.gen(function*() {
  const sql = yield* SqlClient
  const counted: Record<string, unknown> = {}
  for (const table of ["AsPolicy", "AsClient", "AsRole", "AsCode", "AsSegment", "AsPlan"]) {
    const [row] = yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql(table)}`
    counted[table] = row?.n
  }
  return counted
})

describe("OIPA tools on the sandbox", () => {
  it("every tool is read-only, annotated and has an object output schema", () => {
    expect(oipaTools.map((tool) => tool.name)).toEqual([
      "oipa_search_policies",
      "oipa_get_policy_details",
      "oipa_policy_counts_by_status",
      "oipa_search_clients",
      "oipa_client_portfolio",
      "oipa_expiring_policies"
    ])
    for (const tool of oipaTools) {
      expect(tool.annotations.readOnlyHint).toBe(true)
      expect(tool.annotations.destructiveHint).toBe(false)
      expect(tool.outputSchema.type).toBe("object")
      expect(tool.inputSchema.type).toBe("object")
    }
  })

  it.effect("oipa_search_policies: by term and by status label, limit as a bind", () =>
    Effect.gen(function*() {
      const byTerm: { policies: ReadonlyArray<{ policyNumber: string }> } = yield* call(searchPolicies, { term: "PN01000", limit: 3 })
      expect(byTerm.policies.map((policy) => policy.policyNumber)).toEqual(["PN0100001", "PN0100002", "PN0100003"])
      const byStatus: { policies: ReadonlyArray<{ statusLabel: string }> } = yield* call(searchPolicies, { status: "Pending" })
      expect(byStatus.policies.length).toBeGreaterThan(0)
      expect(new Set(byStatus.policies.map((policy) => policy.statusLabel))).toEqual(new Set(["Pending"]))
    }).pipe(Effect.provide(sandbox)))

  it.effect("limits above 100, unknown fields and searches of everything are refused by the input Schema", () =>
    Effect.gen(function*() {
      expect(yield* refusal(searchPolicies, { term: "PN", limit: 101 })).toContain("from 1 to 100")
      expect(yield* refusal(searchClients, { term: "Al", limit: 1000 })).toContain("from 1 to 100")
      expect(yield* refusal(searchPolicies, { limit: 5 })).toContain("give a term or a status")
      expect(yield* refusal(searchPolicies, { term: "PN", orderBy: "1; DROP TABLE AsPolicy" })).toContain("not a known field")
      expect(yield* refusal(getPolicyDetails, { policyGuid: "x", policyNumber: "PN0100001" })).toContain("exactly one")
      expect(yield* refusal(clientPortfolio, { clientGuid: "' OR '1'='1" })).toContain("OIPA GUID")
    }))

  it.effect("injection-shaped terms are data: no extra rows, every table intact", () =>
    Effect.gen(function*() {
      const before = yield* tableCounts
      const shapes = ["' OR '1'='1", "%' OR 1=1 --", "x'); DROP TABLE AsPolicy; --", "_%", "\\%", "' UNION SELECT * FROM AsClient --"]
      for (const term of shapes) {
        const policies: { policies: ReadonlyArray<unknown> } = yield* call(searchPolicies, { term, limit: 100 })
        expect(policies.policies, term).toEqual([])
        const clients: { clients: ReadonlyArray<unknown> } = yield* call(searchClients, { term, limit: 100 })
        expect(clients.clients, term).toEqual([])
        const status: { policies: ReadonlyArray<unknown> } = yield* call(searchPolicies, { status: term })
        expect(status.policies, term).toEqual([])
      }
      // The seeded client whose surname is itself an injection is found by it, as one row.
      const found: { clients: ReadonlyArray<{ clientGuid: string; lastName: string }> } = yield* call(searchClients, {
        term: "O'Brien; DROP TABLE AsPolicy--"
      })
      expect(found.clients.map((client) => client.clientGuid)).toEqual([injected.ClientGUID])
      expect(yield* tableCounts).toEqual(before)
      expect(before["AsPolicy"]).toBe(60)
    }).pipe(Effect.provide(sandbox)))

  it.effect("oipa_get_policy_details: by number and by GUID, roles labelled from AsCode; a missing policy is OipaNotFound", () =>
    Effect.gen(function*() {
      const details: { policy: { policyGuid: string }; roles: ReadonlyArray<{ roleLabel: string }> } = yield* call(
        getPolicyDetails,
        { policyNumber: "PN0100010" }
      )
      expect(details.roles.map((role) => role.roleLabel)).toEqual(["Owner", "Insured", "Beneficiary"])
      expect(yield* call(getPolicyDetails, { policyGuid: details.policy.policyGuid })).toEqual(details)
      const missing = yield* Effect.flip(call(getPolicyDetails, { policyNumber: "PN0000000" }))
      expect(missing).toMatchObject({ _tag: "OipaNotFound", message: "No policy has that GUID or number" })
    }).pipe(Effect.provide(sandbox)))

  it.effect("oipa_policy_counts_by_status adds up to every policy", () =>
    Effect.gen(function*() {
      const counts: { statuses: ReadonlyArray<{ statusCode: string; statusLabel: string; policies: number }>; total: number } =
        yield* call(policyCountsByStatus, {})
      expect(counts.total).toBe(rows.AsPolicy.length)
      for (const status of counts.statuses) {
        expect(status.policies).toBe(rows.AsPolicy.filter((policy) => policy.StatusCode === status.statusCode).length)
      }
      expect(counts.statuses.find((status) => status.statusCode === "01")?.statusLabel).toBe("Active")
    }).pipe(Effect.provide(sandbox)))

  it.effect("oipa_client_portfolio: every policy the client holds a role on", () =>
    Effect.gen(function*() {
      const client = rows.AsClient[0]!
      const portfolio: { client: { clientGuid: string }; policies: ReadonlyArray<{ roleCode: string; policy: { policyGuid: string } }> } =
        yield* call(clientPortfolio, { clientGuid: client.ClientGUID, limit: 100 })
      const expected = rows.AsRole.filter((role) => role.ClientGUID === client.ClientGUID)
      expect(portfolio.policies).toHaveLength(expected.length)
      expect(new Set(portfolio.policies.map((entry) => entry.policy.policyGuid)))
        .toEqual(new Set(expected.map((role) => role.PolicyGUID)))
      const missing = yield* Effect.flip(call(clientPortfolio, { clientGuid: "00000000-0000-0000-0000-000000000000" }))
      expect(missing._tag).toBe("OipaNotFound")
    }).pipe(Effect.provide(sandbox)))

  it.effect("oipa_expiring_policies: the segments in the range, soonest first; bad ranges refused", () =>
    Effect.gen(function*() {
      const result: { expiring: ReadonlyArray<{ expirationDate: string }> } = yield* call(expiringPolicies, {
        from: "2026-03-01",
        to: "2026-08-31",
        limit: 100
      })
      const expected = rows.AsSegment.filter((segment) =>
        segment.ExpirationDate! >= "2026-03-01" && segment.ExpirationDate! <= "2026-08-31"
      )
      expect(result.expiring.length).toBe(expected.length)
      expect(expected.length).toBeGreaterThan(0)
      const dates = result.expiring.map((entry) => entry.expirationDate)
      expect(dates).toEqual([...dates].sort())
      expect(yield* refusal(expiringPolicies, { from: "2026-09-01", to: "2026-08-31" })).toContain("must not be before from")
      expect(yield* refusal(expiringPolicies, { from: "2026-01-01", to: "2027-06-01" })).toContain("at most 366 days")
      expect(yield* refusal(expiringPolicies, { from: "2026-02-30", to: "2026-03-01" })).toContain("real calendar date")
    }).pipe(Effect.provide(sandbox)))

  it.effect("status and role labels come from AsCode: changing a code row changes the label", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient
      // Only this test lifts the sandbox's read-only switch, on its own fresh database.
      yield* sql`PRAGMA query_only = OFF`
      yield* sql`UPDATE AsCode SET ShortDescription = 'In Force' WHERE CodeName = 'AsCodeStatus' AND CodeValue = '01'`
      yield* sql`UPDATE AsCode SET ShortDescription = 'Policy Owner' WHERE CodeName = 'AsCodeRole' AND CodeValue = '01'`
      const active: { policies: ReadonlyArray<{ statusLabel: string }> } = yield* call(searchPolicies, { status: "01", limit: 5 })
      expect(active.policies.map((policy) => policy.statusLabel)).toEqual(Array(5).fill("In Force"))
      const details: { roles: ReadonlyArray<{ roleLabel: string }> } = yield* call(getPolicyDetails, { policyNumber: "PN0100001" })
      expect(details.roles[0]?.roleLabel).toBe("Policy Owner")
      yield* sql`DELETE FROM AsCode WHERE CodeName = 'AsCodeStatus' AND CodeValue = '01'`
      const unlabelled: { policies: ReadonlyArray<{ statusLabel: string | null }> } = yield* call(searchPolicies, { status: "01", limit: 1 })
      expect(unlabelled.policies[0]?.statusLabel).toBeNull()
    }).pipe(Effect.provide(sandbox)))

  it.effect("tax ids, birth dates and e-mails are masked by the Redactor's field classes", () =>
    Effect.gen(function*() {
      const redactor = yield* Redactor
      const secrets = rows.AsClient.flatMap((client) => [client.TaxID, client.DateOfBirth, client.Email])
        .filter((value): value is string => value !== null)
      for (const [tool, args] of [
        [searchClients, { term: "an", limit: 100 }],
        [getPolicyDetails, { policyNumber: "PN0100007" }],
        [clientPortfolio, { clientGuid: injected.ClientGUID! }]
      ] as const) {
        const value: unknown = yield* call(tool, args)
        const shown = JSON.stringify(redactor.redactResult(tool, value))
        expect(shown).toMatch(/example\.com/)
        for (const secret of secrets) expect(shown, tool.name).not.toContain(secret)
      }
    }).pipe(
      Effect.provide(Layer.merge(sandbox, Redactor.Default)),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))
    ))
})
