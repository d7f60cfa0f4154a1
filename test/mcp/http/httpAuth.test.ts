import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { HttpFixture } from "./harness.js"
import { connectClient, initializeBody, mcpHeaders, rawRequest, startHttpFixture, textOf } from "./harness.js"

describe("HTTP transport: API keys, per-client limits and policy, source lockout", () => {
  let fixture: HttpFixture
  let url: string
  // The test process is the trusted proxy: X-Forwarded-For picks the source address per test.
  const from = (address: string) => ({ "x-forwarded-for": address })

  beforeAll(async () => {
    fixture = await startHttpFixture({
      OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: "3",
      OPERA_SECURITY_MAX_FAILED_ATTEMPTS: "3",
      OPERA_MCP_TRUSTED_PROXIES: "127.0.0.1/32",
      OPERA_MCP_HTTP_MAX_BODY_BYTES: "2048"
    }, {
      alpha: { readOnly: false },
      beta: { readOnly: true, tools: ["security_health_check", "search_reservations", "get_reservation"] },
      gamma: { readOnly: false }
    })
    url = fixture.server.url
  })
  afterAll(async () => {
    await fixture?.stop()
  })

  it("answers a request without a key with 401, WWW-Authenticate and nothing else", async () => {
    const response = await rawRequest(url, { headers: mcpHeaders(), body: initializeBody })
    expect(response.status).toBe(401)
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="opera-cloud-mcp"')
    expect(response.body).toBe("")
  })

  it("gives each client its own rate limit", async () => {
    const alpha = await connectClient(url, fixture.keys.alpha!, from("192.0.2.1"))
    const beta = await connectClient(url, fixture.keys.beta!, from("192.0.2.1"))
    for (let call = 0; call < 3; call++) {
      expect((await alpha.call("security_health_check")).isError).toBeFalsy()
    }
    const limited = await alpha.call("security_health_check")
    expect(limited.isError).toBe(true)
    expect(textOf(limited)).toMatch(/Rate limit reached for security_health_check/)
    for (let call = 0; call < 3; call++) {
      expect((await beta.call("security_health_check")).isError).toBeFalsy()
    }
    await alpha.close()
    await beta.close()
  })

  it("applies the key's policy and locks out only the client that keeps failing", async () => {
    const alpha = await connectClient(url, fixture.keys.alpha!, from("192.0.2.2"))
    const beta = await connectClient(url, fixture.keys.beta!, from("192.0.2.2"))
    const listed = (await beta.client.listTools()).tools.map((tool) => tool.name).sort()
    expect(listed).toEqual(["get_reservation", "search_reservations", "security_health_check"])
    const refused = await beta.call("cancel_reservation", { reservationId: "1" })
    expect(refused.isError).toBe(true)
    expect(textOf(refused)).toMatch(/read-only|not allowed for this client/)
    await beta.call("search_guests", { surname: "Smith" })
    await beta.call("create_reservation", {})
    const locked = await beta.call("get_reservation", { reservationId: "500001" })
    expect(textOf(locked)).toMatch(/locked out/)
    const other = await alpha.call("get_reservation", { reservationId: "500001" })
    expect(textOf(other)).not.toMatch(/locked out/)
    const rows = await fixture.trail(["tool_call", "security"])
    expect(rows.some((row) => row.clientId === "beta" && row.errorTag === "ClientLockedOut")).toBe(true)
    await alpha.close()
    await beta.close()
  })

  it("refuses a revoked key from its next request on, in a session already open", async () => {
    const gamma = await connectClient(url, fixture.keys.gamma!, from("192.0.2.3"))
    expect((await gamma.call("security_health_check")).isError).toBeFalsy()
    await fixture.revoke("gamma")
    await expect(gamma.call("security_health_check")).rejects.toThrow()
    const raw = await rawRequest(url, { headers: { ...mcpHeaders(fixture.keys.gamma), ...from("192.0.2.3") }, body: initializeBody })
    expect(raw.status).toBe(401)
    expect(raw.headers["www-authenticate"]).toMatch(/error="invalid_token"/)
    await gamma.close().catch(() => undefined)
  })

  it("locks out a source address after N wrong keys for unknown keys only, audits it and opens an incident", async () => {
    const wrong = "ocm_" + "A".repeat(43)
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await rawRequest(url, { headers: { ...mcpHeaders(wrong), ...from("198.51.100.7") }, body: initializeBody })
      expect(response.status).toBe(401)
      expect(response.body).toBe("")
    }
    const locked = await rawRequest(url, { headers: { ...mcpHeaders(wrong), ...from("198.51.100.7") }, body: initializeBody })
    expect(locked.status).toBe(429)
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0)
    const valid = await rawRequest(url, { headers: { ...mcpHeaders(fixture.keys.alpha), ...from("198.51.100.7") }, body: initializeBody })
    expect(valid.status).toBe(200)
    const elsewhere = await rawRequest(url, { headers: { ...mcpHeaders(fixture.keys.alpha), ...from("198.51.100.8") }, body: initializeBody })
    expect(elsewhere.status).toBe(200)
    const rows = await fixture.trail(["security"])
    const failures = rows.filter((row) => row.errorTag === "AuthenticationFailed" && row.sensitive.ipAddress === "198.51.100.7")
    // The refusals while locked out are neither counted nor audited one by one.
    expect(failures.length).toBe(3)
    const lockout = rows.filter((row) => row.errorTag === "SourceLockedOut" && row.sensitive.ipAddress === "198.51.100.7")
    expect(lockout.length).toBe(1)
    expect(lockout[0]!.correlationId).toMatch(/^INC-/)
    for (const row of rows) expect(JSON.stringify(row)).not.toContain(wrong)
  })

  it("keeps a session to the client that opened it", async () => {
    const alpha = await connectClient(url, fixture.keys.alpha!, from("192.0.2.4"))
    const stolen = await rawRequest(url, {
      headers: { ...mcpHeaders(fixture.keys.beta), ...from("192.0.2.4"), "mcp-session-id": alpha.sessionId()! },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" })
    })
    expect(stolen.status).toBe(404)
    const noSession = await rawRequest(url, {
      headers: { ...mcpHeaders(fixture.keys.alpha), ...from("192.0.2.4") },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" })
    })
    expect(noSession.status).toBe(400)
    await alpha.close()
  })

  it("refuses foreign Host and Origin headers (DNS rebinding) and oversized bodies", async () => {
    const headers = { ...mcpHeaders(fixture.keys.alpha), ...from("192.0.2.5") }
    const port = fixture.server.port
    expect((await rawRequest(url, { headers: { ...headers, host: "evil.example.com" }, body: initializeBody })).status).toBe(403)
    expect((await rawRequest(url, { headers: { ...headers, origin: "http://evil.example.com" }, body: initializeBody })).status)
      .toBe(403)
    expect((await rawRequest(url, { headers: { ...headers, host: `localhost:${port}`, origin: `http://localhost:${port}` }, body: initializeBody })).status)
      .toBe(200)
    const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { padding: "x".repeat(4096) } })
    expect((await rawRequest(url, { headers, body: big })).status).toBe(413)
    const malformed = await rawRequest(url, { headers, body: "{not json" })
    expect(malformed.status).toBe(400)
    expect(JSON.parse(malformed.body).error.code).toBe(-32700)
  })

  it("serves /healthz and /readyz without authentication and without details", async () => {
    const base = url.replace(/\/mcp$/, "")
    const health = await rawRequest(`${base}/healthz`, { method: "GET" })
    expect(health.status).toBe(200)
    expect(JSON.parse(health.body)).toEqual({ status: "ok" })
    const ready = await rawRequest(`${base}/readyz`, { method: "GET" })
    expect(ready.status).toBe(200)
    expect(JSON.parse(ready.body)).toEqual({ ready: true, connector: "opera", upstream: "reachable", audit: "ok", securityState: "ok" })
    expect((await rawRequest(`${base}/other`, { method: "GET" })).status).toBe(404)
  })
})
