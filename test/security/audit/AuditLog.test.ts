import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Either, Layer, Option, TestClock } from "effect"
import { existsSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { AuditLog } from "../../../src/security/AuditLog.js"
import { freshKey, guest, layerFor, rawDb, tempDir, toolCall, withAuditLog, withMaintenanceLog } from "./fixtures.js"

const memory = () => ({ OPERA_SECURITY_AUDIT_DB_PATH: ":memory:", OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() })

describe("AuditLog", () => {
  it.effect("appends, decrypts its trail and reports on it", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.append(toolCall())
      yield* TestClock.adjust("1 minute")
      yield* audit.append(toolCall({ clientId: "api-key:night-audit", outcome: "failure", errorTag: "OperaNotFound" }))
      yield* audit.append(toolCall({ kind: "auth", tool: "oauth_token", outcome: "success", sensitive: {} }))
      const trail = yield* audit.trail(1)
      expect(trail.map((row) => row.sequence)).toEqual([1, 2, 3])
      expect(trail[0]).toMatchObject({
        kind: "tool_call",
        clientId: "api-key:frontdesk-anna",
        tool: "search_reservations",
        hotelId: "HOTEL1",
        objectIds: ["RSV-1001"],
        occurredAt: 0,
        sensitive: { emails: [guest.email], guestNames: [guest.name], phones: [guest.phone], ipAddress: guest.ip }
      })
      expect(trail[1]?.occurredAt).toBe(60_000)
      expect((yield* audit.trail(1, ["auth"])).map((row) => row.sequence)).toEqual([3])
      const status = yield* audit.status
      expect(status).toMatchObject({ mode: "ok", lastSequence: 3, strictMode: false })
      expect(status.chainHead).toMatch(/^[0-9a-f]{64}$/)
      expect(status.keyId).toMatch(/^[0-9a-f]{16}\.d1970-01-01\.0$/)
      const report = yield* audit.report(24)
      expect(report.totals).toMatchObject({ events: 3, toolCalls: 2, succeeded: 1, failed: 1, authEvents: 1 })
      expect(report.uniqueClients).toBe(2)
      expect(report.errorsByTag).toEqual({ OperaNotFound: 1 })
      expect(JSON.stringify(report)).not.toContain("frontdesk-anna")
    }).pipe(withAuditLog(memory())))

  it.effect("a clock that reads fractions of a millisecond is recorded in whole milliseconds", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* TestClock.adjust("1500 micros")
      yield* audit.append(toolCall())
      yield* audit.checkpoint
      expect((yield* audit.trail(1)).map((row) => row.occurredAt)).toEqual([1])
      expect((yield* audit.status).mode).toBe("ok")
    }).pipe(withAuditLog(memory())))

  it.effect("disabled: append is a no-op success, reads say why they cannot, status says disabled", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      expect(yield* audit.append(toolCall())).toEqual({ sequence: 0 })
      expect((yield* audit.status).mode).toBe("disabled")
      const error = yield* Effect.flip(audit.report(1))
      expect(error.message).toContain("OPERA_SECURITY_ENABLE_AUDIT_LOGGING=false")
    }).pipe(withAuditLog({ OPERA_SECURITY_ENABLE_AUDIT_LOGGING: "false", OPERA_SECURITY_AUDIT_DB_PATH: "/dev/null/x" })))

  it.effect("an in-memory log without a key runs on a per-process key", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.append(toolCall())
      expect((yield* audit.verify()).ok).toBe(true)
    }).pipe(withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: ":memory:" })))

  it.effect("a file log without a key stops start-up and says to run keys generate", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(Layer.build(layerFor({
        OPERA_SECURITY_AUDIT_DB_PATH: join(tempDir(), "audit.db")
      }))))
      expect(error._tag).toBe("KeyMisconfigured")
      expect(error.message).toContain("OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY is not set")
      expect(error.message).toContain("opera-cloud-mcp keys generate")
    }))

  it.effect("a malformed key stops start-up naming the setting, never the value", () =>
    Effect.gen(function*() {
      const bad = Buffer.alloc(31, 7).toString("base64")
      const error = yield* Effect.flip(Effect.scoped(Layer.build(layerFor({
        OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
        OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: bad
      }))))
      expect(error.message).toContain("OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY must decode to exactly 32 bytes")
      expect(error.message).not.toContain(bad)
    }))

  it.effect("a db that cannot be opened leaves the server degraded, not crashed; appends fail with a clear error", () => {
    const dir = tempDir()
    writeFileSync(join(dir, "not-a-dir"), "x")
    return Effect.gen(function*() {
      const audit = yield* AuditLog
      const status = yield* audit.status
      expect(status.mode).toBe("degraded")
      expect(status.reason).toContain(join(dir, "not-a-dir", "audit.db"))
      const error = yield* Effect.flip(audit.append(toolCall()))
      expect(error._tag).toBe("AuditUnavailable")
      expect(error.message).toContain("audit log")
    }).pipe(withAuditLog({
      OPERA_SECURITY_AUDIT_DB_PATH: join(dir, "not-a-dir", "audit.db"),
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey()
    }))
  })

  it.effect("heals: a degraded server reopens the db once the problem is fixed", () => {
    const dir = tempDir()
    const blocker = join(dir, "state")
    writeFileSync(blocker, "x")
    return Effect.gen(function*() {
      const audit = yield* AuditLog
      expect((yield* audit.status).mode).toBe("degraded")
      // What `serve` against a real property refuses to start on.
      expect(Option.map(yield* audit.openFailure, (error) => error.reason)).toEqual(Option.some("not_open"))
      yield* Effect.sync(() => rmSync(blocker))
      expect(Either.isLeft(yield* Effect.either(audit.append(toolCall())))).toBe(true) // not yet: reopen is paced
      yield* TestClock.adjust("31 seconds")
      expect(yield* audit.append(toolCall())).toEqual({ sequence: 1 })
      expect((yield* audit.status).mode).toBe("ok")
      expect(Option.isNone(yield* audit.openFailure)).toBe(true)
    }).pipe(withAuditLog({
      OPERA_SECURITY_AUDIT_DB_PATH: join(blocker, "audit.db"),
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey()
    }))
  })

  it.effect("a file that is not a database is reported as corrupt", () => {
    const path = join(tempDir(), "audit.db")
    writeFileSync(path, Buffer.alloc(8192, 0x5a))
    return Effect.gen(function*() {
      const status = yield* (yield* AuditLog).status
      expect(status.mode).toBe("degraded")
      expect(status.reason).toContain("damaged or not an audit database")
    }).pipe(withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: path, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }))
  })

  it.effect("SQLITE_BUSY while another process holds the write lock: append fails, status degraded, then recovers", () => {
    const path = join(tempDir(), "audit.db")
    const settings = {
      OPERA_SECURITY_AUDIT_DB_PATH: path,
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey(),
      OPERA_SECURITY_AUDIT_BUSY_TIMEOUT_MS: "20"
    }
    return Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.append(toolCall())
      const other = yield* rawDb(path)
      yield* other.unsafe("BEGIN IMMEDIATE")
      const error = yield* Effect.flip(audit.append(toolCall()))
      expect(error.reason).toBe("busy")
      expect(error.message).toContain("another process holds its write lock")
      expect((yield* audit.status)).toMatchObject({ mode: "degraded", lastSequence: 1 })
      // Opened, then failing: degraded, but not an open failure (a running server goes on, failing closed).
      expect(Option.isNone(yield* audit.openFailure)).toBe(true)
      yield* other.unsafe("COMMIT")
      expect(yield* audit.append(toolCall())).toEqual({ sequence: 2 })
      expect((yield* audit.status).mode).toBe("ok")
      expect((yield* audit.verify()).ok).toBe(true)
    }).pipe(withAuditLog(settings), Effect.scoped)
  })

  it.scoped("another key on an existing log: degraded with 'key does not match this audit log (key id …)'", () => {
    const path = join(tempDir(), "audit.db")
    return Effect.flatMap(AuditLog, (audit) => audit.append(toolCall())).pipe(
      withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: path, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }),
      Effect.zipRight(Effect.gen(function*() {
        const status = yield* (yield* AuditLog).status
        expect(status.mode).toBe("degraded")
        expect(status.reason).toMatch(/does not match this audit log \(key id [0-9a-f]{16};/)
      }).pipe(withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: path, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() })))
    )
  })

  it.effect("maintenance role refuses a missing log instead of creating one", () =>
    Effect.gen(function*() {
      const path = join(tempDir(), "missing.db")
      const error = yield* Effect.flip(AuditLog.pipe(
        withMaintenanceLog({ OPERA_SECURITY_AUDIT_DB_PATH: path, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() })
      ))
      expect(error.message).toContain(`there is no audit log at ${path}`)
      expect(existsSync(path)).toBe(false)
    }))

  it.scoped("two server processes on one file never fork the chain", () => {
    const path = join(tempDir(), "audit.db")
    const settings = { OPERA_SECURITY_AUDIT_DB_PATH: path, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }
    return Effect.gen(function*() {
      const a = Context.get(yield* Layer.build(layerFor(settings)), AuditLog)
      const b = Context.get(yield* Layer.build(layerFor(settings)), AuditLog)
      const receipts = yield* Effect.all(
        Array.from({ length: 40 }, (_, index) => (index % 3 === 0 ? a : b).append(toolCall({ correlationId: `c${index}` }))),
        { concurrency: 4 }
      )
      expect(receipts.map((receipt) => receipt.sequence).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 40 }, (_, index) => index + 1)
      )
      const result = yield* a.verify()
      expect(result).toMatchObject({ ok: true, rowsChecked: 40 })
    })
  })

  it.effect("key rotation: new rows use the new key id, old rows stay readable, verify spans the boundary", () => {
    const settings = { OPERA_SECURITY_AUDIT_DB_PATH: join(tempDir(), "audit.db"), OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }
    return Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.append(toolCall())
      const before = (yield* audit.status).keyId
      const rotated = yield* audit.rotateKey("test")
      expect(rotated.generation).toBe(2)
      expect(rotated.keyId).not.toBe(before)
      yield* audit.append(toolCall({ clientId: "after-rotation" }))
      const trail = yield* audit.trail(1)
      expect(trail.map((row) => row.keyId)).toEqual([before, rotated.keyId, rotated.keyId])
      expect(trail[2]?.clientId).toBe("after-rotation")
      expect(trail[1]).toMatchObject({ kind: "admin", tool: "keys_rotate" })
      expect((yield* audit.status).keyId).toBe(rotated.keyId)
      expect((yield* audit.verify()).ok).toBe(true)
    }).pipe(
      withAuditLog(settings),
      Effect.zipRight(Effect.gen(function*() {
        const audit = yield* AuditLog
        expect((yield* audit.trail(1)).map((row) => row.clientId)).toContain("api-key:frontdesk-anna")
        expect((yield* audit.verify()).ok).toBe(true)
      }).pipe(withMaintenanceLog(settings)))
    )
  })
})
