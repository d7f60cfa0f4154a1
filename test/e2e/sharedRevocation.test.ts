import { copyFileSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { initializeBody, mcpHeaders, rawRequest } from "../mcp/http/harness.js"
import type { RedisServer } from "../support/redisServer.js"
import { redisMissing, startRedis } from "../support/redisServer.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, runCli, startHttpServerProcess } from "./httpServerProcess.js"

// Two `serve --http` replicas on one Redis, each reading its own copy of the clients file: only the shared
// state can tell the second one that `clients revoke`, run beside the first, revoked the key.
describe.skipIf(redisMissing !== undefined)("clients revoke with OPERA_MCP_STATE_URL (built binary, real redis-server)", () => {
  let redis: RedisServer
  const servers: Array<HttpServerProcess> = []
  const urls: Array<string> = []
  let key: string
  let envA: Record<string, string>

  beforeAll(async () => {
    redis = await startRedis()
    const dir = mkdtempSync(path.join(tmpdir(), "opera-shared-revoke-"))
    const shared = {
      OPERA_MCP_STATE_URL: redis.url,
      OPERA_MCP_STATE_KEY: "a-shared-key-of-the-replicas-0123456789abcdef",
      OPERA_MCP_STATE_TIMEOUT_MS: "500"
    }
    const [fileA, fileB] = [path.join(dir, "a", "clients.json"), path.join(dir, "clients-b.json")]
    envA = { ...shared, OPERA_MCP_CLIENTS_FILE: fileA }
    key = addClient(envA, "desk")
    const envB = { ...shared, OPERA_MCP_CLIENTS_FILE: fileB }
    copyFileSync(fileA, fileB)
    for (const env of [envA, envB]) {
      const port = await freePort()
      urls.push(`http://127.0.0.1:${port}/mcp`)
      servers.push(await startHttpServerProcess(["--sandbox", "--port", String(port)], env))
    }
  }, 90_000)
  afterAll(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null) {
        server.child.kill("SIGTERM")
        await server.exited
      }
    }
    await redis?.dispose()
  })

  const initialize = (url: string) =>
    rawRequest(url, { headers: mcpHeaders(key), body: initializeBody }).then((answer) => answer.status)

  it("the key is refused by both replicas within a second; the command says so, and says when Redis missed it", async () => {
    expect(await Promise.all(urls.map(initialize))).toEqual([200, 200])
    const revoke = runCli(["clients", "revoke", "desk"], envA)
    const revokedAt = Date.now()
    expect(revoke.status, revoke.stderr).toBe(0)
    expect(revoke.stdout).toContain("every replica refuses its key within a second")
    const refusedAfter: Array<number> = []
    for (const url of urls) {
      while (await initialize(url) !== 401) {
        if (Date.now() - revokedAt > 5000) throw new Error("the revoked key was still accepted after 5 s")
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      refusedAfter.push(Date.now() - revokedAt)
    }
    console.log(`[shared] revoked key refused by the replicas after ${refusedAfter.join(" ms and ")} ms`)
    expect(Math.max(...refusedAfter)).toBeLessThan(1000)
    const contents = redis.dump()
    expect(contents).toContain("opera-mcp:revoked-keys")
    expect(contents).not.toContain(key)
    for (const server of servers) expect(server.stderr() + server.stdout()).not.toContain(key)

    // Redis away: the file is revoked already, publishing fails, and the command says what to do.
    await redis.stop()
    const again = runCli(["clients", "revoke", "desk"], envA)
    expect(again.status).not.toBe(0)
    expect(again.stderr).toContain("Run the same `clients revoke` again")
    expect(again.stderr + again.stdout).not.toContain(key)
    await redis.start()
  }, 60_000)
})

if (redisMissing !== undefined) {
  describe("clients revoke with OPERA_MCP_STATE_URL", () => {
    it.skip(redisMissing ?? "", () => undefined)
  })
}
