import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { spawn } from "node:child_process"
import { createServer } from "node:net"
import type { AddressInfo } from "node:net"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { builtBinary } from "../support/serverProcess.js"

// Asynchronous: the sandbox runs in this process and must go on answering while the command runs.
const validate = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [builtBinary, "config", "validate", "--check-connection", ...args], {
      env: { PATH: process.env.PATH ?? "", ...env }
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    child.on("close", (status) => resolve({ status, stdout, stderr }))
  })

interface Check {
  readonly ok: boolean
  readonly connection: {
    readonly host: string
    readonly ok: boolean
    readonly steps: ReadonlyArray<{ readonly step: string; readonly ok: boolean; readonly failure?: string }>
  }
}

describe("config validate --check-connection", () => {
  let opera: RunningSandbox
  let refusedPort: number

  beforeAll(async () => {
    opera = await startSandbox()
    const probe = createServer()
    refusedPort = await new Promise<number>((resolve) =>
      probe.listen(0, "127.0.0.1", () => resolve((probe.address() as AddressInfo).port))
    )
    await new Promise<void>((resolve) => probe.close(() => resolve()))
  }, 60_000)
  afterAll(async () => {
    await opera?.stop()
  })

  it("against the sandbox: a token, the reservation ping and the audit store all pass, exit 0", async () => {
    const run = await validate([], opera.env)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/ok\s+token\s+OPERA issued an access token/)
    expect(run.stdout).toMatch(/ok\s+read\s+OPERA answered the reservation ping/)
    expect(run.stdout).toMatch(/ok\s+audit\s+audit store opened/)
    const json = await validate(["--json"], opera.env)
    expect(json.status, json.stderr).toBe(0)
    const parsed = JSON.parse(json.stdout) as Check
    expect(parsed.connection.ok).toBe(true)
    expect(parsed.connection.steps.map((step) => step.step)).toEqual(["token", "read", "audit"])
    for (const secret of await opera.secrets()) expect(json.stdout + json.stderr + run.stdout + run.stderr).not.toContain(secret)
  }, 60_000)

  it("against a refused port: exit 9, the cause class named, the audit store still checked", async () => {
    const env = { ...opera.env, OPERA_BASE_URL: `http://127.0.0.1:${refusedPort}` }
    const run = await validate([], env)
    expect(run.status, run.stderr).toBe(9)
    expect(run.stdout).toMatch(/FAILED\s+token\s+refused: /)
    expect(run.stdout).toMatch(/FAILED\s+read\s+refused: /)
    expect(run.stdout).toMatch(/ok\s+audit/)
    expect(run.stderr).toMatch(/connection check failed at token: refused/)
    const json = await validate(["--json"], env)
    expect(json.status).toBe(9)
    const parsed = JSON.parse(json.stdout) as Check
    expect(parsed.connection.steps.filter((step) => !step.ok).map((step) => step.failure)).toEqual(["refused", "refused"])
  }, 60_000)

  it("with a wrong client secret: unauthorized", async () => {
    const run = await validate([], { ...opera.env, OPERA_CLIENT_SECRET: "not-the-secret" })
    expect(run.status, run.stderr).toBe(9)
    expect(run.stdout).toMatch(/FAILED\s+token\s+unauthorized: OPERA refused the credentials/)
    expect(run.stdout).not.toContain("not-the-secret")
  }, 60_000)
})
