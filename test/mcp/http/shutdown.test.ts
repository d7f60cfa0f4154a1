import { describe, expect, it } from "vitest"
import { connectClient, rawRequest, startHttpFixture } from "./harness.js"

describe("HTTP transport shutdown", () => {
  it("finishes a call in flight, then closes sessions and stops listening", async () => {
    const fixture = await startHttpFixture({ OPERA_MCP_HTTP_SHUTDOWN_GRACE_MS: "10000" }, { alpha: { readOnly: false } })
    const url = fixture.server.url
    const alpha = await connectClient(url, fixture.keys.alpha!)
    await fixture.injectFault({ target: { operationId: "pingReservationService" }, fault: { _tag: "Latency", millis: 1500 } })
    const started = Date.now()
    const inFlight = alpha.call("security_health_check")
    await new Promise((resolve) => setTimeout(resolve, 400))
    await fixture.stop()
    const result = await inFlight
    expect(result.isError).toBeFalsy()
    expect((result.structuredContent as { upstream: { reachable: boolean } }).upstream.reachable).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
    await expect(rawRequest(url.replace(/\/mcp$/, "/healthz"), { method: "GET" })).rejects.toThrow(/ECONNREFUSED/)
    await alpha.close().catch(() => undefined)
  })
})
