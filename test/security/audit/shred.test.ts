import { describe, expect, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, Duration, Effect, Either, Exit, TestClock } from "effect"
import { createDecipheriv, createSecretKey } from "node:crypto"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { makeKeyring } from "../../../src/crypto/Keyring.js"
import { securityConfig } from "../../../src/config/SecurityConfig.js"
import { AuditLog } from "../../../src/security/AuditLog.js"
import { canonicalBytes } from "../../../src/security/audit/canonical.js"
import { genesisMac, columnAad, rowMac } from "../../../src/security/audit/chain.js"
import { openRow, toStoredRow } from "../../../src/security/audit/rows.js"
import { shredExpired } from "../../../src/security/audit/shred.js"
import { personalDataSummary } from "../../../src/security/audit/shredReport.js"
import { verifyChain } from "../../../src/security/audit/verify.js"
import { openCore } from "./core.js"
import { freshKey, guest, rawDb, tempDir, toolCall, withAuditLog } from "./fixtures.js"

const day = 86_400_000
const needles = [guest.name, guest.email, guest.phone, guest.ip, guest.agent, "frontdesk-anna", "Quistorp"]

const filesOf = (path: string) =>
  Buffer.concat([path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file)))

/** Tries every offset of the bytes as a wrapped key (iv ‖ 32-byte key ‖ tag) under the key-encryption key. */
const unwrapsAnywhere = (bytes: Buffer, master: Buffer, aad: Buffer) => {
  const kek = createSecretKey(makeKeyring(master).subkey("audit-period-kek"))
  for (let offset = 0; offset + 60 <= bytes.length; offset++) {
    const decipher = createDecipheriv("aes-256-gcm", kek, bytes.subarray(offset, offset + 12), { authTagLength: 16 })
    decipher.setAAD(aad)
    decipher.setAuthTag(bytes.subarray(offset + 44, offset + 60))
    decipher.update(bytes.subarray(offset + 12, offset + 44))
    try {
      decipher.final()
      return true
    } catch {
      // not a wrapped key at this offset
    }
  }
  return false
}

describe("personal-data retention (crypto-shredding)", () => {
  it.effect("rows of day 0 become unreadable after N days; verify passes and says shredded; report and export say so; nothing recoverable in the files", () => {
    const path = join(tempDir("audit-shred-"), "audit.db")
    const key = freshKey()
    return Effect.gen(function*() {
      const audit = yield* AuditLog
      for (let index = 0; index < 20; index++) yield* audit.append(toolCall({ correlationId: `day0-${index}` }))
      const sql = yield* rawDb(path)
      const [stored] = yield* sql<{ readonly key_id: string; readonly wrapped: Uint8Array; readonly period_start: number; readonly period_end: number }>`
        SELECT key_id, wrapped, period_start, period_end FROM audit_period_keys`
      expect(stored?.key_id).toMatch(/\.d1970-01-01\.0$/)
      expect((yield* audit.trail(1)).filter((row) => row.sensitive.emails?.[0] === guest.email)).toHaveLength(20)
      // The key row can only leave through shredding.
      expect(Exit.isFailure(yield* Effect.exit(sql`DELETE FROM audit_period_keys`))).toBe(true)

      // Day 3 and a bit: the 2-day window has passed day 0 entirely; the hourly schedule shreds it.
      yield* TestClock.adjust(Duration.millis(3 * day + 3_600_000))
      yield* audit.append(toolCall({ correlationId: "day3", sensitive: { details: "after" } }))
      const shreds = yield* sql<{ readonly key_id: string; readonly rows: number }>`SELECT key_id, rows FROM audit_shreds`
      expect(shreds).toEqual([{ key_id: stored!.key_id, rows: 20 }])
      expect(yield* sql`SELECT key_id FROM audit_period_keys WHERE key_id = ${stored!.key_id}`).toEqual([])

      const trail = yield* audit.trail(24 * 5)
      expect(trail.filter((row) => row.correlationId?.startsWith("day0"))).toEqual([])
      expect(trail.find((row) => row.correlationId === "day3")?.sensitive.details).toBe("after")
      // The shredding is on the chain itself.
      expect(trail.some((row) => row.kind === "admin" && row.tool === "audit_shred")).toBe(true)

      const verified = yield* audit.verify()
      expect(verified).toMatchObject({ ok: true, shreddedRows: 20 })

      const report = yield* audit.report(24 * 5)
      expect(report.personalData).toMatchObject({
        retentionDays: 2,
        shreddedPeriods: 1,
        shreddedRows: 20,
        periods: [{ period: "1970-01-01", keyId: stored!.key_id, rows: 20 }]
      })

      const lines: Array<string> = []
      const exported = yield* audit.exportTrail({
        reveal: true,
        actor: "test",
        write: (page) => Effect.sync(() => lines.push(...page))
      })
      expect(exported.shredded).toBe(20)
      expect(exported.unreadable).toBe(0)
      const first = JSON.parse(lines[0]!) as Record<string, unknown>
      expect(first).toMatchObject({ sequence: 1, personalFields: "shredded", tool: "search_reservations" })
      expect(first.clientId).toBeUndefined()

      // Nothing recoverable: no guest value, no copy of the wrapped key, nothing anywhere that unwraps to it.
      const bytes = filesOf(path)
      for (const needle of needles) expect(bytes.includes(Buffer.from(needle))).toBe(false)
      expect(bytes.includes(Buffer.from(stored!.wrapped))).toBe(false)
      const aad = canonicalBytes("opera-audit/period-key/v1", [
        (yield* sql<{ readonly value: string }>`SELECT value FROM audit_meta WHERE name = 'log_id'`)[0]!.value,
        stored!.key_id,
        stored!.period_start,
        stored!.period_end,
        "audit-sealed"
      ])
      expect(unwrapsAnywhere(bytes, Buffer.from(key, "base64"), aad)).toBe(false)
    }).pipe(
      Effect.scoped,
      withAuditLog({
        OPERA_SECURITY_AUDIT_DB_PATH: path,
        OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key,
        OPERA_SECURITY_DATA_RETENTION_POLICY_DAYS: "2"
      })
    )
  }, 60_000)

  it.effect("a data key deleted without a signed shred record is damage, not shredding", () => {
    const path = join(tempDir("audit-shred-"), "audit.db")
    return Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.append(toolCall())
      const sql = yield* rawDb(path)
      yield* sql`DROP TRIGGER audit_period_keys_no_delete`
      yield* sql`DELETE FROM audit_period_keys`
      const result = yield* audit.verify()
      expect(result.ok).toBe(false)
      expect(result.failure).toMatchObject({ sequence: 1, damage: "missing_key" })
    }).pipe(
      Effect.scoped,
      withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: path, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() })
    )
  }, 60_000)
})

describe("OPERA_SECURITY_DATA_RETENTION_POLICY_DAYS", () => {
  const read = (value: string) =>
    Effect.either(Effect.withConfigProvider(securityConfig, ConfigProvider.fromMap(new Map([[
      "OPERA_SECURITY_DATA_RETENTION_POLICY_DAYS",
      value
    ]]))))
  it.effect("0, negative and garbage are a clear configuration error naming the setting", () =>
    Effect.gen(function*() {
      for (const [value, message] of [["0", /between 1 and 3650/], ["-5", /between 1 and 3650/], ["a year", /whole number/]] as const) {
        const result = yield* read(value)
        expect(Either.isLeft(result)).toBe(true)
        if (Either.isLeft(result)) {
          expect(ConfigError.isConfigError(result.left)).toBe(true)
          expect(String(result.left)).toMatch(/OPERA_SECURITY_DATA_RETENTION_POLICY_DAYS/)
          expect(String(result.left)).toMatch(message)
        }
      }
      const ok = yield* read("30")
      expect(Either.map(ok, (config) => config.dataRetentionPolicyDays)).toEqual(Either.right(30))
    }))
})

describe("rows sealed before period keys (master-derived key)", () => {
  it.effect("stay readable, verify, are counted as legacy and are not shredded", () =>
    Effect.gen(function*() {
      const core = yield* openCore({ path: join(tempDir("audit-legacy-"), "audit.db") })
      const { context } = core
      // A row as the previous release wrote it: sealed under generation 1 of the master key.
      const plaintext = Buffer.from(JSON.stringify({ clientId: "legacy-client", sensitive: { details: "old" } }))
      const row = {
        sequence: 1, occurredAt: 0, kind: "tool_call", outcome: "success", clientRef: "ref", tool: "list_hotels",
        hotelId: null, riskScore: null, riskLevel: null, durationMs: null, errorTag: null, correlationId: null,
        upstreamRequestIds: null, keyId: context.keyring.keyId(1),
        sealed: context.keyring.seal(1, plaintext, columnAad(context.logId, 1, "sealed"))
      }
      yield* context.store.insertEvents([{ ...row, mac: rowMac(context.chainKey, genesisMac(context.chainKey, context.logId), row) }])
      yield* core.journal.resync
      yield* TestClock.adjust(Duration.millis(400 * day))
      yield* core.journal.append(toolCall())
      const shredded = yield* shredExpired(context, { days: 1, dryRun: false })
      expect(shredded).toMatchObject({ rows: 0, legacyRowsPastWindow: 1 })
      expect(yield* verifyChain(context)).toMatchObject({ ok: true, rowsChecked: 2, shreddedRows: 0 })
      const [first] = yield* context.store.page(0, 1, 1)
      const opened = Either.flatMap(first!.row, (raw) => openRow(context.periodKeys.open, context.logId, toStoredRow(raw)))
      expect(Either.map(opened, (record) => record.clientId)).toEqual(Either.right("legacy-client"))
      expect((yield* personalDataSummary(context.store, 1)).legacyRows).toBe(1)
    }).pipe(Effect.scoped), 60_000)
})
