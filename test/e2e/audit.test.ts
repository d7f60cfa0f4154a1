import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { holdWriteLock } from "../support/lockHolder.js"
import { builtBinary, startServer, textOf } from "../support/serverProcess.js"

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

const cli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  spawnSync(process.execPath, [builtBinary, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 30_000
  })

describe("the audit trail of a real stdio session", () => {
  let opera: RunningSandbox

  beforeAll(async () => {
    opera = await startSandbox({ OPERA_MCP_REQUIRE_CONFIRMATION: "false" })
    const session = await startServer({ args: ["serve"], env: opera.env })
    try {
      const found = await session.call("search_reservations", { arrivalFrom: inDays(0), arrivalTo: inDays(3), limit: 3 })
      const first = (found.structuredContent as { reservations: Array<{ reservationId: string; guest: { profileId: string } }> })
        .reservations[0]!
      await session.call("get_reservation", { reservationId: first.reservationId })
      await session.call("get_guest_profile", { profileId: first.guest.profileId })
      const created = await session.call("create_reservation", {
        guest: { givenName: "Katherine", surname: "Johnson" },
        arrivalDate: inDays(30),
        departureDate: inDays(31),
        roomType: "KING",
        ratePlanCode: "BAR",
        adults: 1
      })
      expect(created.isError).toBeFalsy()
      await session.call("get_reservation", { reservationId: { not: "an id" } })
    } finally {
      await session.close()
    }
  })
  afterAll(async () => {
    await opera?.stop()
  })

  it("records every call, a write as intent and outcome, and verifies", () => {
    const report = cli(["audit", "report", "--hours", "1", "--json"], opera.env)
    expect(report.status, report.stderr).toBe(0)
    const parsed = JSON.parse(report.stdout) as {
      totals: { toolCalls: number; succeeded: number; refused: number; pending: number; authEvents: number }
      topTools: Array<{ tool: string; calls: number }>
    }
    expect(parsed.totals.toolCalls).toBe(5)
    expect(parsed.totals.succeeded).toBe(4)
    expect(parsed.totals.refused).toBe(1)
    // The write's intent row, written before OPERA was called.
    expect(parsed.totals.pending).toBe(1)
    expect(parsed.totals.authEvents).toBeGreaterThanOrEqual(1)
    expect(parsed.topTools.find((tool) => tool.tool === "get_reservation")?.calls).toBe(2)

    const verify = cli(["audit", "verify", "--json"], opera.env)
    expect(verify.status, verify.stderr).toBe(0)
    expect((JSON.parse(verify.stdout) as { ok: boolean }).ok).toBe(true)
  })

  it("keeps no guest name, email or phone in clear in the db file or its WAL", async () => {
    const files = [opera.auditDbPath, `${opera.auditDbPath}-wal`].filter(existsSync)
    expect(files.length).toBeGreaterThan(0)
    const bytes = files.map((file) => readFileSync(file).toString("latin1")).join("\n")
    const guests = opera.sandbox.seededGuests
    const needles = [
      "Katherine Johnson",
      "Johnson",
      ...guests.flatMap((guest) => [guest.email, guest.phone, `${guest.givenName} ${guest.surname}`])
    ].filter((needle): needle is string => needle !== undefined)
    for (const needle of needles) expect(bytes.includes(needle), "PII in clear in the audit db").toBe(false)
    for (const secret of await opera.secrets()) expect(bytes.includes(secret), "a secret in the audit db").toBe(false)
  })
})

describe("fail closed", () => {
  // Against a real property an audit store that cannot be opened at start-up stops `serve` (test/e2e/operatorErrors.test.ts);
  // here the store opened and then fails (another process holds its write lock past the busy timeout).
  it("refuses a write tool when the audit log cannot be written, and OPERA is not called; reads go on", async () => {
    const opera = await startSandbox({ OPERA_SECURITY_AUDIT_BUSY_TIMEOUT_MS: "200" })
    const session = await startServer({ args: ["serve"], env: opera.env })
    const opened = await session.call("security_health_check")
    expect((opened.structuredContent as { audit: { mode: string } }).audit.mode).toBe("ok")
    const holder = holdWriteLock(opera.auditDbPath)
    try {
      await holder.held
      const write = await session.call("create_reservation", {
        guest: { surname: "Refused" },
        arrivalDate: inDays(40),
        departureDate: inDays(41),
        roomType: "KING",
        ratePlanCode: "BAR",
        adults: 1
      })
      expect(write.isError).toBe(true)
      expect(textOf(write)).toMatch(/audit log cannot record this change.*Nothing was sent to OPERA/)
      const traffic = await Effect.runPromise(opera.sandbox.traffic)
      expect(traffic.some((exchange) => exchange.route?.operationId === "postReservation")).toBe(false)

      const read = await session.call("search_reservations", { arrivalFrom: inDays(0), limit: 1 })
      expect(read.isError).toBeFalsy()
      const health = await session.call("security_health_check")
      expect((health.structuredContent as { audit: { mode: string } }).audit.mode).toBe("degraded")
    } finally {
      await holder.release()
      await session.close()
      await opera.stop()
    }
  })

  it("in strict mode a read whose row cannot be written is withheld, later calls are refused, and the first call after recovery runs", async () => {
    const opera = await startSandbox({
      OPERA_SECURITY_AUDIT_STRICT_MODE: "true",
      OPERA_SECURITY_AUDIT_BUSY_TIMEOUT_MS: "200"
    })
    const session = await startServer({ args: ["serve"], env: opera.env })
    const read = () => session.call("search_reservations", { arrivalFrom: inDays(0), limit: 1 })
    const searches = async () =>
      (await Effect.runPromise(opera.sandbox.traffic)).filter((exchange) => exchange.route?.operationId === "getHotelReservations").length
    try {
      expect((await read()).isError).toBeFalsy()
      const holder = holdWriteLock(opera.auditDbPath)
      await holder.held
      try {
        // The log was fine until now: the read reaches OPERA, but its row cannot be written, so no guest data leaves.
        const withheld = await read()
        expect(withheld.isError).toBe(true)
        expect(textOf(withheld)).toMatch(/could not record this read and strict mode is on; the result is withheld/)
        expect(withheld.structuredContent).toBeUndefined()
        // Now the log is known to be failing: refused before OPERA is asked.
        const before = await searches()
        const refused = await read()
        expect(textOf(refused)).toMatch(/audit log is unavailable and strict mode is on/)
        expect(await searches()).toBe(before)
      } finally {
        await holder.release()
      }
      // The first call after the lock is gone goes through (its intent row is the probe).
      expect((await read()).isError).toBeFalsy()
    } finally {
      await session.close()
      await opera.stop()
    }
  })

  // Only the sandbox serves on an audit store that did not open (a real property refuses to start).
  it("in strict mode a degraded audit log refuses reads too", async () => {
    const blocker = path.join(mkdtempSync(path.join(tmpdir(), "audit-block-")), "not-a-directory")
    writeFileSync(blocker, "x")
    const opera = await startSandbox({
      OPERA_SECURITY_AUDIT_DB_PATH: path.join(blocker, "audit.db"),
      OPERA_SECURITY_AUDIT_STRICT_MODE: "true"
    })
    const session = await startServer({ args: ["serve", "--sandbox"], env: opera.env })
    try {
      const read = await session.call("search_reservations", { arrivalFrom: inDays(0), limit: 1 })
      expect(read.isError).toBe(true)
      expect(textOf(read)).toMatch(/strict mode/)
    } finally {
      await session.close()
      await opera.stop()
    }
  })
})
