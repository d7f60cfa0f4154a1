import { describe, expect, it } from "vitest"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { addClient, freePort, runCli } from "./httpServerProcess.js"

const clientsFile = () => path.join(mkdtempSync(path.join(tmpdir(), "opera-tools-")), "clients.json")

describe("an unknown tool name in an allow-list is an error (built binary)", () => {
  it("config validate names it and the closest real tool", () => {
    const run = runCli(["config", "validate"], { OPERA_MCP_TOOLS: "serch_reservations,list_hotels" })
    expect(run.status).not.toBe(0)
    expect(run.stdout).toMatch(/OPERA_MCP_TOOLS: names no tool "serch_reservations" \(did you mean search_reservations/)
    expect(run.stdout).not.toMatch(/"list_hotels"/)
  })

  it("serve refuses to start, the reason on stderr", () => {
    const run = runCli(["serve", "--sandbox"], { OPERA_MCP_TOOLS: "serch_reservations" })
    expect(run.status).not.toBe(0)
    expect(run.stdout).toBe("")
    expect(run.stderr).toMatch(/OPERA_MCP_TOOLS: names no tool "serch_reservations" \(did you mean search_reservations/)
  })

  it("clients add --tools refuses a name that is no tool, and stores nothing", () => {
    const env = { OPERA_MCP_CLIENTS_FILE: clientsFile() }
    const run = runCli(["clients", "add", "viewer", "--tools", "search_reservations,nope_tool"], env)
    expect(run.status).not.toBe(0)
    expect(run.stdout).toBe("")
    expect(run.stderr).toMatch(/--tools names no tool "nope_tool"/)
    expect(runCli(["clients", "list", "--json"], env).stdout.trim()).toBe("[]")
    expect(runCli(["clients", "add", "viewer", "--tools", "search_reservations"], env).status).toBe(0)
  })

  it("serve --http refuses to start when a client's list, edited by hand, names no tool", async () => {
    const env = { OPERA_MCP_CLIENTS_FILE: clientsFile() }
    addClient(env, "viewer", ["--tools", "search_reservations,list_hotels"])
    const file = env.OPERA_MCP_CLIENTS_FILE
    writeFileSync(file, readFileSync(file, "utf8").replace("search_reservations", "serch_reservations"), { mode: 0o600 })
    const run = runCli(["serve", "--http", "--sandbox", "--port", String(await freePort())], env)
    expect(run.status).not.toBe(0)
    expect(run.stdout).toBe("")
    expect(run.stderr).toMatch(/client "viewer" names no tool "serch_reservations" \(did you mean search_reservations/)
  })
})
