import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { connectClient, initializeBody, mcpHeaders, rawRequest } from "../mcp/http/harness.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, startHttpServerProcess } from "./httpServerProcess.js"

const today = new Date().toISOString().slice(0, 10)

const value = (text: string, series: string): number | undefined => {
  const found = text.split("\n").find((line) => line.startsWith(`${series} `))
  return found === undefined ? undefined : Number(found.slice(series.length + 1))
}

describe("/metrics of the built server: OPERA, audit and session series, and a scrape-only credential", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "opera-metrics-"))
  const metricsToken = randomBytes(32).toString("base64url")
  const env = { OPERA_MCP_CLIENTS_FILE: path.join(dir, "clients.json"), OPERA_MCP_METRICS_TOKEN: metricsToken }
  let server: HttpServerProcess
  let url: string
  let metricsUrl: string
  let opsKey: string

  const scrape = async (credential: string) =>
    rawRequest(metricsUrl, { method: "GET", headers: { authorization: `Bearer ${credential}` } })

  beforeAll(async () => {
    opsKey = addClient(env, "ops")
    const port = await freePort()
    url = `http://127.0.0.1:${port}/mcp`
    metricsUrl = `http://127.0.0.1:${port}/metrics`
    server = await startHttpServerProcess(["--sandbox", "--port", String(port)], env)
  }, 60_000)
  afterAll(() => {
    if (server !== undefined && server.child.exitCode === null) server.child.kill("SIGKILL")
  })

  it("the scrape token opens /metrics, an MCP key still does, and the scrape token never opens /mcp", async () => {
    expect((await scrape(metricsToken)).status).toBe(200)
    expect((await scrape(opsKey)).status).toBe(200)
    expect((await scrape(`${metricsToken}x`)).status).toBe(401)
    expect((await rawRequest(metricsUrl, { method: "GET" })).status).toBe(401)
    const mcp = await rawRequest(url, { headers: mcpHeaders(metricsToken), body: initializeBody })
    expect(mcp.status).toBe(401)
  })

  it("exposes OPERA latency and status, breaker, token failures, audit degraded, pending intents and sessions", async () => {
    const client = await connectClient(url, opsKey)
    const found = await client.call("search_reservations", { arrivalFrom: today, limit: 3 })
    expect(found.isError).toBeFalsy()
    const response = await scrape(metricsToken)
    expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0.0.4/)
    const text = response.body
    expect(value(text, 'opera_mcp_opera_requests_total{failure="none",status_class="2xx"}'), text).toBeGreaterThan(0)
    expect(text).toMatch(/^opera_mcp_opera_request_duration_seconds_count\{operation="[A-Za-z]+",status="200"\} [1-9]/m)
    expect(text).toMatch(/^opera_mcp_opera_request_duration_seconds_bucket\{operation="[A-Za-z]+",status="200",le="\+Inf"\} [1-9]/m)
    expect(text).toContain("# TYPE opera_mcp_opera_token_failures_total counter")
    // One +Inf bucket per series (Effect's own Infinity bound is not repeated).
    expect(text).not.toContain('le="Infinity"')
    expect(value(text, "opera_mcp_opera_circuit_breaker_state")).toBe(0)
    expect(value(text, "opera_mcp_audit_degraded")).toBe(0)
    expect(value(text, "opera_mcp_audit_pending_intents")).toBe(0)
    expect(value(text, "opera_mcp_http_sessions")).toBeGreaterThanOrEqual(1)
    // Labels: operation ids, status and cause classes only; never a key, a hotel's data or a request id.
    expect(text).not.toContain(opsKey)
    expect(text).not.toContain(metricsToken)
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/)
    await client.close()
  }, 60_000)

  it("never writes the scrape token to the log", async () => {
    server.child.kill("SIGTERM")
    await server.exited
    expect(server.stderr()).not.toContain(metricsToken)
    expect(server.stdout()).toBe("")
  })
})
