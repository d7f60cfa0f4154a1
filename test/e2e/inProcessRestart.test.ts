import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { connectModern, textOf } from "../support/replicaFleet.js"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, startHttpServerProcess } from "./httpServerProcess.js"

const maxFailures = 3

// One server on the in-process store: its lockouts are kept in the state file beside the audit db.
describe("one serve --http server on the in-process store", () => {
  let opera: RunningSandbox
  const dir = mkdtempSync(path.join(tmpdir(), "opera-inprocess-"))
  const env = (): Record<string, string> => ({
    ...opera.env,
    OPERA_MCP_CLIENTS_FILE: path.join(dir, "clients.json"),
    OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, "audit.db"),
    OPERA_SECURITY_MAX_FAILED_ATTEMPTS: String(maxFailures)
  })
  beforeAll(async () => {
    opera = await startSandbox()
  })
  afterAll(async () => {
    await opera?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it("a lockout survives a restart", async () => {
    const key = addClient(env(), "fails-then-restarts")
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/mcp`
    const stop = async (server: HttpServerProcess) => {
      if (server.child.exitCode === null) server.child.kill("SIGTERM")
      await server.exited
    }
    const before = await startHttpServerProcess(["--port", String(port)], env())
    try {
      const session = await connectModern(url, key)
      for (let failure = 0; failure < maxFailures; failure++) expect((await session.call("get_reservation", {})).isError).toBe(true)
      expect(textOf(await session.call("list_hotels"))).toContain("This client is locked out")
      await session.close()
    } finally {
      await stop(before)
    }
    expect(existsSync(path.join(dir, "security-state.db"))).toBe(true)
    const after = await startHttpServerProcess(["--port", String(port)], env())
    try {
      const session = await connectModern(url, key)
      const refused = await session.call("list_hotels")
      expect(refused.isError).toBe(true)
      expect(textOf(refused)).toMatch(/^This client is locked out after repeated failed or refused calls, until /)
      await session.close()
    } finally {
      await stop(after)
    }
  }, 60_000)
})
