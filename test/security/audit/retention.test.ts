import * as Reactivity from "@effect/experimental/Reactivity"
import { Migrator, SqlClient } from "@effect/sql"
import { SqliteClient, SqliteMigrator } from "@effect/sql-sqlite-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option, Scope, TestClock } from "effect"
import { join } from "node:path"
import { AuditLog } from "../../../src/security/AuditLog.js"
import createAuditLog from "../../../src/security/audit/migrations/0001_create_audit_log.js"
import { auditMigrationsTable } from "../../../src/security/audit/migrations/index.js"
import { cleanup } from "../../../src/security/audit/retention.js"
import { verifyChain } from "../../../src/security/audit/verify.js"
import { dropTriggers, openCore } from "./core.js"
import { freshKey, tempDir, toolCall, withAuditLog } from "./fixtures.js"

const day = 86_400_000

describe("retention", () => {
  it.effect("removes exactly the rows past the window, leaves a signed anchor, and the rest verifies", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      // Days 0..9, one row per day (at 00:00 + 1 h).
      for (let index = 0; index < 10; index++) {
        yield* TestClock.setTime(index * day + 3_600_000)
        yield* audit.append(toolCall({ correlationId: `day-${index}` }))
      }
      yield* TestClock.setTime(10 * day)
      const dry = yield* audit.cleanup({ days: 3, dryRun: true })
      expect(dry).toMatchObject({ dryRun: true, removedRows: 7, removedByAge: 7, anchorSequence: 7 })
      expect((yield* audit.status).lastSequence).toBe(10)

      const result = yield* audit.cleanup({ days: 3, actor: "test" })
      expect(result).toMatchObject({ removedRows: 7, removedByAge: 7, removedForSize: 0, anchorSequence: 7 })
      const left = yield* audit.trail(24 * 365)
      expect(left.map((row) => row.correlationId ?? row.tool)).toEqual(["day-7", "day-8", "day-9", "audit_cleanup"])
      const verified = yield* audit.verify()
      expect(verified).toMatchObject({ ok: true, anchorSequence: 7, firstSequence: 8, lastSequence: 11, rowsChecked: 4 })
      // Again with nothing past the window: a no-op.
      expect((yield* audit.cleanup({ days: 3 })).removedRows).toBe(0)
    }).pipe(withAuditLog({
      OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey(),
      // Few background wake-ups while the test clock jumps ten days.
      OPERA_SECURITY_AUDIT_CHECKPOINT_EVERY_MINUTES: "1440",
      OPERA_SECURITY_AUDIT_RETENTION_EVERY_MINUTES: "10080"
    })))

  it.effect("runs on schedule as a scoped fiber with the configured retention days", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.append(toolCall({ correlationId: "old" }))
      yield* TestClock.adjust("23 hours")
      yield* audit.append(toolCall({ correlationId: "new" }))
      yield* TestClock.adjust("1 hour")
      // At 24 h the old row is exactly one day old: not yet past the window.
      expect((yield* audit.trail(1000)).length).toBe(2)
      yield* TestClock.adjust("1 hour")
      const left = yield* audit.trail(1000)
      expect(left.map((row) => row.correlationId ?? row.tool)).toEqual(["new", "audit_cleanup"])
      expect((yield* audit.verify()).ok).toBe(true)
    }).pipe(withAuditLog({
      OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey(),
      OPERA_SECURITY_SECURITY_EVENT_RETENTION_DAYS: "1",
      OPERA_SECURITY_AUDIT_CHECKPOINT_EVERY_MINUTES: "1440",
      OPERA_SECURITY_AUDIT_RETENTION_EVERY_MINUTES: "60"
    })))

  it.effect("removes the oldest rows over the size cap, and what remains verifies", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const padding = "x".repeat(4000)
      for (let index = 0; index < 400; index++) {
        yield* audit.append(toolCall({ correlationId: `r${index}`, sensitive: { details: padding } }))
      }
      const result = yield* audit.cleanup({ days: 3650 })
      expect(result.removedByAge).toBe(0)
      expect(result.removedForSize).toBeGreaterThan(100)
      expect(result.usedBytes).toBeGreaterThan(1024 * 1024)
      const after = yield* audit.cleanup({ days: 3650, dryRun: true })
      expect(after.usedBytes).toBeLessThan(1024 * 1024)
      expect((yield* audit.verify()).ok).toBe(true)
    }).pipe(withAuditLog({
      OPERA_SECURITY_AUDIT_DB_PATH: join(tempDir(), "audit.db"),
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey(),
      OPERA_SECURITY_AUDIT_DB_MAX_SIZE_MB: "1"
    })))

  it.scoped("refuses to remove a prefix that does not verify (retention never launders tampering)", () =>
    Effect.gen(function*() {
      const core = yield* openCore()
      for (let index = 0; index < 5; index++) yield* core.journal.append(toolCall())
      yield* dropTriggers(core)
      yield* core.context.store.sql`UPDATE audit_events SET tool = 'cancel_reservation' WHERE sequence = 2`
      yield* TestClock.setTime(400 * day)
      const error = yield* Effect.flip(cleanup(core.context, { days: 1, maxSizeMb: 512, dryRun: false }))
      expect(error.message).toContain("retention refused: row 2 does not verify (changed)")
      const rows = yield* core.context.store.sql<{ readonly n: number }>`SELECT count(*) AS n FROM audit_events`
      expect(rows[0]?.n).toBe(5)
    }))

  it.scoped("append-only: UPDATE and DELETE are refused outside retention", () =>
    Effect.gen(function*() {
      const core = yield* openCore()
      yield* core.journal.append(toolCall())
      const { sql } = core.context.store
      const update = yield* Effect.flip(sql`UPDATE audit_events SET tool = 'x' WHERE sequence = 1`)
      expect(String(update.cause)).toContain("append-only")
      const remove = yield* Effect.flip(sql`DELETE FROM audit_events`)
      expect(String(remove.cause)).toContain("append-only")
      expect(Option.isSome(yield* core.context.store.lastEvent)).toBe(true)
    }))
})

describe("journal", () => {
  it.effect("closing with appends in flight answers every caller (committed or 'closing'), none hangs", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const core = yield* openCore().pipe(Scope.extend(scope))
      const fibers = yield* Effect.forEach(Array.from({ length: 50 }), () => Effect.fork(core.journal.append(toolCall())))
      yield* Effect.yieldNow()
      yield* Scope.close(scope, Exit.void)
      const exits = yield* Effect.forEach(fibers, Fiber.await)
      const committed = exits.filter(Exit.isSuccess).map((exit) => exit.value.sequence)
      expect(committed).toEqual(Array.from({ length: committed.length }, (_, index) => index + 1))
      for (const exit of exits.filter(Exit.isFailure)) {
        expect(JSON.stringify(exit.cause)).toContain("is closing")
      }
      const late = yield* Effect.flip(core.journal.append(toolCall()))
      expect(late.message).toContain("is closing")
    }))

  it.scoped("many concurrent appends share commits and still get contiguous sequences that verify", () =>
    Effect.gen(function*() {
      const core = yield* openCore({ everyRows: 100 })
      const receipts = yield* Effect.all(
        Array.from({ length: 300 }, (_, index) => core.journal.append(toolCall({ correlationId: `c${index}` }))),
        { concurrency: 32 }
      )
      expect(receipts.map((receipt) => receipt.sequence).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 300 }, (_, index) => index + 1)
      )
      const result = yield* verifyChain(core.context)
      expect(result.failure).toBeUndefined()
      expect(result).toMatchObject({ ok: true, rowsChecked: 300 })
      expect(result.checkpointsChecked).toBeGreaterThanOrEqual(2)
    }))
})

describe("retention gate", () => {
  const count = (core: Effect.Effect.Success<ReturnType<typeof openCore>>) =>
    core.context.store.sql<{ readonly n: number }>`SELECT count(*) AS n FROM audit_events`.pipe(
      Effect.map((rows) => rows[0]?.n)
    )

  it.scoped("a row written to the gate does not let middle rows go, nor a prefix without its anchor", () =>
    Effect.gen(function*() {
      const core = yield* openCore()
      for (let index = 0; index < 10; index++) yield* core.journal.append(toolCall())
      const { sql } = core.context.store
      yield* sql`INSERT INTO audit_retention_gate (through) VALUES (8)`
      const middle = yield* Effect.flip(sql`DELETE FROM audit_events WHERE sequence BETWEEN 3 AND 5`)
      expect(String(middle.cause)).toContain("rows leave only through retention")
      const noAnchor = yield* Effect.flip(sql`DELETE FROM audit_events WHERE sequence <= 8`)
      expect(String(noAnchor.cause)).toContain("rows leave only through retention")
      // An anchor is taken only for the gate's sequence and that row's MAC.
      const wrongAnchor = yield* Effect.flip(sql`INSERT INTO audit_anchors (sequence, mac, created_at, removed_rows, signer, signature)
        VALUES (8, ${Buffer.alloc(32)}, 0, 8, 'x', ${Buffer.alloc(64)})`)
      expect(String(wrongAnchor.cause)).toContain("anchors are written only by retention")
      yield* sql`INSERT INTO audit_anchors (sequence, mac, created_at, removed_rows, signer, signature)
        SELECT 8, mac, 0, 8, 'x', ${Buffer.alloc(64)} FROM audit_events WHERE sequence = 8`
      // With the anchor in place, still only a prefix: the middle stays refused.
      const middleAgain = yield* Effect.flip(sql`DELETE FROM audit_events WHERE sequence = 4`)
      expect(String(middleAgain.cause)).toContain("rows leave only through retention")
      const beyond = yield* Effect.flip(sql`DELETE FROM audit_events WHERE sequence <= 9`)
      expect(String(beyond.cause)).toContain("rows leave only through retention")
      expect(yield* count(core)).toBe(10)
      // A prefix behind a forged anchor goes (SQL cannot check Ed25519), and verify names the forgery.
      yield* sql`DELETE FROM audit_events WHERE sequence <= 8`
      yield* sql`DELETE FROM audit_retention_gate`
      const result = yield* verifyChain(core.context)
      expect(result.failure).toMatchObject({ sequence: 9, damage: "bad_signature" })
    }))

  it.scoped("retention itself still removes its prefix behind the signed anchor", () =>
    Effect.gen(function*() {
      const core = yield* openCore()
      for (let index = 0; index < 6; index++) yield* core.journal.append(toolCall())
      yield* TestClock.setTime(400 * day)
      const result = yield* cleanup(core.context, { days: 1, maxSizeMb: 512, dryRun: false })
      expect(result).toMatchObject({ removedRows: 6, anchorSequence: 6 })
      expect(yield* count(core)).toBe(0)
      expect(yield* core.context.store.sql<{ readonly n: number }>`SELECT count(*) AS n FROM audit_retention_gate`)
        .toEqual([{ n: 0 }])
    }))

  it.scoped("a log made before the new gate is migrated: its old open-gate trick no longer works", () =>
    Effect.gen(function*() {
      const path = join(tempDir(), "audit.db")
      // The schema as the first migration left it (the gate was a bare flag).
      yield* Effect.scoped(Effect.gen(function*() {
        const sql = yield* SqliteClient.make({ filename: path })
        yield* Migrator.make({})({
          loader: SqliteMigrator.fromRecord({ "0001_create_audit_log": createAuditLog }),
          table: auditMigrationsTable
        }).pipe(Effect.provideService(SqlClient.SqlClient, sql))
      }).pipe(Effect.provide(Reactivity.layer)))
      const core = yield* openCore({ path })
      for (let index = 0; index < 5; index++) yield* core.journal.append(toolCall())
      const { sql } = core.context.store
      const flag = yield* Effect.flip(sql`INSERT INTO audit_retention_gate (opened) VALUES (1)`)
      expect(String(flag.cause)).toContain("opened")
      yield* sql`INSERT INTO audit_retention_gate (through) VALUES (5)`
      const middle = yield* Effect.flip(sql`DELETE FROM audit_events WHERE sequence = 3`)
      expect(String(middle.cause)).toContain("rows leave only through retention")
      expect(yield* count(core)).toBe(5)
    }))
})
