import { HashMap, Option, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { errorTagOf, renderMetrics, renderOperational, scrapeTokenMatches } from "../../../src/mcp/http/metrics.js"
import type { HttpFixture } from "./harness.js"
import { connectClient, rawRequest, startHttpFixture } from "./harness.js"

const metric = (text: string, line: string): number => {
  const found = text.split("\n").find((entry) => entry.startsWith(`${line} `))
  return found === undefined ? 0 : Number(found.slice(line.length + 1))
}

describe("HTTP transport: /metrics", () => {
  let fixture: HttpFixture
  let metricsUrl: string
  const scrape = async (key: string) => {
    const response = await rawRequest(metricsUrl, { method: "GET", headers: { authorization: `Bearer ${key}` } })
    expect(response.status).toBe(200)
    expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0.0.4/)
    return response.body
  }

  beforeAll(async () => {
    fixture = await startHttpFixture({ OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: "2" }, {
      ops: { readOnly: false },
      viewer: { readOnly: true }
    })
    metricsUrl = fixture.server.url.replace(/\/mcp$/, "/metrics")
  })
  afterAll(async () => {
    await fixture?.stop()
  })

  it("refuses a scrape without a valid key with a bare 401", async () => {
    const none = await rawRequest(metricsUrl, { method: "GET" })
    expect(none.status).toBe(401)
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="opera-cloud-mcp"')
    expect(none.body).toBe("")
    const wrong = await rawRequest(metricsUrl, { method: "GET", headers: { authorization: "Bearer ocm_not-a-real-key" } })
    expect(wrong.status).toBe(401)
  })

  it("counts calls by tool and outcome, errors by tag, limiter rejections and latency", async () => {
    const before = await scrape(fixture.keys.viewer!)
    const ops = await connectClient(fixture.server.url, fixture.keys.ops!)
    for (let call = 0; call < 3; call++) await ops.call("security_health_check")
    await ops.call("no_such_tool_x")
    const viewer = await connectClient(fixture.server.url, fixture.keys.viewer!)
    await viewer.call("cancel_reservation", { reservationId: "500001" })
    await ops.close()
    await viewer.close()
    const after = await scrape(fixture.keys.viewer!)
    const delta = (line: string) => metric(after, line) - metric(before, line)
    expect(delta('opera_mcp_tool_calls_total{tool="security_health_check",outcome="success"}')).toBe(2)
    expect(delta('opera_mcp_tool_calls_total{tool="security_health_check",outcome="error"}')).toBe(1)
    expect(delta('opera_mcp_rate_limited_total{tool="security_health_check",limiter="client"}')).toBe(1)
    expect(delta('opera_mcp_tool_errors_total{error="RateLimited"}')).toBe(1)
    expect(delta('opera_mcp_tool_calls_total{tool="unknown",outcome="error"}')).toBe(1)
    expect(delta('opera_mcp_tool_calls_total{tool="cancel_reservation",outcome="error"}')).toBe(1)
    expect(delta('opera_mcp_tool_call_duration_seconds_count{tool="security_health_check"}')).toBe(3)
    expect(delta('opera_mcp_tool_call_duration_seconds_bucket{tool="security_health_check",le="+Inf"}')).toBe(3)
    // The caller's own text (an unknown tool name, arguments) never becomes a label.
    expect(after).not.toContain("no_such_tool_x")
    expect(after).not.toContain("500001")
  })
})

describe("metrics rendering", () => {
  it("classifies outcomes and renders an empty registry as headers only", () => {
    expect(errorTagOf({ isError: false, text: "ok" })).toBeUndefined()
    expect(errorTagOf({ isError: true, text: "Rate limit reached for x: at most 1" })).toBe("RateLimited")
    expect(errorTagOf({ isError: true, text: "Too many OPERA requests from this server right now" })).toBe("UpstreamThrottled")
    expect(errorTagOf({ isError: true, text: "something else" })).toBe("unclassified")
    expect(errorTagOf({ isError: true, text: "nope", errorTag: "ReadOnlyMode" } as never)).toBe("ReadOnlyMode")
    const text = renderMetrics({
      calls: HashMap.empty(),
      errors: HashMap.empty(),
      rateLimited: HashMap.empty(),
      latency: HashMap.empty()
    })
    expect(text.split("\n").filter((line) => line !== "" && !line.startsWith("#"))).toEqual([])
  })
})

describe("the scrape credential and the operational series", () => {
  const token = Option.some(Redacted.make("s".repeat(40)))

  it("matches only the configured token, as a bearer credential", () => {
    expect(scrapeTokenMatches(token, `Bearer ${"s".repeat(40)}`)).toBe(true)
    expect(scrapeTokenMatches(token, `bearer ${"s".repeat(40)}`)).toBe(true)
    expect(scrapeTokenMatches(token, `Bearer ${"s".repeat(39)}`)).toBe(false)
    expect(scrapeTokenMatches(token, `Bearer ${"s".repeat(41)}`)).toBe(false)
    expect(scrapeTokenMatches(token, "s".repeat(40))).toBe(false)
    expect(scrapeTokenMatches(token, undefined)).toBe(false)
    expect(scrapeTokenMatches(Option.none(), `Bearer ${"s".repeat(40)}`)).toBe(false)
  })

  it("renders the breaker, audit and session gauges, and leaves pending intents out when they cannot be counted", () => {
    const text = renderOperational({ breaker: 2, auditDegraded: true, pendingIntents: undefined, sessions: 3, registry: [] })
    expect(text).toContain("\nopera_mcp_opera_circuit_breaker_state 2\n")
    expect(text).toContain("\nopera_mcp_audit_degraded 1\n")
    expect(text).toContain("\nopera_mcp_http_sessions 3\n")
    expect(text).not.toMatch(/^opera_mcp_audit_pending_intents /m)
    const counted = renderOperational({ breaker: 0, auditDegraded: false, pendingIntents: 4, sessions: 0, registry: [] })
    expect(counted).toContain("\nopera_mcp_audit_pending_intents 4\n")
  })
})
