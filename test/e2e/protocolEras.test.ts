import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { mcpHeaders, rawRequest } from "../mcp/http/harness.js"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { builtBinary, startServer } from "../support/serverProcess.js"
import type { Era } from "../support/v2Client.js"
import { connectV2Http, startV2Stdio } from "../support/v2Client.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, startHttpServerProcess } from "./httpServerProcess.js"

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

const exported = (env: Record<string, string>) => {
  const run = spawnSync(process.execPath, [builtBinary, "audit", "export", "--reveal"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 30_000
  })
  expect(run.status, run.stderr).toBe(0)
  return run.stdout.trim().split("\n").filter((line) => line !== "").map((line) =>
    JSON.parse(line) as { clientId: string; tool?: string; kind: string }
  )
}

const eras: ReadonlyArray<Era> = ["modern", "legacy"]

describe("both protocol eras over stdio, with the v2 SDK client", () => {
  let opera: RunningSandbox
  beforeAll(async () => {
    opera = await startSandbox({ OPERA_MCP_REQUIRE_CONFIRMATION: "false" })
  })
  afterAll(async () => {
    await opera?.stop()
  })

  for (const era of eras) {
    it(`${era}: lists the tools and runs a search and a read`, async () => {
      const session = await startV2Stdio({ args: ["serve"], env: opera.env, era })
      try {
        expect(session.client.getNegotiatedProtocolVersion()).toBe(era === "modern" ? "2026-07-28" : "2025-11-25")
        const { tools } = await session.client.listTools()
        expect(tools.find((tool) => tool.name === "cancel_reservation")?.annotations?.destructiveHint).toBe(true)
        const found = await session.call("search_reservations", { arrivalFrom: inDays(0), arrivalTo: inDays(5), limit: 2 })
        expect(found.isError).toBeFalsy()
        const first = (found.structuredContent as { reservations: Array<{ reservationId: string }> }).reservations[0]!
        const read = await session.call("get_reservation", { reservationId: first.reservationId })
        expect(read.isError).toBeFalsy()
      } finally {
        await session.close()
      }
    })
  }

  it("audits a stdio caller as its process, never as the clientInfo name it declares", async () => {
    const session = await startServer({ args: ["serve"], env: opera.env, clientName: "front-desk-admin" })
    try {
      expect((await session.call("list_hotels")).isError).toBeFalsy()
    } finally {
      await session.close()
    }
    const rows = exported(opera.env).filter((row) => row.tool === "list_hotels")
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) expect(row.clientId).toMatch(/^stdio#[0-9a-f]{8}$/)
  })
})

describe("both protocol eras over Streamable HTTP", () => {
  const env = { OPERA_MCP_CLIENTS_FILE: path.join(mkdtempSync(path.join(tmpdir(), "opera-eras-")), "clients.json") }
  let server: HttpServerProcess
  let url: string
  let key: string
  let viewerKey: string

  beforeAll(async () => {
    key = addClient(env, "night-audit")
    viewerKey = addClient(env, "viewer", ["--read-only", "--tools", "search_reservations,security_health_check"])
    const port = await freePort()
    url = `http://127.0.0.1:${port}/mcp`
    server = await startHttpServerProcess(["--sandbox", "--port", String(port)], env)
  })
  afterAll(async () => {
    if (server !== undefined && server.child.exitCode === null) server.child.kill("SIGKILL")
  })

  for (const era of eras) {
    it(`${era}: lists the tools and runs a search with the v2 client`, async () => {
      const session = await connectV2Http(url, key, era)
      try {
        expect(session.client.getNegotiatedProtocolVersion()).toBe(era === "modern" ? "2026-07-28" : "2025-11-25")
        expect((await session.client.listTools()).tools.length).toBeGreaterThan(5)
        const found = await session.call("search_reservations", { arrivalFrom: inDays(0), limit: 2 })
        expect(found.isError).toBeFalsy()
      } finally {
        await session.close()
      }
    })
  }

  for (const era of eras) {
    it(`${era}: the caller is the key, whose policy narrows what it may list and call`, async () => {
      const viewer = await connectV2Http(url, viewerKey, era)
      try {
        expect((await viewer.client.listTools()).tools.map((tool) => tool.name).sort())
          .toEqual(["search_reservations", "security_health_check"])
        const refused = await viewer.call("create_reservation", {})
        expect(refused.isError).toBe(true)
      } finally {
        await viewer.close()
      }
    })
  }

  const envelope = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
    "io.modelcontextprotocol/clientCapabilities": {}
  }
  const modernHeaders = (method: string, name?: string) => ({
    ...mcpHeaders(key),
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": method,
    ...(name !== undefined ? { "mcp-name": name } : {})
  })

  it("answers a 2026-07-28 request on its own: no session, discover and tools/list marked cacheable per client", async () => {
    const discover = await rawRequest(url, {
      headers: modernHeaders("server/discover"),
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "server/discover", params: { _meta: envelope } })
    })
    expect(discover.status, discover.body).toBe(200)
    expect(discover.headers["mcp-session-id"]).toBeUndefined()
    const discovered = JSON.parse(discover.body) as { result: { supportedVersions: Array<string>; ttlMs: number; cacheScope: string } }
    expect(discovered.result.supportedVersions).toContain("2026-07-28")
    expect(discovered.result.cacheScope).toBe("private")

    const listed = await rawRequest(url, {
      headers: modernHeaders("tools/list"),
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: { _meta: envelope } })
    })
    expect(listed.status, listed.body).toBe(200)
    const list = JSON.parse(listed.body) as { result: { tools: Array<unknown>; ttlMs: number; cacheScope: string } }
    expect(list.result.tools.length).toBeGreaterThan(5)
    expect(list.result).toMatchObject({ ttlMs: 300_000, cacheScope: "private" })
  })

  it("refuses a 2026-07-28 request whose Mcp-Method or Mcp-Name header disagrees with its body", async () => {
    const call = JSON.stringify({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "list_hotels", arguments: {}, _meta: envelope }
    })
    const wrongMethod = await rawRequest(url, { headers: modernHeaders("tools/list"), body: call })
    expect(wrongMethod.status).toBe(400)
    const wrongName = await rawRequest(url, { headers: modernHeaders("tools/call", "cancel_reservation"), body: call })
    expect(wrongName.status).toBe(400)
    const right = await rawRequest(url, { headers: modernHeaders("tools/call", "list_hotels"), body: call })
    expect(right.status, right.body).toBe(200)
  })

  it("still requires the API key on 2026-07-28 requests", async () => {
    const headers = { ...mcpHeaders(), "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" }
    const refused = await rawRequest(url, {
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id: 4, method: "tools/list", params: { _meta: envelope } })
    })
    expect(refused.status).toBe(401)
  })
})
