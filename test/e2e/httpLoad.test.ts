import { NodeFileSystem } from "@effect/platform-node"
import { ConfigProvider, Effect, Layer, ManagedRuntime } from "effect"
import { randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { ClientStore } from "../../src/security/clients/ClientStore.js"
import { connectClient, textOf } from "../mcp/http/harness.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { freePort, runCli, startHttpServerProcess } from "./httpServerProcess.js"

/** 10 s by default; OPERA_LOAD_TEST_SECONDS=30 for the full run. */
const seconds = Number(process.env.OPERA_LOAD_TEST_SECONDS ?? "10")
const clientCount = 100
const today = new Date().toISOString().slice(0, 10)

const handles = () => process.getActiveResourcesInfo().filter((kind) => kind !== "Timeout" && kind !== "TTYWrap").length

const waitFor = async (check: () => boolean, ms: number) => {
  const until = Date.now() + ms
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100))
  return check()
}

describe("serve --http --sandbox under load", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "opera-load-"))
  const env: Record<string, string> = {
    OPERA_MCP_CLIENTS_FILE: path.join(dir, "clients.json"),
    OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, "audit.db"),
    OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    // Every client connects from 127.0.0.1: a POST connection and an SSE stream each.
    OPERA_MCP_HTTP_MAX_CONNECTIONS_PER_SOURCE: "1000"
  }
  let server: HttpServerProcess | undefined

  afterAll(() => {
    if (server !== undefined && server.child.exitCode === null) server.child.kill("SIGKILL")
  })

  it(`serves ${clientCount} concurrent clients with their own keys, audits every call and leaks nothing`, async () => {
    // The keys are issued with the ClientStore, as `clients add` does, into the server's clients file.
    const store = ManagedRuntime.make(ClientStore.Default.pipe(
      Layer.provide(NodeFileSystem.layer),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
    ))
    const keys: Array<string> = []
    for (let index = 0; index < clientCount; index++) {
      const issued = await store.runPromise(Effect.flatMap(ClientStore, (clients) => clients.add(`load-${index}`, { readOnly: true })))
      keys.push(issued.apiKey)
    }
    await store.dispose()

    const port = await freePort()
    const url = `http://127.0.0.1:${port}/mcp`
    server = await startHttpServerProcess(["--sandbox", "--port", String(port)], env)
    const baseline = handles()

    let calls = 0
    let rateLimited = 0
    const unexpected: Array<string> = []
    const deadline = Date.now() + seconds * 1000
    const clients = await Promise.all(keys.map((key) => connectClient(url, key)))
    await Promise.all(clients.map(async (client, index) => {
      let turn = index
      while (Date.now() < deadline) {
        turn++
        const [tool, args] = turn % 2 === 0
          ? ["security_health_check", {}] as const
          : ["search_reservations", { arrivalFrom: today, limit: 3 }] as const
        calls++
        try {
          const result = await client.call(tool, args)
          if (result.isError === true) {
            // Intended limits: the client's own rate limit, and the server-wide OPERA throttle (OPERA_UPSTREAM_MAX_RPS).
            if (/Rate limit reached|Too many OPERA requests from this server/.test(textOf(result))) rateLimited++
            else unexpected.push(`${tool}: ${textOf(result).slice(0, 200)}`)
          }
        } catch (error) {
          unexpected.push(`${tool}: ${error instanceof Error ? error.message : String(error)}`)
        }
      }
    }))
    await Promise.all(clients.map((client) => client.close()))

    expect(unexpected.slice(0, 5)).toEqual([])
    expect(calls).toBeGreaterThan(clientCount)
    expect(rateLimited).toBeLessThan(calls / 2)
    // Sessions, SSE streams and keep-alive sockets all close: the test process is back to its baseline.
    expect(await waitFor(() => handles() <= baseline, 15_000)).toBe(true)

    server.child.kill("SIGTERM")
    const code = await server.exited
    expect(code === 0 || code === 130 || code === 143).toBe(true)
    for (const key of keys.slice(0, 10)) expect(server.stderr()).not.toContain(key)

    const report = runCli(["audit", "report", "--hours", "1", "--json"], env)
    expect(report.status, report.stderr).toBe(0)
    const parsed = JSON.parse(report.stdout) as { totals: { toolCalls: number; succeeded: number }; uniqueClients: number }
    expect(parsed.totals.toolCalls).toBe(calls)
    expect(parsed.totals.succeeded).toBe(calls - rateLimited)
    expect(parsed.uniqueClients).toBeGreaterThanOrEqual(clientCount)
  }, seconds * 1000 + 180_000)
})
