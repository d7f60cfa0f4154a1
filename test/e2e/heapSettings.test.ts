import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { repoRoot, startServer } from "../support/serverProcess.js"

const probe = path.join(repoRoot, "test/support/heapProbe.mjs")

interface HeapReport {
  readonly code: number
  readonly spaces: Record<string, number>
}

/**
 * Spawns the built binary as an MCP client does (plain `node …/opera-cloud-mcp.mjs serve`, no heap flags),
 * makes `calls` reads over stdio, closes the client and reads the heap spaces the process ended with.
 */
const serveAndReport = async (opera: RunningSandbox, calls: number, nodeArgs: ReadonlyArray<string> = []) => {
  const dir = mkdtempSync(path.join(tmpdir(), "opera-heap-"))
  const out = path.join(dir, "heap.json")
  try {
    const session = await startServer({
      args: ["serve"],
      nodeArgs,
      env: { ...opera.env, NODE_OPTIONS: `--import ${probe}`, HEAP_PROBE_OUT: out }
    })
    const found = await session.call("search_reservations", { limit: 1 })
    expect(found.isError, JSON.stringify(found.content)).toBeFalsy()
    const reservationId = (found.structuredContent as { reservations: Array<{ reservationId: string }> })
      .reservations[0]!.reservationId
    for (let done = 0; done < calls; done++) {
      const read = await session.call("get_reservation", { reservationId })
      expect(read.isError, JSON.stringify(read.content)).toBeFalsy()
    }
    await session.close()
    for (let waited = 0; waited < 100 && !existsSync(out); waited++) await new Promise((resolve) => setTimeout(resolve, 100))
    return JSON.parse(readFileSync(out, "utf8")) as HeapReport
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe("the binary's own heap settings (issue 19: memory)", () => {
  let opera: RunningSandbox
  beforeAll(async () => {
    // A burst of reads from one client: limits raised as the bench raises them, so every call is answered.
    opera = await startSandbox({
      OPERA_SECURITY_ANOMALY_DETECTION_SENSITIVITY: "0",
      OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: "1000000",
      OPERA_UPSTREAM_MAX_RPS: "10000"
    })
  })
  afterAll(async () => {
    await opera?.stop()
  })

  it("keeps the young generation at its initial size under a default launch, and MCP over stdio works", async () => {
    const report = await serveAndReport(opera, 300)
    // V8's default grows new space to 32 MB while the server starts; the binary keeps it at 2 × 1 MB.
    expect(report.spaces["new_space"]).toBeLessThanOrEqual(4)
    expect(report.code).toBe(0)
  }, 120_000)

  it("leaves a flag the operator gave node on its command line to the operator", async () => {
    const report = await serveAndReport(opera, 300, ["--semi-space-growth-factor=2"])
    expect(report.spaces["new_space"]).toBeGreaterThan(4)
    expect(report.code).toBe(0)
  }, 120_000)
})
