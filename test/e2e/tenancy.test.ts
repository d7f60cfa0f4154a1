import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { connectClient, initializeBody, mcpHeaders, rawRequest } from "../mcp/http/harness.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, runCli, startHttpServerProcess } from "./httpServerProcess.js"

// A documentation address (RFC 5737) as the client behind the trusted proxy that guesses keys.
const guessingAddress = "203.0.113.77"

interface HealthSecurity {
  readonly view: string
  readonly threatLevel: string
  readonly lockedOutClients: ReadonlyArray<{ readonly clientId: string }>
  readonly blockedClients: ReadonlyArray<{ readonly clientId: string }>
  readonly recentIncidents: ReadonlyArray<{ readonly clientId: string }>
}

const securityOf = (result: CallToolResult) => (result.structuredContent as { security: HealthSecurity }).security
const reportOf = (result: CallToolResult) =>
  result.structuredContent as { view: string; report: { uniqueClients: number; totals: { toolCalls: number } } }
const everything = (result: CallToolResult) => JSON.stringify(result)

describe("what each HTTP client sees of the house's security state (serve --http --sandbox)", () => {
  const env = {
    OPERA_MCP_CLIENTS_FILE: path.join(mkdtempSync(path.join(tmpdir(), "opera-tenancy-")), "clients.json"),
    OPERA_SECURITY_MAX_FAILED_ATTEMPTS: "3",
    OPERA_MCP_TRUSTED_PROXIES: "127.0.0.1/32"
  }
  let server: HttpServerProcess
  let url: string
  let securityKey: string
  let frontDeskKey: string
  let intruderKey: string

  beforeAll(async () => {
    securityKey = addClient(env, "security-team", ["--admin", "--read-only"])
    frontDeskKey = addClient(env, "front-desk", ["--read-only"])
    intruderKey = addClient(env, "intruder", ["--read-only", "--tools", "list_hotels"])
    const port = await freePort()
    url = `http://127.0.0.1:${port}/mcp`
    server = await startHttpServerProcess(["--sandbox", "--port", String(port)], env)

    // One client locks itself out with refused calls; one source address locks itself out with wrong keys.
    const intruder = await connectClient(url, intruderKey)
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await intruder.call("search_reservations", {})).isError).toBe(true)
    }
    await intruder.close()
    const wrongKey = `ocm_${"x".repeat(43)}`
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = await rawRequest(url, {
        headers: { ...mcpHeaders(wrongKey), "x-forwarded-for": guessingAddress },
        body: initializeBody
      })
      expect(refused.status).toBe(401)
    }
  }, 60_000)
  afterAll(() => {
    if (server !== undefined && server.child.exitCode === null) server.child.kill("SIGKILL")
  })

  it("a client without an admin policy sees only its own lockouts, blocks, incidents and calls", async () => {
    const frontDesk = await connectClient(url, frontDeskKey)
    expect((await frontDesk.call("list_hotels")).isError).toBeFalsy()
    const health = await frontDesk.call("security_health_check")
    expect(health.isError).toBeFalsy()
    const security = securityOf(health)
    expect(security.view).toBe("own")
    expect(security.lockedOutClients).toEqual([])
    expect(security.blockedClients).toEqual([])
    expect(security.recentIncidents).toEqual([])
    expect(everything(health)).not.toContain("intruder")
    expect(everything(health)).not.toContain("source:")

    const report = await frontDesk.call("get_security_report", { hours: 1 })
    expect(report.isError).toBeFalsy()
    expect(reportOf(report).view).toBe("own")
    // Its own list_hotels and health check, not the intruder's refused calls.
    expect(reportOf(report).report.uniqueClients).toBe(1)
    expect(reportOf(report).report.totals.toolCalls).toBe(2)
    await frontDesk.close()
  })

  it("an admin client sees the house-wide view, a source address only as a fingerprint", async () => {
    const team = await connectClient(url, securityKey)
    const health = await team.call("security_health_check")
    expect(health.isError).toBeFalsy()
    const security = securityOf(health)
    expect(security.view).toBe("house")
    const locked = security.lockedOutClients.map((lockout) => lockout.clientId)
    expect(locked).toContain("intruder")
    const sources = locked.filter((id) => id.startsWith("source:"))
    expect(sources).toHaveLength(1)
    expect(sources[0]).toMatch(/^source:ip:[0-9a-f]{12}$/)

    const report = await team.call("get_security_report", { hours: 1 })
    expect(reportOf(report).view).toBe("house")
    expect(reportOf(report).report.uniqueClients).toBeGreaterThanOrEqual(3)
    await team.close()
  })

  it("no result names an IP address, and clients list shows who is admin", async () => {
    for (const key of [securityKey, frontDeskKey]) {
      const client = await connectClient(url, key)
      for (const tool of ["security_health_check", "get_security_report"]) {
        const text = everything(await client.call(tool))
        expect(text).not.toContain(guessingAddress)
        expect(text).not.toMatch(/\b127\.0\.0\.1\b/)
      }
      await client.close()
    }
    const listed = runCli(["clients", "list", "--json"], env)
    expect(listed.status).toBe(0)
    const rows = JSON.parse(listed.stdout) as Array<{ name: string; admin: boolean }>
    expect(Object.fromEntries(rows.map((row) => [row.name, row.admin])))
      .toEqual({ "security-team": true, "front-desk": false, "intruder": false })
  })
})
