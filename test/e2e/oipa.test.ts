import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { seedRows } from "../../src/connectors/oipa/sandbox/seed.js"
import type { ServerSession } from "../support/serverProcess.js"
import { builtBinary, startServer, textOf } from "../support/serverProcess.js"

const cli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  spawnSync(process.execPath, [builtBinary, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 30_000
  })

const oipaToolNames = [
  "oipa_search_policies",
  "oipa_get_policy_details",
  "oipa_policy_counts_by_status",
  "oipa_search_clients",
  "oipa_client_portfolio",
  "oipa_expiring_policies"
]

// The personal data the sandbox is seeded with: none of it may leave in clear.
const rows = seedRows()
const personal = rows.AsClient.flatMap((client) =>
  [client.TaxID, client.DateOfBirth, client.Email].filter((value): value is string => typeof value === "string")
)

describe("serve --sandbox --connector oipa, over stdio with the SDK client", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "oipa-e2e-"))
  const env = {
    OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, "audit.db"),
    OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: randomBytes(32).toString("base64")
  }
  let session: ServerSession
  const results: Array<string> = []
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = await session.call(name, args)
    results.push(textOf(result), JSON.stringify(result.structuredContent ?? {}))
    return result
  }

  beforeAll(async () => {
    session = await startServer({ args: ["serve", "--sandbox", "--connector", "oipa"], env })
  })
  afterAll(async () => {
    await session?.close()
  })

  it("lists OIPA's six read-only tools and the server's own, and no OPERA tool", async () => {
    const listed = await session.client.listTools()
    const names = listed.tools.map((tool) => tool.name)
    expect(names.filter((name) => name.startsWith("oipa_")).sort()).toEqual([...oipaToolNames].sort())
    expect(names).toContain("security_health_check")
    expect(names).not.toContain("get_reservation")
    for (const tool of listed.tools.filter((entry) => entry.name.startsWith("oipa_"))) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true)
      expect(tool.outputSchema, tool.name).toBeDefined()
    }
  })

  it("runs every tool through the pipeline against the sandbox's SQL", async () => {
    const counts = await call("oipa_policy_counts_by_status")
    expect(counts.isError).toBeFalsy()
    const statuses = (counts.structuredContent as { statuses: Array<{ statusLabel: string | null; policies: number }>; total: number })
    expect(statuses.total).toBe(rows.AsPolicy.length)
    // Labels from AsCode, not codes.
    expect(statuses.statuses.some((status) => status.statusLabel === "Active")).toBe(true)

    const policy = rows.AsPolicy[0]!
    const found = await call("oipa_search_policies", { term: String(policy.PolicyNumber), limit: 5 })
    expect(found.isError).toBeFalsy()
    const policies = (found.structuredContent as { policies: Array<{ policyGuid: string; policyNumber: string }> }).policies
    expect(policies.map((entry) => entry.policyNumber)).toContain(policy.PolicyNumber)

    const details = await call("oipa_get_policy_details", { policyGuid: policy.PolicyGUID })
    expect(details.isError, textOf(details)).toBeFalsy()
    const detail = details.structuredContent as { roles: Array<{ client: { clientGuid: string; taxId: string | null } }> }
    expect(detail.roles.length).toBeGreaterThan(0)

    const clientGuid = detail.roles[0]!.client.clientGuid
    const portfolio = await call("oipa_client_portfolio", { clientGuid })
    expect(portfolio.isError, textOf(portfolio)).toBeFalsy()
    expect((portfolio.structuredContent as { policies: Array<unknown> }).policies.length).toBeGreaterThan(0)

    const clients = await call("oipa_search_clients", { term: "Brien", limit: 10 })
    expect(clients.isError, textOf(clients)).toBeFalsy()

    const today = new Date()
    const iso = (date: Date) => date.toISOString().slice(0, 10)
    const expiring = await call("oipa_expiring_policies", {
      from: iso(new Date(today.getTime() - 180 * 86_400_000)),
      to: iso(new Date(today.getTime() + 180 * 86_400_000))
    })
    expect(expiring.isError, textOf(expiring)).toBeFalsy()
  })

  it("treats injection-shaped terms as data, refuses bad input by name, and masks personal data", async () => {
    const injected = await call("oipa_search_clients", { term: "x' OR '1'='1", limit: 100 })
    expect(injected.isError, textOf(injected)).toBeFalsy()
    expect((injected.structuredContent as { clients: Array<unknown> }).clients).toEqual([])
    // The table is still there.
    const counts = await call("oipa_policy_counts_by_status")
    expect((counts.structuredContent as { total: number }).total).toBe(rows.AsPolicy.length)

    const tooMany = await call("oipa_search_clients", { term: "an", limit: 101 })
    expect(tooMany.isError).toBe(true)
    expect(textOf(tooMany)).toMatch(/limit/)
    const backwards = await call("oipa_expiring_policies", { from: "2027-02-01", to: "2027-01-01" })
    expect(backwards.isError).toBe(true)
    expect(textOf(backwards)).toMatch(/before from/)

    const everything = results.join("\n")
    expect(everything.length).toBeGreaterThan(1000)
    for (const value of personal) expect(everything, "a seeded tax id, birth date or e-mail in a result").not.toContain(value)
    for (const text of results) expect(text).not.toMatch(/ORA-\d|SQLITE_/)
  })

  it("reports the OIPA database in the health check", async () => {
    const health = await call("security_health_check")
    expect(health.isError, textOf(health)).toBeFalsy()
    expect((health.structuredContent as { upstream: unknown }).upstream).toMatchObject({
      connector: "oipa",
      reachable: true
    })
    expect(textOf(health)).toContain("OIPA database: reachable")
  })

  it("refuses a term shaped like SQL injection as high risk and blocks the client (the threat monitor's work)", async () => {
    const dropping = await call("oipa_search_policies", { term: "'; DROP TABLE AsPolicy--" })
    expect(dropping.isError).toBe(true)
    expect(textOf(dropping)).toContain("injection_shaped_arguments")
    const after = await call("oipa_policy_counts_by_status")
    expect(after.isError).toBe(true)
    expect(textOf(after)).toMatch(/blocked after security incident/)
  })

  it("audits every call, and keeps no personal data in clear in stderr or the audit db", async () => {
    await session.close()
    const stderr = session.stderr()
    for (const value of personal) expect(stderr).not.toContain(value)
    const report = cli(["audit", "report", "--hours", "1", "--json"], env)
    expect(report.status, report.stderr).toBe(0)
    const parsed = JSON.parse(report.stdout) as {
      totals: { toolCalls: number; refused: number }
      topTools: Array<{ tool: string; calls: number }>
    }
    // 13 calls in the tests above: the 2 refused for bad arguments, the injection and the blocked call too.
    expect(parsed.totals.toolCalls).toBe(13)
    expect(parsed.totals.refused).toBe(4)
    expect(parsed.topTools.find((tool) => tool.tool === "oipa_policy_counts_by_status")?.calls).toBe(3)
    const verify = cli(["audit", "verify", "--json"], env)
    expect(verify.status, verify.stderr).toBe(0)
    const files = [env.OPERA_SECURITY_AUDIT_DB_PATH, `${env.OPERA_SECURITY_AUDIT_DB_PATH}-wal`].filter(existsSync)
    const bytes = files.map((file) => readFileSync(file).toString("latin1")).join("\n")
    expect(bytes.length).toBeGreaterThan(0)
    for (const value of personal) expect(bytes).not.toContain(value)
  })
})
