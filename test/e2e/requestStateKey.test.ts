import { describe, expect, it } from "vitest"
import { runCli } from "./httpServerProcess.js"

describe("OPERA_MCP_REQUEST_STATE_KEY (built binary)", () => {
  it("a key too short to resist guessing stops start-up, named but never echoed", () => {
    const run = runCli(["serve", "--sandbox"], { OPERA_MCP_REQUEST_STATE_KEY: "short-round-key-77" })
    expect(run.status).not.toBe(0)
    expect(run.stdout).toBe("")
    expect(run.stderr).toMatch(/OPERA_MCP_REQUEST_STATE_KEY/)
    expect(run.stderr).toMatch(/at least 32 characters/)
    expect(run.stderr).not.toContain("short-round-key-77")
  })
})
