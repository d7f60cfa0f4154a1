import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { allowedHostsFor, refuseHostOrOrigin, resolvePeer } from "../../../src/mcp/http/networkPolicy.js"
import { parseIpAllowList } from "../../../src/security/ipAllowList.js"
import type { HttpFixture } from "./harness.js"
import { initializeBody, mcpHeaders, rawRequest, startHttpFixture } from "./harness.js"

const allowList = (entries: ReadonlyArray<string>) => Effect.runSync(parseIpAllowList(entries))

describe("resolvePeer", () => {
  const proxies = allowList(["127.0.0.1/32", "10.9.0.0/16"])
  it("believes X-Forwarded-For only from a trusted proxy", () => {
    expect(resolvePeer("::ffff:127.0.0.1", "203.0.113.9", proxies)).toBe("203.0.113.9")
    expect(resolvePeer("192.0.2.50", "203.0.113.9", proxies)).toBe("192.0.2.50")
    expect(resolvePeer("127.0.0.1", "203.0.113.9", allowList([]))).toBe("127.0.0.1")
  })
  it("takes the rightmost hop that is not a trusted proxy, so a client cannot prepend a forged one", () => {
    expect(resolvePeer("127.0.0.1", "10.1.1.1, 198.51.100.4, 10.9.3.3", proxies)).toBe("198.51.100.4")
    expect(resolvePeer("127.0.0.1", ["10.1.1.1", "198.51.100.4"], proxies)).toBe("198.51.100.4")
    expect(resolvePeer("127.0.0.1", "10.9.1.1", proxies)).toBe("10.9.1.1")
    expect(resolvePeer(undefined, "203.0.113.9", proxies)).toBeUndefined()
  })
})

describe("Host and Origin allow-lists", () => {
  it("defaults to the loopback spellings with the port on loopback, and to nothing on a wildcard bind", () => {
    expect(allowedHostsFor("127.0.0.1", 8080, [])).toEqual(["localhost:8080", "127.0.0.1:8080", "[::1]:8080"])
    expect(allowedHostsFor("0.0.0.0", 8080, [])).toBeUndefined()
    expect(allowedHostsFor("0.0.0.0", 8080, ["MCP.hotel.example:443"])).toEqual(["mcp.hotel.example:443"])
    expect(allowedHostsFor("192.0.2.10", 8443, [])).toEqual(["192.0.2.10:8443"])
  })
  it("refuses a missing or foreign Host and a foreign Origin; no Origin is fine", () => {
    const hosts = ["localhost:8080"]
    const origins = ["http://localhost:8080"]
    expect(refuseHostOrOrigin("localhost:8080", undefined, hosts, origins)).toBeUndefined()
    expect(refuseHostOrOrigin("LOCALHOST:8080", "http://localhost:8080", hosts, origins)).toBeUndefined()
    expect(refuseHostOrOrigin(undefined, undefined, hosts, origins)).toMatch(/Host/)
    expect(refuseHostOrOrigin("evil.example:8080", undefined, hosts, origins)).toMatch(/Host/)
    expect(refuseHostOrOrigin("localhost:8080", "http://evil.example", hosts, origins)).toMatch(/Origin/)
    expect(refuseHostOrOrigin("localhost:8080", "null", hosts, origins)).toMatch(/Origin/)
  })
})

describe("IP allow-list behind a trusted proxy", () => {
  let fixture: HttpFixture
  beforeAll(async () => {
    fixture = await startHttpFixture({
      OPERA_SECURITY_ALLOWED_IP_ADDRESSES: "10.0.0.0/8",
      OPERA_MCP_TRUSTED_PROXIES: "127.0.0.1/32"
    }, { alpha: { readOnly: false } })
  })
  afterAll(async () => {
    await fixture?.stop()
  })

  it("refuses and audits a peer outside the list, named by the trusted proxy", async () => {
    const headers = { ...mcpHeaders(fixture.keys.alpha), "x-forwarded-for": "203.0.113.9" }
    const refused = await rawRequest(fixture.server.url, { headers, body: initializeBody })
    expect(refused.status).toBe(403)
    expect(refused.body).toMatch(/OPERA_SECURITY_ALLOWED_IP_ADDRESSES/)
    expect(refused.body).not.toContain("203.0.113.9")
    const rows = await fixture.trail(["security"])
    expect(rows.some((row) => row.errorTag === "PeerNotAllowed" && row.sensitive.ipAddress === "203.0.113.9")).toBe(true)
    const allowed = await rawRequest(fixture.server.url, {
      headers: { ...headers, "x-forwarded-for": "10.1.2.3" },
      body: initializeBody
    })
    expect(allowed.status).toBe(200)
    // The proxy itself (loopback) is not in the list: without the header it is refused.
    const direct = await rawRequest(fixture.server.url, { headers: mcpHeaders(fixture.keys.alpha), body: initializeBody })
    expect(direct.status).toBe(403)
  })
})

describe("IP allow-list with no trusted proxy", () => {
  let fixture: HttpFixture
  beforeAll(async () => {
    fixture = await startHttpFixture({ OPERA_SECURITY_ALLOWED_IP_ADDRESSES: "127.0.0.1/32" }, { alpha: { readOnly: false } })
  })
  afterAll(async () => {
    await fixture?.stop()
  })

  it("ignores a forged X-Forwarded-For from an untrusted peer", async () => {
    const forged = await rawRequest(fixture.server.url, {
      headers: { ...mcpHeaders(fixture.keys.alpha), "x-forwarded-for": "203.0.113.9" },
      body: initializeBody
    })
    expect(forged.status).toBe(200)
    const rows = await fixture.trail(["security"])
    expect(rows.filter((row) => row.errorTag === "PeerNotAllowed")).toEqual([])
  })
})
