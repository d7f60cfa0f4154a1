import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { AuditLog } from "../../src/security/AuditLog.js"
import { freshKey, guest, tempDir, toolCall, withAuditLog } from "../security/audit/fixtures.js"
import { builtBinary } from "../support/serverProcess.js"

const day = 86_400_000

const cli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  spawnSync(process.execPath, [builtBinary, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 30_000
  })

describe("personal-data retention through the binary", () => {
  it.effect("audit cleanup shreds the days past OPERA_SECURITY_DATA_RETENTION_POLICY_DAYS; report lists them; verify passes", () => {
    const dir = tempDir("audit-shred-e2e-")
    const path = join(dir, "audit.db")
    const env = {
      HOME: dir,
      OPERA_SECURITY_AUDIT_DB_PATH: path,
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey(),
      OPERA_SECURITY_DATA_RETENTION_POLICY_DAYS: "2"
    }
    const fiveDaysAgo = Date.now() - 5 * day
    return Effect.gen(function*() {
      // Rows written five days ago and today (the log is made in-process, the clock set back).
      // The clock is set before the log is built: its schedules then only see five days pass.
      yield* TestClock.setTime(fiveDaysAgo)
      yield* Effect.scoped(Effect.gen(function*() {
        const audit = yield* AuditLog
        for (let index = 0; index < 5; index++) yield* audit.append(toolCall({ correlationId: `old-${index}` }))
        yield* TestClock.setTime(Date.now())
        yield* audit.append(toolCall({ correlationId: "today" }))
      }).pipe(withAuditLog({ ...env, OPERA_SECURITY_AUDIT_RETENTION_EVERY_MINUTES: "10080" })))

      const dry = cli(["audit", "cleanup", "--dry-run", "--json"], env)
      expect(dry.status, dry.stderr).toBe(0)
      expect(JSON.parse(dry.stdout).personalData).toMatchObject({ dryRun: true, rows: 5 })

      const cleanup = cli(["audit", "cleanup", "--json"], env)
      expect(cleanup.status, cleanup.stderr).toBe(0)
      const shredded = JSON.parse(cleanup.stdout).personalData as { shredded: Array<{ period: string; rows: number }> }
      const oldDay = new Date(fiveDaysAgo).toISOString().slice(0, 10)
      expect(shredded.shredded).toEqual([expect.objectContaining({ period: oldDay, rows: 5 })])

      const report = cli(["audit", "report", "--hours", String(24 * 7), "--json"], env)
      expect(report.status, report.stderr).toBe(0)
      expect(JSON.parse(report.stdout).personalData).toMatchObject({
        retentionDays: 2,
        shreddedPeriods: 1,
        shreddedRows: 5,
        periods: [{ period: oldDay, rows: 5 }]
      })
      const text = cli(["audit", "report", "--hours", String(24 * 7)], env)
      expect(text.stdout).toMatch(new RegExp(`Personal-data retention \\(2 days\\): 1 periods shredded, 5 rows`))
      expect(text.stdout).toContain(oldDay)

      const verify = cli(["audit", "verify"], env)
      expect(verify.status, verify.stderr).toBe(0)
      expect(verify.stdout).toMatch(/audit log OK: .*5 rows shredded/)

      const exported = cli(["audit", "export", "--reveal"], env)
      expect(exported.status, exported.stderr).toBe(0)
      const lines = exported.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(lines.filter((line) => line.personalFields === "shredded")).toHaveLength(5)
      expect(lines.find((line) => line.correlationId === "today")?.clientId).toBe("api-key:frontdesk-anna")
      expect(exported.stderr).toMatch(/5 rows shown as shredded/)

      const bytes = Buffer.concat([path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file)))
      for (const needle of [guest.name, guest.email, guest.phone]) expect(bytes.includes(Buffer.from(needle))).toBe(false)
    })
  }, 120_000)
})
