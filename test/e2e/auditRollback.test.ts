import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Effect } from "effect"
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { startServer, textOf } from "../support/serverProcess.js"
import { addClient, freePort, runCli, startHttpServerProcess } from "./httpServerProcess.js"

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

interface Exported {
  readonly sequence: number
  readonly previous: string | null
}

/** One ordinary session: a few reads, then the process ends (and signs its last checkpoint). */
const session = async (env: Record<string, string>, reads: number) => {
  const server = await startServer({ args: ["serve"], env })
  try {
    for (let index = 0; index < reads; index++) {
      await server.call("search_reservations", { arrivalFrom: inDays(0), arrivalTo: inDays(3), limit: 2 })
    }
  } finally {
    await server.close()
  }
}

const booking = {
  guest: { givenName: "Grace", surname: "Hopper" },
  arrivalDate: inDays(50),
  departureDate: inDays(51),
  roomType: "KING",
  ratePlanCode: "BAR",
  adults: 1
}

describe("rollback of the audit db, through the binary", () => {
  let opera: RunningSandbox
  let env: Record<string, string>
  let dir: string
  const latest = () => JSON.parse(readFileSync(path.join(dir, "audit-checkpoint.json"), "utf8")) as Exported
  const history = () =>
    readFileSync(path.join(dir, "audit-checkpoints.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as Exported)
  const putBack = (copy: string) => {
    for (const suffix of ["-wal", "-shm"]) rmSync(`${opera.auditDbPath}${suffix}`, { force: true })
    copyFileSync(copy, opera.auditDbPath)
  }

  beforeAll(async () => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), "opera-checkpoints-")), "exported")
    opera = await startSandbox({ OPERA_MCP_REQUIRE_CONFIRMATION: "false", OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: dir })
    env = opera.env
  })
  afterAll(async () => {
    await opera?.stop()
  })

  it("an older copy put back is an alarm: writes refused, no lower checkpoint exported, verify fails with its own code", async () => {
    await session(env, 2)
    const copy = `${opera.auditDbPath}.copy`
    expect(existsSync(`${opera.auditDbPath}-wal`)).toBe(false)
    copyFileSync(opera.auditDbPath, copy)
    const before = latest()
    await session(env, 3)
    const newest = latest()
    expect(newest.sequence).toBeGreaterThan(before.sequence)
    expect(runCli(["audit", "verify"], env).status).toBe(0)

    putBack(copy)
    const server = await startServer({ args: ["serve"], env })
    try {
      const health = await server.call("security_health_check")
      const audit = (health.structuredContent as { audit: { mode: string; problem?: string } }).audit
      expect(audit.mode).toBe("degraded")
      expect(audit.problem).toMatch(/rollback alarm: the audit db ends at \d+ but a checkpoint at \d+ was exported/)
      expect(audit.problem).toContain("audit accept-rollback")
      const write = await server.call("create_reservation", booking)
      expect(write.isError).toBe(true)
      expect(textOf(write)).toMatch(/Nothing was sent to OPERA/)
      const traffic = await Effect.runPromise(opera.sandbox.traffic)
      expect(traffic.some((exchange) => exchange.route?.operationId === "postReservation")).toBe(false)
      await server.call("search_reservations", { arrivalFrom: inDays(0), limit: 1 })
    } finally {
      await server.close()
    }
    // Nothing lower (nor anything at all) was exported over the newest checkpoint.
    expect(latest()).toEqual(newest)
    expect(history().at(-1)).toEqual(newest)

    const verify = runCli(["audit", "verify"], env)
    expect(verify.status, verify.stderr).toBe(6)
    expect(verify.stdout).toMatch(/audit log ROLLED BACK at sequence \d+: the audit db ends at/)
    // The README's cron line, with and without the directory configured.
    const latestFile = path.join(dir, "audit-checkpoint.json")
    expect(runCli(["audit", "verify", "--checkpoint", latestFile], env).status).toBe(6)
    const { OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: _dir, ...withoutDir } = env
    expect(runCli(["audit", "verify", "--checkpoint", latestFile], withoutDir).status).toBe(6)
    expect(runCli(["audit", "verify", "--checkpoint", path.join(dir, "audit-checkpoints.jsonl")], withoutDir).status).toBe(6)

    // /readyz says why too.
    const port = await freePort()
    const httpEnv = { ...env, OPERA_MCP_CLIENTS_FILE: path.join(mkdtempSync(path.join(tmpdir(), "opera-http-")), "clients.json") }
    addClient(httpEnv, "night-audit")
    const http = await startHttpServerProcess(["--sandbox", "--port", String(port)], httpEnv)
    try {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
      expect(ready.status).toBe(503)
      expect(await ready.json()).toMatchObject({ ready: false, audit: "degraded", auditAlarm: "rollback" })
    } finally {
      http.child.kill("SIGTERM")
      await http.exited
    }

    // The operator investigates, then accepts; it is audited and the history goes on from the db.
    expect(runCli(["audit", "accept-rollback", "--reason", "x"], env).status).toBe(2)
    const accepted = runCli(["audit", "accept-rollback", "--reason", "restored yesterday's backup after the disk failed"], env)
    expect(accepted.status, accepted.stderr).toBe(0)
    expect(accepted.stdout).toContain("rollback accepted and recorded")
    const rebase = latest() as Exported & { rebase?: { keptThrough: number; abandonedSequence: number } }
    expect(rebase.rebase).toMatchObject({ keptThrough: before.sequence, abandonedSequence: newest.sequence })
    expect(runCli(["audit", "verify"], env).status).toBe(0)
    expect(runCli(["audit", "accept-rollback", "--reason", "nothing to accept this time"], env).stdout)
      .toContain("no rollback alarm")

    const after = await startServer({ args: ["serve"], env })
    try {
      expect((await after.call("create_reservation", booking)).isError).toBeFalsy()
    } finally {
      await after.close()
    }
    expect(latest().sequence).toBeGreaterThan(rebase.sequence)
    const verified = runCli(["audit", "verify", "--json"], env)
    expect(verified.status, verified.stdout).toBe(0)
    const exported = runCli(["audit", "export"], env).stdout.trim().split("\n").map((line) => JSON.parse(line) as { tool?: string })
    expect(exported.some((row) => row.tool === "audit_accept_rollback")).toBe(true)
  })

  it("a deleted latest checkpoint file is a failure with its own code, never a silent skip", () => {
    const latestFile = path.join(dir, "audit-checkpoint.json")
    const saved = readFileSync(latestFile, "utf8")
    unlinkSync(latestFile)
    const verify = runCli(["audit", "verify"], env)
    expect(verify.status).toBe(7)
    expect(verify.stderr).toMatch(/audit-checkpoint\.json is missing or unreadable/)
    const given = runCli(["audit", "verify", "--checkpoint", latestFile], env)
    expect(given.status).toBe(7)
    expect(given.stderr).toMatch(/could not read the checkpoint file .*audit-checkpoint\.json \(missing or unreadable\)/)
    // The whole directory gone: this log has exported to it, so that is a failure too.
    const { OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: _dir, ...withoutDir } = env
    const moved = runCli(["audit", "verify"], { ...withoutDir, OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: `${dir}-elsewhere` })
    expect(moved.status).toBe(7)
    expect(moved.stderr).toMatch(/holds no checkpoint history, but this log exported checkpoints to it/)
    writeFileSync(latestFile, saved)
    expect(runCli(["audit", "verify"], env).status).toBe(0)
  })
})

describe("exit codes of the maintenance commands, through the binary", () => {
  let opera: RunningSandbox

  beforeAll(async () => {
    opera = await startSandbox()
    await session(opera.env, 2)
  })
  afterAll(async () => {
    await opera?.stop()
  })

  it("0 intact, 2 usage, 3 configuration, 4 store unreachable, 5 damaged", async () => {
    const { env } = opera
    expect(runCli(["audit", "verify"], env).status).toBe(0)
    expect(runCli(["audit", "report", "--hours", "0"], env).status).toBe(2)
    expect(runCli(["audit", "verify", "--no-such-option"], env).status).toBe(2)

    const badKey = runCli(["audit", "verify"], { ...env, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: "c2hvcnQ=" })
    expect(badKey.status, badKey.stderr).toBe(3)
    const otherKey = runCli(["audit", "verify"], {
      ...env,
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64")
    })
    expect(otherKey.status).toBe(3)
    expect(otherKey.stderr).toContain("does not match this audit log")
    expect(runCli(["config", "validate"], { ...env, OPERA_TIMEOUT_MS: "soon" }).status).toBe(3)

    const nowhere = path.join(mkdtempSync(path.join(tmpdir(), "opera-none-")), "audit.db")
    const missing = runCli(["audit", "report"], { ...env, OPERA_SECURITY_AUDIT_DB_PATH: nowhere })
    expect(missing.status).toBe(4)
    expect(missing.stderr).toContain("there is no audit log at")

    const { SqliteClient } = await import("@effect/sql-sqlite-node")
    const Reactivity = await import("@effect/experimental/Reactivity")
    await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const db = yield* SqliteClient.make({ filename: opera.auditDbPath })
      yield* db.unsafe("DROP TRIGGER audit_events_no_update")
      yield* db`UPDATE audit_events SET outcome = 'failure' WHERE sequence = 2`
    })).pipe(Effect.provide(Reactivity.layer)))
    const damaged = runCli(["audit", "verify"], env)
    expect(damaged.status).toBe(5)
    expect(damaged.stdout).toContain("audit log DAMAGED at sequence 2: changed")
  })
})
