import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { connectClient, initializeBody, mcpHeaders, rawRequest } from "../mcp/http/harness.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, runCli, startHttpServerProcess } from "./httpServerProcess.js"

const today = new Date().toISOString().slice(0, 10)

describe("the built server over Streamable HTTP (serve --http --sandbox)", () => {
  const env = { OPERA_MCP_CLIENTS_FILE: path.join(mkdtempSync(path.join(tmpdir(), "opera-http-")), "clients.json") }
  let server: HttpServerProcess
  let url: string
  let opsKey: string
  let viewerKey: string

  beforeAll(async () => {
    opsKey = addClient(env, "ops")
    viewerKey = addClient(env, "viewer", ["--read-only", "--tools", "search_reservations,security_health_check"])
    const port = await freePort()
    url = `http://127.0.0.1:${port}/mcp`
    server = await startHttpServerProcess(["--sandbox", "--port", String(port)], env)
  })
  afterAll(async () => {
    if (server !== undefined && server.child.exitCode === null) server.child.kill("SIGKILL")
  })

  it("serves tool calls to a client with a key, within its own policy", async () => {
    const ops = await connectClient(url, opsKey)
    const found = await ops.call("search_reservations", { arrivalFrom: today, limit: 3 })
    expect(found.isError).toBeFalsy()
    const viewer = await connectClient(url, viewerKey)
    expect((await viewer.client.listTools()).tools.map((tool) => tool.name).sort())
      .toEqual(["search_reservations", "security_health_check"])
    const refused = await viewer.call("create_reservation", {})
    expect(refused.isError).toBe(true)
    await ops.close()
    await viewer.close()
  })

  it("lists clients without keys and refuses a revoked key at once", async () => {
    const listed = runCli(["clients", "list", "--json"], env)
    expect(listed.status).toBe(0)
    expect(listed.stdout).not.toContain(viewerKey)
    expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((client) => client.name).sort()).toEqual(["ops", "viewer"])
    const viewer = await connectClient(url, viewerKey)
    expect((await viewer.call("security_health_check")).isError).toBeFalsy()
    expect(runCli(["clients", "revoke", "viewer"], env).status).toBe(0)
    await expect(viewer.call("security_health_check")).rejects.toThrow()
    const raw = await rawRequest(url, { headers: mcpHeaders(viewerKey), body: initializeBody })
    expect(raw.status).toBe(401)
  })

  it("shuts down cleanly on SIGTERM, with nothing on stdout and no key anywhere", async () => {
    server.child.kill("SIGTERM")
    const code = await server.exited
    expect(code === 0 || code === 130 || code === 143).toBe(true)
    expect(server.stdout()).toBe("")
    for (const key of [opsKey, viewerKey]) expect(server.stderr()).not.toContain(key)
    expect(server.stderr()).toContain("http: stopped")
    for (const line of server.stderr().split("\n").filter((line) => line.trim() !== "")) {
      expect(() => JSON.parse(line), line).not.toThrow()
    }
  })
})

describe("serve --http start-up refusals", () => {
  it("refuses plain HTTP on a non-loopback address while OPERA_SECURITY_REQUIRE_HTTPS is on", async () => {
    const env = { OPERA_MCP_CLIENTS_FILE: path.join(mkdtempSync(path.join(tmpdir(), "opera-http-")), "clients.json") }
    addClient(env, "ops")
    const run = runCli(["serve", "--http", "--sandbox", "--host", "0.0.0.0", "--port", String(await freePort())], env)
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/Plain HTTP on 0\.0\.0\.0 is refused \(OPERA_SECURITY_REQUIRE_HTTPS=true\)/)
  })

  it("refuses to start with no client that could authenticate", async () => {
    const env = { OPERA_MCP_CLIENTS_FILE: path.join(mkdtempSync(path.join(tmpdir(), "opera-http-")), "clients.json") }
    const run = runCli(["serve", "--http", "--sandbox", "--port", String(await freePort())], env)
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/clients add NAME/)
  })
})
